-- torch/math_sample.lua: multinomial and the alias method
-- (multinomialAliasSetup, multinomialAlias), with Torch7's draws
-- (API.md 5.3) from torch._gen or a given generator.
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
local dtype_names = torch._dtype_names
local FLOAT_DTYPES = L.FLOAT_DTYPES
local LONG = 4
local unpack = unpack or table.unpack
local def = L.def
local num = L.num
local shape = L.shape

---------------------------------------------------------------------------
-- multinomial([res,] [gen,] p, n [,replacement=false]) (API.md 5.3): per
-- row of p, a double cumulative distribution normalised to end at 1; each
-- sample draws one uniform and takes the leftmost bucket >= it; without
-- replacement the drawn mass is removed and the rest renormalised.

local function is_gen(x) return type(x) == 'table' and torch.typename(x) == 'torch.Generator' end

def('multinomial', FLOAT_DTYPES, function(d)
  local ct = ctypes[d]
  local usage = '[result,] [generator,] tensor, n [, replacement]'
  return function(...)
    local args = { ... }
    local i, r, gen = 1, nil, nil
    if istype(ctypes[LONG], args[i]) and (istype(ct, args[i + 1]) or is_gen(args[i + 1])) then r, i = args[i], i + 1 end
    if is_gen(args[i]) then gen, i = args[i], i + 1 end
    local p, n, repl = args[i], args[i + 1], args[i + 2]
    if not (istype(ct, p) and num(n)) then L.bad_args('multinomial', d, usage, ...) end
    gen = gen or torch._gen
    if p:dim() ~= 1 and p:dim() ~= 2 then fail('multinomial: expected a vector or a matrix, got ' .. shape(p)) end
    local rows = p:dim() == 1 and 1 or p:size(1)
    local k = p:size(p:dim())
    if n < 1 then fail('multinomial: the number of samples must be positive, got ' .. n) end
    if not repl and n > k then
      fail(string.format('multinomial: cannot draw %d samples from %d categories without replacement', n, k))
    end
    r = r or empty(LONG)
    if p:dim() == 1 then r:resize(n) else r:resize(rows, n) end
    local p2 = p:dim() == 1 and p:view(1, k) or p
    local cum = ffi.new('double[?]', k)
    for row = 1, rows do
      local pr = p2:select(1, row)
      local sum = 0
      for j = 1, k do
        local v = pr[j]
        if v < 0 then fail('multinomial: invalid distribution (negative probability)') end
        sum = sum + v
        cum[j - 1] = sum
      end
      if not (sum > 0) then fail('multinomial: invalid distribution (sum of probabilities <= 0)') end
      for j = 0, k - 1 do cum[j] = cum[j] / sum end
      cum[k - 1] = 1
      for s = 1, n do
        local u = C.tl_random_uniform(gen._c, 0, 1)
        local lo, hi = 0, k
        while hi - lo > 0 do
          local mid = lo + math.floor((hi - lo) / 2)
          if cum[mid] < u then lo = mid + 1 else hi = mid end
        end
        local idx = lo
        if p:dim() == 1 then r[s] = idx + 1 else r[row][s] = idx + 1 end
        if not repl then
          local prev = idx > 0 and cum[idx - 1] or 0
          local diff = cum[idx] - prev
          local total = 1 - diff
          for j = 0, k - 1 do
            local v = cum[j]
            if j >= idx then v = v - diff end
            cum[j] = v / total
          end
        end
      end
    end
    return r
  end
end)
-- torch.multinomial([gen,] p, ...) dispatches on p, not the generator
do
  local f = torch.multinomial
  torch.multinomial = function(a, b, ...)
    if is_gen(a) then
      local d = L.dtype_of_tensor(b)
      if d and L.funcs[d].multinomial then return L.funcs[d].multinomial(a, b, ...) end
    elseif istype(ctypes[LONG], a) then
      local d = L.dtype_of_tensor(b) or (is_gen(b) and L.dtype_of_tensor(...))
      if d and d ~= LONG then return L.funcs[d].multinomial(a, b, ...) end
    end
    return f(a, b, ...)
  end
end

-- multinomialAliasSetup(probs [,state]) -> state {J, q}: Walker's alias
-- tables (J 1-based aliases, 0 where none; q the probability of keeping
-- the drawn bucket). multinomialAlias(output, state [,gen]) fills the
-- LongTensor output: per sample k = (long)uniform(0, K), then
-- bernoulli(q[k]) picks k itself or its alias (API.md 5.3).
local function alias_setup(probs, state)
  local d = L.dtype_of_tensor(probs)
  if d ~= 5 and d ~= 6 then
    fail('multinomialAliasSetup: expected a torch.FloatTensor or torch.DoubleTensor, got ' .. torch.type(probs))
  end
  if probs:dim() ~= 1 then fail('multinomialAliasSetup: expected a vector, got ' .. shape(probs)) end
  state = state or {}
  local J, q = state[1] or torch.LongTensor(), state[2] or empty(d)
  local K = probs:size(1)
  J:resize(K):zero()
  q:resize(K)
  local small, large = {}, {}
  for i = 1, K do
    local v = K * probs[i]
    q[i] = v
    if v < 1 then small[#small + 1] = i else large[#large + 1] = i end
  end
  while #small > 0 and #large > 0 do
    local l, s = large[#large], small[#small]
    J[s] = l
    q[l] = q[l] - (1 - q[s])
    if q[l] < 1 then
      small[#small] = l
      large[#large] = nil
    else
      small[#small] = nil
    end
  end
  local qmin, qmax = math.huge, -math.huge
  for i = 1, K do qmin, qmax = math.min(qmin, q[i]), math.max(qmax, q[i]) end
  if not (qmin > 0) then fail('multinomialAliasSetup: invalid distribution (a probability is <= 0)') end
  if qmax > 1 then q:div(qmax) end
  for i = 1, K do if J[i] <= 0 then q[i] = 1 end end
  state[1], state[2] = J, q
  return state
end

local function alias_draw(output, state, gen)
  if not istype(ctypes[LONG], output) or type(state) ~= 'table' then
    fail('multinomialAlias: expected (LongTensor output, state table from multinomialAliasSetup)')
  end
  gen = gen or torch._gen
  local J, q = state[1], state[2]
  local K = J:size(1)
  local flat = output:view(output:nElement())
  for i = 1, flat:size(1) do
    local k = math.floor(C.tl_random_uniform(gen._c, 0, K))
    local keep = C.tl_random_bernoulli(gen._c, q[k + 1])
    flat[i] = keep == 1 and k + 1 or J[k + 1]
  end
  return output
end

torch.multinomialAliasSetup = alias_setup
torch.multinomialAlias = alias_draw
torch.multinomialAliasSetup_ = function(probs, J, q) return unpack(alias_setup(probs, { J, q })) end
torch.multinomialAlias_ = function(output, gen, J, q)
  if istype(ctypes[LONG], gen) then gen, J, q = nil, gen, J end
  return alias_draw(output, { J, q }, gen)
end
for _, d in ipairs(FLOAT_DTYPES) do
  local mt = torch.getmetatable('torch.' .. dtype_names[d] .. 'Tensor')
  mt.multinomialAliasSetup_ = function(self, J, q) return torch.multinomialAliasSetup_(self, J, q) end
  mt.multinomialAlias_ = function(self, ...) return torch.multinomialAlias_(...) end
end
