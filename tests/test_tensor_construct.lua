-- tests/test_tensor_construct.lua: the tensor types and their
-- constructor forms: empty, sizes, LongStorage sizes and strides, sharing
-- a tensor, views of a storage, nested tables, t.new (API.md 1.1.1-1.1.2).
--
-- Values are read back through the storage and the strides (never through
-- t[i], which test_index.lua covers) and compared with Lua-side reference
-- tables, so a wrong stride, offset or shared-memory bug shows up as a
-- wrong value. Data is random and non-zero, so a view that reads the wrong
-- place or a copy that forgets elements cannot pass by accident. The
-- fixtures doing this live in tests/helpers.lua.

local helpers = require 'helpers'

local TYPES, ELSIZE = helpers.TYPES, helpers.ELSIZE
local eq, yes, errs, has = helpers.eq, helpers.yes, helpers.errs, helpers.has
local same_list, rvalue, ffi_float, sizes_of = helpers.same_list, helpers.rvalue, helpers.ffi_float, helpers.sizes_of
local strides_of, storage_list, at, flat = helpers.strides_of, helpers.storage_list, helpers.at, helpers.flat
local randomize, check_values = helpers.randomize, helpers.check_values

local T = {}

local function ctor(tn) return torch[tn .. 'Tensor'] end

-- Contiguous strides of a size list.
local function contiguous_strides(sz)
  local st, acc = {}, 1
  for d = #sz, 1, -1 do
    st[d] = acc
    acc = acc * sz[d]
  end
  return st
end

---------------------------------------------------------------------------
-- Types and constructors

function T.types_exist()
  for _, tn in ipairs(TYPES) do
    yes(torch[tn .. 'Tensor'] ~= nil, 'torch.' .. tn .. 'Tensor exists')
    yes(torch[tn .. 'Storage'] ~= nil, 'torch.' .. tn .. 'Storage exists')
    local t = ctor(tn)(2)
    eq(torch.type(t), 'torch.' .. tn .. 'Tensor', 'torch.type')
    eq(torch.typename(t), 'torch.' .. tn .. 'Tensor', 'torch.typename')
    eq(t:type(), 'torch.' .. tn .. 'Tensor', 't:type()')
    eq(t:elementSize(), ELSIZE[tn], tn .. ' elementSize')
    yes(torch.isTensor(t), 'isTensor')
    yes(not torch.isStorage(t), 'tensor is not a storage')
    yes(torch.isTypeOf(t, 'torch.' .. tn .. 'Tensor'), 'isTypeOf')
  end
  yes(not torch.isTensor(3) and not torch.isTensor({}) and not torch.isTensor(nil), 'isTensor on non-tensors')
end

function T.default_type_alias()
  eq(torch.getdefaulttensortype(), 'torch.DoubleTensor', 'default type')
  eq(torch.type(torch.Tensor(2)), 'torch.DoubleTensor', 'torch.Tensor follows the default')
  eq(torch.type(torch.Storage(2)), 'torch.DoubleStorage', 'torch.Storage follows the default')
  torch.setdefaulttensortype('torch.FloatTensor')
  local ok, err = pcall(function()
    eq(torch.type(torch.Tensor(2)), 'torch.FloatTensor', 'torch.Tensor after setdefaulttensortype')
    eq(torch.type(torch.Storage(2)), 'torch.FloatStorage', 'torch.Storage after setdefaulttensortype')
    eq(torch.getdefaulttensortype(), 'torch.FloatTensor', 'getdefaulttensortype')
  end)
  torch.setdefaulttensortype('torch.DoubleTensor')
  if not ok then error(err, 0) end
  eq(torch.type(torch.Tensor(2)), 'torch.DoubleTensor', 'restored default')
end

function T.ctor_empty()
  for _, tn in ipairs(TYPES) do
    local t = ctor(tn)()
    eq(t:dim(), 0, tn .. ' Tensor():dim()')
    eq(t:nDimension(), 0, tn .. ' Tensor():nDimension()')
    eq(t:nElement(), 0, tn .. ' Tensor():nElement()')
    eq(t:size():size(), 0, tn .. ' #size()')
    eq(torch.type(t:size()), 'torch.LongStorage', 'size() is a LongStorage')
    eq(t:storageOffset(), 1, 'storageOffset of empty')
  end
end

