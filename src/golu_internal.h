/*
 * libgolu internals: the context's layout and the functions the src/ files share.
 * Nothing here is installed.
 */
#ifndef GOLU_INTERNAL_H
#define GOLU_INTERNAL_H

#include "golu.h"

#include <pthread.h>
#include <stdarg.h>

/* The kernels of one program, in the order of golu_kernel_names[]. */
typedef enum {
    GOLU_KERNEL_FORWARD = 0,
    GOLU_KERNEL_FORWARD_ALIGNED = 1,
    GOLU_KERNEL_BACKWARD = 2,
    GOLU_KERNEL_BACKWARD_ALIGNED = 3,
    GOLU_KERNEL_BACKWARD_PARAMS = 4,         /* cl/golu_params.cl: dx and per-group partial sums */
    GOLU_KERNEL_BACKWARD_PARAMS_ALIGNED = 5,
    GOLU_KERNEL_PARAMS_FINISH = 6,           /* the partials' fixed-order sum into dparams */
    GOLU_KERNEL_FORWARD_BLEND = 7,           /* y = s * GoLU(x) + t * y */
    GOLU_KERNEL_FORWARD_BLEND_ALIGNED = 8,
    GOLU_KERNEL_BACKWARD_BLEND = 9,          /* dx = s * gradient + t * dx */
    GOLU_KERNEL_BACKWARD_BLEND_ALIGNED = 10,
    GOLU_KERNEL_FORWARD_BIAS = 11,           /* cl/golu_bias.cl: y = s * GoLU(x + b) + t * y */
    GOLU_KERNEL_FORWARD_BIAS_ALIGNED = 12,
    GOLU_KERNEL_BACKWARD_BIAS = 13,          /* dx, and db's per-row-block partial column sums */
    GOLU_KERNEL_BACKWARD_BIAS_ALIGNED = 14,
    GOLU_KERNEL_BIAS_FINISH = 15,            /* the partials' fixed-order sum into db */
    GOLU_KERNEL_COUNT = 16
} golu_kernel_id;

extern const char *const golu_kernel_names[GOLU_KERNEL_COUNT];

/* How a kernel's NDRange is shaped (golu_kernel_shapes[], program.c; default GRID). */
typedef enum {
    GOLU_SHAPE_GRID = 0,   /* element-wise grid-stride loop: any local size, the runtime's included */
    GOLU_SHAPE_REDUCE = 1, /* each work-group reduces in local memory and writes one partial:
                              local size <= GOLU_REDUCE_LOCAL_MAX, a number of work-groups fixed by
                              n and the device (not by the local size), never the runtime's choice */
    GOLU_SHAPE_SINGLE_GROUP = 2 /* as REDUCE, with exactly one work-group */
} golu_kernel_shape;

extern const golu_kernel_shape golu_kernel_shapes[GOLU_KERNEL_COUNT];

/* Work-items per work-group of a reduction at most: the size of its local-memory tree, passed to
 * the program as -DGOLU_REDUCE_LOCAL_MAX. */
#define GOLU_REDUCE_LOCAL_MAX 256

/* Vectors per work-item at most (steps of the grid-stride loop), for the element-wise kernels on
 * GPUs: f16's and the other dtypes' (work_size.c). */
#define GOLU_GPU_GRID_STEPS_MAX 4u
#define GOLU_GPU_GRID_STEPS_MAX_F16 1u
/* Work-items of a grown grid at most: some runtimes refuse a global size of 2^32 or more (AMD's
 * HSA grid sizes are 32-bit); past it the work-items loop more steps instead. */
#define GOLU_GRID_WORK_ITEMS_MAX ((uint64_t)1 << 31)

/* On a CPU device a work-group's work-items times the bytes of the vectors each holds per loop
 * step (vector width x unroll x the compute type's size) stays within this (work_size.c). */
#define GOLU_CPU_GROUP_VECTOR_BYTES_MAX 65536u

/* One built kernel and how it is launched. clSetKernelArg on a shared cl_kernel is not
 * thread-safe, so `lock` covers setting the arguments and the enqueue that reads them. */
