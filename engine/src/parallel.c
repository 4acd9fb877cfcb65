/*
 * parallel.c: the engine's thread pool. Every parallel loop in the engine
 * runs through tl_parallel_run (or tl_parallel_ranges on top of it).
 *
 * Why not OpenMP regions: on the 2-core machines we target, a libgomp
 * parallel region costs about 3 us to open and close, even empty, where
 * this pool's hand-off costs one cache-line round trip (0.6 us). A
 * batch-1 training step of a 784-500-10 MLP opens five regions, and each
 * does 10-20 us of work, so libgomp's cost was a fifth of the step.
 *
 * How it works: tl_threads()-1 workers wait on one 32-bit word, `job`,
 * that packs a generation count with the thread count of the job being
 * published. The caller writes the job's function and context, bumps the
 * word (waking sleepers), runs its own share as thread 0, then waits for
 * the participants to count themselves done. Workers spin on the word for
 * a while after each job (steps come microseconds apart), then sleep on
 * it with a futex. A job started from inside a job runs on its caller
 * alone, as fn(ctx, 0, 1).
 *
 * OpenBLAS (its OpenMP build) sizes its own threading from the calling
 * thread's OpenMP thread count: workers set theirs to 1 once, and the
 * caller lowers its own to 1 for the length of its share, so a BLAS call
 * inside a job never starts an OpenMP team of its own.
 */
#define _GNU_SOURCE
#include "internal.h"
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* The job word: generation << 8 | thread count (at most 255). */
enum { TL_POOL_NT_BITS = 8, TL_POOL_MAX = (1 << TL_POOL_NT_BITS) - 1 };
/* How long a worker spins for the next job, and a waiting thread spins
 * before it starts yielding its core, in nanoseconds. With more threads
 * than cores a spinning thread holds a core another one needs: then
 * workers sleep at once and waiting threads yield at once. */
enum { TL_POOL_SPIN_NS = 2000000, TL_POOL_YIELD_NS = 50000 };

typedef struct tl_pool {
  _Alignas(64) _Atomic uint32_t job;      /* generation << 8 | nt */
  _Atomic int32_t sleepers;               /* workers in futex_wait */
  tl_job_fn fn;
  void *ctx;
  _Alignas(64) _Atomic int32_t done;      /* participants past the first that finished */
  _Alignas(64) _Atomic int32_t bar_count; /* tl_parallel_barrier */
  _Atomic uint32_t bar_gen;
  _Alignas(64) _Atomic int32_t busy;      /* a job is being run: a second caller runs alone */
  int32_t nworkers;
  int32_t oversubscribed;                 /* more threads than cores */
  uint32_t start_word;                    /* the job word when the workers started */
  int stop;
  pthread_t *threads;
} tl_pool;

static tl_pool tl_the_pool;
static pthread_mutex_t tl_pool_lock = PTHREAD_MUTEX_INITIALIZER;  /* starting and stopping workers */

/* The calling thread's place in the job it runs: index and thread count
 * (0 and 1 outside jobs). */
static __thread int32_t tl_job_t = 0, tl_job_nt = 1;
static __thread bool tl_job_inside = false;

int32_t tl_parallel_thread(void) { return tl_job_t; }
bool tl_parallel_inside(void) { return tl_job_inside; }

/* A spin-wait hint: lets the core's other work (and the memory system) go
 * first while this thread waits. */
static inline void tl_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

static uint64_t tl_now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void tl_futex_wait(_Atomic uint32_t *word, uint32_t seen)
{
  syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
}

