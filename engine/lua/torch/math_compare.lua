-- torch/math_compare.lua: comparisons (lt gt le ge eq ne) with ByteTensor
-- or same-type results, all/any/equal, lerp, match, the mod/cmod aliases
-- and the function forms of fill/zero/numel.
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
local ops = L.ops
local istype = ffi.istype
local dtype_names = torch._dtype_names
local FLOAT_DTYPES = L.FLOAT_DTYPES
local ALL_DTYPES = L.ALL_DTYPES
local BYTE = 0
local check = L.check
local def = L.def
local num = L.num
local shape = L.shape

---------------------------------------------------------------------------
-- Comparisons: torch.lt([res,] a, b) with b a tensor or a number; res is
-- a ByteTensor (allocated) or a tensor of a's type. a:lt(b) allocates;
-- res:lt(a, b) writes into res.

for _, name in ipairs({ 'lt', 'gt', 'le', 'ge', 'eq', 'ne' }) do
  local id = ops[name].id
  def(name, ALL_DTYPES, function(d)
    local ct = ctypes[d]
    local usage = '[result,] tensor, (tensor | number)'
    return function(a, b, c)
      local r, x, y
      if c ~= nil then r, x, y = a, b, c else r, x, y = nil, a, b end
      if r ~= nil and not (istype(ctypes[BYTE], r) or istype(ct, r)) then
        -- res:lt(x, y) where res is Byte and x of another type
        L.bad_args(name, d, usage, a, b, c)
      end
      local xd = L.dtype_of_tensor(x)
      if not xd or not (num(y) or L.dtype_of_tensor(y) == xd) then L.bad_args(name, d, usage, a, b, c) end
      r = r or empty(BYTE)
      if num(y) then check(C.tl_compare(id, r._c, x._c, nil, y))
      else check(C.tl_compare(id, r._c, x._c, y._c, 0)) end
      return r
    end
  end)
end
-- res:lt(a, b) with res a ByteTensor and a of another type goes through
-- the Byte method, which must accept any input type: dispatch on x.
local byte_mt = torch.getmetatable('torch.ByteTensor')
for _, name in ipairs({ 'lt', 'gt', 'le', 'ge', 'eq', 'ne' }) do
  local own = byte_mt[name]
  byte_mt[name] = function(a, b, c)
    if c ~= nil and istype(ctypes[BYTE], a) then
      local xd = L.dtype_of_tensor(b)
      if xd and xd ~= BYTE then return L.funcs[xd][name](a, b, c) end
    end
    return own(a, b, c)
  end
  local f = torch[name]
  torch[name] = function(a, b, c)
    if c ~= nil and istype(ctypes[BYTE], a) then
      local xd = L.dtype_of_tensor(b)
      if xd and xd ~= BYTE then return L.funcs[xd][name](a, b, c) end
    end
    return f(a, b, c)
  end
end

-- all/any: ByteTensor only; true when every / some element is non-zero.
def('all', { BYTE }, function()
  return function(x)
    if not istype(ctypes[BYTE], x) then L.bad_args('all', BYTE, 'tensor', x) end
    if x:nElement() == 0 then return true end
    return x:min() ~= 0
  end
end, ' (only torch.ByteTensor)')
def('any', { BYTE }, function()
  return function(x)
    if not istype(ctypes[BYTE], x) then L.bad_args('any', BYTE, 'tensor', x) end
    if x:nElement() == 0 then return false end
    return x:max() ~= 0
  end
end, ' (only torch.ByteTensor)')

-- equal(a, b): same size and the same elements.
def('equal', ALL_DTYPES, function(d)
  local ct = ctypes[d]
  return function(a, b)
    if not (istype(ct, a) and istype(ct, b)) then L.bad_args('equal', d, 'tensor, tensor', a, b) end
    if not a:isSameSizeAs(b) then return false end
    if a:nElement() == 0 then return true end
    local r = empty(BYTE)
    check(C.tl_compare(ops.ne.id, r._c, a._c, b._c, 0))
    return r:max() == 0
  end
end)

-- mod and cmod are Torch7's other names of fmod and cfmod.
for alias, orig in pairs({ mod = 'fmod', cmod = 'cfmod' }) do
  torch[alias] = torch[orig]
  for d = 0, 6 do
    local mt = torch.getmetatable('torch.' .. dtype_names[d] .. 'Tensor')
    mt[alias] = mt[orig]
    L.funcs[d][alias] = L.funcs[d][orig]
  end
end

---------------------------------------------------------------------------
-- lerp: res = a + w * (b - a). torch.lerp([res,] a, b, w); x:lerp(b, w) in
-- place; res:lerp(a, b, w).

def('lerp', FLOAT_DTYPES, function(d)
  local ct, id = ctypes[d], ops.lerp.id
  local usage = '[result,] tensor, tensor, number'
  local function run(r, a, b, w)
    check(C.tl_pointwise(id, r._c, a._c, b._c, nil, w, 0))
    return r
  end
  return function(a, b, c, e)
    if istype(ct, a) and istype(ct, b) then
      if num(c) and e == nil then return run(empty(d), a, b, c) end
      if istype(ct, c) and num(e) then return run(a, b, c, e) end
    end
    L.bad_args('lerp', d, usage, a, b, c, e)
  end
end)
-- the method: x:lerp(b, w) works in place
for _, d in ipairs(FLOAT_DTYPES) do
  local mt, ct, f = torch.getmetatable('torch.' .. dtype_names[d] .. 'Tensor'), ctypes[d], L.funcs[d].lerp
  mt.lerp = function(self, b, c, e)
    if istype(ct, b) and num(c) and e == nil then return f(self, self, b, c) end
    return f(self, b, c, e)
  end
end


-- match([res,] m1, m2 [,gain=1]): res[i][j] = gain * ||m1[i] - m2[j]||^2
-- over the rows of m1 and m2 (each flattened to N x dim).
def('match', ALL_DTYPES, function(d)
  local ct = ctypes[d]
  return function(a, b, c, e)
    local r, m1, m2, gain
    if istype(ct, c) then r, m1, m2, gain = a, b, c, e else m1, m2, gain = a, b, c end
    gain = gain or 1
    if not (istype(ct, m1) and istype(ct, m2) and num(gain)) then
      L.bad_args('match', d, '[result,] tensor, tensor [, gain]', a, b, c, e)
    end
    local n1, n2 = m1:size(1), m2:size(1)
    local x, y = m1:contiguous():view(n1, -1), m2:contiguous():view(n2, -1)
    if x:size(2) ~= y:size(2) then
      fail(string.format('match: rows of %s and %s differ in size', shape(m1), shape(m2)))
    end
    local out = torch.DoubleTensor(n1, n2)
    local xd, yd = x:double(), y:double()
    for i = 1, n1 do
      local diff = yd - xd:narrow(1, i, 1):expandAs(yd)
      out[i]:copy(torch.cmul(diff, diff):sum(2):view(n2)):mul(gain)
    end
    r = r or empty(d)
    return r:resize(n1, n2):copy(out)
  end
end)

-- torch.fill/zero/numel: the function forms of the methods
function torch.fill(x, v) return x:fill(v) end
function torch.zero(x) return x:zero() end
function torch.numel(x) return x:nElement() end
