/*
 * img_draw.c: drawing into images: text with a built-in 5x7 bitmap font
 * (drawn for this project; ASCII 32..126) and rectangle outlines.
 *
 * Coordinates are 0-based pixels; anything outside the image is clipped.
 */
#include "img_internal.h"

/* One glyph per printable ASCII character: 7 rows, top first; bit 4 is
 * the leftmost of 5 columns. */
static const uint8_t img_font[95][7] = {
  {0, 0, 0, 0, 0, 0, 0}, {4, 4, 4, 4, 4, 0, 4}, {10, 10, 0, 0, 0, 0, 0},
  {10, 10, 31, 10, 31, 10, 10}, {4, 15, 20, 14, 5, 30, 4}, {24, 25, 2, 4, 8, 19, 3},
  {12, 18, 20, 8, 21, 18, 13}, {4, 4, 0, 0, 0, 0, 0}, {2, 4, 8, 8, 8, 4, 2},
  {8, 4, 2, 2, 2, 4, 8}, {0, 4, 21, 14, 21, 4, 0}, {0, 4, 4, 31, 4, 4, 0},
  {0, 0, 0, 0, 12, 4, 8}, {0, 0, 0, 31, 0, 0, 0}, {0, 0, 0, 0, 0, 12, 12},
  {0, 1, 2, 4, 8, 16, 0}, {14, 17, 19, 21, 25, 17, 14}, {4, 12, 4, 4, 4, 4, 14},
  {14, 17, 1, 2, 4, 8, 31}, {31, 2, 4, 2, 1, 17, 14}, {2, 6, 10, 18, 31, 2, 2},
  {31, 16, 30, 1, 1, 17, 14}, {6, 8, 16, 30, 17, 17, 14}, {31, 1, 2, 4, 8, 8, 8},
  {14, 17, 17, 14, 17, 17, 14}, {14, 17, 17, 15, 1, 2, 12}, {0, 12, 12, 0, 12, 12, 0},
  {0, 12, 12, 0, 12, 4, 8}, {2, 4, 8, 16, 8, 4, 2}, {0, 0, 31, 0, 31, 0, 0},
  {8, 4, 2, 1, 2, 4, 8}, {14, 17, 1, 2, 4, 0, 4}, {14, 17, 1, 13, 21, 21, 14},
  {14, 17, 17, 31, 17, 17, 17}, {30, 17, 17, 30, 17, 17, 30}, {14, 17, 16, 16, 16, 17, 14},
  {28, 18, 17, 17, 17, 18, 28}, {31, 16, 16, 30, 16, 16, 31}, {31, 16, 16, 30, 16, 16, 16},
  {14, 17, 16, 23, 17, 17, 15}, {17, 17, 17, 31, 17, 17, 17}, {14, 4, 4, 4, 4, 4, 14},
  {7, 2, 2, 2, 2, 18, 12}, {17, 18, 20, 24, 20, 18, 17}, {16, 16, 16, 16, 16, 16, 31},
  {17, 27, 21, 21, 17, 17, 17}, {17, 17, 25, 21, 19, 17, 17}, {14, 17, 17, 17, 17, 17, 14},
  {30, 17, 17, 30, 16, 16, 16}, {14, 17, 17, 17, 21, 18, 13}, {30, 17, 17, 30, 20, 18, 17},
  {15, 16, 16, 14, 1, 1, 30}, {31, 4, 4, 4, 4, 4, 4}, {17, 17, 17, 17, 17, 17, 14},
  {17, 17, 17, 17, 17, 10, 4}, {17, 17, 17, 21, 21, 21, 10}, {17, 17, 10, 4, 10, 17, 17},
  {17, 17, 17, 10, 4, 4, 4}, {31, 1, 2, 4, 8, 16, 31}, {14, 8, 8, 8, 8, 8, 14},
  {0, 16, 8, 4, 2, 1, 0}, {14, 2, 2, 2, 2, 2, 14}, {4, 10, 17, 0, 0, 0, 0},
  {0, 0, 0, 0, 0, 0, 31}, {8, 4, 2, 0, 0, 0, 0}, {0, 0, 14, 1, 15, 17, 15},
  {16, 16, 22, 25, 17, 17, 30}, {0, 0, 14, 16, 16, 17, 14}, {1, 1, 13, 19, 17, 17, 15},
  {0, 0, 14, 17, 31, 16, 14}, {6, 9, 8, 28, 8, 8, 8}, {0, 15, 17, 17, 15, 1, 14},
  {16, 16, 22, 25, 17, 17, 17}, {4, 0, 12, 4, 4, 4, 14}, {2, 0, 6, 2, 2, 18, 12},
  {16, 16, 18, 20, 24, 20, 18}, {12, 4, 4, 4, 4, 4, 14}, {0, 0, 26, 21, 21, 17, 17},
  {0, 0, 22, 25, 17, 17, 17}, {0, 0, 14, 17, 17, 17, 14}, {0, 0, 30, 17, 30, 16, 16},
  {0, 0, 13, 19, 15, 1, 1}, {0, 0, 22, 25, 16, 16, 16}, {0, 0, 14, 16, 14, 1, 30},
  {8, 8, 28, 8, 8, 9, 6}, {0, 0, 17, 17, 17, 19, 13}, {0, 0, 17, 17, 17, 10, 4},
  {0, 0, 17, 17, 21, 21, 10}, {0, 0, 17, 10, 4, 10, 17}, {0, 0, 17, 17, 15, 1, 14},
  {0, 0, 31, 2, 4, 8, 31}, {2, 4, 4, 8, 4, 4, 2}, {4, 4, 4, 4, 4, 4, 4},
  {8, 4, 4, 2, 4, 4, 8}, {0, 0, 8, 21, 2, 0, 0},
};

