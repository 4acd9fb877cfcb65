/*
 * file.c: the torch.File family's plumbing: opening disk, memory and pipe
 * files, buffered byte I/O, positions, properties, closing, and atomic
 * saves (temporary file, fsync, rename, fsync of the directory).
 *
 * Disk and pipe files buffer on a raw descriptor. The buffer holds either
 * read-ahead (state READING, unread bytes in buf[lo, hi)) or pending
 * output (state WRITING, buf[0, hi)); switching direction flushes the
 * output or seeks back over the read-ahead, so "rw" files behave like
 * stdio's. Large transfers bypass the buffer. A memory file works on its
 * CharStorage directly and keeps data[size] == '\0'.
 */
#define _GNU_SOURCE
#include "file.h"
#include "device.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Direct transfers go in pieces this big, so Ctrl-C is seen between them
 * (and an atomic save's disk writes start early). */
static const int64_t tl_file_chunk = (int64_t)1 << 24;

int tl_file_fail(tl_file *f, const char *fmt, ...)
{
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (f) f->has_error = 1;
  return tl_error_set("%s", msg);
}

int32_t tl_file_long_bytes(const tl_file *f)
{
  return f->long_size ? f->long_size : (int32_t)sizeof(long);
}

int tl_file_check_open(const char *fn, const tl_file *f)
{
  if (!f) return tl_error_set("%s: no file", fn);
  if (!f->open) return tl_error_set("%s: attempt to use a closed file", fn);
  return 0;
}

int tl_file_check_read(const char *fn, const tl_file *f)
{
  if (tl_file_check_open(fn, f)) return -1;
  if (!f->readable) return tl_error_set("%s: attempt to read in a write-only file", fn);
  return 0;
}

int tl_file_check_write(const char *fn, const tl_file *f)
{
  if (tl_file_check_open(fn, f)) return -1;
  if (!f->writable) return tl_error_set("%s: attempt to write in a read-only file", fn);
  return 0;
}

static int tl_file_parse_mode(const char *mode, int32_t *r, int32_t *w)
{
  *r = *w = 0;
  if (!mode) return tl_error_set("file mode should be 'r', 'w' or 'rw'");
  *r = strcmp(mode, "r") == 0 || strcmp(mode, "rw") == 0;
  *w = strcmp(mode, "w") == 0 || strcmp(mode, "rw") == 0;
  if (!*r && !*w) return tl_error_set("file mode should be 'r', 'w' or 'rw', got '%s'", mode);
  return 0;
}

static tl_file *tl_file_alloc(int32_t kind, int32_t r, int32_t w)
{
  tl_file *f = tl_calloc(1, sizeof *f);
  if (!f) return NULL;
  f->kind = kind;
  f->readable = r;
  f->writable = w;
  f->autospacing = 1;
  f->buffered = 1;
  f->open = 1;
  f->fd = -1;
  f->known_size = -1;
  if (kind != TL_FILE_MEMORY) {
    f->buf = tl_alloc(TL_FILE_BUFSIZE);
    if (!f->buf) {
      tl_release(f);
      return NULL;
    }
  }
  return f;
}

static void tl_file_dealloc(tl_file *f)
{
  tl_release(f->buf);
  tl_release(f->path);
  tl_release(f->tmp);
  if (f->mem) tl_storage_free(f->mem);
  tl_release(f);
}

static char *tl_file_strdup(const char *s)
{
  size_t n = strlen(s) + 1;
  char *p = tl_alloc(n);
  if (p) memcpy(p, s, n);
  return p;
}

/* ---- atomic saves ------------------------------------------------------- */

/* The temporary of target "dir/name" is "dir/.name.tmp-<pid>-<n>". The
 * name part is cut so the whole stays under NAME_MAX. */
enum { TL_FILE_TMP_BASE = 200 };

static void tl_file_split(const char *path, char *dir, size_t dirlen, const char **base)
{
  const char *slash = strrchr(path, '/');
  if (!slash) {
    snprintf(dir, dirlen, ".");
    *base = path;
  } else if (slash == path) {
    snprintf(dir, dirlen, "/");
    *base = slash + 1;
  } else {
    snprintf(dir, dirlen, "%.*s", (int)(slash - path), path);
    *base = slash + 1;
  }
}

/* Removes temporaries of this target whose writer process is gone. A live
 * writer (another process saving the same file) keeps its temporary. */
static void tl_file_clean_stale(const char *dir, const char *base)
{
  char prefix[TL_FILE_TMP_BASE + 16];
  int plen = snprintf(prefix, sizeof prefix, ".%.*s.tmp-", TL_FILE_TMP_BASE, base);
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strncmp(e->d_name, prefix, (size_t)plen) != 0) continue;
    char *end = NULL;
    long pid = strtol(e->d_name + plen, &end, 10);
    if (!end || *end != '-' || pid <= 0 || pid > INT_MAX) continue;
    if (pid == (long)getpid()) continue;
    if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
    unlinkat(dirfd(d), e->d_name, 0);
  }
  closedir(d);
}

