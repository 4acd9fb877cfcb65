/*
 * torchlight.h: the public C API of the Torchlight engine.
 *
 * Plain C with no Lua dependency. This file is also the FFI declaration
 * the Lua binding hands to ffi.cdef, so it holds declarations only: no
 * macros, no inline code. Lines starting with '#' are dropped by the Lua
 * loader, which is why the include guard and <stdint.h> are allowed.
 *
 * Conventions:
 *  - every function that can fail returns int: 0 on success, -1 on error,
 *    after recording a message readable with tl_error_message();
 *  - functions that return a pointer return NULL on error;
 *  - sizes, strides, offsets and indices are int64_t and 0-based here
 *    (the Lua layer converts Torch7's 1-based indices);
 *  - validate, then allocate, then compute: on error nothing is changed.
 */
#ifndef TORCHLIGHT_H
#define TORCHLIGHT_H
#include <stdint.h>
#include <stddef.h>

/* ---- dtypes ---------------------------------------------------------- */

typedef enum tl_dtype {
  TL_BYTE = 0, TL_CHAR = 1, TL_SHORT = 2, TL_INT = 3, TL_LONG = 4,
  TL_FLOAT = 5, TL_DOUBLE = 6, TL_HALF = 7, TL_NDTYPE = 8
} tl_dtype;

typedef struct tl_dtype_info {
  const char *name;      /* "Byte", "Float", ... as in torch.ByteTensor */
  int32_t size;          /* bytes per element */
  int32_t is_float;      /* 1 for Float, Double, Half */
  int32_t has_math;      /* 0 for Half: storage, copy and views only */
} tl_dtype_info;

const tl_dtype_info *tl_dtype_get(int32_t dtype);
float tl_half_to_float(uint16_t h);
uint16_t tl_float_to_half(float f);

/* ---- errors and interrupts -------------------------------------------- */

/* The last error message of this thread ("" when none). */
const char *tl_error_message(void);
void tl_error_clear(void);
/* Ctrl-C support: the REPL sets the flag from its signal handler; long
 * loops poll it and fail with "interrupted". The flag stays set until
 * cleared, so every level of a nested computation unwinds. */
void tl_interrupt_set(void);
void tl_interrupt_clear(void);
int32_t tl_interrupt_pending(void);

/* ---- devices ----------------------------------------------------------- */

typedef enum tl_device_kind { TL_CPU = 0, TL_CUDA = 1, TL_NDEVICE = 2 } tl_device_kind;

int32_t tl_device_available(int32_t device);

/* ---- storages ---------------------------------------------------------- */

/* A refcounted, typed, flat buffer. flags say who owns data. */
typedef struct tl_storage {
  char *data;
  int64_t size;          /* elements */
  int32_t dtype;
  int32_t device;
  int32_t refcount;
  int32_t flags;         /* TL_STORAGE_* below */
  int64_t mapped_bytes;  /* length of the mapping for mmap'd storages */
} tl_storage;

enum { TL_STORAGE_OWNS = 1, TL_STORAGE_RESIZABLE = 2, TL_STORAGE_MMAP = 4 };

tl_storage *tl_storage_new(int32_t dtype, int32_t device, int64_t size);
/* Wrap memory the caller keeps alive; never freed by the storage. */
tl_storage *tl_storage_wrap(int32_t dtype, void *data, int64_t size);
/* Map a file. shared=1 writes through to the file (MAP_SHARED); size 0
 * means the whole file (its length must be a multiple of the element
 * size); a larger size grows the file when shared. */
tl_storage *tl_storage_mmap(int32_t dtype, const char *path, int32_t shared, int64_t size);
void tl_storage_retain(tl_storage *s);
void tl_storage_free(tl_storage *s);
int tl_storage_resize(tl_storage *s, int64_t size);
int tl_storage_fill(tl_storage *s, double value);
/* Element-wise copy with dtype conversion; sizes must match. */
int tl_storage_copy(tl_storage *dst, const tl_storage *src);
double tl_storage_get(const tl_storage *s, int64_t i);
void tl_storage_set(tl_storage *s, int64_t i, double v);

/* ---- tensors ----------------------------------------------------------- */

/* A strided view of a storage. ndim == 0 means the empty tensor (Torch7's
 * "no dimension"); such a tensor may have storage == NULL. Element (i,j,..)
 * lives at storage->data + (offset + i*stride[0] + j*stride[1] + ...). */
