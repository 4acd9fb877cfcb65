-- torch/tensor.lua: the Tensor and Storage classes of every dtype.
--
-- A Lua tensor is a small FFI box `struct { tl_tensor *_c; }`, one ctype per
-- dtype so that each has its own class (torch.FloatTensor, ...). The box's
-- metatable looks methods up in the class's method table (the one returned
-- by torch.getmetatable('torch.FloatTensor')) and frees the C tensor when
-- the box is collected. All real work happens in the engine; this file
-- parses Torch7's argument forms and converts 1-based indices.

local ffi = require 'ffi'
local C = torch._C

local dtype_names = { [0] = 'Byte', 'Char', 'Short', 'Int', 'Long', 'Float', 'Double', 'Half' }
local ctypes = { [0] = 'uint8_t', 'int8_t', 'int16_t', 'int32_t', 'int64_t', 'float', 'double', 'uint16_t' }
local NDTYPE = 8
torch._dtype_names = dtype_names

local tensor_ct, storage_ct, ptr_ct = {}, {}, {}
local tensor_mt, storage_mt = {}, {}   -- dtype -> method table
torch._ptr_ct = ptr_ct
local dtype_of_name = {}               -- 'torch.FloatTensor' -> dtype
torch._mts, torch._storage_mts = tensor_mt, storage_mt

for d = 0, NDTYPE - 1 do
  local n = dtype_names[d]
  ffi.cdef(string.format([[
    typedef struct torch_%sTensor { tl_tensor *_c; } torch_%sTensor;
    typedef struct torch_%sStorage { tl_storage *_c; } torch_%sStorage;]], n, n, n, n))
  tensor_ct[d] = ffi.typeof('torch_' .. n .. 'Tensor')
  storage_ct[d] = ffi.typeof('torch_' .. n .. 'Storage')
  ptr_ct[d] = ffi.typeof(ctypes[d] .. '*')
  dtype_of_name['torch.' .. n .. 'Tensor'] = d
  dtype_of_name['torch.' .. n .. 'Storage'] = d
end

---------------------------------------------------------------------------
-- Errors and boxing

local function check(rc, level)
  if rc ~= 0 then error(ffi.string(C.tl_error_message()), (level or 1) + 1) end
end
torch._check = check

local function wrap(ptr)
  if ptr == nil then error(ffi.string(C.tl_error_message()), 2) end
  return tensor_ct[ptr.dtype](ptr)
end
torch._wrap = wrap

local function wrap_storage(ptr)
  if ptr == nil then error(ffi.string(C.tl_error_message()), 2) end
  return storage_ct[ptr.dtype](ptr)
end
torch._wrap_storage = wrap_storage

local function empty(dtype)
  return wrap(C.tl_tensor_new(dtype, 0))
end
torch._empty = empty

-- Which dtype a value is: tensor or storage box, or nil.
-- Keyed by ctype id, so the check is one table lookup, not 16 istype calls
-- (it runs on every argument check and operator).
local box_dtype, box_kind = {}, {}
for d = 0, NDTYPE - 1 do
  box_dtype[tonumber(tensor_ct[d])], box_kind[tonumber(tensor_ct[d])] = d, 'tensor'
  box_dtype[tonumber(storage_ct[d])], box_kind[tonumber(storage_ct[d])] = d, 'storage'
end

local function dtype_of(x)
  if type(x) ~= 'cdata' then return nil end
  local id = tonumber(ffi.typeof(x))
  return box_dtype[id], box_kind[id]
end
torch._dtype_of = dtype_of

function torch._cdata_typename(x)
  local d, kind = dtype_of(x)
  if d then return 'torch.' .. dtype_names[d] .. (kind == 'tensor' and 'Tensor' or 'Storage') end
end

local function is_tensor(x)
  local _, kind = dtype_of(x)
  return kind == 'tensor'
end
local function is_storage(x)
  local _, kind = dtype_of(x)
  return kind == 'storage'
end
torch._is_tensor, torch._is_storage = is_tensor, is_storage

---------------------------------------------------------------------------
-- Classes: method tables come from torch.newmetatable so tensors take part
-- in the class system (torch.type, isTypeOf, getmetatable, factory).

local default_dtype = 6

local function new_tensor_of(d, ...)
  return torch._mts[d].__construct(...)
end

for d = 0, NDTYPE - 1 do
  local n = dtype_names[d]
  tensor_mt[d] = torch.newmetatable('torch.' .. n .. 'Tensor', nil, function(...) return new_tensor_of(d, ...) end)
  storage_mt[d] = torch.newmetatable('torch.' .. n .. 'Storage', nil, function(...)
    return storage_mt[d].__construct(...)
  end)
  tensor_mt[d].__dtype = d
  storage_mt[d].__dtype = d
