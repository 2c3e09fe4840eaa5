/* Setting a kernel's arguments and enqueuing it, with the fallbacks OpenCL runtimes need when a
 * work-group size they reported turns out not to fit. */
#include "fault_injection.h"

/* Failures a smaller work-group may cure. */
static int work_group_trouble(cl_int err)
{
    return err == CL_OUT_OF_RESOURCES || err == CL_INVALID_WORK_GROUP_SIZE;
}

static cl_int set_args(cl_kernel kernel, const golu_launch_args *a)
{
    cl_int err = CL_SUCCESS;
    cl_uint arg = 0;
    for (int i = 0; i < a->count && err == CL_SUCCESS; i++) {
        err = clSetKernelArg(kernel, arg++, sizeof(cl_mem), &a->mems[i]);
        if (err == CL_SUCCESS)
            err = clSetKernelArg(kernel, arg++, sizeof(cl_ulong), &a->offsets[i]);
    }
    if (err == CL_SUCCESS)
        err = clSetKernelArg(kernel, arg++, sizeof(cl_ulong), &a->n);
    for (int i = 0; i < a->count_count && err == CL_SUCCESS; i++)
        err = clSetKernelArg(kernel, arg++, sizeof(cl_ulong), &a->counts[i]);
    for (int i = 0; i < a->scalar_count && err == CL_SUCCESS; i++)
        err = clSetKernelArg(kernel, arg++, a->scalar_size, a->scalars[i]);
    return err;
}

cl_int golu_kernel_launch(golu_kernel_slot *ks, const golu_launch_args *a, unsigned vw,
                          cl_command_queue queue, cl_uint num_events, const cl_event *wait_list,
                          cl_event *event, size_t *global_out, size_t *local_out)
{
    pthread_mutex_lock(&ks->lock);
    cl_int err = set_args(ks->kernel, a);
    size_t global = 0, local = 0;
    while (err == CL_SUCCESS) {
        golu_work_size_for(ks, a->n, vw, &global, &local);
        /* local_size 0 means the runtime's choice: pass NULL, keep the global size as sized. */
        size_t *local_arg = ks->runtime_local ? NULL : &local;
        err = GOLU_FAULT_ENQUEUE(local_arg ? local : 0);
        if (err == CL_SUCCESS)
            err = clEnqueueNDRangeKernel(queue, ks->kernel, 1, NULL, &global, local_arg, num_events,
                                         wait_list, event);
        if (!work_group_trouble(err) || ks->runtime_local)
            break;
        /* Remember the smaller size for every later call on this (device, kernel). A reduction
         * needs its local size known, so it never leaves the choice to the runtime. */
        if (ks->local_size > 1)
            ks->local_size /= 2;
        else if (ks->shape != GOLU_SHAPE_GRID)
            break;
        else
            ks->runtime_local = 1;
        err = CL_SUCCESS;
    }
    *global_out = global;
    *local_out = ks->runtime_local ? 0 : local;
    pthread_mutex_unlock(&ks->lock);
    return err;
}
