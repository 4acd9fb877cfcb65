/*
 * file_t7.c: the storage and tensor payloads of .t7 files (API.md 3.2),
 * read with every count checked before anything is allocated.
 *
 * A storage payload is a long N and N elements; N must fit in the bytes
 * left in the file (for a pipe, whose length is unknown, the storage grows
 * as data arrives instead). A tensor header is an int ndim, ndim sizes,
 * ndim strides and a 1-based offset, all checked for sign and overflow;
 * whether the view fits its storage is checked once the storage is read.
 */
#include "file.h"
#include <string.h>

/* Elements a storage of unknown length is first given when read from a
 * pipe; it doubles as data keeps coming. */
static const int64_t tl_file_pipe_step = (int64_t)1 << 20;

/* Fewest bytes n elements of dtype take in f's encoding. */
static int64_t tl_file_min_bytes(const tl_file *f, int32_t dtype, int64_t n, int64_t cap)
{
  if (n == 0) return 0;
  int64_t w;
  if (f->binary) w = dtype == TL_LONG ? tl_file_long_bytes(f) : tl_dtype_get(dtype)->size;
  else w = (dtype == TL_BYTE || dtype == TL_CHAR) ? 1 : 2;   /* digit + separator */
  if (n > cap / w + 1) return cap + 1;   /* more than cap: no need to be exact */
  int64_t need = n * w;
  if (!f->binary && w == 2) need -= 1;  /* no separator after the last */
  return need;
}

static int tl_file_read_long(tl_file *f, const char *what, int64_t *v)
{
  if (tl_file_read(f, TL_LONG, v, 1) != 1)
    return tl_file_fail(f, "corrupt file: cannot read %s (%s)", what, tl_error_message());
  return 0;
}

/* Reads n elements into s from a file of unknown length, growing s. */
static int tl_file_read_growing(tl_file *f, tl_storage *s, int64_t n)
{
  int64_t esz = tl_elsize(s->dtype), have = 0;
  while (have < n) {
    int64_t cap = s->size > 0 ? s->size * 2 : tl_file_pipe_step;
    if (cap > n) cap = n;
    if (cap > s->size && tl_storage_resize(s, cap)) return -1;
    int64_t got = tl_file_read(f, s->dtype, s->data + have * esz, cap - have);
    if (got < 0) return -1;
    have += got;
    if (have < cap) {
      return tl_file_fail(f, "corrupt file: storage of %lld elements ends after %lld",
                          (long long)n, (long long)have);
    }
  }
  return 0;
}

int tl_file_read_storage(tl_file *f, tl_storage *s)
{
  if (tl_file_check_read("Storage.read", f) || tl_check_not_null("Storage.read", s, "storage"))
    return -1;
  if (s->device != TL_CPU) return tl_error_set("Storage.read: storage must be on the CPU");
  int64_t n;
  if (tl_file_read_long(f, "a storage size", &n)) return -1;
  if (n < 0) return tl_file_fail(f, "corrupt file: negative storage size %lld", (long long)n);
  int64_t left = tl_file_remaining(f);
  if (left >= 0) {
    int64_t need = tl_file_min_bytes(f, s->dtype, n, left);
    if (need > left)
      return tl_file_fail(f, "corrupt file: a torch.%sStorage of %lld elements does not fit in the "
                          "%lld bytes left", tl_dtype_get(s->dtype)->name, (long long)n,
                          (long long)left);
  } else if (n > tl_file_pipe_step) {
    if (s->size != 0 && tl_storage_resize(s, 0)) return -1;
    return tl_file_read_growing(f, s, n);
  }
  if (s->size != n && tl_storage_resize(s, n)) return -1;
  if (n == 0) return 0;
  return tl_file_read(f, s->dtype, s->data, n) == n ? 0 : -1;
}

int tl_file_write_storage(tl_file *f, const tl_storage *s)
{
  if (tl_file_check_write("Storage.write", f) || tl_check_not_null("Storage.write", s, "storage"))
    return -1;
  if (s->device != TL_CPU) return tl_error_set("Storage.write: storage must be on the CPU");
  int64_t n = s->size;
  if (tl_file_write(f, TL_LONG, &n, 1) != 1) return -1;
  if (n == 0) return 0;
  return tl_file_write(f, s->dtype, s->data, n) == n ? 0 : -1;
}

