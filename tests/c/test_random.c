/*
 * test_random.c: C-level checks of engine/src/random.c: the generator's
 * layout, Torch7's reference values (API.md 5.4) bit for bit, fill order
 * on views, state validation and error paths.
 *
 * Build and run (from the repository root, against the engine library):
 *   gcc -std=c11 -Iengine/include tests/c/test_random.c -Lbuild -ltorchlight \
 *       -Wl,-rpath,build -lm -o build/test_random && build/test_random
 */
#include "torchlight.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

static int test_failures = 0;

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      test_failures++;                                                     \
    }                                                                      \
  } while (0)

/* Compare a double with a reference written as Torch7 printed it (%.17g). */
static void test_expect_g17(double got, const char *want, int line)
{
  char buf[64];
  snprintf(buf, sizeof buf, "%.17g", got);
  if (strcmp(buf, want) != 0) {
    fprintf(stderr, "line %d: got %s, want %s\n", line, buf, want);
    test_failures++;
  }
}
#define EXPECT_G17(got, want) test_expect_g17((got), (want), __LINE__)

static tl_tensor *test_tensor1(int32_t dtype, int64_t n)
{
  return tl_tensor_new_sized(dtype, TL_CPU, 1, &n);
}

static double test_get1(const tl_tensor *t, int64_t i) { return tl_tensor_get(t, &i); }

static void test_layout(void)
{
  CHECK(sizeof(tl_generator) == 5048);
  CHECK(offsetof(tl_generator, initial_seed) == 0);
  CHECK(offsetof(tl_generator, left) == 8);
  CHECK(offsetof(tl_generator, seeded) == 12);
  CHECK(offsetof(tl_generator, next) == 16);
  CHECK(offsetof(tl_generator, state) == 24);
  CHECK(offsetof(tl_generator, normal_x) == 5016);
  CHECK(offsetof(tl_generator, normal_y) == 5024);
  CHECK(offsetof(tl_generator, normal_rho) == 5032);
  CHECK(offsetof(tl_generator, normal_is_valid) == 5040);
}

static void test_scalar_references(tl_generator *g)
{
  tl_generator_manual_seed(g, 5489);
  CHECK(tl_random32(g) == 3499211612u);
  tl_generator_manual_seed(g, 7);
  CHECK(tl_random32(g) == 327741615u);
  tl_generator_manual_seed(g, ((uint64_t)1 << 40) + 7);
  CHECK(tl_random32(g) == 327741615u);
  CHECK(g->initial_seed == ((uint64_t)1 << 40) + 7);

  tl_generator_manual_seed(g, 1);
  CHECK(tl_random32(g) == 1791095845u);
  CHECK(tl_random32(g) == 4282876139u);
  CHECK(tl_random32(g) == 3093770124u);

  tl_generator_manual_seed(g, 1);
  EXPECT_G17(tl_random_uniform(g, 0, 1), "0.41702199843712151");
  EXPECT_G17(tl_random_normal(g, 0, 1), "1.5960743299281841");
  EXPECT_G17(tl_random_normal(g, 0, 1), "-0.028234901525426508");

  /* random(10) and random(3,7) as the Lua layer computes them. */
  tl_generator_manual_seed(g, 1);
  CHECK(tl_random32(g) % 10 + 1 == 6);
  CHECK(tl_random32(g) % 5 + 3 == 7);
}

