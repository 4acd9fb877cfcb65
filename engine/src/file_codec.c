/*
 * file_codec.c: Torch7's two encodings of typed arrays (API.md 3.1).
 *
 * Binary: elements back to back in the file's byte order; a long takes
 * the file's long size (4 bytes: truncated on write, sign-extended on
 * read). Ascii: decimal tokens (%hd %d %ld %.9g %.17g; half as float)
 * separated by one space and ended by one newline when autospacing is on;
 * Byte and Char blocks are raw bytes plus the newline. The reader skips
 * whitespace before each token and eats one newline after each block, so
 * raw bytes that follow (a string starting with '\n') are kept intact.
 */
#include "file.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Longest ascii token we accept ("%.17g" needs 24 characters). */
enum { TL_FILE_TOKEN_MAX = 64 };
/* Elements converted per round through a stack buffer. */
enum { TL_FILE_CONVERT = 1024 };

static const char *const tl_file_rnames[TL_NDTYPE] = {
  "readByte", "readChar", "readShort", "readInt", "readLong", "readFloat", "readDouble", "readHalf"};
static const char *const tl_file_wnames[TL_NDTYPE] = {
  "writeByte", "writeChar", "writeShort", "writeInt", "writeLong", "writeFloat", "writeDouble",
  "writeHalf"};

static void tl_file_swap(void *data, int64_t n, int32_t size)
{
  unsigned char *p = data;
  for (int64_t i = 0; i < n; i++, p += size)
    for (int32_t a = 0, b = size - 1; a < b; a++, b--) {
      unsigned char t = p[a];
      p[a] = p[b];
      p[b] = t;
    }
}

/* Bytes one element of dtype takes in the file's binary encoding. */
static int32_t tl_file_width(const tl_file *f, int32_t dtype)
{
  return dtype == TL_LONG ? tl_file_long_bytes(f) : tl_dtype_get(dtype)->size;
}

static int tl_file_check_args(const char *fn, const void *p, int64_t n)
{
  if (n < 0) return tl_error_set("%s: negative count %lld", fn, (long long)n);
  if (n > ((int64_t)1 << 60)) return tl_error_set("%s: count %lld too large", fn, (long long)n);
  if (n > 0 && !p) return tl_error_set("%s: no buffer", fn);
  return 0;
}

/* ---- binary ------------------------------------------------------------------- */

static int64_t tl_file_write_binary(tl_file *f, int32_t dtype, const void *src, int64_t n)
{
  int32_t esz = tl_dtype_get(dtype)->size, fsz = tl_file_width(f, dtype);
  if (!f->swap && fsz == esz) return tl_file_io_write(f, src, n * esz) ? -1 : n;
  unsigned char tmp[TL_FILE_CONVERT * 8];
  const unsigned char *s = src;
  for (int64_t i = 0; i < n; i += TL_FILE_CONVERT) {
    int64_t k = n - i < TL_FILE_CONVERT ? n - i : TL_FILE_CONVERT;
    if (fsz == esz) {
      memcpy(tmp, s + i * esz, (size_t)(k * esz));
    } else {
      /* 64-bit long to 32 bits: keep the low half, as Torch7 truncates */
      for (int64_t j = 0; j < k; j++) {
        int64_t v;
        memcpy(&v, s + (i + j) * 8, 8);
        int32_t w = (int32_t)(uint32_t)(uint64_t)v;
        memcpy(tmp + j * 4, &w, 4);
      }
    }
    if (f->swap) tl_file_swap(tmp, k, fsz);
    if (tl_file_io_write(f, tmp, k * fsz)) return -1;
  }
  return n;
}

static int64_t tl_file_read_binary(tl_file *f, int32_t dtype, void *dst, int64_t n)
{
  int32_t esz = tl_dtype_get(dtype)->size, fsz = tl_file_width(f, dtype);
  int64_t got = tl_file_io_read(f, dst, n * fsz);
  if (got < 0) return -1;
  int64_t count = got / fsz;
  if (f->swap) tl_file_swap(dst, count, fsz);
  if (fsz != esz) {
    /* 32-bit longs were read into the front half: widen from the end so
     * no value is overwritten before it is read */
    unsigned char *p = dst;
    for (int64_t i = count - 1; i >= 0; i--) {
      int32_t w;
      memcpy(&w, p + i * 4, 4);
      int64_t v = w;
      memcpy(p + i * 8, &v, 8);
    }
  }
  return count;
}

/* ---- ascii -------------------------------------------------------------------- */