end

-- The ctype metatables: methods from the class table (looked up at call
-- time, so methods added later are found), element access for other keys,
-- and metamethods forwarded to the class table.
local function binop(name)
  return function(a, b)
    local x = (type(a) == 'cdata' and dtype_of(a)) and a or b
    local f = (is_tensor(x) and tensor_mt or storage_mt)[dtype_of(x)][name]
    if not f then error(string.format("attempt to perform '%s' on a %s", name, torch.type(x)), 2) end
    return f(a, b)
  end
end

for d = 0, NDTYPE - 1 do
  local M, S = tensor_mt[d], storage_mt[d]
  ffi.metatype(tensor_ct[d], {
    __index = function(self, k)
      local v = M[k]
      if v ~= nil then return v end
      return M.__index_element(self, k)
    end,
    __newindex = function(self, k, v) return M.__newindex_element(self, k, v) end,
    __gc = function(self) C.tl_tensor_free(self._c) end,
    __tostring = function(self) return M.__tostring(self) end,
    __len = function(self) return M.size(self) end,
    __add = binop('__add'), __sub = binop('__sub'), __mul = binop('__mul'),
    __div = binop('__div'), __mod = binop('__mod'),
    __unm = function(self) return M.__unm(self) end,
    -- no __eq/__lt/__le: LuaJIT would call them for `t == nil` too
    __call = function(self, ...) return M.__call(self, ...) end,
  })
  ffi.metatype(storage_ct[d], {
    __index = function(self, k)
      local v = S[k]
      if v ~= nil then return v end
      return S.__index_element(self, k)
    end,
    __newindex = function(self, k, v) return S.__newindex_element(self, k, v) end,
    __gc = function(self) C.tl_storage_free(self._c) end,
    __tostring = function(self) return S.__tostring(self) end,
    __len = function(self) return S.size(self) end,
  })
end

-- Identity of the underlying C object (tensors sharing a header compare
-- equal here even when they are different boxes).
local orig_pointer = torch.pointer
function torch.pointer(x)
  local _, kind = dtype_of(x)
  if kind then return tonumber(ffi.cast('intptr_t', x._c)) end
  return orig_pointer and orig_pointer(x)
end

---------------------------------------------------------------------------
-- Default type and dispatch

function torch.setdefaulttensortype(name)
  local d = dtype_of_name[name]
  if not d or not name:match('Tensor$') then
    error('setdefaulttensortype: ' .. tostring(name) .. ' is not a tensor type', 2)
  end
  default_dtype = d
  torch.Tensor = torch.getconstructortable(name)
  torch.Storage = torch.getconstructortable('torch.' .. dtype_names[d] .. 'Storage')
end

function torch.getdefaulttensortype()
  return 'torch.' .. dtype_names[default_dtype] .. 'Tensor'
end

function torch._default_dtype() return default_dtype end

-- Torch7's rule for torch.X(...): the type of argument 1 if it is a tensor,
-- else of argument 2, else of a table of tensors, else a trailing type
-- name, else the default type. Returns the method table.
function torch._dispatch(...)
  local n = select('#', ...)
  local a, b = ...
  local d = dtype_of(a) or dtype_of(b)
  if not d and type(a) == 'table' and dtype_of(a[1]) then d = dtype_of(a[1]) end
  if not d and n > 0 then
    local last = select(n, ...)
    if type(last) == 'string' and dtype_of_name[last] then d = dtype_of_name[last] end
  end
  return tensor_mt[d or default_dtype]
end

-- Install fn as method `name` on the given dtypes (default: all but Half).
function torch._register(name, fn, dtypes)
  if dtypes then
    for _, d in ipairs(dtypes) do tensor_mt[d][name] = fn end
  else
    for d = 0, NDTYPE - 2 do tensor_mt[d][name] = fn end
  end
end

torch._math_dtypes = { 0, 1, 2, 3, 4, 5, 6 }
torch._float_dtypes = { 5, 6 }

---------------------------------------------------------------------------
-- Size arguments: numbers, a LongStorage, or a table

local sizebuf = ffi.new('int64_t[16]')
local stridebuf = ffi.new('int64_t[16]')

local function fill_sizes(buf, fn, ...)
  local a = ...
  local n
  if is_storage(a) then n = a:size()
  elseif type(a) == 'table' then n = #a
  else n = select('#', ...) end
  if n > 16 then error(fn .. ': at most 16 dimensions are supported', 3) end
  if is_storage(a) then
    for i = 1, n do buf[i - 1] = a[i] end
  elseif type(a) == 'table' then
    for i = 1, n do
      if type(a[i]) ~= 'number' then error(string.format('%s: size %d must be a number', fn, i), 3) end
      buf[i - 1] = a[i]
    end
  else
    for i = 1, n do
      local v = select(i, ...)
      if type(v) ~= 'number' then
        error(string.format('%s: size %d must be a number, got %s', fn, i, torch.type(v)), 3)
      end
      buf[i - 1] = v
    end
  end
  return n
