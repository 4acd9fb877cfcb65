/*
 * fuzz_t7.c: libFuzzer harness for the C reader of .t7 files
 * (engine/src/file.c, file_codec.c, file_t7.c). Built and run by
 * tests/fuzz/run.sh with ASan and UBSan.
 *
 * The first input byte picks the file's settings (binary or ascii, long
 * size, byte order, autospacing, memory or disk file, buffering); the rest
 * is the content of the file. The harness walks the object grammar of API.md 3.2 the way
 * torch/serialize.lua does, calling the same engine entry points for
 * primitives, strings, storage payloads, tensor headers, view checks and
 * generator states, then re-encodes every storage it read and reads it
 * back, so both directions of each encoding run. Function records end the
 * walk (they are refused in safe mode).
 *
 * Besides crashes, leaks and undefined behaviour, it fails on any single
 * allocation larger than TL_FUZZ_ALLOC_FACTOR times the input plus a fixed
 * slack: every count must be checked against the bytes left before the
 * reader allocates.
 */
#define _GNU_SOURCE
#include "torchlight.h"
#include <sanitizer/allocator_interface.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TL_FUZZ_ALLOC_FACTOR = 16, TL_FUZZ_ALLOC_SLACK = 1 << 16 };
enum { TL_FUZZ_MAX_DEPTH = 64, TL_FUZZ_SLOTS = 64 };

static size_t tl_fuzz_alloc_limit = 0;   /* 0: not checking */

/* Called by the sanitizer allocator on every allocation. */
static void tl_fuzz_malloc_hook(const volatile void *ptr, size_t size)
{
  (void)ptr;
  if (tl_fuzz_alloc_limit && size > tl_fuzz_alloc_limit) {
    fprintf(stderr, "fuzz_t7: allocation of %zu bytes exceeds the limit of %zu\n", size,
            tl_fuzz_alloc_limit);
    abort();
  }
}

static void tl_fuzz_free_hook(const volatile void *ptr) { (void)ptr; }

/* Objects read so far, by record index: storages, for back-references. */
typedef struct tl_fuzz_state {
  tl_file *f;
  int32_t index[TL_FUZZ_SLOTS];
  tl_storage *storage[TL_FUZZ_SLOTS];
  int32_t nobjects;
} tl_fuzz_state;

static const char *const tl_fuzz_dtypes[TL_NDTYPE] = {"Byte", "Char", "Short", "Int",
                                                        "Long", "Float", "Double", "Half"};

static int tl_fuzz_int(tl_file *f, int32_t *v) { return tl_file_read(f, TL_INT, v, 1) == 1 ? 0 : -1; }

/* Reads an int length and that many bytes, checked like read_raw. */
static int tl_fuzz_string(tl_file *f, char **out, int32_t *len)
{
  *out = NULL;
  if (tl_fuzz_int(f, len) || *len < 0) return -1;
  int64_t left = tl_file_remaining(f);
  if (left < 0 || *len > left) return -1;
  char *s = malloc((size_t)*len + 1);
  if (!s) return -1;
  if (tl_file_read(f, TL_CHAR, s, *len) != *len) {
    free(s);
    return -1;
  }
  s[*len] = '\0';
  *out = s;
  return 0;
}

/* Class name -> (dtype, 1 for a tensor), or -1. */
static int32_t tl_fuzz_class(const char *name, int32_t *tensor)
{
  for (int32_t d = 0; d < TL_NDTYPE; d++) {
    char buf[64];
    snprintf(buf, sizeof buf, "torch.%sTensor", tl_fuzz_dtypes[d]);
    if (!strcmp(name, buf)) {
      *tensor = 1;
      return d;
    }
    snprintf(buf, sizeof buf, "torch.%sStorage", tl_fuzz_dtypes[d]);
    if (!strcmp(name, buf)) {
      *tensor = 0;
      return d;
    }
  }
  return -1;
}

static void tl_fuzz_remember(tl_fuzz_state *st, int32_t index, tl_storage *s)
{
  int32_t slot = st->nobjects++ % TL_FUZZ_SLOTS;
  if (st->storage[slot]) tl_storage_free(st->storage[slot]);
  st->index[slot] = index;
  st->storage[slot] = s;
  tl_storage_retain(s);
}

static tl_storage *tl_fuzz_lookup(tl_fuzz_state *st, int32_t index)
{
  for (int32_t i = 0; i < TL_FUZZ_SLOTS; i++)
    if (st->storage[i] && st->index[i] == index) return st->storage[i];
  return NULL;
}

