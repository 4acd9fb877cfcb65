/*
 * index.c: indexing with LongTensors of positions: gather, scatter (from a
 * tensor or a value), index (select), indexCopy, indexAdd, indexFill, and
 * nonzero. Positions are 0-based here; the Lua layer converts Torch7's
 * 1-based indices.
 *
 * gather/scatter move single elements: an odometer walks the index tensor
 * and, for each position, the matching elements of the other operands
 * (elements are moved as raw bytes, so no dtype conversion happens). The
 * index family works on whole slices: one narrowed view per index entry,
 * handed to the ordinary copy, add and fill.
 */
#include "ops.h"
#include "../device.h"
#include <string.h>

/* An odometer over a shape, tracking element offsets in up to 3 tensors. */
typedef struct tl_odo {
  int32_t ndim, n;
  int64_t size[TL_MAXDIM], idx[TL_MAXDIM];
  int64_t stride[3][TL_MAXDIM], off[3];
} tl_odo;

static void tl_odo_init(tl_odo *o, const tl_tensor *shape, int32_t n, const tl_tensor *const *ts)
{
  memset(o, 0, sizeof *o);
  o->ndim = shape->ndim;
  o->n = n;
  memcpy(o->size, shape->size, sizeof o->size);
  for (int32_t i = 0; i < n; i++) {
    memcpy(o->stride[i], ts[i]->stride, sizeof o->stride[i]);
    o->off[i] = ts[i]->offset;
  }
}

static void tl_odo_next(tl_odo *o)
{
  for (int32_t d = o->ndim - 1; d >= 0; d--) {
    o->idx[d]++;
    for (int32_t i = 0; i < o->n; i++) o->off[i] += o->stride[i][d];
    if (o->idx[d] < o->size[d]) return;
    for (int32_t i = 0; i < o->n; i++) o->off[i] -= o->stride[i][d] * o->size[d];
    o->idx[d] = 0;
  }
}

static int tl_index_check_long(const char *fn, const tl_tensor *index)
{
  if (tl_check_not_null(fn, index, "index")) return -1;
  if (index->dtype != TL_LONG)
    return tl_error_set("%s: the index must be a torch.LongTensor, got torch.%sTensor", fn,
                        tl_dtype_get(index->dtype)->name);
  return 0;
}

/* gather/scatter: index has t's number of dims and, except along dim,
 * sizes no larger than t's (and than other's, when given). */
static int tl_index_check_shape(const char *fn, const tl_tensor *t, int32_t dim, const tl_tensor *index,
                                const tl_tensor *other)
{
  char b1[TL_SHAPE_STRLEN], b2[TL_SHAPE_STRLEN];
  if (tl_index_check_long(fn, index) || tl_check_dim(fn, t, dim)) return -1;
  if (index->ndim != t->ndim)
    return tl_error_set("%s: the index %s must have as many dimensions as the tensor %s", fn,
                        tl_shape_str(index, b1, sizeof b1), tl_shape_str(t, b2, sizeof b2));
  for (int32_t d = 0; d < t->ndim; d++) {
    if ((d != dim && index->size[d] > t->size[d]) ||
        (other && (other->ndim != t->ndim || index->size[d] > other->size[d])))
      return tl_error_set("%s: index size %s does not fit tensor size %s", fn,
                          tl_shape_str(index, b1, sizeof b1), tl_shape_str(other && d == dim ? other : t, b2, sizeof b2));
  }
  return 0;
}

/* Checks every position of index lies in [0, limit). */
static int tl_index_check_range(const char *fn, const tl_tensor *index, int64_t limit)
{
  int64_t n = tl_tensor_numel(index);
  if (n == 0) return 0;
  tl_odo o;
  const tl_tensor *ts[1] = {index};
  tl_odo_init(&o, index, 1, ts);
  const int64_t *p = (const int64_t *)index->storage->data;
  for (int64_t i = 0; i < n; i++, tl_odo_next(&o)) {
    int64_t q = p[o.off[0]];
    if (q < 0 || q >= limit)
      return tl_error_set("%s: index %lld out of range (dimension size %lld)", fn, (long long)q + 1,
                          (long long)limit);
  }
  return 0;
}

int tl_cpu_gather(tl_tensor *res, const tl_tensor *src, int32_t dim, const tl_tensor *index)
{
  const char *fn = "gather";
  /* validate */
  if (tl_check_has_math(fn, src) || tl_check_same_dtype(fn, src, res) ||
      tl_index_check_shape(fn, src, dim, index, NULL) || tl_index_check_range(fn, index, src->size[dim]))
    return -1;
  if (res->storage && res->storage == src->storage)
    return tl_error_set("%s: the result must not share memory with the source", fn);
  /* allocate */
  if (!tl_tensor_same_size(res, index) && tl_tensor_resize_as(res, index)) return -1;
  /* compute */
  int64_t n = tl_tensor_numel(index), es = tl_elsize(src->dtype);
  if (n == 0) return 0;
  tl_odo o;
  const tl_tensor *ts[3] = {res, src, index};
  tl_odo_init(&o, index, 3, ts);
  const int64_t *ip = (const int64_t *)index->storage->data;
  for (int64_t i = 0; i < n; i++, tl_odo_next(&o)) {
    int64_t q = ip[o.off[2]];
    memcpy(res->storage->data + o.off[0] * es,
           src->storage->data + (o.off[1] + (q - o.idx[dim]) * src->stride[dim]) * es, (size_t)es);
  }
  return 0;
}