typedef struct tl_tensor {
  tl_storage *storage;
  int64_t offset;        /* elements */
  int32_t ndim;
  int32_t dtype;
  int32_t device;
  int32_t refcount;
  int64_t size[16];
  int64_t stride[16];
} tl_tensor;

enum { TL_MAXDIM = 16 };

/* Constructors return a tensor with refcount 1, or NULL on error. */
tl_tensor *tl_tensor_new(int32_t dtype, int32_t device);                 /* empty, no storage */
tl_tensor *tl_tensor_new_sized(int32_t dtype, int32_t device, int32_t ndim, const int64_t *size);
/* A view of storage s; stride NULL means contiguous. Validates bounds. */
tl_tensor *tl_tensor_new_view(tl_storage *s, int64_t offset, int32_t ndim,
                              const int64_t *size, const int64_t *stride);
tl_tensor *tl_tensor_new_alias(const tl_tensor *t);                      /* shares storage */
tl_tensor *tl_tensor_clone(const tl_tensor *t);                          /* contiguous copy */
/* Returns t itself (retained) when contiguous, else a contiguous copy. */
tl_tensor *tl_tensor_contiguous(tl_tensor *t);
void tl_tensor_retain(tl_tensor *t);
void tl_tensor_free(tl_tensor *t);

int64_t tl_tensor_numel(const tl_tensor *t);
int32_t tl_tensor_is_contiguous(const tl_tensor *t);
int32_t tl_tensor_same_size(const tl_tensor *a, const tl_tensor *b);
/* Address of element at linear row-major position i (slow; for tests and
 * scalar access). */
void *tl_tensor_ptr(const tl_tensor *t, int64_t linear);
void *tl_tensor_data(const tl_tensor *t);   /* first element, or NULL */
double tl_tensor_get(const tl_tensor *t, const int64_t *index);
void tl_tensor_put(tl_tensor *t, const int64_t *index, double value);

/* In-place reshaping of the header. resize keeps the storage when it is
 * big enough (growing it otherwise); strides become contiguous. */
int tl_tensor_resize(tl_tensor *t, int32_t ndim, const int64_t *size);
int tl_tensor_resize_as(tl_tensor *t, const tl_tensor *src);
/* Point t at storage s (NULL clears); stride NULL means contiguous. */
int tl_tensor_set_storage(tl_tensor *t, tl_storage *s, int64_t offset, int32_t ndim,
                          const int64_t *size, const int64_t *stride);
int tl_tensor_set(tl_tensor *t, const tl_tensor *src);

/* Views, applied in place to t (the Lua layer aliases first). dim is
 * 0-based; start is 0-based. */
int tl_tensor_narrow(tl_tensor *t, int32_t dim, int64_t start, int64_t length);
int tl_tensor_select(tl_tensor *t, int32_t dim, int64_t index);
int tl_tensor_transpose(tl_tensor *t, int32_t dim1, int32_t dim2);
int tl_tensor_permute(tl_tensor *t, const int32_t *perm);
int tl_tensor_unfold(tl_tensor *t, int32_t dim, int64_t size, int64_t step);
/* View with a new shape; -1 in one position is inferred. Fails if the
 * memory layout does not allow it without a copy. */
int tl_tensor_view(tl_tensor *t, int32_t ndim, const int64_t *size);
/* Stride-0 expansion of singleton dimensions. */
int tl_tensor_expand(tl_tensor *t, int32_t ndim, const int64_t *size);
/* dim < 0 squeezes every singleton dimension. */
int tl_tensor_squeeze(tl_tensor *t, int32_t dim);
int tl_tensor_unsqueeze(tl_tensor *t, int32_t dim);

/* Copy src into dst element by element in row-major order, converting
 * dtypes. Element counts must match; shapes may differ. */
int tl_tensor_copy(tl_tensor *dst, const tl_tensor *src);
int tl_tensor_fill(tl_tensor *t, double value);

/* Masked ops (mask: a ByteTensor with as many elements as t, visited in
 * row-major order; non-zero selects). */
int tl_masked_fill(tl_tensor *t, const tl_tensor *mask, double value);
/* Copies the first k elements of src into the k selected places. */
int tl_masked_copy(tl_tensor *t, const tl_tensor *mask, const tl_tensor *src);
/* res becomes a 1-D tensor of the selected elements. */
int tl_masked_select(tl_tensor *res, const tl_tensor *t, const tl_tensor *mask);

