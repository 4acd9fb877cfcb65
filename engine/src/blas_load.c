/*
 * blas_load.c: opens libtorchlight_blas.so (OpenBLAS + LAPACKE) on the
 * first call that needs it; see blas_lib.h for why it is separate.
 *
 * The library is looked for beside libtorchlight.so (the build tree and
 * an installed lib/ both keep the two together), then by name through
 * the loader's usual search. Loading happens once per process, under
 * pthread_once, so the first BLAS calls may come from several threads.
 * A library that cannot be opened is remembered: tl_blas_ready() then
 * says 0 (callers with their own loops use them) and tl_blas_need()
 * reports why.
 */
#define _GNU_SOURCE   /* dladdr */
#include "internal.h"
#include "blas_lib.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

const tl_blas_table *tl_blas = NULL;

static pthread_once_t tl_blas_once = PTHREAD_ONCE_INIT;
static char tl_blas_failure[512];          /* why loading failed, once it did */
static volatile int32_t tl_blas_threads;   /* last tl_set_num_threads, 0 if none */

/* dlopen's message, or a stand-in when it has none. */
static const char *tl_blas_dlerror(void)
{
  const char *e = dlerror();
  return e ? e : "unknown error";
}

/* Opens path and checks its table; on failure writes why into why. */
static const tl_blas_table *tl_blas_open(const char *path, char *why, size_t len)
{
  /* RTLD_LOCAL: OpenBLAS's symbols stay out of the global scope, where
   * they could capture another BLAS's callers (or be captured). */
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    snprintf(why, len, "%s", tl_blas_dlerror());
    return NULL;
  }
  const tl_blas_table *t = dlsym(h, TL_BLAS_TABLE_SYMBOL);
  if (!t) {
    snprintf(why, len, "%s: no %s", path, TL_BLAS_TABLE_SYMBOL);
  } else if (t->version != TL_BLAS_TABLE_VERSION) {
    snprintf(why, len, "%s: table version %d, expected %d (a library from another build)", path,
             (int)t->version, TL_BLAS_TABLE_VERSION);
  } else {
    return t;   /* never closed: OpenMP threads may sit in its code */
  }
  dlclose(h);
  return NULL;
}

static void tl_blas_load_once(void)
{
  char path[4096], why[sizeof tl_blas_failure];
  const tl_blas_table *t = NULL;
  Dl_info self;
  why[0] = '\0';
  /* Beside this library: dladdr names the file our code was loaded from. */
  if (dladdr((void *)&tl_blas_load_once, &self) && self.dli_fname) {
    const char *slash = strrchr(self.dli_fname, '/');
    int dirlen = slash ? (int)(slash - self.dli_fname) : 0;
    int n = slash ? snprintf(path, sizeof path, "%.*s/%s", dirlen, self.dli_fname, TL_BLAS_LIB_NAME) : -1;
    if (n > 0 && (size_t)n < sizeof path) t = tl_blas_open(path, why, sizeof why);
  }
  if (!t) {
    char why2[sizeof why];
    t = tl_blas_open(TL_BLAS_LIB_NAME, why2, sizeof why2);
    if (!t && !why[0]) memcpy(why, why2, sizeof why);
  }
  if (!t) {
    snprintf(tl_blas_failure, sizeof tl_blas_failure, "%s", why);
    return;
  }
  if (tl_blas_threads > 0) t->openblas_set_num_threads((int)tl_blas_threads);
  tl_blas = t;
}

int tl_blas_ready(void)
{
  pthread_once(&tl_blas_once, tl_blas_load_once);
  return tl_blas != NULL;
}

int tl_blas_need(const char *fn)
{
  if (tl_blas_ready()) return 0;
  return tl_error_set("%s: cannot load the BLAS library %s: %s", fn, TL_BLAS_LIB_NAME, tl_blas_failure);
}

int32_t tl_blas_get_num_threads(void)
{
  return tl_blas ? (int32_t)tl_blas->openblas_get_num_threads() : 0;
}

void tl_blas_set_threads(int32_t n)
{
  tl_blas_threads = n;
  /* Only once loaded: setting threads is no reason to load OpenBLAS. */
  if (tl_blas) tl_blas->openblas_set_num_threads((int)n);
}
