/*
 * plot_internal.h: helpers shared by libtlplot's sources, not part of the
 * FFI-visible API.
 */
#ifndef TLP_INTERNAL_H
#define TLP_INTERNAL_H
#include "tl_plot.h"

void tlp_error_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Rows of the 5x7 glyph for ch (font.c). */
const uint8_t *tlp_font_glyph(unsigned char ch);

#define TLP_GLYPH_W 6   /* advance: 5 columns and a gap */
#define TLP_GLYPH_H 7

#endif
