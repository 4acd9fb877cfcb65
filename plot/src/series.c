/*
 * series.c: scalar curves for the dashboard. A series is two growable
 * arrays (x, y) appended to from the training loop: a push is a bounds
 * check and two stores, so it costs the loop nothing measurable.
 *
 * tlp_scalar_draw decimates: each plot column gets one vertical span from
 * the smallest to the largest value that falls in it, joined to the next
 * column. That is the same picture as drawing every segment, in one O(n)
 * pass with O(width) drawing, so a million points draw in a few ms.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_internal.h"

struct tlp_series {
  double *xs, *ys;   /* (cap,) each; the first n are used */
  int64_t n, cap;
  int64_t nonfinite;
  /* Running ranges over finite points, so a frame needs no extra pass. */
  double xmin, xmax, ymin, ymax, ypos_min;   /* ypos_min: smallest y > 0 */
  /* The EMA of ys for weight ema_w, computed up to ema_n and extended per
   * frame: a frame then costs the same with smoothing as without. */
  double *ema;
  int64_t ema_n, ema_cap;
  double ema_w, ema_acc, ema_weight;
};

tlp_series *tlp_series_new(void) {
  tlp_series *s = calloc(1, sizeof *s);
  if (s == NULL) {
    tlp_error_set("series: out of memory");
    return NULL;
  }
  s->xmin = s->ymin = s->ypos_min = INFINITY;
  s->xmax = s->ymax = -INFINITY;
  return s;
}

void tlp_series_free(tlp_series *s) {
  if (s == NULL) return;
  free(s->xs);
  free(s->ys);
  free(s->ema);
  free(s);
}

int32_t tlp_series_push(tlp_series *s, double x, double y) {
  if (s->n == s->cap) {
    int64_t cap = s->cap ? s->cap * 2 : 1024;
    double *xs = realloc(s->xs, (size_t)cap * sizeof(double));
    if (xs == NULL) goto oom;
    s->xs = xs;
    double *ys = realloc(s->ys, (size_t)cap * sizeof(double));
    if (ys == NULL) goto oom;
    s->ys = ys;
    s->cap = cap;
  }
  s->xs[s->n] = x;
  s->ys[s->n] = y;
  s->n++;
  if (!isfinite(x)) return 0;
  if (x < s->xmin) s->xmin = x;
  if (x > s->xmax) s->xmax = x;
  if (!isfinite(y)) {
    s->nonfinite++;
    return 0;
  }
  if (y < s->ymin) s->ymin = y;
  if (y > s->ymax) s->ymax = y;
  if (y > 0 && y < s->ypos_min) s->ypos_min = y;
  return 0;
oom:
  tlp_error_set("series: out of memory at %lld points", (long long)s->n);
  return -1;
}

int64_t tlp_series_length(const tlp_series *s) { return s->n; }
int64_t tlp_series_nonfinite(const tlp_series *s) { return s->nonfinite; }

int64_t tlp_series_read(const tlp_series *s, int64_t first, int64_t n, double *xs, double *ys) {
  if (first < 0) first = 0;
  if (first > s->n) first = s->n;
  if (n > s->n - first) n = s->n - first;
  if (n <= 0) return 0;
  if (xs) memcpy(xs, s->xs + first, (size_t)n * sizeof(double));
  if (ys) memcpy(ys, s->ys + first, (size_t)n * sizeof(double));
  return n;
}

/* Brings s->ema up to date for weight w (debiased as TensorBoard does;
 * non-finite values are skipped, NaN until the first finite one). */
static int series_ema_update(tlp_series *s, double w) {
  if (s->ema_w != w) {
    s->ema_n = 0;
    s->ema_w = w;
  }
  if (s->ema_n == 0) {
    s->ema_acc = 0;
    s->ema_weight = 1;
  }
  if (s->ema_cap < s->cap) {
    double *e = realloc(s->ema, (size_t)s->cap * sizeof(double));
    if (e == NULL) {
      tlp_error_set("scalar pane: out of memory for smoothing");
      return -1;
    }
    s->ema = e;
    s->ema_cap = s->cap;
  }
  double acc = s->ema_acc, weight = s->ema_weight;
  for (int64_t i = s->ema_n; i < s->n; i++) {
    double y = s->ys[i];
    if (isfinite(y)) {
      acc = acc * w + (1 - w) * y;
      if (weight > 1e-300) weight *= w;
    }
    s->ema[i] = weight == 1 ? NAN : weight > 1e-300 ? acc / (1 - weight) : acc;
  }
  s->ema_acc = acc;
  s->ema_weight = weight;
  s->ema_n = s->n;
  return 0;
}

/* ---- drawing ------------------------------------------------------------------ */

#define NAN_COLOUR 0xFFE00000u

/* c blended halfway (and a bit more) towards the background. */
static uint32_t series_faint(uint32_t c, uint32_t bg) {
  uint32_t out = 0xFF000000u;
  for (int sh = 0; sh <= 16; sh += 8) {
    uint32_t a = (c >> sh) & 255, b = (bg >> sh) & 255;
    out |= ((a * 35 + b * 65) / 100) << sh;
  }
  return out;
}

