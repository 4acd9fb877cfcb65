/*
 * img_ppm.c: the Netpbm formats: P1-P6 reading (PBM, PGM, PPM; ascii and
 * binary; maxval up to 65535), P5/P6 writing.
 *
 * Output values are sample/maxval scaled to 0..255 for ByteTensors and
 * to [0,1] otherwise (PBM's 1 is black, so it becomes 0).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include "img_internal.h"

/* Skips whitespace and '#' comments; returns the next character. */
static int img_ppm_skip(FILE *fp)
{
  int ch = fgetc(fp);
  for (;;) {
    if (ch == '#') {
      while (ch != '\n' && ch != EOF) ch = fgetc(fp);
    } else if (ch != EOF && isspace(ch)) {
      ch = fgetc(fp);
    } else {
      return ch;
    }
  }
}

/* Reads a decimal header or ascii-sample number; -1 on error. */
static int64_t img_ppm_number(FILE *fp)
{
  int ch = img_ppm_skip(fp);
  if (ch == EOF || !isdigit(ch)) return -1;
  int64_t v = 0;
  while (ch != EOF && isdigit(ch)) {
    v = v * 10 + (ch - '0');
    if (v > ((int64_t)1 << 31)) return -1;
    ch = fgetc(fp);
  }
  return v;
}

typedef struct img_ppm_hdr {
  int kind;          /* 1..6 as in "P1".."P6" */
  int64_t c, h, w, maxval;
} img_ppm_hdr;

static int img_ppm_header(FILE *fp, const char *path, img_ppm_hdr *hd)
{
  int a = fgetc(fp), b = fgetc(fp);
  if (a != 'P' || b < '1' || b > '6') {
    tli_error_set("'%s' is not a PPM/PGM/PBM file", path);
    return -1;
  }
  hd->kind = b - '0';
  hd->c = (hd->kind == 3 || hd->kind == 6) ? 3 : 1;
  hd->w = img_ppm_number(fp);
  hd->h = img_ppm_number(fp);
  hd->maxval = (hd->kind == 1 || hd->kind == 4) ? 1 : img_ppm_number(fp);
  if (hd->w <= 0 || hd->h <= 0 || hd->maxval <= 0 || hd->maxval > 65535) {
    tli_error_set("'%s': bad PPM header", path);
    return -1;
  }
  if (hd->c * hd->h * hd->w > tli_max_pixels()) {
    tli_error_set("image too large: %lldx%lldx%lld exceeds the limit of %lld samples",
                  (long long)hd->c, (long long)hd->h, (long long)hd->w,
                  (long long)tli_max_pixels());
    return -1;
  }
  return 0;
}

int tli_ppm_size(const char *path, int64_t *chw)
{
  FILE *fp = fopen(path, "rb");
  img_ppm_hdr hd;
  if (!fp) {
    tli_error_set("cannot open '%s' for reading", path);
    return -1;
  }
  int rc = img_ppm_header(fp, path, &hd);
  fclose(fp);
  if (rc == 0) {
    chw[0] = hd.c;
    chw[1] = hd.h;
    chw[2] = hd.w;
  }
  return rc;
}

