/*
 * winograd.c: 3x3 stride-1 convolutions (padding 0 or 1) by Winograd's
 * minimal filtering, for the VGG-style layers of nn.SpatialConvolution.
 *
 * Unfold + GEMM (conv.c) runs near the FMA peak, so only fewer
 * multiplications help. F(m x m, 3x3) makes an m x m output tile from
 * (m + 2)^2 products per (input plane, output plane) pair instead of 9 m^2:
 * F(2x2,3x3) 16 instead of 36, F(4x4,3x3) 36 instead of 144. The input
 * patches and the filters are transformed, the positions of the
 * transformed tile become as many matrix products over planes, and the
 * output is transformed back (winograd.inc, with the transforms of each
 * tile size in winograd_f2.inc and winograd_f4.inc). The input gradient
 * is the same convolution of the output gradient with the filters rotated
 * and transposed, padding 2 - pad; the weight gradient multiplies the
 * transformed output gradient by the transformed input, which also
 * spares the columns that the GEMM path keeps for accGradParameters.
 *
 * Which tile: 4x4 tiles need 44% fewer products than 2x2 ones, but their
 * filter transform is 2.25x larger and a row of few tiles wastes more of
 * the transforms' vector blocks and of the last tile; outputs of 24x24 and
 * more take 4x4 tiles (TL_WG4_MIN_SIZE). Measured for forward + both
 * backward passes, Float, batch 8, one thread, 4x4 against 2x2 tiles:
 * 64 -> 64 planes at 12x12 0.69x, 16x16 1.06x, 20x20 0.95x, 24x24 1.30x,
 * 32x32 1.48x; 256 -> 256 at 14x14 0.91x, 20x20 1.17x, 28x28 1.34x; VGG-A's
 * layers from 112x112 to 28x28 1.2-1.5x on two threads. Float results with
 * 4x4 tiles differ from the exact ones by up to about 20 eps times the
 * largest |x| conv |w| (2x2 tiles: 1.5), as oneDNN's and cuDNN's do.
 *
 * Tiles are processed in chunks: the transformed input of every tile of a
 * VGG batch would take hundreds of MB, a chunk a few MB (tens for 512
 * planes) while each of its products stays large enough for the BLAS to
 * run at speed. The threads share each chunk: the input transform split
 * by input planes, the products by position (each thread calling a serial
 * BLAS inside the thread job, parallel.c), the output transform by output
 * planes; so a chunk can be as large as one thread would want, and the
 * weight gradient needs one sum of the transformed gradient, not one per
 * thread. A call too small for threads runs on the calling thread alone
 * and lets the BLAS use its threads. Scratch is a tensor owned by the Lua
 * module and grown here. When the path pays at all: see
 * tl_nn_conv2d_winograd_ok.
 */
#include "nn.h"
#include "../blas_lib.h"
#include <math.h>

/* One convolution as the kernels see it: forward, or the input gradient
 * with input and output swapped. */
typedef struct tl_wg_geom {
  int64_t N, C, H, W;       /* the input [N, C, H, W] */
  int64_t O, oH, oW;        /* the output [N, O, oH, oW] */
  int64_t padH, padW;
  int32_t m, P;             /* the output tile's side (2 or 4), positions of a transformed tile */
  int64_t tH, tW, tiles;    /* tiles per image column and row, tiles of the batch */
  int64_t T, nchunks;       /* tiles per chunk (the last may have fewer), chunks */
  int64_t work;             /* scratch elements for a chunk's buffers */
  int32_t nt;               /* threads sharing each chunk */
} tl_wg_geom;

/* The transforms' loops over the tiles of a row run in whole blocks of
 * this many tiles (a vector of doubles, half of one of floats): rows of a
 * few tiles (VGG's 14x14 and 28x28 layers) then need no scalar remainder
 * loops. Each row of a chunk's buffers has TL_WG_VW columns of padding. */
#define TL_WG_VW 8
/* A thread's row buffers for the transforms of a chunk of T tiles. */
#define TL_WG_BUF(T) (48 * ((T) + TL_WG_VW + 1))

#define real float
#define TLNN(name) name##_f
#define GEMM tl_blas->cblas_sgemm
#include "winograd.inc"
#undef real
#undef TLNN
#undef GEMM