static void test_tensor_references(tl_generator *g)
{
  tl_tensor *d = test_tensor1(TL_DOUBLE, 4);
  tl_generator_manual_seed(g, 1);
  CHECK(tl_tensor_random_fill(g, d, TL_DIST_UNIFORM, 0, 1) == 0);
  EXPECT_G17(test_get1(d, 0), "0.41702199843712151");
  EXPECT_G17(test_get1(d, 1), "0.99718480813317001");
  EXPECT_G17(test_get1(d, 2), "0.72032448928803205");
  EXPECT_G17(test_get1(d, 3), "0.93255736120045185");

  tl_generator_manual_seed(g, 1);
  CHECK(tl_tensor_random_fill(g, d, TL_DIST_NORMAL, 0, 1) == 0);
  EXPECT_G17(test_get1(d, 0), "-2.9718290309304063");
  EXPECT_G17(test_get1(d, 1), "1.7069510634116105");
  EXPECT_G17(test_get1(d, 2), "-0.43049897103891599");
  EXPECT_G17(test_get1(d, 3), "-2.2820224170301482");

  tl_tensor *f = test_tensor1(TL_FLOAT, 4);
  tl_generator_manual_seed(g, 1);
  CHECK(tl_tensor_random_fill(g, f, TL_DIST_UNIFORM, 0, 1) == 0);
  EXPECT_G17(test_get1(f, 0), "0.4170219898223877");
  EXPECT_G17(test_get1(f, 1), "0.99718481302261353");
  EXPECT_G17(test_get1(f, 2), "0.72032451629638672");
  EXPECT_G17(test_get1(f, 3), "0.93255734443664551");

  tl_tensor *p = tl_tensor_new(TL_DOUBLE, TL_CPU);
  tl_generator_manual_seed(g, 1);
  CHECK(tl_tensor_randperm(g, p, 5) == 0);
  CHECK(p->ndim == 1 && p->size[0] == 5);
  static const double perm[5] = {1, 5, 3, 4, 2};
  for (int64_t i = 0; i < 5; i++) CHECK(test_get1(p, i) == perm[i]);

  tl_tensor *b = test_tensor1(TL_DOUBLE, 6);
  tl_generator_manual_seed(g, 1);
  CHECK(tl_tensor_random_fill(g, b, TL_DIST_BERNOULLI, 0.5, 0) == 0);
  static const double bern[6] = {1, 0, 0, 0, 1, 1};
  for (int64_t i = 0; i < 6; i++) CHECK(test_get1(b, i) == bern[i]);

  tl_tensor *it = test_tensor1(TL_INT, 3);
  tl_generator_manual_seed(g, 1);
  CHECK(tl_tensor_random_fill(g, it, TL_DIST_RANDOM, 0, 0) == 0);
  CHECK(test_get1(it, 0) == 1791095845.0);
  CHECK(test_get1(it, 1) == 2135392491.0);
  CHECK(test_get1(it, 2) == 946286476.0);

  tl_tensor *e = test_tensor1(TL_DOUBLE, 2);
  tl_generator_manual_seed(g, 1);
  CHECK(tl_tensor_random_fill(g, e, TL_DIST_EXPONENTIAL, 1, 0) == 0);
  EXPECT_G17(test_get1(e, 0), "0.53960582651186306");
  EXPECT_G17(test_get1(e, 1), "5.8727248609813936");

  tl_tensor_free(d);
  tl_tensor_free(f);
  tl_tensor_free(p);
  tl_tensor_free(b);
  tl_tensor_free(it);
  tl_tensor_free(e);
}

/* A transposed 3x4 view (and a narrowed one) filled in place must hold
 * the same values, in logical order, as a fresh contiguous 3x4 tensor. */
