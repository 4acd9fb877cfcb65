/*
 * copy.c: CPU copy with dtype conversion, and fill.
 *
 * Same-dtype copies are plain strided moves (memcpy when both sides are
 * one contiguous run). Mixed dtypes convert through a small double buffer:
 * one to-double loop per source dtype and one from-double loop per
 * destination dtype, instead of a loop per pair of dtypes. Long values
 * above 2^53 only lose precision when the destination is floating point.
 */
#include "../device.h"
#include "../iter.h"
#include <string.h>

typedef struct { int32_t src_dtype, dst_dtype; } tl_copy_ctx;

static void tl_copy_same(char **p, const int64_t *st, int64_t n, void *vctx)
{
  const tl_copy_ctx *ctx = vctx;
  int64_t es = tl_elsize(ctx->dst_dtype);
  if (st[0] == 1 && st[1] == 1) {
    memcpy(p[0], p[1], (size_t)(n * es));
    return;
  }
  switch (es) {
#define MOVE(T) { T *d = (T *)p[0]; const T *s = (const T *)p[1]; \
                  for (int64_t i = 0; i < n; i++) d[i * st[0]] = s[i * st[1]]; } break;
  case 1: MOVE(uint8_t)
  case 2: MOVE(uint16_t)
  case 4: MOVE(uint32_t)
  case 8: MOVE(uint64_t)
#undef MOVE
  default: break;
  }
}

static void tl_to_double(int32_t dtype, const char *src, int64_t st, int64_t n, double *buf)
{
  switch (dtype) {
#define TO(DT, T, N) case DT: { const T *s = (const T *)src; \
    for (int64_t i = 0; i < n; i++) buf[i] = (double)s[i * st]; } break;
    TL_FOREACH_MATH_DTYPE(TO)
#undef TO
  case TL_HALF: {
    const uint16_t *s = (const uint16_t *)src;
    for (int64_t i = 0; i < n; i++) buf[i] = tl_half_to_float(s[i * st]);
  } break;
  default: break;
  }
}

static void tl_from_double(int32_t dtype, char *dst, int64_t st, int64_t n, const double *buf)
{
  switch (dtype) {
  case TL_FLOAT: { float *d = (float *)dst; for (int64_t i = 0; i < n; i++) d[i * st] = (float)buf[i]; } break;
  case TL_DOUBLE: { double *d = (double *)dst; for (int64_t i = 0; i < n; i++) d[i * st] = buf[i]; } break;
  case TL_HALF: { uint16_t *d = (uint16_t *)dst; for (int64_t i = 0; i < n; i++) d[i * st] = tl_float_to_half((float)buf[i]); } break;
  default:
    for (int64_t i = 0; i < n; i++) tl_store_double(dtype, dst + i * st * tl_elsize(dtype), buf[i]);
    break;
  }
}

static void tl_copy_convert(char **p, const int64_t *st, int64_t n, void *vctx)
{
  const tl_copy_ctx *ctx = vctx;
  double buf[256];
  int64_t ds = tl_elsize(ctx->dst_dtype), ss = tl_elsize(ctx->src_dtype);
  for (int64_t b = 0; b < n; b += 256) {
    int64_t m = n - b < 256 ? n - b : 256;
    tl_to_double(ctx->src_dtype, p[1] + b * st[1] * ss, st[1], m, buf);
    tl_from_double(ctx->dst_dtype, p[0] + b * st[0] * ds, st[0], m, buf);
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
  tl_copy_ctx ctx = {src->dtype, dst->dtype};
  int rc = tl_iter_run(&it, src->dtype == dst->dtype ? tl_copy_same : tl_copy_convert, &ctx, "copy");
  rc = tl_iter_finish(&it, rc);
  tl_tensor_free(held);
  return rc;
}

typedef struct { int32_t dtype; double value; } tl_fill_ctx;

static void tl_fill_loop(char **p, const int64_t *st, int64_t n, void *vctx)
{
  const tl_fill_ctx *ctx = vctx;
  switch (ctx->dtype) {
#define FILL(DT, T, N) case DT: { T *d = (T *)p[0]; T v; tl_store_double(DT, &v, ctx->value); \
    if (st[0] == 1) { for (int64_t i = 0; i < n; i++) d[i] = v; } \
    else { for (int64_t i = 0; i < n; i++) d[i * st[0]] = v; } } break;
    TL_FOREACH_MATH_DTYPE(FILL)
#undef FILL
  case TL_HALF: {
    uint16_t *d = (uint16_t *)p[0], v = tl_float_to_half((float)ctx->value);
    for (int64_t i = 0; i < n; i++) d[i * st[0]] = v;
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
  tl_fill_ctx ctx = {t->dtype, value};
  return tl_iter_finish(&it, tl_iter_run(&it, tl_fill_loop, &ctx, "fill"));
}