#define real double
#define TLNN(name) name##_d
#define GEMM tl_blas->cblas_dgemm
#include "winograd.inc"
#undef real
#undef TLNN
#undef GEMM

/* Chunk size: a chunk's transformed input and output (P (C + O) T
 * elements, P = 16 or 36) should stay near TL_WG_CHUNK_ELEMS, to be read
 * back while still cached; but every chunk repacks the whole transformed
 * filter (P O C elements) for the BLAS, which only pays for itself over enough
 * tiles: T >= sqrt(O C) keeps that below a few per cent. Measured on
 * Float, one thread, batch 8, 2x2 tiles (Zen 4): 512 -> 512 planes at 28x28 take
 * 166 ms with chunks of 128 tiles and 157 ms with 512; 256 -> 256 at
 * 56x56, whose filters are smaller, is fastest with 256 (2M elements),
 * its gradWeight 30% slower with 1024. At least TL_WG_MIN_TILES tiles:
 * narrower products waste the BLAS's blocking. */
enum { TL_WG_CHUNK_ELEMS = 1 << 21, TL_WG_MIN_TILES = 32 };

/* Outputs from this size on (both ways) take F(4x4,3x3), smaller ones
 * F(2x2,3x3): see the top of the file. */
enum { TL_WG4_MIN_SIZE = 24 };

/* Work of a call below which it runs on one thread. */
enum { TL_WG_MIN_THREAD_WORK = 1 << 21 };

/* Fills the tiling, chunking and threads of g (its sizes set). */
static void tl_wg_plan(tl_wg_geom *g)
{
  g->m = g->oW >= TL_WG4_MIN_SIZE && g->oH >= TL_WG4_MIN_SIZE ? 4 : 2;
  g->P = (g->m + 2) * (g->m + 2);
  g->tH = (g->oH + g->m - 1) / g->m;
  g->tW = (g->oW + g->m - 1) / g->m;
  g->tiles = g->N * g->tH * g->tW;
  g->nt = 1;
  g->T = g->nchunks = g->work = 0;
  if (g->tiles == 0) return; /* an empty batch: nothing to compute */
  int64_t tmax = TL_WG_CHUNK_ELEMS / (g->P * (g->C + g->O));
  int64_t tpack = (int64_t)sqrt((double)g->C * (double)g->O);
  if (tmax < tpack) tmax = tpack;
  if (tmax < TL_WG_MIN_TILES) tmax = TL_WG_MIN_TILES;
  int64_t nchunks = (g->tiles + tmax - 1) / tmax;
  g->T = (g->tiles + nchunks - 1) / nchunks;
  g->nchunks = (g->tiles + g->T - 1) / g->T;
  /* the products' multiply-adds, and about 8 operations per transformed value */
  if (g->P * g->tiles * (g->O * g->C + 8 * (g->C + g->O)) >= TL_WG_MIN_THREAD_WORK) g->nt = tl_threads();
  /* V and M (or Z), their rows padded, then each thread's row buffers */
  g->work = g->P * (g->C + g->O) * (g->T + TL_WG_VW) + g->nt * TL_WG_BUF(g->T);
}

/* Threads for the filter transform: one below a few thousand filters. */
static int32_t tl_wg_filter_threads(const tl_wg_geom *g)
{
  return g->O * g->C * g->P * 16 > TL_PARALLEL_GRAIN ? tl_threads() : 1;
}

/* When the path pays, measured with 2x2 tiles (4x4 ones only take the
 * outputs where they beat 2x2) for forward + both backward passes on
 * Float, one thread, against unfold + GEMM, with OpenBLAS's AVX2 and its
 * AVX-512 kernels (the latter make the products twice as fast, so the
 * transforms weigh more; figures AVX2/AVX-512, batch 8 unless said):
 * - input planes C, the inner dimension of the forward products: 32 -> 32
 *   at 32x32 wins 1.44/1.30x, 16 -> 64 1.05/0.80x, 8 -> 64 0.71/0.63x,
 *   VGG's 3 -> 64 first layer 0.5x;
 * - output planes O against C: the output side's transforms grow with O
 *   and the savings with C, so 32 -> 256 at 32x32 still wins 1.35/1.04x but
 *   32 -> 512 at 16x16 1.15/0.84x; few output planes win (64 -> 4: 3.2x
 *   with AVX-512, where the GEMM path's products are thin);
 * - tiles of the batch: each call transforms all O C filters and every
 *   chunk repacks them, which the tiles must amortise: one 14x14 image (49
 *   tiles) breaks even with AVX-512 (1.01x, 1.29x with AVX2), one 8x8
 *   image (16) loses 0.6-0.8x, four (64) win 1.13/1.47x. */
