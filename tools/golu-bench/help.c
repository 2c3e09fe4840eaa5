/* golu-bench: --help and --version (see help.h). */
#include "help.h"

#include <golu.h>

/* One literal per section: ISO C only promises 4095-character string literals. */
static const char *const help_sections[] = {
    "NAME\n"
    "    golu-bench - time, verify and measure the accuracy of libgolu's GoLU kernels\n"
    "\n"
    "SYNOPSIS\n"
    "    golu-bench [--device SPEC] [--dtype LIST] [--pass LIST] [--sizes LIST]\n"
    "               [--warmup N] [--reps N] [--check] [--format table|csv|json] [--seed N]\n"
    "    golu-bench --accuracy [--exhaustive | --stride N] [--dtype LIST] [--alpha A]\n"
    "               [--beta B] [--gamma G] [--f64-samples N] [--seed N] [--worst]\n"
    "               [--format table|csv] [--device SPEC]\n"
    "    golu-bench --tune [--dtype LIST] [--pass LIST] [--sizes LIST] [--tune-budget S]\n"
    "               [--tune-search coordinate|full] [--warmup N] [--reps N]\n"
    "               [--format table|csv] [--seed N] [--device SPEC]\n"
    "    golu-bench --list-devices\n"
    "    golu-bench --help | --version\n"
    "\n",

    "DESCRIPTION\n"
    "    Runs golu_enqueue_forward and golu_enqueue_backward on random inputs for every\n"
    "    (dtype, pass, shape) cell and reports, per cell:\n"
    "      median_us, min_us  device time of one call, from OpenCL profiling events\n"
    "                         (CL_PROFILING_COMMAND_END - START) over the timed runs;\n"
    "      wall_us            host wall-clock time of REPS back-to-back enqueues and one\n"
    "                         clFinish, divided by REPS (includes the enqueue overhead);\n"
    "      gb_per_s           bytes moved / median device time; the forward moves 2n\n"
    "                         elements (x in, y out), the backward 3n (dy, x in, dx out);\n"
    "      copy_gb_per_s      clEnqueueCopyBuffer of the same n elements in the same run\n"
    "                         (2n elements moved), median device time;\n"
    "      pct_of_copy        100 * gb_per_s / copy_gb_per_s.\n"
    "    Without --sizes the cells are the seed table: feature size 128, 256, 512, 1024,\n"
    "    2048, 4096 times batch 1, 32, 64, 128, 256, 512 (n = batch * size).\n"
    "    Inputs are random, never zero: x mostly uniform in [-6, 6] with some values out to\n"
    "    +-1000, dy of magnitude 1/16 to 4 with random signs. Buffers are allocated per cell.\n"
    "\n",

    "OPTIONS\n"
    "    --list-devices     List every OpenCL device: its P:D index (for --device), type,\n"
    "                       compute units, fp64 support, platform and name; '*' marks\n"
    "                       the device a run without --device would use.\n"
    "    --device SPEC      The device, as golu_select_device() reads it: \"P:D\" (platform\n"
    "                       and device index), \"gpu\", \"cpu\", \"accelerator\", or text\n"
    "                       found in \"platform / device name\" (case-insensitive). Default:\n"
    "                       the GOLU_DEVICE environment variable, else the first GPU, else\n"
    "                       the first device.\n"
    "    --dtype LIST       Comma-separated from f32, f16, bf16, f64 (default f32,f16,bf16).\n"
    "                       f64 on a device without fp64 is skipped with a note on stderr.\n"
    "    --pass LIST        Comma-separated from fwd, bwd (default fwd,bwd).\n"
    "    --sizes LIST       Element counts instead of the seed table (batch 1, size n).\n"
    "                       Forms: 1000003, 2^24, 64K, 16M, 1G (K, M, G are powers of 1024).\n"
    "    --warmup N         Untimed runs before each measurement (default 3).\n"
    "    --reps N           Timed runs per measurement (default 20).\n"
    "    --check            After timing, run each cell once more into a NaN-filled output\n"
    "                       and compare every element with the long-double reference under\n"
    "                       the accuracy bounds of golu.h. Mismatches (first few per cell)\n"
    "                       and a per-dtype summary go to stderr; the table gains\n"
    "                       'mismatches' and 'max_ulp' columns (ulp of the result; for the\n"
    "                       f32/f64 backward, ulp of alpha*dy).\n"
    "    --format FORMAT    table (default; aligned columns, '#' header lines), csv (header:\n"
    "                       device,dtype,pass,batch,size,n,median_us,min_us,wall_us,\n"
    "                       gb_per_s,copy_gb_per_s,pct_of_copy), or json (an array of objects\n"
    "                       with those keys). Unmeasurable values: '-', empty, null.\n"
    "    --seed N           Seed of the input generator (default fixed: runs repeat).\n"
    "    --help, -h         This text.   --version   The versions of the tool and library.\n"
    "\n"
    "    Results go to stdout; progress, skips, check reports and errors to stderr.\n"
    "\n",

    "ACCURACY MODE\n"
    "    --accuracy         Instead of timing, measure the errors of the library's kernels\n"
    "                       (golu_enqueue_forward/backward on cl_mem buffers, dy = 1) and of\n"
    "                       the seed formula (y = x*a*exp(-b*exp(-g*x)), its derivative with\n"
    "                       NaN masked to 0: golu-bench's own OpenCL program, float, no fast\n"
    "                       math; double for f64) on the same device, against a correct\n"
    "                       reference: long double for f32, f16, bf16; MPFR at 200 bits for\n"
    "                       f64 (skipped, with a note, when built without MPFR). Inputs: f32\n"
    "                       bit patterns k*N (every one with --exhaustive: minutes), all\n"
    "                       65,536 f16 and bf16 patterns, an f64 sample. Per dtype and region\n"
    "                       of x ((-inf,-10), [-10,-4), [-4,-1), [-1,-0.25), [-0.25,0.25),\n"
    "                       [0.25,1), [1,4), [4,20), [20,inf), then inf/NaN): count; max\n"
    "                       error in ulps of forward, backward (relative) and backward in\n"
    "                       ulps of alpha*|dy|; NaN/inf outputs for finite x; for the seed\n"
    "                       also 'masked' (dx = 0 where the true gradient rounds to non-0).\n"
    "                       Then the targets, each PASS or FAIL with the failing cells, and\n"
    "                       a final PASS/FAIL line (stderr with --format csv).\n"
    "    --exhaustive       All 2^32 f32 patterns (2^24 per chunk, progress on stderr).\n"
    "    --stride N         Every N-th f32 pattern (default 97).\n"
    "    --alpha A, --beta B, --gamma G   GoLU's parameters (default 1; beta >= 0).\n"
    "    --f64-samples N    Size of the f64 sample (default 1000000), seeded by --seed.\n"
    "    --worst            Also list the library's worst x, result and reference per region.\n"
    "    --dtype            defaults to f32,f16,bf16,f64 here; csv columns: dtype,impl,\n"
    "                       region,count,fwd_ulp,fwd_worst_x,bwd_ulp,bwd_worst_x,bwd_abs_ulp,\n"
    "                       bwd_abs_worst_x,nonfinite,masked. docs/ACCURACY.md explains all.\n"
    "\n",

    "TUNING MODE\n"
    "    --tune             Instead of the table, search the launch configuration of each\n"
    "                       (dtype, pass) on the device: vector width 1, 2, 4, 8, 16 (f64: up\n"
    "                       to 8), work-group size a power of two up to the device's limit\n"
    "                       (and 4096), work-groups per compute unit 4 to 128. Each candidate\n"
    "                       is set with golu_set_tuning(), run --warmup times (default 1; the\n"
    "                       build included) and timed --reps times (default 5) at each size\n"
    "                       of --sizes (default 2^24, halved until three buffers fit); it is\n"
    "                       ranked by its minimum device time (other processes only add\n"
    "                       time) against the built-in configuration, and must beat the best\n"
    "                       so far by 2 %. Every candidate prints a row; then the chosen one\n"
    "                       is checked element by element against the reference (n =\n"
    "                       1000003) and a summary compares it with the built-in. The\n"
    "                       choices that pass are written to the tuning file the library\n"
    "                       reads (GOLU_TUNING_FILE, else <cache folder>/tuning.txt), keyed\n"
    "                       by device name and driver version; other entries are kept, the\n"
    "                       file is replaced atomically, and a malformed file is left alone.\n"
    "    --tune-search MODE coordinate (default): from the current configuration, sweep\n"
    "                       each knob outward in turn, keeping the best, while it improves;\n"
    "                       full: every combination (hundreds of builds: slow).\n"
    "    --tune-budget S    Seconds for the whole search (default 300), shared out over the\n"
    "                       (dtype, pass) pairs; candidates beyond it are skipped and counted.\n"
    "\n",

    "ENVIRONMENT\n"
    "    GOLU_DEVICE        Device selection when --device is not given (same syntax).\n"
    "    GOLU_KERNEL_DIR    Read the kernels' .cl files from this folder (library feature).\n"
    "    GOLU_TUNING_FILE   The tuning file --tune writes and the library reads; \"off\" or \"0\":\n"
    "                       none (library feature).\n"
    "    GOLU_CACHE_DIR     Folder of libgolu's compiled-program cache (default\n"
    "                       $XDG_CACHE_HOME/golu, else ~/.cache/golu); off or 0 turns it\n"
    "                       off (library feature).\n"
    "\n",

    "EXIT STATUS\n"
    "    0   every cell ran (and matched the reference, with --check) or was skipped with a\n"
    "        note on stderr (f64 without cl_khr_fp64, a buffer above the device's largest\n"
    "        allocation); with --accuracy:\n"
    "        every checked target met\n"
    "    1   --check found elements outside the accuracy bound; with --accuracy: a\n"
    "        target was missed; with --tune: a chosen configuration failed its check (it\n"
    "        is not written)\n"
    "    2   usage error, no OpenCL device, or a failed OpenCL or libgolu call (the message\n"
    "        names the call, the status or CL error, and the library's detail); with\n"
    "        --tune also a tuning file that cannot be written (the entries are printed)\n"
    "\n",

    "EXAMPLES\n"
    "    golu-bench --list-devices\n"
    "    golu-bench --check\n"
    "    golu-bench --accuracy --dtype f32 --stride 7\n"
    "    nohup golu-bench --accuracy --exhaustive > accuracy.md 2> accuracy.log &\n"
    "    golu-bench --device 0:1 --format csv --sizes 1000003,2^24 --dtype f32,f16,bf16,f64\n"
    "    GOLU_DEVICE=pthread golu-bench --pass fwd --reps 100 --format json > golu.json\n"
    "    golu-bench --tune --dtype f32,f16 --tune-budget 120\n"};

void bench_print_help(FILE *out)
{
    for (size_t i = 0; i < sizeof help_sections / sizeof help_sections[0]; i++)
        fputs(help_sections[i], out);
}

void bench_print_version(FILE *out)
{
    fprintf(out, "golu-bench %d.%d.%d (libgolu %s)\n", GOLU_VERSION_MAJOR, GOLU_VERSION_MINOR,
            GOLU_VERSION_PATCH, golu_version_string());
}
