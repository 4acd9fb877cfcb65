/*
 * random.c: Torch7's random numbers, bit for bit (API.md section 5).
 *
 * The generator is MT19937 with the 2002 seeding, kept in a struct laid
 * out exactly like TH's THGenerator so that getRNGState/setRNGState
 * exchange Torch7's 5048 bytes. Every uniform uses one 32-bit draw
 * (u = r / 2^32); normals use Box-Muller with the pair cached in the
 * generator. Tensor fills draw values in logical row-major order, even
 * for non-contiguous views: values are generated a chunk at a time into
 * a buffer, then stored through the tensor's strides.
 *
 * Scalar draws (tl_random_*) cannot report errors through their return
 * type, so on invalid parameters they record a message and return NaN
 * (-1 for geometric and bernoulli) without consuming any draw.
 */
#define _POSIX_C_SOURCE 200809L  /* O_CLOEXEC, clock_gettime under -std=c11 */
#include "internal.h"
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Torch7's reference values come from builds without fused multiply-add;
 * contracting u*(b-a)+a into an FMA would change the last bit. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

enum { RNG_N = 624, RNG_M = 397, RNG_CHUNK = 256 };
static const double rng_pi = 3.14159265358979323846;  /* M_PI, not in ISO C */

/* getRNGState hands out the raw struct, so its layout is part of the API. */
_Static_assert(sizeof(tl_generator) == 5048, "tl_generator must match THGenerator");
_Static_assert(offsetof(tl_generator, state) == 24, "tl_generator.state offset");
_Static_assert(offsetof(tl_generator, normal_x) == 5016, "tl_generator.normal_x offset");
_Static_assert(offsetof(tl_generator, normal_is_valid) == 5040, "tl_generator cache offset");

/* ---- the generator ----------------------------------------------------- */

/* The unseeded state TH starts from: all zero, one word "left" so that
 * the first draw regenerates the state. */
static void rng_reset(tl_generator *g)
{
  memset(g, 0, sizeof *g);
  g->left = 1;
}

/* 8 bytes of /dev/urandom; falls back to a mix of clock, time and address
 * if it cannot be read (seeding has no error path in Torch7's API). */
static uint64_t rng_urandom64(void)
{
  uint64_t s = 0;
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t got = read(fd, &s, sizeof s);
    close(fd);
    if (got == (ssize_t)sizeof s) return s;
  }
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  s = (uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec ^ (uint64_t)(uintptr_t)&s;
  return s ^ ((uint64_t)getpid() << 32);
}

tl_generator *tl_generator_new(void)
{
  tl_generator *g = tl_alloc(sizeof *g);
  if (!g) return NULL;
  tl_generator_seed(g);
  return g;
}

void tl_generator_free(tl_generator *g) { tl_release(g); }

int tl_generator_copy(tl_generator *dst, const tl_generator *src)
{
  if (!dst || !src) return tl_error_set("Generator copy: generator is missing");
  if (dst != src) memcpy(dst, src, sizeof *dst);
  return 0;
}

/* Resets everything (the Box-Muller cache too), then fills the state with
 * the Knuth multiplier recurrence from the low 32 bits of the seed. */
void tl_generator_manual_seed(tl_generator *g, uint64_t seed)
{
  rng_reset(g);
  g->initial_seed = seed;
  g->state[0] = seed & 0xffffffffu;
  for (int32_t j = 1; j < RNG_N; j++) {
    uint64_t prev = g->state[j - 1];
    g->state[j] = (1812433253u * (prev ^ (prev >> 30)) + (uint64_t)j) & 0xffffffffu;
  }
  g->left = 1;
  g->seeded = 1;
}

uint64_t tl_generator_seed(tl_generator *g)
{
  uint64_t s = rng_urandom64();
  tl_generator_manual_seed(g, s);
  return s;
}

/* Torch7 checks seeded, 0 < left <= 624 and next <= 624. We also require
 * next + left <= 625 (true of every state a generator reaches), otherwise
 * the coming draws would read past the state array, and 32-bit words. */
