/*
 * img_display.c: image windows with SDL2, and sixel encoding for the
 * terminal fallback.
 *
 * SDL is owned by one background thread, started on first use: it
 * creates the windows, uploads frames, repaints on expose/resize and
 * handles close, so the REPL never blocks and never has to pump events.
 * Callers hand it work through the slots below under one mutex; a call
 * that needs an answer (a new window, a read-back) waits on a condition
 * variable with a timeout, never forever.
 */
#include <SDL2/SDL.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "img_internal.h"

enum { IMG_MAXWIN = 32 };

typedef struct img_win {
  int32_t used;          /* slot allocated to a handle */
  int32_t open;          /* SDL window exists */
  SDL_Window *win;
  SDL_Renderer *ren;
  SDL_Texture *tex;
  int32_t tex_w, tex_h;
  uint8_t *frame;        /* pending HxWx3 frame, owned */
  int32_t fw, fh, zw, zh;
  int32_t shown_zw, shown_zh; /* size last asked for; a user's resize is kept
                                 until a frame asks for a different one */
  char title[256];
  int32_t dirty;         /* new frame or title to show */
  int32_t close_req;
  int32_t done_seq;      /* frames processed; callers wait for it */
  int32_t want_seq;
  int32_t rb_req;        /* read-back requested */
  uint8_t *rb;           /* read-back result (malloc'd by the thread) */
  int32_t rb_w, rb_h, rb_x, rb_y;
  char err[256];
} img_win;

static pthread_mutex_t img_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t img_cv = PTHREAD_COND_INITIALIZER;
static int32_t img_state;    /* 0 not started, 1 running, -1 SDL unavailable */
static char img_init_err[256];
static img_win img_wins[IMG_MAXWIN];
static pthread_t img_thread;
static int32_t img_quit;     /* set when the library is unloaded */

/* Draws the window's texture stretched to its current size. */
static void img_win_paint(img_win *w)
{
  SDL_SetRenderDrawColor(w->ren, 0, 0, 0, 255);
  SDL_RenderClear(w->ren);
  if (w->tex) SDL_RenderCopy(w->ren, w->tex, NULL, NULL);
}

static void img_win_destroy(img_win *w)
{
  if (w->tex) SDL_DestroyTexture(w->tex);
  if (w->ren) SDL_DestroyRenderer(w->ren);
  if (w->win) SDL_DestroyWindow(w->win);
  w->tex = NULL;
  w->ren = NULL;
  w->win = NULL;
  w->open = 0;
}

/* Applies a pending frame (thread side, lock held). */
static void img_win_update(img_win *w)
{
  w->err[0] = 0;
  if (!w->win) {
    w->win = SDL_CreateWindow(w->title, SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
                              w->zw, w->zh, SDL_WINDOW_RESIZABLE | SDL_WINDOW_SHOWN);
    if (w->win) w->ren = SDL_CreateRenderer(w->win, -1, SDL_RENDERER_SOFTWARE);
    if (!w->win || !w->ren) {
      snprintf(w->err, sizeof w->err, "cannot open a window: %s", SDL_GetError());
      img_win_destroy(w);
      return;
    }
    w->open = 1;
  } else {
    SDL_SetWindowTitle(w->win, w->title);
    if (w->shown_zw != w->zw || w->shown_zh != w->zh) SDL_SetWindowSize(w->win, w->zw, w->zh);
  }
  w->shown_zw = w->zw;
  w->shown_zh = w->zh;
  if (w->frame) {
    if (!w->tex || w->tex_w != w->fw || w->tex_h != w->fh) {
      if (w->tex) SDL_DestroyTexture(w->tex);
      w->tex = SDL_CreateTexture(w->ren, SDL_PIXELFORMAT_RGB24, SDL_TEXTUREACCESS_STREAMING,
                                 w->fw, w->fh);
      w->tex_w = w->fw;
      w->tex_h = w->fh;
    }
    if (w->tex) SDL_UpdateTexture(w->tex, NULL, w->frame, w->fw * 3);
    free(w->frame);
    w->frame = NULL;
  }
  img_win_paint(w);
  SDL_RenderPresent(w->ren);
}