/* ---- threads ----------------------------------------------------------- */

void tl_set_num_threads(int32_t n);
int32_t tl_get_num_threads(void);
int32_t tl_get_num_cores(void);
/* The threads OpenBLAS will use for its next call (0: not loaded yet). */
int32_t tl_blas_get_num_threads(void);

/* ---- math ops ----------------------------------------------------------
 * The op list is declared once (engine/src/ops/ops.def) and read by the
 * binding at load time through tl_op_count/tl_op_get. */

typedef enum tl_op_kind {
  TL_OPK_UNARY = 0,     /* res = f(a)                            */
  TL_OPK_SCALAR = 1,    /* res = f(a, s0 [, s1])                 */
  TL_OPK_BINARY = 2,    /* res = f(a, b [, s0])                  */
  TL_OPK_TERNARY = 3,   /* res = f(a, b, c, s0)                  */
  TL_OPK_REDUCE = 4     /* values, indices = f(a, dim [, s0])    */
} tl_op_kind;

typedef struct tl_op_info {
  const char *name;
  int32_t kind;          /* tl_op_kind */
  int32_t float_only;    /* 1: Float and Double only */
} tl_op_info;

int32_t tl_op_count(void);
const tl_op_info *tl_op_get(int32_t op);

/* Element-wise ops over same-shaped operands (element counts must match).
 * res may alias a (in-place); unused operands are NULL. */
int tl_pointwise(int32_t op, tl_tensor *res, const tl_tensor *a, const tl_tensor *b,
                 const tl_tensor *c, double s0, double s1);
/* Reduce along dim (0-based); indices may be NULL (for max/min they hold
 * 0-based positions). dim < 0 reduces everything into *out. */
int tl_reduce(int32_t op, tl_tensor *values, tl_tensor *indices, const tl_tensor *a,
              int32_t dim, double s0);
int tl_reduce_all(int32_t op, const tl_tensor *a, double s0, double *out);

/* BLAS: res = beta*m + alpha*(a @ b). res may alias m; m may be NULL
 * (then beta is ignored: plain mm/mv/ger). */
int tl_addmm(tl_tensor *res, double beta, const tl_tensor *m, double alpha,
             const tl_tensor *a, const tl_tensor *b);
int tl_addmv(tl_tensor *res, double beta, const tl_tensor *v, double alpha,
             const tl_tensor *m, const tl_tensor *x);
int tl_addr(tl_tensor *res, double beta, const tl_tensor *m, double alpha,
            const tl_tensor *x, const tl_tensor *y);
int tl_dot(const tl_tensor *a, const tl_tensor *b, double *out);

/* ---- math (issue 3) ---- */

/* The comparison kind of the op list (ops.def TL_COMPARE), after
 * tl_op_kind's values. tl_op_info.float_only is 2 for the ops that exist
 * on the integer types only (the bitwise ops and shifts). */
enum { TL_OPK_COMPARE = 5 };

/* res = (a OP b) as 1/0: b a tensor of a's type, or (b NULL) the scalar s.
 * res is a ByteTensor or a tensor of a's type. */
int tl_compare(int32_t op, tl_tensor *res, const tl_tensor *a, const tl_tensor *b, double s);
/* Cumulative sum (op = the sum op) or product (the prod op) along dim. */
int tl_cumulate(int32_t op, tl_tensor *res, const tl_tensor *a, int32_t dim);

/* Sorting and selection along dim (0-based). Indices are LongTensors of
 * 0-based positions (the Lua layer adds 1); values/indices are resized. */
int tl_sort(tl_tensor *values, tl_tensor *indices, const tl_tensor *a, int32_t dim,
            int32_t descending);
int tl_topk(tl_tensor *values, tl_tensor *indices, const tl_tensor *a, int64_t k, int32_t dim,
            int32_t largest, int32_t sorted);
/* k-th smallest (k 0-based); the dim is kept with size 1. */
int tl_kthvalue(tl_tensor *values, tl_tensor *indices, const tl_tensor *a, int64_t k, int32_t dim);
int tl_mode(tl_tensor *values, tl_tensor *indices, const tl_tensor *a, int32_t dim);

