/*
 * error.c: libtlplot's one error path. Functions record a message here
 * and return -1/NULL; the Lua binding reads it with tlp_error_message().
 */
#include <stdarg.h>
#include <stdio.h>

#include "plot_internal.h"

static _Thread_local char tlp_error_buf[512];

const char *tlp_error_message(void) { return tlp_error_buf; }

void tlp_error_set(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(tlp_error_buf, sizeof tlp_error_buf, fmt, ap);
  va_end(ap);
}