static void img_win_readback(img_win *w)
{
  int ow = 0, oh = 0;
  free(w->rb);
  w->rb = NULL;
  if (!w->open) return;
  img_win_paint(w);
  SDL_GetRendererOutputSize(w->ren, &ow, &oh);
  w->rb = malloc((size_t)ow * (size_t)oh * 3 + 1);
  if (w->rb && SDL_RenderReadPixels(w->ren, NULL, SDL_PIXELFORMAT_RGB24, w->rb, ow * 3) != 0) {
    free(w->rb);
    w->rb = NULL;
  }
  SDL_RenderPresent(w->ren);
  w->rb_w = ow;
  w->rb_h = oh;
  SDL_GetWindowPosition(w->win, &w->rb_x, &w->rb_y);
}

static void *img_thread_main(void *arg)
{
  (void)arg;
  pthread_mutex_lock(&img_mu);
  if (SDL_Init(SDL_INIT_VIDEO) != 0) {
    snprintf(img_init_err, sizeof img_init_err, "%s", SDL_GetError());
    img_state = -1;
    pthread_cond_broadcast(&img_cv);
    pthread_mutex_unlock(&img_mu);
    return NULL;
  }
  img_state = 1;
  pthread_cond_broadcast(&img_cv);
  while (!img_quit) {
    for (int i = 0; i < IMG_MAXWIN; i++) {
      img_win *w = &img_wins[i];
      if (!w->used) continue;
      if (w->close_req) {
        img_win_destroy(w);
        free(w->frame);
        free(w->rb);
        memset(w, 0, sizeof *w);
        pthread_cond_broadcast(&img_cv);
        continue;
      }
      if (w->dirty) {
        w->dirty = 0;
        img_win_update(w);
        w->done_seq = w->want_seq;
        pthread_cond_broadcast(&img_cv);
      }
      if (w->rb_req) {
        w->rb_req = 0;
        img_win_readback(w);
        pthread_cond_broadcast(&img_cv);
      }
    }
    pthread_mutex_unlock(&img_mu);
    SDL_Event ev;
    int got = SDL_WaitEventTimeout(&ev, 10);
    pthread_mutex_lock(&img_mu);
    while (got) {
      if (ev.type == SDL_WINDOWEVENT) {
        for (int i = 0; i < IMG_MAXWIN; i++) {
          img_win *w = &img_wins[i];
          if (!w->open || SDL_GetWindowID(w->win) != ev.window.windowID) continue;
          if (ev.window.event == SDL_WINDOWEVENT_CLOSE) {
            img_win_destroy(w);   /* the handle stays; a later show reopens */
          } else if (ev.window.event == SDL_WINDOWEVENT_EXPOSED ||
                     ev.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
            img_win_paint(w);
            SDL_RenderPresent(w->ren);
          }
        }
      }
      got = SDL_PollEvent(&ev);
    }
  }
  /* No SDL calls here: we run while the loader unloads this library and
   * holds its lock, and SDL_Quit would dlclose its back-ends (deadlock).
   * The process is ending; the window system reclaims the windows. */
  img_state = 0;
  pthread_mutex_unlock(&img_mu);
  return NULL;
}

/* When the process exits (or LuaJIT unloads this library) the SDL thread
 * must stop before our code is unmapped under it. */
__attribute__((destructor)) static void img_display_unload(void)
{
  pthread_mutex_lock(&img_mu);
  int running = img_state == 1;
  img_quit = 1;
  pthread_mutex_unlock(&img_mu);
  if (running) pthread_join(img_thread, NULL);
}

/* Waits (lock held) until pred is true or about 5 s pass. */
static int img_wait(int (*pred)(int32_t), int32_t arg)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_sec += 5;
  while (!pred(arg))
    if (pthread_cond_timedwait(&img_cv, &img_mu, &ts) != 0) return pred(arg) ? 0 : -1;
  return 0;
}

static int img_started(int32_t unused)
{
  (void)unused;
  return img_state != 0;
}

/* Starts the SDL thread once; returns 1 when windows are available. */
static int32_t img_start(void)
{
  if (img_state == 0) {
    if (pthread_create(&img_thread, NULL, img_thread_main, NULL) != 0) {
      img_state = -1;
      snprintf(img_init_err, sizeof img_init_err, "cannot start the display thread");
    }
    if (img_state == 0 && img_wait(img_started, 0) != 0) {
      img_state = -1;
      snprintf(img_init_err, sizeof img_init_err, "display thread did not start");
    }
  }
  return img_state == 1;
}