typedef struct {
    cl_kernel kernel;
    pthread_mutex_t lock;
    size_t local_size;  /* work-items per work-group; halved when an enqueue says it is too big */
    int runtime_local;  /* 1 once even 1 failed: enqueue with NULL, the runtime's choice */
    size_t group_size_for_global; /* local size the global size is computed with */
    size_t max_groups;  /* cap on work-groups; the kernels loop over the rest (grid-stride) */
    uint64_t steps_max; /* element-wise kernels on GPUs: past max_groups the grid grows so that
                         * no work-item takes more steps than this; 0: it does not grow */
    golu_kernel_shape shape;
} golu_kernel_slot;

#define GOLU_LAUNCH_MAX_ARRAYS 6
#define GOLU_LAUNCH_MAX_SCALARS 5 /* alpha, beta, gamma, s, t: GOLU_SCALARS_COUNT, below */

#define GOLU_LAUNCH_MAX_COUNTS 4

/* The arguments of one enqueue, in kernel order: (mem, offset) per array, n, the further cl_ulong
 * arguments in counts[] (such as the fused bias's cols), then the scalars (alpha, beta, gamma,
 * and any the kernel adds, such as blending's s and t). A NULL mem is passed as a NULL buffer.
 * golu_scalars_use() sets the scalars. The NDRange covers n elements, vw at a time. */
typedef struct {
    int count;
    cl_mem mems[GOLU_LAUNCH_MAX_ARRAYS];
    cl_ulong offsets[GOLU_LAUNCH_MAX_ARRAYS];
    cl_ulong n;
    int count_count;
    cl_ulong counts[GOLU_LAUNCH_MAX_COUNTS];
    size_t scalar_size;
    int scalar_count;
    const void *scalars[GOLU_LAUNCH_MAX_SCALARS];
} golu_launch_args;

/* ---- kernel_launch.c ---- */
/* Sets the arguments and enqueues under ks->lock; on CL_OUT_OF_RESOURCES or
 * CL_INVALID_WORK_GROUP_SIZE retries with half the local size down to 1, then with the runtime's
 * choice, remembering what worked. Reports the NDRange used (local 0: the runtime's). */
cl_int golu_kernel_launch(golu_kernel_slot *ks, const golu_launch_args *args, unsigned vw,
                          cl_command_queue queue, cl_uint num_events, const cl_event *wait_list,
                          cl_event *event, size_t *global, size_t *local);

#define GOLU_PASS_COUNT 2

/* The program of one (device, dtype, pass), built on first use with that pass's tuning. When
 * both passes of a dtype use one vector width and unroll they share the cl_program (each holds
 * a reference) and each has its own kernel objects, launched with its own work sizes. */
typedef struct {
    int built;          /* 0 not yet, 1 built; read and written under the dtype's build_lock */
    unsigned vw;        /* GOLU_VW it was built with: elements per work-item per step */
    unsigned unroll;    /* GOLU_UNROLL it was built with: vectors loaded per loop step */
    cl_program program;
    golu_kernel_slot kernels[GOLU_KERNEL_COUNT];
} golu_program_slot;

typedef struct {
    cl_device_id id;
    cl_device_type type;
    int has_fp64;
    int has_fp16;      /* cl_khr_fp16: f16 conversions in hardware */
    int nv_ptx;        /* NVIDIA compute capability >= 8.0: inline PTX for f16/bf16 */
    cl_uint compute_units;
    size_t max_work_group_size;
    size_t max_work_item_size0;
    cl_ulong max_mem_alloc_size;
    cl_uint vendor_id;  /* CL_DEVICE_VENDOR_ID: the built-in tuning defaults depend on it */
    /* The build of one (device, dtype), both passes: other programs of the context stay usable
     * while one compiles. It also covers forced_tuning of that dtype. */
    pthread_mutex_t build_lock[GOLU_DTYPE_COUNT];
    golu_program_slot programs[GOLU_DTYPE_COUNT][GOLU_PASS_COUNT];
    /* Launch configurations other than the built-in defaults; vector_width 0 means none.
     * file_tuning is set at context creation and then only read. */
    golu_tuning file_tuning[GOLU_DTYPE_COUNT][GOLU_PASS_COUNT];
    golu_tuning forced_tuning[GOLU_DTYPE_COUNT][GOLU_PASS_COUNT]; /* golu_set_tuning() */
} golu_device;

