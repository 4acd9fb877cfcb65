-- torch/math_reduce.lua: the reductions with forms of their own (norm,
-- var, std, dist, renorm, cumsum, cumprod, trace) and sorting and
-- selection along a dim (sort, topk, kthvalue, median, mode).
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
local LONG = 4
local check = L.check
local def = L.def
local num = L.num
local dim0 = L.dim0
local lastdim = L.lastdim
local plus1 = L.plus1

---------------------------------------------------------------------------
-- norm, var, std
--   torch.norm(x [,p]) -> number         torch.norm([res,] x, p, dim)
--   torch.std(x [,flag]) -> number       torch.std([res,] x, dim [,flag])
-- flag true divides by n (biased), else by n - 1. Along a dim the dim is
-- kept with size 1, as the other reductions.

local outbuf = ffi.new('double[1]')
for _, name in ipairs({ 'norm', 'var', 'std' }) do
  local id = ops[name].id
  def(name, FLOAT_DTYPES, function(d)
    local ct = ctypes[d]
    local usage = name == 'norm' and '[result,] tensor [, p [, dim]]' or '[result,] tensor [, dim] [, flag]'
    return function(a, b, c, e)
      local r, x = nil, a
      if istype(ct, b) then r, x, b, c, e = a, b, c, e, nil end
      if not istype(ct, x) or e ~= nil then L.bad_args(name, d, usage, a, b, c, e) end
      local s0, dim
      if name == 'norm' then
        if b ~= nil and not num(b) then L.bad_args(name, d, usage, a, b, c, e) end
        s0, dim = b or 2, c
      else
        if type(b) == 'boolean' then b, c = nil, b end
        s0, dim = c and 1 or 0, b
      end
      if dim == nil then
        if r then L.bad_args(name, d, usage, a, b, c, e) end
        check(C.tl_reduce_all(id, x._c, s0, outbuf))
        return outbuf[0]
      end
      local dd = dim0(name, x, dim)
      r = r or empty(d)
      check(C.tl_reduce(id, r._c, nil, x._c, dd, s0))
      return r
    end
  end)
end

-- dist(a, b [,p]) = norm(a - b, p)
def('dist', FLOAT_DTYPES, function(d)
  local ct = ctypes[d]
  return function(a, b, p)
    if not (istype(ct, a) and istype(ct, b)) or (p ~= nil and not num(p)) then
      L.bad_args('dist', d, 'tensor, tensor [, p]', a, b, p)
    end
    local diff = empty(d)
    check(C.tl_pointwise(ops.csub.id, diff._c, a._c, b._c, nil, 1, 0))
    check(C.tl_reduce_all(ops.norm.id, diff._c, p or 2, outbuf))
    return outbuf[0]
  end
end)

-- renorm([res,] x, p, dim, maxnorm): each slice along dim whose p-norm
-- exceeds maxnorm is scaled to norm maxnorm. x:renorm(p, dim, m) in place.
def('renorm', FLOAT_DTYPES, function(d)
  local ct = ctypes[d]
  local usage = '[result,] tensor, p, dim, maxnorm'
  return function(a, b, c, e, f)
    local r, x, p, dim, maxnorm
    if istype(ct, b) then r, x, p, dim, maxnorm = a, b, c, e, f else r, x, p, dim, maxnorm = nil, a, b, c, e end
    if not (istype(ct, x) and num(p) and num(dim) and num(maxnorm)) then L.bad_args('renorm', d, usage, a, b, c, e, f) end
    if p <= 0 then fail('renorm: p must be positive, got ' .. p) end
    local dd = dim0('renorm', x, dim)
    r = r or empty(d)
    if r ~= x then r:resizeAs(x):copy(x) end
    for i = 1, x:size(dd + 1) do
      local slice = r:narrow(dd + 1, i, 1)
      check(C.tl_reduce_all(ops.norm.id, slice._c, p, outbuf))
      local n = outbuf[0]
      if n > maxnorm then slice:mul(maxnorm / (n + 1e-7)) end
    end
    return r
  end
end)
for _, d in ipairs(FLOAT_DTYPES) do
  local mt, ct, f = torch.getmetatable('torch.' .. dtype_names[d] .. 'Tensor'), ctypes[d], L.funcs[d].renorm
  mt.renorm = function(self, a, b, c, e)
    if num(a) then return f(self, self, a, b, c) end
    return f(self, a, b, c, e)
  end
end

---------------------------------------------------------------------------
-- cumsum, cumprod: ([res,] x [,dim=1])

