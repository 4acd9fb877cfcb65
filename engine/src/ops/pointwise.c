/*
 * pointwise.c: element-wise ops on the CPU (unary, scalar, binary, ternary).
 *
 * Each op is one expression in ops.def. For every op and dtype this file
 * expands one loop function tl_pw_<op>_<dtype>(data, strides, n, ctx) with a
 * contiguous path the compiler vectorizes (`omp simd`) and a strided path.
 * tl_cpu_pointwise validates, resizes the result, then either calls the
 * loop directly (every operand contiguous and the job small: the path that
 * keeps `a:add(b)` on tiny tensors cheap) or goes through tl_iter (strided
 * operands, big jobs split across threads, mismatched shapes).
 *
 * Float math stays in float: exp, tanh and sigmoid use the polynomial
 * tl_pw_expf below, which GCC vectorizes, instead of a libm call per
 * element; with AVX-512, Float sigmoid and tanh have loops written with
 * intrinsics (tl_pw_loop). Double uses libm. Integer types compute in int64_t and wrap on
 * store like Torch7; integer division and modulo by zero are refused before
 * computing (the helpers also never trap, whatever the operands).
 */
#include "ops.h"
#include "../iter.h"
#include "../device.h"
#include <tgmath.h>
#include <string.h>
#if defined(__AVX512F__)
#include <immintrin.h>
#define TL_PW_AVX512 1
#endif

typedef struct tl_pw_ctx { double s0, s1; } tl_pw_ctx;

/* ---- scalar helpers used by the expressions in ops.def ---------------- */

/* double -> int64 without undefined behaviour (NaN -> 0, saturating). */
static inline int64_t tl_pw_d2i(double v)
{
  if (v != v) return 0;
  if (v >= 9.2e18) return INT64_MAX;
  if (v <= -9.2e18) return INT64_MIN;
  return (int64_t)v;
}