enum { TL_WG_MIN_INPUT_PLANES = 32, TL_WG_MAX_PLANE_RATIO = 8, TL_WG_MIN_BATCH_TILES = 48 };

int tl_nn_conv2d_winograd_ok(int64_t batch, int32_t nInputPlane, int32_t nOutputPlane, int64_t inputH,
                             int64_t inputW, int32_t kW, int32_t kH, int32_t dW, int32_t dH, int32_t padW,
                             int32_t padH, int32_t dilW, int32_t dilH)
{
  if (kW != 3 || kH != 3 || dW != 1 || dH != 1 || dilW != 1 || dilH != 1 || padW < 0 || padW > 1 || padH < 0 ||
      padH > 1 || nInputPlane < TL_WG_MIN_INPUT_PLANES || nOutputPlane < 1 ||
      nOutputPlane > (int64_t)TL_WG_MAX_PLANE_RATIO * nInputPlane)
    return 0;
  int64_t oH = inputH + 2 * padH - 2, oW = inputW + 2 * padW - 2;
  return batch > 0 && oH > 0 && oW > 0 && batch * ((oH + 1) / 2) * ((oW + 1) / 2) >= TL_WG_MIN_BATCH_TILES;
}

/* Validates input [N, C, H, W], weight (O*C*3*3 elements, O its first
 * size), the padding and, when given, gradOutput [N, O, oH, oW]; fills
 * the sizes of g for the forward convolution. */
static int tl_wg_setup(const char *fn, const tl_tensor *input, const tl_tensor *weight,
                       const tl_tensor *gradOutput, int32_t padW, int32_t padH, tl_wg_geom *g)
{
  if (tl_nn_check(fn, input, "input", -1) || tl_nn_check(fn, weight, "weight", input->dtype) ||
      (gradOutput && tl_nn_check(fn, gradOutput, "gradOutput", input->dtype)))
    return -1;
  if (padW < 0 || padW > 1 || padH < 0 || padH > 1)
    return tl_error_set("%s: the Winograd kernels take padding 0 or 1, not %d,%d", fn, padW, padH);
  if (tl_check_ndim(fn, input, 4, "input")) return -1;
  int64_t N = input->size[0], C = input->size[1], H = input->size[2], W = input->size[3];
  if (H + 2 * padH < 3 || W + 2 * padW < 3)
    return tl_error_set("%s: input image (%lldx%lld) with padding %d,%d is smaller than the kernel (3x3)", fn,
                        (long long)H, (long long)W, padH, padW);
  int64_t O = weight->ndim > 0 ? weight->size[0] : 0;
  if (C == 0 || O == 0 || tl_tensor_numel(weight) != O * C * 9) {
    char s[TL_SHAPE_STRLEN];
    return tl_error_set("%s: weight %s does not match %lld input planes and a 3x3 kernel", fn,
                        tl_shape_str(weight, s, sizeof s), (long long)C);
  }
  *g = (tl_wg_geom){.N = N, .C = C, .H = H, .W = W, .O = O, .oH = H + 2 * padH - 2, .oW = W + 2 * padW - 2,
                    .padH = padH, .padW = padW};
  if (gradOutput && (gradOutput->ndim != 4 || gradOutput->size[0] != N || gradOutput->size[1] != O ||
                     gradOutput->size[2] != g->oH || gradOutput->size[3] != g->oW)) {
    char s[TL_SHAPE_STRLEN];
    return tl_error_set("%s: gradOutput %s, expected [%lld x %lld x %lld x %lld]", fn,
                        tl_shape_str(gradOutput, s, sizeof s), (long long)N, (long long)O, (long long)g->oH,
                        (long long)g->oW);
  }
  return tl_blas_need(fn);
}

/* out = src convolved by the (with flip: rotated, transposed) filters of
 * weight, plus bias: the forward pass and gradInput's. Scratch holds the
 * transformed filters, then one chunk slice per thread. */