int32_t tli_display_available(void)
{
  pthread_mutex_lock(&img_mu);
  int32_t ok = img_start();
  pthread_mutex_unlock(&img_mu);
  return ok;
}

static int img_frame_done(int32_t i)
{
  return !img_wins[i].used || img_wins[i].done_seq == img_wins[i].want_seq;
}

int32_t tli_window_show(int32_t handle, const tl_tensor *rgb, int32_t zoom_w, int32_t zoom_h,
                        const char *title)
{
  if (!rgb || rgb->dtype != TL_BYTE || rgb->ndim != 3 || rgb->size[2] != 3 ||
      !tl_tensor_is_contiguous(rgb) || rgb->size[0] < 1 || rgb->size[1] < 1 ||
      rgb->size[0] > 16384 || rgb->size[1] > 16384) {
    tli_error_set("display: expected a contiguous ByteTensor HxWx3 (sides up to 16384)");
    return -1;
  }
  if (zoom_w < 1 || zoom_h < 1 || zoom_w > 16384 || zoom_h > 16384) {
    tli_error_set("display: window size %dx%d out of range", (int)zoom_w, (int)zoom_h);
    return -1;
  }
  size_t n = (size_t)(rgb->size[0] * rgb->size[1] * 3);
  uint8_t *copy = malloc(n);
  if (!copy) {
    tli_error_set("display: out of memory");
    return -1;
  }
  memcpy(copy, tl_tensor_data(rgb), n);
  pthread_mutex_lock(&img_mu);
  int32_t rc = -1;
  if (!img_start()) {
    tli_error_set("display: no window system (%s)", img_init_err);
    free(copy);
    goto done;
  }
  int32_t i = handle - 1;
  if (handle <= 0 || handle > IMG_MAXWIN || !img_wins[i].used) {
    for (i = 0; i < IMG_MAXWIN && img_wins[i].used; i++) {}
    if (i == IMG_MAXWIN) {
      tli_error_set("display: too many windows (%d)", IMG_MAXWIN);
      free(copy);
      goto done;
    }
    memset(&img_wins[i], 0, sizeof img_wins[i]);
    img_wins[i].used = 1;
  }
  img_win *w = &img_wins[i];
  free(w->frame);
  w->frame = copy;
  w->fh = (int32_t)rgb->size[0];
  w->fw = (int32_t)rgb->size[1];
  w->zw = zoom_w;
  w->zh = zoom_h;
  snprintf(w->title, sizeof w->title, "%s", title ? title : "image.display");
  w->dirty = 1;
  w->want_seq++;
  if (img_wait(img_frame_done, i) != 0) {
    tli_error_set("display: the display thread did not answer");
    goto done;
  }
  if (w->err[0]) {
    tli_error_set("display: %s", w->err);
    goto done;
  }
  rc = i + 1;
done:
  pthread_mutex_unlock(&img_mu);
  return rc;
}

int tli_window_close(int32_t handle)
{
  pthread_mutex_lock(&img_mu);
  if (handle >= 1 && handle <= IMG_MAXWIN && img_wins[handle - 1].used)
    img_wins[handle - 1].close_req = 1;
  pthread_mutex_unlock(&img_mu);
  return 0;
}

int32_t tli_window_is_open(int32_t handle)
{
  pthread_mutex_lock(&img_mu);
  int32_t open = handle >= 1 && handle <= IMG_MAXWIN && img_wins[handle - 1].open;
  pthread_mutex_unlock(&img_mu);
  return open;
}

static int img_rb_done(int32_t i) { return !img_wins[i].used || !img_wins[i].rb_req; }

int tli_window_readback(int32_t handle, tl_tensor *out, int32_t *wx, int32_t *wy)
{
  int rc = -1;
  pthread_mutex_lock(&img_mu);
  if (handle < 1 || handle > IMG_MAXWIN || !img_wins[handle - 1].open) {
    tli_error_set("display: window %d is not open", (int)handle);
    goto done;
  }
  img_win *w = &img_wins[handle - 1];
  w->rb_req = 1;
  if (img_wait(img_rb_done, handle - 1) != 0 || !w->rb) {
    tli_error_set("display: cannot read the window back");
    goto done;
  }
  int64_t size[3] = {w->rb_h, w->rb_w, 3};
  if (tl_tensor_resize(out, 3, size) != 0) {
    tli_error_set("%s", tl_error_message());
    goto done;
  }
  memcpy(tl_tensor_data(out), w->rb, (size_t)(w->rb_h * w->rb_w * 3));
  *wx = w->rb_x;
  *wy = w->rb_y;
  rc = 0;
done:
  pthread_mutex_unlock(&img_mu);
  return rc;
}

