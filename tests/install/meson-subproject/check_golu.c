/* check_golu.c: a subproject user's first program. Forward and backward of a few values on the
 * default device, compared with the formula in double precision; exit 0 only when all match. */
#include <golu.h>
#include <math.h>
#include <stdio.h>

#define N 6

int main(void)
{
    golu_context *ctx;
    if (golu_context_create_default(&ctx) != GOLU_OK) {
        fprintf(stderr, "no OpenCL device: %s\n", golu_last_create_detail());
        return 1;
    }
    const float x[N] = {-3.0f, -1.25f, -0.5f, 0.25f, 1.5f, 6.0f};
    const float dy[N] = {1.0f, 2.0f, -1.0f, 0.5f, 1.0f, -4.0f};
    float y[N], dx[N];
    golu_status s = golu_forward_host(ctx, GOLU_F32, N, x, y, NULL);
    if (s == GOLU_OK)
        s = golu_backward_host(ctx, GOLU_F32, N, dy, x, dx, NULL);
    if (s != GOLU_OK) {
        fprintf(stderr, "%s: %s\n", golu_status_name(s), golu_context_detail(ctx));
        golu_context_destroy(ctx);
        return 1;
    }
    golu_context_destroy(ctx);
    int bad = 0;
    for (int i = 0; i < N; i++) {
        double e = exp(-(double)x[i]);
        double ry = x[i] * exp(-e);
        double rdx = dy[i] * exp(-e) * (1.0 + x[i] * e);
        /* 4 ulp of f32 in relative terms, and an absolute floor for results near 0 */
        int ok = fabs(y[i] - ry) <= 4.8e-7 * fabs(ry) + 1e-30 &&
                 fabs(dx[i] - rdx) <= 4.8e-7 * fabs(rdx) + 4.8e-7 * fabs(dy[i]);
        printf("x=%6.2f  y=%15.8e (%15.8e)  dx=%15.8e (%15.8e)%s\n", x[i], y[i], ry, dx[i], rdx,
               ok ? "" : "  MISMATCH");
        bad += !ok;
    }
    printf("golu %s: %s\n", golu_version_string(), bad ? "FAILED" : "ok");
    return bad ? 1 : 0;
}