static int tl_file_format(int32_t dtype, const void *src, int64_t i, char *out, size_t len)
{
  switch (dtype) {
  case TL_SHORT: return snprintf(out, len, "%hd", ((const int16_t *)src)[i]);
  case TL_INT: return snprintf(out, len, "%d", ((const int32_t *)src)[i]);
  case TL_LONG: return snprintf(out, len, "%lld", (long long)((const int64_t *)src)[i]);
  case TL_FLOAT: return snprintf(out, len, "%.9g", (double)((const float *)src)[i]);
  case TL_DOUBLE: return snprintf(out, len, "%.17g", ((const double *)src)[i]);
  case TL_HALF: return snprintf(out, len, "%.9g", (double)tl_half_to_float(((const uint16_t *)src)[i]));
  default: return -1;
  }
}

static int64_t tl_file_write_ascii(tl_file *f, int32_t dtype, const void *src, int64_t n)
{
  if (dtype == TL_BYTE || dtype == TL_CHAR) {
    if (tl_file_io_write(f, src, n)) return -1;
  } else {
    char chunk[8192];
    size_t used = 0;
    for (int64_t i = 0; i < n; i++) {
      if (used + TL_FILE_TOKEN_MAX + 2 > sizeof chunk) {
        if (tl_file_io_write(f, chunk, (int64_t)used)) return -1;
        used = 0;
        if (tl_interrupted()) return tl_file_fail(f, "%s: interrupted", tl_file_wnames[dtype]);
      }
      int k = tl_file_format(dtype, src, i, chunk + used, TL_FILE_TOKEN_MAX);
      if (k < 0 || k >= TL_FILE_TOKEN_MAX) return tl_file_fail(f, "%s: cannot format", tl_file_wnames[dtype]);
      used += (size_t)k;
      if (f->autospacing && i < n - 1) chunk[used++] = ' ';
    }
    if (used && tl_file_io_write(f, chunk, (int64_t)used)) return -1;
  }
  if (f->autospacing && n > 0 && tl_file_io_write(f, "\n", 1)) return -1;
  return n;
}

