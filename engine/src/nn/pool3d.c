/*
 * pool3d.c: max pooling over the last three dimensions of [N, C, D1, D2, D3]
 * with argmax indices: dilated/padded windows (VolumetricDilatedMaxPooling),
 * Graham's fractional windows (Spatial/VolumetricFractionalMaxPooling, the
 * 2-D case with D1 = 1), and the scatter of values to recorded positions
 * shared by their backward passes and VolumetricMaxUnpooling.
 */
#include "nn.h"
#include <math.h>

typedef struct tl_nn_pool3d_geom {
  int64_t in[3], out[3];             /* volume and output sizes D1..D3 */
  int64_t k[3], d[3], pad[3], dil[3];
} tl_nn_pool3d_geom;

#define real float
#define TLNN(name) name##_f
#include "pool3d.inc"
#undef real
#undef TLNN

#define real double
#define TLNN(name) name##_d
#include "pool3d.inc"
#undef real
#undef TLNN

/* input must be [N, C, D1, D2, D3]; sets P = N*C and the volume sizes. */
static int tl_nn_pool3d_input(const char *fn, const tl_tensor *input, int64_t *P, tl_nn_pool3d_geom *g)
{
  if (tl_check_ndim(fn, input, 5, "input")) return -1;
  *P = input->size[0] * input->size[1];
  for (int32_t i = 0; i < 3; i++) g->in[i] = input->size[2 + i];
  return 0;
}

static int tl_nn_pool3d_resize(tl_tensor *t, const tl_tensor *input, const int64_t *out)
{
  int64_t size[5] = {input->size[0], input->size[1], out[0], out[1], out[2]};
  return tl_tensor_resize(t, 5, size);
}

/* Output size along one axis with Torch7's rule: in ceil mode, when there
 * is padding, the last window must start inside the input or its leading
 * padding. */
static int64_t tl_nn_pool3d_out(int64_t in, int64_t extent, int64_t d, int64_t pad, int32_t ceil_mode,
                                int32_t padded)
{
  int64_t span = in + 2 * pad - extent;
  int64_t o = (ceil_mode ? (span + d - 1) / d : span / d) + 1;
  if (ceil_mode && padded && (o - 1) * d >= in + pad) o--;
  return o;
}

int tl_nn_maxpool3d_forward(const tl_tensor *input, tl_tensor *output, tl_tensor *indices,
                            int32_t kT, int32_t kW, int32_t kH, int32_t dT, int32_t dW, int32_t dH,
                            int32_t padT, int32_t padW, int32_t padH, int32_t dilT, int32_t dilW,
                            int32_t dilH, int32_t ceil_mode)
{
  const char *fn = "VolumetricDilatedMaxPooling";
  tl_nn_pool3d_geom g = {{0}, {0}, {kT, kH, kW}, {dT, dH, dW}, {padT, padH, padW}, {dilT, dilH, dilW}};
  int64_t P;
  if (tl_nn_check(fn, input, "input", -1) || tl_nn_check_out(fn, output, "output", input->dtype) ||
      tl_check_not_null(fn, indices, "indices")) return -1;
  if (indices->dtype != TL_LONG) return tl_error_set("%s: indices must be a LongTensor", fn);
  if (kT <= 0 || kW <= 0 || kH <= 0 || dT <= 0 || dW <= 0 || dH <= 0 || padT < 0 || padW < 0 ||
      padH < 0 || dilT <= 0 || dilW <= 0 || dilH <= 0) {
    return tl_error_set("%s: bad geometry: kernel %dx%dx%d, step %d,%d,%d, padding %d,%d,%d, "
                        "dilation %d,%d,%d", fn, kT, kW, kH, dT, dW, dH, padT, padW, padH, dilT,
                        dilW, dilH);
  }
  if (2 * padT > kT || 2 * padW > kW || 2 * padH > kH) {
    return tl_error_set("%s: padding (%d,%d,%d) must be at most half the kernel (%dx%dx%d)", fn,
                        padT, padW, padH, kT, kW, kH);
  }
  if (tl_nn_pool3d_input(fn, input, &P, &g)) return -1;
  int32_t padded = padT || padW || padH;
  for (int32_t i = 0; i < 3; i++) {
    int64_t extent = g.dil[i] * (g.k[i] - 1) + 1;
    if (g.in[i] + 2 * g.pad[i] < extent) {
      char s[TL_SHAPE_STRLEN];
      return tl_error_set("%s: input %s is too small for a %dx%dx%d window (dilation %d,%d,%d)", fn,
                          tl_shape_str(input, s, sizeof s), kT, kW, kH, dilT, dilW, dilH);
    }
    g.out[i] = tl_nn_pool3d_out(g.in[i], extent, g.d[i], g.pad[i], ceil_mode, padded);
  }
  if (tl_nn_pool3d_resize(output, input, g.out) || tl_nn_pool3d_resize(indices, input, g.out)) return -1;
  TL_NN_CALL(input->dtype, tl_nn_pool3d_max_fwd,
             tl_tensor_data(input), tl_tensor_data(output), tl_tensor_data(indices), P, &g);
  return 0;
}

