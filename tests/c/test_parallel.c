/*
 * test_parallel.c: checks of the engine's thread pool (engine/src/parallel.c)
 * on its own, compiled with it and a stand-in for tl_threads(): every
 * thread index runs once per job and the caller is thread 0; thousands of
 * jobs back to back; barriers; nested jobs; two program threads starting
 * jobs at once; shrinking and growing; workers asleep after a long idle;
 * a job in a forked child. tests/test_parallel.lua builds it (also under
 * ThreadSanitizer when the compiler has it) and runs it.
 *
 *   cc -std=c11 -O1 -pthread -Iengine/include -Iengine/src \
 *      tests/c/test_parallel.c engine/src/parallel.c -o test_parallel
 *
 * Prints one line per failed check and, last, `N checks, N failed`; the
 * exit status is 1 when a check failed.
 */
#define _GNU_SOURCE
#include "internal.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int checks, failures;

#define CHECK(cond)                                                                  \
  do {                                                                               \
    checks++;                                                                        \
    if (!(cond)) {                                                                   \
      failures++;                                                                    \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);       \
    }                                                                                \
  } while (0)

/* The stand-in for device.c's thread setting. */
static _Atomic int32_t test_threads = 2;
int32_t tl_threads(void) { return atomic_load(&test_threads); }

static void set_threads(int32_t n)
{
  atomic_store(&test_threads, n);
  tl_parallel_resize(n);
}

enum { MAXT = 8 };

/* ---- every t once, the caller as thread 0 ---- */
typedef struct {
  _Atomic int ran[MAXT];
  _Atomic int bad_nt;
  pthread_t caller;
  _Atomic int caller_was_0;
  int want_nt;
} count_job;

static void count_run(void *ctx, int32_t t, int32_t nt)
{
  count_job *j = ctx;
  if (nt != j->want_nt || t < 0 || t >= nt) atomic_fetch_add(&j->bad_nt, 1);
  else atomic_fetch_add(&j->ran[t], 1);
  if (t == 0 && pthread_equal(pthread_self(), j->caller)) atomic_store(&j->caller_was_0, 1);
  if (tl_parallel_thread() != t || !tl_parallel_inside()) atomic_fetch_add(&j->bad_nt, 1);
}

static void test_each_thread_once(void)
{
  for (int32_t n = 1; n <= 5; n++) {
    set_threads(n);
    for (int32_t asked = 1; asked <= 6; asked++) {
      count_job j = {.caller = pthread_self(), .want_nt = asked < n ? asked : n};
      tl_parallel_run(asked, count_run, &j);
      CHECK(atomic_load(&j.bad_nt) == 0);
      CHECK(atomic_load(&j.caller_was_0) == 1);
      for (int t = 0; t < MAXT; t++) CHECK(atomic_load(&j.ran[t]) == (t < j.want_nt));
    }
  }
  CHECK(!tl_parallel_inside() && tl_parallel_thread() == 0);
}

/* ---- many jobs back to back: ranges summed exactly ---- */
typedef struct {
  int64_t n;
  _Atomic int64_t sum;
} sum_job;

static void sum_run(void *ctx, int32_t t, int32_t nt)
{
  sum_job *j = ctx;
  int64_t b, e, s = 0;
  tl_parallel_part(j->n, t, nt, &b, &e);
  for (int64_t i = b; i < e; i++) s += i;
  atomic_fetch_add(&j->sum, s);
}

static void test_many_jobs(void)
{
  set_threads(3);
  int bad = 0;
  for (int r = 0; r < 20000; r++) {
    sum_job j = {.n = 1000 + r % 7};
    tl_parallel_run(3, sum_run, &j);
    if (atomic_load(&j.sum) != j.n * (j.n - 1) / 2) bad++;
  }
  CHECK(bad == 0);
}

/* ---- barriers: each phase sees every thread's write of the last ---- */
typedef struct {
  _Atomic int slot[MAXT];
  _Atomic int bad;
} barrier_job;