static inline float tl_pw_bits_to_float(uint32_t u)
{
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

/* e^x in float, written so that the loops calling it vectorize.
 * x = n*ln2 + r with n = round(x/ln2) and |r| <= ln2/2; ln2 is split in two
 * (Cody-Waite: n*C1 is exact for |n| < 2^15) so r is accurate; e^r is its
 * degree-7 Taylor polynomial (truncation below 0.1 ulp); 2^n is applied as
 * two power-of-two factors so results near the subnormal range round once.
 * Max error about 1 ulp (tests/test_math.lua checks against double). */
static inline float tl_pw_expf(float x)
{
  /* NaN fails both comparisons and becomes -104 here; fixed at the end. */
  float xc = x > -104.0f ? x : -104.0f;
  xc = xc < 89.0f ? xc : 89.0f;
  const float shifter = 12582912.0f;            /* 1.5 * 2^23: rounds to int */
  float t = xc * 1.44269504088896341f + shifter;
  float n = t - shifter;
  float r = xc - n * 0.693359375f;               /* C1: 9 significant bits */
  r = r - n * -2.12194440e-4f;                   /* C2 = ln2 - C1 */
  float p = 1.0f / 5040;
  p = p * r + 1.0f / 720;
  p = p * r + 1.0f / 120;
  p = p * r + 1.0f / 24;
  p = p * r + 1.0f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  int32_t k = (int32_t)n;                        /* in [-150, 129] */
  int32_t k1 = k >> 1, k2 = k - k1;
  float y = p * tl_pw_bits_to_float((uint32_t)(k1 + 127) << 23)
              * tl_pw_bits_to_float((uint32_t)(k2 + 127) << 23);
  return x != x ? x : y;
}

/* tanh in float. |x| < 0.55: the odd Taylor series to x^17 (relative
 * truncation error < 1e-8); above, 1 - 2/(e^2|x| + 1), which has no
 * cancellation there since tanh >= 0.5. |x| >= 10 gives exactly 1. */
static inline float tl_pw_tanhf(float x)
{
  float ax = x < 0 ? -x : x;
  float z = x * x;
  float q = 6404582.0f / 10854718875.0f;
  q = q * z - 929569.0f / 638512875.0f;
  q = q * z + 21844.0f / 6081075.0f;
  q = q * z - 1382.0f / 155925.0f;
  q = q * z + 62.0f / 2835.0f;
  q = q * z - 17.0f / 315.0f;
  q = q * z + 2.0f / 15.0f;
  q = q * z - 1.0f / 3.0f;
  float small = ax + ax * (z * q);
  float big = 1.0f - 2.0f / (tl_pw_expf(2.0f * (ax < 10.0f ? ax : 10.0f)) + 1.0f);
  float y = ax < 0.55f ? small : big;
  y = copysign(y, x);   /* tanh(-0) = -0 */
  return x != x ? x : y;
}

/* 1/(1+e^-x) for x >= 0 and e^x/(1+e^x) below: e^-|x| never overflows,
 * so tiny results near the subnormal range stay accurate. */
static inline float tl_pw_sigmoidf(float x)
{
  float e = tl_pw_expf(x < 0 ? x : -x);
  return (x < 0 ? e : 1.0f) / (1.0f + e);
}
static inline double tl_pw_expd(double x) { return exp(x); }
static inline double tl_pw_tanhd(double x) { return tanh(x); }
static inline double tl_pw_sigmoidd(double x) { return 1.0 / (1.0 + exp(-x)); }

/* Integer division and modulo that never trap: x/0 gives 0 (refused
 * earlier with an error) and x/-1 is a wrapping negation (INT64_MIN/-1
 * would trap). Truncates toward zero, as C and Torch7 do. */
static inline int64_t tl_pw_idiv(int64_t x, int64_t y)
{
  if (y == 0) return 0;
  if (y == -1) return (int64_t)(0 - (uint64_t)x);
  return x / y;
}

static inline int64_t tl_pw_imod(int64_t x, int64_t y)
{
  return (y == 0 || y == -1) ? 0 : x % y;
}

/* remainder takes the sign of the divisor (Python's %). */
static inline int64_t tl_pw_irem(int64_t x, int64_t y)
{
  int64_t r = tl_pw_imod(x, y);
  return (r != 0 && (r < 0) != (y < 0)) ? r + y : r;
}
static inline float tl_pw_fremf(float x, float y) { return x - y * floor(x / y); }
static inline double tl_pw_fremd(double x, double y) { return x - y * floor(x / y); }

static inline float tl_pw_fdivf(float x, float y) { return x / y; }
static inline double tl_pw_fdivd(double x, double y) { return x / y; }
static inline float tl_pw_fmodf(float x, float y) { return fmod(x, y); }
static inline double tl_pw_fmodd(double x, double y) { return fmod(x, y); }
static inline float tl_pw_powf(float x, float y) { return pow(x, y); }
static inline double tl_pw_powd(double x, double y) { return pow(x, y); }
static inline int64_t tl_pw_ipow(int64_t x, int64_t y) { return tl_pw_d2i(pow((double)x, (double)y)); }

static inline float tl_pw_absf(float x) { return fabs(x); }
static inline double tl_pw_absd(double x) { return fabs(x); }
static inline int64_t tl_pw_absi(int64_t x) { return x < 0 ? (int64_t)(0 - (uint64_t)x) : x; }

/* The type-generic names used in ops.def; the accumulation type picks the
 * implementation. */
#define TL_PW_GENERIC(x, f, d, i) _Generic((x), float: f, double: d, default: i)
#define tl_pw_exp(x) TL_PW_GENERIC(x, tl_pw_expf, tl_pw_expd, tl_pw_expd)(x)
#define tl_pw_tanh(x) TL_PW_GENERIC(x, tl_pw_tanhf, tl_pw_tanhd, tl_pw_tanhd)(x)
#define tl_pw_sigmoid(x) TL_PW_GENERIC(x, tl_pw_sigmoidf, tl_pw_sigmoidd, tl_pw_sigmoidd)(x)
#define tl_pw_div(x, y) TL_PW_GENERIC(x, tl_pw_fdivf, tl_pw_fdivd, tl_pw_idiv)(x, y)
#define tl_pw_fmod(x, y) TL_PW_GENERIC(x, tl_pw_fmodf, tl_pw_fmodd, tl_pw_imod)(x, y)
#define tl_pw_remainder(x, y) TL_PW_GENERIC(x, tl_pw_fremf, tl_pw_fremd, tl_pw_irem)(x, y)
#define tl_pw_pow(x, y) TL_PW_GENERIC(x, tl_pw_powf, tl_pw_powd, tl_pw_ipow)(x, y)
#define tl_pw_abs(x) TL_PW_GENERIC(x, tl_pw_absf, tl_pw_absd, tl_pw_absi)(x)
/* Shifts on the 64-bit accumulation type: the count is taken modulo 64 and
 * the left shift goes through unsigned so negative values do not trap. */
#define tl_pw_shl(x, y) ((int64_t)((uint64_t)(x) << ((uint64_t)(y) & 63)))
#define tl_pw_shr(x, y) ((x) >> ((uint64_t)(y) & 63))
#define tl_pw_sign(x) ((x) > 0 ? 1 : ((x) < 0 ? -1 : 0))

/* Scalars convert to the element type first, as Torch7's `real` argument:
 * tl_pw_scalar_<dtype>(double). */
#define TL_PW_SCALAR_FN(DT, T, N) \
  static inline T tl_pw_scalar_##N(double v) { return (T)0.5 != 0 ? (T)v : (T)tl_pw_d2i(v); }
TL_FOREACH_MATH_DTYPE(TL_PW_SCALAR_FN)
#undef TL_PW_SCALAR_FN

/* ---- loop functions, one per op and dtype ------------------------------
 * TL_PW_EACH(DEF, name, fo, expr) instantiates DEF(name, DT, T, A, N, expr)
 * for each dtype: element type T, accumulation type A, name suffix N.
 * Float-only ops (fo = 1) get no integer loops, integer-only ops (fo = 2)
 * no floating loops, and fo = 3 loops for Int, Long, Float and Double. This is the dtype list of
 * TL_FOREACH_MATH_DTYPE with the accumulation type added; it cannot be that
 * macro itself because each instance needs the op's name and expression. */
#define TL_PW_EACH(DEF, name, fo, expr)                 \
  TL_PW_FLOATS_##fo(DEF, name, expr)                    \
  TL_PW_INTS_##fo(DEF, name, expr)
#define TL_PW_FLOATS_2(DEF, name, expr)
#define TL_PW_FLOATS_1(DEF, name, expr) TL_PW_FLOATS_0(DEF, name, expr)
#define TL_PW_FLOATS_0(DEF, name, expr)                 \
  DEF(name, TL_FLOAT, float, float, float, expr)        \
  DEF(name, TL_DOUBLE, double, double, double, expr)
#define TL_PW_FLOATS_3(DEF, name, expr) TL_PW_FLOATS_0(DEF, name, expr)
#define TL_PW_INTS_1(DEF, name, expr)
#define TL_PW_INTS_2(DEF, name, expr) TL_PW_INTS_0(DEF, name, expr)
#define TL_PW_INTS_3(DEF, name, expr)                   \
  DEF(name, TL_INT, int32_t, int64_t, int, expr)        \
  DEF(name, TL_LONG, int64_t, int64_t, long, expr)
#define TL_PW_INTS_0(DEF, name, expr)                   \
  DEF(name, TL_BYTE, uint8_t, int64_t, byte, expr)      \
  DEF(name, TL_CHAR, int8_t, int64_t, char, expr)       \
  DEF(name, TL_SHORT, int16_t, int64_t, short, expr)    \
  DEF(name, TL_INT, int32_t, int64_t, int, expr)        \
  DEF(name, TL_LONG, int64_t, int64_t, long, expr)

/* The contiguous loops assert independence (`omp simd`): in-place is fine
 * since each element is read before it is written at the same index. */
#define TL_PW_SIMD _Pragma("omp simd")

/* Operand pointers p[0] = res, p[1] = x, p[2] = y, p[3] = z; strides st[]. */
#define TL_PW_DEF_UNARY(name, DT, T, A, N, expr)                                      \
  static void tl_pw_##name##_##N(char **p, const int64_t *st, int64_t n, void *vctx)  \
  {                                                                                   \
    (void)vctx;                                                                       \
    T *r = (T *)p[0];                                                                 \
    const T *px = (const T *)p[1];                                                    \
    if (st[0] == 1 && st[1] == 1) {                                                   \
      TL_PW_SIMD for (int64_t i = 0; i < n; i++) { A x = px[i]; r[i] = (T)(expr); }   \
    } else {                                                                          \
      for (int64_t i = 0; i < n; i++) { A x = px[i * st[1]]; r[i * st[0]] = (T)(expr); } \
    }                                                                                 \
  }

#define TL_PW_DEF_SCALAR(name, DT, T, A, N, expr)                                     \
  static void tl_pw_##name##_##N(char **p, const int64_t *st, int64_t n, void *vctx)  \
  {                                                                                   \
    const tl_pw_ctx *ctx = vctx;                                                      \
    const A s0 = tl_pw_scalar_##N(ctx->s0), s1 = tl_pw_scalar_##N(ctx->s1);          \
    (void)s0; (void)s1;                                                               \
    T *r = (T *)p[0];                                                                 \
    const T *px = (const T *)p[1];                                                    \
    if (st[0] == 1 && st[1] == 1) {                                                   \
      TL_PW_SIMD for (int64_t i = 0; i < n; i++) { A x = px[i]; r[i] = (T)(expr); }   \
    } else {                                                                          \
      for (int64_t i = 0; i < n; i++) { A x = px[i * st[1]]; r[i * st[0]] = (T)(expr); } \
    }                                                                                 \
  }

#define TL_PW_DEF_BINARY(name, DT, T, A, N, expr)                                     \
  static void tl_pw_##name##_##N(char **p, const int64_t *st, int64_t n, void *vctx)  \
  {                                                                                   \
    const tl_pw_ctx *ctx = vctx;                                                      \
    const A s0 = tl_pw_scalar_##N(ctx->s0);                                           \
    (void)s0;                                                                         \
    T *r = (T *)p[0];                                                                 \
    const T *px = (const T *)p[1], *py = (const T *)p[2];                             \
    if (st[0] == 1 && st[1] == 1 && st[2] == 1) {                                     \
      TL_PW_SIMD for (int64_t i = 0; i < n; i++) {                                    \
        A x = px[i], y = py[i];                                                       \
        r[i] = (T)(expr);                                                             \
      }                                                                               \
    } else {                                                                          \
      for (int64_t i = 0; i < n; i++) {                                               \
        A x = px[i * st[1]], y = py[i * st[2]];                                       \
        r[i * st[0]] = (T)(expr);                                                     \
      }                                                                               \
    }                                                                                 \
  }

#define TL_PW_DEF_TERNARY(name, DT, T, A, N, expr)                                    \
  static void tl_pw_##name##_##N(char **p, const int64_t *st, int64_t n, void *vctx)  \
  {                                                                                   \
    const tl_pw_ctx *ctx = vctx;                                                      \
    const A s0 = tl_pw_scalar_##N(ctx->s0);                                           \
    T *r = (T *)p[0];                                                                 \
    const T *px = (const T *)p[1], *py = (const T *)p[2], *pz = (const T *)p[3];      \
    if (st[0] == 1 && st[1] == 1 && st[2] == 1 && st[3] == 1) {                       \
      TL_PW_SIMD for (int64_t i = 0; i < n; i++) {                                    \
        A x = px[i], y = py[i], z = pz[i];                                            \
        r[i] = (T)(expr);                                                             \
      }                                                                               \
    } else {                                                                          \
      for (int64_t i = 0; i < n; i++) {                                               \
        A x = px[i * st[1]], y = py[i * st[2]], z = pz[i * st[3]];                    \
        r[i * st[0]] = (T)(expr);                                                     \
      }                                                                               \
    }                                                                                 \
  }

#define TL_UNARY(name, fo, expr) TL_PW_EACH(TL_PW_DEF_UNARY, name, fo, expr)
#define TL_SCALAR(name, fo, expr) TL_PW_EACH(TL_PW_DEF_SCALAR, name, fo, expr)
#define TL_BINARY(name, fo, expr) TL_PW_EACH(TL_PW_DEF_BINARY, name, fo, expr)
#define TL_TERNARY(name, fo, expr) TL_PW_EACH(TL_PW_DEF_TERNARY, name, fo, expr)
#define TL_REDUCE(name, fo)
#define TL_COMPARE(name, expr)
#include "ops.def"
#undef TL_UNARY
#undef TL_SCALAR
#undef TL_BINARY
#undef TL_TERNARY
#undef TL_REDUCE
#undef TL_COMPARE

/* The loop of each (op, dtype); NULL where the op does not exist. */
#define TL_PW_ENTRY(name, DT, T, A, N, expr) [DT] = tl_pw_##name##_##N,
#define TL_PW_ROW(name, fo, expr) [TL_OP_##name] = {TL_PW_EACH(TL_PW_ENTRY, name, fo, expr)},
static const tl_loop_fn tl_pw_loops[TL_OP_COUNT][TL_NDTYPE] = {
#define TL_UNARY TL_PW_ROW
#define TL_SCALAR TL_PW_ROW
#define TL_BINARY TL_PW_ROW
#define TL_TERNARY TL_PW_ROW
#define TL_REDUCE(name, fo)
#define TL_COMPARE(name, expr)
#include "ops.def"
#undef TL_UNARY
#undef TL_SCALAR
#undef TL_BINARY
#undef TL_TERNARY
#undef TL_REDUCE
#undef TL_COMPARE
};

/* ---- hand-vectorised loops ----------------------------------------------
 * Where the generated loop leaves speed behind, a loop written with
 * intrinsics replaces it (tl_pw_loop); strided runs still go to the
 * generated one. */

#ifdef TL_PW_AVX512
/* e^a for a <= 0 (or NaN, which stays NaN), 16 lanes: the reduction and
 * polynomial of tl_pw_expf, but 2^n is applied by vscalefps, which rounds
 * once, also into the subnormal range, and replaces the integer exponent
 * arithmetic and clamps GCC makes of the portable form (half the
 * instructions of the generated loop). */
static inline __m512 tl_pw_exp_neg16(__m512 a)
{
  a = _mm512_max_ps(_mm512_set1_ps(-104.0f), a);   /* NaN in the second operand stays */
  __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(a, _mm512_set1_ps(1.44269504088896341f)),
                                  _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), a);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.0f / 5040);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(p, n);
}

