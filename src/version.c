#include "golu.h"

#define GOLU_STR_(x) #x
#define GOLU_STR(x) GOLU_STR_(x)

unsigned golu_version_number(void) { return GOLU_VERSION_NUMBER; }

const char *golu_version_string(void)
{
    return GOLU_STR(GOLU_VERSION_MAJOR) "." GOLU_STR(GOLU_VERSION_MINOR) "." GOLU_STR(GOLU_VERSION_PATCH);
}