static void test_fill_order(tl_generator *g)
{
  int64_t sz[2] = {4, 3}, want_sz[2] = {3, 4};
  for (int32_t dist = TL_DIST_UNIFORM; dist <= TL_DIST_RANDOM_RANGE; dist++) {
    double p0 = dist == TL_DIST_GEOMETRIC || dist == TL_DIST_BERNOULLI ? 0.3 : 1;
    double p1 = dist == TL_DIST_RANDOM_RANGE ? 100 : 2;
    tl_tensor *fresh = tl_tensor_new_sized(TL_DOUBLE, TL_CPU, 2, want_sz);
    tl_tensor *base = tl_tensor_new_sized(TL_DOUBLE, TL_CPU, 2, sz);
    tl_tensor *view = tl_tensor_new_alias(base);
    CHECK(tl_tensor_transpose(view, 0, 1) == 0);
    tl_generator_manual_seed(g, 42);
    CHECK(tl_tensor_random_fill(g, fresh, dist, p0, p1) == 0);
    tl_generator_manual_seed(g, 42);
    CHECK(tl_tensor_random_fill(g, view, dist, p0, p1) == 0);
    for (int64_t i = 0; i < 12; i++)
      CHECK(*(double *)tl_tensor_ptr(fresh, i) == *(double *)tl_tensor_ptr(view, i));
    tl_tensor_free(fresh);
    tl_tensor_free(view);
    tl_tensor_free(base);
  }
  /* A long non-contiguous run crosses several chunks. */
  int64_t big[2] = {700, 3}, bigt[2] = {3, 700};
  tl_tensor *fresh = tl_tensor_new_sized(TL_FLOAT, TL_CPU, 2, bigt);
  tl_tensor *base = tl_tensor_new_sized(TL_FLOAT, TL_CPU, 2, big);
  tl_tensor *view = tl_tensor_new_alias(base);
  CHECK(tl_tensor_transpose(view, 0, 1) == 0);
  tl_generator_manual_seed(g, 3);
  CHECK(tl_tensor_random_fill(g, fresh, TL_DIST_NORMAL, 0, 1) == 0);
  tl_generator_manual_seed(g, 3);
  CHECK(tl_tensor_random_fill(g, view, TL_DIST_NORMAL, 0, 1) == 0);
  int same = 1;
  for (int64_t i = 0; i < 2100; i++)
    same &= *(float *)tl_tensor_ptr(fresh, i) == *(float *)tl_tensor_ptr(view, i);
  CHECK(same);
  tl_tensor_free(fresh);
  tl_tensor_free(view);
  tl_tensor_free(base);
}

static void test_per_dtype_random(tl_generator *g)
{
  static const uint64_t mods[7] = {256, 128, 32768, (uint64_t)1 << 31, (uint64_t)1 << 63,
                                   ((uint64_t)1 << 24) + 1, ((uint64_t)1 << 53) + 1};
  for (int32_t dt = TL_BYTE; dt <= TL_DOUBLE; dt++) {
    tl_tensor *t = test_tensor1(dt, 50);
    tl_generator_manual_seed(g, 9);
    CHECK(tl_tensor_random_fill(g, t, TL_DIST_RANDOM, 0, 0) == 0);
    tl_generator_manual_seed(g, 9);
    for (int64_t i = 0; i < 50; i++)
      CHECK(test_get1(t, i) == (double)(tl_random32(g) % mods[dt]));
    /* random(a, b) with a negative lower bound stays in range */
    CHECK(tl_tensor_random_fill(g, t, TL_DIST_RANDOM_RANGE, dt == TL_BYTE ? 3 : -5, 7) == 0);
    for (int64_t i = 0; i < 50; i++) {
      double v = test_get1(t, i);
      CHECK(v >= (dt == TL_BYTE ? 3 : -5) && v <= 7 && v == floor(v));
    }
    tl_tensor_free(t);
  }
}