static void img_fill_px(const tli_img *m, int64_t y, int64_t x, const double *color,
                        int32_t ncolor)
{
  if (y < 0 || y >= m->h || x < 0 || x >= m->w) return;
  for (int64_t k = 0; k < m->c; k++) tli_put(m, k, y, x, color[k < ncolor ? k : ncolor - 1]);
}

int tli_draw_text(tl_tensor *img, const char *text, int64_t x, int64_t y, int32_t size,
                  const double *color, int32_t ncolor, const double *bg, int32_t wrap)
{
  tli_img m;
  if (tli_img_view(&m, img, "drawText", "image") != 0) return -1;
  if (size < 1 || size > 100 || ncolor < 1) {
    tli_error_set("drawText: size must be in 1..100 (got %d)", (int)size);
    return -1;
  }
  int64_t cw = 6 * size, ch = 8 * size, cx = x, cy = y;
  for (const char *p = text; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (c == '\n') {
      cx = x;
      cy += ch;
      continue;
    }
    if (wrap && cx + cw > m.w && cx > x) {
      cx = x;
      cy += ch;
    }
    const uint8_t *g = img_font[(c >= 32 && c < 127) ? c - 32 : '?' - 32];
    for (int64_t r = 0; r < 8; r++)
      for (int64_t col = 0; col < 6; col++) {
        int on = r < 7 && col < 5 && ((g[r] >> (4 - col)) & 1);
        if (!on && !bg) continue;
        for (int64_t dy = 0; dy < size; dy++)
          for (int64_t dx = 0; dx < size; dx++)
            img_fill_px(&m, cy + r * size + dy, cx + col * size + dx, on ? color : bg, ncolor);
      }
    cx += cw;
  }
  return 0;
}

int tli_draw_rect(tl_tensor *img, int64_t x1, int64_t y1, int64_t x2, int64_t y2,
                  int32_t line_width, const double *color, int32_t ncolor)
{
  tli_img m;
  if (tli_img_view(&m, img, "drawRect", "image") != 0) return -1;
  if (line_width < 1 || ncolor < 1) {
    tli_error_set("drawRect: line width must be at least 1 (got %d)", (int)line_width);
    return -1;
  }
  if (x2 < x1) { int64_t t = x1; x1 = x2; x2 = t; }
  if (y2 < y1) { int64_t t = y1; y1 = y2; y2 = t; }
  /* Outline of the inclusive box, line_width pixels thick inwards. */
  for (int64_t y = y1; y <= y2; y++)
    for (int64_t x = x1; x <= x2; x++) {
      int edge = y - y1 < line_width || y2 - y < line_width || x - x1 < line_width ||
                 x2 - x < line_width;
      if (edge) img_fill_px(&m, y, x, color, ncolor);
    }
  return 0;
}
