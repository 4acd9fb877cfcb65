/*
 * tensor.c: tensor headers: construction, refcounting, resizing and the
 * view operations (narrow, select, transpose, permute, unfold, view,
 * expand, squeeze). Views only rewrite size/stride/offset; they never
 * touch data.
 */
#include "device.h"
#include <string.h>

static int tl_check_shape(const char *fn, int32_t ndim, const int64_t *size)
{
  if (ndim < 0 || ndim > TL_MAXDIM)
    return tl_error_set("%s: %d dimensions (at most %d supported)", fn, ndim, TL_MAXDIM);
  for (int32_t d = 0; d < ndim; d++)
    if (size[d] < 0) return tl_error_set("%s: size %lld in dimension %d is negative", fn, (long long)size[d], d + 1);
  return 0;
}

/* Number of elements of a shape, or -1 when it overflows. */
static int64_t tl_shape_numel(int32_t ndim, const int64_t *size)
{
  int64_t n = 1;
  for (int32_t d = 0; d < ndim; d++) {
    if (size[d] != 0 && n > INT64_MAX / size[d]) return -1;
    n *= size[d];
  }
  return ndim == 0 ? 0 : n;
}

static void tl_contiguous_strides(tl_tensor *t)
{
  int64_t st = 1;
  for (int32_t d = t->ndim - 1; d >= 0; d--) {
    t->stride[d] = st;
    st *= t->size[d] > 0 ? t->size[d] : 1;
  }
}

tl_tensor *tl_tensor_new(int32_t dtype, int32_t device)
{
  if (!tl_dtype_get(dtype)) {
    tl_error_set("Tensor: unknown dtype %d", dtype);
    return NULL;
  }
  if (!tl_device_get("Tensor", device)) return NULL;
  tl_tensor *t = tl_calloc(1, sizeof *t);
  if (!t) return NULL;
  t->dtype = dtype;
  t->device = device;
  t->refcount = 1;
  return t;
}

tl_tensor *tl_tensor_new_sized(int32_t dtype, int32_t device, int32_t ndim, const int64_t *size)
{
  if (tl_check_shape("Tensor", ndim, size)) return NULL;
  tl_tensor *t = tl_tensor_new(dtype, device);
  if (t && tl_tensor_resize(t, ndim, size)) {
    tl_tensor_free(t);
    return NULL;
  }
  return t;
}

/* Largest element offset a view reaches, or -1 for an empty view. */
static int64_t tl_view_extent(int32_t ndim, const int64_t *size, const int64_t *stride)
{
  int64_t hi = 0;
  for (int32_t d = 0; d < ndim; d++) {
    if (size[d] == 0) return -1;
    hi += (size[d] - 1) * stride[d];
  }
  return hi;
}

int tl_tensor_set_storage(tl_tensor *t, tl_storage *s, int64_t offset, int32_t ndim,
                          const int64_t *size, const int64_t *stride)
{
  if (tl_check_shape("set", ndim, size)) return -1;
  if (offset < 0) return tl_error_set("set: negative storage offset %lld", (long long)offset);
  tl_tensor tmp = {.ndim = ndim};
  if (ndim > 0) memcpy(tmp.size, size, sizeof(int64_t) * (size_t)ndim);
  if (stride && ndim > 0) {
    for (int32_t d = 0; d < ndim; d++)
      if (stride[d] < 0) return tl_error_set("set: negative stride %lld", (long long)stride[d]);
    memcpy(tmp.stride, stride, sizeof(int64_t) * (size_t)ndim);
  } else {
    tl_contiguous_strides(&tmp);
  }
  if (s) {
    if (s->dtype != t->dtype)
      return tl_error_set("set: storage type torch.%sStorage does not match torch.%sTensor",
                          tl_dtype_get(s->dtype)->name, tl_dtype_get(t->dtype)->name);
    int64_t hi = tl_view_extent(ndim, tmp.size, tmp.stride);
    if (ndim > 0 && hi >= 0 && offset + hi >= s->size)
      return tl_error_set("set: view of %lld elements past offset %lld does not fit a storage of size %lld",
                          (long long)(hi + 1), (long long)offset, (long long)s->size);
  } else if (ndim > 0 && tl_shape_numel(ndim, tmp.size) > 0) {
    return tl_error_set("set: a non-empty view needs a storage");
  }
  tl_storage_retain(s);
  tl_storage_free(t->storage);
  t->storage = s;
  t->offset = offset;
  t->ndim = ndim;
  memcpy(t->size, tmp.size, sizeof t->size);
  memcpy(t->stride, tmp.stride, sizeof t->stride);
  return 0;
}

