/*
 * storage.c: refcounted typed buffers: owned (device allocator), wrapped
 * external memory, and memory-mapped files.
 */
#include "device.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Sizes beyond this are refused before any allocation (2^48 bytes). */
static const int64_t tl_max_bytes = (int64_t)1 << 48;

static int tl_storage_check_size(const char *fn, int32_t dtype, int64_t size)
{
  if (!tl_dtype_get(dtype)) return tl_error_set("%s: unknown dtype %d", fn, dtype);
  if (size < 0) return tl_error_set("%s: negative size %lld", fn, (long long)size);
  if (size > tl_max_bytes / tl_elsize(dtype))
    return tl_error_set("%s: size %lld is too large", fn, (long long)size);
  return 0;
}

static tl_storage *tl_storage_header(int32_t dtype, int32_t device, int64_t size, int32_t flags)
{
  tl_storage *s = tl_calloc(1, sizeof *s);
  if (!s) return NULL;
  s->size = size;
  s->dtype = dtype;
  s->device = device;
  s->refcount = 1;
  s->flags = flags;
  return s;
}

tl_storage *tl_storage_new(int32_t dtype, int32_t device, int64_t size)
{
  if (tl_storage_check_size("Storage", dtype, size)) return NULL;
  const tl_device_ops *d = tl_device_get("Storage", device);
  if (!d) return NULL;
  tl_storage *s = tl_storage_header(dtype, device, size, TL_STORAGE_OWNS | TL_STORAGE_RESIZABLE);
  if (!s) return NULL;
  if (size > 0) {
    s->data = d->alloc((size_t)(size * tl_elsize(dtype)));
    if (!s->data) {
      tl_release(s);
      return NULL;
    }
  }
  return s;
}

tl_storage *tl_storage_wrap(int32_t dtype, void *data, int64_t size)
{
  if (tl_storage_check_size("Storage", dtype, size)) return NULL;
  if (size > 0 && !data) {
    tl_error_set("Storage: NULL pointer for %lld elements", (long long)size);
    return NULL;
  }
  tl_storage *s = tl_storage_header(dtype, TL_CPU, size, 0);
  if (s) s->data = data;
  return s;
}

tl_storage *tl_storage_mmap(int32_t dtype, const char *path, int32_t shared, int64_t size)
{
  if (tl_storage_check_size("Storage", dtype, size)) return NULL;
  int64_t esz = tl_elsize(dtype);
  int fd = open(path, shared ? O_RDWR | O_CREAT : O_RDONLY, 0644);
  if (fd < 0) {
    tl_error_set("Storage: cannot open '%s': %s", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    tl_error_set("Storage: cannot stat '%s': %s", path, strerror(errno));
    close(fd);
    return NULL;
  }
  int64_t fbytes = (int64_t)st.st_size;
  if (size == 0) {
    if (fbytes % esz != 0) {
      tl_error_set("Storage: file '%s' has %lld bytes, not a multiple of %lld", path,
                   (long long)fbytes, (long long)esz);
      close(fd);
      return NULL;
    }
    size = fbytes / esz;
  } else if (size * esz > fbytes) {
    if (!shared) {
      tl_error_set("Storage: file '%s' has %lld bytes, fewer than the %lld asked for", path,
                   (long long)fbytes, (long long)(size * esz));
      close(fd);
      return NULL;
    }
    if (ftruncate(fd, (off_t)(size * esz)) != 0) {
      tl_error_set("Storage: cannot grow '%s': %s", path, strerror(errno));
      close(fd);
      return NULL;
    }
  }
  void *p = NULL;
  if (size > 0) {
    p = mmap(NULL, (size_t)(size * esz), PROT_READ | PROT_WRITE, shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      tl_error_set("Storage: cannot map '%s': %s", path, strerror(errno));
      close(fd);
      return NULL;
    }
  }
  close(fd);  /* the mapping stays valid */
  tl_storage *s = tl_storage_header(dtype, TL_CPU, size, TL_STORAGE_MMAP);
  if (!s) {
    if (p) munmap(p, (size_t)(size * esz));
    return NULL;
  }
  s->data = p;
  s->mapped_bytes = size * esz;
  return s;
}

void tl_storage_retain(tl_storage *s)
{
  if (s) __atomic_add_fetch(&s->refcount, 1, __ATOMIC_RELAXED);
}

void tl_storage_free(tl_storage *s)
{
  if (!s || __atomic_sub_fetch(&s->refcount, 1, __ATOMIC_ACQ_REL) > 0) return;
  if (s->flags & TL_STORAGE_MMAP) {
    if (s->data) munmap(s->data, (size_t)s->mapped_bytes);
  } else if ((s->flags & TL_STORAGE_OWNS) && s->data) {
    tl_devices[s->device]->free(s->data);
  }
  tl_release(s);
}

int tl_storage_resize(tl_storage *s, int64_t size)
{
  if (tl_storage_check_size("Storage.resize", s->dtype, size)) return -1;
  if (size == s->size) return 0;
  if (!(s->flags & TL_STORAGE_RESIZABLE))
    return tl_error_set("Storage.resize: this storage wraps memory it does not own");
  const tl_device_ops *d = tl_device_get("Storage.resize", s->device);
  if (!d) return -1;
  char *data = NULL;
  int64_t esz = tl_elsize(s->dtype);
  if (size > 0) {
    data = d->alloc((size_t)(size * esz));
    if (!data) return -1;
    int64_t keep = size < s->size ? size : s->size;
    if (keep > 0) {
      /* same-device byte copy through a 1-D tensor view pair */
      tl_storage tmp = *s;
      tmp.data = data;
      tmp.size = keep;
      tl_tensor dst = {.storage = &tmp, .ndim = 1, .dtype = s->dtype, .device = s->device,
                       .size = {keep}, .stride = {1}};
      tl_tensor src = {.storage = s, .ndim = 1, .dtype = s->dtype, .device = s->device,
                       .size = {keep}, .stride = {1}};
      if (d->copy(&dst, &src)) {
        d->free(data);
        return -1;
      }
    }
  }
  if (s->data) d->free(s->data);
  s->data = data;
  s->size = size;
  return 0;
}

static void tl_storage_view(tl_storage *s, tl_tensor *t)
{
  *t = (tl_tensor){.storage = s, .ndim = 1, .dtype = s->dtype, .device = s->device,
                   .size = {s->size}, .stride = {1}};
}

int tl_storage_fill(tl_storage *s, double value)
{
  if (s->size == 0) return 0;
  tl_tensor t;
  tl_storage_view(s, &t);
  return tl_tensor_fill(&t, value);
}

int tl_storage_copy(tl_storage *dst, const tl_storage *src)
{
  if (dst->size != src->size)
    return tl_error_set("Storage.copy: sizes do not match: %lld and %lld", (long long)dst->size,
                        (long long)src->size);
  if (dst->size == 0) return 0;
  tl_tensor a, b;
  tl_storage_view(dst, &a);
  tl_storage_view((tl_storage *)src, &b);
  return tl_tensor_copy(&a, &b);
}

double tl_storage_get(const tl_storage *s, int64_t i)
{
  return tl_load_double(s->dtype, s->data + i * tl_elsize(s->dtype));
}

void tl_storage_set(tl_storage *s, int64_t i, double v)
{
  tl_store_double(s->dtype, s->data + i * tl_elsize(s->dtype), v);
}