static void test_state_and_errors(tl_generator *g)
{
  tl_generator saved, other;
  tl_generator_manual_seed(g, 123);
  (void)tl_random_normal(g, 0, 1);            /* leave a cached normal */
  CHECK(tl_generator_copy(&saved, g) == 0);
  double a1 = tl_random_normal(g, 0, 1), a2 = tl_random_uniform(g, 0, 1);
  CHECK(tl_generator_set_state(g, &saved) == 0);
  CHECK(tl_random_normal(g, 0, 1) == a1);
  CHECK(tl_random_uniform(g, 0, 1) == a2);

  memcpy(&other, &saved, sizeof other);
  other.left = 0;
  CHECK(tl_generator_set_state(g, &other) == -1);
  CHECK(strstr(tl_error_message(), "setRNGState") != NULL);
  memcpy(&other, &saved, sizeof other);
  other.seeded = 0;
  CHECK(tl_generator_set_state(g, &other) == -1);
  memcpy(&other, &saved, sizeof other);
  other.next = 600;
  other.left = 600;
  CHECK(tl_generator_set_state(g, &other) == -1);

  /* Invalid parameters: an error, no draw consumed, nothing written. */
  tl_generator_manual_seed(g, 5);
  CHECK(isnan(tl_random_normal(g, 0, -1)));
  CHECK(strcmp(tl_error_message(), "normal: std must be positive, got -1") == 0);
  CHECK(tl_random_geometric(g, 1.0) == -1);
  CHECK(tl_random_bernoulli(g, 1.5) == -1);
  CHECK(strcmp(tl_error_message(), "bernoulli: p must be in [0,1], got 1.5") == 0);
  CHECK(g->left == 1);

  tl_tensor *d = test_tensor1(TL_DOUBLE, 3);
  CHECK(tl_tensor_fill(d, 7) == 0);
  CHECK(tl_tensor_random_fill(g, d, TL_DIST_BERNOULLI, 1.5, 0) == -1);
  CHECK(tl_tensor_random_fill(g, d, TL_DIST_GEOMETRIC, 0, 0) == -1);
  CHECK(tl_tensor_random_fill(g, d, TL_DIST_RANDOM_RANGE, 5, 3) == -1);
  CHECK(tl_tensor_random_fill(g, d, 99, 0, 0) == -1);
  CHECK(test_get1(d, 0) == 7 && g->left == 1);

  tl_tensor *h = test_tensor1(TL_HALF, 3);
  CHECK(tl_tensor_random_fill(g, h, TL_DIST_UNIFORM, 0, 1) == -1);
  CHECK(strstr(tl_error_message(), "uniform") != NULL);
  CHECK(tl_tensor_randperm(g, h, 3) == -1);
  CHECK(tl_tensor_randperm(g, d, 0) == -1);

  /* bernoulli with a probability tensor */
  tl_tensor *pt = test_tensor1(TL_FLOAT, 3), *pl = test_tensor1(TL_LONG, 3);
  tl_tensor *p4 = test_tensor1(TL_DOUBLE, 4);
  CHECK(tl_tensor_fill(pt, 0.5) == 0);
  CHECK(tl_tensor_bernoulli_tensor(g, d, pl) == -1);
  CHECK(tl_tensor_bernoulli_tensor(g, d, p4) == -1);
  float *pd = tl_tensor_data(pt);
  pd[2] = 2;
  CHECK(tl_tensor_bernoulli_tensor(g, d, pt) == -1);
  CHECK(test_get1(d, 0) == 7 && g->left == 1);
  pd[0] = 0;
  pd[1] = 1;
  pd[2] = 1;
  CHECK(tl_tensor_bernoulli_tensor(g, d, pt) == 0);
  CHECK(test_get1(d, 0) == 0 && test_get1(d, 1) == 1 && test_get1(d, 2) == 1);
  /* same stream as scalar bernoulli with those probabilities */
  tl_generator_manual_seed(g, 11);
  CHECK(tl_tensor_fill(pt, 0.5) == 0);
  CHECK(tl_tensor_bernoulli_tensor(g, d, pt) == 0);
  tl_generator_manual_seed(g, 11);
  for (int64_t i = 0; i < 3; i++) CHECK(test_get1(d, i) == tl_random_bernoulli(g, 0.5));

  /* a pending interrupt stops a fill with an error naming it */
  tl_tensor *big = test_tensor1(TL_FLOAT, 100000);
  tl_interrupt_set();
  CHECK(tl_tensor_random_fill(g, big, TL_DIST_UNIFORM, 0, 1) == -1);
  CHECK(strcmp(tl_error_message(), "uniform: interrupted") == 0);
  tl_interrupt_clear();
  CHECK(tl_tensor_random_fill(g, big, TL_DIST_UNIFORM, 0, 1) == 0);
  tl_tensor_free(big);

  tl_tensor_free(d);
  tl_tensor_free(h);
  tl_tensor_free(pt);
  tl_tensor_free(pl);
  tl_tensor_free(p4);
}

int main(void)
{
  tl_generator *g = tl_generator_new();
  CHECK(g != NULL && g->seeded == 1);
  test_layout();
  test_scalar_references(g);
  test_tensor_references(g);
  test_fill_order(g);
  test_per_dtype_random(g);
  test_state_and_errors(g);
  tl_generator_free(g);
  if (test_failures) {
    printf("test_random: %d failures\n", test_failures);
    return 1;
  }
  printf("test_random: all passed\n");
  return 0;
}
