/* The reference of the parameter-gradient sums (test_param_sums.h). */
#include "test_param_sums.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "golu_reference.h"
#include "test_support.h"

double tps_tolerance(golu_dtype dt)
{
    return dt == GOLU_F64 ? 1e-12 : 1e-5;
}

size_t tps_acc_size(golu_dtype dt)
{
    return dt == GOLU_F64 ? sizeof(double) : sizeof(float);
}

int tps_judges(golu_dtype dt)
{
    volatile long double one = 1.0L, tiny = LDBL_EPSILON;
    return dt != GOLU_F64 || !(LDBL_MANT_DIG > DBL_MANT_DIG && one + tiny == one);
}

golu_params tps_kernel_params(golu_dtype dt, const golu_params *p)
{
    golu_params q = p ? *p : ts_default_params();
    if (dt != GOLU_F64) {
        q.alpha = (float)q.alpha;
        q.beta = (float)q.beta;
        q.gamma = (float)q.gamma;
    }
    return q;
}

tps_sums tps_reference(golu_dtype dt, size_t n, const void *x, const void *dy,
                       const golu_params *params)
{
    golu_params p = tps_kernel_params(dt, params);
    tps_sums r;
    memset(&r, 0, sizeof r);
    for (size_t i = 0; i < n; i++) {
        long double d[3], dyv = ts_get(dt, dy, i);
        golu_ref_param_derivatives(ts_get(dt, x, i), p.alpha, p.beta, p.gamma, d);
        for (int k = 0; k < 3; k++) {
            long double term = dyv * d[k];
            r.sum[k] += term;
            r.abs[k] += fabsl(term);
        }
    }
    return r;
}