/* Indexing with LongTensors of 0-based positions. */
int tl_gather(tl_tensor *res, const tl_tensor *src, int32_t dim, const tl_tensor *index);
int tl_scatter(tl_tensor *res, int32_t dim, const tl_tensor *index, const tl_tensor *src);
int tl_scatter_fill(tl_tensor *res, int32_t dim, const tl_tensor *index, double value);
int tl_index_select(tl_tensor *res, const tl_tensor *src, int32_t dim, const tl_tensor *index);
int tl_index_copy(tl_tensor *res, int32_t dim, const tl_tensor *index, const tl_tensor *src);
int tl_index_add(tl_tensor *res, int32_t dim, const tl_tensor *index, const tl_tensor *src);
int tl_index_fill(tl_tensor *res, int32_t dim, const tl_tensor *index, double value);
/* res: a LongTensor n x ndim of the 0-based positions of non-zeros. */
int tl_nonzero(tl_tensor *res, const tl_tensor *a);

/* 2-D and 3-D convolutions: full (1) or valid (0); flip 1 convolves,
 * 0 correlates. conv2: x 2-D with k 2-D, x 3-D with k 3-D (one kernel
 * per plane), or x 3-D with k 4-D (out x in planes, summed over in). */
int tl_conv2(tl_tensor *res, const tl_tensor *x, const tl_tensor *k, int32_t full, int32_t flip);
int tl_conv3(tl_tensor *res, const tl_tensor *x, const tl_tensor *k, int32_t full, int32_t flip);

/* LAPACK (Float and Double; CPU). Results are resized; matrices are
 * returned in column-major layout, as Torch7 does. */
int tl_gesv(tl_tensor *x, tl_tensor *lu, const tl_tensor *b, const tl_tensor *a);
int tl_gels(tl_tensor *x, tl_tensor *qr, const tl_tensor *b, const tl_tensor *a);
int tl_trtrs(tl_tensor *x, tl_tensor *ac, const tl_tensor *b, const tl_tensor *a, char uplo,
             char trans, char diag);
int tl_symeig(tl_tensor *e, tl_tensor *v, const tl_tensor *a, char jobz, char uplo);
int tl_eig(tl_tensor *e, tl_tensor *v, const tl_tensor *a, char jobvr);
int tl_svd(tl_tensor *u, tl_tensor *s, tl_tensor *v, const tl_tensor *a, char jobu);
int tl_inverse(tl_tensor *res, const tl_tensor *a);
int tl_potrf(tl_tensor *res, const tl_tensor *a, char uplo);
int tl_potrs(tl_tensor *res, const tl_tensor *b, const tl_tensor *a, char uplo);
int tl_potri(tl_tensor *res, const tl_tensor *a, char uplo);
int tl_pstrf(tl_tensor *res, tl_tensor *piv, const tl_tensor *a, char uplo, double tol);
int tl_geqrf(tl_tensor *res, tl_tensor *tau, const tl_tensor *a);
int tl_orgqr(tl_tensor *res, const tl_tensor *a, const tl_tensor *tau);
int tl_ormqr(tl_tensor *res, const tl_tensor *a, const tl_tensor *tau, const tl_tensor *c,
             char side, char trans);

/* ---- random numbers (Torch7's MT19937, bit for bit) --------------------- */

/* Same layout as TH's THGenerator on LP64 (5048 bytes), so that
 * getRNGState/setRNGState exchange Torch7's bytes. */
typedef struct tl_generator {
  uint64_t initial_seed;
  int32_t left;
  int32_t seeded;
  uint64_t next;
  uint64_t state[624];
  double normal_x;
  double normal_y;
  double normal_rho;
  int32_t normal_is_valid;
} tl_generator;

tl_generator *tl_generator_new(void);
void tl_generator_free(tl_generator *g);
int tl_generator_copy(tl_generator *dst, const tl_generator *src);
void tl_generator_manual_seed(tl_generator *g, uint64_t seed);
uint64_t tl_generator_seed(tl_generator *g);          /* from /dev/urandom */
/* Checks the fields like TH (seeded, 0 < left <= 624, next <= 624). */
int tl_generator_set_state(tl_generator *g, const tl_generator *src);

uint32_t tl_random32(tl_generator *g);
double tl_random_uniform(tl_generator *g, double a, double b);
double tl_random_normal(tl_generator *g, double mean, double std);
double tl_random_exponential(tl_generator *g, double lambda);
double tl_random_cauchy(tl_generator *g, double median, double sigma);
double tl_random_lognormal(tl_generator *g, double mean, double std);
int64_t tl_random_geometric(tl_generator *g, double p);
int32_t tl_random_bernoulli(tl_generator *g, double p);