/* cl_nv_device_attribute_query's CL_DEVICE_COMPUTE_CAPABILITY_MAJOR_NV (cl_ext.h has it only
 * in some versions of the headers), and NVIDIA's CL_DEVICE_VENDOR_ID */
#define GOLU_CL_DEVICE_COMPUTE_CAPABILITY_MAJOR_NV 0x4000
#define GOLU_VENDOR_NVIDIA 0x10deu

#define GOLU_DETAIL_CAPACITY 16384
#define GOLU_CACHE_PATH_MAX 4096
#define GOLU_TUNING_NOTE_CAPACITY (GOLU_CACHE_PATH_MAX + 512)

typedef struct golu_scratch_pool golu_scratch_pool;
typedef struct golu_scratch golu_scratch;

struct golu_context {
    cl_context cl_ctx;
    golu_scratch_pool *scratch;       /* the reductions' scratch buffers (scratch_pool.c) */
    cl_uint num_devices;
    golu_device *devices;
    cl_command_queue default_queue;   /* created on demand (or by create_default) */
    pthread_mutex_t lock;             /* the default queue */
    pthread_mutex_t detail_lock;      /* the detail message only (taken inside `lock` too) */
    char detail[GOLU_DETAIL_CAPACITY];
    char tuning_file[GOLU_CACHE_PATH_MAX];  /* "" when there was none to look for */
    char tuning_note[GOLU_TUNING_NOTE_CAPACITY]; /* why it was not used; "" if it was */
};

/* ---- detail.c ---- */
/* Stores a printf-style message as the context's detail (or the thread's create detail when ctx
 * is NULL) and returns `status`, so callers can write `return golu_fail(ctx, STATUS, ...)`. */