/* Reads the n samples into buf (as raw sample values). */
static int img_ppm_samples(FILE *fp, const img_ppm_hdr *hd, uint16_t *buf, int64_t n)
{
  if (hd->kind <= 3) {
    for (int64_t i = 0; i < n; i++) {
      int64_t v;
      if (hd->kind == 1) {   /* PBM ascii digits need no separators */
        int ch = img_ppm_skip(fp);
        v = ch == '0' ? 0 : (ch == '1' ? 1 : -1);
      } else {
        v = img_ppm_number(fp);
      }
      if (v < 0 || v > hd->maxval) return -1;
      buf[i] = (uint16_t)v;
    }
    return 0;
  }
  if (hd->kind == 4) {   /* rows of packed bits, MSB first */
    int64_t rowbytes = (hd->w + 7) / 8;
    for (int64_t y = 0; y < hd->h; y++)
      for (int64_t j = 0; j < rowbytes; j++) {
        int ch = fgetc(fp);
        if (ch == EOF) return -1;
        for (int64_t b = 0; b < 8 && j * 8 + b < hd->w; b++)
          buf[y * hd->w + j * 8 + b] = (uint16_t)((ch >> (7 - b)) & 1);
      }
    return 0;
  }
  for (int64_t i = 0; i < n; i++) {
    int hi = 0, lo = fgetc(fp);
    if (hd->maxval > 255) {
      hi = lo;
      lo = fgetc(fp);
    }
    if (lo == EOF || hi == EOF) return -1;
    buf[i] = (uint16_t)(hi * 256 + lo);
    if (buf[i] > hd->maxval) return -1;
  }
  return 0;
}

int tli_ppm_decode(const char *path, tl_tensor *dst, int32_t *maxval)
{
  FILE *fp = fopen(path, "rb");
  img_ppm_hdr hd;
  uint16_t *buf = NULL;
  int rc = -1;
  if (!fp) {
    tli_error_set("cannot open '%s' for reading", path);
    return -1;
  }
  if (img_ppm_header(fp, path, &hd) != 0) goto done;
  /* Binary formats have exactly one whitespace byte before the raster. */
  int64_t n = hd.c * hd.h * hd.w;
  buf = malloc((size_t)n * sizeof *buf);
  if (!buf) {
    tli_error_set("out of memory for a %lldx%lld image", (long long)hd.w, (long long)hd.h);
    goto done;
  }
  if (img_ppm_samples(fp, &hd, buf, n) != 0) {
    tli_error_set("'%s': truncated or corrupt PPM data", path);
    goto done;
  }
  if (tli_resize3(dst, hd.c, hd.h, hd.w) != 0) goto done;
  tli_img m;
  if (tli_img_view(&m, dst, "loadPPM", "destination") != 0) goto done;
  double scale = (m.dtype == TL_BYTE ? 255.0 : 1.0) / (double)hd.maxval;
  for (int64_t y = 0; y < hd.h; y++)
    for (int64_t x = 0; x < hd.w; x++)
      for (int64_t k = 0; k < hd.c; k++) {
        double v = buf[(y * hd.w + x) * hd.c + k];
        if (hd.kind == 1 || hd.kind == 4) v = 1 - v;
        tli_put(&m, k, y, x, v * scale);
      }
  if (maxval) *maxval = (int32_t)hd.maxval;
  rc = 0;
done:
  free(buf);
  fclose(fp);
  return rc;
}

int tli_ppm_encode(const tl_tensor *src, const char *path)
{
  tli_img m;
  if (tli_img_view(&m, src, "savePPM", "image") != 0) return -1;
  if (m.dtype != TL_BYTE || (m.c != 1 && m.c != 3) || m.h < 1 || m.w < 1) {
    tli_error_set("savePPM: expected a ByteTensor 1xHxW, HxW or 3xHxW");
    return -1;
  }
  FILE *fp = fopen(path, "wb");
  if (!fp) {
    tli_error_set("cannot open '%s' for writing", path);
    return -1;
  }
  int ok = fprintf(fp, "P%d\n%lld %lld\n255\n", m.c == 3 ? 6 : 5, (long long)m.w,
                   (long long)m.h) > 0;
  for (int64_t y = 0; ok && y < m.h; y++)
    for (int64_t x = 0; ok && x < m.w; x++)
      for (int64_t k = 0; ok && k < m.c; k++)
        ok = fputc((int)tli_px(&m, k, y, x), fp) != EOF;
  if (fclose(fp) != 0) ok = 0;
  if (!ok) {
    tli_error_set("error writing '%s'", path);
    return -1;
  }
  return 0;
}