int tl_generator_set_state(tl_generator *g, const tl_generator *src)
{
  if (!g || !src) return tl_error_set("setRNGState: generator is missing");
  if (src->seeded != 1 || src->left <= 0 || src->left > RNG_N || src->next > RNG_N ||
      src->next + (uint64_t)src->left > RNG_N + 1)
    return tl_error_set("setRNGState: invalid RNG state (seeded=%d, left=%d, next=%llu)",
                        src->seeded, src->left, (unsigned long long)src->next);
  for (int32_t j = 0; j < RNG_N; j++)
    if (src->state[j] > 0xffffffffu)
      return tl_error_set("setRNGState: invalid RNG state (word %d is not 32-bit)", j);
  if (g != src) memcpy(g, src, sizeof *g);
  return 0;
}

/* The MT19937 twist of the whole state (Matsumoto and Nishimura). */
static uint64_t rng_twist(uint64_t u, uint64_t v)
{
  uint64_t mixed = (u & 0x80000000u) | (v & 0x7fffffffu);
  return (mixed >> 1) ^ ((v & 1u) ? 0x9908b0dfu : 0u);
}

static void rng_next_state(tl_generator *g)
{
  uint64_t *s = g->state;
  int32_t j = 0;
  g->left = RNG_N;
  g->next = 0;
  for (; j < RNG_N - RNG_M; j++) s[j] = s[j + RNG_M] ^ rng_twist(s[j], s[j + 1]);
  for (; j < RNG_N - 1; j++) s[j] = s[j + RNG_M - RNG_N] ^ rng_twist(s[j], s[j + 1]);
  s[RNG_N - 1] = s[RNG_M - 1] ^ rng_twist(s[RNG_N - 1], s[0]);
}