/* ---- sixel ---------------------------------------------------------------
 * Colours are quantised to a 6x6x6 cube; each band of six rows is written
 * once per colour it uses, with run-length encoding. */

typedef struct img_buf {
  char *p;
  size_t len, cap;
  int failed;
} img_buf;

static void img_put(img_buf *b, const char *s, size_t n)
{
  if (b->failed) return;
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 65536;
    while (cap < b->len + n) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
      b->failed = 1;
      return;
    }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
}

static void img_putf(img_buf *b, const char *fmt, int a, int c, int d, int e)
{
  char tmp[64];
  int n = snprintf(tmp, sizeof tmp, fmt, a, c, d, e);
  img_put(b, tmp, (size_t)n);
}

static void img_sixel_run(img_buf *b, int ch, int count)
{
  if (count <= 0) return;
  if (count > 3) {
    img_putf(b, "!%d%c", count, ch, 0, 0);
  } else {
    char s[3] = {(char)ch, (char)ch, (char)ch};
    img_put(b, s, (size_t)count);
  }
}

int tli_sixel_encode(const tl_tensor *rgb, tl_tensor *out)
{
  if (!rgb || rgb->dtype != TL_BYTE || rgb->ndim != 3 || rgb->size[2] != 3 ||
      !tl_tensor_is_contiguous(rgb) || rgb->size[0] < 1 || rgb->size[1] < 1) {
    tli_error_set("display: expected a contiguous ByteTensor HxWx3");
    return -1;
  }
  int64_t h = rgb->size[0], w = rgb->size[1];
  const uint8_t *px = tl_tensor_data(rgb);
  uint8_t *idx = malloc((size_t)(h * w));
  img_buf b = {NULL, 0, 0, 0};
  if (!idx) {
    tli_error_set("display: out of memory");
    return -1;
  }
  for (int64_t i = 0; i < h * w; i++) {
    int r = (px[3 * i] * 5 + 127) / 255, g = (px[3 * i + 1] * 5 + 127) / 255;
    int bl = (px[3 * i + 2] * 5 + 127) / 255;
    idx[i] = (uint8_t)(r * 36 + g * 6 + bl);
  }
  img_put(&b, "\033Pq", 3);
  img_putf(&b, "\"1;1;%d;%d", (int)w, (int)h, 0, 0);
  for (int c = 0; c < 216; c++)
    img_putf(&b, "#%d;2;%d;%d;%d", c, (c / 36) * 20, ((c / 6) % 6) * 20, (c % 6) * 20);
  for (int64_t y0 = 0; y0 < h; y0 += 6) {
    uint8_t used[216] = {0};
    for (int64_t y = y0; y < y0 + 6 && y < h; y++)
      for (int64_t x = 0; x < w; x++) used[idx[y * w + x]] = 1;
    int first = 1;
    for (int c = 0; c < 216; c++) {
      if (!used[c]) continue;
      if (!first) img_put(&b, "$", 1);
      first = 0;
      img_putf(&b, "#%d", c, 0, 0, 0);
      int run_ch = -1, run = 0;
      for (int64_t x = 0; x < w; x++) {
        int bits = 0;
        for (int64_t k = 0; k < 6 && y0 + k < h; k++)
          if (idx[(y0 + k) * w + x] == c) bits |= 1 << k;
        int ch = 63 + bits;
        if (ch == run_ch) {
          run++;
        } else {
          img_sixel_run(&b, run_ch, run);
          run_ch = ch;
          run = 1;
        }
      }
      img_sixel_run(&b, run_ch, run);
    }
    img_put(&b, "-", 1);
  }
  img_put(&b, "\033\\", 2);
  free(idx);
  int rc = -1;
  int64_t n = (int64_t)b.len;
  if (b.failed) tli_error_set("display: out of memory");
  else if (tl_tensor_resize(out, 1, &n) != 0) tli_error_set("%s", tl_error_message());
  else {
    memcpy(tl_tensor_data(out), b.p, b.len);
    rc = 0;
  }
  free(b.p);
  return rc;
}