/* tl_pw_sigmoidf on 16 lanes: e = e^-|x|, then 1/(1+e) or e/(1+e). A
 * true division: on this hardware it pipelines, and a reciprocal
 * estimate with a Newton step measured slower. */
static inline __m512 tl_pw_sigmoid16(__m512 x)
{
  __m512 e = tl_pw_exp_neg16(_mm512_or_ps(x, _mm512_set1_ps(-0.0f)));   /* -|x| */
  __mmask16 neg = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ);
  __m512 num = _mm512_mask_blend_ps(neg, _mm512_set1_ps(1.0f), e);
  return _mm512_div_ps(num, _mm512_add_ps(_mm512_set1_ps(1.0f), e));
}

/* tl_pw_tanhf on 16 lanes: the odd series below 0.55 as there, above it
 * (1 - e)/(1 + e) with e = e^-2|x| (the same value as 1 - 2/(e^2|x| + 1),
 * without overflow), the sign put back. NaN takes the second branch and
 * stays NaN. */
static inline __m512 tl_pw_tanh16(__m512 x)
{
  __m512 ax = _mm512_andnot_ps(_mm512_set1_ps(-0.0f), x);
  __m512 z = _mm512_mul_ps(x, x);
  __m512 q = _mm512_set1_ps(6404582.0f / 10854718875.0f);
  q = _mm512_fmadd_ps(q, z, _mm512_set1_ps(-929569.0f / 638512875.0f));
  q = _mm512_fmadd_ps(q, z, _mm512_set1_ps(21844.0f / 6081075.0f));
  q = _mm512_fmadd_ps(q, z, _mm512_set1_ps(-1382.0f / 155925.0f));
  q = _mm512_fmadd_ps(q, z, _mm512_set1_ps(62.0f / 2835.0f));
  q = _mm512_fmadd_ps(q, z, _mm512_set1_ps(-17.0f / 315.0f));
  q = _mm512_fmadd_ps(q, z, _mm512_set1_ps(2.0f / 15.0f));
  q = _mm512_fmadd_ps(q, z, _mm512_set1_ps(-1.0f / 3.0f));
  __m512 small = _mm512_fmadd_ps(ax, _mm512_mul_ps(z, q), ax);
  __m512 e = tl_pw_exp_neg16(_mm512_mul_ps(ax, _mm512_set1_ps(-2.0f)));
  __m512 big = _mm512_div_ps(_mm512_sub_ps(_mm512_set1_ps(1.0f), e), _mm512_add_ps(_mm512_set1_ps(1.0f), e));
  __mmask16 is_small = _mm512_cmp_ps_mask(ax, _mm512_set1_ps(0.55f), _CMP_LT_OQ);
  /* tanh |x|, then the sign of x (which keeps tanh(-0) = -0) */
  return _mm512_or_ps(_mm512_mask_blend_ps(is_small, big, small), _mm512_and_ps(x, _mm512_set1_ps(-0.0f)));
}

