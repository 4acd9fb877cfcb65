/*
 * file.h: the torch.File family's private state, shared by file.c (open,
 * close, buffering, positions, atomic saves), file_codec.c (binary and
 * ascii encodings of typed arrays and strings) and file_t7.c (the storage
 * and tensor payloads of .t7 files).
 *
 * One struct serves the three kinds. Disk and pipe files do their own
 * buffering on a raw descriptor (no stdio), so reads, writes, positions
 * and errors follow one code path; a memory file reads and writes a
 * CharStorage directly, keeping a NUL after its last byte as Torch7 does.
 */
#ifndef TL_FILE_H
#define TL_FILE_H
#include "internal.h"
#include <stdio.h>

/* Disk and pipe buffer; the fuzz build makes it tiny so that refills fall
 * inside tokens and strings. */
#ifndef TL_FILE_BUFSIZE_BYTES
#define TL_FILE_BUFSIZE_BYTES (1 << 18)
#endif
enum { TL_FILE_BUFSIZE = TL_FILE_BUFSIZE_BYTES };
enum { TL_FILE_IDLE = 0, TL_FILE_READING = 1, TL_FILE_WRITING = 2 };

struct tl_file {
  int32_t kind;          /* TL_FILE_DISK, TL_FILE_MEMORY, TL_FILE_PIPE */
  int32_t readable, writable, binary, autospacing, quiet, has_error;
  int32_t endian;        /* TL_ENDIAN_* as set by the user */
  int32_t swap;          /* 1 when multi-byte values are byte-swapped */
  int32_t long_size;     /* 0 (native), 4 or 8 */
  int32_t buffered;      /* 0 after noBuffer() */
  int32_t open;
  int32_t atomic;        /* writes go to tmp, renamed over path on close */
  /* disk and pipe */
  int fd;
  FILE *pipe;            /* popen handle; only its descriptor is used */
  char *buf;
  int64_t lo, hi;        /* reading: unread bytes buf[lo, hi); writing: buf[0, hi) */
  int32_t state;         /* TL_FILE_IDLE / READING / WRITING */
  int64_t known_size;    /* size of a read-only disk file at open, else -1 */
  int64_t fdpos;         /* the descriptor's offset (disk files) */
  char *path, *tmp;      /* atomic saves: the target and the temporary */
  /* memory */
  tl_storage *mem;
  int64_t msize, mpos;   /* bytes in the file, read/write position */
};

/* Byte-level I/O used by the encodings. io_read returns the number of
 * bytes read (short only at end of file) or -1 after an error; io_getc
 * returns a byte, -1 at end of file or -2 after an error; io_ungetc puts
 * back the byte io_getc just returned. */
int64_t tl_file_io_read(tl_file *f, void *dst, int64_t n);
int tl_file_io_write(tl_file *f, const void *src, int64_t n);
int tl_file_io_getc(tl_file *f);
void tl_file_io_ungetc(tl_file *f);
/* After each public operation: write through and drop read-ahead when the
 * file is unbuffered. */
int tl_file_io_settle(tl_file *f);

/* Checks shared by the public entry points ("readInt: ..." messages). */
int tl_file_check_open(const char *fn, const tl_file *f);
int tl_file_check_read(const char *fn, const tl_file *f);
int tl_file_check_write(const char *fn, const tl_file *f);

/* Records an error on f (hasError) and in the message buffer; -1. */
int tl_file_fail(tl_file *f, const char *fmt, ...) TL_PRINTF(2, 3);

/* Width in bytes of a long in this file's binary encoding (4 or 8). */
int32_t tl_file_long_bytes(const tl_file *f);

#endif
