/*
 * nn.h: helpers shared by the nn kernels (the files of engine/src/nn), not public.
 *
 * Every kernel takes contiguous Float or Double tensors of one dtype (the
 * Lua modules call :contiguous() first) and checks them with tl_nn_check.
 * Batch layouts are fixed here: images are [N, C, H, W]; the Lua side adds
 * the batch dimension for a single sample, so kernels see one layout.
 * Per-dtype bodies live in *.inc files included once for float and once
 * for double, with `real` the element type and TLNN(name) the suffix.
 */
#ifndef TL_NN_H
#define TL_NN_H
#include "../internal.h"
#include <string.h>

/* t must exist, be contiguous, and be Float or Double (of dtype `dtype`
 * when dtype >= 0). what names the argument in the message. */
int tl_nn_check(const char *fn, const tl_tensor *t, const char *what, int32_t dtype);
/* Like tl_nn_check for an output: only the dtype matters (it is resized). */
int tl_nn_check_out(const char *fn, const tl_tensor *t, const char *what, int32_t dtype);
/* Resize t to the given sizes (up to 4). */
int tl_nn_resize(tl_tensor *t, int32_t ndim, int64_t s0, int64_t s1, int64_t s2, int64_t s3);

/* Calls a per-dtype body: name_f(...) for Float tensors, name_d(...) for
 * Double (the two instantiations of an *.inc file). */
#define TL_NN_CALL(dtype, name, ...) ((dtype) == TL_FLOAT ? name##_f(__VA_ARGS__) : name##_d(__VA_ARGS__))

#endif