int tl_file_read_tensor(tl_file *f, tl_tensor *hdr)
{
  if (tl_file_check_read("Tensor.read", f) || tl_check_not_null("Tensor.read", hdr, "header"))
    return -1;
  int32_t nd;
  if (tl_file_read(f, TL_INT, &nd, 1) != 1)
    return tl_file_fail(f, "corrupt file: cannot read a tensor's dimension count (%s)",
                        tl_error_message());
  if (nd < 0 || nd > TL_MAXDIM)
    return tl_file_fail(f, "corrupt file: tensor with %d dimensions (0 to %d supported)", nd,
                        TL_MAXDIM);
  int64_t size[TL_MAXDIM], stride[TL_MAXDIM], offset;
  if (nd > 0 && tl_file_read(f, TL_LONG, size, nd) != nd)
    return tl_file_fail(f, "corrupt file: cannot read tensor sizes (%s)", tl_error_message());
  if (nd > 0 && tl_file_read(f, TL_LONG, stride, nd) != nd)
    return tl_file_fail(f, "corrupt file: cannot read tensor strides (%s)", tl_error_message());
  if (tl_file_read_long(f, "a tensor offset", &offset)) return -1;
  if (offset < 1 && nd > 0)
    return tl_file_fail(f, "corrupt file: tensor storage offset %lld (must be at least 1)",
                        (long long)offset);
  int64_t numel = 1, extent = 0;
  for (int32_t d = 0; d < nd; d++) {
    if (size[d] < 0 || stride[d] < 0)
      return tl_file_fail(f, "corrupt file: tensor dimension %d has size %lld and stride %lld",
                          d + 1, (long long)size[d], (long long)stride[d]);
    int64_t span;
    if (__builtin_mul_overflow(numel, size[d], &numel) ||
        (size[d] > 0 && (__builtin_mul_overflow(size[d] - 1, stride[d], &span) ||
                         __builtin_add_overflow(extent, span, &extent))))
      return tl_file_fail(f, "corrupt file: tensor sizes and strides overflow");
  }
  if (numel > 0 && __builtin_add_overflow(extent, offset, &extent))
    return tl_file_fail(f, "corrupt file: tensor offset overflows");
  hdr->ndim = nd;
  hdr->offset = nd > 0 ? offset - 1 : 0;
  for (int32_t d = 0; d < nd; d++) {
    hdr->size[d] = size[d];
    hdr->stride[d] = stride[d];
  }
  return 0;
}

int tl_file_write_tensor(tl_file *f, const tl_tensor *t)
{
  if (tl_file_check_write("Tensor.write", f) || tl_check_not_null("Tensor.write", t, "tensor"))
    return -1;
  int32_t nd = t->ndim;
  int64_t offset = t->offset + 1;
  if (tl_file_write(f, TL_INT, &nd, 1) != 1) return -1;
  if (nd > 0 && tl_file_write(f, TL_LONG, t->size, nd) != nd) return -1;
  if (nd > 0 && tl_file_write(f, TL_LONG, t->stride, nd) != nd) return -1;
  return tl_file_write(f, TL_LONG, &offset, 1) == 1 ? 0 : -1;
}

int tl_file_check_view(const tl_tensor *hdr, const tl_storage *s)
{
  if (tl_check_not_null("Tensor.read", hdr, "header")) return -1;
  if (hdr->ndim < 0 || hdr->ndim > TL_MAXDIM || hdr->offset < 0)
    return tl_error_set("corrupt file: bad tensor header");
  int64_t hi = hdr->offset, span;
  for (int32_t d = 0; d < hdr->ndim; d++)
    if (hdr->size[d] == 0) return 0;   /* empty: fits anything */
  for (int32_t d = 0; d < hdr->ndim; d++) {
    if (hdr->size[d] < 0 || hdr->stride[d] < 0 ||
        __builtin_mul_overflow(hdr->size[d] - 1, hdr->stride[d], &span) ||
        __builtin_add_overflow(hi, span, &hi))
      return tl_error_set("corrupt file: tensor sizes and strides overflow");
  }
  if (hdr->ndim == 0) return 0;
  if (!s) return tl_error_set("corrupt file: a non-empty tensor without a storage");
  if (hi >= s->size)
    return tl_error_set("corrupt file: tensor view reaches element %lld of a storage of %lld",
                        (long long)(hi + 1), (long long)s->size);
  return 0;
}