static int tl_file_fsync_dir(const char *dir)
{
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return tl_error_set("cannot open directory <%s>: %s", dir, strerror(errno));
  int rc = fsync(fd);
  int err = errno;
  close(fd);
  /* some file systems cannot sync directories; the rename stands anyway */
  if (rc != 0 && err != EINVAL && err != EROFS)
    return tl_error_set("cannot sync directory <%s>: %s", dir, strerror(err));
  return 0;
}

/* Opens the temporary for an atomic save of path into f (fd, path, tmp).
 * A symbolic link is followed so the link itself survives. Returns 1 when
 * the target is not a regular file (a device or a pipe), or is an existing
 * file in a directory where no file can be created: it is then written in
 * place. */
static int tl_file_open_atomic(tl_file *f, const char *path)
{
  static unsigned counter = 0;
  char *target = NULL;
  struct stat st;
  int exists = lstat(path, &st) == 0;
  if (exists && S_ISLNK(st.st_mode)) {
    target = realpath(path, NULL);   /* NULL for a dangling link: replace it */
    exists = target && stat(target, &st) == 0;
  }
  if (exists && !S_ISREG(st.st_mode)) {
    free(target);
    return 1;
  }
  f->path = tl_file_strdup(target ? target : path);
  free(target);
  if (!f->path) return -1;
  char dir[PATH_MAX];
  const char *base;
  tl_file_split(f->path, dir, sizeof dir, &base);
  if (!*base) return tl_error_set("cannot open <%s> for writing: not a file name", path);
  tl_file_clean_stale(dir, base);
  size_t n = strlen(f->path) + 64;
  f->tmp = tl_alloc(n);
  if (!f->tmp) return -1;
  for (int tries = 0; tries < 100; tries++) {
    unsigned k = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
    snprintf(f->tmp, n, "%s%s.%.*s.tmp-%ld-%u", strcmp(dir, "/") ? dir : "", "/",
             TL_FILE_TMP_BASE, base, (long)getpid(), k);
    f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (f->fd >= 0) break;
    if ((errno == EACCES || errno == EPERM) && exists) {
      /* a writable file in a directory we may not create files in: write
       * it in place, as Torch7 did (not atomic, but it works) */
      tl_release(f->tmp);
      f->tmp = NULL;
      return 1;
    }
    if (errno != EEXIST)
      return tl_error_set("cannot open <%s> in mode w (temporary %s: %s)", path, f->tmp,
                          strerror(errno));
  }
  if (f->fd < 0) return tl_error_set("cannot open <%s> in mode w: no free temporary name", path);
  if (exists) (void)fchmod(f->fd, st.st_mode & 07777);   /* keep the old permissions */
  f->atomic = 1;
  return 0;
}