/* Tensor fills in logical row-major order (as Torch7, even for views). */
typedef enum tl_dist {
  TL_DIST_UNIFORM = 0,      /* p0=a, p1=b      */
  TL_DIST_NORMAL = 1,       /* p0=mean, p1=std */
  TL_DIST_EXPONENTIAL = 2,  /* p0=lambda       */
  TL_DIST_CAUCHY = 3,       /* p0=median, p1=sigma */
  TL_DIST_LOGNORMAL = 4,    /* p0=mean, p1=std */
  TL_DIST_GEOMETRIC = 5,    /* p0=p            */
  TL_DIST_BERNOULLI = 6,    /* p0=p            */
  TL_DIST_RANDOM = 7,       /* r reduced per dtype (API.md 5.3) */
  TL_DIST_RANDOM_RANGE = 8  /* p0=a, p1=b: r mod (b+1-a) + a */
} tl_dist;

int tl_tensor_random_fill(tl_generator *g, tl_tensor *t, int32_t dist, double p0, double p1);
/* Bernoulli with per-element probabilities p (same element count). */
int tl_tensor_bernoulli_tensor(tl_generator *g, tl_tensor *t, const tl_tensor *p);
/* t becomes a 1-D tensor of size n holding a 1-based random permutation. */
int tl_tensor_randperm(tl_generator *g, tl_tensor *t, int64_t n);

/* ---- files (torch.File family) ---- */

/* A disk, memory or pipe file with Torch7's binary and ascii encodings
 * (API.md 3.1). Positions are 0-based bytes here; the Lua layer adds 1.
 * Reads return the number of elements read: fewer than asked means end of
 * file or an error, recorded in the message buffer and in TL_FILE_ERROR.
 * A closed file refuses every operation but tl_file_free. */
typedef struct tl_file tl_file;

typedef enum tl_file_prop {
  TL_FILE_READABLE = 0, TL_FILE_WRITABLE = 1, TL_FILE_BINARY = 2,
  TL_FILE_AUTOSPACING = 3, TL_FILE_QUIET = 4, TL_FILE_ERROR = 5,
  TL_FILE_ENDIAN = 6,     /* TL_ENDIAN_*; memory files stay native */
  TL_FILE_LONGSIZE = 7,   /* 0 (native), 4 or 8 bytes per long in binary */
  TL_FILE_BUFFERED = 8, TL_FILE_OPEN = 9, TL_FILE_KIND = 10
} tl_file_prop;

enum { TL_FILE_DISK = 0, TL_FILE_MEMORY = 1, TL_FILE_PIPE = 2 };
enum { TL_ENDIAN_NATIVE = 0, TL_ENDIAN_LITTLE = 1, TL_ENDIAN_BIG = 2 };

/* mode is "r", "w" or "rw". atomic (mode "w" only): write a temporary in
 * the same directory, and on tl_file_close flush, fsync, rename it over
 * path and fsync the directory; temporaries left by killed writers are
 * removed first. Files start in ascii mode with autospacing on. */
tl_file *tl_file_open_disk(const char *path, const char *mode, int32_t atomic);
/* chars: a CharStorage ending with a NUL byte, shared (retained), or NULL
 * for a new empty file. */
tl_file *tl_file_open_memory(tl_storage *chars, const char *mode);
tl_file *tl_file_open_pipe(const char *command, const char *mode);
/* Flushes and closes (committing an atomic file). The file is closed even
 * when this fails; an atomic file then leaves the target untouched. */
int tl_file_close(tl_file *f);
/* Closes without committing: an atomic file's temporary is removed. */
void tl_file_discard(tl_file *f);
void tl_file_free(tl_file *f);   /* discards if still open */

int32_t tl_file_get(const tl_file *f, int32_t prop);
int tl_file_set(tl_file *f, int32_t prop, int32_t value);

/* n elements of dtype (TL_BYTE..TL_HALF) from/to memory. Longs are
 * int64_t in memory whatever their width in the file. */
int64_t tl_file_read(tl_file *f, int32_t dtype, void *dst, int64_t n);
int64_t tl_file_write(tl_file *f, int32_t dtype, const void *src, int64_t n);
/* Raw bytes, no separators. line=1 reads up to a newline (consumed, not
 * returned), line=0 to the end. *out is allocated; free it with
 * tl_file_string_free. Returns the length, or -1. */
