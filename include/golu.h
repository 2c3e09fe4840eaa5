/*
 * libgolu: the GoLU activation (Gompertz Linear Unit) on any OpenCL 1.2+ device.
 *
 * Formulas (Das et al. 2025, "Gompertz Linear Units", arXiv:2502.03654, eq. 1 and its derivative):
 *
 *     forward   y  = alpha * x * exp(-beta * exp(-gamma * x))
 *     backward  dx = dy * alpha * exp(-beta * e) * (1 + beta * gamma * x * e),   e = exp(-gamma * x)
 *
 * with alpha = beta = gamma = 1 by default. Every array is a flat vector of n elements of one dtype,
 * addressed by an element offset into an OpenCL buffer; shape does not matter to an element-wise op.
 *
 * Numerics (the contract; tests/ checks each line against a double-precision reference):
 *   - f32 and f64 are computed in their own precision; f16 and bf16 are loaded into float, computed
 *     in float and rounded once, to nearest even, at the store.
 *   - For finite x, finite dy and valid parameters (see golu_params) no result is NaN, and none is
 *     infinite unless the true result overflows the dtype.
 *   - NaN in x (or dy) gives NaN out.
 *   - For alpha != 0, beta > 0 and gamma > 0 the limits at the infinities are exact:
 *     forward(-inf) = -0, forward(+inf) = alpha * (+inf), backward(-inf) = 0, backward(+inf) = alpha * dy.
 *   - Kernels are built without -cl-fast-relaxed-math or any other relaxed-math option.
 *   - Accuracy bounds per dtype are stated next to golu_enqueue_forward().
 *
 * Errors: every call returns a golu_status. Values below 100 are pinned and will never change
 * meaning. After a failure, golu_context_detail() holds a readable message (the argument at fault,
 * the OpenCL error name, or a program build log). The library never prints.
 *
 * Thread-safety: a golu_context may be shared by any number of threads. Enqueue calls from several
 * threads at once are safe, on one shared cl_command_queue or on a queue per thread (the library
 * serialises its own use of each cl_kernel object). The detail message is per context and is
 * overwritten by the latest failure of any thread: read it on the thread that failed, before other
 * threads can fail. golu_context_destroy() must not race with any other call on that context, nor
 * golu_set_tuning() with calls that use the (device, dtype, pass) it changes.
 */
#ifndef GOLU_H
#define GOLU_H

#include <stddef.h>
#include <stdint.h>

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#ifdef __APPLE__
#include <OpenCL/cl.h>
#else
#include <CL/cl.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(GOLU_BUILDING_LIBRARY)
#define GOLU_API __declspec(dllexport)
#elif defined(__GNUC__)
#define GOLU_API __attribute__((visibility("default")))
#else
#define GOLU_API
#endif

/* ---- version ------------------------------------------------------------------------------ */

#define GOLU_VERSION_MAJOR 0
#define GOLU_VERSION_MINOR 1
#define GOLU_VERSION_PATCH 0
#define GOLU_VERSION_NUMBER (GOLU_VERSION_MAJOR * 10000 + GOLU_VERSION_MINOR * 100 + GOLU_VERSION_PATCH)

/*! golu_version_number() :
 *  @return : GOLU_VERSION_NUMBER of the library actually linked (may differ from the header's). */
GOLU_API unsigned golu_version_number(void);

/*! golu_version_string() :
 *  @return : "MAJOR.MINOR.PATCH" of the linked library; a static string, never NULL. */
GOLU_API const char *golu_version_string(void);

/* ---- status codes ------------------------------------------------------------------------- */

/* Pinned values: a code below 100 keeps its number and meaning in every future version. */
typedef enum {
    GOLU_OK = 0,
    GOLU_ERROR_NULL_ARGUMENT = 1,        /* a required pointer or cl_* handle is NULL */
    GOLU_ERROR_INVALID_DTYPE = 2,        /* not one of the golu_dtype values */
    GOLU_ERROR_UNSUPPORTED_DTYPE = 3,    /* valid dtype the device cannot run (f64 without cl_khr_fp64) */
    GOLU_ERROR_BUFFER_TOO_SMALL = 4,     /* (offset + n) * element size exceeds the buffer's CL_MEM_SIZE */
    GOLU_ERROR_SIZE_OVERFLOW = 5,        /* (offset + n) * element size does not fit in 64 bits */
    GOLU_ERROR_INVALID_PARAMETER = 6,    /* alpha, beta or gamma outside the valid range (see
                                            golu_params), or beta < 0 */
    GOLU_ERROR_OVERLAP = 7,              /* an output overlaps an input without being exactly in-place */
    GOLU_ERROR_DEVICE_NOT_IN_CONTEXT = 8,/* the queue's device or context, or a buffer's context,
                                            is not the golu_context's */
    GOLU_ERROR_INVALID_WAIT_LIST = 9,    /* num_events > 0 with a NULL list, a list with count 0,
                                            a NULL event, or an event of another cl_context */
    GOLU_ERROR_NO_DEVICE = 10,           /* no OpenCL platform/device found, or none matches GOLU_DEVICE */
    GOLU_ERROR_INVALID_DEVICE_SPEC = 11, /* a device selection string that cannot be parsed */
    GOLU_ERROR_KERNEL_SOURCE = 12,       /* GOLU_KERNEL_DIR is set but a .cl file cannot be read */
    GOLU_ERROR_BUILD_FAILED = 13,        /* clBuildProgram failed; the detail holds the build log */
    GOLU_ERROR_OPENCL = 14,              /* any other OpenCL call failed; the detail names the error */
    GOLU_ERROR_OUT_OF_HOST_MEMORY = 15,  /* malloc failed */
    GOLU_ERROR_INVALID_ARGUMENT = 16,    /* any other invalid argument; the detail says which */
    GOLU_ERROR_TOO_LARGE = 17            /* host-pointer calls: n * element size exceeds the
                                            device's CL_DEVICE_MAX_MEM_ALLOC_SIZE */
} golu_status;

