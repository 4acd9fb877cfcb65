/*
 * dtype.c: the per-dtype traits table, IEEE half conversion and the slow
 * convert-through-double element accessors.
 */
#include "internal.h"
#include <math.h>
#include <string.h>

static const tl_dtype_info tl_dtypes[TL_NDTYPE] = {
  [TL_BYTE] = {"Byte", 1, 0, 1},   [TL_CHAR] = {"Char", 1, 0, 1},
  [TL_SHORT] = {"Short", 2, 0, 1}, [TL_INT] = {"Int", 4, 0, 1},
  [TL_LONG] = {"Long", 8, 0, 1},   [TL_FLOAT] = {"Float", 4, 1, 1},
  [TL_DOUBLE] = {"Double", 8, 1, 1}, [TL_HALF] = {"Half", 2, 1, 0},
};

const tl_dtype_info *tl_dtype_get(int32_t dtype)
{
  if (dtype < 0 || dtype >= TL_NDTYPE) return NULL;
  return &tl_dtypes[dtype];
}

/* IEEE 754 binary16 <-> binary32, round to nearest even. */
float tl_half_to_float(uint16_t h)
{
  uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
  if (exp == 0) {
    if (man == 0) {
      bits = sign;
    } else {                         /* subnormal: normalise */
      exp = 127 - 15 + 1;
      while (!(man & 0x400)) { man <<= 1; exp--; }
      bits = sign | (exp << 23) | ((man & 0x3ff) << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (man << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
  }
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

uint16_t tl_float_to_half(float f)
{
  uint32_t x;
  memcpy(&x, &f, sizeof x);
  uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
  uint32_t exp = (x >> 23) & 0xff, man = x & 0x7fffff;
  if (exp == 0xff) return (uint16_t)(sign | 0x7c00 | (man ? 0x200 : 0));
  int32_t e = (int32_t)exp - 127 + 15;
  if (e >= 31) return (uint16_t)(sign | 0x7c00);
  if (e <= 0) {                      /* subnormal or zero */
    if (e < -10) return sign;
    man |= 0x800000;
    uint32_t shift = (uint32_t)(14 - e);
    uint32_t h = man >> shift, rem = man & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (h & 1))) h++;
    return (uint16_t)(sign | h);
  }
  uint32_t h = ((uint32_t)e << 10) | (man >> 13), rem = man & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (h & 1))) h++;  /* may carry into exp: correct */
  return (uint16_t)(sign | h);
}

double tl_load_double(int32_t dtype, const void *p)
{
  switch (dtype) {
#define LOAD(DT, T, N) case DT: return (double)*(const T *)p;
    TL_FOREACH_MATH_DTYPE(LOAD)
#undef LOAD
  case TL_HALF: return tl_half_to_float(*(const uint16_t *)p);
  default: return 0;
  }
}

int64_t tl_load_long(int32_t dtype, const void *p)
{
  switch (dtype) {
  case TL_LONG: return *(const int64_t *)p;
  case TL_INT: return *(const int32_t *)p;
  default: return (int64_t)tl_load_double(dtype, p);
  }
}

/* Conversions follow C casts like Torch7's copy; out-of-range floating
 * values going to integer types are clamped instead of being undefined. */
static double tl_clamp_to(double v, double lo, double hi)
{
  if (isnan(v)) return 0;
  return v < lo ? lo : v > hi ? hi : v;
}

void tl_store_double(int32_t dtype, void *p, double v)
{
  switch (dtype) {
  case TL_BYTE: *(uint8_t *)p = (uint8_t)(int64_t)tl_clamp_to(v, -9.2e18, 9.2e18); break;
  case TL_CHAR: *(int8_t *)p = (int8_t)(int64_t)tl_clamp_to(v, -9.2e18, 9.2e18); break;
  case TL_SHORT: *(int16_t *)p = (int16_t)(int64_t)tl_clamp_to(v, -9.2e18, 9.2e18); break;
  case TL_INT: *(int32_t *)p = (int32_t)(int64_t)tl_clamp_to(v, -9.2e18, 9.2e18); break;
  case TL_LONG: *(int64_t *)p = (int64_t)tl_clamp_to(v, -9.2e18, 9.2e18); break;
  case TL_FLOAT: *(float *)p = (float)v; break;
  case TL_DOUBLE: *(double *)p = v; break;
  case TL_HALF: *(uint16_t *)p = tl_float_to_half((float)v); break;
  default: break;
  }
}