static int tl_file_commit(tl_file *f)
{
  if (fsync(f->fd) != 0) return tl_file_fail(f, "cannot sync <%s>: %s", f->path, strerror(errno));
  int rc = close(f->fd);
  f->fd = -1;
  if (rc != 0) return tl_file_fail(f, "cannot close <%s>: %s", f->path, strerror(errno));
  if (rename(f->tmp, f->path) != 0)
    return tl_file_fail(f, "cannot rename %s to <%s>: %s", f->tmp, f->path, strerror(errno));
  f->atomic = 0;   /* the temporary is gone: nothing to remove any more */
  char dir[PATH_MAX];
  const char *base;
  tl_file_split(f->path, dir, sizeof dir, &base);
  return tl_file_fsync_dir(dir);
}

/* ---- opening -------------------------------------------------------------- */

tl_file *tl_file_open_disk(const char *path, const char *mode, int32_t atomic)
{
  int32_t r, w;
  if (tl_check_not_null("DiskFile", path, "file name")) return NULL;
  if (tl_file_parse_mode(mode, &r, &w)) return NULL;
  if (atomic && (r || !w)) {
    tl_error_set("DiskFile: atomic writing needs mode 'w'");
    return NULL;
  }
  tl_file *f = tl_file_alloc(TL_FILE_DISK, r, w);
  if (!f) return NULL;
  int direct = 1;
  if (atomic) {
    direct = tl_file_open_atomic(f, path);
    if (direct < 0) {   /* failed before or at creating the temporary */
      tl_file_dealloc(f);
      return NULL;
    }
  }
  if (direct) {
    int flags = (r && w) ? O_RDWR | O_CREAT : r ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC;
    f->fd = open(path, flags | O_CLOEXEC, 0666);
    if (f->fd < 0) {
      tl_error_set("cannot open <%s> in mode %s (%s)", path, mode, strerror(errno));
      tl_file_dealloc(f);
      return NULL;
    }
  }
  struct stat st;
  if (fstat(f->fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      tl_error_set("cannot open <%s> in mode %s (is a directory)", path, mode);
      close(f->fd);
      tl_file_dealloc(f);
      return NULL;
    }
    if (S_ISREG(st.st_mode) && !w) f->known_size = (int64_t)st.st_size;
  }
  return f;
}

tl_file *tl_file_open_memory(tl_storage *chars, const char *mode)
{
  int32_t r, w;
  if (tl_file_parse_mode(mode, &r, &w)) return NULL;
  if (chars) {
    if (chars->dtype != TL_CHAR || chars->device != TL_CPU) {
      tl_error_set("MemoryFile: a torch.CharStorage expected");
      return NULL;
    }
    if (chars->size < 1 || chars->data[chars->size - 1] != '\0') {
      tl_error_set("MemoryFile: provided CharStorage must be terminated by 0");
      return NULL;
    }
  }
  tl_file *f = tl_file_alloc(TL_FILE_MEMORY, r, w);
  if (!f) return NULL;
  if (chars) {
    tl_storage_retain(chars);
    f->mem = chars;
  } else {
    f->mem = tl_storage_new(TL_CHAR, TL_CPU, 1);
    if (!f->mem) {
      tl_file_dealloc(f);
      return NULL;
    }
    f->mem->data[0] = '\0';
  }
  f->msize = f->mem->size - 1;
  return f;
}

tl_file *tl_file_open_pipe(const char *command, const char *mode)
{
  if (tl_check_not_null("PipeFile", command, "command")) return NULL;
  if (!mode || (strcmp(mode, "r") && strcmp(mode, "w"))) {
    tl_error_set("PipeFile: mode should be 'r' or 'w'");
    return NULL;
  }
  int32_t r = mode[0] == 'r';
  tl_file *f = tl_file_alloc(TL_FILE_PIPE, r, !r);
  if (!f) return NULL;
  fflush(NULL);   /* the child must not inherit unflushed stdio output */
  f->pipe = popen(command, r ? "re" : "we");
  if (!f->pipe) {
    tl_error_set("cannot open pipe <%s> in mode %s (%s)", command, mode, strerror(errno));
    tl_file_dealloc(f);
    return NULL;
  }
  f->fd = fileno(f->pipe);
  return f;
}