/* y in axis units (log10 when logy); NaN when it cannot be drawn. */
static inline double series_ty(double y, int32_t logy) {
  if (logy) return y > 0 ? log10(y) : NAN;
  return y;
}

/* A "nice" tick step (1, 2 or 5 times a power of ten) near span/target. */
static double series_tick_step(double span, int target) {
  double raw = span / target, p = pow(10, floor(log10(raw))), f = raw / p;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

typedef struct series_view {
  int32_t x0, y0, w, h;          /* plot area */
  double xmin, xspan, ymin, yspan;
} series_view;

static inline int32_t series_col(const series_view *v, double x) {
  return (int32_t)floor((x - v->xmin) / v->xspan * (v->w - 1) + 0.5);
}
static inline int32_t series_row(const series_view *v, double ty) {
  return v->y0 + v->h - 1 - (int32_t)floor((ty - v->ymin) / v->yspan * (v->h - 1) + 0.5);
}

/* One curve (s's x against ys: its raw values or their EMA), decimated
 * to a min/max span per column. Columns holding a
 * non-finite raw value get a marker when nan_marks is set.
 * Min, max, first and last of each column are kept in data units and
 * mapped to rows once per column: log10 is monotonic, so this costs one
 * log per column instead of one per point. */
static void series_curve(tlp_canvas *c, const series_view *v, const tlp_series *s,
                         const double *ys, int32_t logy, uint32_t colour, int nan_marks) {
  const double xscale = (v->w - 1) / v->xspan, xmin = v->xmin;
  int32_t col = -1, last_nan_col = -1, prev_row = 0, have_prev = 0;
  double lo = 0, hi = 0, first = 0, last = 0;
  const double *xs = s->xs;
  for (int64_t i = 0; i <= s->n; i++) {
    double x = 0, y = 0;
    int32_t k = -2;   /* i == n: flush the last column */
    if (i < s->n) {
      x = xs[i];
      y = ys[i];
      if (!isfinite(x)) continue;
      k = (int32_t)((x - xmin) * xscale + 0.5);
      if (!isfinite(y)) {
        if (nan_marks && k != last_nan_col) {
          tlp_canvas_fill(c, v->x0 + k - 1, v->y0, 3, 9, NAN_COLOUR);
          tlp_canvas_line(c, v->x0 + k, v->y0, v->x0 + k, v->y0 + v->h - 1, NAN_COLOUR);
          last_nan_col = k;
        }
        continue;
      }
      if (logy && !(y > 0)) continue;
      if (k == col) {
        if (y < lo) lo = y;
        if (y > hi) hi = y;
        last = y;
        continue;
      }
    }
    if (col >= 0) {   /* draw the finished column */
      int32_t rlo = series_row(v, series_ty(lo, logy)), rhi = series_row(v, series_ty(hi, logy));
      int32_t rfirst = series_row(v, series_ty(first, logy));
      if (have_prev) tlp_canvas_line(c, v->x0 + col - 1, prev_row, v->x0 + col, rfirst, colour);
      tlp_canvas_line(c, v->x0 + col, rlo, v->x0 + col, rhi, colour);
      prev_row = series_row(v, series_ty(last, logy));
      have_prev = 1;
    }
    if (k == -2) break;
    if (col >= 0 && k != col + 1 && k > col) {
      /* a gap of empty columns: join straight across it */
      int32_t r = series_row(v, series_ty(y, logy));
      tlp_canvas_line(c, v->x0 + col, prev_row, v->x0 + k - 1, r, colour);
      prev_row = r;
    }
    col = k;
    lo = hi = first = last = y;
  }
}

static void series_axes(tlp_canvas *c, const series_view *v, int32_t logy,
                        const tlp_scalar_style *st) {
  char label[32];
  double step = series_tick_step(v->xspan, 6);
  for (double t = ceil(v->xmin / step) * step; t <= v->xmin + v->xspan * 1.0000001; t += step) {
    int32_t k = v->x0 + series_col(v, t);
    tlp_canvas_line(c, k, v->y0, k, v->y0 + v->h - 1, st->grid);
    snprintf(label, sizeof label, "%g", fabs(t) < step * 1e-6 ? 0.0 : t);
    int32_t lw = tlp_canvas_text_width(label, 1), lx = k - lw / 2;
    if (lx + lw > v->x0 + v->w + 8) lx = v->x0 + v->w + 8 - lw;   /* stay in the pane */
    tlp_canvas_text(c, lx, v->y0 + v->h + 4, label, 1, st->text);
  }
  if (logy && v->yspan < 2) {
    /* Less than two decades: label 1, 2 and 5 times each power of ten. */
    static const double mant[3] = {1, 2, 5};
    for (double e = floor(v->ymin); e <= v->ymin + v->yspan; e += 1) {
      for (int m = 0; m < 3; m++) {
        double t = e + log10(mant[m]);
        if (t < v->ymin || t > v->ymin + v->yspan) continue;
        int32_t r = series_row(v, t);
        tlp_canvas_line(c, v->x0, r, v->x0 + v->w - 1, r, st->grid);
        snprintf(label, sizeof label, "%g", mant[m] * pow(10, e));
        tlp_canvas_text(c, v->x0 - 4 - tlp_canvas_text_width(label, 1), r - 3, label, 1,
                        st->text);
      }
    }
  } else {
    step = logy ? fmax(1, floor(series_tick_step(v->yspan, 5))) : series_tick_step(v->yspan, 5);
    for (double t = ceil(v->ymin / step) * step; t <= v->ymin + v->yspan * 1.0000001;
         t += step) {
      int32_t r = series_row(v, t);
      tlp_canvas_line(c, v->x0, r, v->x0 + v->w - 1, r, st->grid);
      if (logy) snprintf(label, sizeof label, "1e%d", (int)lround(t));
      else snprintf(label, sizeof label, "%.4g", fabs(t) < step * 1e-6 ? 0.0 : t);
      tlp_canvas_text(c, v->x0 - 4 - tlp_canvas_text_width(label, 1), r - 3, label, 1,
                      st->text);
    }
  }
  tlp_canvas_rect(c, v->x0 - 1, v->y0 - 1, v->w + 2, v->h + 2, st->axis);
}

/* The point of s nearest to x (by x), or -1. */
static int64_t series_nearest(const tlp_series *s, double x) {
  int64_t best = -1;
  double bd = INFINITY;
  for (int64_t i = 0; i < s->n; i++) {
    double d = fabs(s->xs[i] - x);
    if (d < bd) { bd = d; best = i; }
  }
  return best;
}

int32_t tlp_scalar_draw(tlp_canvas *c, int32_t x, int32_t y, int32_t w, int32_t h,
                        tlp_series *const *series, const uint32_t *colours, int32_t n,
                        tlp_scalar_style *st) {
  series_view v;
  double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
  int32_t logy = st->logy != 0;
  if (w < 80 || h < 40) {
    tlp_error_set("scalar pane: %dx%d is too small (80x40 at least)", w, h);
    return -1;
  }
  if (st->smoothing < 0 || st->smoothing >= 1) {
    tlp_error_set("scalar pane: smoothing %g is outside [0, 1)", st->smoothing);
    return -1;
  }
  for (int32_t i = 0; i < n; i++) {
    const tlp_series *s = series[i];
    double lo = logy ? s->ypos_min : s->ymin, hi = s->ymax;
    if (s->xmin < xmin) xmin = s->xmin;
    if (s->xmax > xmax) xmax = s->xmax;
    if (!(lo <= hi) || !isfinite(lo)) continue;
    if (series_ty(lo, logy) < ymin) ymin = series_ty(lo, logy);
    if (series_ty(hi, logy) > ymax) ymax = series_ty(hi, logy);
  }
  tlp_canvas_fill(c, x, y, w, h, st->background);
  v.x0 = x + 56;
  v.y0 = y + 6;
  v.w = w - 56 - 10;
  v.h = h - 6 - 16;
  if (!(xmax >= xmin)) { xmin = 0; xmax = 1; }
  if (!(ymax >= ymin)) { ymin = 0; ymax = 1; }
  if (xmax == xmin) { xmin -= 0.5; xmax += 0.5; }
  if (ymax == ymin) { ymin -= 0.5; ymax += 0.5; }
  double pad = (ymax - ymin) * 0.05;
  v.xmin = xmin;
  v.xspan = xmax - xmin;
  v.ymin = ymin - pad;
  v.yspan = ymax - ymin + 2 * pad;
  st->area_x = v.x0;
  st->area_y = v.y0;
  st->area_w = v.w;
  st->area_h = v.h;
  st->xmin = v.xmin;
  st->xmax = v.xmin + v.xspan;
  st->ymin = v.ymin;
  st->ymax = v.ymin + v.yspan;
  series_axes(c, &v, logy, st);
  for (int32_t i = 0; i < n; i++) {
    tlp_series *s = series[i];
    if (st->smoothing > 0) {
      if (series_ema_update(s, st->smoothing) != 0) return -1;
      series_curve(c, &v, s, s->ys, logy, series_faint(colours[i], st->background), 1);
      series_curve(c, &v, s, s->ema, logy, colours[i], 0);
    } else {
      series_curve(c, &v, s, s->ys, logy, colours[i], 1);
    }
  }
  if (st->cursor_x >= v.x0 && st->cursor_x < v.x0 + v.w) {
    double cx = v.xmin + (double)(st->cursor_x - v.x0) / (v.w - 1) * v.xspan;
    tlp_canvas_line(c, st->cursor_x, v.y0, st->cursor_x, v.y0 + v.h - 1, st->axis);
    for (int32_t i = 0; i < n; i++) {
      char label[64];
      int64_t j = series_nearest(series[i], cx);
      if (j < 0) continue;
      snprintf(label, sizeof label, "%g: %.5g", series[i]->xs[j], series[i]->ys[j]);
      tlp_canvas_text(c, v.x0 + 6, v.y0 + 6 + 10 * i, label, 1, colours[i]);
    }
  }
  return 0;
}