tl_tensor *tl_tensor_new_view(tl_storage *s, int64_t offset, int32_t ndim,
                              const int64_t *size, const int64_t *stride)
{
  if (tl_check_not_null("Tensor", s, "storage")) return NULL;
  tl_tensor *t = tl_tensor_new(s->dtype, s->device);
  if (t && tl_tensor_set_storage(t, s, offset, ndim, size, stride)) {
    tl_tensor_free(t);
    return NULL;
  }
  return t;
}

int tl_tensor_set(tl_tensor *t, const tl_tensor *src)
{
  if (t == src) return 0;
  if (tl_check_same_dtype("set", t, src)) return -1;
  tl_storage_retain(src->storage);
  tl_storage_free(t->storage);
  t->storage = src->storage;
  t->offset = src->offset;
  t->ndim = src->ndim;
  t->device = src->device;
  memcpy(t->size, src->size, sizeof t->size);
  memcpy(t->stride, src->stride, sizeof t->stride);
  return 0;
}

tl_tensor *tl_tensor_new_alias(const tl_tensor *src)
{
  tl_tensor *t = tl_tensor_new(src->dtype, src->device);
  if (t) tl_tensor_set(t, src);
  return t;
}

tl_tensor *tl_tensor_clone(const tl_tensor *src)
{
  tl_tensor *t = tl_tensor_new_sized(src->dtype, src->device, src->ndim, src->size);
  if (t && tl_tensor_numel(src) > 0 && tl_tensor_copy(t, src)) {
    tl_tensor_free(t);
    return NULL;
  }
  return t;
}

tl_tensor *tl_tensor_contiguous(tl_tensor *t)
{
  if (tl_tensor_is_contiguous(t)) {
    tl_tensor_retain(t);
    return t;
  }
  return tl_tensor_clone(t);
}

void tl_tensor_retain(tl_tensor *t)
{
  if (t) __atomic_add_fetch(&t->refcount, 1, __ATOMIC_RELAXED);
}

void tl_tensor_free(tl_tensor *t)
{
  if (!t || __atomic_sub_fetch(&t->refcount, 1, __ATOMIC_ACQ_REL) > 0) return;
  tl_storage_free(t->storage);
  tl_release(t);
}

int64_t tl_tensor_numel(const tl_tensor *t)
{
  if (t->ndim == 0) return 0;
  int64_t n = 1;
  for (int32_t d = 0; d < t->ndim; d++) n *= t->size[d];
  return n;
}

int32_t tl_tensor_is_contiguous(const tl_tensor *t)
{
  int64_t st = 1;
  for (int32_t d = t->ndim - 1; d >= 0; d--) {
    if (t->size[d] != 1) {
      if (t->stride[d] != st) return 0;
      st *= t->size[d];
    }
  }
  return 1;
}

int32_t tl_tensor_same_size(const tl_tensor *a, const tl_tensor *b)
{
  if (a->ndim != b->ndim) return 0;
  for (int32_t d = 0; d < a->ndim; d++)
    if (a->size[d] != b->size[d]) return 0;
  return 1;
}

void *tl_tensor_ptr(const tl_tensor *t, int64_t linear)
{
  int64_t off = t->offset;
  for (int32_t d = t->ndim - 1; d >= 0; d--) {
    off += (linear % t->size[d]) * t->stride[d];
    linear /= t->size[d];
  }
  return t->storage->data + off * tl_elsize(t->dtype);
}

void *tl_tensor_data(const tl_tensor *t)
{
  if (!t->storage || !t->storage->data) return NULL;
  return t->storage->data + t->offset * tl_elsize(t->dtype);
}