/* ---- buffered byte I/O ------------------------------------------------------ */

static int64_t tl_file_sys_read(tl_file *f, char *dst, int64_t n)
{
  for (;;) {
    ssize_t k = read(f->fd, dst, (size_t)n);
    if (k >= 0) {
      f->fdpos += k;
      return (int64_t)k;
    }
    if (errno != EINTR) return tl_file_fail(f, "read error: %s", strerror(errno));
  }
}

static int tl_file_sys_write(tl_file *f, const char *src, int64_t n)
{
  while (n > 0) {
    size_t want = (size_t)(n < tl_file_chunk ? n : tl_file_chunk);
    ssize_t k = write(f->fd, src, want);
    if (k < 0) {
      if (errno == EINTR) continue;
      return tl_file_fail(f, "write error: %s", strerror(errno));
    }
    if (k == 0) return tl_file_fail(f, "write error: nothing written");
    /* an atomic save ends with fsync: start the disk writes now, so they
     * overlap with the copying of the next pieces */
    if (f->atomic && k >= (ssize_t)(1 << 20))
      (void)sync_file_range(f->fd, (off_t)f->fdpos, (off_t)k, SYNC_FILE_RANGE_WRITE);
    f->fdpos += k;
    src += k;
    n -= k;
    if (n > 0 && tl_interrupted()) return tl_file_fail(f, "write: interrupted");
  }
  return 0;
}

static int tl_file_flush(tl_file *f)
{
  if (f->state != TL_FILE_WRITING) return 0;
  int64_t n = f->hi;
  f->hi = 0;
  f->state = TL_FILE_IDLE;
  return tl_file_sys_write(f, f->buf, n);
}

/* Gives read-ahead back to the descriptor (disk files only). */
static int tl_file_unread(tl_file *f)
{
  if (f->state != TL_FILE_READING) return 0;
  int64_t back = f->hi - f->lo;
  f->lo = f->hi = 0;
  f->state = TL_FILE_IDLE;
  if (back > 0 && f->kind == TL_FILE_DISK) {
    off_t at = lseek(f->fd, (off_t)-back, SEEK_CUR);
    if (at < 0) return tl_file_fail(f, "seek error: %s", strerror(errno));
    f->fdpos = (int64_t)at;
  }
  return 0;
}

static void tl_file_mem_clamp(tl_file *f)
{
  /* the storage is shared with Lua and may have been resized there */
  int64_t cap = f->mem->size - 1;
  if (cap < 0) cap = 0;
  if (f->msize > cap) f->msize = cap;
  if (f->mpos > f->msize) f->mpos = f->msize;
}

int64_t tl_file_io_read(tl_file *f, void *dst_, int64_t n)
{
  char *dst = dst_;
  if (f->kind == TL_FILE_MEMORY) {
    tl_file_mem_clamp(f);
    int64_t k = f->msize - f->mpos;
    if (k > n) k = n;
    if (k > 0) memcpy(dst, f->mem->data + f->mpos, (size_t)k);
    f->mpos += k;
    return k;
  }
  if (f->state == TL_FILE_WRITING && tl_file_flush(f)) return -1;
  int64_t got = 0;
  while (got < n) {
    if (f->state == TL_FILE_READING && f->lo < f->hi) {
      int64_t k = f->hi - f->lo;
      if (k > n - got) k = n - got;
      memcpy(dst + got, f->buf + f->lo, (size_t)k);
      f->lo += k;
      got += k;
      continue;
    }
    int64_t want = n - got;
    if (want >= TL_FILE_BUFSIZE) {
      /* large: straight into the destination */
      f->state = TL_FILE_IDLE;
      int64_t k = tl_file_sys_read(f, dst + got, want < tl_file_chunk ? want : tl_file_chunk);
      if (k < 0) return -1;
      if (k == 0) break;
      got += k;
      if (got < n && tl_interrupted()) return tl_file_fail(f, "read: interrupted");
      continue;
    }
    int64_t k = tl_file_sys_read(f, f->buf, TL_FILE_BUFSIZE);
    if (k < 0) return -1;
    if (k == 0) break;
    f->state = TL_FILE_READING;
    f->lo = 0;
    f->hi = k;
  }
  return got;
}