/* A contiguous Float loop over fn16, 16 lanes a step and a masked last
 * step; strided runs go to the generated loop. In place (r == x) is fine:
 * each vector is loaded before it is stored. */
#define TL_PW_AVX512_LOOP(name, fn16, generated)                                         \
  static void name(char **p, const int64_t *st, int64_t n, void *vctx)                   \
  {                                                                                      \
    if (st[0] != 1 || st[1] != 1) {                                                      \
      generated(p, st, n, vctx);                                                         \
      return;                                                                            \
    }                                                                                    \
    float *r = (float *)p[0];                                                            \
    const float *x = (const float *)p[1];                                                \
    int64_t i = 0;                                                                       \
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(r + i, fn16(_mm512_loadu_ps(x + i)));  \
    if (i < n) {                                                                         \
      __mmask16 m = (__mmask16)((1u << (n - i)) - 1);                                    \
      _mm512_mask_storeu_ps(r + i, m, fn16(_mm512_maskz_loadu_ps(m, x + i)));            \
    }                                                                                    \
  }

TL_PW_AVX512_LOOP(tl_pw_sigmoid_float_avx512, tl_pw_sigmoid16, tl_pw_sigmoid_float)
TL_PW_AVX512_LOOP(tl_pw_tanh_float_avx512, tl_pw_tanh16, tl_pw_tanh_float)
#endif

