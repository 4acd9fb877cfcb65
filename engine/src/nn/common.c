/*
 * common.c: argument checks shared by the nn kernels.
 */
#include "nn.h"

int tl_nn_check_out(const char *fn, const tl_tensor *t, const char *what, int32_t dtype)
{
  if (tl_check_not_null(fn, t, what)) return -1;
  if (t->dtype != TL_FLOAT && t->dtype != TL_DOUBLE) {
    return tl_error_set("%s: %s must be a FloatTensor or DoubleTensor, got torch.%sTensor", fn,
                        what, tl_dtype_get(t->dtype)->name);
  }
  if (dtype >= 0 && t->dtype != dtype) {
    return tl_error_set("%s: %s is torch.%sTensor, expected torch.%sTensor", fn, what,
                        tl_dtype_get(t->dtype)->name, tl_dtype_get(dtype)->name);
  }
  if (t->device != TL_CPU) return tl_error_set("%s: %s is not on the CPU", fn, what);
  return 0;
}

int tl_nn_check(const char *fn, const tl_tensor *t, const char *what, int32_t dtype)
{
  if (tl_nn_check_out(fn, t, what, dtype)) return -1;
  if (!tl_tensor_is_contiguous(t)) return tl_error_set("%s: %s must be contiguous", fn, what);
  return 0;
}

int tl_nn_resize(tl_tensor *t, int32_t ndim, int64_t s0, int64_t s1, int64_t s2, int64_t s3)
{
  int64_t size[4] = {s0, s1, s2, s3};
  return tl_tensor_resize(t, ndim, size);
}
