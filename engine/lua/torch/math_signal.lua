-- torch/math_signal.lua: conv2 xcorr2 conv3 xcorr3 (engine signal.c) and
-- the histograms histc and bhistc.
--
-- Each function is written once as the torch.X form taking ([result,]
-- args...); the method is the same function with self first (Torch7's
-- cwrap: x:f(args) allocates the result, res:f(x, args) writes into res)
-- unless noted as in place. Dims and indices are 1-based here.

local ffi = require 'ffi'
local C = torch._C
local L = torch._mathlib
local empty = torch._empty
local ctypes = L.ctypes
local fail = L.fail
local istype = ffi.istype
local FLOAT_DTYPES = L.FLOAT_DTYPES
local ALL_DTYPES = L.ALL_DTYPES
local check = L.check
local def = L.def
local num = L.num
local shape = L.shape

---------------------------------------------------------------------------
-- conv2/xcorr2/conv3/xcorr3([res,] x, k [,'V'|'F'])

for name, info in pairs({ conv2 = { 2, 1 }, xcorr2 = { 2, 0 }, conv3 = { 3, 1 }, xcorr3 = { 3, 0 } }) do
  local cf = info[1] == 2 and C.tl_conv2 or C.tl_conv3
  def(name, ALL_DTYPES, function(d)
    local ct = ctypes[d]
    return function(a, b, c, e)
      local r, x, k, mode
      if istype(ct, c) then r, x, k, mode = a, b, c, e else x, k, mode = a, b, c end
      mode = mode or 'V'
      if not (istype(ct, x) and istype(ct, k)) or (mode ~= 'V' and mode ~= 'F') then
        L.bad_args(name, d, "[result,] tensor, kernel [, 'V' | 'F']", a, b, c, e)
      end
      r = r or empty(d)
      check(cf(r._c, x._c, k._c, mode == 'F' and 1 or 0, info[2]))
      return r
    end
  end)
end

---------------------------------------------------------------------------
-- histc([res,] x [,nbins=100 [,min=0 [,max=0]]]): a 1-D histogram of x's
-- elements over [min, max] (min = max: x's own range); elements outside
-- are ignored. bhistc: one histogram per row of a matrix.

local function histogram(x, nbins, lo, hi, out, orow)
  local c = x:contiguous()
  local p, n = c:data(), c:nElement()
  if lo == hi and n > 0 then lo, hi = c:min(), c:max() end
  if lo == hi then lo, hi = lo - 1, hi + 1 end
  local width = (hi - lo) / nbins
  for i = 0, n - 1 do
    local v = tonumber(p[i])
    if v >= lo and v <= hi then
      local b = math.floor((v - lo) / width)
      if b >= nbins then b = nbins - 1 end
      out[orow + b] = out[orow + b] + 1
    end
  end
end

for _, name in ipairs({ 'histc', 'bhistc' }) do
  def(name, FLOAT_DTYPES, function(d)
    local ct = ctypes[d]
    return function(a, b, c, e, f)
      local r, x, nbins, lo, hi
      if istype(ct, b) then r, x, nbins, lo, hi = a, b, c, e, f else x, nbins, lo, hi = a, b, c, e end
      nbins, lo, hi = nbins or 100, lo or 0, hi or 0
      if not (istype(ct, x) and num(nbins) and num(lo) and num(hi)) then
        L.bad_args(name, d, '[result,] tensor [, nbins [, min [, max]]]', a, b, c, e, f)
      end
      if nbins < 1 then fail(name .. ': nbins must be at least 1') end
      if lo > hi then fail(string.format('%s: min %s is larger than max %s', name, lo, hi)) end
      local out = torch.DoubleTensor()
      if name == 'histc' then
        out:resize(nbins):zero()
        histogram(x, nbins, lo, hi, out:data(), 0)
      else
        if x:dim() ~= 2 then fail('bhistc: expected a matrix, got ' .. shape(x)) end
        out:resize(x:size(1), nbins):zero()
        for i = 1, x:size(1) do histogram(x:select(1, i), nbins, lo, hi, out:data(), (i - 1) * nbins) end
      end
      r = r or empty(d)
      return r:resize(out:size()):copy(out)
    end
  end)
end