/*! golu_status_name() :
 *  @return : the enumerator's name ("GOLU_OK", ...), or "GOLU_UNKNOWN_STATUS"; never NULL. */
GOLU_API const char *golu_status_name(golu_status status);

/* ---- dtypes and parameters ---------------------------------------------------------------- */

/* Storage types. Pinned values. */
typedef enum {
    GOLU_F32 = 0,  /* IEEE binary32 */
    GOLU_F16 = 1,  /* IEEE binary16; loaded/stored with vload_half/vstore_half, so cl_khr_fp16 is not needed */
    GOLU_BF16 = 2, /* bfloat16: the upper 16 bits of a binary32, stored as a 16-bit unsigned integer */
    GOLU_F64 = 3   /* IEEE binary64; needs cl_khr_fp64 (else GOLU_ERROR_UNSUPPORTED_DTYPE) */
} golu_dtype;

#define GOLU_DTYPE_COUNT 4

/*! golu_dtype_name() : "f32", "f16", "bf16", "f64", or NULL for an invalid value. */
GOLU_API const char *golu_dtype_name(golu_dtype dtype);

/*! golu_dtype_size() : bytes per element (4, 2, 2, 8), or 0 for an invalid value. */
GOLU_API size_t golu_dtype_size(golu_dtype dtype);

/* GoLU's parameters. Valid values: alpha, beta and gamma each 0 or of magnitude 2^-60 to 2^60
 * (about 8.7e-19 to 1.2e18), and beta >= 0; anything else, NaN and +-inf included, is
 * GOLU_ERROR_INVALID_PARAMETER. Over this range results are free of NaN for finite x and dy, the
 * accuracy bounds hold, and the limits at +-inf are exact (for beta > 0, gamma > 0). beta < 0
 * would make the gate grow without bound.
 * They are kernel arguments: changing them never rebuilds a program. f32/f16/bf16 kernels receive
 * them rounded to float; f64 kernels receive them as double. Pass NULL wherever a
 * `const golu_params *` is taken for the defaults alpha = beta = gamma = 1. */
typedef struct {
    double alpha;
    double beta;
    double gamma;
} golu_params;

#define GOLU_PARAMS_DEFAULT_INIT {1.0, 1.0, 1.0}

/* ---- context -------------------------------------------------------------------------------- */

/* Opaque. Holds the OpenCL context, its devices, the programs built per (device, dtype, pass) on
 * first use, the launch configurations (per-device tuning, below), and the last detail message. */
typedef struct golu_context golu_context;

/*! golu_context_create() :
 *  Wraps the caller's `cl_ctx` and `num_devices` of its `devices` (all must belong to `cl_ctx`).
 *  The cl_context and each cl_device_id are retained, and released by golu_context_destroy().
 *  Nothing is compiled yet: programs are built per (device, dtype) on first use, or by golu_prepare().
 *  @return : GOLU_OK and `*out`, or an error (then `*out` is NULL). */
GOLU_API golu_status golu_context_create(cl_context cl_ctx, cl_uint num_devices,
                                         const cl_device_id *devices, golu_context **out);

/*! golu_context_create_default() :
 *  Creates its own OpenCL context on one device, chosen as follows: the environment variable
 *  GOLU_DEVICE if set (see golu_select_device()); otherwise the first GPU of any platform; otherwise
 *  the first device of any type. Also creates an in-order command queue with profiling enabled,
 *  used by the host-pointer calls and returned by golu_context_default_queue().
 *  @return : GOLU_OK and `*out`; GOLU_ERROR_NO_DEVICE, GOLU_ERROR_INVALID_DEVICE_SPEC, ... (then
 *  `*out` is NULL; the reason is lost with the context, so golu_last_create_detail() keeps it). */
GOLU_API golu_status golu_context_create_default(golu_context **out);

/*! golu_last_create_detail() :
 *  The detail message of the latest failed golu_context_create*() or golu_select_device() call on
 *  this thread (thread-local storage); "" if none. */
