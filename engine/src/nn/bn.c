/*
 * bn.c: batch normalization over [N, F, S] (BatchNormalization with S = 1,
 * SpatialBatchNormalization with S = H*W). Training mode normalizes with
 * the batch statistics, saving the mean and 1/std for the backward pass,
 * and updates the running estimates; evaluation uses the running ones.
 */
#include "nn.h"
#include <math.h>

#define real float
#define TLNN(name) name##_f
#include "bn.inc"
#undef real
#undef TLNN

#define real double
#define TLNN(name) name##_d
#include "bn.inc"
#undef real
#undef TLNN

static void *tl_nn_opt_data(const tl_tensor *t) { return t ? tl_tensor_data(t) : NULL; }

/* Optional per-feature vectors must have F elements. */
static int tl_nn_bn_vec(const char *fn, const tl_tensor *t, const char *what, int32_t dtype, int64_t F)
{
  if (!t) return 0;
  if (tl_nn_check(fn, t, what, dtype)) return -1;
  if (tl_tensor_numel(t) != F) {
    return tl_error_set("%s: %s has %lld elements, expected %lld", fn, what,
                        (long long)tl_tensor_numel(t), (long long)F);
  }
  return 0;
}

static int tl_nn_bn_shape(const char *fn, const tl_tensor *input, int64_t *N, int64_t *F, int64_t *S)
{
  *N = *F = *S = 0;
  if (input->ndim < 2) return tl_check_ndim(fn, input, 2, "input");
  *N = input->size[0];
  *F = input->size[1];
  *S = input->size[1] > 0 ? tl_tensor_numel(input) / (*N * *F) : 0;
  return 0;
}

int tl_nn_batchnorm_forward(const tl_tensor *input, tl_tensor *output, const tl_tensor *weight,
                            const tl_tensor *bias, tl_tensor *running_mean, tl_tensor *running_var,
                            tl_tensor *save_mean, tl_tensor *save_std, int32_t train,
                            double momentum, double eps)
{
  const char *fn = "BatchNormalization";
  int64_t N, F, S;
  if (tl_nn_check(fn, input, "input", -1) || tl_nn_check_out(fn, output, "output", input->dtype) ||
      tl_nn_bn_shape(fn, input, &N, &F, &S)) return -1;
  int32_t d = input->dtype;
  if (tl_nn_bn_vec(fn, weight, "weight", d, F) || tl_nn_bn_vec(fn, bias, "bias", d, F) ||
      tl_nn_bn_vec(fn, running_mean, "running_mean", d, F) ||
      tl_nn_bn_vec(fn, running_var, "running_var", d, F)) return -1;
  if (!train && (!running_mean || !running_var))
    return tl_error_set("%s: evaluation needs the running mean and variance", fn);
  if (train && N * S <= 1)
    return tl_error_set("%s: training needs more than one value per feature, got input of %lld x %lld",
                        fn, (long long)N, (long long)S);
  if (train && (tl_nn_check_out(fn, save_mean, "save_mean", d) ||
                tl_nn_check_out(fn, save_std, "save_std", d) ||
                tl_nn_resize(save_mean, 1, F, 0, 0, 0) || tl_nn_resize(save_std, 1, F, 0, 0, 0)))
    return -1;
  if (tl_tensor_resize_as(output, input)) return -1;
  TL_NN_CALL(d, tl_nn_bn_fwd, tl_tensor_data(input), tl_tensor_data(output), tl_nn_opt_data(weight),
             tl_nn_opt_data(bias), tl_nn_opt_data(running_mean), tl_nn_opt_data(running_var),
             train ? tl_tensor_data(save_mean) : NULL, train ? tl_tensor_data(save_std) : NULL,
             N, F, S, train, momentum, eps);
  return 0;
}

int tl_nn_batchnorm_backward(const tl_tensor *input, const tl_tensor *gradOutput,
                             tl_tensor *gradInput, tl_tensor *gradWeight, tl_tensor *gradBias,
                             const tl_tensor *weight, const tl_tensor *running_mean,
                             const tl_tensor *running_var, const tl_tensor *save_mean,
                             const tl_tensor *save_std, int32_t train, double scale, double eps)
{
  const char *fn = "BatchNormalization";
  int64_t N, F, S;
  if (tl_nn_check(fn, input, "input", -1) ||
      tl_nn_check(fn, gradOutput, "gradOutput", input->dtype) ||
      tl_check_same_numel(fn, input, gradOutput) || tl_nn_bn_shape(fn, input, &N, &F, &S)) return -1;
  int32_t d = input->dtype;
  if ((gradInput && tl_nn_check_out(fn, gradInput, "gradInput", d)) ||
      tl_nn_bn_vec(fn, gradWeight, "gradWeight", d, F) || tl_nn_bn_vec(fn, gradBias, "gradBias", d, F) ||
      tl_nn_bn_vec(fn, weight, "weight", d, F) ||
      tl_nn_bn_vec(fn, running_mean, "running_mean", d, F) ||
      tl_nn_bn_vec(fn, running_var, "running_var", d, F)) return -1;
  if (train && (tl_nn_bn_vec(fn, save_mean, "save_mean", d, F) || tl_nn_bn_vec(fn, save_std, "save_std", d, F) ||
                !save_mean || !save_std))
    return tl_error_set("%s: backward in training mode needs a forward pass first", fn);
  if (!train && (!running_mean || !running_var))
    return tl_error_set("%s: evaluation needs the running mean and variance", fn);
  if (gradInput && tl_tensor_resize_as(gradInput, input)) return -1;
  TL_NN_CALL(d, tl_nn_bn_bwd, tl_tensor_data(input), tl_tensor_data(gradOutput), tl_nn_opt_data(gradInput),
             tl_nn_opt_data(gradWeight), tl_nn_opt_data(gradBias), tl_nn_opt_data(weight),
             tl_nn_opt_data(running_mean), tl_nn_opt_data(running_var),
             tl_nn_opt_data(save_mean), tl_nn_opt_data(save_std), N, F, S, train, scale, eps);
  return 0;
}