function T.ctor_sizes()
  math.randomseed(11)
  local shapes = { { 7 }, { 3, 5 }, { 2, 3, 4 }, { 2, 3, 1, 5 } }
  for _, tn in ipairs(TYPES) do
    for _, sz in ipairs(shapes) do
      local t = ctor(tn)(unpack(sz))
      local what = tn .. 'Tensor(' .. table.concat(sz, ',') .. ')'
      same_list(sizes_of(t), sz, what .. ' sizes')
      same_list(storage_list(t:size()), sz, what .. ' size() storage')
      same_list(strides_of(t), contiguous_strides(sz), what .. ' strides')
      same_list(storage_list(t:stride()), contiguous_strides(sz), what .. ' stride() storage')
      local n = 1
      for _, s in ipairs(sz) do n = n * s end
      eq(t:nElement(), n, what .. ' nElement')
      eq(t:dim(), #sz, what .. ' dim')
      yes(t:isContiguous(), what .. ' is contiguous')
      eq(t:storageOffset(), 1, what .. ' storageOffset')
      yes(t:storage():size() >= n, what .. ' storage large enough')
      local want = randomize(t, tn)
      check_values(t, want, what)
      yes(t:isSize(torch.LongStorage(sz)), what .. ' isSize(LongStorage)')
    end
  end
end

function T.ctor_longstorage_sizes_and_strides()
  math.randomseed(12)
  for _, tn in ipairs(TYPES) do
    if tn == 'Long' then
      -- Torch7 quirk: for LongTensor a LongStorage is the storage form
      local t = ctor(tn)(torch.LongStorage({ 2, 3, 4 }))
      same_list(sizes_of(t), { 3 }, 'LongTensor(LongStorage) is a view of the storage')
      same_list(flat(t), { 2, 3, 4 }, 'LongTensor(LongStorage) values')
      goto continue
    end
    local t = ctor(tn)(torch.LongStorage({ 2, 3, 4 }))
    same_list(sizes_of(t), { 2, 3, 4 }, tn .. ' Tensor(LongStorage)')
    same_list(strides_of(t), { 12, 4, 1 }, tn .. ' Tensor(LongStorage) strides')
    -- column-major layout given by explicit strides
    local c = ctor(tn)(torch.LongStorage({ 3, 4 }), torch.LongStorage({ 1, 3 }))
    same_list(sizes_of(c), { 3, 4 }, tn .. ' Tensor(sizes, strides) sizes')
    same_list(strides_of(c), { 1, 3 }, tn .. ' Tensor(sizes, strides) strides')
    yes(not c:isContiguous(), 'column-major is not contiguous')
    yes(c:storage():size() >= 12, 'storage holds the strided layout')
    local s = c:storage()
    local ref = {}
    for k = 1, 12 do ref[k] = rvalue(tn); s[c:storageOffset() + k - 1] = ref[k] end
    check_values(c, function(idx) return ref[(idx[1] - 1) + (idx[2] - 1) * 3 + 1] end, 'column-major')
    ::continue::
  end
end

function T.ctor_shares_tensor()
  math.randomseed(13)
  for _, tn in ipairs(TYPES) do
    local a = ctor(tn)(3, 4)
    local want = randomize(a, tn)
    local b = ctor(tn)(a)
    same_list(sizes_of(b), { 3, 4 }, tn .. ' Tensor(tensor) sizes')
    yes(b:isSetTo(a) and a:isSetTo(b), tn .. ' Tensor(tensor) isSetTo')
    check_values(b, want, tn .. ' Tensor(tensor) values')
    local v = rvalue(tn)
    b:storage()[b:storageOffset() + 5] = v
    eq(at(a, { 2, 2 }), v, tn .. ' write through Tensor(tensor) visible in the original')
    -- a transposed original keeps its strides in the alias
    local at_ = a:t()
    local c = ctor(tn)(at_)
    same_list(strides_of(c), { 1, 4 }, 'alias of a transposed view keeps strides')
  end
end

function T.ctor_from_storage()
  math.randomseed(14)
  for _, tn in ipairs(TYPES) do
    local s = torch[tn .. 'Storage'](30)
    local ref = {}
    for i = 1, 30 do ref[i] = rvalue(tn); s[i] = ref[i] end
    -- Tensor(storage): 1D over the whole storage
    local t1 = ctor(tn)(s)
    same_list(sizes_of(t1), { 30 }, tn .. ' Tensor(storage)')
    check_values(t1, function(i) return ref[i[1]] end, tn .. ' Tensor(storage)')
    -- Tensor(storage, offset): the rest from offset
    local t2 = ctor(tn)(s, 11)
    same_list(sizes_of(t2), { 20 }, tn .. ' Tensor(storage, 11)')
    eq(t2:storageOffset(), 11, 'storageOffset')
    check_values(t2, function(i) return ref[10 + i[1]] end, tn .. ' Tensor(storage, 11)')
    -- Tensor(storage, offset, sizes): contiguous
    local t3 = ctor(tn)(s, 5, torch.LongStorage({ 4, 5 }))
    same_list(sizes_of(t3), { 4, 5 }, 'Tensor(storage, 5, sizes)')
    same_list(strides_of(t3), { 5, 1 }, 'Tensor(storage, 5, sizes) strides')
    check_values(t3, function(i) return ref[4 + (i[1] - 1) * 5 + i[2]] end, 'Tensor(storage, 5, sizes)')
    -- Tensor(storage, offset, sizes, strides)
    local t4 = ctor(tn)(s, 2, torch.LongStorage({ 4, 3 }), torch.LongStorage({ 1, 7 }))
    same_list(strides_of(t4), { 1, 7 }, 'Tensor(storage, 2, sizes, strides) strides')
    check_values(t4, function(i) return ref[1 + (i[1] - 1) + (i[2] - 1) * 7 + 1] end,
      'Tensor(storage, 2, sizes, strides)')
    -- Tensor(storage, offset, sz1, st1, sz2, st2)
    local t5 = ctor(tn)(s, 3, 3, 8, 4, 2)
    same_list(sizes_of(t5), { 3, 4 }, 'Tensor(storage, 3, 3, 8, 4, 2) sizes')
    same_list(strides_of(t5), { 8, 2 }, 'Tensor(storage, 3, 3, 8, 4, 2) strides')
    check_values(t5, function(i) return ref[2 + (i[1] - 1) * 8 + (i[2] - 1) * 2 + 1] end,
      'Tensor(storage, offset, sz, st, ...)')
    -- sizes only (no strides) in the number form: contiguous
    local t6 = ctor(tn)(s, 1, 5, -1, 6, -1)
    same_list(sizes_of(t6), { 5, 6 }, 'Tensor(storage, 1, 5, -1, 6, -1) sizes')
    same_list(strides_of(t6), { 6, 1 }, 'Tensor(storage, 1, 5, -1, 6, -1) strides')
    -- shares memory with the storage both ways
    local v = rvalue(tn)
    s[2 + 7] = v
    eq(at(t4, { 1, 2 }), v, 'storage write visible in the tensor')
    local w = rvalue(tn)
    t5:storage()[t5:storageOffset() + 8 + 2] = w
    eq(s[3 + 8 + 2], w, 'tensor write visible in the storage')
  end
end

function T.ctor_from_table()
  for _, tn in ipairs(TYPES) do
    local t = ctor(tn)({ 1, 2, 3, 4 })
    same_list(sizes_of(t), { 4 }, tn .. ' Tensor{1,2,3,4}')
    same_list(flat(t), { 1, 2, 3, 4 }, tn .. ' Tensor{1,2,3,4} values')
    local m = ctor(tn)({ { 1, 2, 3 }, { 4, 5, 6 } })
    same_list(sizes_of(m), { 2, 3 }, tn .. ' 2D table')
    same_list(flat(m), { 1, 2, 3, 4, 5, 6 }, tn .. ' 2D table values')
    local c = ctor(tn)({ { { 1, 2 }, { 3, 4 } }, { { 5, 6 }, { 7, 8 } }, { { 9, 10 }, { 11, 12 } } })
    same_list(sizes_of(c), { 3, 2, 2 }, tn .. ' 3D table')
    same_list(flat(c), { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }, tn .. ' 3D table values')
  end
  -- fractional and negative values keep their value in floating types
  local d = torch.DoubleTensor({ -1.25, 3.5e10, 1e-7 })
  same_list(flat(d), { -1.25, 3.5e10, 1e-7 }, 'Double table values')
  local f = torch.FloatTensor({ -1.25, 0.1 })
  eq(at(f, { 1 }), -1.25, 'Float table value')
  eq(at(f, { 2 }), tonumber(ffi_float(0.1)), 'Float table rounds to float')
  local h = torch.HalfTensor({ 0.5, -2, 1024 })
  same_list(flat(h), { 0.5, -2, 1024 }, 'Half table values')
  -- ragged tables are refused
  has(errs(function() return torch.DoubleTensor({ { 1, 2 }, { 3 } }) end), 'Tensor', 'ragged table')
  has(errs(function() return torch.DoubleTensor({ 1, 'x' }) end), 'Tensor', 'non-number in table')
  -- the error names the caller's line, at any depth of the table
  local line = debug.getinfo(1, 'l').currentline
  local e1 = errs(function() local x = torch.DoubleTensor({ { 1, 2 }, { 3 } }) end)
  local e2 = errs(function() local x = torch.DoubleTensor({ { 1, 2 }, { 3, 'x' } }) end)
  local e3 = errs(function() local x = torch.DoubleTensor({ { { 1 } }, { { 2 }, 3 } }) end)
  for i, e in ipairs({ e1, e2, e3 }) do
    local here = 'test_tensor_construct.lua:' .. (line + i) .. ':'
    yes(tostring(e):find(here, 1, true), 'table error ' .. i .. ' names the caller: ' .. tostring(e))
  end
end

function T.new_and_factory()
  -- t.new() (Torch7's idiom for "an empty tensor of my type")
  for _, tn in ipairs(TYPES) do
    local t = ctor(tn)(2)
    if t.new == nil then skip('Tensor.new is not implemented') end
    local n = t.new()
    eq(torch.type(n), 'torch.' .. tn .. 'Tensor', tn .. ' t.new() type')
    eq(n:dim(), 0, 't.new() is empty')
    local m = t.new(2, 3)
    same_list(sizes_of(m), { 2, 3 }, 't.new(2,3)')
  end
end

return T