int64_t tl_file_read_string(tl_file *f, int32_t line, char **out);
void tl_file_string_free(char *s);
int64_t tl_file_write_string(tl_file *f, const char *s, int64_t n);

int64_t tl_file_position(tl_file *f);
int tl_file_seek(tl_file *f, int64_t position);
int tl_file_seek_end(tl_file *f);
int tl_file_sync(tl_file *f);
/* Bytes between the position and the end, or -1 when unknown (pipes). */
int64_t tl_file_remaining(tl_file *f);

/* Memory files: the CharStorage (resized to the contents plus a NUL), or
 * the contents without copying (valid until the next write). */
tl_storage *tl_file_storage(tl_file *f);
const char *tl_file_memory_data(const tl_file *f, int64_t *size);

/* .t7 payloads (API.md 3.2). A storage is a long count then the elements;
 * the count is checked against the bytes left before s is resized. A
 * tensor header is an int ndim, ndim sizes, ndim strides and the 1-based
 * offset as longs; tl_file_read_tensor fills hdr's ndim, size, stride and
 * offset (0-based) after checking them (at most TL_MAXDIM dimensions, no
 * negative values, no overflow). tl_file_check_view then checks that the
 * header fits storage s (NULL: only an empty tensor fits). */
int tl_file_read_storage(tl_file *f, tl_storage *s);
int tl_file_write_storage(tl_file *f, const tl_storage *s);
int tl_file_read_tensor(tl_file *f, tl_tensor *hdr);
int tl_file_write_tensor(tl_file *f, const tl_tensor *t);
int tl_file_check_view(const tl_tensor *hdr, const tl_storage *s);

/* ---- nn kernels ---- */

/* The kernels behind the nn package (engine/src/nn/). Tensors are
 * contiguous Float or Double of one dtype; outputs are resized here. The
 * Lua modules add the batch dimension for single samples, so images are
 * always [N, C, H, W]. */

/* SpatialConvolution(MM) and, with dilation > 1, SpatialDilatedConvolution:
 * weight [O, C*kH*kW] (or [O, C, kH, kW]), bias [O] or NULL. finput gets
 * the unfolded input of the batch [N, C*kH*kW, oH*oW], used again by
 * backward_params; fgradInput and partial are scratch. backward_input reads
 * only the sizes of input (the full, transposed and volumetric convolutions
 * pass a stride-0 header of the right shape). */
int tl_nn_conv2d_forward(const tl_tensor *input, const tl_tensor *weight, const tl_tensor *bias,
                         tl_tensor *output, tl_tensor *finput, int32_t kW, int32_t kH, int32_t dW,
                         int32_t dH, int32_t padW, int32_t padH, int32_t dilW, int32_t dilH);
int tl_nn_conv2d_backward_input(const tl_tensor *input, const tl_tensor *gradOutput,
                                const tl_tensor *weight, tl_tensor *gradInput, tl_tensor *fgradInput,
                                int32_t kW, int32_t kH, int32_t dW, int32_t dH, int32_t padW,
                                int32_t padH, int32_t dilW, int32_t dilH);
int tl_nn_conv2d_backward_params(const tl_tensor *gradOutput, const tl_tensor *finput,
                                 tl_tensor *gradWeight, tl_tensor *gradBias, tl_tensor *partial,
                                 double scale);
/* The same convolution at stride 1 without padding or dilation, computed
 * directly (no columns): faster when an output sums few taps (a first
 * layer on a large image). direct_ok says whether a geometry takes this
 * path (1) or the GEMM one (0); the direct functions refuse geometries
 * they cannot compute. backward_params
 * reads the forward pass's input; scratch and partial are scratch;
 * gradBias may be NULL. */
int tl_nn_conv2d_direct_ok(int32_t nInputPlane, int64_t inputWidth, int32_t kW, int32_t kH, int32_t dW,
                           int32_t dH, int32_t padW, int32_t padH, int32_t dilW, int32_t dilH);
int tl_nn_conv2d_direct_forward(const tl_tensor *input, const tl_tensor *weight, const tl_tensor *bias,
                                tl_tensor *output, tl_tensor *scratch, int32_t kW, int32_t kH);