golu_status golu_fail(golu_context *ctx, golu_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Same, for a failed OpenCL call: "<what>: <CL error name> (<code>)". */
golu_status golu_fail_cl(golu_context *ctx, const char *what, cl_int err);
/* Appends text (e.g. a build log) to the detail message, truncating at the capacity. */
void golu_detail_append(golu_context *ctx, const char *text);

/* ---- cl_error_names.c ---- */
const char *golu_cl_error_name(cl_int err);

/* ---- device_spec.c: the selection-string grammar (pure; fuzzed) ---- */
typedef enum {
    GOLU_SPEC_DEFAULT,  /* NULL or "": first GPU, else first device */
    GOLU_SPEC_INDEX,    /* "P:D" */
    GOLU_SPEC_ORDINAL,  /* "N": the N-th device counting across platforms */
    GOLU_SPEC_TYPE,     /* "gpu" | "cpu" | "accelerator" */
    GOLU_SPEC_NAME      /* anything else: case-insensitive substring of "platform / device" */
} golu_spec_kind;

typedef struct {
    golu_spec_kind kind;
    unsigned long platform;
    unsigned long device;       /* also the ordinal for GOLU_SPEC_ORDINAL */
    cl_device_type type;
    const char *text;           /* the spec itself, for GOLU_SPEC_NAME */
} golu_device_spec;

golu_status golu_parse_device_spec(const char *spec, golu_device_spec *out);
int golu_contains_ignore_case(const char *haystack, const char *needle);

/* ---- kernel_source.c ---- */
/* The program text: golu_common.cl, golu_forward.cl, golu_backward.cl concatenated, from the
 * embedded copy or from $GOLU_KERNEL_DIR. Caller frees. */
golu_status golu_kernel_source(golu_context *ctx, char **out);

/* ---- binary_cache.c: compiled programs on disk between processes (best effort) ---- */
#define GOLU_CACHE_FORMAT_VERSION 1u
#define GOLU_CACHE_STRING_MAX 1024 /* longest driver or device string an entry records */

/* What an entry must match to be used. Also the header written by golu_binary_cache_encode(). */
typedef struct {
    uint64_t key;
    const char *driver_version; /* CL_DRIVER_VERSION */
    const char *device_name;    /* CL_DEVICE_NAME */
} golu_cache_expect;

/* An entry's fields, pointing into the parsed bytes (the strings are not NUL-terminated). */
typedef struct {
    uint64_t key;
    const unsigned char *driver_version;
    size_t driver_version_size;
    const unsigned char *device_name;
    size_t device_name_size;
    const unsigned char *payload; /* the CL_PROGRAM_BINARIES bytes */
    size_t payload_size;
} golu_cache_view;

typedef enum {
    GOLU_CACHE_VALID = 0,
    GOLU_CACHE_BAD_MAGIC,   /* not a libgolu cache file */
    GOLU_CACHE_BAD_VERSION, /* another format version */
    GOLU_CACHE_TRUNCATED,   /* shorter than its header says */
    GOLU_CACHE_MALFORMED,   /* impossible lengths, or bytes after the payload */
    GOLU_CACHE_CORRUPT,     /* the checksum does not match */
    GOLU_CACHE_OTHER_KEY,   /* well formed, but for another key */
    GOLU_CACHE_STALE        /* well formed, but from another driver version or device */
} golu_cache_verdict;

/* One cache slot, resolved from the environment and the device before a build. */
typedef struct {
    int enabled; /* 0: cache off, no folder, or a device string too long or unreadable */
    uint64_t key;
    char dir[GOLU_CACHE_PATH_MAX];
    char driver_version[GOLU_CACHE_STRING_MAX + 1];
    char device_name[GOLU_CACHE_STRING_MAX + 1];
} golu_cache_entry;

/* Pure: checks any bytes as an entry file. With `expect` NULL only the structure and checksum
 * are checked. On GOLU_CACHE_VALID, OTHER_KEY and STALE, *out (may be NULL) describes the file. */
golu_cache_verdict golu_binary_cache_parse(const unsigned char *data, size_t size,
                                           const golu_cache_expect *expect, golu_cache_view *out);
/* The file for a payload: malloc'd, size in *size; NULL if out of memory or a string is longer
 * than GOLU_CACHE_STRING_MAX or the payload is empty. */
unsigned char *golu_binary_cache_encode(const golu_cache_expect *header,
                                        const unsigned char *payload, size_t payload_size,
                                        size_t *size);
/* The cache folder from the environment and the key of (source, options, device). */
void golu_binary_cache_entry(cl_device_id device, const char *source, const char *options,
                             golu_cache_entry *out);
/* A program built from the entry's binary, or NULL (no entry, invalid, or rejected). */
cl_program golu_binary_cache_load(cl_context cl_ctx, cl_device_id device, const char *options,
                                  const golu_cache_entry *entry);
/* Writes the program's binary for `device` as the entry, atomically; failures are ignored. */
void golu_binary_cache_store(cl_program program, cl_device_id device, const golu_cache_entry *entry);

/* ---- program.c ---- */
/* The program of (device index, dtype, pass), building it on first use with the pass's tuning
 * (golu_tuning_resolve()). Kernels of the forward family are launched from the forward slot,
 * those of the backward family from the backward slot. */
golu_status golu_program_get(golu_context *ctx, cl_uint device_index, golu_dtype dtype,
                             golu_pass pass, golu_program_slot **out);
void golu_program_release(golu_program_slot *slot);

/* ---- tuning_defaults.c: built-in launch configurations by vendor and device type ---- */
void golu_tuning_defaults(const golu_device *dev, golu_dtype dtype, golu_pass pass,
                          golu_tuning *out);

/* ---- tuning_calls.c ---- */
/* The configuration (device, dtype, pass) builds with: forced, else the file's, else the
 * defaults. Called with dev->build_lock[dtype] held. `source` may be NULL. */
void golu_tuning_resolve(const golu_device *dev, golu_dtype dtype, golu_pass pass,
                         golu_tuning *out, golu_tuning_source *source);

/* ---- tuning_load.c ---- */
/* Finds and reads the tuning file (GOLU_TUNING_FILE, else <cache folder>/tuning.txt), sets
 * ctx->tuning_file, ctx->tuning_note and each device's file_tuning. Never fails. */
void golu_tuning_load(golu_context *ctx);

/* Bytes of the type a dtype's kernels compute in, and of their real arguments (`real` in cl/):
 * double for f64, float for the others. */
static inline size_t golu_compute_size(golu_dtype dtype)
{
    return dtype == GOLU_F64 ? sizeof(double) : sizeof(float);
}

/* ---- work_size.c ---- */
/* Picks local size and group cap for a built kernel of a `dtype` program from the device's and
 * kernel's limits and the two rules below. */
golu_status golu_work_size_init(golu_context *ctx, const golu_device *dev,
                                const golu_tuning *tuning, golu_dtype dtype,
                                golu_kernel_id kernel, golu_kernel_slot *slot);
/* The largest work-group golu_work_size_init() allows on a device of `type` (CL_DEVICE_TYPE_*
 * bits): on CPU devices GOLU_CPU_GROUP_VECTOR_BYTES_MAX / (vw x unroll x compute size), else
 * SIZE_MAX (no limit of its own). */
size_t golu_local_cap(cl_device_type type, const golu_tuning *tuning, golu_dtype dtype);
/* The steps_max of `kernel` for `dtype` on a device of `type`: GOLU_GPU_GRID_STEPS_MAX (f16:
 * GOLU_GPU_GRID_STEPS_MAX_F16) for the plain and blending forward and backward kernels on devices
 * other than CPUs, else 0. */
uint64_t golu_grid_steps_max(cl_device_type type, golu_kernel_id kernel, golu_dtype dtype);
/* The NDRange for n elements processed `vw` at a time. */
void golu_work_size_for(const golu_kernel_slot *slot, uint64_t n, unsigned vw, size_t *global,
                        size_t *local);
/* The number of work-groups golu_work_size_for() gives: at most max_groups, or, with steps_max,
 * enough that no work-item loops more than steps_max steps, up to GOLU_GRID_WORK_ITEMS_MAX
 * work-items (never below max_groups). For a REDUCE or SINGLE_GROUP kernel
 * (steps_max 0) it is fixed by n, vw and the device, whatever local size a fallback has come down
 * to (one partial each). */
uint64_t golu_work_groups_for(const golu_kernel_slot *slot, uint64_t n, unsigned vw);

/* ---- validate.c ---- */
/* One array argument of an element-wise call. */
typedef struct {
    const char *name;   /* "x", "y", "dy", "dx": used in detail messages */
    cl_mem mem;         /* NULL: an optional array the call was given none of (checked by none) */
    uint64_t offset;    /* elements */
    int is_output;
    uint64_t address;   /* set by golu_validate_arrays: the first element's address as far as
                           alignment goes (a CL_MEM_USE_HOST_PTR buffer's host pointer, else the
                           sub-buffer origin on a base aligned to CL_DEVICE_MEM_BASE_ADDR_ALIGN) */
    uint64_t length;    /* elements it spans; 0: the call's n */
    size_t elem_size;   /* bytes per element; 0: the dtype's */
    int exclusive;      /* an output that may not even be exactly in-place (dparams, db) */
} golu_array_arg;

golu_status golu_validate_params(golu_context *ctx, const golu_params *params);
/* s and t of a golu_blend (NULL: {1, 0}): finite, and at most FLT_MAX for the float dtypes. */
golu_status golu_validate_blend(golu_context *ctx, golu_dtype dtype, const golu_blend *blend);
golu_status golu_validate_queue(golu_context *ctx, cl_command_queue queue, cl_uint *device_index);
golu_status golu_validate_wait_list(golu_context *ctx, cl_uint num_events, const cl_event *list);
golu_status golu_validate_dtype(golu_context *ctx, const golu_device *dev, golu_dtype dtype);
golu_status golu_validate_arrays(golu_context *ctx, golu_array_arg *arrays, int count,
                                 golu_dtype dtype, uint64_t n);

/* ---- enqueue_common.c: what every enqueue call does the same way ---- */
/* The checks of an enqueue call, in their fixed order: params, blend, wait list, queue (sets
 * *device_index), dtype, arrays. Nothing is enqueued before they pass. */
golu_status golu_validate_call(golu_context *ctx, cl_command_queue queue, golu_dtype dtype,
                               const golu_params *params, const golu_blend *blend,
                               cl_uint num_events, const cl_event *wait_list,
                               golu_array_arg *arrays, int count, uint64_t n,
                               cl_uint *device_index);
/* A call with nothing to compute: a marker command for a requested event (NULL: nothing). */
golu_status golu_empty_event(golu_context *ctx, cl_command_queue queue, cl_uint num_events,
                             const cl_event *wait_list, cl_event *event);
/* 1 when `blend` is NULL or {1, 0}: the plain kernels compute exactly that. */
int golu_blend_is_plain(const golu_blend *blend);

/* alpha, beta, gamma, s, t (indices GOLU_SCALAR_*) in the kernel's scalar type: float, or double
 * for f64. NULL params or blend: the defaults. */
enum { GOLU_SCALAR_ALPHA = 0, GOLU_SCALAR_S = 3, GOLU_SCALARS_COUNT = 5 };
typedef struct {
    float f[GOLU_SCALARS_COUNT];
    double d[GOLU_SCALARS_COUNT];
    size_t size; /* of one scalar argument */
} golu_scalars;
void golu_scalars_pack(golu_scalars *s, golu_dtype dtype, const golu_params *params,
                       const golu_blend *blend);
/* Sets args' scalar arguments to `count` of them from index `first` (s must outlive the launch). */
void golu_scalars_use(const golu_scalars *s, int first, int count, golu_launch_args *args);
/* 1 when every array's first element is aligned to `vector_bytes` (the aligned variants). */
int golu_arrays_aligned(const golu_array_arg *arrays, int count, uint64_t vector_bytes);
/* GOLU_ERROR_OPENCL for a failed kernel enqueue, the detail naming the kernel, the dtype, the
 * shape (n = rows when cols is 0, else rows x cols) and the NDRange. */
golu_status golu_launch_failed(golu_context *ctx, golu_kernel_id id, golu_dtype dtype,
                               uint64_t rows, uint64_t cols, size_t global, size_t local,
                               cl_int err);

/* ---- scratch_pool.c ---- */
/* The pool, with the context's reference; NULL when out of host memory. */
golu_scratch_pool *golu_scratch_pool_create(void);
/* Drops the context's reference and releases the idle buffers (context destroy); buffers on loan
 * are released when given back. NULL does nothing. */
void golu_scratch_pool_close(golu_scratch_pool *pool);
/* Lends a buffer of at least `bytes` for commands on `queue`; GOLU_ERROR_OUT_OF_HOST_MEMORY or
 * GOLU_ERROR_OPENCL (with the detail) when none can be made. Thread-safe. */
golu_status golu_scratch_take(golu_context *ctx, cl_command_queue queue, size_t bytes,
                              golu_scratch **out);
cl_mem golu_scratch_mem(const golu_scratch *s);
/* Gives the buffer back once `last`, the last command that uses it, has completed (NULL: nothing
 * enqueued uses it, given back at once). */
void golu_scratch_give_back_when_done(golu_scratch *s, cl_event last);

/* ---- bias_plan.c ---- */
/* golu_enqueue_backward_bias()'s split of rows x cols (both >= 1): one work-item task sums one
 * strip of vw columns over one block of rows; with blocks == 1 it writes db itself, otherwise its
 * partial sums go to a scratch buffer of blocks x cols and golu_bias_finish adds them. */
typedef struct {
    uint64_t strips;         /* ceil(cols / vw) */
    uint64_t rows_per_block;
    uint64_t blocks;         /* ceil(rows / rows_per_block), at most 256 */
    uint64_t tasks;          /* blocks * strips */
} golu_bias_plan;
/* `work_items`: a full grid of the stage-1 kernel (its max_groups * group_size_for_global,
 * which no work-group-size fallback changes). */
void golu_bias_plan_make(uint64_t rows, uint64_t cols, unsigned vw, uint64_t work_items,
                         golu_bias_plan *out);

/* ---- device_info.c ---- */
golu_status golu_device_query(golu_context *ctx, cl_device_id id, golu_device *out);

#endif
