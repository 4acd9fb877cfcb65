-- torch/math_construct.lua: zeros ones eye range linspace logspace diag
-- tril triu cat split chunk repeatTensor.
--
-- Each function is written once as the torch.X form taking ([result,]
-- args...); the method is the same function with self first (Torch7's
-- cwrap: x:f(args) allocates the result, res:f(x, args) writes into res)
-- unless noted as in place. Dims and indices are 1-based here.

local ffi = require 'ffi'
local L = torch._mathlib
local empty = torch._empty
local ctypes = L.ctypes
local fail = L.fail
local istype = ffi.istype
local dtype_names = torch._dtype_names
local FLOAT_DTYPES = L.FLOAT_DTYPES
local ALL_DTYPES = L.ALL_DTYPES
local def = L.def
local num = L.num
local dim0 = L.dim0
local shape = L.shape

---------------------------------------------------------------------------
-- Construction. Sizes are numbers or a LongStorage; torch.X forms take a
-- trailing type name (torch.ones(3, 'torch.FloatTensor')); x:zeros(...)
-- and friends resize and fill x itself.

local function strip_type(...)
  local n = select('#', ...)
  local args = { ... }
  while n > 0 and args[n] == nil do n = n - 1 end
  if n > 0 and type(args[n]) == 'string' and args[n]:match('^torch%.%a+Tensor$') then
    args[n] = nil
    n = n - 1
  end
  return args, n
end

