-- torch/index.lua: t[...] and t[...] = v with Torch7's rules (API.md 1.1.3):
-- numbers (negative counts from the end), {i, {a,b}, {}} tables mixing
-- select and narrow, a LongStorage indexing one element, a ByteTensor mask.

local ffi = require 'ffi'
local C = torch._C
local check = torch._check

local idxbuf = ffi.new('int64_t[16]')

local function norm(i, size, fn)
  if i < 0 then i = size + i + 1 end
  if i < 1 or i > size or i ~= math.floor(i) then
    error(string.format('%s: index %s out of range [1, %d]', fn, tostring(i), size), 4)
  end
  return i
end

-- Offset of a fully indexed element; idx is a table or a LongStorage of
-- n numbers (indexed, not wrapped in a closure: a closure would stop
-- LuaJIT compiling every t[i] in the caller's loop).
local function element_offset(t, idx, n, fn)
  if n ~= t.ndim then
    error(string.format('%s: %d indices for a %dD tensor', fn, n, t.ndim), 4)
  end
  local off = tonumber(t.offset)
  for d = 0, n - 1 do
    local i = norm(idx[d + 1], tonumber(t.size[d]), fn)
    off = off + (i - 1) * tonumber(t.stride[d])
  end
  return off
end

-- Build the view described by a table index; returns the view, or nil and
-- the element offset when every entry is a number.
local function table_view(self, idx, fn)
  local t = self._c
  local all_numbers = #idx == t.ndim
  for i = 1, #idx do
    if type(idx[i]) ~= 'number' then all_numbers = false end
  end
  if all_numbers and t.ndim > 0 then
    return nil, element_offset(t, idx, #idx, fn)
  end
  if #idx > t.ndim then
    error(string.format('%s: %d indices for a %dD tensor', fn, #idx, t.ndim), 3)
  end
  local r = torch._alias(self)
  local d = 0
  for i = 1, #idx do
    local e = idx[i]
    local size = tonumber(r._c.size[d])
    if type(e) == 'number' then
      e = norm(e, size, fn)
      if r._c.ndim == 1 then
        -- selecting the last dim of a 1D view leaves a 1-element narrow
        check(C.tl_tensor_narrow(r._c, d, e - 1, 1), 3)
        d = d + 1
      else
        check(C.tl_tensor_select(r._c, d, e - 1), 3)
      end
    elseif type(e) == 'table' then
      local a, b = e[1], e[2] or e[1]
      if a == nil then
        a, b = 1, size
      end
      if a < 0 then a = size + a + 1 end
      if b < 0 then b = size + b + 1 end
      if a < 1 or b > size or b < a - 1 then
        error(string.format('%s: range {%d, %d} out of bounds for dimension %d of size %d', fn, e[1], e[2] or e[1], d + 1, size), 3)
      end
      check(C.tl_tensor_narrow(r._c, d, a - 1, b - a + 1), 3)
      d = d + 1
    else
      error(string.format('%s: index %d must be a number or a table, got %s', fn, i, torch.type(e)), 3)
    end
  end
  return r
end

local function is_mask(k)
  return torch._is_tensor(k) and k._c.dtype == 0
end

for d = 0, 7 do
  local M = torch._mts[d]
  local get, set = torch._getter(d), torch._setter(d)
  local ptr_ct = torch._ptr_ct[d]

  M.__index_element = function(self, k)
    local t = self._c
    local kt = type(k)
    if kt == 'number' then
      if t.ndim == 1 then
        local i = norm(k, tonumber(t.size[0]), '__index')
        return get(ffi.cast(ptr_ct, t.storage.data), tonumber(t.offset) + (i - 1) * tonumber(t.stride[0]))
      end
      if t.ndim == 0 then error('__index: cannot index an empty tensor', 2) end
      return M.select(self, 1, k)
    elseif kt == 'table' then
      local r, off = table_view(self, k, '__index')
      if r then return r end
      return get(ffi.cast(ptr_ct, t.storage.data), off)
    elseif kt == 'cdata' then
      if torch._is_storage(k) and k._c.dtype == 4 then
        local off = element_offset(t, k, k:size(), '__index')
        return get(ffi.cast(ptr_ct, t.storage.data), off)
      elseif is_mask(k) then
        return M.maskedSelect(self, k)
      end
      error('__index: invalid index of type ' .. torch.type(k), 2)
    end
    return nil
  end

  M.__newindex_element = function(self, k, v)
    local t = self._c
    local kt = type(k)
    local target
    if kt == 'number' then
      if t.ndim == 1 then
        local i = norm(k, tonumber(t.size[0]), '__newindex')
        if type(v) ~= 'number' then error('__newindex: value must be a number, got ' .. torch.type(v), 2) end
        set(ffi.cast(ptr_ct, t.storage.data), tonumber(t.offset) + (i - 1) * tonumber(t.stride[0]), v)
        return
      end
      if t.ndim == 0 then error('__newindex: cannot index an empty tensor', 2) end
      target = M.select(self, 1, k)
    elseif kt == 'table' then
      local r, off = table_view(self, k, '__newindex')
      if not r then
        if type(v) ~= 'number' then error('__newindex: value must be a number, got ' .. torch.type(v), 2) end
        set(ffi.cast(ptr_ct, t.storage.data), off, v)
        return
      end
      target = r
    elseif kt == 'cdata' and torch._is_storage(k) and k._c.dtype == 4 then
      local off = element_offset(t, k, k:size(), '__newindex')
      set(ffi.cast(ptr_ct, t.storage.data), off, v)
      return
    elseif is_mask(k) then
      if type(v) == 'number' then return M.maskedFill(self, k, v) end
      return M.maskedCopy(self, k, v)
    else
      error('__newindex: cannot set field ' .. tostring(k) .. ' of a tensor', 2)
    end
    if type(v) == 'number' then
      M.fill(target, v)
    elseif torch._is_tensor(v) then
      M.copy(target, v)
    else
      error('__newindex: value must be a number or a tensor, got ' .. torch.type(v), 2)
    end
  end
end

-- The masked family (Torch7 methods on all non-Half types).
local function mask_arg(fn, m)
  if not (torch._is_tensor(m) and m._c.dtype == 0) then
    error(fn .. ': mask must be a torch.ByteTensor, got ' .. torch.type(m), 3)
  end
end

torch._register('maskedFill', function(self, mask, v)
  mask_arg('maskedFill', mask)
  check(C.tl_masked_fill(self._c, mask._c, v), 2)
  return self
end)
torch._register('maskedCopy', function(self, mask, src)
  mask_arg('maskedCopy', mask)
  if not torch._is_tensor(src) then error('maskedCopy: source must be a tensor', 2) end
  check(C.tl_masked_copy(self._c, mask._c, src._c), 2)
  return self
end)
torch._register('maskedSelect', function(self, a, b)
  -- x:maskedSelect(mask) or res:maskedSelect(x, mask)
  local res, src, mask = nil, self, a
  if b ~= nil then res, src, mask = self, a, b end
  mask_arg('maskedSelect', mask)
  res = res or torch._empty(src._c.dtype)
  check(C.tl_masked_select(res._c, src._c, mask._c), 2)
  return res
end)