GOLU_API const char *golu_last_create_detail(void);

/*! golu_context_destroy() :
 *  Releases everything the context holds. golu_context_destroy(NULL) does nothing. Work already
 *  enqueued by the library keeps its own references and completes normally (OpenCL's implicit
 *  references; NVIDIA's driver 580 breaks this when kernels of two programs are pending: finish
 *  the queues first there, docs/API.md "Known driver faults"). */
GOLU_API void golu_context_destroy(golu_context *ctx);

/*! golu_context_detail() :
 *  The message of the context's latest failure (e.g. "y: buffer of 64 bytes is smaller than
 *  (offset 8 + n 10) * 4 bytes", "clEnqueueNDRangeKernel: CL_OUT_OF_RESOURCES", a build log),
 *  or "" if nothing failed yet; successes leave it as it was. The pointer stays valid until
 *  golu_context_destroy(); another thread's failure may overwrite the text. */
GOLU_API const char *golu_context_detail(const golu_context *ctx);

/*! golu_context_cl_context() / golu_context_num_devices() / golu_context_device() :
 *  Accessors. golu_context_device() returns NULL for an index >= golu_context_num_devices(). */
GOLU_API cl_context golu_context_cl_context(const golu_context *ctx);
GOLU_API cl_uint golu_context_num_devices(const golu_context *ctx);
GOLU_API cl_device_id golu_context_device(const golu_context *ctx, cl_uint index);

/*! golu_context_default_queue() :
 *  The queue made by golu_context_create_default() (profiling enabled), or for a context made by
 *  golu_context_create(), a queue the library creates on the first device at the first call. The
 *  context owns it: do not release it. NULL on failure (see the detail). */
GOLU_API cl_command_queue golu_context_default_queue(golu_context *ctx);

/*! golu_dtype_supported() :
 *  @return : GOLU_OK if `device` (one of the context's) can run `dtype`; GOLU_ERROR_UNSUPPORTED_DTYPE,
 *  GOLU_ERROR_INVALID_DTYPE or GOLU_ERROR_DEVICE_NOT_IN_CONTEXT otherwise. Builds nothing. */
GOLU_API golu_status golu_dtype_supported(golu_context *ctx, cl_device_id device, golu_dtype dtype);

/*! golu_prepare() :
 *  Builds now (instead of at the first enqueue) the programs for `dtype`, both passes, on every
 *  device of the context that supports it (from the program cache, see below, when it holds
 *  them; the passes share one program when their tuned vector widths and unrolls agree).
 *  @return : GOLU_OK, GOLU_ERROR_BUILD_FAILED (detail = build log), ... */
GOLU_API golu_status golu_prepare(golu_context *ctx, golu_dtype dtype);

/* ---- program cache ---------------------------------------------------------------------------- */

/* Compiled programs are kept on disk (their CL_PROGRAM_BINARIES), so that a later process loads
 * its kernels instead of compiling them from source, which takes from a few hundred milliseconds
 * to seconds per (device, dtype). No call controls it; the environment does, read at each build:
 *   GOLU_CACHE_DIR  the folder. Unset or empty: $XDG_CACHE_HOME/golu if XDG_CACHE_HOME is an
 *                   absolute path, else $HOME/.cache/golu. "off" (any case) or "0": no cache.
 * The folder is created (mode 0700) at the first store. One file per program source, build
 * options, platform, device and driver version: golu-<64-bit hash>.bin, mode 0600. Entries are
 * written to a temporary file and renamed into place, so that processes building at once never
 * read a partial one. A truncated, corrupt or stale entry (another driver version or device) is
 * ignored, compiled from source and replaced. The cache never makes a call fail: an unreadable or
 * unwritable folder costs only the compile. Nothing removes old entries (earlier drivers or
 * library versions); deleting the folder is always safe. The entries are code the driver will
 * run: keep GOLU_CACHE_DIR a folder that only the user can write. */

/* ---- per-device tuning ------------------------------------------------------------------------ */

/* How the kernels of one (device, dtype, pass) are launched. Every kernel is a grid-stride loop:
 * each work-item handles vector_width consecutive elements per step, at most
 * groups_per_compute_unit * CL_DEVICE_MAX_COMPUTE_UNITS work-groups of local_size work-items run,
 * and they loop over the rest, so at large n each work-item handles about
 * n / (vector_width * local_size * groups) vectors (the elements per work-item). On devices
 * other than CPUs the plain and blending forward and backward kernels take more work-groups
 * where that would be above 4 vectors per work-item, f16's above 1 (n / (vector_width *
 * local_size * 4, or 1) groups, up to 2^31 work-items): for f16 there, groups_per_compute_unit
 * and unroll matter only past 2^31 vectors.
 * local_size is a preference: the launch takes the smallest of it, the device's and the kernel's
 * work-group limits (rounded down to the kernel's preferred multiple; on CPU devices also 65536 /
 * (vector_width * unroll * 4, or 8 for f64), since CPU runtimes keep a group's private values on
 * one thread's stack), and halves it if the runtime refuses it. unroll is how many vectors a
 * work-item loads, stride apart, before it computes and stores them, in one step of its loop (more
 * loads in flight per work-item; steps of one vector finish the rest); it changes nothing while
 * the grid covers n in one step. With unroll 1 on CPU devices the element-wise kernels (not the
 * bias and parameter-gradient reductions) instead load each step's vectors one step ahead (issued
 * before the previous step's compute).
 * Valid values (anything else, 0 included, is GOLU_ERROR_INVALID_ARGUMENT here and makes a
 * tuning file invalid):
 *   vector_width            1, 2, 4, 8 or 16 (a program build option: one program per width)
 *   local_size              a power of two, 1 to 4096
 *   groups_per_compute_unit 1 to 1024
 *   unroll                  1, 2 or 4 (a program build option, like vector_width) */
