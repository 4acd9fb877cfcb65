/*
 * error.c: the engine's single error path, argument checks and the
 * interrupt flag.
 *
 * A failing function records a message in a thread-local buffer and
 * returns a status; nothing in the engine exits, aborts or longjmps. The
 * message is formatted as data, never used as a format string.
 */
#include "internal.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local char tl_errbuf[1024];
volatile int32_t tl_interrupt_flag = 0;

int tl_error_set(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(tl_errbuf, sizeof tl_errbuf, fmt, ap);
  va_end(ap);
  return -1;
}

const char *tl_error_message(void) { return tl_errbuf; }
void tl_error_clear(void) { tl_errbuf[0] = '\0'; }

void tl_interrupt_set(void) { tl_interrupt_flag = 1; }
void tl_interrupt_clear(void) { tl_interrupt_flag = 0; }
int32_t tl_interrupt_pending(void) { return tl_interrupt_flag; }

int tl_error_interrupted(const char *fn)
{
  return tl_error_set("%s: interrupted", fn);
}

char *tl_shape_str(const tl_tensor *t, char *buf, size_t len)
{
  size_t n = 0;
  n += (size_t)snprintf(buf + n, len - n, "[");
  for (int32_t d = 0; t && d < t->ndim && n < len; d++)
    n += (size_t)snprintf(buf + n, len - n, d ? " x %lld" : "%lld", (long long)t->size[d]);
  if (n < len) snprintf(buf + n, len - n, "]");
  return buf;
}

int tl_check_not_null(const char *fn, const void *p, const char *what)
{
  if (p) return 0;
  return tl_error_set("%s: %s is missing", fn, what);
}

int tl_check_same_numel(const char *fn, const tl_tensor *a, const tl_tensor *b)
{
  if (tl_tensor_numel(a) == tl_tensor_numel(b)) return 0;
  char sa[TL_SHAPE_STRLEN], sb[TL_SHAPE_STRLEN];
  return tl_error_set("%s: sizes do not match: %s and %s", fn,
                      tl_shape_str(a, sa, sizeof sa), tl_shape_str(b, sb, sizeof sb));
}

int tl_check_same_dtype(const char *fn, const tl_tensor *a, const tl_tensor *b)
{
  if (a->dtype == b->dtype) return 0;
  return tl_error_set("%s: tensor types differ: torch.%sTensor and torch.%sTensor", fn,
                      tl_dtype_get(a->dtype)->name, tl_dtype_get(b->dtype)->name);
}

int tl_check_same_device(const char *fn, const tl_tensor *a, const tl_tensor *b)
{
  if (a->device == b->device) return 0;
  return tl_error_set("%s: tensors are on different devices", fn);
}

int tl_check_has_math(const char *fn, const tl_tensor *t)
{
  if (tl_dtype_get(t->dtype)->has_math) return 0;
  return tl_error_set("%s: not available for torch.%sTensor", fn, tl_dtype_get(t->dtype)->name);
}

int tl_check_dim(const char *fn, const tl_tensor *t, int32_t dim)
{
  if (dim >= 0 && dim < t->ndim) return 0;
  return tl_error_set("%s: dimension %d out of range for a %dD tensor", fn, dim + 1, t->ndim);
}

int tl_check_ndim(const char *fn, const tl_tensor *t, int32_t ndim, const char *what)
{
  if (t->ndim == ndim) return 0;
  char s[TL_SHAPE_STRLEN];
  return tl_error_set("%s: %s must be a %dD tensor, got %dD %s", fn, what, ndim, t->ndim,
                      tl_shape_str(t, s, sizeof s));
}

void *tl_alloc(size_t nbytes)
{
  void *p = malloc(nbytes ? nbytes : 1);
  if (!p) tl_error_set("out of memory allocating %zu bytes", nbytes);
  return p;
}

void *tl_calloc(size_t n, size_t size)
{
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p) tl_error_set("out of memory allocating %zu x %zu bytes", n, size);
  return p;
}

void tl_release(void *p) { free(p); }
