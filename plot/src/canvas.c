/*
 * canvas.c: the dashboard's software renderer. A canvas is w*h ARGB
 * pixels in memory; primitives clip to it. Rendering in memory, then
 * handing the whole frame over at once, keeps the window and the headless
 * PNG identical and lets the tests compare pixels exactly.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot_internal.h"

struct tlp_canvas {
  int32_t w, h;
  uint32_t *px;   /* (h, w) */
};

tlp_canvas *tlp_canvas_new(int32_t w, int32_t h) {
  tlp_canvas *c;
  if (w <= 0 || h <= 0 || w > 16384 || h > 16384) {
    tlp_error_set("canvas: bad size %dx%d", w, h);
    return NULL;
  }
  c = malloc(sizeof *c);
  if (c) c->px = calloc((size_t)w * (size_t)h, sizeof(uint32_t));
  if (c == NULL || c->px == NULL) {
    free(c);
    tlp_error_set("canvas: out of memory for %dx%d", w, h);
    return NULL;
  }
  c->w = w;
  c->h = h;
  return c;
}

void tlp_canvas_free(tlp_canvas *c) {
  if (c == NULL) return;
  free(c->px);
  free(c);
}

int32_t tlp_canvas_width(const tlp_canvas *c) { return c->w; }
int32_t tlp_canvas_height(const tlp_canvas *c) { return c->h; }
uint32_t *tlp_canvas_pixels(tlp_canvas *c) { return c->px; }

void tlp_canvas_fill(tlp_canvas *c, int32_t x, int32_t y, int32_t w, int32_t h, uint32_t argb) {
  int32_t x0 = x < 0 ? 0 : x, y0 = y < 0 ? 0 : y;
  int32_t x1 = x + w > c->w ? c->w : x + w, y1 = y + h > c->h ? c->h : y + h;
  for (int32_t r = y0; r < y1; r++) {
    uint32_t *row = c->px + (size_t)r * (size_t)c->w;
    for (int32_t k = x0; k < x1; k++) row[k] = argb;
  }
}

static inline void canvas_plot(tlp_canvas *c, int32_t x, int32_t y, uint32_t argb) {
  if ((uint32_t)x < (uint32_t)c->w && (uint32_t)y < (uint32_t)c->h)
    c->px[(size_t)y * (size_t)c->w + (size_t)x] = argb;
}

/* Bresenham; long lines off the canvas are clipped per pixel, which is
 * fine at dashboard sizes. */
void tlp_canvas_line(tlp_canvas *c, int32_t x0, int32_t y0, int32_t x1, int32_t y1,
                     uint32_t argb) {
  int32_t dx = abs(x1 - x0), dy = -abs(y1 - y0);
  int32_t sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy;
  if (x0 == x1) {   /* vertical spans are the decimated curve's bulk */
    if (y0 > y1) { int32_t t = y0; y0 = y1; y1 = t; }
    if ((uint32_t)x0 >= (uint32_t)c->w) return;
    if (y0 < 0) y0 = 0;
    if (y1 >= c->h) y1 = c->h - 1;
    for (int32_t y = y0; y <= y1; y++) c->px[(size_t)y * (size_t)c->w + (size_t)x0] = argb;
    return;
  }
  for (;;) {
    canvas_plot(c, x0, y0, argb);
    if (x0 == x1 && y0 == y1) break;
    int32_t e2 = 2 * err;
    if (e2 >= dy) { err += dy; x0 += sx; }
    if (e2 <= dx) { err += dx; y0 += sy; }
  }
}

void tlp_canvas_rect(tlp_canvas *c, int32_t x, int32_t y, int32_t w, int32_t h, uint32_t argb) {
  tlp_canvas_fill(c, x, y, w, 1, argb);
  tlp_canvas_fill(c, x, y + h - 1, w, 1, argb);
  tlp_canvas_fill(c, x, y, 1, h, argb);
  tlp_canvas_fill(c, x + w - 1, y, 1, h, argb);
}

int32_t tlp_canvas_text_width(const char *s, int32_t scale) {
  return (int32_t)strlen(s) * TLP_GLYPH_W * (scale < 1 ? 1 : scale);
}

int32_t tlp_canvas_text(tlp_canvas *c, int32_t x, int32_t y, const char *s, int32_t scale,
                        uint32_t argb) {
  int32_t x0 = x;
  if (scale < 1) scale = 1;
  for (; *s; s++) {
    const uint8_t *g = tlp_font_glyph((unsigned char)*s);
    for (int32_t r = 0; r < TLP_GLYPH_H; r++)
      for (int32_t k = 0; k < 5; k++)
        if (g[r] & (0x10 >> k))
          tlp_canvas_fill(c, x + k * scale, y + r * scale, scale, scale, argb);
    x += TLP_GLYPH_W * scale;
  }
  return x - x0;
}