/* The loop for (op, dtype): a hand-vectorised one where there is one. */
static inline tl_loop_fn tl_pw_loop(int32_t op, int32_t dtype)
{
#ifdef TL_PW_AVX512
  if (op == TL_OP_sigmoid && dtype == TL_FLOAT) return tl_pw_sigmoid_float_avx512;
  if (op == TL_OP_tanh && dtype == TL_FLOAT) return tl_pw_tanh_float_avx512;
#endif
  return tl_pw_loops[op][dtype];
}

/* ---- integer division by zero ----------------------------------------- */

typedef struct { int32_t dtype; int32_t found; } tl_pw_zero_ctx;

static void tl_pw_find_zero(char **p, const int64_t *st, int64_t n, void *vctx)
{
  tl_pw_zero_ctx *ctx = vctx;
  switch (ctx->dtype) {
#define FIND(DT, T, N) case DT: { const T *x = (const T *)p[0]; \
    for (int64_t i = 0; i < n; i++) if (x[i * st[0]] == 0) { ctx->found = 1; return; } } break;
    TL_FOREACH_MATH_DTYPE(FIND)
#undef FIND
  default: break;
  }
}

static int tl_pw_has_zero(const tl_tensor *t)
{
  tl_iter it;
  tl_tensor *ops[1] = {(tl_tensor *)t};
  if (tl_iter_init(&it, 1, ops)) return -1;
  it.serial = 1;
  tl_pw_zero_ctx ctx = {t->dtype, 0};
  int rc = tl_iter_finish(&it, tl_iter_run(&it, tl_pw_find_zero, &ctx, "division"));
  return rc ? -1 : ctx.found;
}

