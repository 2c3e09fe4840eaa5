/* minimal_host.c: GoLU forward and backward on five values with the blocking host-pointer calls,
 * on the default device (GOLU_DEVICE, else the first GPU, else the first device). */
#include <golu.h>
#include <stdio.h>

int main(void)
{
    golu_context *ctx;
    if (golu_context_create_default(&ctx) != GOLU_OK) {
        fprintf(stderr, "no OpenCL device: %s\n", golu_last_create_detail());
        return 1;
    }
    float x[5] = {-2.0f, -0.5f, 0.0f, 0.5f, 2.0f}, y[5], dy[5] = {1, 1, 1, 1, 1}, dx[5];
    golu_status s = golu_forward_host(ctx, GOLU_F32, 5, x, y, NULL); /* NULL: alpha=beta=gamma=1 */
    if (s == GOLU_OK)
        s = golu_backward_host(ctx, GOLU_F32, 5, dy, x, dx, NULL);
    if (s != GOLU_OK)
        fprintf(stderr, "%s: %s\n", golu_status_name(s), golu_context_detail(ctx));
    for (int i = 0; s == GOLU_OK && i < 5; i++)
        printf("x=%5.2f  y=%9.6f  dy/dx=%9.6f\n", x[i], y[i], dx[i]);
    golu_context_destroy(ctx);
    return s == GOLU_OK ? 0 : 1;
}