int32_t tlp_canvas_save_png(const tlp_canvas *c, const char *path, int32_t x, int32_t y,
                            int32_t w, int32_t h) {
  uint8_t *rgba;
  int32_t rc;
  if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > c->w || y + h > c->h) {
    tlp_error_set("save_png: region %d,%d %dx%d is outside the %dx%d canvas", x, y, w, h,
                  c->w, c->h);
    return -1;
  }
  rgba = malloc((size_t)w * (size_t)h * 4);
  if (rgba == NULL) {
    tlp_error_set("save_png: out of memory");
    return -1;
  }
  for (int32_t r = 0; r < h; r++) {
    const uint32_t *src = c->px + (size_t)(y + r) * (size_t)c->w + (size_t)x;
    uint8_t *dst = rgba + (size_t)r * (size_t)w * 4;
    for (int32_t k = 0; k < w; k++) {
      uint32_t p = src[k];
      dst[4 * k] = (uint8_t)(p >> 16);
      dst[4 * k + 1] = (uint8_t)(p >> 8);
      dst[4 * k + 2] = (uint8_t)p;
      dst[4 * k + 3] = 255;
    }
  }
  rc = tlp_png_write(path, rgba, w, h, w * 4);
  free(rgba);
  return rc;
}

static inline uint32_t canvas_byte(float v, float lo, float scale) {
  float t = (v - lo) * scale;
  if (!(t > 0)) return 0;   /* also NaN */
  if (t >= 255) return 255;
  return (uint32_t)(t + 0.5f);
}

int32_t tlp_canvas_image(tlp_canvas *c, int32_t x, int32_t y, int32_t w, int32_t h,
                         const float *data, int32_t planes, int32_t ih, int32_t iw,
                         float lo, float hi) {
  float scale;
  int32_t dw, dh, ox, oy;
  size_t plane = (size_t)ih * (size_t)iw;
  if (planes != 1 && planes != 3) {
    tlp_error_set("image: %d channels (1 or 3 expected)", planes);
    return -1;
  }
  if (ih <= 0 || iw <= 0 || w <= 0 || h <= 0) {
    tlp_error_set("image: empty image or box");
    return -1;
  }
  scale = hi > lo ? 255.0f / (hi - lo) : 0.0f;
  /* Fit, keeping the aspect ratio; integer zoom when it enlarges, so
   * pixels stay square and sharp. */
  if ((double)w / iw < (double)h / ih) { dw = w; dh = (int32_t)((int64_t)ih * w / iw); }
  else { dh = h; dw = (int32_t)((int64_t)iw * h / ih); }
  if (dw >= iw && dh >= ih) {
    int32_t z = dw / iw < dh / ih ? dw / iw : dh / ih;
    dw = iw * z;
    dh = ih * z;
  }
  if (dw < 1) dw = 1;
  if (dh < 1) dh = 1;
  ox = x + (w - dw) / 2;
  oy = y + (h - dh) / 2;
  for (int32_t r = 0; r < dh; r++) {
    size_t sr = (size_t)((int64_t)r * ih / dh);
    for (int32_t k = 0; k < dw; k++) {
      size_t i = sr * (size_t)iw + (size_t)((int64_t)k * iw / dw);
      uint32_t R, G, B;
      R = canvas_byte(data[i], lo, scale);
      if (planes == 3) {
        G = canvas_byte(data[plane + i], lo, scale);
        B = canvas_byte(data[2 * plane + i], lo, scale);
      } else {
        G = B = R;
      }
      canvas_plot(c, ox + k, oy + r, 0xFF000000u | R << 16 | G << 8 | B);
    }
  }
  return 0;
}

int32_t tlp_canvas_heatmap(tlp_canvas *c, int32_t x, int32_t y, int32_t w, int32_t h,
                           const float *counts, int32_t ncols, int32_t nrows) {
  float top = 0;
  if (ncols <= 0 || nrows <= 0 || w <= 0 || h <= 0) {
    tlp_error_set("heatmap: empty data or box");
    return -1;
  }
  for (size_t i = 0; i < (size_t)ncols * (size_t)nrows; i++)
    if (counts[i] > top) top = counts[i];
  for (int32_t k = 0; k < w; k++) {
    const float *col = counts + (size_t)((int64_t)k * ncols / w) * (size_t)nrows;
    for (int32_t r = 0; r < h; r++) {
      float v = col[(int64_t)(h - 1 - r) * nrows / h];
      /* white (empty) through orange to dark red (the most) */
      float t = top > 0 ? sqrtf(v / top) : 0;
      uint32_t R = (uint32_t)(255 - 115 * t), G = (uint32_t)(255 - 235 * t),
               B = (uint32_t)(255 - 245 * t);
      canvas_plot(c, x + k, y + r, 0xFF000000u | R << 16 | G << 8 | B);
    }
  }
  return 0;
}
