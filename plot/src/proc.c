/*
 * proc.c: a child process on three descriptors of our own.
 *
 * Torch7 drove gnuplot through popen, which gives one direction only: the
 * child's error output went to the terminal (or nowhere) and was never
 * seen by the program. Here stdin is one end of a socketpair, written with
 * MSG_NOSIGNAL so that a dead child is an EPIPE error instead of a SIGPIPE
 * that would kill the REPL, and stdout/stderr are pipes we poll. Every
 * descriptor we keep is close-on-exec: a second gnuplot must not inherit
 * the first one's stdin, or the first would never see end of file.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "plot_internal.h"

extern char **environ;

struct tlp_proc {
  pid_t pid;
  int in;        /* our end of the child's stdin socket, -1 once closed */
  int out, err;  /* read ends of the child's stdout and stderr pipes */
  int reaped;
};

static void proc_close(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

tlp_proc *tlp_proc_spawn(const char *exe, const char *const *argv) {
  int sv[2] = {-1, -1}, po[2] = {-1, -1}, pe[2] = {-1, -1};
  posix_spawn_file_actions_t fa;
  tlp_proc *p;
  int rc;
  if (exe == NULL || argv == NULL || argv[0] == NULL) {
    tlp_error_set("tlp_proc_spawn: no program given");
    return NULL;
  }
  p = calloc(1, sizeof *p);
  if (p == NULL) {
    tlp_error_set("tlp_proc_spawn: out of memory");
    return NULL;
  }
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 ||
      pipe2(po, O_CLOEXEC) != 0 || pipe2(pe, O_CLOEXEC) != 0) {
    tlp_error_set("tlp_proc_spawn: cannot create pipes: %s", strerror(errno));
    goto fail;
  }
  /* dup2 onto 0/1/2 clears close-on-exec for the child's copies only. */
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
  posix_spawn_file_actions_adddup2(&fa, po[1], 1);
  posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
  rc = posix_spawnp(&p->pid, exe, &fa, NULL, (char *const *)argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    tlp_error_set("cannot start '%s': %s", exe, strerror(rc));
    goto fail;
  }
  close(sv[1]);
  close(po[1]);
  close(pe[1]);
  p->in = sv[0];
  p->out = po[0];
  p->err = pe[0];
  return p;
fail:
  for (int i = 0; i < 2; i++) {
    proc_close(&sv[i]);
    proc_close(&po[i]);
    proc_close(&pe[i]);
  }
  free(p);
  return NULL;
}

double tlp_clock(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int32_t tlp_proc_pid(const tlp_proc *p) { return p ? (int32_t)p->pid : -1; }

int32_t tlp_proc_write(tlp_proc *p, const char *data, size_t n) {
  if (p->in < 0) {
    tlp_error_set("process input is closed");
    return -1;
  }
  while (n > 0) {
    ssize_t k = send(p->in, data, n, MSG_NOSIGNAL);
    if (k < 0) {
      if (errno == EINTR) continue;
      tlp_error_set("%s", errno == EPIPE ? "process has exited" : strerror(errno));
      return -1;
    }
    data += k;
    n -= (size_t)k;
  }
  return 0;
}

int32_t tlp_proc_poll(tlp_proc *p, int32_t timeout_ms) {
  struct pollfd fds[2] = {{p->out, POLLIN, 0}, {p->err, POLLIN, 0}};
  int rc;
  do {
    rc = poll(fds, 2, timeout_ms);
  } while (rc < 0 && errno == EINTR);
  if (rc < 0) {
    tlp_error_set("poll: %s", strerror(errno));
    return -1;
  }
  return ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) ? 1 : 0) |
         ((fds[1].revents & (POLLIN | POLLHUP | POLLERR)) ? 2 : 0);
}

int64_t tlp_proc_read(tlp_proc *p, int32_t stream, char *buf, size_t cap) {
  int fd = stream == 1 ? p->out : p->err;
  ssize_t k;
  if (fd < 0) return 0;
  do {
    k = read(fd, buf, cap);
  } while (k < 0 && errno == EINTR);
  if (k < 0) {
    tlp_error_set("read: %s", strerror(errno));
    return -1;
  }
  return (int64_t)k;
}

void tlp_proc_close_input(tlp_proc *p) {
  if (p) proc_close(&p->in);
}

int32_t tlp_proc_wait(tlp_proc *p, int32_t timeout_ms, int32_t *status) {
  struct timespec nap = {0, 2000000};  /* 2 ms between checks */
  int32_t waited = 0;
  int st = 0;
  if (p->reaped) return 1;
  for (;;) {
    pid_t r = waitpid(p->pid, &st, WNOHANG);
    if (r == p->pid) {
      p->reaped = 1;
      if (status) *status = st;
      return 1;
    }
    if (r < 0 && errno != EINTR) {
      tlp_error_set("waitpid: %s", strerror(errno));
      return -1;
    }
    if (timeout_ms >= 0 && waited >= timeout_ms) return 0;
    nanosleep(&nap, NULL);
    waited += 2;
  }
}

int32_t tlp_proc_kill(tlp_proc *p, int32_t sig) {
  if (p->reaped) return 0;
  if (kill(p->pid, sig) != 0) {
    tlp_error_set("kill: %s", strerror(errno));
    return -1;
  }
  return 0;
}

void tlp_proc_free(tlp_proc *p) {
  if (p == NULL) return;
  proc_close(&p->in);
  proc_close(&p->out);
  proc_close(&p->err);
  if (!p->reaped && tlp_proc_wait(p, 2000, NULL) == 0) {
    kill(p->pid, SIGKILL);
    tlp_proc_wait(p, -1, NULL);
  }
  free(p);
}