typedef struct {
    unsigned vector_width;            /* elements per vector: consecutive, one load each */
    unsigned local_size;              /* work-items per work-group (a preference, see above) */
    unsigned groups_per_compute_unit; /* work-groups at most, per compute unit */
    unsigned unroll;                  /* vectors loaded before computing, per loop step */
} golu_tuning;

/* The two passes, each tuned on its own. Pinned values. */
typedef enum {
    GOLU_PASS_FORWARD = 0,  /* golu_enqueue_forward() and the other forward calls */
    GOLU_PASS_BACKWARD = 1  /* golu_enqueue_backward() and the other backward calls */
} golu_pass;

/* Where a (device, dtype, pass)'s golu_tuning came from. Pinned values. */
typedef enum {
    GOLU_TUNING_BUILTIN = 0, /* the library's defaults by vendor and device type */
    GOLU_TUNING_FILE = 1,    /* an entry of the tuning file */
    GOLU_TUNING_FORCED = 2   /* golu_set_tuning() */
} golu_tuning_source;

/* The tuning file. `golu-bench --tune` measures vector widths, work-group sizes, group counts
 * and unrolls per (dtype, pass) on a device and records the fastest in a text file that every
 * context reads once, when it is created (golu_context_create*()); later changes to the file
 * reach new contexts only. Where it is:
 *   GOLU_TUNING_FILE  the file's path. "off" (any case) or "0": no file, built-in defaults only.
 *                     Unset or empty: <cache folder>/tuning.txt, the cache folder being the
 *                     program cache's (GOLU_CACHE_DIR, XDG_CACHE_HOME, HOME; see above). With
 *                     GOLU_CACHE_DIR=off there is no default file.
 * Format (UTF-8 text, every line ending in a newline; one entry per line; golu-bench writes it,
 * and it may be edited by hand):
 *     # comment lines and blank lines are skipped
 *     golu-tuning 1
 *     device="<CL_DEVICE_NAME>" driver="<CL_DRIVER_VERSION>" dtype=f32 pass=forward vw=16 local=1024 groups_per_cu=16 unroll=1
 * The header line "golu-tuning 1" comes before any entry. An entry has exactly these eight
 * key=value fields, in any order, separated by spaces or tabs: device and driver are quoted,
 * exact (case-sensitive) copies of the device's strings, with \" and \\ the only escapes and no
 * control characters (at most 1024 bytes each); dtype is f32, f16, bf16 or f64; pass is forward
 * or backward; vw, local, groups_per_cu and unroll are decimal numbers (no sign, no leading
 * zero) within golu_tuning's ranges. An entry applies to the devices whose name and driver
 * version are equal to its strings; a (dtype, pass) without one uses the built-in defaults.
 * Strictness: the whole file is ignored (every device gets the built-in defaults) when any line
 * is malformed: a missing header, an unknown, missing or repeated key, a bad number or range
 * (vw=3, local=1000, unroll=3), a second entry for the same (device, driver, dtype, pass), a
 * NUL or control byte, a line longer than 8192 bytes, more than 4096 entries, a last line
 * without its newline (a cut file), or a file over 1 MiB. A file that is missing at the default location is
 * normal and says nothing; any other reason a file is not used (unreadable, not a regular file,
 * malformed) is kept in golu_context_tuning_note(). It never makes a call fail. */

/*! golu_context_tuning_file() :
 *  The tuning file this context looked for at creation, or "" when there was none to look for
 *  (GOLU_TUNING_FILE=off, or no cache folder) or ctx is NULL. Valid until golu_context_destroy(). */
GOLU_API const char *golu_context_tuning_file(const golu_context *ctx);

/*! golu_context_tuning_note() :
 *  Why the tuning file was not used ("/home/u/.cache/golu/tuning.txt: line 4: vw=3: expected 1, 2,
 *  4, 8 or 16; file ignored"), or "" when it was read, or is simply absent. Not a failure: every
 *  call works on with the built-in defaults. "" for a NULL ctx. Fixed at creation; valid until
 *  golu_context_destroy(). */
GOLU_API const char *golu_context_tuning_note(const golu_context *ctx);

