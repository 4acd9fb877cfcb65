-- tests/math_ref.lua: the reference table for the element-wise ops and
-- reductions of ops.def, one row per op (keyed by the op's C name).
--
-- Each row says how to call the op from Lua and what it computes, as a
-- plain Lua function over double-precision numbers:
--   ref(x [, y [, z]], s...)  the value; s are the row's scalars after
--                             conversion to the element type (truncated on
--                             integer types, as Torch7 converts them)
--   iref                      a different reference for integer types
--   s = {...}                 scalars passed after the tensor(s)
--   value                     the scalar multiplier of add/csub/addcmul/...
--   domain = {d1, d2, d3}     input ranges per operand (see DOMAINS)
--   base = true               pow's scalar-base form: torch.pow(s, x)
--   fold/init/finish          reductions: fold over the elements in order
-- tests/test_math.lua runs every row on every dtype where the op exists;
-- an op in ops.def without a row here fails the test suite.

local R = {}

local floor, ceil = math.floor, math.ceil
local function trunc(v) return v >= 0 and floor(v) or ceil(v) end
R.trunc = trunc

-- Input ranges: magnitude [lo, hi] with random sign unless `positive`.
-- Integer types draw integers from [1, ihi] (random sign if signed).
R.DOMAINS = {
  any = { lo = 0.1, hi = 2, ihi = 12 },
  pos = { lo = 0.1, hi = 4, positive = true, ihi = 12 },
  unit = { lo = 0.05, hi = 0.95 },
  small = { lo = 0.1, hi = 5 },
  wide = { lo = 0.01, hi = 9 },
  tan = { lo = 0.1, hi = 1.4 },
  expo = { lo = 0.1, hi = 2, ihi = 3, positive = true },   -- exponents for cpow
  tiny = { lo = 0.5, hi = 1.5, ihi = 2 },                  -- products stay small
}

local function sigmoid(x) return 1 / (1 + math.exp(-x)) end
local function round(x) return x >= 0 and floor(x + 0.5) or ceil(x - 0.5) end
local function sign(x) return x > 0 and 1 or (x < 0 and -1 or 0) end
local function remainder(x, y) return x - y * floor(x / y) end

R.rows = {
  -- unary
  abs = { ref = math.abs },
  sign = { ref = sign },
  neg = { ref = function(x) return -x end },
  cinv = { ref = function(x) return 1 / x end },
  sqrt = { ref = math.sqrt, domain = { 'pos' } },
  rsqrt = { ref = function(x) return 1 / math.sqrt(x) end, domain = { 'pos' } },
  exp = { ref = math.exp, domain = { 'small' } },
  log = { ref = math.log, domain = { 'pos' } },
  log1p = { ref = function(x) return math.log(1 + x) end, domain = { 'pos' } },
  sin = { ref = math.sin },
  cos = { ref = math.cos },
  tan = { ref = math.tan, domain = { 'tan' } },
  asin = { ref = math.asin, domain = { 'unit' } },
  acos = { ref = math.acos, domain = { 'unit' } },
  atan = { ref = math.atan, domain = { 'wide' } },
  sinh = { ref = math.sinh, domain = { 'small' } },
  cosh = { ref = math.cosh, domain = { 'small' } },
  tanh = { ref = math.tanh, domain = { 'wide' } },
  sigmoid = { ref = sigmoid, domain = { 'wide' } },
  floor = { ref = floor, domain = { 'small' } },
  ceil = { ref = ceil, domain = { 'small' } },
  round = { ref = round, domain = { 'small' } },
  trunc = { ref = trunc, domain = { 'small' } },
  frac = { ref = function(x) return x - trunc(x) end, domain = { 'small' } },

  -- with scalars
  add_scalar = { s = { 2.5 }, ref = function(x, s) return x + s end },
  csub_scalar = { s = { 2.5 }, ref = function(x, s) return x - s end },
  mul = { s = { 2.5 }, ref = function(x, s) return x * s end },
  div = { s = { 2.5 }, ref = function(x, s) return x / s end,
          iref = function(x, s) return trunc(x / s) end },
  fmod = { s = { 2.5 }, ref = math.fmod },
  remainder = { s = { -2.5 }, ref = remainder },
  cmax_scalar = { s = { 0.5 }, ref = math.max },
  cmin_scalar = { s = { 0.5 }, ref = math.min },
  clamp = { s = { -1.25, 1.5 }, ref = function(x, lo, hi) return x < lo and lo or (x > hi and hi or x) end },
  pow = { s = { 2.5 }, ref = function(x, s) return x ^ s end, domain = { 'pos' } },
  tpow = { s = { 2.5 }, base = true, ref = function(x, s) return s ^ x end, domain = { 'small' } },

  -- bitwise (integer types only); shift counts stay small and positive
  bitand = { s = { 6 }, ref = function(x, s) return bit.band(x, s) end },
  bitor = { s = { 6 }, ref = function(x, s) return bit.bor(x, s) end },
  bitxor = { s = { 6 }, ref = function(x, s) return bit.bxor(x, s) end },
  lshift = { s = { 3 }, ref = function(x, s) return x * 2 ^ s end },
  rshift = { s = { 2 }, ref = function(x, s) return floor(x / 2 ^ s) end },

  -- binary
  lerp = { s = { 0.3 }, ref = function(x, y, w) return x + w * (y - x) end },
  cbitand = { ref = function(x, y) return bit.band(x, y) end },
  cbitor = { ref = function(x, y) return bit.bor(x, y) end },
  cbitxor = { ref = function(x, y) return bit.bxor(x, y) end },
  clshift = { ref = function(x, y) return x * 2 ^ y end, domain = { 'any', 'expo' } },
  crshift = { ref = function(x, y) return floor(x / 2 ^ y) end, domain = { 'any', 'expo' } },
  add = { value = 2.5, ref = function(x, y, v) return x + v * y end },
  csub = { value = 2.5, ref = function(x, y, v) return x - v * y end },
  cmul = { ref = function(x, y) return x * y end },
  cdiv = { ref = function(x, y) return x / y end, iref = function(x, y) return trunc(x / y) end },
  cfmod = { ref = math.fmod },
  cremainder = { ref = remainder },
  cpow = { ref = function(x, y) return x ^ y end, iref = function(x, y) return trunc(x ^ y) end,
           domain = { 'pos', 'expo' } },
  cmax = { ref = math.max },
  cmin = { ref = math.min },
  atan2 = { ref = function(x, y) return math.atan2(x, y) end },

  -- ternary
  addcmul = { value = 2.5, ref = function(x, y, z, v) return x + v * y * z end },
  addcdiv = { value = 2.5, ref = function(x, y, z, v) return x + v * y / z end,
              iref = function(x, y, z, v) return x + trunc(v * y / z) end },

  -- reductions: fold(acc, v, i) from init over the elements in order
  sum = { init = 0, fold = function(a, v) return a + v end },
  prod = { init = 1, fold = function(a, v) return a * v end, domain = { 'tiny' } },
  mean = { init = 0, fold = function(a, v) return a + v end, finish = function(a, n) return a / n end },
  max = { indexed = true, better = function(v, best) return not (v <= best) end },
  min = { indexed = true, better = function(v, best) return not (v >= best) end },
  -- var/std divide by n - 1 by default; norm takes p first (its own test
  -- in tests/test_math_more.lua)
  var = { fold = function(a, v) a = a or { n = 0, s = 0, ss = 0 }
                   return { n = a.n + 1, s = a.s + v, ss = a.ss + v * v } end,
          finish = function(a) return (a.ss - a.s * a.s / a.n) / (a.n - 1) end },
  std = { fold = function(a, v) a = a or { n = 0, s = 0, ss = 0 }
                   return { n = a.n + 1, s = a.s + v, ss = a.ss + v * v } end,
          finish = function(a) return math.sqrt((a.ss - a.s * a.s / a.n) / (a.n - 1)) end },
  norm = { custom = true },

  -- comparisons: a boolean of the two values
  lt = { ref = function(x, y) return x < y end },
  gt = { ref = function(x, y) return x > y end },
  le = { ref = function(x, y) return x <= y end },
  ge = { ref = function(x, y) return x >= y end },
  eq = { ref = function(x, y) return x == y end },
  ne = { ref = function(x, y) return x ~= y end },
}

return R
