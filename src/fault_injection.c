/* The test-only fault plan (see fault_injection.h). Empty unless GOLU_FAULT_INJECTION. */
#include "fault_injection.h"

#ifdef GOLU_FAULT_INJECTION

static golu_fault_plan plan;
static int attempts, injected;

void golu_fault_set(const golu_fault_plan *p)
{
    golu_fault_plan none = {0, 0, CL_SUCCESS, 0, 0, 0};
    plan = p ? *p : none;
    attempts = injected = 0;
}

int golu_fault_attempts(void) { return attempts; }
int golu_fault_injected(void) { return injected; }

cl_int golu_fault_enqueue(size_t local)
{
    attempts++;
    int fail = plan.fail_next_enqueues > 0;
    if (fail)
        plan.fail_next_enqueues--;
    fail |= plan.enqueue_max_local && local > plan.enqueue_max_local;
    fail |= plan.fail_explicit_local && local != 0;
    fail |= plan.fail_runtime_local && local == 0;
    if (!fail)
        return CL_SUCCESS;
    injected++;
    return plan.enqueue_error;
}

size_t golu_fault_device_max_work_group(size_t real)
{
    return plan.device_max_work_group && plan.device_max_work_group < real
               ? plan.device_max_work_group
               : real;
}

#else
typedef int golu_fault_injection_disabled; /* ISO C forbids an empty translation unit */
#endif