/*! golu_get_tuning() :
 *  The launch configuration `device` (one of the context's) uses for `dtype` and `pass`: the one
 *  its kernels were built with, or will be at the first use. `source` (may be NULL) says where it
 *  came from: golu_set_tuning() before the file, the file before the built-in defaults. Builds
 *  nothing; valid for every dtype, also one the device cannot run.
 *  @return : GOLU_OK; GOLU_ERROR_NULL_ARGUMENT (ctx, device, out), GOLU_ERROR_INVALID_DTYPE,
 *  GOLU_ERROR_INVALID_ARGUMENT (pass), GOLU_ERROR_DEVICE_NOT_IN_CONTEXT. */
GOLU_API golu_status golu_get_tuning(golu_context *ctx, cl_device_id device, golu_dtype dtype,
                                     golu_pass pass, golu_tuning *out, golu_tuning_source *source);

/*! golu_set_tuning() :
 *  Forces the launch configuration of `device`, `dtype`, `pass` in this context, over the file
 *  and the defaults; `tuning` NULL goes back to them. When the configuration in effect changes,
 *  the kernels of that (device, dtype, pass) are released and built again at their next use
 *  (from the program cache when it holds that vector width and unroll); setting the one in
 *  effect again keeps them. golu-bench --tune measures candidates this way; applications may
 *  use it too.
 *  Nothing is written to the tuning file.
 *  Thread-safety: unlike the other calls, it must not run while another thread enqueues work of
 *  that (device, dtype, pass) on this context (it releases the kernel objects such a call uses);
 *  commands already enqueued complete normally.
 *  @return : GOLU_OK; GOLU_ERROR_NULL_ARGUMENT (ctx, device), GOLU_ERROR_INVALID_DTYPE,
 *  GOLU_ERROR_INVALID_ARGUMENT (pass, or a value out of golu_tuning's ranges; the detail says
 *  which), GOLU_ERROR_DEVICE_NOT_IN_CONTEXT. */
GOLU_API golu_status golu_set_tuning(golu_context *ctx, cl_device_id device, golu_dtype dtype,
                                     golu_pass pass, const golu_tuning *tuning);

/* ---- device selection ----------------------------------------------------------------------- */

/*! golu_select_device() :
 *  Finds a device from a selection string, the syntax of GOLU_DEVICE and golu-bench --device:
 *    "P:D"   device index D of platform index P (both from 0, in the ICD loader's order);
 *    "N"     the N-th device counting across all platforms in that order;
 *    "gpu" / "cpu" / "accelerator"   the first device of that type;
 *    any other text: the first device whose "platform name / device name" contains it
 *            (case-insensitive), e.g. "NVIDIA", "H200", "pthread", "Portable Computing".
 *  `spec` NULL or "" means the default rule (first GPU, else first device).
 *  Anything that starts with a digit must be "P:D" or "N" (at most 9 digits each).
 *  @return : GOLU_OK with `*platform` and `*device` (neither retained); GOLU_ERROR_NO_DEVICE;
 *  GOLU_ERROR_INVALID_DEVICE_SPEC for a malformed index. The reason of a failure is readable
 *  with golu_last_create_detail(). Thread-safe. */
GOLU_API golu_status golu_select_device(const char *spec, cl_platform_id *platform,
                                        cl_device_id *device);

/* ---- enqueue (non-blocking) ------------------------------------------------------------------ */