/* On integer dtypes, refuse a zero divisor: the scalar (after conversion
 * to the element type) or any element of the dividing tensor. */
static int tl_pw_check_divisor(const char *fn, int32_t op, const tl_tensor *b,
                               const tl_tensor *c, double s0, int32_t dtype)
{
  const tl_tensor *divisor = NULL;
  switch (op) {
  case TL_OP_div: case TL_OP_fmod: case TL_OP_remainder: {
    char buf[8];
    tl_store_double(dtype, buf, s0);
    if (tl_load_long(dtype, buf) == 0) return tl_error_set("%s: integer division by zero", fn);
    return 0;
  }
  case TL_OP_cdiv: case TL_OP_cfmod: case TL_OP_cremainder: divisor = b; break;
  case TL_OP_addcdiv: divisor = c; break;
  default: return 0;
  }
  int found = tl_pw_has_zero(divisor);
  if (found < 0) return -1;
  return found ? tl_error_set("%s: integer division by zero", fn) : 0;
}

/* ---- entry point --------------------------------------------------------- */

/* Cheap inline forms of the checks; the slow helpers only build messages. */
static inline int64_t tl_pw_numel(const tl_tensor *t)
{
  return t->ndim == 1 ? t->size[0] : tl_tensor_numel(t);
}