static int tl_file_mem_reserve(tl_file *f, int64_t bytes)
{
  if (bytes < f->mem->size) return 0;
  int64_t cap = f->mem->size > 1 ? f->mem->size : 64;
  while (cap <= bytes) {
    if (cap > INT64_MAX / 2) return tl_file_fail(f, "write error: memory file too large");
    cap *= 2;
  }
  tl_storage *m = f->mem;
  if (m->device == TL_CPU && (m->flags & TL_STORAGE_OWNS) && (m->flags & TL_STORAGE_RESIZABLE)) {
    /* a plain single-threaded copy: growing a buffer is no job for the
     * engine's parallel copy, whose start-up dominates at these sizes */
    const tl_device_ops *d = tl_devices[TL_CPU];
    char *data = d->alloc((size_t)cap);
    if (!data) {
      f->has_error = 1;
      return -1;
    }
    if (m->size > 0) memcpy(data, m->data, (size_t)m->size);
    if (m->data) d->free(m->data);
    m->data = data;
    m->size = cap;
    return 0;
  }
  if (tl_storage_resize(m, cap)) {
    f->has_error = 1;
    return -1;
  }
  return 0;
}

int tl_file_io_write(tl_file *f, const void *src_, int64_t n)
{
  const char *src = src_;
  if (n <= 0) return 0;
  if (f->kind == TL_FILE_MEMORY) {
    tl_file_mem_clamp(f);
    if (n > INT64_MAX - 1 - f->mpos) return tl_file_fail(f, "write error: memory file too large");
    if (tl_file_mem_reserve(f, f->mpos + n)) return -1;
    memcpy(f->mem->data + f->mpos, src, (size_t)n);
    f->mpos += n;
    if (f->mpos > f->msize) {
      f->msize = f->mpos;
      f->mem->data[f->msize] = '\0';
    }
    return 0;
  }
  if (f->state == TL_FILE_READING && tl_file_unread(f)) return -1;
  if (f->hi + n > TL_FILE_BUFSIZE) {
    if (tl_file_flush(f)) return -1;
    if (n >= TL_FILE_BUFSIZE) return tl_file_sys_write(f, src, n);
  }
  memcpy(f->buf + f->hi, src, (size_t)n);
  f->hi += n;
  f->state = TL_FILE_WRITING;
  return 0;
}

int tl_file_io_getc(tl_file *f)
{
  if (f->kind == TL_FILE_MEMORY) {
    tl_file_mem_clamp(f);
    if (f->mpos >= f->msize) return -1;
    return (unsigned char)f->mem->data[f->mpos++];
  }
  if (f->state == TL_FILE_READING && f->lo < f->hi) return (unsigned char)f->buf[f->lo++];
  unsigned char c;
  int64_t k = tl_file_io_read(f, &c, 1);
  if (k < 0) return -2;
  return k == 0 ? -1 : c;
}

void tl_file_io_ungetc(tl_file *f)
{
  /* the byte just read is still in the buffer (a refill puts it at 0) */
  if (f->kind == TL_FILE_MEMORY) {
    if (f->mpos > 0) f->mpos--;
  } else if (f->state == TL_FILE_READING && f->lo > 0) {
    f->lo--;
  }
}

int tl_file_io_settle(tl_file *f)
{
  if (f->buffered || f->kind == TL_FILE_MEMORY) return 0;
  if (f->state == TL_FILE_WRITING) return tl_file_flush(f);
  if (f->kind == TL_FILE_DISK) return tl_file_unread(f);
  return 0;
}

/* ---- properties ------------------------------------------------------------ */

static int tl_file_cpu_little(void)
{
  const uint16_t one = 1;
  return *(const uint8_t *)&one == 1;
}