/*! golu_enqueue_forward() :
 *  Enqueues y[y_offset + i] = GoLU(x[x_offset + i]) for 0 <= i < n on `queue` and returns at once.
 *  `x` and `y`  : cl_mem buffers of `dtype` elements, created in golu_context_cl_context(ctx)
 *                 (or sub-buffers of such); offsets and n count elements, not bytes. n is
 *                 limited only by the buffers' sizes (64-bit indexing throughout).
 *  In-place is allowed: x == y with x_offset == y_offset. Any other overlap is GOLU_ERROR_OVERLAP.
 *  `params`     : NULL for alpha = beta = gamma = 1.
 *  `queue`      : any queue on a device of `ctx` (in-order or not); synchronisation is the
 *                 caller's: the kernel waits on `wait_list` (num_events entries, or NULL and 0).
 *                 The buffers must stay alive until the command completes.
 *  `event`      : if not NULL, receives a new event for this command; the caller releases it.
 *  n == 0       : success, nothing computed; a requested event is still returned: a marker
 *                 command (clEnqueueMarkerWithWaitList) that completes after the wait list, or on
 *                 an in-order queue after the commands enqueued before it.
 *  On any error nothing is enqueued and `*event` is left unchanged.
 *  Accuracy (measured against long double / MPFR; docs/ACCURACY.md gives the tables; the bounds
 *  below are what tests/ asserts, via tools/common/golu_reference.c, on PoCL and what golu-bench
 *  --check asserts on any device):
 *    f32, f64: |y - ref| <= 4 ulp(ref) + 2 * (1 + |alpha*x|) units of the smallest subnormal
 *      (the second term matters only for subnormal results). In practice about
 *      2 ulp (PoCL) to 3.5 ulp (NVIDIA) everywhere: the inner exponential is evaluated in double
 *      word precision, so the tails (x < -1) lose nothing to the z-fold amplification that costs
 *      the plain formula up to 102 ulp (docs/ACCURACY.md).
 *    f16, bf16: within 1 ulp of the correctly rounded result, for every one of the 65,536 inputs;
 *      bf16, whose range is float's, within that or 2 * (1 + |alpha*x|) units of float's smallest
 *      subnormal (2^-149), as f32: the gate is a float, so where alpha*|x| is large (alpha near
 *      2^60, or |x| beyond 2^23 with a tiny gamma) a result below about |alpha*x| * 2^-149 can
 *      come out as 0 (a review found such inputs; the default parameters have none).
 *  The bounds hold for every valid golu_params; exact limits at +-inf need beta > 0, gamma > 0.
 *  With gamma < 0 the forward at +inf is NaN (the gate's limit 0 times inf). With gamma <= 0
 *  the gate at x = -inf is taken as 1 (for gamma = 0 too, where it is exp(-beta) elsewhere), and
 *  the forward there is -REAL_MAX * alpha rounded to the dtype (-inf in f16, and in bf16 for
 *  |alpha| >= 1) instead of the limit; with gamma = 0 the gate at +inf is taken as 1 as well.
 *  f16/bf16's 1-ulp bound is tested on all inputs for the default parameters; for others the
 *  float computation's few-ulp error can show as 2-6 f16 ulp next to the gradient's zero.
 *  Errors: GOLU_ERROR_NULL_ARGUMENT (ctx, queue, x, y), GOLU_ERROR_INVALID_DTYPE,
 *  GOLU_ERROR_UNSUPPORTED_DTYPE, GOLU_ERROR_SIZE_OVERFLOW, GOLU_ERROR_BUFFER_TOO_SMALL,
 *  GOLU_ERROR_OVERLAP, GOLU_ERROR_INVALID_PARAMETER, GOLU_ERROR_DEVICE_NOT_IN_CONTEXT,
 *  GOLU_ERROR_INVALID_WAIT_LIST, GOLU_ERROR_BUILD_FAILED, GOLU_ERROR_OPENCL. */
GOLU_API golu_status golu_enqueue_forward(golu_context *ctx, cl_command_queue queue, golu_dtype dtype,
                                          uint64_t n, cl_mem x, uint64_t x_offset, cl_mem y,
                                          uint64_t y_offset, const golu_params *params,
                                          cl_uint num_events, const cl_event *wait_list,
                                          cl_event *event);

/*! golu_enqueue_backward() :
 *  Enqueues dx[i] = dy[i] * dGoLU/dx(x[i]) (offsets as in golu_enqueue_forward) and returns at once.
 *  dx may be exactly dy or exactly x (same buffer and offset): the gradient is then written in
 *  place. Any other overlap of dx with dy or x is GOLU_ERROR_OVERLAP; dy and x may overlap freely.
 *  Accuracy: f32 and f64 within 4 ulp of alpha*|dy| plus 4 ulp of the result (an
 *  absolute bound near the gradient's zero at x = -0.567, where no relative bound is meaningful;
 *  measured: at most about 2.5 ulp of alpha*|dy| on PoCL, 3.6 on NVIDIA); f16 and bf16 within 1
 *  ulp of the correctly rounded result, also where dy is large and the derivative is below
 *  float's range (bf16). Other arguments, n == 0 and errors as for golu_enqueue_forward(). */
GOLU_API golu_status golu_enqueue_backward(golu_context *ctx, cl_command_queue queue, golu_dtype dtype,
                                           uint64_t n, cl_mem dy, uint64_t dy_offset, cl_mem x,
                                           uint64_t x_offset, cl_mem dx, uint64_t dx_offset,
                                           const golu_params *params, cl_uint num_events,
                                           const cl_event *wait_list, cl_event *event);

/* ---- blending, parameter gradients, fused bias (non-blocking) ------------------------------ */

/* Blending, as in cuDNN's and MIOpen's activation calls: an output is s * (the computed value) +
 * t * (the output's previous contents). t = 1 accumulates gradients; s = 1, t = 0 (or a NULL
 * `const golu_blend *`) is the plain call. With t == 0 the previous contents are never read, so
 * NaN or uninitialised memory there is harmless. s and t must be finite and, for f32/f16/bf16,
 * of magnitude at most FLT_MAX (they are passed to the kernel as float; as double for f64);
 * anything else is GOLU_ERROR_INVALID_PARAMETER. A t so small that it rounds to 0 in float (|t|
 * at most 2^-150, about 7e-46, for f32/f16/bf16) becomes 0: the old output is then not read. For
 * f16/bf16, s * value + t * old is computed in float and rounded once at the store; for f32/f64
 * it is one fma in the dtype. */