int tl_nn_fracmaxpool_forward(const tl_tensor *input, tl_tensor *output, tl_tensor *indices,
                              const tl_tensor *samples, int32_t nsamples, int32_t out1, int32_t out2,
                              int32_t out3, int32_t pool1, int32_t pool2, int32_t pool3)
{
  const char *fn = "FractionalMaxPooling";
  tl_nn_pool3d_geom g = {{0}, {out1, out2, out3}, {pool1, pool2, pool3}, {1, 1, 1}, {0}, {1, 1, 1}};
  int64_t P;
  if (tl_nn_check(fn, input, "input", -1) || tl_nn_check_out(fn, output, "output", input->dtype) ||
      tl_nn_check(fn, samples, "samples", input->dtype) || tl_check_not_null(fn, indices, "indices"))
    return -1;
  if (indices->dtype != TL_LONG) return tl_error_set("%s: indices must be a LongTensor", fn);
  if (tl_nn_pool3d_input(fn, input, &P, &g)) return -1;
  if (nsamples < 2 || nsamples > 3 || (nsamples == 2 && (out1 != 1 || pool1 != 1))) {
    return tl_error_set("%s: %d random samples per plane, expected 2 (2-D) or 3 (3-D)", fn, nsamples);
  }
  if (tl_tensor_numel(samples) != P * nsamples) {
    char s[TL_SHAPE_STRLEN];
    return tl_error_set("%s: samples %s, expected %lld x %d", fn, tl_shape_str(samples, s, sizeof s),
                        (long long)P, nsamples);
  }
  /* a sample outside [0, 1) (or NaN) would make the window starts undefined */
  for (int64_t k = 0; k < P * nsamples; k++) {
    double u = input->dtype == TL_FLOAT ? ((const float *)tl_tensor_data(samples))[k]
                                        : ((const double *)tl_tensor_data(samples))[k];
    if (!(u >= 0 && u < 1)) return tl_error_set("%s: random sample %g is not in [0, 1)", fn, u);
  }
  for (int32_t i = 0; i < 3; i++) {
    if (g.k[i] < 1 || g.out[i] < 1 || g.out[i] + g.k[i] - 1 > g.in[i]) {
      char s[TL_SHAPE_STRLEN];
      return tl_error_set("%s: input %s is too small for %d outputs of pool size %d along axis %d",
                          fn, tl_shape_str(input, s, sizeof s), (int32_t)g.out[i], (int32_t)g.k[i],
                          3 + i);
    }
  }
  int64_t *starts = tl_alloc((size_t)(P * (out1 + out2 + out3)) * sizeof(int64_t));
  if (!starts && P > 0) return -1;
  if (tl_nn_pool3d_resize(output, input, g.out) || tl_nn_pool3d_resize(indices, input, g.out)) {
    tl_release(starts);
    return -1;
  }
  TL_NN_CALL(input->dtype, tl_nn_pool3d_frac_fwd,
             tl_tensor_data(input), tl_tensor_data(output), tl_tensor_data(indices), tl_tensor_data(samples),
             nsamples, starts, P, &g);
  tl_release(starts);
  return 0;
}

int tl_nn_maxpool3d_backward(const tl_tensor *input, const tl_tensor *gradOutput,
                             const tl_tensor *indices, tl_tensor *gradInput)
{
  const char *fn = "VolumetricMaxPooling";
  if (tl_nn_check_out(fn, input, "input", -1) ||
      tl_nn_check(fn, gradOutput, "gradOutput", input->dtype) ||
      tl_nn_check_out(fn, gradInput, "gradInput", input->dtype) ||
      tl_check_not_null(fn, indices, "indices")) return -1;
  if (tl_check_ndim(fn, input, 5, "input")) return -1;
  if (indices->dtype != TL_LONG || !tl_tensor_is_contiguous(indices) ||
      !tl_tensor_same_size(indices, gradOutput) || gradOutput->ndim != 5 ||
      gradOutput->size[0] != input->size[0] || gradOutput->size[1] != input->size[1]) {
    char s[TL_SHAPE_STRLEN], t[TL_SHAPE_STRLEN];
    return tl_error_set("%s: gradOutput %s does not match the last output %s", fn,
                        tl_shape_str(gradOutput, s, sizeof s), tl_shape_str(indices, t, sizeof t));
  }
  int64_t P = input->size[0] * input->size[1];
  int64_t vol = input->size[2] * input->size[3] * input->size[4];
  int64_t ovol = gradOutput->size[2] * gradOutput->size[3] * gradOutput->size[4];
  /* indices may come from a file or a user: a bad one must not write astray */
  const int64_t *ix = tl_tensor_data(indices);
  for (int64_t k = 0; k < P * ovol; k++) {
    if (ix[k] < 0 || ix[k] >= vol) {
      return tl_error_set("%s: index %lld out of range for a volume of %lld elements", fn,
                          (long long)ix[k], (long long)vol);
    }
  }
  int64_t size[5] = {input->size[0], input->size[1], input->size[2], input->size[3], input->size[4]};
  if (tl_tensor_resize(gradInput, 5, size)) return -1;
  TL_NN_CALL(input->dtype, tl_nn_pool3d_scatter,
             tl_tensor_data(gradOutput), tl_tensor_data(gradInput), ix, P, vol, ovol);
  return 0;
}