static int64_t tl_index_offset(const tl_tensor *t, const int64_t *index)
{
  int64_t off = t->offset;
  for (int32_t d = 0; d < t->ndim; d++) off += index[d] * t->stride[d];
  return off;
}

double tl_tensor_get(const tl_tensor *t, const int64_t *index)
{
  return tl_load_double(t->dtype, t->storage->data + tl_index_offset(t, index) * tl_elsize(t->dtype));
}

void tl_tensor_put(tl_tensor *t, const int64_t *index, double value)
{
  tl_store_double(t->dtype, t->storage->data + tl_index_offset(t, index) * tl_elsize(t->dtype), value);
}

int tl_tensor_resize(tl_tensor *t, int32_t ndim, const int64_t *size)
{
  if (tl_check_shape("resize", ndim, size)) return -1;
  int64_t n = tl_shape_numel(ndim, size);
  if (n < 0) return tl_error_set("resize: the number of elements overflows");
  /* Already that shape: nothing to do, strides kept (as TH), so a result
   * that is a view is written through. The common case for result
   * tensors reused across calls. */
  if (t->ndim == ndim && (t->storage || n == 0)) {
    int same = 1;
    for (int32_t d = 0; d < ndim && same; d++) same = t->size[d] == size[d];
    if (same) return 0;
  }
  if (n > 0) {
    if (!t->storage) {
      tl_storage *s = tl_storage_new(t->dtype, t->device, n);
      if (!s) return -1;
      t->storage = s;
      t->offset = 0;
    } else if (t->offset + n > t->storage->size) {
      if (tl_storage_resize(t->storage, t->offset + n)) return -1;
    }
  }
  t->ndim = ndim;
  if (ndim > 0) memcpy(t->size, size, sizeof(int64_t) * (size_t)ndim);
  tl_contiguous_strides(t);
  return 0;
}

int tl_tensor_resize_as(tl_tensor *t, const tl_tensor *src)
{
  return tl_tensor_resize(t, src->ndim, src->size);
}

int tl_tensor_narrow(tl_tensor *t, int32_t dim, int64_t start, int64_t length)
{
  if (tl_check_dim("narrow", t, dim)) return -1;
  if (start < 0 || length < 0 || start + length > t->size[dim])
    return tl_error_set("narrow: range [%lld, %lld] out of bounds for dimension %d of size %lld",
                        (long long)start + 1, (long long)(start + length), dim + 1, (long long)t->size[dim]);
  t->offset += start * t->stride[dim];
  t->size[dim] = length;
  return 0;
}

int tl_tensor_select(tl_tensor *t, int32_t dim, int64_t index)
{
  if (tl_check_dim("select", t, dim)) return -1;
  if (t->ndim == 1) return tl_error_set("select: cannot select on a 1D tensor (use indexing to get a number)");
  if (index < 0 || index >= t->size[dim])
    return tl_error_set("select: index %lld out of range for dimension %d of size %lld",
                        (long long)index + 1, dim + 1, (long long)t->size[dim]);
  t->offset += index * t->stride[dim];
  for (int32_t d = dim; d < t->ndim - 1; d++) {
    t->size[d] = t->size[d + 1];
    t->stride[d] = t->stride[d + 1];
  }
  t->ndim--;
  return 0;
}

int tl_tensor_transpose(tl_tensor *t, int32_t d1, int32_t d2)
{
  if (tl_check_dim("transpose", t, d1) || tl_check_dim("transpose", t, d2)) return -1;
  int64_t s = t->size[d1], st = t->stride[d1];
  t->size[d1] = t->size[d2];
  t->stride[d1] = t->stride[d2];
  t->size[d2] = s;
  t->stride[d2] = st;
  return 0;
}