static int tl_file_is_space(int c)
{
  return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Reads one whitespace-delimited token into tok. Returns its length, 0 at
 * end of file, -1 after an error. The delimiter is left unread. */
static int tl_file_token(tl_file *f, char *tok)
{
  int c;
  do c = tl_file_io_getc(f);
  while (c >= 0 && tl_file_is_space(c));
  if (c == -2) return -1;
  if (c == -1) return 0;
  int len = 0;
  while (c >= 0 && !tl_file_is_space(c)) {
    if (len == TL_FILE_TOKEN_MAX - 1) return tl_file_fail(f, "read error: number too long");
    tok[len++] = (char)c;
    c = tl_file_io_getc(f);
  }
  if (c == -2) return -1;
  if (c >= 0) tl_file_io_ungetc(f);
  tok[len] = '\0';
  return len;
}

static int tl_file_parse(int32_t dtype, const char *tok, void *dst, int64_t i)
{
  char *end = NULL;
  errno = 0;
  if (dtype == TL_FLOAT || dtype == TL_HALF) {
    float v = strtof(tok, &end);
    if (*end) return -1;
    if (dtype == TL_FLOAT) ((float *)dst)[i] = v;
    else ((uint16_t *)dst)[i] = tl_float_to_half(v);
    return 0;
  }
  if (dtype == TL_DOUBLE) {
    double v = strtod(tok, &end);
    if (*end) return -1;
    ((double *)dst)[i] = v;
    return 0;
  }
  long long v = strtoll(tok, &end, 10);
  if (*end || end == tok || errno == ERANGE) return -1;
  switch (dtype) {
  case TL_SHORT:
    if (v < INT16_MIN || v > INT16_MAX) return -1;
    ((int16_t *)dst)[i] = (int16_t)v;
    return 0;
  case TL_INT:
    if (v < INT32_MIN || v > INT32_MAX) return -1;
    ((int32_t *)dst)[i] = (int32_t)v;
    return 0;
  case TL_LONG: ((int64_t *)dst)[i] = (int64_t)v; return 0;
  default: return -1;
  }
}

static int64_t tl_file_read_ascii(tl_file *f, int32_t dtype, void *dst, int64_t n)
{
  int64_t count = 0;
  if (dtype == TL_BYTE || dtype == TL_CHAR) {
    count = tl_file_io_read(f, dst, n);
    if (count < 0) return -1;
  } else {
    char tok[TL_FILE_TOKEN_MAX];
    for (; count < n; count++) {
      int len = tl_file_token(f, tok);
      if (len < 0) return -1;
      if (len == 0) break;
      if (tl_file_parse(dtype, tok, dst, count))
        return tl_file_fail(f, "read error: '%s' is not a valid %s", tok,
                            tl_file_rnames[dtype] + 4);
      if ((count & 0xffff) == 0xffff && tl_interrupted())
        return tl_file_fail(f, "%s: interrupted", tl_file_rnames[dtype]);
    }
  }
  if (f->autospacing && n > 0 && count == n) {
    int c = tl_file_io_getc(f);
    if (c == -2) return -1;
    if (c >= 0 && c != '\n') tl_file_io_ungetc(f);
  }
  return count;
}

/* ---- public entry points ------------------------------------------------------ */

int64_t tl_file_read(tl_file *f, int32_t dtype, void *dst, int64_t n)
{
  if (dtype < 0 || dtype >= TL_NDTYPE) return tl_error_set("File.read: unknown type %d", dtype);
  const char *fn = tl_file_rnames[dtype];
  if (tl_file_check_read(fn, f) || tl_file_check_args(fn, dst, n)) return -1;
  int64_t got = f->binary ? tl_file_read_binary(f, dtype, dst, n) : tl_file_read_ascii(f, dtype, dst, n);
  if (tl_file_io_settle(f)) return -1;
  if (got >= 0 && got < n) {
    tl_file_fail(f, "read error: read %lld blocks instead of %lld", (long long)got, (long long)n);
  }
  return got;
}

int64_t tl_file_write(tl_file *f, int32_t dtype, const void *src, int64_t n)
{
  if (dtype < 0 || dtype >= TL_NDTYPE) return tl_error_set("File.write: unknown type %d", dtype);
  const char *fn = tl_file_wnames[dtype];
  if (tl_file_check_write(fn, f) || tl_file_check_args(fn, src, n)) return -1;
  int64_t put = f->binary ? tl_file_write_binary(f, dtype, src, n) : tl_file_write_ascii(f, dtype, src, n);
  if (put < 0) {
    f->has_error = 1;
    return -1;
  }
  if (tl_file_io_settle(f)) return -1;
  return put;
}

int64_t tl_file_write_string(tl_file *f, const char *s, int64_t n)
{
  if (tl_file_check_write("writeString", f) || tl_file_check_args("writeString", s, n))
    return -1;
  if (tl_file_io_write(f, s, n) || tl_file_io_settle(f)) return -1;
  return n;
}

/* Grows *buf to hold at least need bytes (plus a NUL). */
static int tl_file_grow(char **buf, int64_t *cap, int64_t need)
{
  if (need + 1 <= *cap) return 0;
  int64_t c = *cap ? *cap : 256;
  while (c < need + 1) c *= 2;
  char *p = realloc(*buf, (size_t)c);
  if (!p) return tl_error_set("readString: out of memory (%lld bytes)", (long long)c);
  *buf = p;
  *cap = c;
  return 0;
}

int64_t tl_file_read_string(tl_file *f, int32_t line, char **out)
{
  if (!out) return tl_error_set("readString: no output");
  *out = NULL;
  if (tl_file_check_read("readString", f)) return -1;
  char *buf = NULL;
  int64_t cap = 0, len = 0;
  int found_newline = 0;
  if (line) {
    for (;;) {
      int c = tl_file_io_getc(f);
      if (c == -2) goto fail;
      if (c == -1) break;
      if (c == '\n') {
        found_newline = 1;
        break;
      }
      if (tl_file_grow(&buf, &cap, len + 1)) goto fail;
      buf[len++] = (char)c;
    }
  } else {
    /* the known rest in one piece, then (a growing file, a pipe) more
     * in doubling pieces until end of file */
    int64_t left = tl_file_remaining(f);
    if (left > 0) {
      buf = malloc((size_t)left + 1);
      if (!buf) {
        tl_file_fail(f, "readString: out of memory (%lld bytes)", (long long)left);
        goto fail;
      }
      cap = left + 1;
      len = tl_file_io_read(f, buf, left);
      if (len < 0) goto fail;
    }
    int c = tl_file_io_getc(f);
    if (c == -2) goto fail;
    if (c >= 0) {
      tl_file_io_ungetc(f);
      int64_t step = 1 << 16;
      for (;;) {
        if (tl_file_grow(&buf, &cap, len + step)) goto fail;
        int64_t k = tl_file_io_read(f, buf + len, step);
        if (k < 0) goto fail;
        len += k;
        if (k < step) break;
        if (step < (1 << 26)) step *= 2;
      }
    }
  }
  if (tl_file_grow(&buf, &cap, len)) goto fail;
  buf[len] = '\0';
  if (tl_file_io_settle(f)) goto fail;
  if (line && len == 0 && !found_newline) {
    tl_file_fail(f, "read error: read 0 blocks instead of 1");
    free(buf);
    return -1;
  }
  *out = buf;
  return len;
fail:
  f->has_error = 1;
  free(buf);
  return -1;
}

void tl_file_string_free(char *s) { free(s); }