typedef struct {
    double s; /* scale of the computed value */
    double t; /* scale of the output's previous contents (0: not read) */
} golu_blend;

#define GOLU_BLEND_DEFAULT_INIT {1.0, 0.0}

/*! golu_enqueue_forward_blend() :
 *  y[i] = s * GoLU(x[i]) + t * y[i], otherwise exactly golu_enqueue_forward() (arguments, in-place,
 *  n == 0, events, errors). `blend` NULL means {1, 0}: the plain forward. */
GOLU_API golu_status golu_enqueue_forward_blend(golu_context *ctx, cl_command_queue queue,
                                                golu_dtype dtype, uint64_t n, cl_mem x,
                                                uint64_t x_offset, cl_mem y, uint64_t y_offset,
                                                const golu_params *params, const golu_blend *blend,
                                                cl_uint num_events, const cl_event *wait_list,
                                                cl_event *event);

/*! golu_enqueue_backward_blend() :
 *  dx[i] = s * dy[i] * dGoLU/dx(x[i]) + t * dx[i], otherwise exactly golu_enqueue_backward().
 *  `blend` NULL means {1, 0}. t = 1 adds this gradient to the one already in dx. */
GOLU_API golu_status golu_enqueue_backward_blend(golu_context *ctx, cl_command_queue queue,
                                                 golu_dtype dtype, uint64_t n, cl_mem dy,
                                                 uint64_t dy_offset, cl_mem x, uint64_t x_offset,
                                                 cl_mem dx, uint64_t dx_offset,
                                                 const golu_params *params, const golu_blend *blend,
                                                 cl_uint num_events, const cl_event *wait_list,
                                                 cl_event *event);

/*! golu_enqueue_backward_params() :
 *  Learnable GoLU: the backward that also returns the gradients of alpha, beta and gamma,
 *      dparams[0] = s * sum_i dy[i] * dy/dalpha(x[i])  + t * dparams[0]
 *      dparams[1] = s * sum_i dy[i] * dy/dbeta(x[i])   + t * dparams[1]
 *      dparams[2] = s * sum_i dy[i] * dy/dgamma(x[i])  + t * dparams[2]
 *  (indices relative to dparams_offset) with, for e = exp(-gamma*x) and g = exp(-beta*e),
 *      dy/dalpha = x*g,   dy/dbeta = -alpha*x*e*g,   dy/dgamma = alpha*beta*x*x*e*g,
 *  and, when `dx` is not NULL, dx exactly as golu_enqueue_backward_blend() (same s and t).
 *  `dparams` : a buffer of at least dparams_offset + 3 elements of the accumulation type:
 *              cl_float for f32, f16 and bf16; cl_double for f64 (offset counts those elements).
 *              It must not overlap dy, x or dx at all (GOLU_ERROR_OVERLAP; a buffer too small
 *              for offset + 3 is GOLU_ERROR_BUFFER_TOO_SMALL). dx NULL: only the sums.
 *  Summation: per work-item compensated sums, then a work-group tree and a fixed-order final pass,
 *  in the accumulation type: the result is bit-identical from run to run on one device for the
 *  same n and buffers (the number of work-groups is fixed by n and the device); it may differ in
 *  the last bits between devices. Accuracy: each sum within 1e-5 (f32, f16, bf16) or 1e-12 (f64)
 *  of sum_i |term_i| relative to the long-double reference (tested at n = 10^6; measured on
 *  PoCL: at most 4e-10 for f32, f16 and bf16, 3e-19 for f64).
 *  Special values: NaN in x or dy makes all three sums NaN. For finite x and dy no term is NaN
 *  or infinite (with beta > 0; with beta = 0 the beta term dy*alpha*x*exp(-gamma*x) overflows to
 *  +-inf where exp(-gamma*x) leaves the accumulation type's range, as its true value does). At
 *  x = -inf every term is 0 (the limits, for beta > 0; with beta = 0 the gate is 1 and x = -inf
 *  is taken as -REAL_MAX, as the forward does, so the terms are finite or +-inf rather than the
 *  limits); at x = +inf dy/dalpha = x is infinite, so dparams[0]
 *  gets dy * inf (+-inf, NaN where dy = 0, as IEEE gives) and the other two 0. alpha = 0 (beta =
 *  0) makes the beta and gamma (the gamma) terms exactly 0.
 *  Work: two kernels on `queue` (the second sums the first's partials; `event` is the second's,
 *  complete when dx and dparams are written) and a scratch buffer of 3 accumulation-type
 *  elements per work-group. Scratch buffers come from a pool of the context: a buffer goes back
 *  to it when the commands that use it complete, and a later call on the same in-order queue
 *  may use it at once; the context keeps up to 8 of them, each up to 64 MiB (larger ones are
 *  made for the call), until golu_context_destroy(). GOLU_ERROR_OPENCL or
 *  GOLU_ERROR_OUT_OF_HOST_MEMORY if one cannot be made. Should the second enqueue fail (an
 *  OpenCL error, not an argument), the first, which writes dx, is already enqueued.
 *  n == 0: the sums are 0, so dparams becomes t * dparams (a kernel is still enqueued when t != 1).
 *  Errors: as golu_enqueue_backward(), plus GOLU_ERROR_NULL_ARGUMENT for dparams. */
