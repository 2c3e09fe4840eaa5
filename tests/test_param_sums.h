/* The reference of golu_enqueue_backward_params()'s sums, for the tests that check them
 * (test_param_grads, test_reduction_scratch): the long-double sums of dy * dGoLU/dparam over an
 * array, the parameters as the kernels receive them, and the tolerance the sums are held to. */
#ifndef GOLU_TEST_PARAM_SUMS_H
#define GOLU_TEST_PARAM_SUMS_H

#include <stddef.h>

#include "golu.h"

/* The tolerance of each sum, relative to sum |term|: 1e-5 (f32, f16, bf16), 1e-12 (f64). */
double tps_tolerance(golu_dtype dt);

/* The size of one dparams element: the accumulation type (double for f64, else float). */
size_t tps_acc_size(golu_dtype dt);

/* 0 when the f64 reference cannot be trusted here (long double no wider than double, as under
 * valgrind): the f64 sums are then computed and compared bit for bit but not judged. */
int tps_judges(golu_dtype dt);

/* The parameters as the kernels receive them (NULL: the defaults): rounded to float except for
 * f64. */
golu_params tps_kernel_params(golu_dtype dt, const golu_params *p);

typedef struct {
    long double sum[3]; /* sum of dy * dGoLU/dparam_k, k = alpha, beta, gamma */
    long double abs[3]; /* sum of |dy * dGoLU/dparam_k| */
} tps_sums;

/* The sums over the first n elements of x and dy (arrays of dt). */
tps_sums tps_reference(golu_dtype dt, size_t n, const void *x, const void *dy,
                       const golu_params *params);

#endif