static void tl_futex_wake_all(_Atomic uint32_t *word)
{
  syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

/* Between looks at something another thread will change: pause, and
 * past the pool's yield time let other threads have the core. */
static void tl_pool_pause(const tl_pool *p, uint32_t i, uint64_t *t0)
{
  if (p->oversubscribed) {
    sched_yield();
    return;
  }
  tl_cpu_relax();
  if (i % 256 == 0) {
    uint64_t t = tl_now_ns();
    if (!*t0) *t0 = t;
    if (t - *t0 >= TL_POOL_YIELD_NS) sched_yield();
  }
}

/* Runs the job published as word, as thread t. */
static void tl_pool_take(tl_pool *p, uint32_t word, int32_t t)
{
  int32_t nt = (int32_t)(word & TL_POOL_MAX);
  tl_job_t = t;
  tl_job_nt = nt;
  tl_job_inside = true;
  p->fn(p->ctx, t, nt);
  tl_job_inside = false;
  tl_job_t = 0;
  tl_job_nt = 1;
  atomic_fetch_add_explicit(&p->done, 1, memory_order_release);
}

static void *tl_pool_worker(void *arg)
{
  tl_pool *p = &tl_the_pool;
  int32_t t = (int32_t)(intptr_t)arg;
#ifdef _OPENMP
  omp_set_num_threads(1);   /* OpenBLAS stays on this thread */
#endif
  /* not the word now: the caller may have published a job already */
  uint32_t seen = p->start_word;
  uint64_t spin_ns = p->oversubscribed ? 0 : TL_POOL_SPIN_NS;
  for (;;) {
    uint32_t word;
    uint64_t t0 = tl_now_ns();
    for (uint32_t i = 1;; i++) {
      word = atomic_load_explicit(&p->job, memory_order_acquire);
      if (word != seen) break;
      tl_cpu_relax();
      if (i % 256 == 0 && tl_now_ns() - t0 >= spin_ns) {
        /* Long idle: sleep until the word changes. The count goes up
         * before the last look, so a publisher either sees it or the
         * futex sees the new word. */
        atomic_fetch_add(&p->sleepers, 1);
        if (atomic_load(&p->job) == seen) tl_futex_wait(&p->job, seen);
        atomic_fetch_sub(&p->sleepers, 1);
        t0 = tl_now_ns();
      }
    }
    seen = word;
    if (p->stop) return NULL;
    if (t < (int32_t)(word & TL_POOL_MAX)) tl_pool_take(p, word, t);
  }
}

/* Stops and joins the workers (under tl_pool_lock). */
static void tl_pool_stop(tl_pool *p)
{
  if (!p->nworkers) return;
  p->stop = 1;
  uint32_t word = atomic_load(&p->job);
  atomic_store(&p->job, (((word >> TL_POOL_NT_BITS) + 1) << TL_POOL_NT_BITS) | 1);
  tl_futex_wake_all(&p->job);
  for (int32_t i = 0; i < p->nworkers; i++) pthread_join(p->threads[i], NULL);
  free(p->threads);
  p->threads = NULL;
  p->nworkers = 0;
  p->stop = 0;
}

/* Starts workers 1..n-1 (under tl_pool_lock); returns the threads there are. */
static int32_t tl_pool_start(tl_pool *p, int32_t n)
{
  if (n > TL_POOL_MAX) n = TL_POOL_MAX;
  if (p->nworkers + 1 >= n) return p->nworkers + 1;
  tl_pool_stop(p);
  p->threads = calloc((size_t)n - 1, sizeof *p->threads);
  if (!p->threads) return 1;
  /* Workers take no signals: Ctrl-C and the rest go to the caller's thread. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  p->start_word = atomic_load(&p->job);
  p->oversubscribed = n > sysconf(_SC_NPROCESSORS_ONLN);
  int32_t made = 0;
  while (made < n - 1 && pthread_create(&p->threads[made], NULL, tl_pool_worker, (void *)(intptr_t)(made + 1)) == 0)
    made++;
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  p->nworkers = made;
  return made + 1;
}

/* A forked child has the pool's memory but none of its threads. */
static void tl_pool_after_fork(void)
{
  tl_the_pool.nworkers = 0;
  tl_the_pool.threads = NULL;
  tl_the_pool.stop = 0;
  pthread_mutex_init(&tl_pool_lock, NULL);
}

static pthread_once_t tl_pool_once = PTHREAD_ONCE_INIT;
static void tl_pool_init(void) { pthread_atfork(NULL, NULL, tl_pool_after_fork); }

/* Takes the pool for one job (or a resize); false if another thread has it. */
static bool tl_pool_claim(tl_pool *p)
{
  return !atomic_exchange_explicit(&p->busy, 1, memory_order_acquire);
}

static void tl_pool_release(tl_pool *p) { atomic_store_explicit(&p->busy, 0, memory_order_release); }

void tl_parallel_resize(int32_t n)
{
  tl_pool *p = &tl_the_pool;
  pthread_once(&tl_pool_once, tl_pool_init);
  while (!tl_pool_claim(p)) sched_yield();
  pthread_mutex_lock(&tl_pool_lock);
  if (p->nworkers + 1 > n) tl_pool_stop(p);
  pthread_mutex_unlock(&tl_pool_lock);
  tl_pool_release(p);
}

void tl_parallel_run(int32_t nt, tl_job_fn fn, void *ctx)
{
  tl_pool *p = &tl_the_pool;
  int32_t most = tl_threads();
  if (nt > most) nt = most;
  /* Alone inside a job, or while another thread of the program runs one. */
  bool own = nt > 1 && !tl_job_inside && tl_pool_claim(p);
  if (own && p->nworkers + 1 < nt) {
    pthread_once(&tl_pool_once, tl_pool_init);
    pthread_mutex_lock(&tl_pool_lock);
    int32_t have = tl_pool_start(p, nt);
    pthread_mutex_unlock(&tl_pool_lock);
    if (nt > have) nt = have;
  }
  if (!own || nt <= 1) {
    if (own) tl_pool_release(p);
    /* the caller as thread 0 of a job of 1 */
    int32_t t = tl_job_t, n = tl_job_nt;
    bool inside = tl_job_inside;
    tl_job_t = 0;
    tl_job_nt = 1;
    tl_job_inside = true;
    fn(ctx, 0, 1);
    tl_job_t = t;
    tl_job_nt = n;
    tl_job_inside = inside;
    return;
  }
  p->fn = fn;
  p->ctx = ctx;
  atomic_store_explicit(&p->done, 0, memory_order_relaxed);
  uint32_t word = atomic_load_explicit(&p->job, memory_order_relaxed);
  uint32_t next = (((word >> TL_POOL_NT_BITS) + 1) << TL_POOL_NT_BITS) | (uint32_t)nt;
  atomic_store(&p->job, next);
  if (atomic_load(&p->sleepers) > 0) tl_futex_wake_all(&p->job);
#ifdef _OPENMP
  int omp_nt = omp_get_max_threads();
  if (omp_nt > 1) omp_set_num_threads(1);
#endif
  tl_job_nt = nt;
  tl_job_inside = true;
  fn(ctx, 0, nt);
  tl_job_inside = false;
  tl_job_nt = 1;
#ifdef _OPENMP
  if (omp_nt > 1) omp_set_num_threads(omp_nt);
#endif
  /* wait for the other nt-1 */
  uint64_t t0 = 0;
  for (uint32_t i = 1; atomic_load_explicit(&p->done, memory_order_acquire) < nt - 1; i++) tl_pool_pause(p, i, &t0);
  tl_pool_release(p);
}

void tl_parallel_barrier(void)
{
  int32_t nt = tl_job_nt;
  if (nt <= 1) return;
  tl_pool *p = &tl_the_pool;
  uint32_t gen = atomic_load_explicit(&p->bar_gen, memory_order_acquire);
  if (atomic_fetch_add_explicit(&p->bar_count, 1, memory_order_acq_rel) == nt - 1) {
    atomic_store_explicit(&p->bar_count, 0, memory_order_relaxed);
    atomic_store_explicit(&p->bar_gen, gen + 1, memory_order_release);
  } else {
    uint64_t t0 = 0;
    for (uint32_t i = 1; atomic_load_explicit(&p->bar_gen, memory_order_acquire) == gen; i++) tl_pool_pause(p, i, &t0);
  }
}

/* ---- ranges ------------------------------------------------------------ */

typedef struct tl_ranges_job {
  int64_t n;
  void (*fn)(void *ctx, int64_t b, int64_t e);
  void *ctx;
} tl_ranges_job;

void tl_parallel_part(int64_t n, int32_t t, int32_t nt, int64_t *b, int64_t *e)
{
  int64_t chunk = (n + nt - 1) / nt;
  int64_t lo = chunk * t, hi = lo + chunk;
  *b = lo < n ? lo : n;
  *e = hi < n ? hi : n;
}

static void tl_ranges_run(void *vctx, int32_t t, int32_t nt)
{
  const tl_ranges_job *j = vctx;
  int64_t b, e;
  tl_parallel_part(j->n, t, nt, &b, &e);
  if (b < e) j->fn(j->ctx, b, e);
}

void tl_parallel_ranges(int64_t n, int64_t grain, void (*fn)(void *ctx, int64_t b, int64_t e), void *ctx)
{
  int32_t nt = tl_threads();
  if (n <= grain || nt <= 1 || tl_job_inside) {
    if (n > 0) fn(ctx, 0, n);
    return;
  }
  tl_ranges_job j = {n, fn, ctx};
  tl_parallel_run(nt, tl_ranges_run, &j);
}