static inline int tl_pw_contiguous(const tl_tensor *t)
{
  return t->ndim == 1 ? t->stride[0] == 1 || t->size[0] <= 1 : tl_tensor_is_contiguous(t);
}

static int tl_pw_check_operand(const char *fn, const tl_tensor *a, const tl_tensor *t,
                               int64_t n, const char *what)
{
  if (TL_UNLIKELY(!t)) return tl_check_not_null(fn, t, what);
  if (TL_UNLIKELY(t->dtype != a->dtype)) return tl_check_same_dtype(fn, a, t);
  if (TL_UNLIKELY(tl_pw_numel(t) != n)) return tl_check_same_numel(fn, a, t);
  return 0;
}

/* Strided, large or mismatched-shape operands: the general iterator. */
static int tl_pw_run_iter(const char *fn, tl_loop_fn loop, int32_t nargs, tl_tensor **ops,
                          tl_pw_ctx *ctx)
{
  tl_iter it;
  if (tl_iter_init(&it, nargs, ops)) return -1;
  return tl_iter_finish(&it, tl_iter_run(&it, loop, ctx, fn));
}

int tl_cpu_pointwise(int32_t op, tl_tensor *res, const tl_tensor *a, const tl_tensor *b,
                     const tl_tensor *c, double s0, double s1)
{
  const tl_op_info *info = tl_op_get(op);
  const char *fn = info->name;
  const tl_dtype_info *di = tl_dtype_get(a->dtype);
  int32_t nin = info->kind == TL_OPK_BINARY ? 2 : info->kind == TL_OPK_TERNARY ? 3 : 1;
  /* validate */
  if (TL_UNLIKELY(info->kind == TL_OPK_REDUCE || info->kind == TL_OPK_COMPARE))
    return tl_error_set("%s: is not an element-wise op of one result type", fn);
  if (TL_UNLIKELY(!di->has_math)) return tl_check_has_math(fn, a);
  if (TL_UNLIKELY(info->float_only == 1 && !di->is_float))
    return tl_error_set("%s: not available for torch.%sTensor (only Float and Double)", fn, di->name);
  if (TL_UNLIKELY(info->float_only == 2 && di->is_float))
    return tl_error_set("%s: not available for torch.%sTensor (only integer types)", fn, di->name);
  if (TL_UNLIKELY(res->dtype != a->dtype)) return tl_check_same_dtype(fn, a, res);
  int64_t n = tl_pw_numel(a);
  if (nin >= 2 && tl_pw_check_operand(fn, a, b, n, "second tensor")) return -1;
  if (nin >= 3 && tl_pw_check_operand(fn, a, c, n, "third tensor")) return -1;
  tl_loop_fn loop = tl_pw_loop(op, a->dtype);
  if (TL_UNLIKELY(!loop)) return tl_error_set("%s: not available for torch.%sTensor", fn, di->name);
  if (!di->is_float && tl_pw_check_divisor(fn, op, b, c, s0, a->dtype)) return -1;
  /* allocate: the result takes a's shape (a view of the same shape is
   * written through, as in Torch7) */
  if (res != a && !tl_tensor_same_size(res, a) && tl_tensor_resize_as(res, a)) return -1;
  if (n == 0) return 0;
  /* compute */
  tl_pw_ctx ctx = {s0, s1};
  tl_tensor *ops[4] = {res, (tl_tensor *)a, (tl_tensor *)b, (tl_tensor *)c};
  if (n < TL_PARALLEL_GRAIN && tl_pw_contiguous(res) && tl_pw_contiguous(a) &&
      (nin < 2 || tl_pw_contiguous(b)) && (nin < 3 || tl_pw_contiguous(c))) {
    static const int64_t ones[4] = {1, 1, 1, 1};
    char *data[4];
    int64_t es = di->size;
    for (int32_t i = 0; i <= nin; i++) data[i] = ops[i]->storage->data + ops[i]->offset * es;
    loop(data, ones, n, &ctx);
    return 0;
  }
  return tl_pw_run_iter(fn, loop, nin + 1, ops, &ctx);
}
