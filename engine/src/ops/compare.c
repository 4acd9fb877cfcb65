/*
 * compare.c: the comparisons lt gt le ge eq ne (TL_COMPARE in ops.def).
 *
 * The result is a ByteTensor of 1s and 0s, or, in Torch7's result-tensor
 * form, a tensor of the operands' own type (`torch.lt(x, a, b)` with x of
 * a's type holds 1 and 0 in that type). The second operand is a tensor of
 * a's type or, when b is NULL, the scalar s converted to the element type
 * first (IntTensor:lt(2.5) compares with 2, as Torch7's `real` argument).
 */
#include "ops.h"
#include "../iter.h"
#include "../device.h"

typedef struct tl_cmp_ctx { double s; } tl_cmp_ctx;

/* double -> integer element type without undefined behaviour. */
static inline int64_t tl_cmp_d2i(double v)
{
  if (v != v) return 0;
  if (v >= 9.2e18) return INT64_MAX;
  if (v <= -9.2e18) return INT64_MIN;
  return (int64_t)v;
}

/* One loop per (op, dtype, operand form): p[0] uint8 result, p[1] x,
 * p[2] y (tensor form only). */
#define TL_CMP_DEF(name, expr, DT, T, N)                                                \
  static void tl_cmp_##name##_##N(char **p, const int64_t *st, int64_t n, void *vctx)    \
  {                                                                                      \
    uint8_t *r = (uint8_t *)p[0];                                                        \
    const T *px = (const T *)p[1], *py = (const T *)p[2];                                \
    for (int64_t i = 0; i < n; i++) {                                                    \
      T x = px[i * st[1]], y = py[i * st[2]];                                            \
      r[i * st[0]] = (expr) ? 1 : 0;                                                     \
    }                                                                                    \
    (void)vctx;                                                                          \
  }                                                                                      \
  static void tl_cmps_##name##_##N(char **p, const int64_t *st, int64_t n, void *vctx)   \
  {                                                                                      \
    const tl_cmp_ctx *ctx = vctx;                                                        \
    const T y = (T)0.5 != 0 ? (T)ctx->s : (T)tl_cmp_d2i(ctx->s);                         \
    uint8_t *r = (uint8_t *)p[0];                                                        \
    const T *px = (const T *)p[1];                                                       \
    for (int64_t i = 0; i < n; i++) {                                                    \
      T x = px[i * st[1]];                                                               \
      r[i * st[0]] = (expr) ? 1 : 0;                                                     \
    }                                                                                    \
  }

#define TL_CMP_EACH(name, expr)                      \
  TL_CMP_DEF(name, expr, TL_BYTE, uint8_t, byte)     \
  TL_CMP_DEF(name, expr, TL_CHAR, int8_t, char)      \
  TL_CMP_DEF(name, expr, TL_SHORT, int16_t, short)   \
  TL_CMP_DEF(name, expr, TL_INT, int32_t, int)       \
  TL_CMP_DEF(name, expr, TL_LONG, int64_t, long)     \
  TL_CMP_DEF(name, expr, TL_FLOAT, float, float)     \
  TL_CMP_DEF(name, expr, TL_DOUBLE, double, double)

#define TL_UNARY(name, fo, expr)
#define TL_SCALAR(name, fo, expr)
#define TL_BINARY(name, fo, expr)
#define TL_TERNARY(name, fo, expr)
#define TL_REDUCE(name, fo)
#define TL_COMPARE(name, expr) TL_CMP_EACH(name, expr)
#include "ops.def"
#undef TL_COMPARE

/* The loops of each comparison: [op][dtype][0 tensor, 1 scalar]. */
#define TL_CMP_ROW(name, expr)                                                         \
  [TL_OP_##name] = {                                                                   \
    [TL_BYTE] = {tl_cmp_##name##_byte, tl_cmps_##name##_byte},                         \
    [TL_CHAR] = {tl_cmp_##name##_char, tl_cmps_##name##_char},                         \
    [TL_SHORT] = {tl_cmp_##name##_short, tl_cmps_##name##_short},                      \
    [TL_INT] = {tl_cmp_##name##_int, tl_cmps_##name##_int},                            \
    [TL_LONG] = {tl_cmp_##name##_long, tl_cmps_##name##_long},                         \
    [TL_FLOAT] = {tl_cmp_##name##_float, tl_cmps_##name##_float},                      \
    [TL_DOUBLE] = {tl_cmp_##name##_double, tl_cmps_##name##_double}},
static const tl_loop_fn tl_cmp_loops[TL_OP_COUNT][TL_NDTYPE][2] = {
#define TL_COMPARE(name, expr) TL_CMP_ROW(name, expr)
#include "ops.def"
#undef TL_COMPARE
};
#undef TL_UNARY
#undef TL_SCALAR
#undef TL_BINARY
#undef TL_TERNARY
#undef TL_REDUCE

int tl_cpu_compare(int32_t op, tl_tensor *res, const tl_tensor *a, const tl_tensor *b, double s)
{
  const tl_op_info *info = tl_op_get(op);
  const char *fn = info->name;
  /* validate */
  if (info->kind != TL_OPK_COMPARE) return tl_error_set("%s: is not a comparison", fn);
  if (tl_check_has_math(fn, a)) return -1;
  if (b && (tl_check_same_dtype(fn, a, b) || tl_check_same_numel(fn, a, b))) return -1;
  if (res->dtype != TL_BYTE && res->dtype != a->dtype)
    return tl_error_set("%s: the result must be a torch.ByteTensor or a torch.%sTensor, got torch.%sTensor",
                        fn, tl_dtype_get(a->dtype)->name, tl_dtype_get(res->dtype)->name);
  tl_loop_fn loop = tl_cmp_loops[op][a->dtype][b ? 0 : 1];
  /* allocate: into res directly when it is a ByteTensor, else through a
   * Byte temporary converted on the way back */
  tl_tensor *out = res;
  if (res->dtype != TL_BYTE) {
    out = tl_tensor_new_sized(TL_BYTE, TL_CPU, a->ndim, a->size);
    if (!out) return -1;
  } else if (res != a && !tl_tensor_same_size(res, a) && tl_tensor_resize_as(res, a)) {
    return -1;
  }
  if (res->dtype != TL_BYTE && res != a && !tl_tensor_same_size(res, a) && tl_tensor_resize_as(res, a)) {
    tl_tensor_free(out);
    return -1;
  }
  /* compute */
  tl_cmp_ctx ctx = {s};
  tl_tensor *ops[3] = {out, (tl_tensor *)a, (tl_tensor *)(b ? b : a)};
  tl_iter it;
  int rc = tl_iter_init(&it, 3, ops);
  if (rc == 0) rc = tl_iter_finish(&it, tl_iter_run(&it, loop, &ctx, fn));
  if (out != res) {
    if (rc == 0) rc = tl_tensor_copy(res, out);
    tl_tensor_free(out);
  }
  return rc;
}

int tl_compare(int32_t op, tl_tensor *res, const tl_tensor *a, const tl_tensor *b, double s)
{
  const tl_op_info *info = tl_op_get(op);
  if (!info) return tl_error_set("compare: unknown op %d", op);
  if (tl_check_not_null(info->name, res, "result") || tl_check_not_null(info->name, a, "input"))
    return -1;
  if (tl_check_same_device(info->name, res, a) || (b && tl_check_same_device(info->name, a, b)))
    return -1;
  const tl_device_ops *d = tl_device_get(info->name, a->device);
  if (!d) return -1;
  if (!d->compare) return tl_error_set("%s: not available on device %s", info->name, d->name);
  return d->compare(op, res, a, b, s);
}
