/*
 * fuzz_decode.c: libFuzzer harness for the PNG and JPEG decoders reading
 * from memory. The first input byte picks the decoder and the output
 * dtype; the rest is the file. Any crash, leak or UB report is a bug.
 * Built and run by image/fuzz/run_fuzz.sh (ASan + UBSan).
 */
#include <stddef.h>
#include <stdint.h>
#include "tl_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1) return 0;
  static const int32_t dtypes[3] = {TL_BYTE, TL_FLOAT, TL_DOUBLE};
  /* Keep allocations small so the fuzzer explores parsing, not memory. */
  tli_set_max_pixels((int64_t)1 << 18);
  tl_tensor *t = tl_tensor_new(dtypes[(data[0] >> 1) % 3], TL_CPU);
  if (!t) return 0;
  int32_t bits = 0;
  if (data[0] & 1) tli_jpeg_decode(NULL, data + 1, (int64_t)(size - 1), t);
  else tli_png_decode(NULL, data + 1, (int64_t)(size - 1), t, &bits);
  tl_tensor_free(t);
  return 0;
}
