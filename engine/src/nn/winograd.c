/*
 * winograd.c: 3x3 stride-1 convolutions (padding 0 or 1) by Winograd's
 * minimal filtering F(2x2,3x3), for the VGG-style layers of
 * nn.SpatialConvolution.
 *
 * Unfold + GEMM (conv.c) runs near the FMA peak, so only fewer
 * multiplications help: F(2x2,3x3) makes a 2x2 output tile from 16
 * products per (input plane, output plane) pair instead of 36. The
 * input patches and the filters are transformed, the 16 positions of the
 * transformed tile become 16 matrix products over planes, and the output
 * is transformed back (winograd.inc). The input gradient is the same
 * convolution of the output gradient with the filters rotated and
 * transposed, padding 2 - pad; the weight gradient multiplies the
 * transformed output gradient by the transformed input, which also
 * spares the columns that the GEMM path keeps for accGradParameters.
 *
 * Tiles are processed in chunks: the transformed input of every tile of a
 * VGG batch would take hundreds of MB, a chunk a few MB (tens for 512
 * planes) while each of its 16 products stays large enough for the BLAS
 * to run at speed. Threads take whole chunks (transform, products,
 * back-transform), each with its own slice of the scratch tensor, calling
 * a serial BLAS inside the parallel region; a job of one chunk runs
 * outside it and lets the BLAS use its threads. Scratch is a tensor owned
 * by the Lua module and grown here. When the path pays: see
 * tl_nn_conv2d_winograd_ok.
 */
#include "nn.h"
#include "../blas_lib.h"
#include <omp.h>
#include <math.h>

/* One convolution as the kernels see it: forward, or the input gradient
 * with input and output swapped. */
typedef struct tl_wg_geom {
  int64_t N, C, H, W;       /* the input [N, C, H, W] */
  int64_t O, oH, oW;        /* the output [N, O, oH, oW] */
  int64_t padH, padW;
  int64_t tH, tW, tiles;    /* 2x2 tiles per image column and row, tiles of the batch */
  int64_t T, nchunks;       /* tiles per chunk (the last may have fewer), chunks */
  int64_t slice;            /* scratch elements per thread */
  int32_t nt;               /* threads over chunks */
} tl_wg_geom;

/* The transforms' loops over the tiles of a row run in whole blocks of
 * this many tiles (a vector of doubles, half of one of floats): rows of a
 * few tiles (VGG's 14x14 and 28x28 layers) then need no scalar remainder
 * loops. Each row of a chunk's buffers has TL_WG_VW columns of padding. */
#define TL_WG_VW 8
/* Input planes whose rows are split before any is transformed. */
#define TL_WG_CB 4

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

/* Chunk size: a chunk's transformed input and output (16 (C + O) T
 * elements) should stay near TL_WG_CHUNK_ELEMS, to be read back while
 * still cached; but every chunk repacks the whole transformed filter (16
 * O C elements) for the BLAS, which only pays for itself over enough
 * tiles: T >= sqrt(O C) keeps that below a few per cent. Measured on
 * Float, one thread, batch 8 (Zen 4): 512 -> 512 planes at 28x28 take
 * 166 ms with chunks of 128 tiles and 157 ms with 512; 256 -> 256 at
 * 56x56, whose filters are smaller, is fastest with 256 (2M elements),
 * its gradWeight 30% slower with 1024. At least TL_WG_MIN_TILES tiles:
 * narrower products waste the BLAS's blocking. */
enum { TL_WG_CHUNK_ELEMS = 1 << 21, TL_WG_MIN_TILES = 32 };

/* Fills the tiling and chunking of g (its sizes set); extra: per-thread
 * elements beyond the chunk buffers. */
static void tl_wg_plan(tl_wg_geom *g, int64_t extra)
{
  g->tH = (g->oH + 1) / 2;
  g->tW = (g->oW + 1) / 2;
  g->tiles = g->N * g->tH * g->tW;
  g->slice = extra;
  g->nt = 1;
  g->T = g->nchunks = 0;
  if (g->tiles == 0) return; /* an empty batch: nothing to compute */
  int64_t tmax = TL_WG_CHUNK_ELEMS / (16 * (g->C + g->O));
  int64_t tpack = (int64_t)sqrt((double)g->C * (double)g->O);
  if (tmax < tpack) tmax = tpack;
  if (tmax < TL_WG_MIN_TILES) tmax = TL_WG_MIN_TILES;
  int64_t nchunks = (g->tiles + tmax - 1) / tmax;
  int32_t threads = tl_threads();
  int64_t nt = 1;
  if (threads > 1 && g->tiles >= 2 * TL_WG_MIN_TILES) {
    nt = g->tiles / TL_WG_MIN_TILES;
    if (nt > threads) nt = threads;
    /* whole rounds of nt chunks, so that no thread idles at the end */
    if (nchunks < nt) nchunks = nt;
    nchunks = (nchunks + nt - 1) / nt * nt;
  }
  g->T = (g->tiles + nchunks - 1) / nchunks;
  g->nchunks = (g->tiles + g->T - 1) / g->T;
  g->nt = (int32_t)(nt < g->nchunks ? nt : g->nchunks);
  /* V and M (or Z), their rows padded, then the row buffers of the transforms */
  g->slice += 16 * (g->C + g->O) * (g->T + TL_WG_VW) + 8 * TL_WG_CB * (g->T + TL_WG_VW + 2);
}

/* Threads for the filter transform: one below a few thousand filters. */
static int32_t tl_wg_filter_threads(const tl_wg_geom *g)
{
  return g->O * g->C * 16 * 16 > TL_PARALLEL_GRAIN ? tl_threads() : 1;
}

/* When the path pays, measured for forward + both backward passes on
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
  tl_wg_plan(g, 0);
  int64_t usize = 16 * g->O * g->C;
  if (tl_nn_resize(out, 4, g->N, g->O, g->oH, g->oW) ||
      tl_nn_resize(scratch, 1, usize + g->nt * g->slice, 0, 0, 0))
    return -1;
  if (g->tiles == 0) return 0;
  char *s = tl_tensor_data(scratch);
  size_t es = (size_t)tl_dtype_get(src->dtype)->size;
  TL_NN_CALL(src->dtype, tl_wg_filter, tl_tensor_data(weight), (void *)s, g->O, g->C, flip, tl_wg_filter_threads(g));
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
  /* per thread: its sum of the transformed weight gradient, then the chunk buffers */
  tl_wg_plan(&g, 16 * g.O * g.C);
  if (tl_nn_resize(scratch, 1, g.nt * g.slice, 0, 0, 0)) return -1;
  if (g.tiles == 0) return 0;
  TL_NN_CALL(input->dtype, tl_wg_params, tl_tensor_data(input), tl_tensor_data(gradOutput),
             tl_tensor_data(gradWeight), gradBias ? tl_tensor_data(gradBias) : NULL, tl_tensor_data(scratch),
             scale, &g);
  return 0;
}