end
torch._fill_sizes = fill_sizes

local function size_args(fn, ...)
  local n = fill_sizes(sizebuf, fn, ...)
  return n, sizebuf
end

---------------------------------------------------------------------------
-- Constructors

local function build_from_table(d, tbl)
  -- infer the shape from the first element at each level
  local sizes, t = {}, tbl
  while type(t) == 'table' do
    sizes[#sizes + 1] = #t
    t = t[1]
  end
  local n = #sizes
  if n == 0 or sizes[1] == 0 then return empty(d) end
  for i = 1, n do sizebuf[i - 1] = sizes[i] end
  local res = wrap(C.tl_tensor_new_sized(d, 0, n, sizebuf))
  local flat, k = {}, 0
  local function walk(x, level)
    if level > n then
      if type(x) ~= 'number' then error('Tensor: table holds a ' .. type(x) .. ' where a number was expected', 4) end
      k = k + 1
      flat[k] = x
      return
    end
    if type(x) ~= 'table' or #x ~= sizes[level] then
      error(string.format('Tensor: inconsistent table: dimension %d should have %d elements', level, sizes[level]), 4)
    end
    for i = 1, #x do walk(x[i], level + 1) end
  end
  walk(tbl, 1)
  local p = ffi.cast(ptr_ct[d], C.tl_tensor_data(res._c))
  if d == 7 then
    for i = 1, k do p[i - 1] = C.tl_float_to_half(flat[i]) end
  else
    for i = 1, k do p[i - 1] = flat[i] end
  end
  return res
end

for d = 0, NDTYPE - 1 do
  tensor_mt[d].__construct = function(...)
    local nargs = select('#', ...)
    local a = ...
    if nargs == 0 then return empty(d) end
    if type(a) == 'number' then
      local n, buf = size_args('Tensor', ...)
      return wrap(C.tl_tensor_new_sized(d, 0, n, buf))
    end
    local ad, kind = dtype_of(a)
    if kind == 'tensor' then
      if ad ~= d then
        error(string.format('torch.%sTensor: expected a torch.%sTensor to share, got %s', dtype_names[d], dtype_names[d], torch.type(a)), 2)
      end
      return wrap(C.tl_tensor_new_alias(a._c))
    end
    if kind == 'storage' and ad == d then
      -- Tensor(storage [, offset, sizes [, strides]]) or (storage, offset, sz1, st1, ...)
      local offset = select(2, ...) or 1
      local sz = select(3, ...)
      local n, strides = 0, nil
      if sz == nil then
        n = 1
        sizebuf[0] = a:size() - (offset - 1)
      elseif is_storage(sz) or type(sz) == 'table' then
        n = fill_sizes(sizebuf, 'Tensor', sz)
        local st = select(4, ...)
        if st then
          fill_sizes(stridebuf, 'Tensor', st)
          strides = stridebuf
        end
      else
        local k = 3
        while k <= nargs do
          local s, st = select(k, ...)
          if s == nil then break end
          sizebuf[n] = s
          stridebuf[n] = st or -1
          n = n + 1
          k = k + 2
        end
        -- a missing or negative stride means contiguous, as in Torch7
        local any = false
        for i = 0, n - 1 do if stridebuf[i] >= 0 then any = true end end
        if any then
          local st = 1
          for i = n - 1, 0, -1 do
            if stridebuf[i] < 0 then stridebuf[i] = st end
            st = tonumber(stridebuf[i] * sizebuf[i])
          end
          strides = stridebuf
        end
      end
      local ptr = C.tl_tensor_new_view(a._c, offset - 1, n, sizebuf, strides)
      if ptr == nil then error('Tensor: ' .. ffi.string(C.tl_error_message()):gsub('^set: ', ''), 2) end
      return wrap(ptr)
    end
    if kind == 'storage' then
      -- Tensor(LongStorage sizes [, LongStorage strides])
      if ad ~= 4 then error('Tensor: sizes must be a torch.LongStorage, got ' .. torch.type(a), 2) end
      local n = fill_sizes(sizebuf, 'Tensor', a)
      local st = select(2, ...)
      local res = wrap(C.tl_tensor_new_sized(d, 0, n, sizebuf))
      if st then
        fill_sizes(stridebuf, 'Tensor', st)
        -- allocate a storage large enough for the strided layout
        local need = 1
        for i = 0, n - 1 do need = need + (tonumber(sizebuf[i]) - 1) * tonumber(stridebuf[i]) end
        local s = wrap_storage(C.tl_storage_new(d, 0, need))
        check(C.tl_tensor_set_storage(res._c, s._c, 0, n, sizebuf, stridebuf), 2)
      end
      return res
    end
    if type(a) == 'table' then return build_from_table(d, a) end
    error(string.format('torch.%sTensor: invalid arguments: %s', dtype_names[d], torch.type(a)), 2)
  end
end

---------------------------------------------------------------------------
-- Methods common to every dtype (Half included: storage and views only)

local M = {}

function M.size(self, dim)
  local t = self._c
  if dim then
    if type(dim) ~= 'number' then error('size: dimension must be a number', 2) end
    if dim < 1 or dim > t.ndim then
      error(string.format('size: dimension %d out of range of %dD tensor', dim, t.ndim), 2)
    end
    return tonumber(t.size[dim - 1])
  end
  local s = torch.LongStorage(t.ndim)
  for i = 0, t.ndim - 1 do s[i + 1] = tonumber(t.size[i]) end
  return s
end

function M.stride(self, dim)
  local t = self._c
  if dim then
    if dim < 1 or dim > t.ndim then
      error(string.format('stride: dimension %d out of range of %dD tensor', dim, t.ndim), 2)
    end
    return tonumber(t.stride[dim - 1])
  end
  local s = torch.LongStorage(t.ndim)
  for i = 0, t.ndim - 1 do s[i + 1] = tonumber(t.stride[i]) end
  return s
end

function M.dim(self) return self._c.ndim end
M.nDimension = M.dim
function M.nElement(self) return tonumber(C.tl_tensor_numel(self._c)) end
M.numel = M.nElement
function M.elementSize(self) return C.tl_dtype_get(self._c.dtype).size end
function M.storageOffset(self) return tonumber(self._c.offset) + 1 end
function M.isContiguous(self) return C.tl_tensor_is_contiguous(self._c) == 1 end
function M.retain(self) C.tl_tensor_retain(self._c) end
function M.free(self) C.tl_tensor_free(self._c) end

function M.storage(self)
  local s = self._c.storage
  if s == nil then return nil end
  C.tl_storage_retain(s)
  return wrap_storage(s)
end

function M.data(self)
  local d = self._c.dtype
  return ffi.cast(ptr_ct[d], C.tl_tensor_data(self._c))
end
function M.cdata(self) return self._c end

local function check_tensor(fn, x, i)
  if not is_tensor(x) then
    error(string.format('%s: argument %d must be a tensor, got %s', fn, i, torch.type(x)), 3)
  end
end

function M.isSameSizeAs(self, other)
  check_tensor('isSameSizeAs', other, 1)
  return C.tl_tensor_same_size(self._c, other._c) == 1
end

function M.isSetTo(self, other)
  check_tensor('isSetTo', other, 1)
  local a, b = self._c, other._c
  if a.storage == nil or a.storage ~= b.storage or a.offset ~= b.offset or a.ndim ~= b.ndim then
    return false
  end
  for i = 0, a.ndim - 1 do
    if a.size[i] ~= b.size[i] or a.stride[i] ~= b.stride[i] then return false end
  end
  return a.ndim > 0
end

function M.isSize(self, sizes)
  local t = self._c
  local n = fill_sizes(sizebuf, 'isSize', sizes)
  if n ~= t.ndim then return false end
  for i = 0, n - 1 do if sizebuf[i] ~= t.size[i] then return false end end
  return true
end

function M.resize(self, ...)
  local n, buf = size_args('resize', ...)
  check(C.tl_tensor_resize(self._c, n, buf), 2)
  return self
end

function M.resizeAs(self, other)
  check_tensor('resizeAs', other, 1)
  check(C.tl_tensor_resize_as(self._c, other._c), 2)
  return self
end

function M.set(self, a, offset, sizes, strides)
  if a == nil then
    check(C.tl_tensor_set_storage(self._c, nil, 0, 0, sizebuf, nil), 2)
  elseif is_tensor(a) then
    check(C.tl_tensor_set(self._c, a._c), 2)
  elseif is_storage(a) then
    offset = offset or 1
    local n
    if sizes == nil then
      n = 1
      sizebuf[0] = a:size() - (offset - 1)
    else
      n = fill_sizes(sizebuf, 'set', sizes)
    end
    local st = nil
    if strides then fill_sizes(stridebuf, 'set', strides); st = stridebuf end
    check(C.tl_tensor_set_storage(self._c, a._c, offset - 1, n, sizebuf, st), 2)
  else
    error('set: expected a tensor or a storage, got ' .. torch.type(a), 2)
  end
  return self
end

function M.clone(self) return wrap(C.tl_tensor_clone(self._c)) end

function M.contiguous(self)
  if C.tl_tensor_is_contiguous(self._c) == 1 then return self end
  return wrap(C.tl_tensor_clone(self._c))
end

-- Views: alias the header, then reshape the alias in place.
local function alias(self) return wrap(C.tl_tensor_new_alias(self._c)) end
torch._alias = alias

local function argnum(fn, v, what)
  if type(v) ~= 'number' then
    error(string.format('%s: %s must be a number, got %s', fn, what, torch.type(v)), 3)
  end
  return v
end

function M.narrow(self, dim, start, length)
  argnum('narrow', dim, 'dimension'); argnum('narrow', start, 'start'); argnum('narrow', length, 'size')
  local r = alias(self)
  check(C.tl_tensor_narrow(r._c, dim - 1, start - 1, length), 2)
  return r
end

function M.sub(self, ...)
  local r = alias(self)
  local n = select('#', ...)
  if n % 2 == 1 then error('sub: expected pairs of (start, end) indices', 2) end
  for i = 1, n / 2 do
    local d = i - 1
    if d >= r._c.ndim then error('sub: more ranges than dimensions', 2) end
    local sz = tonumber(r._c.size[d])
    local s, e = select(2 * i - 1, ...)
    argnum('sub', s, 'start'); argnum('sub', e, 'end')
    if s < 0 then s = sz + s + 1 end
    if e < 0 then e = sz + e + 1 end
    if s < 1 or e > sz or e < s then
      error(string.format('sub: range [%d, %d] out of bounds for dimension %d of size %d', s, e, d + 1, sz), 2)
    end
    check(C.tl_tensor_narrow(r._c, d, s - 1, e - s + 1), 2)
  end
  return r
end

function M.select(self, dim, index)
  argnum('select', dim, 'dimension'); argnum('select', index, 'index')
  local r = alias(self)
  if index < 0 and dim >= 1 and dim <= r._c.ndim then index = tonumber(r._c.size[dim - 1]) + index + 1 end
  check(C.tl_tensor_select(r._c, dim - 1, index - 1), 2)
  return r
end

function M.transpose(self, d1, d2)
  argnum('transpose', d1, 'dimension 1'); argnum('transpose', d2, 'dimension 2')
  local r = alias(self)
  check(C.tl_tensor_transpose(r._c, d1 - 1, d2 - 1), 2)
  return r
end

function M.t(self)
  if self._c.ndim ~= 2 then error('t: expected a 2D tensor, got ' .. self._c.ndim .. 'D', 2) end
  return M.transpose(self, 1, 2)
end

local permbuf = ffi.new('int32_t[16]')
function M.permute(self, ...)
  local n = select('#', ...)
  if n ~= self._c.ndim then
    error(string.format('permute: expected %d dimensions, got %d', self._c.ndim, n), 2)
  end
  for i = 1, n do permbuf[i - 1] = argnum('permute', select(i, ...), 'dimension') - 1 end
  local r = alias(self)
  check(C.tl_tensor_permute(r._c, permbuf), 2)
  return r
end

function M.unfold(self, dim, size, step)
  argnum('unfold', dim, 'dimension'); argnum('unfold', size, 'size'); argnum('unfold', step, 'step')
  local r = alias(self)
  check(C.tl_tensor_unfold(r._c, dim - 1, size, step), 2)
  return r
end

-- view/viewAs/expand/expandAs come in two forms, as in Torch7:
--   x:view(sizes...)          a new view of x
--   res:view(src, sizes...)   res becomes a view of src (nn.Reshape uses it)
local function result_form(fn, self, a, ...)
  if is_tensor(a) and select('#', ...) > 0 then
    check(C.tl_tensor_set(self._c, a._c), 3)
    return self, ...
  end
  return alias(self), a, ...
end

local function shape_of(fn, ...)
  local a = ...
  if is_tensor(a) then return a._c.ndim, a._c.size end
  return size_args(fn, ...)
end

function M.view(self, ...)
  local r = result_form('view', self, ...)
  local n, buf = shape_of('view', select(r == self and 2 or 1, ...))
  check(C.tl_tensor_view(r._c, n, buf), 2)
  return r
end

function M.viewAs(self, a, b)
  local template = b or a
  check_tensor('viewAs', template, b and 2 or 1)
  local r = b and select(1, result_form('viewAs', self, a, b)) or alias(self)
  check(C.tl_tensor_view(r._c, template._c.ndim, template._c.size), 2)
  return r
end

function M.expand(self, ...)
  local r = result_form('expand', self, ...)
  local n, buf = shape_of('expand', select(r == self and 2 or 1, ...))
  check(C.tl_tensor_expand(r._c, n, buf), 2)
  return r
end

function M.expandAs(self, a, b)
  local template = b or a
  check_tensor('expandAs', template, b and 2 or 1)
  local r = b and select(1, result_form('expandAs', self, a, b)) or alias(self)
  check(C.tl_tensor_expand(r._c, template._c.ndim, template._c.size), 2)
  return r
end

function M.squeeze(self, dim)
  if dim ~= nil then argnum('squeeze', dim, 'dimension') end
  local r = alias(self)
  check(C.tl_tensor_squeeze(r._c, dim and dim - 1 or -1), 2)
  return r
end

function M.unsqueeze(self, dim)
  argnum('unsqueeze', dim, 'dimension')
  local r = alias(self)
  check(C.tl_tensor_unsqueeze(r._c, dim - 1), 2)
  return r
end

-- reshape copies (Torch7: torch.reshape([res,] x, sizes...)).
function M.reshape(self, ...)
  local a = ...
  if is_tensor(a) then
    -- torch.reshape(res, x, sizes...) in method form: self is res
    local src = a
    local n, buf = size_args('reshape', select(2, ...))
    check(C.tl_tensor_resize(self._c, n, buf), 2)
    check(C.tl_tensor_copy(self._c, src._c), 2)
    return self
  end
  local n, buf = size_args('reshape', ...)
  local count = n > 0 and 1 or 0
  for i = 0, n - 1 do count = count * tonumber(buf[i]) end
  if count ~= self:nElement() then
    error(string.format('reshape: cannot reshape %d elements into a shape of %d', self:nElement(), count), 2)
  end
  local r = wrap(C.tl_tensor_new_sized(self._c.dtype, 0, n, buf))
  check(C.tl_tensor_copy(r._c, self._c), 2)
  return r
end

function M.copy(self, src)
  if is_tensor(src) then
    check(C.tl_tensor_copy(self._c, src._c), 2)
  else
    error('copy: expected a tensor, got ' .. torch.type(src), 2)
  end
  return self
end

function M.fill(self, v)
  argnum('fill', v, 'value')
  check(C.tl_tensor_fill(self._c, v), 2)
  return self
end

function M.zero(self) return M.fill(self, 0) end

-- type conversions
function M.type(self, name)
  if name == nil then return torch.typename(self) end
  local d = dtype_of_name[name]
  if not d or not name:match('Tensor$') then
    if torch.getmetatable(name) and torch.getmetatable(name).__dtype_convert then
      return torch.getmetatable(name).__dtype_convert(self)
    end
    error('type: unknown tensor type ' .. tostring(name), 2)
  end
  if d == self._c.dtype then return self end
  local r = wrap(C.tl_tensor_new_sized(d, 0, self._c.ndim, self._c.size))
  check(C.tl_tensor_copy(r._c, self._c), 2)
  return r
end

function M.typeAs(self, other)
  if not is_tensor(other) then error('typeAs: argument 1 must be a tensor, got ' .. torch.type(other), 2) end
  return M.type(self, torch.typename(other))
end
for d = 0, NDTYPE - 1 do
  local n = dtype_names[d]
  M[n:lower()] = function(self) return M.type(self, 'torch.' .. n .. 'Tensor') end
end
-- Torch7: real() converts to the default tensor type.
function M.real(self) return M.type(self, torch.getdefaulttensortype()) end

-- Element loops in Lua for apply/map/map2 (Torch7 semantics: the function's
-- non-nil return value is written back).
local function elements(self)
  local t = self._c
  local n = tonumber(C.tl_tensor_numel(t))
  local p = ffi.cast(ptr_ct[t.dtype], t.storage ~= nil and t.storage.data or nil)
  local nd = t.ndim
  local size, stride = {}, {}
  for i = 1, nd do size[i] = tonumber(t.size[i - 1]); stride[i] = tonumber(t.stride[i - 1]) end
  return n, p, nd, size, stride, tonumber(t.offset)
end

-- Calls f(offset) for every element in row-major order.
local function each_offset(self, f)
  local n, p, nd, size, stride, off = elements(self)
  if n == 0 then return p end
  local idx = {}
  for i = 1, nd do idx[i] = 0 end
  for _ = 1, n do
    f(p, off)
    local d = nd
    idx[d] = idx[d] + 1
    off = off + stride[d]
    while idx[d] == size[d] and d > 1 do
      off = off - size[d] * stride[d]
      idx[d] = 0
      d = d - 1
      idx[d] = idx[d] + 1
      off = off + stride[d]
    end
  end
  return p
end
torch._each_offset = each_offset

local function getter(d)
  if d == 4 then return function(p, o) return tonumber(p[o]) end end
  if d == 7 then return function(p, o) return C.tl_half_to_float(p[o]) end end
  return function(p, o) return p[o] end
end
local function setter(d)
  if d == 7 then return function(p, o, v) p[o] = C.tl_float_to_half(v) end end
  return function(p, o, v) p[o] = v end
end
torch._getter, torch._setter = getter, setter

function M.apply(self, f)
  local get, set = getter(self._c.dtype), setter(self._c.dtype)
  each_offset(self, function(p, o)
    local v = f(get(p, o))
    if v ~= nil then set(p, o, v) end
  end)
  return self
end

function M.map(self, other, f)
  check_tensor('map', other, 1)
  if self:nElement() ~= other:nElement() then error('map: tensors have different numbers of elements', 2) end
  local src = other:contiguous()
  local sp, sget = src:data(), getter(src._c.dtype)
  local get, set = getter(self._c.dtype), setter(self._c.dtype)
  local i = 0
  each_offset(self, function(p, o)
    local v = f(get(p, o), sget(sp, i))
    i = i + 1
    if v ~= nil then set(p, o, v) end
  end)
  return self
end

function M.map2(self, t1, t2, f)
  check_tensor('map2', t1, 1); check_tensor('map2', t2, 2)
  if self:nElement() ~= t1:nElement() or self:nElement() ~= t2:nElement() then
    error('map2: tensors have different numbers of elements', 2)
  end
  local a, b = t1:contiguous(), t2:contiguous()
  local ap, bp, aget, bget = a:data(), b:data(), getter(a._c.dtype), getter(b._c.dtype)
  local get, set = getter(self._c.dtype), setter(self._c.dtype)
  local i = 0
  each_offset(self, function(p, o)
    local v = f(get(p, o), aget(ap, i), bget(bp, i))
    i = i + 1
    if v ~= nil then set(p, o, v) end
  end)
  return self
end

function M.totable(self)
  local t = self._c
  if t.ndim == 0 then return {} end
  local get = getter(t.dtype)
  -- a tensor with a zero-sized dimension may have no storage at all
  local p = t.storage ~= nil and ffi.cast(ptr_ct[t.dtype], t.storage.data) or nil
  local function build(d, off)
    local res = {}
    local st = tonumber(t.stride[d])
    for i = 1, tonumber(t.size[d]) do
      if d == t.ndim - 1 then
        res[i] = get(p, off)
      else
        res[i] = build(d + 1, off)
      end
      off = off + st
    end
    return res
  end
  return build(0, tonumber(t.offset))
end

-- Torch7 has no apply/map/map2 on HalfTensor (no math on Half).
local not_on_half = { apply = true, map = true, map2 = true }
for d = 0, NDTYPE - 1 do
  for k, f in pairs(M) do
    if d ~= 7 or not not_on_half[k] then tensor_mt[d][k] = f end
  end
end
torch._tensor_common = M

-- torch.X forms of view functions that Torch7 exposes
for _, name in ipairs({ 'expand', 'expandAs', 'view', 'viewAs', 'totable', 'permute', 'squeeze' }) do
  torch[name] = function(x, ...)
    check_tensor(name, x, 1)
    return x[name](x, ...)
  end
end
function torch.reshape(a, b, ...)
  if is_tensor(b) then return a:reshape(b, ...) end
  return a:reshape(b, ...)
end
function torch.typename_of_dtype(d) return 'torch.' .. dtype_names[d] .. 'Tensor' end

---------------------------------------------------------------------------
-- Storages

local S = {}

local function storage_check_index(self, i, fn)
  if type(i) ~= 'number' then error(fn .. ': index must be a number, got ' .. torch.type(i), 3) end
  local n = tonumber(self._c.size)
  if i < 1 or i > n or i ~= math.floor(i) then
    error(string.format('%s: index %s out of range [1, %d]', fn, tostring(i), n), 3)
  end
end

function S.size(self) return tonumber(self._c.size) end
function S.elementSize(self) return C.tl_dtype_get(self._c.dtype).size end
function S.data(self) return ffi.cast(ptr_ct[self._c.dtype], self._c.data) end
function S.cdata(self) return self._c end
function S.retain(self) C.tl_storage_retain(self._c) end
function S.free(self) C.tl_storage_free(self._c) end
function S.resize(self, n)
  argnum('resize', n, 'size')
  check(C.tl_storage_resize(self._c, n), 2)
  return self
end
function S.fill(self, v)
  argnum('fill', v, 'value')
  check(C.tl_storage_fill(self._c, v), 2)
  return self
end
function S.copy(self, src)
  if is_storage(src) then
    check(C.tl_storage_copy(self._c, src._c), 2)
  elseif type(src) == 'table' then
    if #src ~= self:size() then error('copy: sizes do not match', 2) end
    for i = 1, #src do self[i] = src[i] end
  else
    error('copy: expected a storage, got ' .. torch.type(src), 2)
  end
  return self
end
function S.totable(self)
  local r, get, p = {}, getter(self._c.dtype), S.data(self)
  for i = 1, self:size() do r[i] = get(p, i - 1) end
  return r
end

function S.__index_element(self, i)
  if type(i) ~= 'number' then return nil end
  storage_check_index(self, i, 'Storage.__index')
  return getter(self._c.dtype)(S.data(self), i - 1)
end

function S.__newindex_element(self, i, v)
  if type(i) ~= 'number' then error('Storage: cannot set field ' .. tostring(i), 2) end
  storage_check_index(self, i, 'Storage.__newindex')
  if type(v) ~= 'number' then error('Storage: value must be a number, got ' .. torch.type(v), 2) end
  setter(self._c.dtype)(S.data(self), i - 1, v)
end

-- string() on Char and Byte storages
local function S_string(self, str)
  if str == nil then return ffi.string(self._c.data, self._c.size) end
  check(C.tl_storage_resize(self._c, #str), 2)
  ffi.copy(self._c.data, str, #str)
  return self
end

-- Storage(parent, offset, size) views keep the parent alive.
local keep_alive = setmetatable({}, { __mode = 'k' })

for d = 0, NDTYPE - 1 do
  for k, f in pairs(S) do storage_mt[d][k] = f end
  if d <= 1 then storage_mt[d].string = S_string end
  storage_mt[d].__construct = function(a, b, c, e)
    if a == nil then return wrap_storage(C.tl_storage_new(d, 0, 0)) end
    if type(a) == 'number' then
      if b ~= nil then
        -- Storage(size, pointer): wrap memory the caller keeps alive
        return wrap_storage(C.tl_storage_wrap(d, ffi.cast('void*', b), a))
      end
      return wrap_storage(C.tl_storage_new(d, 0, a))
    end
    if type(a) == 'table' then
      local s = wrap_storage(C.tl_storage_new(d, 0, #a))
      local set, p = setter(d), S.data(s)
      for i = 1, #a do
        if type(a[i]) ~= 'number' then error('Storage: table element ' .. i .. ' is not a number', 2) end
        set(p, i - 1, a[i])
      end
      return s
    end
    if type(a) == 'string' then
      -- Storage(filename [, shared [, size]]): memory-mapped file
      return wrap_storage(C.tl_storage_mmap(d, a, b and 1 or 0, c or 0))
    end
    local ad, kind = dtype_of(a)
    if kind == 'storage' then
      if ad ~= d then error('Storage: view of a storage of another type', 2) end
      local off = (b or 1) - 1
      local n = c or (a:size() - off)
      if off < 0 or n < 0 or off + n > a:size() then
        error(string.format('Storage: view [%d, %d] out of range of a storage of size %d', off + 1, off + n, a:size()), 2)
      end
      local s = wrap_storage(C.tl_storage_wrap(d, ffi.cast('char*', a._c.data) + off * S.elementSize(a), n))
      keep_alive[s] = a
      return s
    end
    error('Storage: invalid arguments: ' .. torch.type(a), 2)
  end
end

---------------------------------------------------------------------------
-- Public constructor tables: torch.FloatTensor, torch.LongStorage, ...

for d = 0, NDTYPE - 1 do
  local n = dtype_names[d]
  torch[n .. 'Tensor'] = torch.getconstructortable('torch.' .. n .. 'Tensor')
  torch[n .. 'Storage'] = torch.getconstructortable('torch.' .. n .. 'Storage')
end
torch.setdefaulttensortype('torch.DoubleTensor')

function torch.isTensor(x) return is_tensor(x) end
function torch.isStorage(x) return is_storage(x) end
-- Torch7 quirk: isTensor is a method only of the default type at load.
tensor_mt[6].isTensor = function(x) return is_tensor(x) end

require 'torch.index'

-- torch.pushudata(pointer, typename): a new box for an existing C tensor or
-- storage (retained, so both owners may free it).
function torch.pushudata(ptr, name)
  local d = dtype_of_name[name]
  if not d then error('pushudata: unknown type ' .. tostring(name), 2) end
  if name:match('Tensor$') then
    local p = ffi.cast('tl_tensor*', ptr)
    C.tl_tensor_retain(p)
    return tensor_ct[d](p)
  end
  local p = ffi.cast('tl_storage*', ptr)
  C.tl_storage_retain(p)
  return storage_ct[d](p)
end