int tl_nn_conv2d_direct_backward_input(const tl_tensor *input, const tl_tensor *gradOutput,
                                       const tl_tensor *weight, tl_tensor *gradInput, tl_tensor *scratch,
                                       int32_t kW, int32_t kH);
int tl_nn_conv2d_direct_backward_params(const tl_tensor *input, const tl_tensor *gradOutput,
                                        tl_tensor *gradWeight, tl_tensor *gradBias, tl_tensor *partial,
                                        double scale, int32_t kW, int32_t kH);
/* The same convolution for 3x3 kernels at stride 1, padding 0 or 1, by
 * Winograd's F(2x2,3x3) (engine/src/nn/winograd.c): 16 products per 2x2
 * output tile and plane pair instead of 36. winograd_ok says whether a
 * layer takes this path (1: enough planes, and tiles in the batch, to
 * amortise the transforms); the functions themselves take any plane
 * count. weight [O, C, 3, 3] (or [O, C*9]); scratch is grown here and may
 * be shared by the three calls; backward_params adds scale times the
 * gradients (gradBias may be NULL) computed from the input, so it needs no
 * columns from the forward pass. */
int tl_nn_conv2d_winograd_ok(int64_t batch, int32_t nInputPlane, int32_t nOutputPlane, int64_t inputH,
                             int64_t inputW, int32_t kW, int32_t kH, int32_t dW, int32_t dH, int32_t padW,
                             int32_t padH, int32_t dilW, int32_t dilH);
int tl_nn_conv2d_winograd_forward(const tl_tensor *input, const tl_tensor *weight, const tl_tensor *bias,
                                  tl_tensor *output, tl_tensor *scratch, int32_t padW, int32_t padH);
int tl_nn_conv2d_winograd_backward_input(const tl_tensor *input, const tl_tensor *gradOutput,
                                         const tl_tensor *weight, tl_tensor *gradInput, tl_tensor *scratch,
                                         int32_t padW, int32_t padH);
int tl_nn_conv2d_winograd_backward_params(const tl_tensor *input, const tl_tensor *gradOutput,
                                          tl_tensor *gradWeight, tl_tensor *gradBias, tl_tensor *scratch,
                                          double scale, int32_t padW, int32_t padH);

/* Pooling over the last two dimensions; indices (LongTensor) hold the
 * 0-based position y*W + x of each window's max within its plane. Max
 * pooling takes a dilation (1 = contiguous windows). */
int tl_nn_maxpool2d_forward(const tl_tensor *input, tl_tensor *output, tl_tensor *indices,
                            int32_t kW, int32_t kH, int32_t dW, int32_t dH, int32_t padW,
                            int32_t padH, int32_t dilW, int32_t dilH, int32_t ceil_mode);
int tl_nn_maxpool2d_backward(const tl_tensor *input, const tl_tensor *gradOutput,
                             const tl_tensor *indices, tl_tensor *gradInput);
int tl_nn_avgpool2d_forward(const tl_tensor *input, tl_tensor *output, int32_t kW, int32_t kH,
                            int32_t dW, int32_t dH, int32_t padW, int32_t padH, int32_t ceil_mode,
                            int32_t count_include_pad);
int tl_nn_avgpool2d_backward(const tl_tensor *input, const tl_tensor *gradOutput,
                             tl_tensor *gradInput, int32_t kW, int32_t kH, int32_t dW, int32_t dH,
                             int32_t padW, int32_t padH, int32_t ceil_mode, int32_t count_include_pad);

/* Max pooling over the last three dimensions of [N, C, D1, D2, D3]
 * (engine/src/nn/pool3d.c); indices (LongTensor) get the 0-based position
 * (a*D2 + b)*D3 + c of each max within its volume. maxpool3d: windows
 * kT x kH x kW over [T, H, W] with padding, dilation and Torch7's ceil mode.
 * fracmaxpool: Graham's fractional windows pool1 x pool2 x pool3 giving
 * out1 x out2 x out3; samples [N, C, nsamples] in [0, 1), sample j placing
 * the windows of axis D(3-j) (nsamples 2 for 2-D pooling with D1 = 1).
 * backward scatters gradOutput to the indexed positions of zeroed volumes
 * shaped like input (only its sizes are read). */
int tl_nn_maxpool3d_forward(const tl_tensor *input, tl_tensor *output, tl_tensor *indices,
                            int32_t kT, int32_t kW, int32_t kH, int32_t dT, int32_t dW, int32_t dH,
                            int32_t padT, int32_t padW, int32_t padH, int32_t dilT, int32_t dilW,
                            int32_t dilH, int32_t ceil_mode);