for name, op in pairs({ cumsum = 'sum', cumprod = 'prod' }) do
  local id = ops[op].id
  def(name, ALL_DTYPES, function(d)
    local ct = ctypes[d]
    return function(a, b, c)
      local r, x, dim
      if istype(ct, b) then r, x, dim = a, b, c else r, x, dim = nil, a, b end
      if not istype(ct, x) then L.bad_args(name, d, '[result,] tensor [, dim]', a, b, c) end
      r = r or empty(d)
      if x:dim() == 0 then return r:resize(0) end
      check(C.tl_cumulate(id, r._c, x._c, dim0(name, x, dim, 1)))
      return r
    end
  end)
end

-- trace(x): the sum of the diagonal of a matrix
def('trace', ALL_DTYPES, function(d)
  local ct = ctypes[d]
  return function(x)
    if not istype(ct, x) then L.bad_args('trace', d, 'tensor', x) end
    if x:dim() ~= 2 then fail('trace: expected a matrix, got a ' .. x:dim() .. 'D tensor') end
    local n = math.min(x:size(1), x:size(2))
    if n == 0 then return 0 end
    local diag = torch[dtype_names[d] .. 'Tensor'](x:storage(), x:storageOffset(), n, x:stride(1) + x:stride(2))
    return diag:sum()
  end
end)

---------------------------------------------------------------------------
-- sort, topk, kthvalue, median, mode
--   torch.sort([values, indices,] x [,dim] [,descending])
--   torch.topk([values, indices,] x, k [,dim] [,dir] [,sort])  dir true: largest
--   torch.kthvalue([values, indices,] x, k [,dim])
--   torch.median/mode([values, indices,] x [,dim])
-- dim defaults to the last; indices are 1-based LongTensors.

local function sel_args(ct, a, b, c, ...)
  if istype(ct, a) and istype(ctypes[LONG], b) and istype(ct, c) then return a, b, c, ... end
  return nil, nil, a, b, c, ...
end

def('sort', ALL_DTYPES, function(d)
  local ct = ctypes[d]
  return function(...)
    local v, i, x, dim, desc = sel_args(ct, ...)
    if type(dim) == 'boolean' then dim, desc = nil, dim end
    if not istype(ct, x) then L.bad_args('sort', d, '[values, indices,] tensor [, dim] [, descending]', ...) end
    v, i = v or empty(d), i or empty(LONG)
    check(C.tl_sort(v._c, i._c, x._c, dim0('sort', x, dim, lastdim(x)), desc and 1 or 0))
    return v, plus1(i)
  end
end)

def('topk', ALL_DTYPES, function(d)
  local ct = ctypes[d]
  return function(...)
    local v, i, x, k, dim, dir, sorted = sel_args(ct, ...)
    if not (istype(ct, x) and num(k)) then L.bad_args('topk', d, '[values, indices,] tensor, k [, dim] [, dir] [, sort]', ...) end
    v, i = v or empty(d), i or empty(LONG)
    check(C.tl_topk(v._c, i._c, x._c, k, dim0('topk', x, dim, lastdim(x)), dir and 1 or 0, sorted and 1 or 0))
    return v, plus1(i)
  end
end)

def('kthvalue', ALL_DTYPES, function(d)
  local ct = ctypes[d]
  return function(...)
    local v, i, x, k, dim = sel_args(ct, ...)
    if not (istype(ct, x) and num(k)) then L.bad_args('kthvalue', d, '[values, indices,] tensor, k [, dim]', ...) end
    v, i = v or empty(d), i or empty(LONG)
    check(C.tl_kthvalue(v._c, i._c, x._c, k - 1, dim0('kthvalue', x, dim, lastdim(x))))
    return v, plus1(i)
  end
end)

def('median', ALL_DTYPES, function(d)
  local ct = ctypes[d]
  return function(...)
    local v, i, x, dim = sel_args(ct, ...)
    if not istype(ct, x) then L.bad_args('median', d, '[values, indices,] tensor [, dim]', ...) end
    local dd = dim0('median', x, dim, lastdim(x))
    v, i = v or empty(d), i or empty(LONG)
    local n = x:dim() > 0 and x:size(dd + 1) or 0
    -- the lower median, as Torch7
    check(C.tl_kthvalue(v._c, i._c, x._c, math.floor((n + 1) / 2) - 1, dd))
    return v, plus1(i)
  end
end)

def('mode', ALL_DTYPES, function(d)
  local ct = ctypes[d]
  return function(...)
    local v, i, x, dim = sel_args(ct, ...)
    if not istype(ct, x) then L.bad_args('mode', d, '[values, indices,] tensor [, dim]', ...) end
    v, i = v or empty(d), i or empty(LONG)
    check(C.tl_mode(v._c, i._c, x._c, dim0('mode', x, dim, lastdim(x))))
    return v, plus1(i)
  end
end)
