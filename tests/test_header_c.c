/*
 * test_header_c: the public header alone, compiled as C99 with -Wstrict-prototypes -Werror (see
 * meson.build): it must be plain C. Links and calls one function to prove the symbols are there.
 */
#include <golu.h>

int main(void)
{
    golu_params p = GOLU_PARAMS_DEFAULT_INIT;
    return (golu_version_number() == GOLU_VERSION_NUMBER && p.alpha == 1.0) ? 0 : 1;
}