static int tl_wg_run(const tl_tensor *src, const tl_tensor *weight, int flip, const tl_tensor *bias,
                     tl_tensor *out, tl_tensor *scratch, tl_wg_geom *g)
{
  tl_wg_plan(g);
  int64_t usize = g->P * g->O * g->C;
  if (tl_nn_resize(out, 4, g->N, g->O, g->oH, g->oW) ||
      tl_nn_resize(scratch, 1, usize + g->work, 0, 0, 0))
    return -1;
  if (g->tiles == 0) return 0;
  char *s = tl_tensor_data(scratch);
  size_t es = (size_t)tl_dtype_get(src->dtype)->size;
  TL_NN_CALL(src->dtype, tl_wg_filter, tl_tensor_data(weight), (void *)s, g->O, g->C, flip, tl_wg_filter_threads(g),
             g);
  TL_NN_CALL(src->dtype, tl_wg_conv, tl_tensor_data(src), (void *)s, bias ? tl_tensor_data(bias) : NULL,
             tl_tensor_data(out), (void *)(s + usize * es), g);
  return 0;
}

int tl_nn_conv2d_winograd_forward(const tl_tensor *input, const tl_tensor *weight, const tl_tensor *bias,
                                  tl_tensor *output, tl_tensor *scratch, int32_t padW, int32_t padH)
{
  const char *fn = "SpatialConvolution";
  tl_wg_geom g;
  if (tl_wg_setup(fn, input, weight, NULL, padW, padH, &g) ||
      (bias && tl_nn_check(fn, bias, "bias", input->dtype)) ||
      tl_nn_check_out(fn, output, "output", input->dtype) || tl_nn_check_out(fn, scratch, "scratch", input->dtype))
    return -1;
  if (bias && tl_tensor_numel(bias) != g.O)
    return tl_error_set("%s: bias has %lld elements, expected %lld", fn, (long long)tl_tensor_numel(bias),
                        (long long)g.O);
  return tl_wg_run(input, weight, 0, bias, output, scratch, &g);
}

int tl_nn_conv2d_winograd_backward_input(const tl_tensor *input, const tl_tensor *gradOutput,
                                         const tl_tensor *weight, tl_tensor *gradInput, tl_tensor *scratch,
                                         int32_t padW, int32_t padH)
{
  const char *fn = "SpatialConvolution";
  tl_wg_geom f;
  if (tl_wg_setup(fn, input, weight, gradOutput, padW, padH, &f) ||
      tl_nn_check_out(fn, gradInput, "gradInput", input->dtype) ||
      tl_nn_check_out(fn, scratch, "scratch", input->dtype))
    return -1;
  /* the convolution of gradOutput by the rotated, transposed filters */
  tl_wg_geom g = {.N = f.N, .C = f.O, .H = f.oH, .W = f.oW, .O = f.C, .oH = f.H, .oW = f.W,
                  .padH = 2 - f.padH, .padW = 2 - f.padW};
  return tl_wg_run(gradOutput, weight, 1, NULL, gradInput, scratch, &g);
}

int tl_nn_conv2d_winograd_backward_params(const tl_tensor *input, const tl_tensor *gradOutput,
                                          tl_tensor *gradWeight, tl_tensor *gradBias, tl_tensor *scratch,
                                          double scale, int32_t padW, int32_t padH)
{
  const char *fn = "SpatialConvolution";
  tl_wg_geom g;
  if (tl_wg_setup(fn, input, gradWeight, gradOutput, padW, padH, &g) ||
      (gradBias && tl_nn_check(fn, gradBias, "gradBias", input->dtype)) ||
      tl_nn_check_out(fn, scratch, "scratch", input->dtype))
    return -1;
  if (gradBias && tl_tensor_numel(gradBias) != g.O)
    return tl_error_set("%s: gradBias has %lld elements, expected %lld", fn, (long long)tl_tensor_numel(gradBias),
                        (long long)g.O);
  /* the transformed weight gradient, then the chunk buffers */
  tl_wg_plan(&g);
  if (tl_nn_resize(scratch, 1, g.P * g.O * g.C + g.work, 0, 0, 0)) return -1;
  if (g.tiles == 0) return 0;
  TL_NN_CALL(input->dtype, tl_wg_params, tl_tensor_data(input), tl_tensor_data(gradOutput),
             tl_tensor_data(gradWeight), gradBias ? tl_tensor_data(gradBias) : NULL, tl_tensor_data(scratch),
             scale, &g);
  return 0;
}
