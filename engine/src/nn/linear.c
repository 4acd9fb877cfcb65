/*
 * linear.c: nn.Linear's three passes, y = x W^T + b.
 *
 * input is [in] (one sample) or [n, in]; weight [out, in]; bias [out] or
 * NULL. Each pass is one BLAS call through tl_addmm/tl_addmv/tl_addr:
 * the transposed operands are stack copies of the tensor headers with two
 * sizes and strides swapped (no copy of the data, nothing to allocate),
 * which BLAS reads through its transpose flags. The forward pass writes
 * the bias into every row of the output and lets the GEMM add to it
 * (beta = 1); the bias gradient is a column sum, not a product with a
 * vector of ones. The Lua module (nn/linear.lua) did this with tensor
 * methods, allocating a transposed and an expanded view on every call.
 */
#include "nn.h"
#include "../blas_lib.h"

#define real float
#define TLNN(name) name##_f
#define GEMM tl_blas->cblas_sgemm
#include "linear.inc"
#undef real
#undef TLNN
#undef GEMM

#define real double
#define TLNN(name) name##_d
#define GEMM tl_blas->cblas_dgemm
#include "linear.inc"
#undef real
#undef TLNN
#undef GEMM

/* The header of t [a, b] as [b, a]: a view used only for the length of
 * one call (it takes no reference on the storage). */
static tl_tensor tl_nn_linear_t(const tl_tensor *t)
{
  tl_tensor r = *t;
  r.size[0] = t->size[1];
  r.size[1] = t->size[0];
  r.stride[0] = t->stride[1];
  r.stride[1] = t->stride[0];
  return r;
}

/* weight [out, in] and an input of in features, 1-D or 2-D. */
static int tl_nn_linear_check(const char *fn, const tl_tensor *input, const tl_tensor *weight)
{
  if (tl_nn_check_out(fn, input, "input", -1) || tl_nn_check_out(fn, weight, "weight", input->dtype) ||
      tl_check_ndim(fn, weight, 2, "weight")) return -1;
  if (input->ndim != 1 && input->ndim != 2) {
    char s[TL_SHAPE_STRLEN];
    return tl_error_set("%s: input must be a vector or a matrix, got %s", fn,
                        tl_shape_str(input, s, sizeof s));
  }
  if (input->size[input->ndim - 1] != weight->size[1]) {
    return tl_error_set("%s: input has %lld features, expected %lld", fn,
                        (long long)input->size[input->ndim - 1], (long long)weight->size[1]);
  }
  return 0;
}

/* gradOutput must hold one row of out values per input row. */
static int tl_nn_linear_check_grad(const char *fn, const tl_tensor *input, const tl_tensor *gradOutput,
                                   int64_t out)
{
  int64_t n = input->ndim == 1 ? 1 : input->size[0];
  if (tl_tensor_numel(gradOutput) != n * out || gradOutput->ndim != input->ndim) {
    char s[TL_SHAPE_STRLEN], t[TL_SHAPE_STRLEN];
    return tl_error_set("%s: gradOutput %s does not match input %s and %lld outputs", fn,
                        tl_shape_str(gradOutput, s, sizeof s), tl_shape_str(input, t, sizeof t),
                        (long long)out);
  }
  return 0;
}

int tl_nn_linear_forward(const tl_tensor *input, const tl_tensor *weight, const tl_tensor *bias,
                         tl_tensor *output)
{
  const char *fn = "Linear";
  if (tl_nn_linear_check(fn, input, weight) || tl_nn_check_out(fn, output, "output", input->dtype) ||
      (bias && tl_nn_check_out(fn, bias, "bias", input->dtype))) return -1;
  int64_t m = weight->size[0];
  if (bias && (bias->ndim != 1 || bias->size[0] != m)) {
    char s[TL_SHAPE_STRLEN];
    return tl_error_set("%s: bias %s does not match %lld outputs", fn, tl_shape_str(bias, s, sizeof s),
                        (long long)m);
  }
  int64_t n = input->ndim == 1 ? 1 : input->size[0];
  if (input->ndim == 1 ? tl_nn_resize(output, 1, m, 0, 0, 0) : tl_nn_resize(output, 2, n, m, 0, 0))
    return -1;
  if (!tl_tensor_is_contiguous(output)) return tl_error_set("%s: output must be contiguous", fn);
  if (n * m == 0) return 0;
  if (bias) {
    TL_NN_CALL(input->dtype, tl_nn_linear_fill_bias,
               tl_tensor_data(output), tl_tensor_data(bias), bias->stride[0], n, m);
  }
  /* with a bias, the product is added to the rows just written */
  const tl_tensor *add = bias ? output : NULL;
  if (input->ndim == 1) return tl_addmv(output, 1, add, 1, weight, input);
  tl_tensor wt = tl_nn_linear_t(weight);
  return tl_addmm(output, 1, add, 1, input, &wt);
}

