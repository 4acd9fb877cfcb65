/*
 * copy.c: CPU copy with dtype conversion, and fill.
 *
 * Both run on tl_iter's block interface: a kernel call moves m rows of n
 * elements, so short runs (narrowed views) and transposed tiles cost one
 * call per block. Same-dtype copies are strided moves (memcpy for long
 * contiguous rows). Conversions into or out of Float and Double have fused
 * loops; the other pairs convert through a small double buffer (one
 * to-double loop per source dtype, one from-double loop per destination
 * dtype, instead of a loop per pair). Both routes round the same way: as
 * a C cast through double, integers clamped to int64 first. Long values
 * above 2^53 lose precision through double.
 */
#include "../device.h"
#include "../iter.h"
#include <math.h>
#include <string.h>

typedef struct { int32_t src_dtype, dst_dtype; int64_t elsize; } tl_copy_ctx;

/* Same dtype: a move of m rows of n elements. Contiguous rows are memcpy'd
 * (the whole block at once when the rows abut on both sides); short rows
 * use a typed loop, cheaper than a memcpy call; stride 0 source rows
 * (expand) broadcast one value. */
static void tl_copy_same(char **p, const int64_t *st, const int64_t *os, int64_t n, int64_t m, void *vctx)
{
  const tl_copy_ctx *ctx = vctx;
  int64_t es = ctx->elsize;
  if (st[0] == 1 && st[1] == 1) {
    if (m == 1 || (os[0] == n && os[1] == n)) {
      memcpy(p[0], p[1], (size_t)(n * m * es));
      return;
    }
    if (n * es >= 256) {
      for (int64_t j = 0; j < m; j++) memcpy(p[0] + j * os[0] * es, p[1] + j * os[1] * es, (size_t)(n * es));
      return;
    }
  }
  switch (es) {
#define MOVE(T) { \
    for (int64_t j = 0; j < m; j++) { \
      T *d = (T *)p[0] + j * os[0]; \
      const T *s = (const T *)p[1] + j * os[1]; \
      if (st[1] == 0 && st[0] == 1) { T v = s[0]; for (int64_t i = 0; i < n; i++) d[i] = v; } \
      else if (st[1] == 0) { T v = s[0]; for (int64_t i = 0; i < n; i++) d[i * st[0]] = v; } \
      else if (st[0] == 1 && st[1] == 1) { for (int64_t i = 0; i < n; i++) d[i] = s[i]; } \
      else if (st[0] == 1) { for (int64_t i = 0; i < n; i++) d[i] = s[i * st[1]]; } \
      else { for (int64_t i = 0; i < n; i++) d[i * st[0]] = s[i * st[1]]; } \
    } } break;
  case 1: MOVE(uint8_t)
  case 2: MOVE(uint16_t)
  case 4: MOVE(uint32_t)
  case 8: MOVE(uint64_t)
#undef MOVE
  default: break;
  }
}

/* m rows of n source elements (row step os) into buf, row after row. */
static void tl_to_double(int32_t dtype, const char *src, int64_t st, int64_t os, int64_t n, int64_t m,
                         double *buf)
{
  switch (dtype) {
#define TO(DT, T, N) case DT: \
    for (int64_t j = 0; j < m; j++) { \
      const T *s = (const T *)src + j * os; \
      double *b = buf + j * n; \
      if (st == 1) { for (int64_t i = 0; i < n; i++) b[i] = (double)s[i]; } \
      else { for (int64_t i = 0; i < n; i++) b[i] = (double)s[i * st]; } \
    } break;
    TL_FOREACH_MATH_DTYPE(TO)
#undef TO
  case TL_HALF:
    for (int64_t j = 0; j < m; j++) {
      const uint16_t *s = (const uint16_t *)src + j * os;
      for (int64_t i = 0; i < n; i++) buf[j * n + i] = tl_half_to_float(s[i * st]);
    }
    break;
  default: break;
  }
}

/* double -> int64 as tl_store_double does it (NaN -> 0, clamped), written
 * without branches so the loops below vectorize. */
static inline int64_t tl_copy_d2l(double v)
{
  v = v < -9.2e18 ? -9.2e18 : v;
  v = v > 9.2e18 ? 9.2e18 : v;
  return (int64_t)(v == v ? v : 0.0);
}

/* The inverse of tl_to_double: buf into m rows of n destination elements.
 * Integer types go through int64 and wrap like a C cast. */
