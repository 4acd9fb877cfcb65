-- torch/math_index.lua: gather, scatter, index, indexCopy, indexAdd,
-- indexFill and nonzero. Positions are 1-based LongTensors here, 0-based
-- in the engine.
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
local istype = ffi.istype
local ALL_DTYPES = L.ALL_DTYPES
local LONG = 4
local check = L.check
local def = L.def
local num = L.num
local dim0 = L.dim0
local index0 = L.index0
local plus1 = L.plus1

---------------------------------------------------------------------------
-- gather, scatter, index, indexCopy, indexAdd, indexFill, nonzero
--   torch.gather([res,] src, dim, index)      x:gather(dim, index) allocates
--   x:scatter(dim, index, src | value)        in place
--   torch.index([res,] src, dim, index)       x:index(dim, index) allocates
--   x:indexCopy(dim, index, src), x:indexAdd(dim, index, src),
--   x:indexFill(dim, index, value)            in place
--   torch.nonzero([res,] x)                   LongTensor n x ndim, 1-based

def('gather', ALL_DTYPES, function(d)
  local ct = ctypes[d]
  return function(a, b, c, e)
    local r, src, dim, index
    if istype(ct, b) then r, src, dim, index = a, b, c, e else r, src, dim, index = nil, a, b, c end
    if not (istype(ct, src) and num(dim)) then L.bad_args('gather', d, '[result,] tensor, dim, index', a, b, c, e) end
    r = r or empty(d)
    check(C.tl_gather(r._c, src._c, dim0('gather', src, dim), index0('gather', index)._c))
    return r
  end
end)

def('scatter', ALL_DTYPES, function(d)
  local ct = ctypes[d]
  return function(self, dim, index, src)
    if not (istype(ct, self) and num(dim)) then L.bad_args('scatter', d, 'tensor, dim, index, (tensor | number)', self, dim, index, src) end
    local dd, i0 = dim0('scatter', self, dim), index0('scatter', index)
    if num(src) then check(C.tl_scatter_fill(self._c, dd, i0._c, src))
    elseif istype(ct, src) then check(C.tl_scatter(self._c, dd, i0._c, src._c))
    else L.bad_args('scatter', d, 'tensor, dim, index, (tensor | number)', self, dim, index, src) end
    return self
  end
end)

def('index', ALL_DTYPES, function(d)
  local ct = ctypes[d]
  return function(a, b, c, e)
    local r, src, dim, index
    if istype(ct, b) then r, src, dim, index = a, b, c, e else r, src, dim, index = nil, a, b, c end
    if not (istype(ct, src) and num(dim)) then L.bad_args('index', d, '[result,] tensor, dim, index', a, b, c, e) end
    r = r or empty(d)
    check(C.tl_index_select(r._c, src._c, dim0('index', src, dim), index0('index', index)._c))
    return r
  end
end)

for _, name in ipairs({ 'indexCopy', 'indexAdd', 'indexFill' }) do
  local cf = name == 'indexCopy' and C.tl_index_copy or C.tl_index_add
  def(name, ALL_DTYPES, function(d)
    local ct = ctypes[d]
    return function(self, dim, index, src)
      local ok = istype(ct, self) and num(dim) and (name == 'indexFill' and num(src) or istype(ct, src))
      if not ok then L.bad_args(name, d, 'tensor, dim, index, ' .. (name == 'indexFill' and 'number' or 'tensor'), self, dim, index, src) end
      local dd, i0 = dim0(name, self, dim), index0(name, index)
      if name == 'indexFill' then check(C.tl_index_fill(self._c, dd, i0._c, src))
      else check(cf(self._c, dd, i0._c, src._c)) end
      return self
    end
  end)
end

def('nonzero', ALL_DTYPES, function(d)
  local ct = ctypes[d]
  return function(a, b)
    local r, x
    if b ~= nil then r, x = a, b else r, x = nil, a end
    if not istype(ct, x) or (r ~= nil and not istype(ctypes[LONG], r)) then
      L.bad_args('nonzero', d, '[result,] tensor', a, b)
    end
    r = r or empty(LONG)
    check(C.tl_nonzero(r._c, x._c))
    return plus1(r)
  end
end)
-- res:nonzero(x) with res a LongTensor and x of another type
do
  local long_mt, f = torch.getmetatable('torch.LongTensor'), torch.nonzero
  local own = long_mt.nonzero
  local function nz(a, b)
    if b ~= nil and istype(ctypes[LONG], a) then
      local xd = L.dtype_of_tensor(b)
      if xd and xd ~= LONG then return L.funcs[xd].nonzero(a, b) end
    end
    return own(a, b)
  end
  long_mt.nonzero = nz
  torch.nonzero = function(a, b)
    if b ~= nil and istype(ctypes[LONG], a) then return nz(a, b) end
    return f(a, b)
  end
end