/* Encodes s with f's settings into a new memory file and reads it back. */
static void tl_fuzz_reencode(const tl_file *f, tl_storage *s)
{
  tl_file *w = tl_file_open_memory(NULL, "rw");
  if (!w) return;
  for (int32_t p = TL_FILE_BINARY; p <= TL_FILE_AUTOSPACING; p++) tl_file_set(w, p, tl_file_get(f, p));
  tl_file_set(w, TL_FILE_LONGSIZE, tl_file_get(f, TL_FILE_LONGSIZE));
  tl_file_set(w, TL_FILE_ENDIAN, tl_file_get(f, TL_FILE_ENDIAN));
  if (tl_file_write_storage(w, s) == 0 && tl_file_seek(w, 0) == 0) {
    tl_storage *back = tl_storage_new(s->dtype, TL_CPU, 0);
    if (back) {
      if (tl_file_read_storage(w, back) == 0 && back->size != s->size) abort();
      tl_storage_free(back);
    }
  }
  tl_file_free(w);
}

static int tl_fuzz_record(tl_fuzz_state *st, int32_t depth, tl_storage **got);

/* A tensor payload: the header, the storage record, the view check. */
static int tl_fuzz_tensor(tl_fuzz_state *st, int32_t depth, int32_t dtype)
{
  tl_tensor hdr;
  memset(&hdr, 0, sizeof hdr);
  if (tl_file_read_tensor(st->f, &hdr)) return -1;
  tl_storage *s = NULL;
  if (tl_fuzz_record(st, depth + 1, &s)) return -1;
  if (s && s->dtype != dtype) s = NULL;
  if (tl_file_check_view(&hdr, s)) return 0;   /* refused, as the Lua reader does */
  tl_tensor *t = tl_tensor_new(dtype, TL_CPU);
  if (!t) return -1;
  if (tl_tensor_set_storage(t, s, hdr.offset, hdr.ndim, hdr.size, hdr.stride) == 0 && s) {
    /* the first and the last element bound every address of the view
     * (strides are not negative); ASan checks both reads */
    int64_t n = tl_tensor_numel(t);
    if (n > 0) {
      volatile char a = *(const char *)tl_tensor_ptr(t, 0);
      volatile char b = *(const char *)tl_tensor_ptr(t, n - 1);
      (void)a;
      (void)b;
    }
  }
  tl_tensor_free(t);
  return 0;
}

static int tl_fuzz_torch(tl_fuzz_state *st, int32_t depth, int32_t index, tl_storage **got)
{
  char *version = NULL, *name = NULL;
  int32_t len, rc = -1;
  if (tl_fuzz_string(st->f, &version, &len) || len > 4096) goto done;
  if (!strncmp(version, "V ", 2)) {
    if (tl_fuzz_string(st->f, &name, &len) || len > 4096) goto done;
  } else {
    name = version;   /* a legacy record */
    version = NULL;
  }
  int32_t tensor = 0, dtype = tl_fuzz_class(name, &tensor);
  if (dtype >= 0 && tensor) {
    rc = tl_fuzz_tensor(st, depth, dtype);
  } else if (dtype >= 0) {
    tl_storage *s = tl_storage_new(dtype, TL_CPU, 0);
    if (s && tl_file_read_storage(st->f, s) == 0) {
      tl_fuzz_remember(st, index, s);
      tl_fuzz_reencode(st->f, s);
      *got = s;
      rc = 0;
    }
    tl_storage_free(s);   /* the slot keeps its own reference */
  } else if (!strcmp(name, "torch.Generator")) {
    tl_generator tmp;
    if (tl_file_read(st->f, TL_BYTE, &tmp, (int64_t)sizeof tmp) == (int64_t)sizeof tmp) {
      tl_generator *g = tl_generator_new();
      if (g && tl_generator_set_state(g, &tmp) == 0) (void)tl_random32(g);
      tl_generator_free(g);
      rc = 0;
    }
  } else {
    rc = tl_fuzz_record(st, depth + 1, NULL);   /* the fields, as a table */
  }
done:
  free(version);
  free(name);
  return rc;
}

