-- tests/test_seeds.lua: the Torch7 listings of "Implementing Neural
-- Networks Efficiently" (Collobert, Kavukcuoglu, Farabet) and the Torch7
-- lab, run as written, with their results checked against references
-- computed another way (element by element in double precision in Lua).
--
-- They need the math functions (randn, add, log, exp, sin, mm, addmm and
-- the tensor operators); each test skips while what it needs is missing.

local T = {}

local function skip_test(reason)
  if skip then return skip(reason) end
  error('skipped: ' .. reason, 2)
end

-- Skip unless every torch.X function and every FloatTensor method named
-- exists ('__add' etc. name operators).
local function need(funcs, methods)
  for _, f in ipairs(funcs or {}) do
    if rawget(torch, f) == nil then skip_test('torch.' .. f .. ' is not implemented yet') end
  end
  local M = torch.getmetatable('torch.FloatTensor')
  for _, m in ipairs(methods or {}) do
    if M[m] == nil then skip_test('FloatTensor:' .. m .. ' is not implemented yet') end
  end
end

local function yes(cond, what)
  if not cond then error(what or 'assertion failed', 2) end
end

-- Flat list of a tensor's values in row-major order (through storage and
-- strides, not through the code under test).
local function values(t)
  local r, s = {}, t:storage()
  local n = t:nElement()
  local sizes, strides = {}, {}
  for d = 1, t:dim() do sizes[d] = t:size(d); strides[d] = t:stride(d) end
  local idx = {}
  for d = 1, t:dim() do idx[d] = 0 end
  for _ = 1, n do
    local off = t:storageOffset()
    for d = 1, #idx do off = off + idx[d] * strides[d] end
    r[#r + 1] = s[off]
    local d = #idx
    while d >= 1 do
      idx[d] = idx[d] + 1
      if idx[d] < sizes[d] then break end
      idx[d] = 0
      d = d - 1
    end
  end
  return r
end

-- |got - want| <= tol * scale for every element.
local function close_all(got, want, tol, what)
  yes(#got == #want, what .. ': element counts differ')
  for i = 1, #want do
    local g, w = got[i], want[i]
    if g ~= g or math.abs(g - w) > tol * math.max(1, math.abs(w)) then
      error(string.format('%s: element %d: expected %.9g, got %.9g', what, i, w, g), 2)
    end
  end
end

local function float(x) return tonumber(require('ffi').new('float[1]', x)[0]) end

-- Fill t (any layout) with random values in [lo, hi) using apply (core).
local function fill_random(t, lo, hi)
  t:apply(function() return lo + (hi - lo) * math.random() end)
  return t
end

---------------------------------------------------------------------------

function T.listing_basic_ops()
  need({ 'randn', 'log', 'exp' }, { '__add', '__div', '__unm', 'add' })
  math.randomseed(401)
  torch.manualSeed(401)
  -- as in the paper (t is then given values: the listing leaves it
  -- uninitialised, which would make the result unspecified)
  t = torch.FloatTensor(100,100)
  fill_random(t, -2, 2)
  l = torch.randn(100,100):float()
  r = t + l/2
  local tv, lv = values(t), values(l)
  yes(torch.type(r) == 'torch.FloatTensor', 't + l/2 is a FloatTensor')
  yes(r:size(1) == 100 and r:size(2) == 100, 't + l/2 is 100x100')
  local want = {}
  for i = 1, #tv do want[i] = tv[i] + lv[i] / 2 end
  close_all(values(r), want, 1e-6, 'r = t + l/2')
  -- randn really is normal-ish: mean ~ 0, variance ~ 1 over 10^4 samples
  local sum, sq = 0, 0
  for i = 1, #lv do sum = sum + lv[i]; sq = sq + lv[i] * lv[i] end
  yes(math.abs(sum / #lv) < 0.05, 'randn mean near 0')
  yes(math.abs(sq / #lv - 1) < 0.1, 'randn variance near 1')
  local before = values(r)
  r:add(0.5, t)
  for i = 1, #tv do want[i] = before[i] + 0.5 * tv[i] end
  close_all(values(r), want, 1e-6, 'r:add(0.5, t)')
  local rv = values(r)
  r = torch.log(torch.exp(-r)+10)
  yes(torch.type(r) == 'torch.FloatTensor', 'torch.log(...) keeps the type')
  for i = 1, #rv do want[i] = math.log(math.exp(-rv[i]) + 10) end
  close_all(values(r), want, 1e-5, 'r = torch.log(torch.exp(-r)+10)')
  t, l, r = nil, nil, nil
end

function T.listing_basic_ops_default_float()
  -- the same listing with Float as the default type, so torch.randn
  -- returns a FloatTensor directly
  need({ 'randn', 'log', 'exp' }, { '__add', '__div', '__unm', 'add' })
  torch.manualSeed(402)
  torch.setdefaulttensortype('torch.FloatTensor')
  local ok, err = pcall(function()
    local t = torch.FloatTensor(100,100)
    fill_random(t, -1, 1)
    local l = torch.randn(100,100)
    yes(torch.type(l) == 'torch.FloatTensor', 'randn follows the default type')
    local r = t + l/2
    r:add(0.5, t)
    r = torch.log(torch.exp(-r)+10)
    local tv, lv, want = values(t), values(l), {}
    for i = 1, #tv do
      local x = float(float(tv[i] + float(lv[i] / 2)) + float(0.5 * tv[i]))
      want[i] = math.log(math.exp(-x) + 10)
    end
    close_all(values(r), want, 1e-5, 'listing with the default type Float')
  end)
  torch.setdefaulttensortype('torch.DoubleTensor')
  if not ok then error(err, 0) end
end

function T.listing_float_to_double()
  math.randomseed(403)
  local t = torch.FloatTensor(100,100)
  fill_random(t, -1e3, 1e3)
  local d = t:double()
  yes(torch.type(d) == 'torch.DoubleTensor', 't:double() is a DoubleTensor')
  local tv, dv = values(t), values(d)
  for i = 1, #tv do yes(tv[i] == dv[i], 'float -> double is exact') end
  local d2 = torch.DoubleTensor(100,100):copy(t)
  local d2v = values(d2)
  for i = 1, #tv do yes(tv[i] == d2v[i], 'DoubleTensor:copy(FloatTensor) is exact') end
  -- and back: double -> float rounds each value to the nearest float
  local back = torch.DoubleTensor(10):apply(function() return math.random() end)
  local f = back:float()
  local bv, fv = values(back), values(f)
  for i = 1, #bv do yes(fv[i] == float(bv[i]), 'double -> float rounds to nearest') end
end

-- Reference entries of x*y by explicit double dot products.
local function check_mm_entries(z, x, y, n, what)
  local ffi = require 'ffi'
  local xc, yc = x:contiguous(), y:contiguous()
  local xp = ffi.cast('float*', xc:data())
  local yp = ffi.cast('float*', yc:data())
  local zs = z:storage()
  local K, N = x:size(2), y:size(2)
  for _ = 1, n do
    local i, j = math.random(1, x:size(1)), math.random(1, N)
    local acc, mag = 0, 0
    for k = 0, K - 1 do
      local p = xp[(i - 1) * K + k] * yp[k * N + (j - 1)]
      acc = acc + p
      mag = mag + math.abs(p)
    end
    local got = zs[z:storageOffset() + (i - 1) * z:stride(1) + (j - 1) * z:stride(2)]
    if math.abs(got - acc) > 1e-5 * mag + 1e-30 then
      error(string.format('%s: z[%d][%d]: expected %.9g (explicit dot in double), got %.9g', what, i, j, acc, got), 2)
    end
  end
end

function T.listing_mm()
  need({ 'randn', 'mm' })
  math.randomseed(404)
  torch.manualSeed(404)
  x = torch.randn(1000,5000):float()
  y = torch.randn(5000,3000):float()
  z = torch.mm(x,y)
  yes(torch.type(z) == 'torch.FloatTensor', 'torch.mm(x,y) is a FloatTensor')
  yes(z:dim() == 2 and z:size(1) == 1000 and z:size(2) == 3000, 'torch.mm(x,y) is 1000x3000')
  check_mm_entries(z, x, y, 25, 'z = torch.mm(x,y)')
  -- no allocation: the result goes into z
  local zstorage = torch.pointer(z:storage())
  local first = z:storage()[1]
  z:zero()
  torch.mm(z,x,y)
  yes(torch.pointer(z:storage()) == zstorage, 'torch.mm(z,x,y) writes into z')
  yes(z:storage()[1] == first, 'torch.mm(z,x,y) gives the same result')
  check_mm_entries(z, x, y, 25, 'torch.mm(z,x,y)')
  x, y, z = nil, nil, nil
  collectgarbage()
end

function T.listing_mm_transposed_operands()
  -- the same product with transposed (non-contiguous) operands
  need({ 'randn', 'mm' })
  torch.manualSeed(405)
  math.randomseed(405)
  local xt = torch.randn(300, 200):float()
  local yt = torch.randn(250, 300):float()
  local z = torch.mm(xt:t(), yt:t())
  yes(z:size(1) == 200 and z:size(2) == 250, 'mm of transposed operands is 200x250')
  check_mm_entries(z, xt:t(), yt:t(), 40, 'torch.mm(x:t(), y:t())')
end

function T.listing_sin()
  need({ 'randn', 'sin' })
  torch.manualSeed(406)
  local x = torch.randn(100,100):float()
  local tsin = torch.FloatTensor(100,100)
  torch.sin(tsin, x)
  local xv = values(x)
  local want = {}
  for i = 1, #xv do want[i] = math.sin(xv[i]) end
  close_all(values(tsin), want, 1e-6, 'torch.sin(tsin, x)')
  -- into a non-contiguous result
  local tt = torch.FloatTensor(100,100):t()
  torch.sin(tt, x)
  close_all(values(tt), want, 1e-6, 'torch.sin(tsin:t(), x)')
end

function T.lab_addmm_linear()
  -- Torch7 lab: a linear layer's forward pass on a batch
  need({}, { 'addmm' })
  math.randomseed(407)
  local batch, nin, nout = 16, 30, 20
  local input = fill_random(torch.FloatTensor(batch, nin), -1, 1)
  local weight = fill_random(torch.FloatTensor(nout, nin), -1, 1)
  local output = torch.FloatTensor(batch, nout)
  -- resize() leaves old contents behind; beta = 0 must ignore them, even NaN
  output:fill(0 / 0)
  output:addmm(0, output, 1, input, weight:t())
  local iv, wv, ov = values(input), values(weight), values(output)
  for b = 1, batch do
    for o = 1, nout do
      local acc = 0
      for k = 1, nin do acc = acc + iv[(b - 1) * nin + k] * wv[(o - 1) * nin + k] end
      local got = ov[(b - 1) * nout + o]
      if got ~= got or math.abs(got - acc) > 1e-5 * nin then
        error(string.format('output:addmm(0, output, 1, input, weight:t()) [%d][%d]: expected %.9g, got %.9g',
          b, o, acc, got))
      end
    end
  end
  -- with beta = 1 the old output is added
  local prev = values(output)
  output:addmm(1, output, 1, input, weight:t())
  local nv = values(output)
  for i = 1, #prev do
    if math.abs(nv[i] - 2 * prev[i]) > 1e-5 * nin then
      error(string.format('addmm(1, output, 1, ...) element %d: expected %.9g, got %.9g', i, 2 * prev[i], nv[i]))
    end
  end
end

return T
