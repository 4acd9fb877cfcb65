-- torch/math_batch.lua: batched matrix products (bmm, baddbmm, addbmm)
-- over the engine's addmm, and cross.
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
local ALL_DTYPES = L.ALL_DTYPES
local check = L.check
local def = L.def
local num = L.num
local dim0 = L.dim0
local shape = L.shape

---------------------------------------------------------------------------
-- Batched BLAS and cross.
--   torch.bmm([res,] b1, b2)
--   torch.baddbmm([res,] [v1,] M, [v2,] b1, b2): res_i = v1*M_i + v2*b1_i@b2_i
--   torch.addbmm([res,] [v1,] M, [v2,] b1, b2):  res = v1*M + v2*sum_i b1_i@b2_i
-- Method forms write into self; with M left out, M is self.

local function bcheck(name, b1, b2)
  if b1:dim() ~= 3 or b2:dim() ~= 3 then
    fail(string.format('%s: expected 3D tensors, got %s and %s', name, shape(b1), shape(b2)))
  end
  if b1:size(1) ~= b2:size(1) or b1:size(3) ~= b2:size(2) then
    fail(string.format('%s: batch sizes %s and %s do not match', name, shape(b1), shape(b2)))
  end
end

local function run_baddbmm(r, v1, m, v2, b1, b2)
  bcheck('baddbmm', b1, b2)
  local n, p, q = b1:size(1), b1:size(2), b2:size(3)
  if m:dim() ~= 3 or m:size(1) ~= n or m:size(2) ~= p or m:size(3) ~= q then
    fail(string.format('baddbmm: M %s does not match the product %dx%dx%d', shape(m), n, p, q))
  end
  if r ~= m then r:resizeAs(m):copy(m) end
  for i = 1, n do
    local ri = r:select(1, i)
    check(C.tl_addmm(ri._c, v1, ri._c, v2, b1:select(1, i)._c, b2:select(1, i)._c))
  end
  return r
end

local function run_addbmm(r, v1, m, v2, b1, b2)
  bcheck('addbmm', b1, b2)
  local n, p, q = b1:size(1), b1:size(2), b2:size(3)
  if m:dim() ~= 2 or m:size(1) ~= p or m:size(2) ~= q then
    fail(string.format('addbmm: M %s does not match the product %dx%d', shape(m), p, q))
  end
  if r ~= m then r:resizeAs(m):copy(m) end
  for i = 1, n do
    check(C.tl_addmm(r._c, i == 1 and v1 or 1, r._c, v2, b1:select(1, i)._c, b2:select(1, i)._c))
  end
  if n == 0 then r:mul(v1) end
  return r
end

for name, run in pairs({ baddbmm = run_baddbmm, addbmm = run_addbmm }) do
  def(name, ALL_DTYPES, function(d)
    local ct = ctypes[d]
    local usage = '[result,] [number,] tensor, [number,] tensor, tensor'
    local function parse(a, b, c, e, f)
      local v1, v2 = 1, 1
      if num(a) then v1, a, b, c, e = a, b, c, e, f elseif f ~= nil then return nil end
      if not istype(ct, a) then return nil end
      if num(b) then v2, b, c = b, c, e elseif e ~= nil then return nil end
      if istype(ct, b) and istype(ct, c) then return v1, a, v2, b, c end
    end
    local function func(a, b, c, e, f, g)
      local v1, m, v2, x, y = parse(a, b, c, e, f)
      if v1 and g == nil then return run(empty(d), v1, m, v2, x, y) end
      if istype(ct, a) then
        v1, m, v2, x, y = parse(b, c, e, f, g)
        if v1 then return run(a, v1, m, v2, x, y) end
      end
      L.bad_args(name, d, usage, a, b, c, e, f, g)
    end
    return func
  end)
  for _, d in ipairs(ALL_DTYPES) do
    local mt, ct, f = torch.getmetatable('torch.' .. dtype_names[d] .. 'Tensor'), ctypes[d], L.funcs[d][name]
    mt[name] = function(self, a, b, c, e, f2)
      -- self:f(b1, b2), self:f(v2, b1, b2), self:f(v1, v2, b1, b2): M is self
      if istype(ct, a) and istype(ct, b) and c == nil then return run(self, 1, self, 1, a, b) end
      if num(a) and istype(ct, b) and istype(ct, c) and e == nil then return run(self, 1, self, a, b, c) end
      if num(a) and num(b) and istype(ct, c) and istype(ct, e) and f2 == nil then return run(self, a, self, b, c, e) end
      return f(self, a, b, c, e, f2)
    end
  end
end

def('bmm', ALL_DTYPES, function(d)
  local ct = ctypes[d]
  return function(a, b, c)
    local r, x, y
    if istype(ct, c) then r, x, y = a, b, c else x, y = a, b end
    if not (istype(ct, x) and istype(ct, y)) then L.bad_args('bmm', d, '[result,] tensor, tensor', a, b, c) end
    bcheck('bmm', x, y)
    r = r or empty(d)
    r:resize(x:size(1), x:size(2), y:size(3))
    for i = 1, x:size(1) do
      local ri = r:select(1, i)
      check(C.tl_addmm(ri._c, 0, nil, 1, x:select(1, i)._c, y:select(1, i)._c))
    end
    return r
  end
end)

-- cross([res,] a, b [,dim]): dim defaults to the first dim of size 3.
def('cross', ALL_DTYPES, function(d)
  local ct = ctypes[d]
  return function(a, b, c, e)
    local r, x, y, dim
    if istype(ct, c) then r, x, y, dim = a, b, c, e else x, y, dim = a, b, c end
    if not (istype(ct, x) and istype(ct, y)) then L.bad_args('cross', d, '[result,] tensor, tensor [, dim]', a, b, c, e) end
    if not x:isSameSizeAs(y) then fail(string.format('cross: sizes %s and %s differ', shape(x), shape(y))) end
    if dim == nil then
      for k = 1, x:dim() do if x:size(k) == 3 then dim = k; break end end
      if not dim then fail('cross: no dimension of size 3 in ' .. shape(x)) end
    end
    local dd = dim0('cross', x, dim) + 1
    if x:size(dd) ~= 3 then fail(string.format('cross: dimension %d of %s does not have size 3', dd, shape(x))) end
    local out = empty(d):resizeAs(x)
    local function s(t, i) return t:narrow(dd, i, 1) end
    for i = 1, 3 do
      local j, k = i % 3 + 1, (i + 1) % 3 + 1
      local oi = s(out, i)
      torch.cmul(oi, s(x, j), s(y, k))
      oi:add(-1, torch.cmul(s(x, k), s(y, j)))
    end
    if r then return r:resizeAs(out):copy(out) end
    return out
  end
end)
