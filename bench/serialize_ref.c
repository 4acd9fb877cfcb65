/*
 * serialize_ref.c: the reference for bench/serialize.lua: plain stdio
 * writes and reads of a buffer of the same size as the tensor's data.
 *
 *   serialize_ref write PATH BYTES SYNC   fwrite a filled buffer, fflush,
 *                                         fsync when SYNC is 1, fclose
 *   serialize_ref read PATH BYTES         malloc a fresh buffer, fread, fclose
 *
 * Prints the seconds taken by the timed part (the buffer to write is
 * filled before the clock starts, as the tensor is; the buffer to read
 * into is allocated inside it, as torch.load allocates its storage).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double ref_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int ref_write(const char *path, size_t bytes, int sync)
{
  char *buf = malloc(bytes);
  if (!buf) return 1;
  memset(buf, 1, bytes);
  double t0 = ref_now();
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(buf, 1, bytes, f) != bytes || fflush(f) != 0) return 1;
  if (sync && fsync(fileno(f)) != 0) return 1;
  if (fclose(f) != 0) return 1;
  printf("%.6f\n", ref_now() - t0);
  free(buf);
  return 0;
}

static int ref_read(const char *path, size_t bytes)
{
  double t0 = ref_now();
  char *buf = malloc(bytes);
  FILE *f = fopen(path, "rb");
  if (!buf || !f || fread(buf, 1, bytes, f) != bytes) return 1;
  fclose(f);
  double t = ref_now() - t0;
  volatile char sink = buf[bytes / 2];
  (void)sink;
  printf("%.6f\n", t);
  free(buf);
  return 0;
}

int main(int argc, char **argv)
{
  if (argc >= 4 && !strcmp(argv[1], "write"))
    return ref_write(argv[2], strtoull(argv[3], NULL, 10), argc > 4 && !strcmp(argv[4], "1"));
  if (argc >= 4 && !strcmp(argv[1], "read")) return ref_read(argv[2], strtoull(argv[3], NULL, 10));
  fprintf(stderr, "usage: serialize_ref write PATH BYTES SYNC | read PATH BYTES\n");
  return 2;
}
