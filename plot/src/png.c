/*
 * png.c: PNG files as 8-bit RGBA pixels, through libpng's simplified API.
 * Used by the tests (to decode what gnuplot drew) and by the dashboard's
 * headless mode and exports.
 */
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "plot_internal.h"

uint8_t *tlp_png_read(const char *path, int32_t *w, int32_t *h) {
  png_image img;
  uint8_t *buf;
  memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&img, path)) {
    tlp_error_set("cannot read PNG '%s': %s", path, img.message);
    return NULL;
  }
  img.format = PNG_FORMAT_RGBA;
  buf = malloc(PNG_IMAGE_SIZE(img));
  if (buf == NULL) {
    png_image_free(&img);
    tlp_error_set("cannot read PNG '%s': out of memory", path);
    return NULL;
  }
  if (!png_image_finish_read(&img, NULL, buf, 0, NULL)) {
    tlp_error_set("cannot decode PNG '%s': %s", path, img.message);
    free(buf);
    return NULL;
  }
  *w = (int32_t)img.width;
  *h = (int32_t)img.height;
  return buf;
}

void tlp_png_free(uint8_t *pixels) { free(pixels); }

int32_t tlp_png_write(const char *path, const uint8_t *rgba, int32_t w, int32_t h,
                      int32_t stride) {
  png_image img;
  if (w <= 0 || h <= 0 || stride < 4 * w) {
    tlp_error_set("tlp_png_write: bad size %dx%d (stride %d)", w, h, stride);
    return -1;
  }
  memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  img.width = (png_uint_32)w;
  img.height = (png_uint_32)h;
  img.format = PNG_FORMAT_RGBA;
  if (!png_image_write_to_file(&img, path, 0, rgba, stride, NULL)) {
    tlp_error_set("cannot write PNG '%s': %s", path, img.message);
    return -1;
  }
  return 0;
}