int tl_nn_fracmaxpool_forward(const tl_tensor *input, tl_tensor *output, tl_tensor *indices,
                              const tl_tensor *samples, int32_t nsamples, int32_t out1, int32_t out2,
                              int32_t out3, int32_t pool1, int32_t pool2, int32_t pool3);
int tl_nn_maxpool3d_backward(const tl_tensor *input, const tl_tensor *gradOutput,
                             const tl_tensor *indices, tl_tensor *gradInput);

/* Element-wise transfer functions with parameters a, b:
 * THRESHOLD y = x > a ? x : b; LEAKYRELU a = negative slope; ELU a = alpha;
 * SOFTPLUS a = beta, b = threshold; HARDTANH [a, b]; *SHRINK a = lambda.
 * output may be input (in place); backward's input may be NULL for TANH
 * and SIGMOID, whose derivative needs only the output. */
typedef enum tl_nn_act {
  TL_NN_TANH = 0, TL_NN_SIGMOID = 1, TL_NN_THRESHOLD = 2, TL_NN_LEAKYRELU = 3, TL_NN_ELU = 4,
  TL_NN_SOFTPLUS = 5, TL_NN_HARDTANH = 6, TL_NN_SOFTSIGN = 7, TL_NN_LOGSIGMOID = 8,
  TL_NN_TANHSHRINK = 9, TL_NN_HARDSHRINK = 10, TL_NN_SOFTSHRINK = 11, TL_NN_NACT = 12
} tl_nn_act;
int tl_nn_act_forward(int32_t kind, const tl_tensor *input, tl_tensor *output, double a, double b);
int tl_nn_act_backward(int32_t kind, const tl_tensor *input, const tl_tensor *output,
                       const tl_tensor *gradOutput, tl_tensor *gradInput, double a, double b);

/* softmax (logsm 0) or log-softmax (logsm 1) along dim (0-based). */
int tl_nn_softmax_forward(const tl_tensor *input, tl_tensor *output, int32_t dim, int32_t logsm);
int tl_nn_softmax_backward(const tl_tensor *output, const tl_tensor *gradOutput,
                           tl_tensor *gradInput, int32_t dim, int32_t logsm);

/* nn.Linear (engine/src/nn/linear.c): input [in] or [n, in], weight
 * [out, in], bias [out] or NULL; output = input W^T + bias, gradInput =
 * gradOutput W (scratch, may be NULL: room for the threads' partial
 * products of a batch), and backward_params accumulates scale *
 * gradOutput^T input into gradWeight and scale * column sums of gradOutput
 * (contiguous) into gradBias (may be NULL). */
int tl_nn_linear_forward(const tl_tensor *input, const tl_tensor *weight, const tl_tensor *bias,
                         tl_tensor *output);
int tl_nn_linear_backward_input(const tl_tensor *input, const tl_tensor *gradOutput,
                                const tl_tensor *weight, tl_tensor *gradInput, tl_tensor *scratch);
int tl_nn_linear_backward_params(const tl_tensor *input, const tl_tensor *gradOutput,
                                 tl_tensor *gradWeight, tl_tensor *gradBias, double scale);

/* Batch normalization of input [N, F, ...] per feature F. weight, bias,
 * running_mean/var may be NULL (no affine; no running estimates in
 * training). Training fills save_mean and save_std (1/std) for backward;
 * backward accumulates scale * gradients into gradWeight/gradBias (either
 * may be NULL, and gradInput too). */
int tl_nn_batchnorm_forward(const tl_tensor *input, tl_tensor *output, const tl_tensor *weight,
                            const tl_tensor *bias, tl_tensor *running_mean, tl_tensor *running_var,
                            tl_tensor *save_mean, tl_tensor *save_std, int32_t train,
                            double momentum, double eps);
int tl_nn_batchnorm_backward(const tl_tensor *input, const tl_tensor *gradOutput,
                             tl_tensor *gradInput, tl_tensor *gradWeight, tl_tensor *gradBias,
                             const tl_tensor *weight, const tl_tensor *running_mean,
                             const tl_tensor *running_var, const tl_tensor *save_mean,
                             const tl_tensor *save_std, int32_t train, double scale, double eps);

#endif
