/*
 * act.c: element-wise transfer functions (forward and derivative in one
 * place per kind, see tl_nn_act in torchlight.h) and softmax/log-softmax.
 */
#include "nn.h"
#include "../ops/ops.h"
#include <tgmath.h>

#define real float
#define TLNN(name) name##_f
#include "act.inc"
#undef real
#undef TLNN

#define real double
#define TLNN(name) name##_d
#include "act.inc"
#undef real
#undef TLNN

int tl_nn_act_forward(int32_t kind, const tl_tensor *input, tl_tensor *output, double a, double b)
{
  const char *fn = "nn transfer function";
  if (kind < 0 || kind >= TL_NN_NACT) return tl_error_set("%s: unknown kind %d", fn, kind);
  if (tl_nn_check(fn, input, "input", -1) || tl_nn_check_out(fn, output, "output", input->dtype))
    return -1;
  if (output != input && tl_tensor_resize_as(output, input)) return -1;
  if (!tl_tensor_is_contiguous(output)) return tl_error_set("%s: output must be contiguous", fn);
  /* Float tanh and sigmoid: the engine's vectorized kernels (torch.tanh's,
   * about 1 ulp) instead of a libm call per element. */
  if (input->dtype == TL_FLOAT && (kind == TL_NN_TANH || kind == TL_NN_SIGMOID))
    return tl_pointwise(kind == TL_NN_TANH ? TL_OP_tanh : TL_OP_sigmoid, output, input, NULL, NULL, 0, 0);
  int64_t n = tl_tensor_numel(input);
  TL_NN_CALL(input->dtype, tl_nn_act_fwd, kind, tl_tensor_data(input), tl_tensor_data(output), n, a, b);
  return 0;
}

int tl_nn_act_backward(int32_t kind, const tl_tensor *input, const tl_tensor *output,
                       const tl_tensor *gradOutput, tl_tensor *gradInput, double a, double b)
{
  const char *fn = "nn transfer function";
  if (kind < 0 || kind >= TL_NN_NACT) return tl_error_set("%s: unknown kind %d", fn, kind);
  if (tl_nn_check(fn, output, "output", -1) ||
      (input && tl_nn_check(fn, input, "input", output->dtype)) ||
      tl_nn_check(fn, gradOutput, "gradOutput", output->dtype) ||
      tl_nn_check_out(fn, gradInput, "gradInput", output->dtype)) return -1;
  if (tl_check_same_numel(fn, output, gradOutput) || (input && tl_check_same_numel(fn, input, output)))
    return -1;
  if (!input && kind != TL_NN_TANH && kind != TL_NN_SIGMOID)
    return tl_error_set("%s: this kind needs the input", fn);
  if (gradInput != gradOutput && tl_tensor_resize_as(gradInput, output)) return -1;
  if (!tl_tensor_is_contiguous(gradInput)) return tl_error_set("%s: gradInput must be contiguous", fn);
  int64_t n = tl_tensor_numel(output);
  TL_NN_CALL(output->dtype, tl_nn_act_bwd,
             kind, input ? tl_tensor_data(input) : NULL, tl_tensor_data(output), tl_tensor_data(gradOutput),
             tl_tensor_data(gradInput), n, a, b);
  return 0;
}

static int tl_nn_softmax_shape(const char *fn, const tl_tensor *t, int32_t dim, int64_t *outer,
                               int64_t *C, int64_t *inner)
{
  if (tl_check_dim(fn, t, dim)) return -1;
  *outer = 1;
  *inner = 1;
  for (int32_t d = 0; d < dim; d++) *outer *= t->size[d];
  for (int32_t d = dim + 1; d < t->ndim; d++) *inner *= t->size[d];
  *C = t->size[dim];
  return 0;
}

int tl_nn_softmax_forward(const tl_tensor *input, tl_tensor *output, int32_t dim, int32_t logsm)
{
  const char *fn = logsm ? "LogSoftMax" : "SoftMax";
  int64_t outer, C, inner;
  if (tl_nn_check(fn, input, "input", -1) || tl_nn_check_out(fn, output, "output", input->dtype) ||
      tl_nn_softmax_shape(fn, input, dim, &outer, &C, &inner)) return -1;
  if (tl_tensor_resize_as(output, input)) return -1;
  TL_NN_CALL(input->dtype, tl_nn_softmax_fwd,
             tl_tensor_data(input), tl_tensor_data(output), outer, C, inner, logsm);
  return 0;
}

int tl_nn_softmax_backward(const tl_tensor *output, const tl_tensor *gradOutput,
                           tl_tensor *gradInput, int32_t dim, int32_t logsm)
{
  const char *fn = logsm ? "LogSoftMax" : "SoftMax";
  int64_t outer, C, inner;
  if (tl_nn_check(fn, output, "output", -1) ||
      tl_nn_check(fn, gradOutput, "gradOutput", output->dtype) ||
      tl_nn_check_out(fn, gradInput, "gradInput", output->dtype) ||
      tl_check_same_numel(fn, output, gradOutput) ||
      tl_nn_softmax_shape(fn, output, dim, &outer, &C, &inner)) return -1;
  if (tl_tensor_resize_as(gradInput, output)) return -1;
  TL_NN_CALL(output->dtype, tl_nn_softmax_bwd,
             tl_tensor_data(output), tl_tensor_data(gradOutput), tl_tensor_data(gradInput), outer, C, inner,
             logsm);
  return 0;
}