-- The sizes in args[first..n] (numbers, or one LongStorage), checked.
local function sizes_of(name, args, first, n)
  local sizes = {}
  if n == first and torch.typename(args[first]) == 'torch.LongStorage' then
    sizes = args[first]:totable()
  else
    for k = first, n do sizes[#sizes + 1] = args[k] end
  end
  for k, v in ipairs(sizes) do
    if not num(v) or v ~= math.floor(v) then
      fail(string.format('%s: size %d must be an integer, got %s', name, k, torch.type(v)))
    elseif v < 0 then
      fail(string.format('%s: size %d in dimension %d is negative', name, v, k))
    end
  end
  return torch.LongStorage(sizes)
end

for name, value in pairs({ zeros = 0, ones = 1 }) do
  def(name, ALL_DTYPES, function(d)
    local ct = ctypes[d]
    return function(...)
      local args, n = strip_type(...)
      local r, first = nil, 1
      if istype(ct, args[1]) then r, first = args[1], 2 end
      r = r or empty(d)
      r:resize(sizes_of(name, args, first, n))
      return r:fill(value)
    end
  end)
end

def('eye', ALL_DTYPES, function(d)
  local ct = ctypes[d]
  return function(...)
    local args = strip_type(...)
    local r, n, m
    if istype(ct, args[1]) then r, n, m = args[1], args[2], args[3] else n, m = args[1], args[2] end
    if not num(n) or (m ~= nil and not num(m)) then L.bad_args('eye', d, '[result,] n [, m]', ...) end
    if n <= 0 or (m and m <= 0) then fail(string.format('eye: invalid size %dx%d', n, m or n)) end
    m = m or n
    r = r or empty(d)
    r:resize(n, m):zero()
    local k = math.min(n, m)
    local diag = torch[dtype_names[d] .. 'Tensor'](r:storage(), r:storageOffset(), k, r:stride(1) + r:stride(2))
    diag:fill(1)
    return r
  end
end)

-- Fill the contiguous 1-D tensor r with f(i) for i = 0..n-1.
local function fill_fn(r, n, f)
  local p = r:data()
  for i = 0, n - 1 do p[i] = f(i) end
  return r
end

def('range', ALL_DTYPES, function(d)
  local ct = ctypes[d]
  return function(...)
    local args = strip_type(...)
    local r, x, y, step
    if istype(ct, args[1]) then r, x, y, step = args[1], args[2], args[3], args[4] else x, y, step = args[1], args[2], args[3] end
    step = step or 1
    if not (num(x) and num(y) and num(step)) then L.bad_args('range', d, '[result,] xmin, xmax [, step]', ...) end
    if step == 0 then fail('range: step must be non-zero') end
    if (step > 0 and x > y) or (step < 0 and x < y) then
      fail(string.format('range: upper bound %s and lower bound %s inconsistent with step sign %s', y, x, step))
    end
    local n = math.floor((y - x) / step) + 1
    r = r or empty(d)
    r:resize(n)
    if not r:isContiguous() then r:resize(0):resize(n) end
    return fill_fn(r, n, function(i) return x + i * step end)
  end
end)

for _, name in ipairs({ 'linspace', 'logspace' }) do
  def(name, FLOAT_DTYPES, function(d)
    local ct = ctypes[d]
    return function(...)
      local args = strip_type(...)
      local r, x, y, n
      if istype(ct, args[1]) then r, x, y, n = args[1], args[2], args[3], args[4] else x, y, n = args[1], args[2], args[3] end
      n = n or 100
      if not (num(x) and num(y) and num(n)) then L.bad_args(name, d, '[result,] x1, x2 [, n]', ...) end
      if n < 1 then fail(name .. ': invalid number of points ' .. n) end
      r = r or empty(d)
      r:resize(n)
      local step = n > 1 and (y - x) / (n - 1) or 0
      local f = name == 'linspace' and function(i) return x + i * step end
                                    or function(i) return 10 ^ (x + i * step) end
      if n == 1 then f = name == 'linspace' and function() return x end or function() return 10 ^ x end end
      local tmp = torch[dtype_names[d] .. 'Tensor'](n)
      fill_fn(tmp, n, f)
      return r:copy(tmp)
    end
  end)
end

-- diag([res,] x [,k]): vector -> matrix with x on diagonal k; matrix ->
-- the vector of its diagonal k (k > 0 above, k < 0 below).
def('diag', ALL_DTYPES, function(d)
  local ct = ctypes[d]
  local T = torch[dtype_names[d] .. 'Tensor']
  return function(a, b, c)
    local r, x, k
    if istype(ct, b) then r, x, k = a, b, c else r, x, k = nil, a, b end
    k = k or 0
    if not (istype(ct, x) and num(k)) then L.bad_args('diag', d, '[result,] tensor [, k]', a, b, c) end
    r = r or empty(d)
    if x:dim() == 1 then
      local n = x:size(1) + math.abs(k)
      r:resize(n, n):zero()
      local off = k >= 0 and k * r:stride(2) or -k * r:stride(1)
      local dv = T(r:storage(), r:storageOffset() + off, x:size(1), r:stride(1) + r:stride(2))
      dv:copy(x)
      return r
    elseif x:dim() == 2 then
      local n = k >= 0 and math.min(x:size(1), x:size(2) - k) or math.min(x:size(1) + k, x:size(2))
      if n <= 0 then fail(string.format('diag: diagonal %d out of range for a %s matrix', k, shape(x))) end
      local off = k >= 0 and k * x:stride(2) or -k * x:stride(1)
      local dv = T(x:storage(), x:storageOffset() + off, n, x:stride(1) + x:stride(2))
      return r:resize(n):copy(dv)
    end
    fail('diag: expected a vector or a matrix, got a ' .. x:dim() .. 'D tensor')
  end
end)

for _, name in ipairs({ 'tril', 'triu' }) do
  def(name, ALL_DTYPES, function(d)
    local ct = ctypes[d]
    return function(a, b, c)
      local r, x, k
      if istype(ct, b) then r, x, k = a, b, c else r, x, k = nil, a, b end
      k = k or 0
      if not (istype(ct, x) and num(k)) then L.bad_args(name, d, '[result,] tensor [, k]', a, b, c) end
      if x:dim() ~= 2 then fail(name .. ': expected a matrix, got a ' .. x:dim() .. 'D tensor') end
      r = r or empty(d)
      if r ~= x then r:resizeAs(x):copy(x) end
      local rows, cols = x:size(1), x:size(2)
      for i = 1, rows do
        -- tril keeps j <= i + k; triu keeps j >= i + k
        local lo, hi
        if name == 'tril' then lo, hi = i + k + 1, cols else lo, hi = 1, math.min(i + k - 1, cols) end
        lo = math.max(lo, 1)
        if hi >= lo then r:select(1, i):narrow(1, lo, hi - lo + 1):zero() end
      end
      return r
    end
  end)
end

-- cat([res,] x1, x2 [,dim]) or cat([res,] {x1, x2, ...} [,dim]); dim
-- defaults to the last dim of the first non-empty tensor; empty tensors
-- are skipped.
def('cat', ALL_DTYPES, function(d)
  local ct = ctypes[d]
  return function(a, b, c, e)
    local r, list, dim
    if type(a) == 'table' then list, dim = a, b
    elseif istype(ct, a) and type(b) == 'table' then r, list, dim = a, b, c
    elseif istype(ct, a) and istype(ct, b) and istype(ct, c) then r, list, dim = a, { b, c }, e
    elseif istype(ct, a) and istype(ct, b) then list, dim = { a, b }, c
    else L.bad_args('cat', d, '[result,] tensor, tensor [, dim] | [result,] {tensors} [, dim]', a, b, c, e) end
    local ts = {}
    for i, t in ipairs(list) do
      if not istype(ct, t) then
        fail(string.format('cat: element %d is %s, expected torch.%sTensor', i, torch.type(t), dtype_names[d]))
      end
      if t:dim() > 0 then ts[#ts + 1] = t end
    end
    r = r or empty(d)
    if #ts == 0 then return r:resize(0) end
    local nd = ts[1]:dim()
    for _, t in ipairs(ts) do nd = math.max(nd, t:dim()) end
    dim = dim or nd
    if type(dim) ~= 'number' or dim < 1 or dim > nd + 1 then fail('cat: invalid dimension ' .. tostring(dim)) end
    local size = {}
    for k = 1, math.max(nd, dim) do size[k] = ts[1]:dim() >= k and ts[1]:size(k) or 1 end
    local total = 0
    for _, t in ipairs(ts) do
      for k = 1, #size do
        local s = t:dim() >= k and t:size(k) or 1
        if k ~= dim and s ~= size[k] then
          fail(string.format('cat: sizes %s and %s do not match outside dimension %d', shape(ts[1]), shape(t), dim))
        end
      end
      total = total + (t:dim() >= dim and t:size(dim) or 1)
    end
    size[dim] = total
    -- a result that is one of the inputs would be overwritten while read
    local given = r
    for _, t in ipairs(ts) do if t == r then r = empty(d); break end end
    r:resize(torch.LongStorage(size))
    local pos = 1
    for _, t in ipairs(ts) do
      local len = t:dim() >= dim and t:size(dim) or 1
      r:narrow(dim, pos, len):copy(t)
      pos = pos + len
    end
    if r ~= given then return given:resizeAs(r):copy(r) end
    return r
  end
end)

-- split([result,] x, size [,dim=1]) / chunk([result,] x, n [,dim=1]):
-- tables of narrowed views (the last may be smaller).
local function split_views(name, result, x, size, dim)
  local dd = dim0(name, x, dim, 1) + 1
  local n = x:size(dd)
  result = result or {}
  for k = #result, 1, -1 do result[k] = nil end
  local pos = 1
  while pos <= n do
    local len = math.min(size, n - pos + 1)
    result[#result + 1] = x:narrow(dd, pos, len)
    pos = pos + len
  end
  return result
end
def('split', ALL_DTYPES, function(d)
  local ct = ctypes[d]
  return function(a, b, c, e)
    local result, x, size, dim
    if type(a) == 'table' then result, x, size, dim = a, b, c, e else x, size, dim = a, b, c end
    if not (istype(ct, x) and num(size)) or size < 1 then L.bad_args('split', d, '[result,] tensor, size [, dim]', a, b, c, e) end
    return split_views('split', result, x, size, dim)
  end
end)
def('chunk', ALL_DTYPES, function(d)
  local ct = ctypes[d]
  return function(a, b, c, e)
    local result, x, n, dim
    if type(a) == 'table' then result, x, n, dim = a, b, c, e else x, n, dim = a, b, c end
    if not (istype(ct, x) and num(n)) or n < 1 then L.bad_args('chunk', d, '[result,] tensor, n [, dim]', a, b, c, e) end
    local dd = dim0('chunk', x, dim, 1) + 1
    return split_views('chunk', result, x, math.ceil(x:size(dd) / n), dd)
  end
end)
-- torch.split/chunk dispatch on the tensor, which may be argument 2
for _, name in ipairs({ 'split', 'chunk' }) do
  torch[name] = function(a, ...)
    local x = type(a) == 'table' and ... or a
    local d = L.dtype_of_tensor(x)
    if not d then fail(string.format('%s: expected a tensor, got %s', name, torch.type(x))) end
    return L.funcs[d][name](a, ...)
  end
end

-- repeatTensor([res,] x, sizes...): x tiled sizes[k] times along dim k.
def('repeatTensor', ALL_DTYPES, function(d)
  local ct = ctypes[d]
  return function(a, b, ...)
    local r, x, reps
    if istype(ct, b) then r, x, reps = a, b, { ... } else x, reps = a, { b, ... } end
    if type(reps[1]) == 'userdata' or (type(reps[1]) == 'cdata' and not num(reps[1])) then
      reps = reps[1]:totable()
    end
    if not istype(ct, x) or #reps == 0 then L.bad_args('repeatTensor', d, '[result,] tensor, sizes...', a, b, ...) end
    if #reps < x:dim() then
      fail(string.format('repeatTensor: %d repetitions for a %dD tensor; need at least as many as dims', #reps, x:dim()))
    end
    -- x viewed with leading singleton dims, then each tile copied
    local xs = {}
    for k = 1, #reps - x:dim() do xs[k] = 1 end
    for k = 1, x:dim() do xs[#xs + 1] = x:size(k) end
    local src = x:contiguous():view(torch.LongStorage(xs))
    local size, n = {}, 1
    for k = 1, #reps do
      if not num(reps[k]) or reps[k] < 0 or reps[k] ~= math.floor(reps[k]) then
        fail('repeatTensor: repetitions must be non-negative integers, got ' .. tostring(reps[k]))
      end
      size[k] = xs[k] * reps[k]
      n = n * size[k]
    end
    r = r or empty(d)
    r:resize(torch.LongStorage(size))
    if n == 0 then return r end
    -- tile along one dim at a time, doubling the filled part
    local filled = r
    for k = 1, #reps do filled = filled:narrow(k, 1, xs[k]) end
    filled:copy(src)
    for k = 1, #reps do
      local have = xs[k]
      local view = r
      for j = 1, k - 1 do view = view:narrow(j, 1, size[j]) end
      for j = k + 1, #reps do view = view:narrow(j, 1, xs[j]) end
      while have < size[k] do
        local n = math.min(have, size[k] - have)
        view:narrow(k, have + 1, n):copy(view:narrow(k, 1, n))
        have = have + n
      end
    end
    return r
  end
end)
