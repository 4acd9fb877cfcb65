/*
 * masked.c: maskedFill, maskedCopy and maskedSelect on the CPU.
 *
 * Selection order is row-major over the mask, so these loops run
 * serially (the count of selected elements so far decides where the
 * next one goes).
 */
#include "../iter.h"

static int tl_mask_check(const char *fn, const tl_tensor *t, const tl_tensor *mask)
{
  if (mask->dtype != TL_BYTE) return tl_error_set("%s: mask must be a torch.ByteTensor", fn);
  if (t->device != TL_CPU || mask->device != TL_CPU) return tl_error_set("%s: CPU tensors only", fn);
  return tl_check_same_numel(fn, t, mask);
}

typedef struct {
  int32_t dtype;
  double value;
  const tl_tensor *src;
  int64_t k, nsrc;
} tl_mask_ctx;

static void tl_mask_fill_loop(char **p, const int64_t *st, int64_t n, void *vctx)
{
  tl_mask_ctx *c = vctx;
  int64_t es = tl_elsize(c->dtype);
  for (int64_t i = 0; i < n; i++)
    if (((uint8_t *)p[1])[i * st[1]]) tl_store_double(c->dtype, p[0] + i * st[0] * es, c->value);
}

int tl_masked_fill(tl_tensor *t, const tl_tensor *mask, double value)
{
  if (tl_mask_check("maskedFill", t, mask)) return -1;
  tl_iter it;
  tl_tensor *ops[2] = {t, (tl_tensor *)mask};
  if (tl_iter_init(&it, 2, ops)) return -1;
  tl_mask_ctx c = {.dtype = t->dtype, .value = value};
  return tl_iter_finish(&it, tl_iter_run(&it, tl_mask_fill_loop, &c, "maskedFill"));
}

static int64_t tl_mask_count(const tl_tensor *mask)
{
  int64_t n = tl_tensor_numel(mask), k = 0;
  for (int64_t i = 0; i < n; i++) k += *(uint8_t *)tl_tensor_ptr(mask, i) != 0;
  return k;
}

static void tl_mask_copy_loop(char **p, const int64_t *st, int64_t n, void *vctx)
{
  tl_mask_ctx *c = vctx;
  int64_t es = tl_elsize(c->dtype);
  for (int64_t i = 0; i < n; i++) {
    if (!((uint8_t *)p[1])[i * st[1]]) continue;
    tl_store_double(c->dtype, p[0] + i * st[0] * es,
                    tl_load_double(c->src->dtype, tl_tensor_ptr(c->src, c->k)));
    c->k++;
  }
}

int tl_masked_copy(tl_tensor *t, const tl_tensor *mask, const tl_tensor *src)
{
  if (tl_mask_check("maskedCopy", t, mask)) return -1;
  int64_t k = tl_mask_count(mask), ns = tl_tensor_numel(src);
  if (ns < k)
    return tl_error_set("maskedCopy: the mask selects %lld elements but the source has only %lld",
                        (long long)k, (long long)ns);
  tl_iter it;
  tl_tensor *ops[2] = {t, (tl_tensor *)mask};
  if (tl_iter_init(&it, 2, ops)) return -1;
  it.serial = 1;
  tl_mask_ctx c = {.dtype = t->dtype, .src = src};
  return tl_iter_finish(&it, tl_iter_run(&it, tl_mask_copy_loop, &c, "maskedCopy"));
}

static void tl_mask_select_loop(char **p, const int64_t *st, int64_t n, void *vctx)
{
  tl_mask_ctx *c = vctx;
  tl_tensor *res = (tl_tensor *)c->src;
  int64_t es = tl_elsize(c->dtype);
  char *out = (char *)tl_tensor_data(res);
  for (int64_t i = 0; i < n; i++) {
    if (!((uint8_t *)p[1])[i * st[1]]) continue;
    tl_store_double(c->dtype, out + c->k * es, tl_load_double(c->dtype, p[0] + i * st[0] * es));
    c->k++;
  }
}

int tl_masked_select(tl_tensor *res, const tl_tensor *t, const tl_tensor *mask)
{
  if (tl_mask_check("maskedSelect", t, mask) || tl_check_same_dtype("maskedSelect", res, t)) return -1;
  int64_t k = tl_mask_count(mask);
  tl_tensor *tmp = tl_tensor_new_sized(t->dtype, TL_CPU, 1, &k);
  if (!tmp) return -1;
  tl_iter it;
  tl_tensor *ops[2] = {(tl_tensor *)t, (tl_tensor *)mask};
  int rc = tl_iter_init_inputs(&it, 2, ops);
  if (rc == 0) {
    it.serial = 1;
    tl_mask_ctx c = {.dtype = t->dtype, .src = tmp};
    rc = tl_iter_finish(&it, tl_iter_run(&it, tl_mask_select_loop, &c, "maskedSelect"));
  }
  if (rc == 0) rc = tl_tensor_set(res, tmp);
  tl_tensor_free(tmp);
  return rc;
}
