/*
 * ops.h: the op enum expanded from ops.def. Every file that includes
 * ops.def defines all six kind macros (TL_UNARY ... TL_COMPARE).
 */
#ifndef TL_OPS_H
#define TL_OPS_H
#include "../internal.h"

enum tl_op_id {
#define TL_UNARY(name, fo, expr) TL_OP_##name,
#define TL_SCALAR(name, fo, expr) TL_OP_##name,
#define TL_BINARY(name, fo, expr) TL_OP_##name,
#define TL_TERNARY(name, fo, expr) TL_OP_##name,
#define TL_REDUCE(name, fo) TL_OP_##name,
#define TL_COMPARE(name, expr) TL_OP_##name,
#include "ops.def"
#undef TL_UNARY
#undef TL_SCALAR
#undef TL_BINARY
#undef TL_TERNARY
#undef TL_REDUCE
#undef TL_COMPARE
  TL_OP_COUNT
};

#endif