static void tl_from_double(int32_t dtype, char *dst, int64_t st, int64_t os, int64_t n, int64_t m,
                           const double *buf)
{
  switch (dtype) {
#define FROM(DT, T, CONV) case DT: \
    for (int64_t j = 0; j < m; j++) { \
      T *d = (T *)dst + j * os; \
      const double *b = buf + j * n; \
      if (st == 1) { for (int64_t i = 0; i < n; i++) d[i] = CONV(b[i]); } \
      else { for (int64_t i = 0; i < n; i++) d[i * st] = CONV(b[i]); } \
    } break;
  FROM(TL_BYTE, uint8_t, (uint8_t)tl_copy_d2l)
  FROM(TL_CHAR, int8_t, (int8_t)tl_copy_d2l)
  FROM(TL_SHORT, int16_t, (int16_t)tl_copy_d2l)
  FROM(TL_INT, int32_t, (int32_t)tl_copy_d2l)
  FROM(TL_LONG, int64_t, tl_copy_d2l)
  FROM(TL_FLOAT, float, (float))
  FROM(TL_DOUBLE, double, )
#undef FROM
  case TL_HALF:
    for (int64_t j = 0; j < m; j++) {
      uint16_t *d = (uint16_t *)dst + j * os;
      for (int64_t i = 0; i < n; i++) d[i * st] = tl_float_to_half((float)buf[j * n + i]);
    }
    break;
  default: break;
  }
}

/* Fused loops for the conversions into or out of Float and Double (x:float(),
 * byte images, x:int()): each element converts exactly as through the
 * double buffer, without the round trip through it. */
#define TL_COPY_PAIR(TD, TS, CONV) \
  for (int64_t j = 0; j < m; j++) { \
    TD *d = (TD *)p[0] + j * os[0]; \
    const TS *s = (const TS *)p[1] + j * os[1]; \
    if (st[0] == 1 && st[1] == 1) { for (int64_t i = 0; i < n; i++) d[i] = CONV((double)s[i]); } \
    else { for (int64_t i = 0; i < n; i++) d[i * st[0]] = CONV((double)s[i * st[1]]); } \
  }

/* Float or Double into an integer type. A contiguous row whose values all
 * lie strictly within int32 (NaN does not) converts through int32, which
 * then agrees with the int64 route and is one vector instruction. */
#define TL_COPY_TO_INT(TD, TS) \
  for (int64_t j = 0; j < m; j++) { \
    TD *d = (TD *)p[0] + j * os[0]; \
    const TS *s = (const TS *)p[1] + j * os[1]; \
    if (sizeof(TD) <= 4 && st[0] == 1 && st[1] == 1) { \
      int ok = 1; \
      for (int64_t i = 0; i < n; i++) ok &= (s[i] > (TS)-2147483648.0) & (s[i] < (TS)2147483648.0); \
      if (ok) { \
        for (int64_t i = 0; i < n; i++) d[i] = (TD)(int32_t)s[i]; \
        continue; \
      } \
    } \
    for (int64_t i = 0; i < n; i++) d[i * st[0]] = (TD)tl_copy_d2l((double)s[i * st[1]]); \
  }

/* Returns 1 when a fused loop did the block. */
static int tl_copy_fused(int32_t dd, int32_t sd, char **p, const int64_t *st, const int64_t *os, int64_t n,
                         int64_t m)
{
  if (dd == TL_FLOAT) {
    switch (sd) {
#define CASE(DT, T, N) case DT: TL_COPY_PAIR(float, T, (float)) return 1;
      TL_FOREACH_MATH_DTYPE(CASE)
#undef CASE
    default: return 0;
    }
  }
  if (dd == TL_DOUBLE) {
    switch (sd) {
#define CASE(DT, T, N) case DT: TL_COPY_PAIR(double, T, ) return 1;
      TL_FOREACH_MATH_DTYPE(CASE)
#undef CASE
    default: return 0;
    }
  }
  if (sd != TL_FLOAT && sd != TL_DOUBLE) return 0;
  switch (dd) {
#define CASE(DT, T, N) case DT: \
    if (sd == TL_FLOAT) { TL_COPY_TO_INT(T, float) } \
    else { TL_COPY_TO_INT(T, double) } \
    return 1;
    CASE(TL_BYTE, uint8_t, byte)
    CASE(TL_CHAR, int8_t, char)
    CASE(TL_SHORT, int16_t, short)
    CASE(TL_INT, int32_t, int)
    CASE(TL_LONG, int64_t, long)
#undef CASE
  default: return 0;
  }
}
#undef TL_COPY_PAIR
#undef TL_COPY_TO_INT

/* Mixed dtypes: a fused loop, else through a double buffer, as many whole
 * rows at a time as fit (rows longer than the buffer go in pieces). */