int32_t tl_file_get(const tl_file *f, int32_t prop)
{
  if (!f) return 0;
  switch (prop) {
  case TL_FILE_READABLE: return f->readable;
  case TL_FILE_WRITABLE: return f->writable;
  case TL_FILE_BINARY: return f->binary;
  case TL_FILE_AUTOSPACING: return f->autospacing;
  case TL_FILE_QUIET: return f->quiet;
  case TL_FILE_ERROR: return f->has_error;
  case TL_FILE_ENDIAN: return f->endian;
  case TL_FILE_LONGSIZE: return f->long_size;
  case TL_FILE_BUFFERED: return f->buffered;
  case TL_FILE_OPEN: return f->open;
  case TL_FILE_KIND: return f->kind;
  default: return 0;
  }
}

int tl_file_set(tl_file *f, int32_t prop, int32_t value)
{
  if (tl_file_check_open("File", f)) return -1;
  switch (prop) {
  case TL_FILE_BINARY: f->binary = value != 0; return 0;
  case TL_FILE_AUTOSPACING: f->autospacing = value != 0; return 0;
  case TL_FILE_QUIET: f->quiet = value != 0; return 0;
  case TL_FILE_ERROR: f->has_error = value != 0; return 0;
  case TL_FILE_ENDIAN:
    if (value < TL_ENDIAN_NATIVE || value > TL_ENDIAN_BIG)
      return tl_error_set("File: unknown byte order %d", value);
    f->endian = value;
    f->swap = value != TL_ENDIAN_NATIVE && (value == TL_ENDIAN_LITTLE) != tl_file_cpu_little();
    return 0;
  case TL_FILE_LONGSIZE:
    if (value != 0 && value != 4 && value != 8)
      return tl_error_set("longSize: invalid long size %d (must be 0, 4 or 8)", value);
    f->long_size = value;
    return 0;
  case TL_FILE_BUFFERED:
    f->buffered = value != 0;
    return tl_file_io_settle(f);
  default: return tl_error_set("File: property %d cannot be set", prop);
  }
}

/* ---- positions ---------------------------------------------------------------- */

int64_t tl_file_position(tl_file *f)
{
  if (tl_file_check_open("position", f)) return -1;
  if (f->kind == TL_FILE_MEMORY) {
    tl_file_mem_clamp(f);
    return f->mpos;
  }
  if (f->kind == TL_FILE_PIPE) return tl_file_fail(f, "position: a pipe has no position");
  /* the descriptor's offset is tracked, which saves a system call per
   * length check in the object reader */
  if (f->state == TL_FILE_READING) return f->fdpos - (f->hi - f->lo);
  if (f->state == TL_FILE_WRITING) return f->fdpos + f->hi;
  return f->fdpos;
}

static int tl_file_seek_to(tl_file *f, int64_t position, int whence)
{
  if (f->kind == TL_FILE_MEMORY) {
    tl_file_mem_clamp(f);
    int64_t to = whence == SEEK_END ? f->msize : position;
    if (to < 0 || to > f->msize)
      return tl_file_fail(f, "unable to seek to position %lld", (long long)position + 1);
    f->mpos = to;
    return 0;
  }
  if (tl_file_flush(f)) return -1;
  f->state = TL_FILE_IDLE;
  f->lo = f->hi = 0;
  if (whence == SEEK_SET && position < 0)
    return tl_file_fail(f, "unable to seek to position %lld", (long long)position + 1);
  off_t at = lseek(f->fd, (off_t)position, whence);
  if (at < 0)
    return tl_file_fail(f, "unable to seek to position %lld: %s", (long long)position + 1,
                        strerror(errno));
  f->fdpos = (int64_t)at;
  return 0;
}

int tl_file_seek(tl_file *f, int64_t position)
{
  if (tl_file_check_open("seek", f)) return -1;
  return tl_file_seek_to(f, position, SEEK_SET);
}

int tl_file_seek_end(tl_file *f)
{
  if (tl_file_check_open("seekEnd", f)) return -1;
  return tl_file_seek_to(f, 0, SEEK_END);
}