/* Multiply-adds from which a batch's gradInput is split over the rows of
 * the weight (as blas.c splits its products: below it one thread). */
enum { TL_NN_LINEAR_SPLIT_MM = 1 << 21 };

int tl_nn_linear_backward_input(const tl_tensor *input, const tl_tensor *gradOutput,
                                const tl_tensor *weight, tl_tensor *gradInput, tl_tensor *scratch)
{
  const char *fn = "Linear";
  if (tl_nn_linear_check(fn, input, weight) ||
      tl_nn_check_out(fn, gradOutput, "gradOutput", input->dtype) ||
      tl_nn_check_out(fn, gradInput, "gradInput", input->dtype) ||
      tl_nn_linear_check_grad(fn, input, gradOutput, weight->size[0])) return -1;
  if (tl_tensor_resize_as(gradInput, input)) return -1;
  if (input->ndim == 1) {
    tl_tensor wt = tl_nn_linear_t(weight);
    return tl_addmv(gradInput, 0, NULL, 1, &wt, gradOutput);
  }
  int64_t n = input->size[0], out = weight->size[0], in = weight->size[1];
  int nt = tl_parallel_inside() ? 1 : (int)tl_threads();
  if (nt > 1 && scratch && n * out * in >= TL_NN_LINEAR_SPLIT_MM && out >= 16 * nt &&
      tl_tensor_is_contiguous(gradOutput) && tl_tensor_is_contiguous(weight) &&
      tl_tensor_is_contiguous(gradInput) && n * in <= INT32_MAX && out <= INT32_MAX && tl_blas_ready() &&
      !tl_nn_check_out(fn, scratch, "scratch", input->dtype) &&
      !tl_nn_resize(scratch, 1, (nt - 1) * n * in, 0, 0, 0)) {
    TL_NN_CALL(input->dtype, tl_nn_linear_grad_input_rows, tl_tensor_data(gradOutput), tl_tensor_data(weight),
               tl_tensor_data(gradInput), tl_tensor_data(scratch), n, out, in, nt);
    return 0;
  }
  return tl_addmm(gradInput, 0, NULL, 1, gradOutput, weight);
}

int tl_nn_linear_backward_params(const tl_tensor *input, const tl_tensor *gradOutput,
                                 tl_tensor *gradWeight, tl_tensor *gradBias, double scale)
{
  const char *fn = "Linear";
  if (tl_nn_linear_check(fn, input, gradWeight) ||
      tl_nn_check(fn, gradOutput, "gradOutput", input->dtype) ||
      (gradBias && tl_nn_check_out(fn, gradBias, "gradBias", input->dtype)) ||
      tl_nn_linear_check_grad(fn, input, gradOutput, gradWeight->size[0])) return -1;
  int64_t n = input->ndim == 1 ? 1 : input->size[0], m = gradWeight->size[0];
  if (gradBias && (gradBias->ndim != 1 || gradBias->size[0] != m)) {
    char s[TL_SHAPE_STRLEN];
    return tl_error_set("%s: gradBias %s does not match %lld outputs", fn,
                        tl_shape_str(gradBias, s, sizeof s), (long long)m);
  }
  int rc;
  if (input->ndim == 1) {
    rc = tl_addr(gradWeight, 1, gradWeight, scale, gradOutput, input);
  } else {
    /* one GEMM accumulating into gradWeight: beta 1, gradOutput^T as a view */
    tl_tensor got = tl_nn_linear_t(gradOutput);
    rc = tl_addmm(gradWeight, 1, gradWeight, scale, &got, input);
  }
  if (rc || !gradBias || n * m == 0) return rc;
  TL_NN_CALL(input->dtype, tl_nn_linear_bias_grad,
             tl_tensor_data(gradBias), gradBias->stride[0], tl_tensor_data(gradOutput), n, m, scale);
  return 0;
}
