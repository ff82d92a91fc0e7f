/* kernel_cycles.c: times simdact's kernels one by one, by symbol, straight from the built
 * extension, with no NumPy in the way: the figures behind the per-kernel comments in kernels/
 * and kernels/loops.c. Not part of the package or of CI.
 *
 * Build (from the repository, after `python setup.py build_ext --inplace`):
 *   gcc -O2 bench/kernel_cycles.c -o /tmp/kernel_cycles -ldl -Wl,--no-as-needed \
 *       $(python3-config --ldflags --embed)   (the extension needs libpython loaded)
 * Symbols: `nm -D src/simdact/_core*.so | grep ' T sa_f32_'` (sa_f32_<op>__<algorithm>__<isa>).
 *
 *   kernel_cycles EXT row SYM[,SYM..] [N [TOTAL]]
 *     a row / elementwise kernel f(x, y, N) on N float32 (default 2048: x and y in L1),
 *     uniform in [-6, 6], called on each of the TOTAL / N rows of TOTAL elements (default
 *     N: one row); the minimum over 80 rounds of 2^23 elements.
 *   kernel_cycles EXT rows SYM N [TOTAL]
 *     the same for a row-group kernel f(x, N, y, N, N, M): the TOTAL / N rows in one call, as
 *     the loops call it for contiguous rows (in groups of two or four inside, or one after the
 *     other for long rows): compare with `row` at the same N and TOTAL.
 *   kernel_cycles EXT param SYM[,SYM..] [N [TOTAL]]
 *     as `row` for a parametric / gated kernel f(x, p, 1, q, 0, y, N): p an array of N (x
 *     reversed), q one zero.
 *   kernel_cycles EXT cols SYM N M [W [OFFSET [out]]]
 *     the loops' axis-0 path for a column kernel f(x, xs, y, ys, N, keep) over an N x M
 *     C-ordered array (softmax over axis 0): W columns (a multiple of 16) copied per step into
 *     a 64-byte aligned N x W buffer, W / 16 kernel calls writing y in place, x and y starting
 *     OFFSET floats past a cache line (NumPy's large arrays: 4); with `out`, as the loops do
 *     for N up to SA_COLS_OUT_BYTES / (4 W) (kernels/loops.c): the buffer's rows W + 16 floats
 *     apart, the kernel in place there, its rows then copied out to y. The minimum over 15
 *     rounds of at least 2^22 elements each (a small N x M, such as 128 x 16, stays in L1).
 *
 * In the row, rows and param modes x, y (and p) start SA_OFFSET floats (default 0) past a
 * cache line: NumPy's large arrays start 4 floats (16 bytes) into one. SA_OFFSET_Y, where set,
 * moves y alone (an output allocated apart from its input need not share its offset).
 *
 * Prints ns per element and, with SA_GHZ set (the core's clock in GHz: it cannot be read
 * reliably from here), cycles per 16 elements. Take the minimum over several processes: on a
 * VM one process may land in a slower mode for its whole life. */
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef void (*row_fn)(const float *, float *, size_t);
typedef void (*rows_fn)(const float *, ptrdiff_t, float *, ptrdiff_t, size_t, size_t);
typedef void (*cols_fn)(const float *, ptrdiff_t, float *, ptrdiff_t, size_t, void *);
typedef void (*param_fn)(const float *, const float *, size_t, const float *, size_t, float *,
                         size_t);
enum { MODE_ROW, MODE_ROWS, MODE_PARAM };

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void report(const char *what, double seconds, double elements)
{
    const char *ghz = getenv("SA_GHZ");
    double ns = seconds * 1e9 / elements;
    if (ghz)
        printf("%-58s %.3f ns/element  %.2f cycles/16\n", what, ns, ns * atof(ghz) * 16);
    else
        printf("%-58s %.3f ns/element\n", what, ns);
}

static float *aligned_floats(size_t count, size_t offset)
{
    char *p = aligned_alloc(64, (count + offset) * sizeof(float) + 64);
    if (!p) {
        perror("aligned_alloc");
        exit(1);
    }
    return (float *)p + offset;
}

static void fill(float *x, size_t count)
{
    srand(1);
    for (size_t i = 0; i < count; i++)
        x[i] = ((float)rand() / (float)RAND_MAX - 0.5f) * 12.0f;
}