static void barrier_run(void *ctx, int32_t t, int32_t nt)
{
  barrier_job *j = ctx;
  for (int phase = 1; phase <= 50; phase++) {
    atomic_store(&j->slot[t], phase);
    tl_parallel_barrier();
    for (int u = 0; u < nt; u++)
      if (atomic_load(&j->slot[u]) != phase) atomic_fetch_add(&j->bad, 1);
    tl_parallel_barrier();
  }
}

static void test_barrier(void)
{
  for (int32_t n = 1; n <= 4; n++) {
    set_threads(n);
    barrier_job j = {0};
    tl_parallel_run(n, barrier_run, &j);
    CHECK(atomic_load(&j.bad) == 0);
    for (int u = 0; u < n; u++) CHECK(atomic_load(&j.slot[u]) == 50);
  }
}

/* ---- a job inside a job runs on its caller alone ---- */
typedef struct {
  _Atomic int inner_calls, bad;
} nest_job;

static void nest_inner(void *ctx, int32_t t, int32_t nt)
{
  nest_job *j = ctx;
  atomic_fetch_add(&j->inner_calls, 1);
  if (t != 0 || nt != 1 || tl_parallel_thread() != 0 || !tl_parallel_inside()) atomic_fetch_add(&j->bad, 1);
  tl_parallel_barrier();   /* a job of one: must not wait */
}

static void nest_outer(void *ctx, int32_t t, int32_t nt)
{
  nest_job *j = ctx;
  (void)nt;
  tl_parallel_run(4, nest_inner, j);
  if (tl_parallel_thread() != t || !tl_parallel_inside()) atomic_fetch_add(&j->bad, 1);
}

static void test_nested(void)
{
  set_threads(3);
  nest_job j = {0};
  tl_parallel_run(3, nest_outer, &j);
  CHECK(atomic_load(&j.inner_calls) == 3);
  CHECK(atomic_load(&j.bad) == 0);
}

/* ---- two program threads starting jobs at once ---- */
static void *caller_main(void *arg)
{
  int *bad = arg;
  for (int r = 0; r < 5000; r++) {
    sum_job j = {.n = 5000};
    tl_parallel_run(2, sum_run, &j);
    if (atomic_load(&j.sum) != j.n * (j.n - 1) / 2) (*bad)++;
  }
  return NULL;
}

static void test_two_callers(void)
{
  set_threads(2);
  pthread_t a, b;
  int bad_a = 0, bad_b = 0;
  pthread_create(&a, NULL, caller_main, &bad_a);
  pthread_create(&b, NULL, caller_main, &bad_b);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  CHECK(bad_a == 0 && bad_b == 0);
}

/* ---- shrinking, growing, and waking sleeping workers ---- */
static void test_resize_and_sleep(void)
{
  int32_t sizes[] = {4, 1, 3, 2, 4, 2};
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
    set_threads(sizes[i]);
    count_job j = {.caller = pthread_self(), .want_nt = sizes[i]};
    tl_parallel_run(sizes[i], count_run, &j);
    for (int t = 0; t < MAXT; t++) CHECK(atomic_load(&j.ran[t]) == (t < sizes[i]));
  }
  /* past the workers' spin time they sleep; the next job wakes them */
  struct timespec ts = {0, 20 * 1000 * 1000};
  nanosleep(&ts, NULL);
  count_job j = {.caller = pthread_self(), .want_nt = 2};
  tl_parallel_run(2, count_run, &j);
  CHECK(atomic_load(&j.ran[0]) == 1 && atomic_load(&j.ran[1]) == 1);
}

/* ---- a forked child has no workers: it starts its own ---- */
static void test_fork(void)
{
  set_threads(2);
  sum_job j0 = {.n = 100};
  tl_parallel_run(2, sum_run, &j0);
  pid_t pid = fork();
  if (pid == 0) {
    sum_job j = {.n = 100000};
    tl_parallel_run(2, sum_run, &j);
    _exit(atomic_load(&j.sum) == j.n * (j.n - 1) / 2 ? 0 : 3);
  }
  int status = 0;
  CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
  test_each_thread_once();
  test_many_jobs();
  test_barrier();
  test_nested();
  test_two_callers();
  test_resize_and_sleep();
  test_fork();
  set_threads(1);
  printf("%d checks, %d failed\n", checks, failures);
  return failures ? 1 : 0;
}