int tl_cpu_scatter(tl_tensor *res, int32_t dim, const tl_tensor *index, const tl_tensor *src, double value)
{
  const char *fn = "scatter";
  /* validate */
  if (tl_check_has_math(fn, res) || (src && tl_check_same_dtype(fn, res, src)) ||
      tl_index_check_shape(fn, res, dim, index, src) || tl_index_check_range(fn, index, res->size[dim]))
    return -1;
  /* compute */
  int64_t n = tl_tensor_numel(index), es = tl_elsize(res->dtype);
  if (n == 0) return 0;
  tl_odo o;
  const tl_tensor *ts[3] = {res, index, src ? src : index};
  tl_odo_init(&o, index, 3, ts);
  const int64_t *ip = (const int64_t *)index->storage->data;
  char vbuf[8];
  tl_store_double(res->dtype, vbuf, value);
  for (int64_t i = 0; i < n; i++, tl_odo_next(&o)) {
    int64_t q = ip[o.off[1]];
    char *dst = res->storage->data + (o.off[0] + (q - o.idx[dim]) * res->stride[dim]) * es;
    memcpy(dst, src ? src->storage->data + o.off[2] * es : vbuf, (size_t)es);
  }
  return 0;
}

/* ---- the index family: whole slices ------------------------------------- */

static const char *const tl_index_names[] = {"index", "indexCopy", "indexAdd", "indexFill"};

int tl_cpu_index_op(int32_t kind, tl_tensor *res, const tl_tensor *src, int32_t dim,
                    const tl_tensor *index, double value)
{
  const char *fn = tl_index_names[kind];
  char b1[TL_SHAPE_STRLEN], b2[TL_SHAPE_STRLEN];
  /* validate: index 1-D (or empty); the positions fit the indexed tensor */
  const tl_tensor *target = kind == TL_INDEX_SELECT ? src : res;
  if (tl_check_has_math(fn, target) || tl_index_check_long(fn, index) || tl_check_dim(fn, target, dim))
    return -1;
  if (kind != TL_INDEX_FILL && tl_check_same_dtype(fn, res, src)) return -1;
  if (index->ndim > 1)
    return tl_error_set("%s: the index must be 1-D, got %s", fn, tl_shape_str(index, b1, sizeof b1));
  int64_t n = tl_tensor_numel(index);
  if (tl_index_check_range(fn, index, target->size[dim])) return -1;
  if (kind == TL_INDEX_COPY || kind == TL_INDEX_ADD) {
    int ok = src->ndim == res->ndim;
    for (int32_t d = 0; ok && d < res->ndim; d++) ok = src->size[d] == (d == dim ? n : res->size[d]);
    if (!ok)
      return tl_error_set("%s: source %s does not match tensor %s with %lld indices along dimension %d",
                          fn, tl_shape_str(src, b1, sizeof b1), tl_shape_str(res, b2, sizeof b2),
                          (long long)n, dim + 1);
  }
  /* allocate */
  if (kind == TL_INDEX_SELECT) {
    if (res->storage && res->storage == src->storage)
      return tl_error_set("%s: the result must not share memory with the source", fn);
    int64_t size[TL_MAXDIM];
    memcpy(size, src->size, sizeof size);
    size[dim] = n;
    if (tl_tensor_resize(res, src->ndim, size)) return -1;
  }
  /* compute: slice by slice (narrow keeps 1-D tensors 1-D) */
  const int64_t *ip = n ? (const int64_t *)index->storage->data + index->offset : NULL;
  int64_t is = index->ndim ? index->stride[0] : 1;
  for (int64_t i = 0; i < n; i++) {
    int64_t q = ip[i * is];
    tl_tensor r = *res, s;
    int rc;
    switch (kind) {
    case TL_INDEX_SELECT:
      s = *src;
      rc = tl_tensor_narrow(&r, dim, i, 1) || tl_tensor_narrow(&s, dim, q, 1) || tl_tensor_copy(&r, &s);
      break;
    case TL_INDEX_COPY:
      s = *src;
      rc = tl_tensor_narrow(&r, dim, q, 1) || tl_tensor_narrow(&s, dim, i, 1) || tl_tensor_copy(&r, &s);
      break;
    case TL_INDEX_ADD:
      s = *src;
      rc = tl_tensor_narrow(&r, dim, q, 1) || tl_tensor_narrow(&s, dim, i, 1) ||
           tl_pointwise(TL_OP_add, &r, &r, &s, NULL, 1, 0);
      break;
    default:
      rc = tl_tensor_narrow(&r, dim, q, 1) || tl_tensor_fill(&r, value);
      break;
    }
    if (rc) return -1;
  }
  return 0;
}