/* rows of n over total elements (total rounded down to whole rows) */
static int time_rows(void *h, char *syms, size_t n, size_t total, int mode)
{
    total = total < n ? n : total / n * n; /* MODE_ROWS: one call for all the rows */
    const char *env_off = getenv("SA_OFFSET"), *env_offy = getenv("SA_OFFSET_Y");
    size_t off = env_off ? (size_t)atoi(env_off) : 0;
    size_t offy = env_offy ? (size_t)atoi(env_offy) : off;
    float *x = aligned_floats(total, off), *y = aligned_floats(total, offy);
    float *p = aligned_floats(total, off), zero = 0.0f;
    fill(x, total);
    for (size_t i = 0; i < total; i++)
        p[i] = x[total - 1 - i];
    long reps = (1L << 23) / (long)total;
    if (reps < 1)
        reps = 1;
    for (char *s = strtok(syms, ","); s; s = strtok(NULL, ",")) {
        void *f = dlsym(h, s);
        if (!f) {
            fprintf(stderr, "no symbol %s\n", s);
            return 1;
        }
        double best = 1e30;
        for (int r = 0; r < 80; r++) {
            double t = now();
            for (long i = 0; i < reps; i++)
                for (size_t o = 0; o < total; o += n) {
                    if (mode == MODE_ROWS) {
                        ((rows_fn)f)(x, (ptrdiff_t)n, y, (ptrdiff_t)n, n, total / n);
                        break;
                    }
                    if (mode == MODE_PARAM)
                        ((param_fn)f)(x + o, p + o, 1, &zero, 0, y + o, n);
                    else
                        ((row_fn)f)(x + o, y + o, n);
                }
            t = now() - t;
            if (t < best)
                best = t;
        }
        char what[160];
        snprintf(what, sizeof what, "%s %zu/%zu", s, n, total);
        report(what, best, (double)reps * (double)total);
    }
    return 0;
}

static int time_cols(void *h, const char *sym, size_t n, size_t m, size_t w, size_t off, int out)
{
    cols_fn f = (cols_fn)dlsym(h, sym);
    if (!f) {
        fprintf(stderr, "no symbol %s\n", sym);
        return 1;
    }
    if (w % 16 || w == 0 || m < w) {
        fprintf(stderr, "W must be a multiple of 16, at most M\n");
        return 1;
    }
    float *x = aligned_floats(n * m, off), *y = aligned_floats(n * m, off);
    size_t ld = out ? w + 16 : w;
    float *cb = aligned_floats(n * ld, 0);
    double *keep = (double *)aligned_floats(n * 16 * 2, 0);
    fill(x, n * m);
    memset(y, 0, n * m * sizeof(float));
    long reps = (long)((1L << 22) / (n * m));
    if (reps < 1)
        reps = 1;
    double best = 1e30;
    for (int r = 0; r < 15; r++) {
        double t = now();
        for (long rep = 0; rep < reps; rep++)
        for (size_t lo = 0; lo + w <= m; lo += w) {
            const float *src = x + lo;
            for (size_t j = 0; j < n; j++) {
                for (size_t o = 0; o < w; o += 16)
                    __builtin_prefetch(src + (j + 8) * m + o, 0);
                memcpy(cb + j * ld, src + j * m, w * sizeof(float));
            }
            for (size_t g = 0; g < w; g += 16)
                f(cb + g, (ptrdiff_t)ld, out ? cb + g : y + lo + g,
                  out ? (ptrdiff_t)ld : (ptrdiff_t)m, n, keep);
            for (size_t j = 0; out && j < n; j++)
                memcpy(y + lo + j * m, cb + j * ld, w * sizeof(float));
        }
        t = now() - t;
        if (t < best)
            best = t;
    }
    char what[160];
    snprintf(what, sizeof what, "%s %zux%zu W=%zu offset=%zu%s", sym, n, m, w, off,
             out ? " out" : "");
    report(what, best, (double)reps * (double)(m / w * w) * (double)n);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: see the comment at the top of bench/kernel_cycles.c\n");
        return 2;
    }
    void *h = dlopen(argv[1], RTLD_NOW);
    if (!h) {
        fprintf(stderr, "%s\n", dlerror());
        return 1;
    }
    int mode = !strcmp(argv[2], "row") ? MODE_ROW : !strcmp(argv[2], "rows") ? MODE_ROWS
             : !strcmp(argv[2], "param") ? MODE_PARAM : -1;
    if (mode >= 0) {
        size_t n = argc > 4 ? (size_t)atol(argv[4]) : 2048;
        return time_rows(h, argv[3], n, argc > 5 ? (size_t)atol(argv[5]) : n, mode);
    }
    if (!strcmp(argv[2], "cols") && argc >= 6)
        return time_cols(h, argv[3], (size_t)atol(argv[4]), (size_t)atol(argv[5]),
                         argc > 6 ? (size_t)atol(argv[6]) : 64,
                         argc > 7 ? (size_t)atol(argv[7]) : 0, argc > 8 && !strcmp(argv[8], "out"));
    fprintf(stderr, "usage: see the comment at the top of bench/kernel_cycles.c\n");
    return 2;
}
