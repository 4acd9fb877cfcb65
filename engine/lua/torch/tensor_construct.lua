-- torch/tensor_construct.lua: the constructor forms of the tensor classes
-- (API.md 1.1.1): torch.FloatTensor() empty, (sizes...), (LongStorage
-- sizes [, strides]), (tensor) sharing it, (storage [, offset, sizes
-- [, strides]]) viewing it, and ({nested tables}) copying the numbers.
-- Loaded by tensor.lua, whose helpers it uses.

local ffi = require 'ffi'
local C = torch._C
local K = torch._tensor_internals
local NDTYPE, dtype_names, ptr_ct, tensor_mt = K.NDTYPE, K.dtype_names, K.ptr_ct, K.tensor_mt
local wrap, wrap_storage, empty, check = K.wrap, K.wrap_storage, K.empty, K.check
local dtype_of, is_storage = K.dtype_of, K.is_storage
local sizebuf, stridebuf, fill_sizes, size_args = K.sizebuf, K.stridebuf, K.fill_sizes, K.size_args

-- Appends the numbers of the nested table x (at depth level of a table
-- shaped sizes) to flat after its first k entries; returns the new count.
-- A plain function, not a closure made per call, so that constructing
-- from tables in a loop stays compiled.
local function flatten_table(x, level, sizes, flat, k)
  if level > #sizes then
    if type(x) ~= 'number' then error('Tensor: table holds a ' .. type(x) .. ' where a number was expected', 3 + #sizes) end
    flat[k + 1] = x
    return k + 1
  end
  if type(x) ~= 'table' or #x ~= sizes[level] then
    error(string.format('Tensor: inconsistent table: dimension %d should have %d elements', level, sizes[level]), 2 + level)
  end
  for i = 1, #x do k = flatten_table(x[i], level + 1, sizes, flat, k) end
  return k
end

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
  local flat = {}
  local k = flatten_table(tbl, 1, sizes, flat, 0)
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