static void tl_copy_convert(char **p, const int64_t *st, const int64_t *os, int64_t n, int64_t m, void *vctx)
{
  enum { BUF = 512 };
  const tl_copy_ctx *ctx = vctx;
  if (tl_copy_fused(ctx->dst_dtype, ctx->src_dtype, p, st, os, n, m)) return;
  double buf[BUF];
  int64_t ds = tl_elsize(ctx->dst_dtype), ss = tl_elsize(ctx->src_dtype);
  if (n > BUF) {
    for (int64_t j = 0; j < m; j++)
      for (int64_t b = 0; b < n; b += BUF) {
        int64_t k = n - b < BUF ? n - b : BUF;
        tl_to_double(ctx->src_dtype, p[1] + (b * st[1] + j * os[1]) * ss, st[1], 0, k, 1, buf);
        tl_from_double(ctx->dst_dtype, p[0] + (b * st[0] + j * os[0]) * ds, st[0], 0, k, 1, buf);
      }
    return;
  }
  int64_t rows = BUF / n;
  for (int64_t j = 0; j < m; j += rows) {
    int64_t r = m - j < rows ? m - j : rows;
    tl_to_double(ctx->src_dtype, p[1] + j * os[1] * ss, st[1], os[1], n, r, buf);
    tl_from_double(ctx->dst_dtype, p[0] + j * os[0] * ds, st[0], os[0], n, r, buf);
  }
}

/* True when the two views may touch the same bytes. */
static int tl_overlaps(const tl_tensor *a, const tl_tensor *b)
{
  return a->storage == b->storage && a->storage != NULL;
}

int tl_cpu_copy(tl_tensor *dst, const tl_tensor *src)
{
  if (src->device != TL_CPU || dst->device != TL_CPU)
    return tl_error_set("copy: the CPU backend cannot copy device memory");
  tl_tensor *held = NULL;
  if (tl_overlaps(dst, src) && dst != src) {
    /* Copy through a temporary so overlapping views behave like copies. */
    held = tl_tensor_clone(src);
    if (!held) return -1;
    src = held;
  }
  tl_iter it;
  tl_tensor *ops[2] = {dst, (tl_tensor *)src};
  if (tl_iter_init(&it, 2, ops)) {
    tl_tensor_free(held);
    return -1;
  }
  tl_copy_ctx ctx = {src->dtype, dst->dtype, tl_elsize(dst->dtype)};
  int rc = tl_iter_run_blocks(&it, src->dtype == dst->dtype ? tl_copy_same : tl_copy_convert, &ctx, "copy");
  rc = tl_iter_finish(&it, rc);
  tl_tensor_free(held);
  return rc;
}

/* zero: the value is +0, all bits zero in every type (memset; glibc's
 * clears large blocks faster than a loop of stores). */
typedef struct { int32_t dtype; double value; bool zero; } tl_fill_ctx;

static void tl_fill_block(char **p, const int64_t *st, const int64_t *os, int64_t n, int64_t m, void *vctx)
{
  const tl_fill_ctx *ctx = vctx;
  switch (ctx->dtype) {
#define FILL(DT, T, N) case DT: { T v; tl_store_double(DT, &v, ctx->value); \
    for (int64_t j = 0; j < m; j++) { T *d = (T *)p[0] + j * os[0]; \
      if (st[0] == 1 && ctx->zero) memset(d, 0, (size_t)n * sizeof(T)); \
      else if (st[0] == 1) { for (int64_t i = 0; i < n; i++) d[i] = v; } \
      else { for (int64_t i = 0; i < n; i++) d[i * st[0]] = v; } } } break;
    TL_FOREACH_MATH_DTYPE(FILL)
#undef FILL
  case TL_HALF: {
    uint16_t v = tl_float_to_half((float)ctx->value);
    for (int64_t j = 0; j < m; j++) {
      uint16_t *d = (uint16_t *)p[0] + j * os[0];
      for (int64_t i = 0; i < n; i++) d[i * st[0]] = v;
    }
  } break;
  default: break;
  }
}

int tl_cpu_fill(tl_tensor *t, double value)
{
  tl_iter it;
  tl_tensor *ops[1] = {t};
  if (tl_iter_init(&it, 1, ops)) return -1;
  /* integer fills convert through the stored type like Torch7's cast */
  tl_fill_ctx ctx = {t->dtype, value, value == 0 && !signbit(value)};
  return tl_iter_finish(&it, tl_iter_run_blocks(&it, tl_fill_block, &ctx, "fill"));
}