int tl_tensor_permute(tl_tensor *t, const int32_t *perm)
{
  int32_t seen[TL_MAXDIM] = {0};
  for (int32_t d = 0; d < t->ndim; d++) {
    if (perm[d] < 0 || perm[d] >= t->ndim || seen[perm[d]]++)
      return tl_error_set("permute: not a permutation of %d dimensions", t->ndim);
  }
  tl_tensor old = *t;
  for (int32_t d = 0; d < t->ndim; d++) {
    t->size[d] = old.size[perm[d]];
    t->stride[d] = old.stride[perm[d]];
  }
  return 0;
}

int tl_tensor_unfold(tl_tensor *t, int32_t dim, int64_t size, int64_t step)
{
  if (t->ndim == 0) return tl_error_set("unfold: cannot unfold an empty tensor");
  if (tl_check_dim("unfold", t, dim)) return -1;
  if (t->ndim >= TL_MAXDIM) return tl_error_set("unfold: too many dimensions");
  if (size < 0 || size > t->size[dim])
    return tl_error_set("unfold: size %lld larger than dimension %d (%lld)", (long long)size, dim + 1,
                        (long long)t->size[dim]);
  if (step <= 0) return tl_error_set("unfold: step must be positive, got %lld", (long long)step);
  t->size[t->ndim] = size;
  t->stride[t->ndim] = t->stride[dim];
  t->size[dim] = (t->size[dim] - size) / step + 1;
  t->stride[dim] *= step;
  t->ndim++;
  return 0;
}

/* Infer a -1 entry and check the element count. Writes into out. */
static int tl_view_shape(const char *fn, const tl_tensor *t, int32_t ndim, const int64_t *size, int64_t *out)
{
  if (ndim < 0 || ndim > TL_MAXDIM) return tl_error_set("%s: %d dimensions", fn, ndim);
  int64_t n = tl_tensor_numel(t), known = 1;
  int32_t infer = -1;
  for (int32_t d = 0; d < ndim; d++) {
    out[d] = size[d];
    if (size[d] == -1) {
      if (infer >= 0) return tl_error_set("%s: only one dimension can be inferred", fn);
      infer = d;
    } else if (size[d] < 0) {
      return tl_error_set("%s: invalid size %lld", fn, (long long)size[d]);
    } else {
      known *= size[d];
    }
  }
  if (infer >= 0) {
    if (known == 0 || n % known != 0)
      return tl_error_set("%s: cannot infer a dimension: %lld elements into blocks of %lld", fn,
                          (long long)n, (long long)known);
    out[infer] = n / known;
    known *= out[infer];
  }
  if ((ndim == 0 ? 0 : known) != n) {
    char s[TL_SHAPE_STRLEN];
    return tl_error_set("%s: %s has %lld elements, the new shape %lld", fn,
                        tl_shape_str(t, s, sizeof s), (long long)n, (long long)known);
  }
  return 0;
}

int tl_tensor_view(tl_tensor *t, int32_t ndim, const int64_t *size)
{
  int64_t shape[TL_MAXDIM];
  if (tl_view_shape("view", t, ndim, size, shape)) return -1;
  /* Walk the old dimensions from the last, grouping runs that are
   * contiguous among themselves (size-1 dims join any run); each run must
   * be covered exactly by a run of new dimensions, which then get strides
   * within the run. Otherwise a copy would be needed. */
  int64_t stride[TL_MAXDIM];
  if (tl_tensor_numel(t) == 0) {
    int64_t st = 1;
    for (int32_t d = ndim - 1; d >= 0; d--) {
      stride[d] = st;
      st *= shape[d] > 0 ? shape[d] : 1;
    }
  } else {
    int32_t vd = ndim - 1;
    int64_t base = t->stride[t->ndim - 1], run = 1, vrun = 1;
    for (int32_t od = t->ndim - 1; od >= 0; od--) {
      run *= t->size[od];
      if (od == 0 || (t->size[od - 1] != 1 && t->stride[od - 1] != run * base)) {
        while (vd >= 0 && (vrun < run || shape[vd] == 1)) {
          stride[vd] = vrun * base;
          vrun *= shape[vd];
          vd--;
        }
        if (vrun != run)
          return tl_error_set("view: the tensor is not contiguous enough for this shape; "
                              "use reshape, or contiguous() first");
        if (od > 0) {
          base = t->stride[od - 1];
          run = vrun = 1;
        }
      }
    }
    if (vd != -1)
      return tl_error_set("view: the tensor is not contiguous enough for this shape");
  }
  t->ndim = ndim;
  memcpy(t->size, shape, sizeof(int64_t) * (size_t)ndim);
  memcpy(t->stride, stride, sizeof(int64_t) * (size_t)ndim);
  return 0;
}