int tl_cpu_nonzero(tl_tensor *res, const tl_tensor *a)
{
  const char *fn = "nonzero";
  /* validate */
  if (tl_check_has_math(fn, a)) return -1;
  if (res->dtype != TL_LONG)
    return tl_error_set("%s: the result must be a torch.LongTensor, got torch.%sTensor", fn,
                        tl_dtype_get(res->dtype)->name);
  int64_t n = tl_tensor_numel(a), count = 0, es = tl_elsize(a->dtype);
  tl_odo o;
  const tl_tensor *ts[1] = {a};
  if (n > 0) {
    tl_odo_init(&o, a, 1, ts);
    for (int64_t i = 0; i < n; i++, tl_odo_next(&o))
      count += tl_load_double(a->dtype, a->storage->data + o.off[0] * es) != 0;
  }
  /* allocate: Torch7 gives an empty tensor when nothing is found */
  int64_t size[2] = {count, a->ndim};
  if (count == 0) return tl_tensor_resize(res, 0, NULL);
  if (tl_tensor_resize(res, 2, size)) return -1;
  /* compute */
  int64_t *r = (int64_t *)res->storage->data + res->offset, k = 0;
  tl_odo_init(&o, a, 1, ts);
  for (int64_t i = 0; i < n; i++, tl_odo_next(&o)) {
    if (tl_load_double(a->dtype, a->storage->data + o.off[0] * es) != 0) {
      for (int32_t d = 0; d < a->ndim; d++) r[k * res->stride[0] + d * res->stride[1]] = o.idx[d];
      k++;
    }
  }
  return 0;
}

/* ---- dispatching entry points ------------------------------------------- */

static const tl_device_ops *tl_index_device(const char *fn, const tl_tensor *t, const tl_tensor *u)
{
  if (tl_check_not_null(fn, t, "tensor") || tl_check_not_null(fn, u, "tensor") ||
      tl_check_same_device(fn, t, u))
    return NULL;
  return tl_device_get(fn, t->device);
}

int tl_gather(tl_tensor *res, const tl_tensor *src, int32_t dim, const tl_tensor *index)
{
  const tl_device_ops *d = tl_index_device("gather", res, src);
  if (!d || tl_check_not_null("gather", index, "index")) return -1;
  return d->gather ? d->gather(res, src, dim, index) : tl_error_set("gather: not available on this device");
}

int tl_scatter(tl_tensor *res, int32_t dim, const tl_tensor *index, const tl_tensor *src)
{
  const tl_device_ops *d = tl_index_device("scatter", res, src);
  if (!d || tl_check_not_null("scatter", index, "index")) return -1;
  return d->scatter ? d->scatter(res, dim, index, src, 0) : tl_error_set("scatter: not available on this device");
}

int tl_scatter_fill(tl_tensor *res, int32_t dim, const tl_tensor *index, double value)
{
  const tl_device_ops *d = tl_index_device("scatter", res, res);
  if (!d || tl_check_not_null("scatter", index, "index")) return -1;
  return d->scatter ? d->scatter(res, dim, index, NULL, value) : tl_error_set("scatter: not available on this device");
}

static int tl_index_dispatch(int32_t kind, tl_tensor *res, const tl_tensor *src, int32_t dim,
                             const tl_tensor *index, double value)
{
  const char *fn = tl_index_names[kind];
  const tl_device_ops *d = tl_index_device(fn, res, src);
  if (!d || tl_check_not_null(fn, index, "index")) return -1;
  if (!d->index_op) return tl_error_set("%s: not available on device %s", fn, d->name);
  return d->index_op(kind, res, src, dim, index, value);
}

int tl_index_select(tl_tensor *res, const tl_tensor *src, int32_t dim, const tl_tensor *index)
{
  return tl_index_dispatch(TL_INDEX_SELECT, res, src, dim, index, 0);
}

int tl_index_copy(tl_tensor *res, int32_t dim, const tl_tensor *index, const tl_tensor *src)
{
  return tl_index_dispatch(TL_INDEX_COPY, res, src, dim, index, 0);
}

int tl_index_add(tl_tensor *res, int32_t dim, const tl_tensor *index, const tl_tensor *src)
{
  return tl_index_dispatch(TL_INDEX_ADD, res, src, dim, index, 0);
}

int tl_index_fill(tl_tensor *res, int32_t dim, const tl_tensor *index, double value)
{
  return tl_index_dispatch(TL_INDEX_FILL, res, res, dim, index, value);
}

int tl_nonzero(tl_tensor *res, const tl_tensor *a)
{
  const tl_device_ops *d = tl_index_device("nonzero", res, a);
  if (!d) return -1;
  return d->nonzero ? d->nonzero(res, a) : tl_error_set("nonzero: not available on this device");
}