/* One tempered 32-bit word. */
static inline uint32_t rng_next32(tl_generator *g)
{
  if (--g->left == 0) rng_next_state(g);
  uint64_t y = g->state[g->next++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= y >> 18;
  return (uint32_t)y;
}

uint32_t tl_random32(tl_generator *g) { return rng_next32(g); }

/* ---- distributions (unchecked; the formulas and their evaluation order
 * are Torch7's, which matters for the last bit) ------------------------- */

static inline double rng_u(tl_generator *g) { return (double)rng_next32(g) * (1.0 / 4294967296.0); }

static inline double rng_uniform(tl_generator *g, double a, double b)
{
  return rng_u(g) * (b - a) + a;
}

/* Box-Muller: a fresh pair returns the cosine half and caches rho and x;
 * the next call returns the sine half. The cache lives in the generator,
 * so it is shared by every tensor and scalar draw. */
static inline double rng_normal(tl_generator *g, double mean, double std)
{
  if (!g->normal_is_valid) {
    g->normal_x = rng_u(g);
    g->normal_y = rng_u(g);
    g->normal_rho = sqrt(-2.0 * log(1.0 - g->normal_y));
    g->normal_is_valid = 1;
    return g->normal_rho * cos(2.0 * rng_pi * g->normal_x) * std + mean;
  }
  g->normal_is_valid = 0;
  return g->normal_rho * sin(2.0 * rng_pi * g->normal_x) * std + mean;
}

static inline double rng_exponential(tl_generator *g, double lambda)
{
  return -1.0 / lambda * log(1.0 - rng_u(g));
}

static inline double rng_cauchy(tl_generator *g, double median, double sigma)
{
  return median + sigma * tan(rng_pi * (rng_u(g) - 0.5));
}

static inline double rng_lognormal(tl_generator *g, double mean, double std)
{
  return exp(rng_normal(g, mean, std));
}

/* Torch7 truncates to int; we truncate to int64, saturating where p is so
 * close to 1 that the quotient leaves the range. */
static inline int64_t rng_geometric(tl_generator *g, double p)
{
  double x = log(1.0 - rng_u(g)) / log(p);
  if (!(x < 9.2e18)) return INT64_MAX;
  return (int64_t)x + 1;
}

static inline int64_t rng_bernoulli(tl_generator *g, double p) { return rng_u(g) <= p; }

/* ---- parameter checks ---------------------------------------------------- */

static const char *rng_dist_name(int32_t dist)
{
  switch (dist) {
  case TL_DIST_UNIFORM: return "uniform";
  case TL_DIST_NORMAL: return "normal";
  case TL_DIST_EXPONENTIAL: return "exponential";
  case TL_DIST_CAUCHY: return "cauchy";
  case TL_DIST_LOGNORMAL: return "logNormal";
  case TL_DIST_GEOMETRIC: return "geometric";
  case TL_DIST_BERNOULLI: return "bernoulli";
  case TL_DIST_RANDOM: return "random";
  case TL_DIST_RANDOM_RANGE: return "random";
  default: return NULL;
  }
}

/* Same conditions as Torch7 (uniform, exponential and cauchy take any
 * parameters there too); NaN fails every check that exists. */
static int rng_check_params(const char *fn, int32_t dist, double p0, double p1)
{
  switch (dist) {
  case TL_DIST_NORMAL:
  case TL_DIST_LOGNORMAL:
    if (!(p1 > 0)) return tl_error_set("%s: std must be positive, got %g", fn, p1);
    return 0;
  case TL_DIST_GEOMETRIC:
    if (!(p0 > 0 && p0 < 1)) return tl_error_set("%s: p must be in (0,1), got %g", fn, p0);
    return 0;
  case TL_DIST_BERNOULLI:
    if (!(p0 >= 0 && p0 <= 1)) return tl_error_set("%s: p must be in [0,1], got %g", fn, p0);
    return 0;
  case TL_DIST_RANDOM_RANGE:
    if (!(p0 >= -9223372036854775808.0 && p0 < 9223372036854775808.0 &&
          p1 >= -9223372036854775808.0 && p1 < 9223372036854775808.0))
      return tl_error_set("%s: bounds must be integers in the 64-bit range, got [%g, %g]", fn,
                          p0, p1);
    if ((int64_t)p1 < (int64_t)p0)
      return tl_error_set("%s: upper bound must be >= lower bound, got [%g, %g]", fn, p0, p1);
    return 0;
  default:
    return 0;
  }
}

/* ---- scalar draws -------------------------------------------------------- */

double tl_random_uniform(tl_generator *g, double a, double b) { return rng_uniform(g, a, b); }

double tl_random_normal(tl_generator *g, double mean, double std)
{
  if (rng_check_params("normal", TL_DIST_NORMAL, mean, std)) return NAN;
  return rng_normal(g, mean, std);
}

double tl_random_exponential(tl_generator *g, double lambda) { return rng_exponential(g, lambda); }

double tl_random_cauchy(tl_generator *g, double median, double sigma)
{
  return rng_cauchy(g, median, sigma);
}

double tl_random_lognormal(tl_generator *g, double mean, double std)
{
  if (rng_check_params("logNormal", TL_DIST_LOGNORMAL, mean, std)) return NAN;
  return rng_lognormal(g, mean, std);
}

int64_t tl_random_geometric(tl_generator *g, double p)
{
  if (rng_check_params("geometric", TL_DIST_GEOMETRIC, p, 0)) return -1;
  return rng_geometric(g, p);
}

int32_t tl_random_bernoulli(tl_generator *g, double p)
{
  if (rng_check_params("bernoulli", TL_DIST_BERNOULLI, p, 0)) return -1;
  return (int32_t)rng_bernoulli(g, p);
}

/* ---- chunked generation ---------------------------------------------------- */

/* What one fill draws: the distribution and its parameters, plus the
 * per-dtype modulus (TL_DIST_RANDOM) or the range (TL_DIST_RANDOM_RANGE). */
typedef struct rng_spec {
  int32_t dist;
  double p0, p1;
  uint64_t modulus;    /* TL_DIST_RANDOM: r mod modulus */
  int64_t lo;          /* TL_DIST_RANDOM_RANGE: lo + r mod range */
  uint64_t range;      /* 0 stands for 2^64 */
} rng_spec;

static int rng_is_integer_dist(int32_t dist)
{
  return dist == TL_DIST_GEOMETRIC || dist == TL_DIST_BERNOULLI || dist == TL_DIST_RANDOM ||
         dist == TL_DIST_RANDOM_RANGE;
}

/* Torch7's :random() reduction per type (API.md 5.3): the largest range
 * the type represents exactly. */
static uint64_t rng_random_modulus(int32_t dtype)
{
  switch (dtype) {
  case TL_BYTE: return 256u;
  case TL_CHAR: return 128u;
  case TL_SHORT: return 32768u;
  case TL_INT: return (uint64_t)1 << 31;
  case TL_LONG: return (uint64_t)1 << 63;
  case TL_FLOAT: return ((uint64_t)1 << 24) + 1;
  default: return ((uint64_t)1 << 53) + 1;
  }
}

/* n integer-valued draws; pv (may be NULL) holds per-element bernoulli p. */
static void rng_draw_int(tl_generator *g, const rng_spec *s, const double *pv, int64_t *v,
                         int64_t n)
{
  switch (s->dist) {
  case TL_DIST_RANDOM:
    for (int64_t i = 0; i < n; i++) v[i] = (int64_t)(rng_next32(g) % s->modulus);
    break;
  case TL_DIST_RANDOM_RANGE:
    for (int64_t i = 0; i < n; i++) {
      uint64_t r = rng_next32(g);
      if (s->range) r %= s->range;
      v[i] = (int64_t)((uint64_t)s->lo + r);
    }
    break;
  case TL_DIST_GEOMETRIC:
    for (int64_t i = 0; i < n; i++) v[i] = rng_geometric(g, s->p0);
    break;
  default: /* TL_DIST_BERNOULLI */
    for (int64_t i = 0; i < n; i++) v[i] = rng_bernoulli(g, pv ? pv[i] : s->p0);
    break;
  }
}

static void rng_draw_real(tl_generator *g, const rng_spec *s, double *v, int64_t n)
{
  switch (s->dist) {
  case TL_DIST_UNIFORM:
    for (int64_t i = 0; i < n; i++) v[i] = rng_uniform(g, s->p0, s->p1);
    break;
  case TL_DIST_NORMAL:
    for (int64_t i = 0; i < n; i++) v[i] = rng_normal(g, s->p0, s->p1);
    break;
  case TL_DIST_EXPONENTIAL:
    for (int64_t i = 0; i < n; i++) v[i] = rng_exponential(g, s->p0);
    break;
  case TL_DIST_CAUCHY:
    for (int64_t i = 0; i < n; i++) v[i] = rng_cauchy(g, s->p0, s->p1);
    break;
  default: /* TL_DIST_LOGNORMAL */
    for (int64_t i = 0; i < n; i++) v[i] = rng_lognormal(g, s->p0, s->p1);
    break;
  }
}

/* ---- strided walk and stores ----------------------------------------------- */

/* Row-major odometer over a tensor's elements, yielding element offsets
 * from the storage's first element. */
typedef struct rng_iter {
  int32_t ndim;
  int64_t off;
  int64_t size[TL_MAXDIM], stride[TL_MAXDIM], idx[TL_MAXDIM];
} rng_iter;

static void rng_iter_init(rng_iter *it, const tl_tensor *t)
{
  memset(it, 0, sizeof *it);
  it->ndim = t->ndim;
  it->off = t->offset;
  for (int32_t d = 0; d < t->ndim; d++) {
    it->size[d] = t->size[d];
    it->stride[d] = t->stride[d];
  }
}

/* Offsets of the next n elements (the caller never asks past the end). */
static void rng_iter_next(rng_iter *it, int64_t *offs, int64_t n)
{
  int32_t last = it->ndim - 1;
  for (int64_t i = 0; i < n; i++) {
    offs[i] = it->off;
    int32_t d = last;
    it->idx[d]++;
    it->off += it->stride[d];
    while (d > 0 && it->idx[d] == it->size[d]) {
      it->off -= it->size[d] * it->stride[d];
      it->idx[d] = 0;
      d--;
      it->idx[d]++;
      it->off += it->stride[d];
    }
  }
}

/* Store v into base[offs[i]], or base[start + i] when offs is NULL
 * (contiguous). Integer conversions wrap like C casts, as in Torch7. */
static void rng_store_int(int32_t dtype, char *base, const int64_t *offs, int64_t start,
                          const int64_t *v, int64_t n)
{
  switch (dtype) {
#define RNG_STORE(DT, T, N)                                                \
  case DT: {                                                               \
    T *p = (T *)base;                                                      \
    if (offs)                                                              \
      for (int64_t i = 0; i < n; i++) p[offs[i]] = (T)v[i];                \
    else                                                                   \
      for (int64_t i = 0; i < n; i++) p[start + i] = (T)v[i];              \
    break;                                                                 \
  }
    TL_FOREACH_MATH_DTYPE(RNG_STORE)
#undef RNG_STORE
  default: break;
  }
}

/* double -> int64 without undefined behaviour: truncation, saturating,
 * NaN to 0. Only reached when a real distribution fills an integer type. */
static int64_t rng_double_to_long(double x)
{
  if (x != x) return 0;
  if (x >= 9223372036854775807.0) return INT64_MAX;
  if (x <= -9223372036854775808.0) return INT64_MIN;
  return (int64_t)x;
}

/* Float and Double take the double rounded by a cast (so a Float uniform
 * can round up to exactly b, as in Torch7); integer types go through int64.
 * v is scratch space and may be overwritten. */
static void rng_store_real(int32_t dtype, char *base, const int64_t *offs, int64_t start,
                           double *v, int64_t n)
{
  if (dtype == TL_FLOAT) {
    float *p = (float *)base;
    if (offs)
      for (int64_t i = 0; i < n; i++) p[offs[i]] = (float)v[i];
    else
      for (int64_t i = 0; i < n; i++) p[start + i] = (float)v[i];
  } else if (dtype == TL_DOUBLE) {
    double *p = (double *)base;
    if (offs)
      for (int64_t i = 0; i < n; i++) p[offs[i]] = v[i];
    else
      for (int64_t i = 0; i < n; i++) p[start + i] = v[i];
  } else {
    int64_t iv[RNG_CHUNK];
    for (int64_t i = 0; i < n; i++) iv[i] = rng_double_to_long(v[i]);
    rng_store_int(dtype, base, offs, start, iv, n);
  }
}

/* Gather n per-element probabilities from a Float or Double tensor. */
static void rng_load_p(const tl_tensor *p, rng_iter *it, double *pv, int64_t n)
{
  int64_t offs[RNG_CHUNK];
  rng_iter_next(it, offs, n);
  if (p->dtype == TL_FLOAT) {
    const float *d = (const float *)p->storage->data;
    for (int64_t i = 0; i < n; i++) pv[i] = d[offs[i]];
  } else {
    const double *d = (const double *)p->storage->data;
    for (int64_t i = 0; i < n; i++) pv[i] = d[offs[i]];
  }
}

/* The fill driver: chunks of draws in row-major order, stored through the
 * strides. p (may be NULL) gives per-element bernoulli probabilities. */
static int rng_fill(tl_generator *g, tl_tensor *t, const char *fn, const rng_spec *s,
                    const tl_tensor *p)
{
  int64_t numel = tl_tensor_numel(t);
  if (numel == 0) return 0;
  int contiguous = tl_tensor_is_contiguous(t);
  char *base = t->storage->data;
  int64_t offs[RNG_CHUNK], iv[RNG_CHUNK];
  double dv[RNG_CHUNK], pv[RNG_CHUNK];
  rng_iter it, pit;
  rng_iter_init(&it, t);
  if (p) rng_iter_init(&pit, p);
  int is_int = rng_is_integer_dist(s->dist);
  for (int64_t done = 0; done < numel; done += RNG_CHUNK) {
    if (tl_interrupted()) return tl_error_interrupted(fn);
    int64_t n = numel - done < RNG_CHUNK ? numel - done : RNG_CHUNK;
    if (p) rng_load_p(p, &pit, pv, n);
    if (!contiguous) rng_iter_next(&it, offs, n);
    const int64_t *o = contiguous ? NULL : offs;
    if (is_int) {
      rng_draw_int(g, s, p ? pv : NULL, iv, n);
      rng_store_int(t->dtype, base, o, t->offset + done, iv, n);
    } else {
      rng_draw_real(g, s, dv, n);
      rng_store_real(t->dtype, base, o, t->offset + done, dv, n);
    }
  }
  return 0;
}

/* Common checks for a tensor to be filled. */
static int rng_check_target(const char *fn, const tl_generator *g, const tl_tensor *t)
{
  if (tl_check_not_null(fn, g, "generator") || tl_check_not_null(fn, t, "tensor")) return -1;
  if (tl_check_has_math(fn, t)) return -1;
  if (t->device != TL_CPU)
    return tl_error_set("%s: random fills are only implemented for CPU tensors", fn);
  return 0;
}

int tl_tensor_random_fill(tl_generator *g, tl_tensor *t, int32_t dist, double p0, double p1)
{
  const char *fn = rng_dist_name(dist);
  if (!fn) return tl_error_set("random fill: unknown distribution %d", dist);
  if (rng_check_target(fn, g, t) || rng_check_params(fn, dist, p0, p1)) return -1;
  rng_spec s = {dist, p0, p1, rng_random_modulus(t->dtype), 0, 0};
  if (dist == TL_DIST_RANDOM_RANGE) {
    s.lo = (int64_t)p0;
    s.range = (uint64_t)(int64_t)p1 - (uint64_t)s.lo + 1u;
  }
  return rng_fill(g, t, fn, &s, NULL);
}

int tl_tensor_bernoulli_tensor(tl_generator *g, tl_tensor *t, const tl_tensor *p)
{
  const char *fn = "bernoulli";
  if (rng_check_target(fn, g, t) || tl_check_not_null(fn, p, "p")) return -1;
  if (p->dtype != TL_FLOAT && p->dtype != TL_DOUBLE)
    return tl_error_set("%s: p must be a FloatTensor or DoubleTensor, got torch.%sTensor", fn,
                        tl_dtype_get(p->dtype)->name);
  if (p->device != TL_CPU) return tl_error_set("%s: p must be a CPU tensor", fn);
  if (tl_check_same_numel(fn, t, p)) return -1;
  /* Validate every probability before drawing, so a bad one changes nothing. */
  int64_t numel = tl_tensor_numel(p);
  rng_iter it;
  rng_iter_init(&it, p);
  double pv[RNG_CHUNK];
  for (int64_t done = 0; done < numel; done += RNG_CHUNK) {
    int64_t n = numel - done < RNG_CHUNK ? numel - done : RNG_CHUNK;
    rng_load_p(p, &it, pv, n);
    for (int64_t i = 0; i < n; i++)
      if (!(pv[i] >= 0 && pv[i] <= 1))
        return tl_error_set("%s: p must be in [0,1], got %g at element %lld", fn, pv[i],
                            (long long)(done + i + 1));
  }
  rng_spec s = {TL_DIST_BERNOULLI, 0, 0, 0, 0, 0};
  return rng_fill(g, t, fn, &s, p);
}

/* Fisher-Yates as Torch7 does it: r[i] = i, swap r[i] with r[i + z] for
 * z = r32 mod (n - i), i = 0..n-2, then add 1; the arithmetic happens in
 * the tensor's type, so small types wrap as in Torch7. */
int tl_tensor_randperm(tl_generator *g, tl_tensor *t, int64_t n)
{
  const char *fn = "randperm";
  if (rng_check_target(fn, g, t)) return -1;
  if (n <= 0) return tl_error_set("%s: n must be positive, got %lld", fn, (long long)n);
  if (tl_tensor_resize(t, 1, &n)) return -1;
  char *base = t->storage->data;
  int64_t off = t->offset, st = t->stride[0];
  switch (t->dtype) {
#define RNG_PERM(DT, T, N)                                                       \
  case DT: {                                                                     \
    T *r = (T *)base + off;                                                      \
    for (int64_t i = 0; i < n; i++) r[i * st] = (T)i;                            \
    for (int64_t i = 0; i < n - 1; i++) {                                        \
      if ((i & 0xffff) == 0 && tl_interrupted()) return tl_error_interrupted(fn); \
      int64_t z = (int64_t)(rng_next32(g) % (uint64_t)(n - i));                  \
      T tmp = r[i * st];                                                         \
      r[i * st] = r[(i + z) * st];                                               \
      r[(i + z) * st] = tmp;                                                     \
    }                                                                            \
    for (int64_t i = 0; i < n; i++) r[i * st] = (T)(r[i * st] + 1);              \
    break;                                                                       \
  }
    TL_FOREACH_MATH_DTYPE(RNG_PERM)
#undef RNG_PERM
  default: break;
  }
  return 0;
}
