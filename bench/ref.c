/*
 * ref.c: the C side of bench/run.sh, the figures Torchlight is measured
 * against in the same run.
 *
 *   ref sgemm THREADS REPS     cblas_sgemm, (1000 x 5000) @ (5000 x 3000) float
 *   ref add THREADS REPS       c[i] = a[i] + b[i] over 10M floats, OpenMP loop
 *
 * Built by run.sh with `gcc -O3 -march=native -fopenmp` and linked to the
 * OpenBLAS OpenMP build the engine uses, so both sides share libgomp's pool
 * and the same GEMM kernels. Prints one `name value unit` line per figure,
 * the best of REPS timed repeats after a warm-up; run.sh reads those lines.
 */
#include <cblas.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void openblas_set_num_threads(int n);

enum { REF_M = 1000, REF_K = 5000, REF_N = 3000 };
static const int64_t ref_add_n = 10 * 1000 * 1000;

static double ref_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static float *ref_alloc(int64_t n)
{
  void *p = NULL;
  if (posix_memalign(&p, 64, (size_t)n * sizeof(float)) != 0) return NULL;
  return p;
}

/* Deterministic values in [-1, 1): the data does not change the speed, but
 * every page is touched before timing starts. */
static void ref_fill(float *x, int64_t n, uint32_t seed)
{
  for (int64_t i = 0; i < n; i++) {
    seed = seed * 1664525u + 1013904223u;
    x[i] = (float)(seed >> 8) * (2.0f / 16777216.0f) - 1.0f;
  }
}

static int ref_sgemm(int reps)
{
  float *a = ref_alloc((int64_t)REF_M * REF_K);  /* (M, K) row-major */
  float *b = ref_alloc((int64_t)REF_K * REF_N);  /* (K, N) */
  float *c = ref_alloc((int64_t)REF_M * REF_N);  /* (M, N) */
  if (!a || !b || !c) {
    fprintf(stderr, "ref: out of memory\n");
    return 1;
  }
  ref_fill(a, (int64_t)REF_M * REF_K, 1);
  ref_fill(b, (int64_t)REF_K * REF_N, 2);
  memset(c, 0, (size_t)REF_M * REF_N * sizeof(float));
  double best = 1e30;
  for (int r = -1; r < reps; r++) {   /* r = -1: warm-up */
    double t0 = ref_now();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, REF_M, REF_N, REF_K,
                1.0f, a, REF_K, b, REF_N, 0.0f, c, REF_N);
    double t = ref_now() - t0;
    if (r >= 0 && t < best) best = t;
  }
  printf("mm %.2f GFLOP/s\n", 2.0 * REF_M * REF_K * REF_N / best * 1e-9);
  free(a);
  free(b);
  free(c);
  return 0;
}

static int ref_add(int reps)
{
  const int64_t n = ref_add_n;
  float *a = ref_alloc(n), *b = ref_alloc(n), *c = ref_alloc(n);
  if (!a || !b || !c) {
    fprintf(stderr, "ref: out of memory\n");
    return 1;
  }
  ref_fill(a, n, 3);
  ref_fill(b, n, 4);
  memset(c, 0, (size_t)n * sizeof(float));
  double best = 1e30;
  for (int r = -3; r < reps; r++) {
    double t0 = ref_now();
#pragma omp parallel for simd schedule(static)
    for (int64_t i = 0; i < n; i++) c[i] = a[i] + b[i];
    double t = ref_now() - t0;
    if (r >= 0 && t < best) best = t;
  }
  /* read a, read b, write c */
  printf("add %.2f GB/s\n", 3.0 * 4.0 * (double)n / best * 1e-9);
  free(a);
  free(b);
  free(c);
  return 0;
}

int main(int argc, char **argv)
{
  if (argc != 4) {
    fprintf(stderr, "usage: ref sgemm|add THREADS REPS\n");
    return 2;
  }
  int threads = atoi(argv[2]), reps = atoi(argv[3]);
  if (threads < 1 || reps < 1) {
    fprintf(stderr, "ref: THREADS and REPS must be positive\n");
    return 2;
  }
  omp_set_num_threads(threads);
  openblas_set_num_threads(threads);
  if (strcmp(argv[1], "sgemm") == 0) return ref_sgemm(reps);
  if (strcmp(argv[1], "add") == 0) return ref_add(reps);
  fprintf(stderr, "ref: unknown figure '%s'\n", argv[1]);
  return 2;
}
