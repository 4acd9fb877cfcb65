/*
 * window.c: an SDL2 window that shows a canvas, driven by a thread of its
 * own so that the training loop never waits on the display.
 *
 * The calling thread renders a frame into its canvas (in memory), then
 * tlp_window_present copies the pixels into the window's buffer and
 * returns: a memcpy. The window thread owns every SDL object (created,
 * used and destroyed there, as SDL requires of one thread), uploads the
 * newest buffer to a streaming texture copied 1:1, presents it, and
 * queues input events for tlp_window_poll. tlp_window_screenshot asks the
 * thread to read the window back from the X server, after the newest
 * frame has been shown, to prove that the screen holds exactly the
 * renderer's pixels.
 *
 * One window at a time may be open: SDL's event queue is global, and one
 * thread must own it.
 */
#include <SDL.h>
#include <SDL_syswm.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef TLP_HAVE_X11
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#endif

#include "plot_internal.h"

#define WINDOW_QUEUE 256

struct tlp_window {
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;      /* signalled on every state change below */
  int32_t w, h;
  char title[128];
  uint32_t *back;         /* (h, w): the newest frame, guarded by mu */
  int dirty, stop, ready, failed;
  char err[256];
  tlp_event queue[WINDOW_QUEUE];
  int qhead, qtail;
  uint32_t *shot;         /* screenshot request: destination, or NULL */
  int shot_done, shot_rc;
  char shot_err[128];
};

static pthread_mutex_t window_global = PTHREAD_MUTEX_INITIALIZER;
static int window_open = 0;

static void window_push_event(tlp_window *win, const tlp_event *ev) {
  int next = (win->qtail + 1) % WINDOW_QUEUE;
  if (next == win->qhead) win->qhead = (win->qhead + 1) % WINDOW_QUEUE;  /* drop oldest */
  win->queue[win->qtail] = *ev;
  win->qtail = next;
}

static void window_events(tlp_window *win) {
  SDL_Event e;
  while (SDL_PollEvent(&e)) {
    tlp_event ev;
    memset(&ev, 0, sizeof ev);
    if (e.type == SDL_QUIT ||
        (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_CLOSE)) {
      ev.type = 1;
    } else if (e.type == SDL_MOUSEMOTION) {
      ev.type = 2;
      ev.x = e.motion.x;
      ev.y = e.motion.y;
    } else if (e.type == SDL_KEYDOWN) {
      ev.type = 3;
      ev.key = e.key.keysym.sym;
    } else {
      continue;
    }
    pthread_mutex_lock(&win->mu);
    window_push_event(win, &ev);
    pthread_mutex_unlock(&win->mu);
  }
}

/* Reads the window from the X server into out (called on the thread). */
static int window_grab(tlp_window *win, SDL_Window *sw, uint32_t *out) {
#ifdef TLP_HAVE_X11
  SDL_SysWMinfo info;
  XImage *img;
  SDL_VERSION(&info.version);
  if (!SDL_GetWindowWMInfo(sw, &info) || info.subsystem != SDL_SYSWM_X11) {
    snprintf(win->shot_err, sizeof win->shot_err, "the window is not on an X11 display");
    return -1;
  }
  XSync(info.info.x11.display, False);
  img = XGetImage(info.info.x11.display, info.info.x11.window, 0, 0, (unsigned)win->w,
                  (unsigned)win->h, AllPlanes, ZPixmap);
  if (img == NULL) {
    snprintf(win->shot_err, sizeof win->shot_err, "XGetImage failed");
    return -1;
  }
  for (int32_t r = 0; r < win->h; r++)
    for (int32_t k = 0; k < win->w; k++)
      out[(size_t)r * (size_t)win->w + (size_t)k] =
          0xFF000000u | (uint32_t)(XGetPixel(img, k, r) & 0xFFFFFFu);
  XDestroyImage(img);
  return 0;
#else
  (void)sw; (void)out;
  snprintf(win->shot_err, sizeof win->shot_err, "built without X11");
  return -1;
#endif
}

static void *window_main(void *arg) {
  tlp_window *win = arg;
  SDL_Window *sw = NULL;
  SDL_Renderer *ren = NULL;
  SDL_Texture *tex = NULL;
  int inited = SDL_InitSubSystem(SDL_INIT_VIDEO) == 0;
  if (inited) {
    sw = SDL_CreateWindow(win->title, SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
                          win->w, win->h, SDL_WINDOW_SHOWN);
    /* The software renderer: no GPU context to set up, exact pixels. */
    if (sw) ren = SDL_CreateRenderer(sw, -1, SDL_RENDERER_SOFTWARE);
    if (ren)
      tex = SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING,
                              win->w, win->h);
  }
  pthread_mutex_lock(&win->mu);
  if (tex == NULL) {
    snprintf(win->err, sizeof win->err, "no display (%s)", SDL_GetError());
    win->failed = 1;
  }
  win->ready = 1;
  pthread_cond_broadcast(&win->cv);
  while (!win->failed && !win->stop) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 15 * 1000000;   /* poll input about 60 times a second */
    if (until.tv_nsec >= 1000000000) { until.tv_sec++; until.tv_nsec -= 1000000000; }
    if (!win->dirty && win->shot == NULL) pthread_cond_timedwait(&win->cv, &win->mu, &until);
    if (win->dirty) {
      SDL_UpdateTexture(tex, NULL, win->back, win->w * 4);
      win->dirty = 0;
      pthread_mutex_unlock(&win->mu);
      SDL_RenderCopy(ren, tex, NULL, NULL);
      SDL_RenderPresent(ren);
      pthread_mutex_lock(&win->mu);
    }
    if (win->shot && !win->dirty) {
      win->shot_rc = window_grab(win, sw, win->shot);
      win->shot = NULL;
      win->shot_done = 1;
      pthread_cond_broadcast(&win->cv);
    }
    pthread_mutex_unlock(&win->mu);
    window_events(win);
    pthread_mutex_lock(&win->mu);
  }
  pthread_mutex_unlock(&win->mu);
  if (tex) SDL_DestroyTexture(tex);
  if (ren) SDL_DestroyRenderer(ren);
  if (sw) SDL_DestroyWindow(sw);
  if (inited) SDL_QuitSubSystem(SDL_INIT_VIDEO);
  return NULL;
}