int tl_tensor_expand(tl_tensor *t, int32_t ndim, const int64_t *size)
{
  if (ndim < t->ndim || ndim > TL_MAXDIM)
    return tl_error_set("expand: cannot expand a %dD tensor to %d dimensions", t->ndim, ndim);
  int64_t nsize[TL_MAXDIM], nstride[TL_MAXDIM];
  int32_t lead = ndim - t->ndim;
  for (int32_t d = ndim - 1; d >= 0; d--) {
    int32_t od = d - lead;
    int64_t os = od >= 0 ? t->size[od] : 1, ost = od >= 0 ? t->stride[od] : 0;
    if (size[d] < 0) return tl_error_set("expand: invalid size %lld", (long long)size[d]);
    if (os == size[d]) {
      nsize[d] = os;
      nstride[d] = ost;
    } else if (os == 1) {
      nsize[d] = size[d];
      nstride[d] = 0;
    } else {
      char s[TL_SHAPE_STRLEN];
      return tl_error_set("expand: cannot expand %s: dimension %d has size %lld, not 1 or %lld",
                          tl_shape_str(t, s, sizeof s), od + 1, (long long)os, (long long)size[d]);
    }
  }
  t->ndim = ndim;
  memcpy(t->size, nsize, sizeof(int64_t) * (size_t)ndim);
  memcpy(t->stride, nstride, sizeof(int64_t) * (size_t)ndim);
  return 0;
}

int tl_tensor_squeeze(tl_tensor *t, int32_t dim)
{
  if (dim >= 0) {
    if (tl_check_dim("squeeze", t, dim)) return -1;
    if (t->size[dim] != 1 || t->ndim == 1) return 0;
    for (int32_t d = dim; d < t->ndim - 1; d++) {
      t->size[d] = t->size[d + 1];
      t->stride[d] = t->stride[d + 1];
    }
    t->ndim--;
    return 0;
  }
  int32_t nd = 0;
  for (int32_t d = 0; d < t->ndim; d++) {
    if (t->size[d] != 1) {
      t->size[nd] = t->size[d];
      t->stride[nd] = t->stride[d];
      nd++;
    }
  }
  /* Torch7 keeps one dimension when everything was size 1. */
  if (nd == 0 && t->ndim > 0) {
    t->size[0] = 1;
    t->stride[0] = 1;
    nd = 1;
  }
  t->ndim = nd;
  return 0;
}

int tl_tensor_unsqueeze(tl_tensor *t, int32_t dim)
{
  if (dim < 0 || dim > t->ndim) return tl_error_set("unsqueeze: dimension %d out of range", dim + 1);
  if (t->ndim >= TL_MAXDIM) return tl_error_set("unsqueeze: too many dimensions");
  for (int32_t d = t->ndim; d > dim; d--) {
    t->size[d] = t->size[d - 1];
    t->stride[d] = t->stride[d - 1];
  }
  t->size[dim] = 1;
  t->stride[dim] = dim < t->ndim ? t->size[dim + 1] * t->stride[dim + 1] : 1;
  t->ndim++;
  return 0;
}

int tl_tensor_copy(tl_tensor *dst, const tl_tensor *src)
{
  if (tl_check_same_numel("copy", dst, src)) return -1;
  if (tl_tensor_numel(dst) == 0) return 0;
  const tl_device_ops *d = tl_device_get("copy", dst->device != TL_CPU ? dst->device : src->device);
  return d ? d->copy(dst, src) : -1;
}

int tl_tensor_fill(tl_tensor *t, double value)
{
  if (tl_tensor_numel(t) == 0) return 0;
  const tl_device_ops *d = tl_device_get("fill", t->device);
  return d ? d->fill(t, value) : -1;
}