GOLU_API golu_status golu_enqueue_backward_params(golu_context *ctx, cl_command_queue queue,
                                                  golu_dtype dtype, uint64_t n, cl_mem dy,
                                                  uint64_t dy_offset, cl_mem x, uint64_t x_offset,
                                                  cl_mem dx, uint64_t dx_offset, cl_mem dparams,
                                                  uint64_t dparams_offset, const golu_params *params,
                                                  const golu_blend *blend, cl_uint num_events,
                                                  const cl_event *wait_list, cl_event *event);

/*! golu_enqueue_forward_bias() :
 *  Fused bias and activation on a row-major [rows x cols] tensor (row r starts at element
 *  r * cols of each array; rows are contiguous, no padding):
 *      y[r*cols + c] = s * GoLU(x[r*cols + c] + b[c]) + t * y[r*cols + c]
 *  `b` holds cols elements of `dtype` (from b_offset) and broadcasts over the rows. x + b is
 *  formed in the compute type (float for f32/f16/bf16, double for f64), rounded once, as an
 *  unfused bias add in f32 would be; for f16/bf16 this is more exact than adding in 16 bits.
 *  In-place y == x (same offset) is allowed; b must not overlap y. Accuracy as
 *  golu_enqueue_forward() for the input x + b. rows == 0 or cols == 0 behaves as n == 0.
 *  Errors: as golu_enqueue_forward(), plus GOLU_ERROR_SIZE_OVERFLOW when rows * cols does not fit
 *  in 64 bits. */
GOLU_API golu_status golu_enqueue_forward_bias(golu_context *ctx, cl_command_queue queue,
                                               golu_dtype dtype, uint64_t rows, uint64_t cols,
                                               cl_mem x, uint64_t x_offset, cl_mem b,
                                               uint64_t b_offset, cl_mem y, uint64_t y_offset,
                                               const golu_params *params, const golu_blend *blend,
                                               cl_uint num_events, const cl_event *wait_list,
                                               cl_event *event);

/*! golu_enqueue_backward_bias() :
 *  The backward of golu_enqueue_forward_bias(): with g = dy * dGoLU/dx(x + b) per element,
 *      dx[r*cols + c] = s * g + t * dx[r*cols + c]          (skipped when dx is NULL)
 *      db[c]          = s * sum_r g[r][c] + t * db[c]      (the column sums of the fresh gradient)
 *  `db` holds cols elements of `dtype`; the sums are accumulated in the compute type (float for
 *  f32/f16/bf16, double for f64) in a fixed order, so results are bit-identical run to run on one
 *  device, and rounded once at the store. dx may be exactly dy or x (in place); db must not overlap
 *  dy, x, b or dx. Errors, scratch memory and rows == 0 (db becomes t * db) as
 *  golu_enqueue_backward_params(). */
GOLU_API golu_status golu_enqueue_backward_bias(golu_context *ctx, cl_command_queue queue,
                                                golu_dtype dtype, uint64_t rows, uint64_t cols,
                                                cl_mem dy, uint64_t dy_offset, cl_mem x,
                                                uint64_t x_offset, cl_mem b, uint64_t b_offset,
                                                cl_mem dx, uint64_t dx_offset, cl_mem db,
                                                uint64_t db_offset, const golu_params *params,
                                                const golu_blend *blend, cl_uint num_events,
                                                const cl_event *wait_list, cl_event *event);

/* ---- host-pointer convenience calls (blocking) --------------------------------------------- */

/*! golu_forward_host() / golu_backward_host() :
 *  Copy n elements of `dtype` from host memory to the device of golu_context_default_queue(), run
 *  the kernel, copy the result back and return when it is in `y` / `dx`. In-place (y == x, or dx
 *  == dy or dx == x) is allowed. For f16/bf16 the host arrays hold the 16-bit patterns (uint16_t).
 *  Each call allocates and releases its device buffers: for repeated work on large arrays,
 *  prefer the enqueue calls on buffers you keep.
 *  Errors: as the enqueue calls, plus GOLU_ERROR_TOO_LARGE when one array is larger than the
 *  device's largest allocation (CL_DEVICE_MAX_MEM_ALLOC_SIZE: split the work, or use the enqueue
 *  calls on sub-buffers), and GOLU_ERROR_OPENCL when device memory cannot be allocated. */
GOLU_API golu_status golu_forward_host(golu_context *ctx, golu_dtype dtype, uint64_t n, const void *x,
                                       void *y, const golu_params *params);
GOLU_API golu_status golu_backward_host(golu_context *ctx, golu_dtype dtype, uint64_t n, const void *dy,
                                        const void *x, void *dx, const golu_params *params);

#ifdef __cplusplus
}
#endif

#endif /* GOLU_H */