static int tl_fuzz_record(tl_fuzz_state *st, int32_t depth, tl_storage **got)
{
  tl_file *f = st->f;
  int32_t tag, index, n;
  if (depth > TL_FUZZ_MAX_DEPTH || tl_fuzz_int(f, &tag)) return -1;
  switch (tag) {
  case 0: return 0;
  case 1: {
    double v;
    return tl_file_read(f, TL_DOUBLE, &v, 1) == 1 ? 0 : -1;
  }
  case 2: {
    char *s;
    int rc = tl_fuzz_string(f, &s, &n);
    free(s);
    return rc;
  }
  case 5: return tl_fuzz_int(f, &n);
  case 3:
  case 4:
    if (tl_fuzz_int(f, &index)) return -1;
    {
      tl_storage *seen = tl_fuzz_lookup(st, index);
      if (seen) {
        if (got) *got = seen;
        return 0;
      }
    }
    if (tag == 4) return tl_fuzz_torch(st, depth, index, got ? got : &(tl_storage *){NULL});
    if (tl_fuzz_int(f, &n) || n < 0) return -1;
    {
      int64_t left = tl_file_remaining(f);
      if (left < 0 || (int64_t)n * 4 > left) return -1;
    }
    for (int32_t i = 0; i < n; i++)
      if (tl_fuzz_record(st, depth + 1, NULL) || tl_fuzz_record(st, depth + 1, NULL)) return -1;
    return 0;
  default: return -1;   /* functions (refused) and unknown tags */
  }
}

/* What is left after the walk: typed reads of every kind, strings and
 * positions, driven by the remaining bytes. */
static void tl_fuzz_primitives(tl_file *f)
{
  unsigned char op;
  int64_t buf[64];
  char *s;
  for (int32_t k = 0; k < 256 && tl_file_read(f, TL_BYTE, &op, 1) == 1; k++) {
    int32_t dtype = op % TL_NDTYPE;
    switch ((op / TL_NDTYPE) % 4) {
    case 0: (void)tl_file_read(f, dtype, buf, 1 + op % 7); break;
    case 1:
      if (tl_file_read_string(f, op & 1, &s) >= 0) tl_file_string_free(s);
      break;
    case 2: (void)tl_file_seek(f, tl_file_position(f) / 2); break;
    default: (void)tl_file_read(f, dtype, buf, 64 * 8 / tl_dtype_get(dtype)->size); break;
    }
    tl_file_set(f, TL_FILE_ERROR, 0);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static int hooked = 0;
  if (!hooked) {
    __sanitizer_install_malloc_and_free_hooks(tl_fuzz_malloc_hook, tl_fuzz_free_hook);
    hooked = 1;
  }
  if (size < 1) return 0;
  uint8_t cfg = data[0];
  data++;
  size--;
  tl_storage *chars = tl_storage_new(TL_CHAR, TL_CPU, (int64_t)size + 1);
  if (!chars) return 0;
  if (size) memcpy(chars->data, data, size);
  chars->data[size] = '\0';
  tl_fuzz_alloc_limit = TL_FUZZ_ALLOC_FACTOR * size + TL_FUZZ_ALLOC_SLACK;

  tl_file *f;
  int fd = -1;
  if (cfg & 64) {
    /* a disk file (an anonymous one) with a tiny buffer: refills land
     * inside tokens; bit 7 also turns buffering off */
    fd = memfd_create("fuzz_t7", 0);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    f = fd >= 0 && write(fd, data, size) == (ssize_t)size ? tl_file_open_disk(path, "r", 0) : NULL;
    if (f && (cfg & 128)) tl_file_set(f, TL_FILE_BUFFERED, 0);
  } else {
    f = tl_file_open_memory(chars, "r");
  }
  tl_storage_free(chars);
  if (f) {
    tl_file_set(f, TL_FILE_BINARY, (cfg & 1) == 0);
    tl_file_set(f, TL_FILE_LONGSIZE, (cfg & 2) ? 4 : ((cfg & 4) ? 8 : 0));
    tl_file_set(f, TL_FILE_ENDIAN, (cfg >> 3) % 3);
    tl_file_set(f, TL_FILE_AUTOSPACING, (cfg & 32) == 0);
    tl_fuzz_state st;
    memset(&st, 0, sizeof st);
    st.f = f;
    for (int32_t i = 0; i < 4 && tl_file_remaining(f) > 0; i++)
      if (tl_fuzz_record(&st, 0, NULL)) break;
    tl_fuzz_primitives(f);
    for (int32_t i = 0; i < TL_FUZZ_SLOTS; i++) tl_storage_free(st.storage[i]);
    tl_file_close(f);
    tl_file_free(f);
  }
  if (fd >= 0) close(fd);
  tl_fuzz_alloc_limit = 0;
  return 0;
}
