-- tests/test_tensor.lua: tensor construction, views and shape methods,
-- conversions, fill/apply/map, totable and data (API.md 1.1.1-1.1.3).
--
-- Values are read back through the storage and the strides (never through
-- t[i], which test_index.lua covers) and compared with Lua-side reference
-- tables, so a wrong stride, offset or shared-memory bug shows up as a
-- wrong value. Data is random and non-zero, so a view that reads the wrong
-- place or a copy that forgets elements cannot pass by accident.

local T = {}

local TYPES = { 'Byte', 'Char', 'Short', 'Int', 'Long', 'Float', 'Double', 'Half' }
local MATH_TYPES = { 'Byte', 'Char', 'Short', 'Int', 'Long', 'Float', 'Double' }
local ELSIZE = { Byte = 1, Char = 1, Short = 2, Int = 4, Long = 8, Float = 4, Double = 8, Half = 2 }

---------------------------------------------------------------------------
-- helpers

local function fmt(v) return type(v) == 'number' and string.format('%.17g', v) or tostring(v) end

local function eq(got, want, what)
  if got ~= want then
    error(string.format('%s: expected %s, got %s', what or 'value', fmt(want), fmt(got)), 2)
  end
end

local function yes(cond, what)
  if not cond then error(what or 'assertion failed', 2) end
end

-- Random non-zero value exactly representable in the given type.
local function rvalue(tn)
  local sign = math.random() < 0.5 and -1 or 1
  if tn == 'Byte' then return math.random(1, 250) end
  if tn == 'Char' then return sign * math.random(1, 120) end
  if tn == 'Short' then return sign * math.random(1, 30000) end
  if tn == 'Int' then return sign * math.random(1, 2000000000) end
  if tn == 'Long' then return sign * (math.random(1, 2000000) * 1048576 + math.random(0, 1048575)) end
  if tn == 'Float' then return sign * math.random(1, 1048576) / 1024 end
  if tn == 'Half' then return sign * math.random(1, 2048) / 16 end
  return sign * (math.random() * 100 + 1e-3)
end

-- Value representable in every type (used when converting between types).
local function rcommon() return math.random(1, 100) end

local function sizes_of(t)
  local s = {}
  for d = 1, t:dim() do s[d] = t:size(d) end
  return s
end

local function strides_of(t)
  local s = {}
  for d = 1, t:dim() do s[d] = t:stride(d) end
  return s
end

local function same_list(got, want, what)
  local ok = #got == #want
  for i = 1, #want do ok = ok and got[i] == want[i] end
  if not ok then
    error(string.format('%s: expected {%s}, got {%s}', what or 'list',
      table.concat(want, ','), table.concat(got, ',')), 2)
  end
end

local function storage_list(s)
  local r = {}
  for i = 1, s:size() do r[i] = s[i] end
  return r
end

-- Element at 1-based index table idx, read through storage and strides.
local function at(t, idx)
  local off = t:storageOffset()
  for d = 1, #idx do off = off + (idx[d] - 1) * t:stride(d) end
  return t:storage()[off]
end

-- Calls f(idx) for every index of t in row-major order.
local function each_index(sizes, f)
  local n = 1
  for d = 1, #sizes do n = n * sizes[d] end
  if #sizes == 0 then n = 0 end
  local idx = {}
  for d = 1, #sizes do idx[d] = 1 end
  for _ = 1, n do
    f(idx)
    local d = #sizes
    while d >= 1 do
      idx[d] = idx[d] + 1
      if idx[d] <= sizes[d] then break end
      idx[d] = 1
      d = d - 1
    end
  end
end

