/*
 * ops.c: the op info table (name, kind, float_only) expanded from ops.def
 * and read by the Lua binding at load time to register torch.X functions
 * and tensor methods.
 */
#include "ops.h"

static const tl_op_info tl_op_table[] = {
#define TL_UNARY(name, fo, expr) {#name, TL_OPK_UNARY, fo},
#define TL_SCALAR(name, fo, expr) {#name, TL_OPK_SCALAR, fo},
#define TL_BINARY(name, fo, expr) {#name, TL_OPK_BINARY, fo},
#define TL_TERNARY(name, fo, expr) {#name, TL_OPK_TERNARY, fo},
#define TL_REDUCE(name, fo) {#name, TL_OPK_REDUCE, fo},
#define TL_COMPARE(name, expr) {#name, TL_OPK_COMPARE, 0},
#include "ops.def"
#undef TL_UNARY
#undef TL_SCALAR
#undef TL_BINARY
#undef TL_TERNARY
#undef TL_REDUCE
#undef TL_COMPARE
  {NULL, 0, 0}
};

int32_t tl_op_count(void) { return TL_OP_COUNT; }

const tl_op_info *tl_op_get(int32_t op)
{
  if (op < 0 || op >= TL_OP_COUNT) return NULL;
  return &tl_op_table[op];
}