int tl_file_sync(tl_file *f)
{
  if (tl_file_check_open("synchronize", f)) return -1;
  if (f->kind == TL_FILE_MEMORY) return 0;
  if (tl_file_flush(f)) return -1;
  if (f->kind == TL_FILE_DISK && f->writable && fsync(f->fd) != 0 && errno != EINVAL)
    return tl_file_fail(f, "synchronize: %s", strerror(errno));
  return 0;
}

int64_t tl_file_remaining(tl_file *f)
{
  if (tl_file_check_open("File", f)) return -1;
  if (f->kind == TL_FILE_MEMORY) {
    tl_file_mem_clamp(f);
    return f->msize - f->mpos;
  }
  if (f->kind == TL_FILE_PIPE) return -1;
  int64_t size = f->known_size;
  if (size < 0) {
    struct stat st;
    if (fstat(f->fd, &st) != 0 || !S_ISREG(st.st_mode)) return -1;
    size = (int64_t)st.st_size;
  }
  int64_t at = tl_file_position(f);
  if (at < 0) return -1;
  return size > at ? size - at : 0;
}

/* ---- memory files ------------------------------------------------------------ */

tl_storage *tl_file_storage(tl_file *f)
{
  if (tl_file_check_open("storage", f)) return NULL;
  if (f->kind != TL_FILE_MEMORY) {
    tl_error_set("storage: only a MemoryFile has a storage");
    return NULL;
  }
  tl_file_mem_clamp(f);
  if (f->mem->size != f->msize + 1 && tl_storage_resize(f->mem, f->msize + 1)) return NULL;
  f->mem->data[f->msize] = '\0';
  return f->mem;
}

const char *tl_file_memory_data(const tl_file *f, int64_t *size)
{
  if (tl_file_check_open("storage", f)) return NULL;
  if (f->kind != TL_FILE_MEMORY) {
    tl_error_set("storage: only a MemoryFile has a storage");
    return NULL;
  }
  tl_file_mem_clamp((tl_file *)f);
  *size = f->msize;
  return f->mem->data;
}

/* ---- closing ------------------------------------------------------------------- */

/* Closes descriptors and removes an uncommitted temporary. */
static void tl_file_release_handles(tl_file *f)
{
  if (f->pipe) {
    pclose(f->pipe);
    f->pipe = NULL;
    f->fd = -1;
  }
  if (f->fd >= 0) {
    close(f->fd);
    f->fd = -1;
  }
  if (f->atomic) {
    unlink(f->tmp);
    f->atomic = 0;
  }
  f->open = 0;
  f->state = TL_FILE_IDLE;
  f->lo = f->hi = 0;
}

int tl_file_close(tl_file *f)
{
  if (tl_file_check_open("close", f)) return -1;
  int rc = 0;
  if (f->kind == TL_FILE_MEMORY) {
    f->open = 0;
    return 0;
  }
  if (f->state == TL_FILE_WRITING) rc = tl_file_flush(f);
  if (rc == 0 && f->atomic) rc = tl_file_commit(f);
  if (f->pipe) {
    int status = pclose(f->pipe);
    f->pipe = NULL;
    f->fd = -1;
    (void)status;   /* Torch7 ignores the command's exit status too */
  } else if (f->fd >= 0 && close(f->fd) != 0 && rc == 0) {
    f->fd = -1;
    rc = tl_file_fail(f, "close: %s", strerror(errno));
  }
  f->fd = -1;
  tl_file_release_handles(f);
  return rc;
}

void tl_file_discard(tl_file *f)
{
  if (!f || !f->open) return;
  f->hi = 0;   /* drop pending output */
  tl_file_release_handles(f);
}

void tl_file_free(tl_file *f)
{
  if (!f) return;
  if (f->open) {
    /* an unclosed ordinary file keeps what was written, as with stdio;
     * an unclosed atomic file was never committed */
    if (!f->atomic && f->state == TL_FILE_WRITING) (void)tl_file_flush(f);
    tl_file_discard(f);
  }
  tl_file_dealloc(f);
}