-- Row-major list of t's elements (through storage and strides).
local function flat(t)
  local r = {}
  each_index(sizes_of(t), function(idx) r[#r + 1] = at(t, idx) end)
  return r
end

-- Write random values into t (through storage and strides); returns the
-- reference as a function of the index table.
local function randomize(t, tn)
  tn = tn or torch.typename(t):match('torch%.(%a+)Tensor')
  local ref = {}
  local s = t:storage()
  each_index(sizes_of(t), function(idx)
    local off = t:storageOffset()
    for d = 1, #idx do off = off + (idx[d] - 1) * t:stride(d) end
    local v = rvalue(tn)
    s[off] = v
    ref[table.concat(idx, ',')] = v
  end)
  return function(idx) return ref[table.concat(idx, ',')] end
end

-- Check every element of t against want(idx).
local function check_values(t, want, what)
  each_index(sizes_of(t), function(idx)
    local g, w = at(t, idx), want(idx)
    if g ~= w then
      error(string.format('%s: element {%s}: expected %s, got %s', what or 'tensor',
        table.concat(idx, ','), fmt(w), fmt(g)), 3)
    end
  end)
end

-- Contiguous strides of a size list.
local function contiguous_strides(sz)
  local st, acc = {}, 1
  for d = #sz, 1, -1 do
    st[d] = acc
    acc = acc * sz[d]
  end
  return st
end

local function ctor(tn) return torch[tn .. 'Tensor'] end

-- float rounding of a double, through the FFI
local function ffi_float(x)
  return require('ffi').new('float[1]', x)[0]
end

local function errs(f, ...)
  local ok, msg = pcall(f, ...)
  if ok then error('expected an error', 2) end
  return tostring(msg)
end

local function has(msg, pat, what)
  if not msg:find(pat, 1, true) then
    error(string.format('%s: message "%s" does not contain "%s"', what or 'error', msg, pat), 2)
  end
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

---------------------------------------------------------------------------
-- Views: shapes, strides, values and shared memory

-- A random 2D base of the given type and the reference values.
local function base2(tn, r, c)
  local t = ctor(tn)(r, c)
  return t, randomize(t, tn)
end

function T.narrow()
  math.randomseed(21)
  for _, tn in ipairs(TYPES) do
    local t, want = base2(tn, 5, 6)
    local n = t:narrow(1, 2, 3)
    same_list(sizes_of(n), { 3, 6 }, tn .. ' narrow(1,2,3) sizes')
    same_list(strides_of(n), { 6, 1 }, tn .. ' narrow(1,2,3) strides')
    eq(n:storageOffset(), 7, 'narrow(1,2,3) offset')
    check_values(n, function(i) return want({ i[1] + 1, i[2] }) end, tn .. ' narrow dim 1')
    local m = t:narrow(2, 4, 2)
    same_list(sizes_of(m), { 5, 2 }, 'narrow(2,4,2) sizes')
    yes(not m:isContiguous(), 'column narrow is not contiguous')
    check_values(m, function(i) return want({ i[1], i[2] + 3 }) end, tn .. ' narrow dim 2')
    -- narrow of a transposed view
    local tt = t:t():narrow(1, 3, 2)
    check_values(tt, function(i) return want({ i[2], i[1] + 2 }) end, tn .. ' narrow of transpose')
    -- shares memory
    local v = rvalue(tn)
    m:storage()[m:storageOffset() + m:stride(1) * 2 + 1] = v
    eq(at(t, { 3, 5 }), v, tn .. ' write through narrow')
    -- zero-length narrow is allowed (Torch7 returns an empty-sized view)
    local z = t:narrow(1, 6, 0)
    eq(z:nElement(), 0, 'narrow to length 0')
  end
end

function T.sub()
  math.randomseed(22)
  for _, tn in ipairs(TYPES) do
    local t = ctor(tn)(4, 5, 6)
    local want = randomize(t, tn)
    local s = t:sub(2, 3, 1, 5, 3, 4)
    same_list(sizes_of(s), { 2, 5, 2 }, tn .. ' sub sizes')
    check_values(s, function(i) return want({ i[1] + 1, i[2], i[3] + 2 }) end, tn .. ' sub values')
    -- trailing dims untouched when fewer ranges are given
    local s2 = t:sub(3, 4)
    same_list(sizes_of(s2), { 2, 5, 6 }, 'sub with one range')
    check_values(s2, function(i) return want({ i[1] + 2, i[2], i[3] }) end, 'sub one range values')
    -- negative indices count from the end
    local s3 = t:sub(-2, -1, 2, -2)
    same_list(sizes_of(s3), { 2, 3, 6 }, 'sub with negative ends')
    check_values(s3, function(i) return want({ i[1] + 2, i[2] + 1, i[3] }) end, 'sub negative values')
    local v = rvalue(tn)
    s:storage()[s:storageOffset()] = v
    eq(at(t, { 2, 1, 3 }), v, 'write through sub')
  end
end

function T.select()
  math.randomseed(23)
  for _, tn in ipairs(TYPES) do
    local t = ctor(tn)(3, 4, 5)
    local want = randomize(t, tn)
    for dim = 1, 3 do
      for idx = 1, t:size(dim) do
        local s = t:select(dim, idx)
        eq(s:dim(), 2, 'select drops a dimension')
        check_values(s, function(i)
          local full = { i[1], i[2] }
          table.insert(full, dim, idx)
          return want(full)
        end, tn .. ' select(' .. dim .. ',' .. idx .. ')')
      end
    end
    local s = t:select(2, 3)
    same_list(sizes_of(s), { 3, 5 }, 'select(2,3) sizes')
    same_list(strides_of(s), { 20, 1 }, 'select(2,3) strides')
    local v = rvalue(tn)
    s:storage()[s:storageOffset() + 20 + 4] = v
    eq(at(t, { 2, 3, 5 }), v, tn .. ' write through select')
    -- select of a select down to 1D
    local line = t:select(1, 2):select(2, 4)
    same_list(sizes_of(line), { 4 }, 'select of select')
    check_values(line, function(i) return want({ 2, i[1], 4 }) end, 'select of select values')
  end
end

function T.transpose_and_t()
  math.randomseed(24)
  for _, tn in ipairs(TYPES) do
    local t = ctor(tn)(3, 4, 5)
    local want = randomize(t, tn)
    local a = t:transpose(1, 3)
    same_list(sizes_of(a), { 5, 4, 3 }, tn .. ' transpose(1,3) sizes')
    same_list(strides_of(a), { 1, 5, 20 }, tn .. ' transpose(1,3) strides')
    yes(not a:isContiguous(), 'transposed is not contiguous')
    check_values(a, function(i) return want({ i[3], i[2], i[1] }) end, tn .. ' transpose(1,3)')
    local b = t:transpose(2, 3)
    check_values(b, function(i) return want({ i[1], i[3], i[2] }) end, tn .. ' transpose(2,3)')
    -- transposing twice gives the original layout
    local c = a:transpose(1, 3)
    same_list(strides_of(c), { 20, 5, 1 }, 'transpose twice')
    yes(c:isContiguous(), 'transpose twice is contiguous')
    -- transpose(d, d) is a no-op
    same_list(strides_of(t:transpose(2, 2)), { 20, 5, 1 }, 'transpose(2,2)')
    local m, wm = base2(tn, 3, 7)
    local mt = m:t()
    same_list(sizes_of(mt), { 7, 3 }, 't() sizes')
    same_list(strides_of(mt), { 1, 7 }, 't() strides')
    check_values(mt, function(i) return wm({ i[2], i[1] }) end, tn .. ' t()')
    local v = rvalue(tn)
    mt:storage()[mt:storageOffset() + 6 * mt:stride(1) + 2 * mt:stride(2)] = v
    eq(at(m, { 3, 7 }), v, tn .. ' write through t()')
    -- the original is unchanged by taking views
    same_list(sizes_of(t), { 3, 4, 5 }, 'transpose leaves the original alone')
  end
end

function T.permute()
  math.randomseed(25)
  for _, tn in ipairs(TYPES) do
    local t = ctor(tn)(2, 3, 4, 5)
    local want = randomize(t, tn)
    local p = t:permute(3, 1, 4, 2)
    same_list(sizes_of(p), { 4, 2, 5, 3 }, tn .. ' permute sizes')
    same_list(strides_of(p), { 5, 60, 1, 20 }, tn .. ' permute strides')
    check_values(p, function(i) return want({ i[2], i[4], i[1], i[3] }) end, tn .. ' permute values')
    local q = torch.permute(t, 4, 3, 2, 1)
    check_values(q, function(i) return want({ i[4], i[3], i[2], i[1] }) end, 'torch.permute values')
    local v = rvalue(tn)
    p:storage()[p:storageOffset() + p:stride(1) * 3 + p:stride(3) * 4] = v
    eq(at(t, { 1, 1, 4, 5 }), v, 'write through permute')
  end
end

function T.unfold()
  math.randomseed(26)
  for _, tn in ipairs(TYPES) do
    local v = ctor(tn)(9)
    local want = randomize(v, tn)
    local u = v:unfold(1, 3, 2)
    same_list(sizes_of(u), { 4, 3 }, tn .. ' unfold(1,3,2) sizes')
    same_list(strides_of(u), { 2, 1 }, tn .. ' unfold(1,3,2) strides')
    check_values(u, function(i) return want({ (i[1] - 1) * 2 + i[2] }) end, tn .. ' unfold values')
    -- overlapping windows share memory
    local x = rvalue(tn)
    v:storage()[v:storageOffset() + 2] = x
    eq(at(u, { 1, 3 }), x, 'unfold window 1 sees the write')
    eq(at(u, { 2, 1 }), x, 'unfold window 2 sees the same element')
    -- unfold of a 2D tensor along dim 2, from a transposed view
    local m, wm = base2(tn, 6, 4)
    local mu = m:t():unfold(2, 2, 3)      -- [4 x 6] -> [4 x 2 x 2]
    same_list(sizes_of(mu), { 4, 2, 2 }, 'unfold of transposed sizes')
    check_values(mu, function(i) return wm({ (i[2] - 1) * 3 + i[3], i[1] }) end, tn .. ' unfold of transposed')
    -- step 1 window of full size
    local w = v:unfold(1, 9, 1)
    same_list(sizes_of(w), { 1, 9 }, 'full-size unfold')
  end
end

function T.view_and_viewAs()
  math.randomseed(27)
  for _, tn in ipairs(TYPES) do
    local t = ctor(tn)(4, 6)
    local want = randomize(t, tn)
    local flatref = flat(t)
    local v = t:view(2, 3, 4)
    same_list(sizes_of(v), { 2, 3, 4 }, tn .. ' view sizes')
    same_list(strides_of(v), { 12, 4, 1 }, tn .. ' view strides')
    same_list(flat(v), flatref, tn .. ' view keeps row-major order')
    local w = t:view(-1, 8)
    same_list(sizes_of(w), { 3, 8 }, 'view with -1')
    local z = t:view(torch.LongStorage({ 24 }))
    same_list(sizes_of(z), { 24 }, 'view(LongStorage)')
    same_list(flat(z), flatref, 'view(LongStorage) values')
    local f = torch.view(t, 8, 3)
    same_list(sizes_of(f), { 8, 3 }, 'torch.view')
    local template = ctor(tn)(12, 2)
    local va = t:viewAs(template)
    same_list(sizes_of(va), { 12, 2 }, 'viewAs')
    same_list(flat(va), flatref, 'viewAs values')
    local va2 = torch.viewAs(t, template)
    same_list(sizes_of(va2), { 12, 2 }, 'torch.viewAs')
    -- a narrowed block of whole rows can still be viewed
    local rows = t:narrow(1, 2, 2)
    local rv = rows:view(12)
    check_values(rv, function(i) return at(t, { 2 + math.floor((i[1] - 1) / 6), (i[1] - 1) % 6 + 1 }) end,
      'view of a row narrow')
    -- splitting a dimension of a transposed tensor keeps it a view
    local tt = t:t()                         -- [6 x 4], strides {1, 6}
    local sp = tt:view(2, 3, 4)
    same_list(strides_of(sp), { 3, 1, 6 }, 'split dim of transposed view')
    check_values(sp, function(i) return want({ i[3], (i[1] - 1) * 3 + i[2] }) end, 'split dim values')
    -- views share memory
    local x = rvalue(tn)
    v:storage()[v:storageOffset() + 12 + 4 + 2] = x
    eq(at(t, { 4, 1 }), x, tn .. ' write through view')
  end
end

function T.view_expand_result_forms()
  -- Torch7's result-first forms: res:view(src, sizes) makes res a view of
  -- src and returns res (nn.Reshape does self.output:view(input, size));
  -- likewise viewAs(res, src, template), expand(res, src, sizes) and
  -- expandAs(res, src, template).
  math.randomseed(36)
  for _, tn in ipairs(TYPES) do
    local src = ctor(tn)(4, 6)
    randomize(src, tn)
    local want = flat(src)
    local res = ctor(tn)()
    local r = res:view(src, 3, 8)
    yes(r == res or r:isSetTo(res), tn .. ' res:view(src, 3, 8) returns res')
    same_list(sizes_of(res), { 3, 8 }, tn .. ' res:view(src, 3, 8) sizes res')
    same_list(sizes_of(src), { 4, 6 }, tn .. ' res:view(src, ...) leaves src alone')
    same_list(flat(res), want, tn .. ' res:view(src, 3, 8) values')
    eq(torch.pointer(res:storage()), torch.pointer(src:storage()), 'res:view shares the storage')
    local res2 = ctor(tn)()
    res2:view(src, torch.LongStorage({ 2, 12 }))
    same_list(sizes_of(res2), { 2, 12 }, tn .. ' res:view(src, LongStorage)')
    local res3 = ctor(tn)()
    torch.view(res3, src, 8, 3)
    same_list(sizes_of(res3), { 8, 3 }, tn .. ' torch.view(res, src, 8, 3)')
    local res4 = ctor(tn)()
    res4:viewAs(src, ctor(tn)(6, 4))
    same_list(sizes_of(res4), { 6, 4 }, tn .. ' res:viewAs(src, template)')
    same_list(flat(res4), want, tn .. ' res:viewAs(src, template) values')
    local row = ctor(tn)(1, 5)
    local res5 = ctor(tn)()
    res5:expand(row, 3, 5)
    same_list(sizes_of(res5), { 3, 5 }, tn .. ' res:expand(src, 3, 5)')
    same_list(strides_of(res5), { 0, 1 }, tn .. ' res:expand(src, 3, 5) strides')
    local res6 = ctor(tn)()
    res6:expandAs(row, ctor(tn)(4, 5))
    same_list(sizes_of(res6), { 4, 5 }, tn .. ' res:expandAs(src, template)')
    local res7 = ctor(tn)()
    torch.expand(res7, row, 2, 5)
    same_list(sizes_of(res7), { 2, 5 }, tn .. ' torch.expand(res, src, 2, 5)')
  end
end

function T.real_is_the_default_type()
  -- Tensor.real converts to the default tensor type (Torch7's Tensor.lua)
  local b = torch.ByteTensor({ 1, 2, 3 })
  local r = b:real()
  eq(torch.type(r), 'torch.DoubleTensor', 'ByteTensor:real() is a DoubleTensor by default')
  same_list(flat(r), { 1, 2, 3 }, 'real() values')
  local d = torch.DoubleTensor(2)
  yes(d:real():isSetTo(d), 'DoubleTensor:real() is the tensor itself')
  torch.setdefaulttensortype('torch.FloatTensor')
  local ok, err = pcall(function()
    eq(torch.type(b:real()), 'torch.FloatTensor', 'real() follows setdefaulttensortype')
    eq(torch.type(d:real()), 'torch.FloatTensor', 'DoubleTensor:real() with Float default')
  end)
  torch.setdefaulttensortype('torch.DoubleTensor')
  if not ok then error(err, 0) end
end

function T.reshape_copies()
  math.randomseed(28)
  for _, tn in ipairs(MATH_TYPES) do
    local t, want = base2(tn, 4, 6)
    local src = t:t()                        -- non-contiguous source
    local r = src:reshape(3, 8)
    same_list(sizes_of(r), { 3, 8 }, tn .. ' reshape sizes')
    yes(r:isContiguous(), 'reshape result is contiguous')
    same_list(flat(r), flat(src), tn .. ' reshape keeps row-major order of the source')
    local r2 = torch.reshape(t, 2, 12)
    same_list(sizes_of(r2), { 2, 12 }, 'torch.reshape')
    same_list(flat(r2), flat(t), 'torch.reshape values')
    -- a copy: writing to it leaves the source alone
    local before = at(t, { 1, 1 })
    r2:storage()[r2:storageOffset()] = before == 1 and 2 or 1
    eq(at(t, { 1, 1 }), before, tn .. ' reshape does not share memory')
    local _ = want
  end
end

function T.expand_stride0()
  math.randomseed(29)
  for _, tn in ipairs(TYPES) do
    local col = ctor(tn)(3, 1)
    local want = randomize(col, tn)
    local e = col:expand(3, 5)
    same_list(sizes_of(e), { 3, 5 }, tn .. ' expand sizes')
    same_list(strides_of(e), { 1, 0 }, tn .. ' expand strides')
    check_values(e, function(i) return want({ i[1], 1 }) end, tn .. ' expand values')
    local row = ctor(tn)(1, 4)
    local wr = randomize(row, tn)
    local e2 = row:expand(torch.LongStorage({ 6, 4 }))
    same_list(strides_of(e2), { 0, 1 }, 'expand(LongStorage) strides')
    check_values(e2, function(i) return wr({ 1, i[2] }) end, 'expand(LongStorage) values')
    local e3 = torch.expand(row, 2, 4)
    same_list(sizes_of(e3), { 2, 4 }, 'torch.expand')
    local tmpl = ctor(tn)(7, 4)
    local e4 = row:expandAs(tmpl)
    same_list(sizes_of(e4), { 7, 4 }, 'expandAs')
    same_list(strides_of(e4), { 0, 1 }, 'expandAs strides')
    local e5 = torch.expandAs(row, tmpl)
    same_list(sizes_of(e5), { 7, 4 }, 'torch.expandAs')
    -- a write to the single stored element shows in every expanded row
    local x = rvalue(tn)
    row:storage()[row:storageOffset() + 2] = x
    for i = 1, 7 do eq(at(e4, { i, 3 }), x, 'expanded rows share the element') end
    yes(not e:isContiguous(), 'expanded tensor is not contiguous')
    -- contiguous() of an expanded tensor materialises the copies
    local c = e:contiguous()
    same_list(strides_of(c), { 5, 1 }, 'contiguous of expanded')
    check_values(c, function(i) return want({ i[1], 1 }) end, 'contiguous of expanded values')
  end
end

function T.squeeze()
  for _, tn in ipairs(TYPES) do
    local t = ctor(tn)(1, 3, 1, 4)
    local want = randomize(t, tn)
    local s = t:squeeze()
    same_list(sizes_of(s), { 3, 4 }, tn .. ' squeeze()')
    check_values(s, function(i) return want({ 1, i[1], 1, i[2] }) end, tn .. ' squeeze values')
    local s3 = t:squeeze(3)
    same_list(sizes_of(s3), { 1, 3, 4 }, 'squeeze(3)')
    local s2 = t:squeeze(2)
    same_list(sizes_of(s2), { 1, 3, 1, 4 }, 'squeeze of a non-singleton dim is a no-op')
    local f = torch.squeeze(t)
    same_list(sizes_of(f), { 3, 4 }, 'torch.squeeze')
    local x = rvalue(tn)
    s:storage()[s:storageOffset() + 5] = x
    eq(at(t, { 1, 2, 1, 2 }), x, 'squeeze shares memory')
  end
end

function T.resize_and_resizeAs()
  math.randomseed(30)
  for _, tn in ipairs(TYPES) do
    local t = ctor(tn)(2, 6)
    randomize(t, tn)
    local before = flat(t)
    local sp = torch.pointer(t:storage())
    t:resize(3, 4)
    same_list(sizes_of(t), { 3, 4 }, tn .. ' resize sizes')
    same_list(strides_of(t), { 4, 1 }, tn .. ' resize strides')
    same_list(flat(t), before, tn .. ' same-count resize keeps the data')
    t:resize(torch.LongStorage({ 12 }))
    same_list(sizes_of(t), { 12 }, 'resize(LongStorage)')
    -- growing keeps the old prefix
    t:resize(5, 5)
    same_list(sizes_of(t), { 5, 5 }, 'resize grows')
    yes(t:storage():size() >= 25, 'storage grew')
    local grown = flat(t)
    for i = 1, 12 do eq(grown[i], before[i], 'prefix kept after growing') end
    local _ = sp
    -- resizeAs
    local u = ctor(tn)()
    u:resizeAs(ctor(tn)(2, 3, 4):transpose(1, 3))
    eq(u:dim(), 3, 'resizeAs dim')
    same_list(sizes_of(u), { 4, 3, 2 }, 'resizeAs follows sizes only')
    yes(u:isContiguous(), 'resizeAs result is contiguous')
    -- as TH: resizing to the same shape keeps the strides (a result that
    -- is a view is written through); a new shape gets contiguous strides
    local m = ctor(tn)(4, 4):t()
    m:resize(4, 4)
    yes(not m:isContiguous(), 'resize to the same shape keeps strides')
    m:resize(2, 8)
    yes(m:isContiguous(), 'resize to a new shape makes strides contiguous')
  end
end

function T.set()
  math.randomseed(31)
  for _, tn in ipairs(TYPES) do
    local a = ctor(tn)(3, 4)
    local want = randomize(a, tn)
    local b = ctor(tn)()
    b:set(a)
    yes(b:isSetTo(a), tn .. ' set(tensor) isSetTo')
    check_values(b, want, 'set(tensor) values')
    local bt = ctor(tn)():set(a:t())
    same_list(strides_of(bt), { 1, 4 }, 'set(transposed) keeps strides')
    local s = torch[tn .. 'Storage'](20)
    local ref = {}
    for i = 1, 20 do ref[i] = rvalue(tn); s[i] = ref[i] end
    local c = ctor(tn)()
    c:set(s)
    same_list(sizes_of(c), { 20 }, 'set(storage)')
    c:set(s, 3, torch.LongStorage({ 2, 5 }))
    same_list(sizes_of(c), { 2, 5 }, 'set(storage, 3, sizes)')
    eq(c:storageOffset(), 3, 'set storageOffset')
    check_values(c, function(i) return ref[2 + (i[1] - 1) * 5 + i[2]] end, 'set(storage, offset, sizes)')
    c:set(s, 2, torch.LongStorage({ 3, 3 }), torch.LongStorage({ 1, 4 }))
    same_list(strides_of(c), { 1, 4 }, 'set with strides')
    check_values(c, function(i) return ref[1 + (i[1] - 1) + (i[2] - 1) * 4 + 1] end, 'set with strides values')
    -- writes through c land in s
    local x = rvalue(tn)
    c:storage()[c:storageOffset() + 4] = x
    eq(s[6], x, 'set shares the storage')
    -- set() with no argument empties the tensor
    c:set()
    eq(c:dim(), 0, 'set() empties')
    eq(c:nElement(), 0, 'set() nElement')
  end
end

function T.contiguous_and_clone()
  math.randomseed(32)
  for _, tn in ipairs(TYPES) do
    local t, want = base2(tn, 4, 5)
    -- contiguous() of a contiguous tensor is the tensor itself (shares memory)
    local c = t:contiguous()
    yes(c:isSetTo(t), tn .. ' contiguous of contiguous shares')
    -- of a transposed view: a new contiguous copy
    local tt = t:t()
    local cc = tt:contiguous()
    yes(cc:isContiguous(), 'contiguous result')
    same_list(sizes_of(cc), { 5, 4 }, 'contiguous sizes')
    same_list(strides_of(cc), { 4, 1 }, 'contiguous strides')
    check_values(cc, function(i) return want({ i[2], i[1] }) end, tn .. ' contiguous values')
    yes(not cc:isSetTo(tt), 'contiguous copy is a new tensor')
    local old = at(t, { 1, 2 })
    cc:storage()[cc:storageOffset() + 4] = old == 3 and 4 or 3
    eq(at(t, { 1, 2 }), old, 'contiguous copy does not share memory')
    -- clone of a contiguous and of a non-contiguous tensor
    for _, src in ipairs({ t, tt, t:narrow(2, 2, 3), t:select(2, 4) }) do
      local k = src:clone()
      yes(k:isContiguous(), 'clone is contiguous')
      yes(k:isSameSizeAs(src), 'clone has the same size')
      same_list(flat(k), flat(src), tn .. ' clone values')
      yes(torch.pointer(k:storage()) ~= torch.pointer(src:storage()), 'clone has its own storage')
      local prev = src:storage()[src:storageOffset()]
      k:storage()[k:storageOffset()] = prev == 5 and 6 or 5
      eq(src:storage()[src:storageOffset()], prev, 'clone does not share memory')
    end
  end
end

function T.predicates()
  for _, tn in ipairs(TYPES) do
    local t = ctor(tn)(3, 4)
    yes(t:isContiguous(), 'contiguous')
    yes(not t:t():isContiguous(), 't() not contiguous')
    yes(t:narrow(1, 2, 2):isContiguous(), 'row narrow contiguous')
    yes(not t:narrow(2, 2, 2):isContiguous(), 'column narrow not contiguous')
    yes(t:select(2, 1):dim() == 1 and not t:select(2, 1):isContiguous(), 'column select not contiguous')
    yes(ctor(tn)(3, 1):t():isContiguous(), 'transpose of a [3 x 1] is still contiguous')
    yes(t:isSameSizeAs(ctor(tn)(3, 4)), 'isSameSizeAs')
    yes(not t:isSameSizeAs(ctor(tn)(4, 3)), 'isSameSizeAs false')
    yes(not t:isSameSizeAs(ctor(tn)(12)), 'isSameSizeAs false for other dims')
    yes(t:isSameSizeAs(torch.DoubleTensor(3, 4)), 'isSameSizeAs across types')
    yes(t:isSize(torch.LongStorage({ 3, 4 })), 'isSize')
    yes(not t:isSize(torch.LongStorage({ 4, 3 })), 'isSize false')
    yes(not t:isSize(torch.LongStorage({ 3, 4, 1 })), 'isSize false for other dims')
    yes(t:isSetTo(t), 'isSetTo self')
    yes(ctor(tn)(t):isSetTo(t), 'isSetTo alias')
    yes(not t:isSetTo(t:t()), 'isSetTo differs on strides')
    yes(not t:isSetTo(t:narrow(1, 1, 2)), 'isSetTo differs on sizes')
    yes(not t:narrow(1, 1, 2):isSetTo(t:narrow(1, 2, 2)), 'isSetTo differs on offset')
    yes(t:narrow(1, 2, 2):isSetTo(t:narrow(1, 2, 2)), 'isSetTo of equal views')
    yes(not t:isSetTo(t:clone()), 'isSetTo false for a clone')
    eq(t:nElement(), 12, 'nElement')
    eq(t:numel(), 12, 'numel')
    eq(t:size(2), 4, 'size(2)')
    eq(t:stride(1), 4, 'stride(1)')
    same_list(storage_list(#t), { 3, 4 }, '#t is the size LongStorage')
  end
end

function T.storage_and_offset()
  math.randomseed(33)
  for _, tn in ipairs(TYPES) do
    local t = ctor(tn)(4, 5)
    local want = randomize(t, tn)
    local s = t:storage()
    eq(torch.type(s), 'torch.' .. tn .. 'Storage', 'storage() type')
    eq(s:size(), 20, 'storage size')
    local v = t:select(1, 3):narrow(1, 2, 3)
    eq(v:storageOffset(), 12, 'storageOffset of select+narrow')
    eq(torch.pointer(v:storage()), torch.pointer(s), 'views share the storage object')
    eq(v:storage()[12], want({ 3, 2 }), 'storage element at storageOffset')
  end
end

function T.chained_views_random()
  -- a chain of views against a Lua reference of the index mapping
  math.randomseed(34)
  for _, tn in ipairs(TYPES) do
    local t = ctor(tn)(6, 7, 8)
    local want = randomize(t, tn)
    local v = t:transpose(1, 3):narrow(2, 2, 5):select(3, 4):unfold(1, 3, 2)
    -- t:transpose(1,3) -> [8,7,6] (a,b,c)->t[c,b,a]; narrow(2,2,5) -> b+1;
    -- select(3,4) -> c=4 -> [8,5]; unfold(1,3,2) -> [3,5,3], a=(i-1)*2+k
    same_list(sizes_of(v), { 3, 5, 3 }, tn .. ' chained sizes')
    check_values(v, function(i) return want({ 4, i[2] + 1, (i[1] - 1) * 2 + i[3] }) end, tn .. ' chained values')
    local x = rvalue(tn)
    local off = v:storageOffset() + v:stride(1) * 1 + v:stride(2) * 2 + v:stride(3) * 1
    v:storage()[off] = x
    eq(at(t, { 4, 4, 4 }), x, 'write through a chain of views')
  end
end

-- Storage offsets of t's elements in row-major order.
local function offsets(t)
  local r = {}
  each_index(sizes_of(t), function(idx)
    local off = t:storageOffset()
    for d = 1, #idx do off = off + (idx[d] - 1) * t:stride(d) end
    r[#r + 1] = off
  end)
  return r
end

-- A random chain of views (transpose, narrow, select, unfold) of t.
local function random_views(t, steps)
  for _ = 1, steps do
    local op, d = math.random(1, 4), math.random(1, t:dim())
    if op == 1 then
      t = t:transpose(d, math.random(1, t:dim()))
    elseif op == 2 and t:size(d) > 1 then
      local l = math.random(1, t:size(d))
      t = t:narrow(d, math.random(1, t:size(d) - l + 1), l)
    elseif op == 3 and t:dim() > 1 then
      t = t:select(d, math.random(1, t:size(d)))
    elseif op == 4 and t:dim() < 6 then
      t = t:unfold(d, math.random(1, t:size(d)), math.random(1, 2))
    end
  end
  return t
end

-- A random shape with n elements (prime factors grouped at random, with
-- some 1s inserted).
local function random_shape(n)
  local out = {}
  while n > 1 do
    local f = 2
    while n % f ~= 0 do f = f + 1 end
    n = n / f
    local g = f
    while n > 1 and math.random() < 0.4 do
      local f2 = 2
      while n % f2 ~= 0 do f2 = f2 + 1 end
      g, n = g * f2, n / f2
    end
    out[#out + 1] = g
  end
  for _ = 1, math.random(0, 2) do table.insert(out, math.random(1, #out + 1), 1) end
  if #out == 0 then out[1] = 1 end
  for i = #out, 2, -1 do
    local j = math.random(1, i)
    out[i], out[j] = out[j], out[i]
  end
  return out
end

function T.view_random_layouts()
  -- view() either refuses or gives a tensor whose row-major elements are
  -- exactly the source's; it never refuses a contiguous source
  math.randomseed(35)
  local views, refused = 0, 0
  for _ = 1, 3000 do
    local sz = {}
    for d = 1, math.random(1, 4) do sz[d] = math.random(1, 4) end
    local t = random_views(torch.FloatTensor(unpack(sz)), math.random(0, 3))
    local shape = random_shape(t:nElement())
    local ok, v = pcall(t.view, t, unpack(shape))
    if ok then
      views = views + 1
      same_list(sizes_of(v), shape, 'view sizes')
      same_list(offsets(v), offsets(t), 'view of [' .. table.concat(sizes_of(t), 'x') .. '] strides {' ..
        table.concat(strides_of(t), ',') .. '} as [' .. table.concat(shape, 'x') .. ']')
    else
      refused = refused + 1
      yes(not t:isContiguous(), 'view refused a contiguous [' .. table.concat(sizes_of(t), 'x') .. '] as [' ..
        table.concat(shape, 'x') .. ']: ' .. tostring(v))
      yes(tostring(v):find('view', 1, true) ~= nil, 'view refusal names view: ' .. tostring(v))
    end
  end
  yes(views > 1000 and refused > 50, 'the random layouts exercise both outcomes')
end

---------------------------------------------------------------------------
-- Conversions, fill, apply/map, totable, data

function T.type_conversions()
  math.randomseed(41)
  for _, from in ipairs(TYPES) do
    local t = ctor(from)(3, 4)
    local ref = {}
    local s = t:storage()
    for i = 1, 12 do ref[i] = rcommon(); s[i] = ref[i] end
    local src = t:t()                          -- converting a non-contiguous view
    local want = flat(src)
    for _, to in ipairs(TYPES) do
      local name = 'torch.' .. to .. 'Tensor'
      local c = src:type(name)
      eq(torch.type(c), name, from .. ':type(' .. name .. ')')
      same_list(sizes_of(c), { 4, 3 }, 'converted sizes')
      same_list(flat(c), want, from .. ' -> ' .. to .. ' values')
      local m = src[to:lower()](src)
      eq(torch.type(m), name, from .. ':' .. to:lower() .. '()')
      same_list(flat(m), want, from .. ':' .. to:lower() .. '() values')
      local ta = src:typeAs(ctor(to)())
      eq(torch.type(ta), name, 'typeAs')
      same_list(flat(ta), want, 'typeAs values')
      if to ~= from then
        local x = m:storage()[m:storageOffset()]
        m:storage()[m:storageOffset()] = x == 7 and 8 or 7
        eq(src:storage()[src:storageOffset()], want[1], 'a converted tensor is a copy')
      end
    end
    -- same type: returns self
    local same = t:type('torch.' .. from .. 'Tensor')
    yes(same:isSetTo(t), from .. ' type(own type) returns the tensor itself')
    yes(t[from:lower()](t):isSetTo(t), from .. ':' .. from:lower() .. '() returns the tensor itself')
  end
end

function T.conversion_rounding()
  -- floating to integer truncates toward zero (C cast), double to float rounds
  local d = torch.DoubleTensor({ 2.7, -2.7, 1e-3, 100.5 })
  same_list(flat(d:int()), { 2, -2, 0, 100 }, 'double -> int truncates')
  same_list(flat(d:long()), { 2, -2, 0, 100 }, 'double -> long truncates')
  same_list(flat(d:short()), { 2, -2, 0, 100 }, 'double -> short truncates')
  same_list(flat(d:char()), { 2, -2, 0, 100 }, 'double -> char truncates')
  local f = torch.DoubleTensor({ 0.1, 1 / 3 }):float()
  eq(at(f, { 1 }), tonumber(ffi_float(0.1)), 'double -> float rounds')
  eq(at(f, { 2 }), tonumber(ffi_float(1 / 3)), 'double -> float rounds')
  local h = torch.DoubleTensor({ 1 / 3, 65504, 1e-8 }):half()
  local hv = flat(h)
  yes(math.abs(hv[1] - 1 / 3) < 1e-3 and hv[1] ~= 1 / 3, 'double -> half rounds to 11 bits')
  eq(hv[2], 65504, 'half max')
  -- large longs survive a trip through double exactly below 2^53
  local big = 2 ^ 52 + 12345
  local l = torch.LongTensor(1)
  l:storage()[1] = big
  eq(l:double():storage()[1], big, 'long -> double exact below 2^53')
end

function T.fill_and_zero()
  math.randomseed(42)
  for _, tn in ipairs(TYPES) do
    local t, want = base2(tn, 5, 6)
    local v = rvalue(tn)
    local col = t:narrow(2, 2, 3):t()         -- [3 x 5] non-contiguous
    local r = col:fill(v)
    yes(r:isSetTo(col), tn .. ' fill returns self')
    check_values(t, function(i)
      if i[2] >= 2 and i[2] <= 4 then return v end
      return want(i)
    end, tn .. ' fill of a non-contiguous view touches only the view')
    t:select(1, 2):zero()
    check_values(t:select(1, 2), function() return 0 end, tn .. ' zero of a row')
    eq(at(t, { 1, 1 }), want({ 1, 1 }), 'zero touches only the view')
    eq(at(t, { 3, 1 }), want({ 3, 1 }), 'zero touches only the view')
    -- fill through an expanded (stride 0) view writes the single element
    local one = ctor(tn)(1)
    one:expand(5):fill(v)
    eq(at(one, { 1 }), v, 'fill of an expanded view')
    -- big fill goes through the parallel path
    local big = ctor(tn)(300, 301):t()
    big:fill(v)
    local s = big:storage()
    for _, k in ipairs({ 1, 777, 40000, 300 * 301 }) do eq(s[k], v, 'big fill element ' .. k) end
  end
end

function T.apply_map_map2()
  math.randomseed(43)
  for _, tn in ipairs(MATH_TYPES) do
    local t, want = base2(tn, 4, 5)
    local v = t:t()                            -- non-contiguous
    -- apply visits in row-major order of the view and writes back
    local seen = {}
    v:apply(function(x) seen[#seen + 1] = x end)
    same_list(seen, flat(v), tn .. ' apply visits every element in order')
    local k = 0
    v:apply(function() k = k + 1; return k end)
    check_values(v, function(i) return (i[1] - 1) * 4 + i[2] end, tn .. ' apply writes back')
    -- map with another non-contiguous tensor of a different shape, same count
    local a, wa = base2(tn, 4, 5)
    local b = ctor(tn)(2, 10)
    local bref = {}
    for i = 1, 20 do bref[i] = (i % 7) + 1; b:storage()[i] = bref[i] end
    a:map(b, function(x, y) return y end)
    check_values(a, function(i) return bref[(i[1] - 1) * 5 + i[2]] end, tn .. ' map pairs row-major positions')
    local c = ctor(tn)(5, 4):t()               -- [4 x 5] transposed
    local cref = randomize(c, tn)
    local out = ctor(tn)(4, 5)
    local got = {}
    out:map2(c, a, function(_, y, z) got[#got + 1] = { y, z }; return z end)
    check_values(out, function(i) return bref[(i[1] - 1) * 5 + i[2]] end, tn .. ' map2 writes back')
    for n, p in ipairs(got) do
      local i1, i2 = math.floor((n - 1) / 5) + 1, (n - 1) % 5 + 1
      eq(p[1], cref({ i1, i2 }), 'map2 second argument in row-major order')
    end
    local _ = { want, wa }
  end
end

function T.totable()
  math.randomseed(44)
  for _, tn in ipairs(TYPES) do
    local t = ctor(tn)(3, 4, 2)
    local want = randomize(t, tn)
    local v = t:transpose(1, 2)
    local tab = v:totable()
    eq(#tab, 4, tn .. ' totable outer size')
    for i = 1, 4 do
      eq(#tab[i], 3, 'totable middle size')
      for j = 1, 3 do
        for k = 1, 2 do eq(tab[i][j][k], want({ j, i, k }), tn .. ' totable value') end
      end
    end
    local one = torch.totable(t:select(1, 2):select(1, 3))
    eq(#one, 2, 'torch.totable 1D')
    eq(one[2], want({ 2, 3, 2 }), 'torch.totable value')
    local e = ctor(tn)():totable()
    eq(type(e), 'table', 'totable of empty')
    eq(#e, 0, 'totable of empty is {}')
  end
end

function T.data_and_cdata()
  local ffi = require 'ffi'
  math.randomseed(45)
  for _, tn in ipairs(TYPES) do
    local t, want = base2(tn, 4, 5)
    local v = t:narrow(1, 2, 2):narrow(2, 3, 2)
    local p = v:data()
    yes(type(p) == 'cdata', 'data() returns a pointer')
    if tn == 'Half' then
      eq(torch._C.tl_half_to_float(p[0]), want({ 2, 3 }), 'data() points at the first element')
      eq(torch._C.tl_half_to_float(p[v:stride(1) + 1]), want({ 3, 4 }), 'data() plus strides')
    else
      eq(tonumber(p[0]), want({ 2, 3 }), tn .. ' data() points at the first element')
      eq(tonumber(p[v:stride(1) + 1]), want({ 3, 4 }), tn .. ' data() plus strides')
      local x = rvalue(tn)
      p[1] = x
      eq(at(t, { 2, 4 }), x, 'write through data()')
    end
    local c = v:cdata()
    yes(type(c) == 'cdata', 'cdata() is cdata')
    eq(tonumber(c.ndim), 2, 'cdata ndim')
    eq(tonumber(c.size[0]), 2, 'cdata size')
    eq(tonumber(c.stride[0]), 5, 'cdata stride')
    eq(tonumber(c.offset), 7, 'cdata offset (0-based)')
    local sp = t:storage():data()
    eq(tonumber(ffi.cast('intptr_t', p) - ffi.cast('intptr_t', sp)), 7 * ELSIZE[tn], 'data() = storage data + offset')
  end
end

function T.half_views_only()
  -- HalfTensor: storage, copy and views work; math and the index family do not
  local h = torch.HalfTensor(2, 3)
  local s = h:storage()
  for i = 1, 6 do s[i] = i / 4 end
  same_list(flat(h:t()), { 0.25, 1, 0.5, 1.25, 0.75, 1.5 }, 'Half transpose')
  same_list(flat(h:t():contiguous()), { 0.25, 1, 0.5, 1.25, 0.75, 1.5 }, 'Half contiguous')
  same_list(flat(h:float()), { 0.25, 0.5, 0.75, 1, 1.25, 1.5 }, 'Half -> Float')
  local M = torch.getmetatable('torch.HalfTensor')
  for _, name in ipairs({ 'maskedFill', 'maskedCopy', 'maskedSelect', 'indexCopy', 'indexFill', 'add', 'mm', 'sum' }) do
    yes(rawget(M, name) == nil, 'HalfTensor has no ' .. name)
  end
end

function T.half_has_no_apply()
  -- API.md 1.1.3: apply, map and map2 are absent on Half
  local M = torch.getmetatable('torch.HalfTensor')
  for _, name in ipairs({ 'apply', 'map', 'map2' }) do
    yes(rawget(M, name) == nil, 'HalfTensor has no ' .. name)
  end
end

-- Runs a Lua chunk in a child `th` (the interpreter running this file),
-- so that a crash fails one test instead of ending the whole run. Returns
-- nil when the interpreter is not th (then callers run in-process only),
-- else true/false and the child's status.
local function child_survives(code)
  local th = arg and arg[-1]
  if type(th) ~= 'string' or not th:match('th$') then return nil end
  local path = os.tmpname()
  local f = assert(io.open(path, 'w'))
  f:write(code)
  f:close()
  local status = os.execute(string.format("'%s' '%s' >/dev/null 2>&1", th:gsub("'", ""), path))
  os.remove(path)
  if type(status) == 'number' and status > 255 then status = status / 256 end   -- wait() status
  return status == 0 or status == true, status
end

local ZERO_SIZED = [[
for _, tn in ipairs({ 'Byte', 'Char', 'Short', 'Int', 'Long', 'Float', 'Double', 'Half' }) do
  local c = torch[tn .. 'Tensor']
  for _, t in ipairs({ c(0), c(2, 0), c(3, 4):narrow(2, 5, 0), c(4):narrow(1, 2, 0) }) do
    t:totable(); t:clone(); t:contiguous(); t:fill(1); t:zero(); t:copy(torch.FloatTensor(0))
    t:view(0); t:float(); t:double(); tostring(t:dim())
  end
end
]]

function T.zero_sized_tensors()
  -- tensors with a size-0 dimension (they may have no storage at all)
  -- work with every core method instead of crashing; checked in a child
  -- process first, so a crash here shows as this test failing
  local ok, status = child_survives(ZERO_SIZED)
  if ok == false then
    error('core methods on size-0 tensors crash or fail (child th exited with ' .. tostring(status) ..
      ', 139 is SIGSEGV); run this to see it:\n' .. ZERO_SIZED)
  end
  for _, tn in ipairs(TYPES) do
    for _, make in ipairs({
      function() return ctor(tn)(0) end,
      function() return ctor(tn)(2, 0) end,
      function() return ctor(tn)(3, 4):narrow(2, 5, 0) end,
      function() return ctor(tn)(4):narrow(1, 2, 0) end,
    }) do
      local t = make()
      local what = tn .. ' [' .. table.concat(sizes_of(t), 'x') .. ']'
      eq(t:nElement(), 0, what .. ' nElement')
      local tab = t:totable()
      eq(type(tab), 'table', what .. ' totable')
      if t:dim() == 1 then eq(#tab, 0, what .. ' totable is empty') end
      eq(t:clone():nElement(), 0, what .. ' clone')
      eq(t:contiguous():nElement(), 0, what .. ' contiguous')
      t:fill(1)
      t:zero()
      t:copy(torch.FloatTensor(0))
      eq(t:view(0):nElement(), 0, what .. ' view(0)')
      eq(t:float():nElement(), 0, what .. ' float()')
      eq(torch.type(t:double()), 'torch.DoubleTensor', what .. ' double()')
      local n = 0
      if tn ~= 'Half' then t:apply(function() n = n + 1 end) end
      eq(n, 0, what .. ' apply visits nothing')
      local _ = tostring(t:dim())
    end
  end
end

function T.gc_keeps_storage_alive()
  -- views keep their storage alive after the base tensor is collected
  math.randomseed(46)
  local t = torch.DoubleTensor(100, 100)
  local want = randomize(t, 'Double')
  local v = t:t():narrow(1, 10, 5)
  t = nil
  collectgarbage(); collectgarbage()
  check_values(v, function(i) return want({ i[2], i[1] + 9 }) end, 'view outlives its base')
  local s = torch.FloatTensor(10):storage()
  collectgarbage(); collectgarbage()
  s[10] = 3
  eq(s[10], 3, 'storage outlives its tensor')
end

return T