static void window_free(tlp_window *win) {
  pthread_mutex_destroy(&win->mu);
  pthread_cond_destroy(&win->cv);
  free(win->back);
  free(win);
}

tlp_window *tlp_window_open(const char *title, int32_t w, int32_t h) {
  tlp_window *win;
  if (w <= 0 || h <= 0 || w > 16384 || h > 16384) {
    tlp_error_set("window: bad size %dx%d", w, h);
    return NULL;
  }
  pthread_mutex_lock(&window_global);
  if (window_open) {
    pthread_mutex_unlock(&window_global);
    tlp_error_set("window: one dashboard window is open already");
    return NULL;
  }
  window_open = 1;
  pthread_mutex_unlock(&window_global);
  win = calloc(1, sizeof *win);
  if (win) win->back = calloc((size_t)w * (size_t)h, sizeof(uint32_t));
  if (win == NULL || win->back == NULL) {
    if (win) free(win);
    tlp_error_set("window: out of memory");
    goto fail;
  }
  win->w = w;
  win->h = h;
  snprintf(win->title, sizeof win->title, "%s", title ? title : "dashboard");
  pthread_mutex_init(&win->mu, NULL);
  pthread_cond_init(&win->cv, NULL);
  if (pthread_create(&win->thread, NULL, window_main, win) != 0) {
    tlp_error_set("window: cannot start its thread");
    window_free(win);
    goto fail;
  }
  pthread_mutex_lock(&win->mu);
  while (!win->ready) pthread_cond_wait(&win->cv, &win->mu);
  pthread_mutex_unlock(&win->mu);
  if (win->failed) {
    tlp_error_set("window: %s", win->err);
    pthread_join(win->thread, NULL);
    window_free(win);
    goto fail;
  }
  return win;
fail:
  pthread_mutex_lock(&window_global);
  window_open = 0;
  pthread_mutex_unlock(&window_global);
  return NULL;
}

void tlp_window_close(tlp_window *win) {
  if (win == NULL) return;
  pthread_mutex_lock(&win->mu);
  win->stop = 1;
  pthread_cond_broadcast(&win->cv);
  pthread_mutex_unlock(&win->mu);
  pthread_join(win->thread, NULL);
  window_free(win);
  pthread_mutex_lock(&window_global);
  window_open = 0;
  pthread_mutex_unlock(&window_global);
}

int32_t tlp_window_present(tlp_window *win, const tlp_canvas *c) {
  tlp_canvas *cc = (tlp_canvas *)c;
  if (tlp_canvas_width(c) != win->w || tlp_canvas_height(c) != win->h) {
    tlp_error_set("window: canvas %dx%d does not match window %dx%d", tlp_canvas_width(c),
                  tlp_canvas_height(c), win->w, win->h);
    return -1;
  }
  pthread_mutex_lock(&win->mu);
  memcpy(win->back, tlp_canvas_pixels(cc), (size_t)win->w * (size_t)win->h * 4);
  win->dirty = 1;
  pthread_cond_broadcast(&win->cv);
  pthread_mutex_unlock(&win->mu);
  return 0;
}

int32_t tlp_window_poll(tlp_window *win, tlp_event *ev) {
  memset(ev, 0, sizeof *ev);
  pthread_mutex_lock(&win->mu);
  if (win->qhead != win->qtail) {
    *ev = win->queue[win->qhead];
    win->qhead = (win->qhead + 1) % WINDOW_QUEUE;
  }
  pthread_mutex_unlock(&win->mu);
  return 0;
}

const char *tlp_window_driver(void) {
  const char *d = SDL_GetCurrentVideoDriver();
  return d ? d : "";
}

int32_t tlp_window_screenshot(tlp_window *win, uint32_t *out, int32_t w, int32_t h) {
  int32_t rc;
  if (w != win->w || h != win->h) {
    tlp_error_set("screenshot: buffer %dx%d, window %dx%d", w, h, win->w, win->h);
    return -1;
  }
  pthread_mutex_lock(&win->mu);
  win->shot = out;
  win->shot_done = 0;
  pthread_cond_broadcast(&win->cv);
  while (!win->shot_done) pthread_cond_wait(&win->cv, &win->mu);
  rc = win->shot_rc;
  if (rc != 0) tlp_error_set("screenshot: %s", win->shot_err);
  pthread_mutex_unlock(&win->mu);
  return rc;
}
