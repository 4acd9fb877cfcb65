-- torch/tensor.lua: the Tensor and Storage classes of every dtype: the
-- FFI boxes, the class tables, dispatch on the default type, and the
-- helpers the class's other files share.
--
-- A Lua tensor is a small FFI box `struct { tl_tensor *_c; }`, one ctype per
-- dtype so that each has its own class (torch.FloatTensor, ...). The box's
-- metatable looks methods up in the class's method table (the one returned
-- by torch.getmetatable('torch.FloatTensor')) and frees the C tensor when
-- the box is collected. All real work happens in the engine; the Lua side
-- parses Torch7's argument forms and converts 1-based indices.
--
-- The methods live by family in files next to this one, loaded below:
--   tensor_construct.lua  torch.FloatTensor(...) and the other constructor forms
--   tensor_shape.lua      size, stride, storage, resize, set, clone, reshape
--   tensor_views.lua      narrow, select, transpose, view, expand, ...
--   tensor_convert.lua    type, typeAs, float() and friends, totable
--   tensor_elements.lua   copy, fill, zero, apply, map, map2
--   storage.lua           the Storage classes
-- They reach this file's helpers through torch._tensor_internals.

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
-- Argument checks, aliases and element access shared by the methods

local function check_tensor(fn, x, i)
  if not is_tensor(x) then
    error(string.format('%s: argument %d must be a tensor, got %s', fn, i, torch.type(x)), 3)
  end
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

-- Reading and writing one element of a dtype at a pointer and offset
-- (Long as a Lua number, Half through float). Made once per dtype: a
-- closure created per call would stop LuaJIT compiling the caller.
local getters, setters = {}, {}
for d = 0, NDTYPE - 1 do
  if d == 4 then getters[d] = function(p, o) return tonumber(p[o]) end
  elseif d == 7 then getters[d] = function(p, o) return C.tl_half_to_float(p[o]) end
  else getters[d] = function(p, o) return p[o] end end
  if d == 7 then setters[d] = function(p, o, v) p[o] = C.tl_float_to_half(v) end
  else setters[d] = function(p, o, v) p[o] = v end end
end
local function getter(d) return getters[d] end
local function setter(d) return setters[d] end
torch._getter, torch._setter = getter, setter

---------------------------------------------------------------------------
-- The methods, by family. Those in `M` are common to every dtype (Half
-- included: storage and views only) and are installed on each class below.

local M = {}

torch._tensor_internals = {
  NDTYPE = NDTYPE, dtype_names = dtype_names, dtype_of_name = dtype_of_name, ptr_ct = ptr_ct,
  tensor_mt = tensor_mt, storage_mt = storage_mt, methods = M,
  check = check, wrap = wrap, wrap_storage = wrap_storage, empty = empty,
  dtype_of = dtype_of, is_tensor = is_tensor, is_storage = is_storage,
  sizebuf = sizebuf, stridebuf = stridebuf, fill_sizes = fill_sizes, size_args = size_args,
  check_tensor = check_tensor, argnum = argnum, alias = alias,
  getter = getter, setter = setter,
}

require 'torch.tensor_construct'
require 'torch.tensor_shape'
require 'torch.tensor_views'
require 'torch.tensor_convert'
require 'torch.tensor_elements'
require 'torch.storage'

-- Torch7 has no apply/map/map2 on HalfTensor (no math on Half).
local not_on_half = { apply = true, map = true, map2 = true }
for d = 0, NDTYPE - 1 do
  for k, f in pairs(M) do
    if d ~= 7 or not not_on_half[k] then tensor_mt[d][k] = f end
  end
end
torch._tensor_common = M

function torch.typename_of_dtype(d) return 'torch.' .. dtype_names[d] .. 'Tensor' end

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
