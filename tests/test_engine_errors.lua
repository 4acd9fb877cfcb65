-- tests/test_engine_errors.lua: bad input to the tensor core raises a Lua
-- error whose message names the function (and the shapes where relevant);
-- nothing crashes, and the tensors involved are left as they were.

local T = {}

local function yes(cond, what)
  if not cond then error(what or 'assertion failed', 2) end
end

-- Problems found by the running test: fails() records them and goes on,
-- so one run lists every bad message, and the test fails at its end.
local problems = {}

-- Calls f, which must fail; every pattern must appear in the message
-- (plain find). Returns the message.
local function fails(what, f, ...)
  local ok, msg = pcall(f)
  if ok then
    problems[#problems + 1] = what .. ': expected an error, got none'
    return ''
  end
  msg = tostring(msg)
  for i = 1, select('#', ...) do
    local pat = select(i, ...)
    if not msg:find(pat, 1, true) then
      problems[#problems + 1] = string.format('%s: message "%s" does not contain "%s"', what, msg, pat)
      break
    end
  end
  return msg
end

local function sizes_str(t)
  local s = {}
  for d = 1, t:dim() do s[d] = t:size(d) end
  return table.concat(s, 'x') .. '/' .. (function()
    local st = {}
    for d = 1, t:dim() do st[d] = t:stride(d) end
    return table.concat(st, ',')
  end)() .. '@' .. t:storageOffset()
end

-- A random [3 x 4] double tensor, and a non-contiguous [4 x 3] view.
local function m34()
  local t = torch.DoubleTensor(3, 4)
  local s = t:storage()
  for i = 1, 12 do s[i] = i + 0.5 end
  return t
end

---------------------------------------------------------------------------

function T.view_functions_out_of_range()
  local t = m34()
  fails('narrow past the end', function() return t:narrow(2, 3, 3) end, 'narrow', '4')
  fails('narrow start 0', function() return t:narrow(1, 0, 2) end, 'narrow')
  fails('narrow negative length', function() return t:narrow(1, 1, -1) end, 'narrow')
  fails('narrow bad dim', function() return t:narrow(3, 1, 1) end, 'narrow', 'dimension')
  fails('narrow dim 0', function() return t:narrow(0, 1, 1) end, 'narrow')
  fails('sub past the end', function() return t:sub(1, 4) end, 'sub')
  fails('sub reversed', function() return t:sub(3, 1) end, 'sub')
  fails('select index too big', function() return t:select(1, 4) end, 'select', '4')
  fails('select index 0', function() return t:select(2, 0) end, 'select')
  fails('select bad dim', function() return t:select(3, 1) end, 'select', 'dimension')
  fails('select on 1D', function() return torch.DoubleTensor(3):select(1, 1) end, 'select')
  fails('transpose bad dim', function() return t:transpose(1, 3) end, 'transpose', 'dimension')
  fails('transpose dim 0', function() return t:transpose(0, 1) end, 'transpose')
  fails('t() of 3D', function() return torch.DoubleTensor(2, 3, 4):t() end, 't', '3D')
  fails('t() of 1D', function() return torch.DoubleTensor(2):t() end, 't', '1D')
  fails('permute too few', function() return t:permute(1) end, 'permute')
  fails('permute repeated', function() return t:permute(1, 1) end, 'permute')
  fails('permute out of range', function() return t:permute(1, 3) end, 'permute')
  fails('unfold too large', function() return t:unfold(2, 5, 1) end, 'unfold', '5')
  fails('unfold step 0', function() return t:unfold(2, 2, 0) end, 'unfold', 'step')
  fails('unfold bad dim', function() return t:unfold(3, 1, 1) end, 'unfold', 'dimension')
  fails('size bad dim', function() return t:size(3) end, 'size', '3')
  fails('size dim 0', function() return t:size(0) end, 'size')
  fails('stride bad dim', function() return t:stride(3) end, 'stride', '3')
  fails('squeeze bad dim', function() return t:squeeze(3) end, 'squeeze')
  -- the tensor is untouched by all of the above
  yes(sizes_str(t) == '3x4/4,1@1', 'failed view calls leave the tensor alone, got ' .. sizes_str(t))
end

function T.view_and_expand_shapes()
  local t = m34()
  fails('view of a transposed tensor', function() return t:t():view(12) end, 'view', 'contiguous')
  fails('view of a column narrow', function() return t:narrow(2, 2, 2):view(6) end, 'view')
  fails('view with the wrong count', function() return t:view(5, 2) end, 'view', '[3 x 4]', '12', '10')
  fails('view with two -1', function() return t:view(-1, -1) end, 'view')
  fails('view -1 that does not divide', function() return t:view(-1, 5) end, 'view')
  fails('viewAs with the wrong count', function() return t:viewAs(torch.DoubleTensor(5)) end, 'view')
  fails('view with a non-number', function() return t:view('a') end, 'view')
  fails('expand a non-singleton dim', function() return t:expand(3, 8) end, 'expand', '[3 x 4]')
  fails('expand to fewer dims', function() return t:expand(12) end, 'expand')
  fails('expandAs mismatch', function() return t:expandAs(torch.DoubleTensor(6, 4)) end, 'expand', '[3 x 4]')
  fails('reshape with the wrong count', function() return t:reshape(5) end, 'reshape')
  fails('resizeAs a non-tensor', function() return t:resizeAs(5) end, 'resizeAs')
  yes(sizes_str(t) == '3x4/4,1@1', 'failed view calls leave the tensor alone, got ' .. sizes_str(t))
end

function T.wrong_argument_types()
  local t = m34()
  fails('narrow with a string', function() return t:narrow('a', 1, 1) end, 'narrow')
  fails('narrow with nil', function() return t:narrow(1, nil, 1) end, 'narrow')
  fails('select with a table', function() return t:select(1, {}) end, 'select')
  fails('transpose with a string', function() return t:transpose('x', 1) end, 'transpose')
  fails('permute with a string', function() return t:permute('a', 1) end, 'permute')
  fails('unfold with a string', function() return t:unfold('a', 1, 1) end, 'unfold')
  fails('unfold with nil', function() return t:unfold(1, nil, 1) end, 'unfold')
  fails('sub with a string', function() return t:sub('a', 2) end, 'sub')
  fails('squeeze with a string', function() return t:squeeze('a') end, 'squeeze')
  fails('expand with a string', function() return t:expand('a', 4) end, 'expand')
  fails('fill with a string', function() return t:fill('a') end, 'fill')
  fails('fill with nil', function() return t:fill() end, 'fill')
  fails('resize with a string', function() return t:resize('a') end, 'resize')
  fails('copy from a number', function() return t:copy(1) end, 'copy')
  fails('typeAs a number', function() return t:typeAs(1) end, 'type')
  fails('type with a bad name', function() return t:type('torch.NopeTensor') end, 'type', 'torch.NopeTensor')
  fails('isSameSizeAs a number', function() return t:isSameSizeAs(1) end, 'isSameSizeAs')
  fails('isSetTo a number', function() return t:isSetTo(1) end, 'isSetTo')
  fails('set with a number', function() return t:set(1) end, 'set')
  fails('set with a tensor of another type', function() return t:set(torch.FloatTensor(3)) end, 'set')
  fails('set with a storage of another type', function() return t:set(torch.FloatStorage(3)) end, 'set')
  fails('viewAs a number', function() return t:viewAs(3) end, 'viewAs')
  fails('map with a number', function() return t:map(3, function() end) end, 'map')
  fails('map2 size mismatch', function() return t:map2(m34(), torch.DoubleTensor(5), function() end) end, 'map2')
  fails('maskedFill with a number mask', function() return t:maskedFill(3, 1) end, 'maskedFill')
  fails('maskedSelect with a double mask', function() return t:maskedSelect(m34()) end, 'maskedSelect', 'ByteTensor')
  fails('storage index with a string', function() return torch.DoubleStorage(3):fill('x') end, 'fill')
  fails('setdefaulttensortype with a bad name', function() torch.setdefaulttensortype('torch.Nope') end,
    'setdefaulttensortype')
  yes(torch.getdefaulttensortype() == 'torch.DoubleTensor', 'default type unchanged by a failed call')
  yes(sizes_str(t) == '3x4/4,1@1', 'failed calls leave the tensor alone, got ' .. sizes_str(t))
end

function T.constructor_errors()
  fails('negative size', function() return torch.DoubleTensor(2, -3) end, 'Tensor', '-3')
  fails('string size', function() return torch.DoubleTensor(2, 'a') end, 'Tensor')
  fails('nil among sizes', function() return torch.FloatTensor(2, nil, 3) end, 'Tensor')
  fails('sharing a tensor of another type', function() return torch.FloatTensor(torch.DoubleTensor(2)) end, 'Tensor')
  fails('a boolean', function() return torch.IntTensor(true) end, 'Tensor')
  fails('a function', function() return torch.IntTensor(print) end, 'Tensor')
  fails('a storage of another type as sizes', function() return torch.FloatTensor(torch.IntStorage({ 2 })) end, 'Tensor')
  local s = torch.DoubleStorage(10)
  fails('view past the end of the storage', function() return torch.DoubleTensor(s, 5, torch.LongStorage({ 2, 4 })) end,
    'Tensor')
  fails('negative storage offset', function() return torch.DoubleTensor(s, 0, torch.LongStorage({ 2 })) end, 'Tensor')
  fails('strided view past the end', function() return torch.DoubleTensor(s, 1, 3, 5, 2, 1) end, 'Tensor')
  fails('17 dimensions', function()
    local sz = {}
    for i = 1, 17 do sz[i] = 1 end
    return torch.DoubleTensor(unpack(sz))
  end, '16')
  fails('too large', function() return torch.DoubleTensor(1e9, 1e9) end, 'too large')
  fails('overflowing', function() return torch.ByteTensor(2 ^ 40, 2 ^ 40) end)
  fails('negative storage size', function() return torch.FloatStorage(-1) end, 'Storage', '-1')
  fails('huge storage', function() return torch.DoubleStorage(2 ^ 60) end, 'Storage')
  fails('storage from a ragged table', function() return torch.FloatStorage({ 1, 'a' }) end, 'Storage')
  fails('storage resize negative', function() return torch.FloatStorage(2):resize(-1) end, 'resize')
  fails('resize negative', function() return torch.FloatTensor(2):resize(2, -1) end, 'resize')
end

function T.storage_errors()
  local s = torch.IntStorage(4)
  fails('s[5]', function() return s[5] end, '5', '4')
  fails('s[0] = 1', function() s[0] = 1 end, '0')
  fails('copy size mismatch', function() s:copy(torch.IntStorage(3)) end, 'copy', '4', '3')
  fails('copy from a tensor', function() s:copy(torch.IntTensor(4)) end, 'copy')
  fails('resize a view storage', function() torch.IntStorage(s, 1, 2):resize(10) end, 'resize')
  fails('mmap missing file', function() return torch.IntStorage('/nonexistent/dir/file.bin', false) end,
    'Storage', '/nonexistent/dir/file.bin')
end

function T.copy_size_mismatch_shapes()
  local a = torch.FloatTensor(2, 3)
  local msg = fails('copy size mismatch', function() a:copy(torch.IntTensor(4, 2)) end, 'copy', '[2 x 3]', '[4 x 2]')
  yes(not msg:find('%%'), 'message has no stray format characters')
  fails('copy into an empty tensor', function() torch.FloatTensor():copy(torch.FloatTensor(2)) end, 'copy')
end

function T.errors_report_the_callers_line()
  -- the position in the message is the user's line, not the binding's
  local t = m34()
  local where = debug.getinfo(1, 'S').short_src
  -- (no tail calls below: they would drop the caller's frame)
  local r
  for name, f in pairs({
    narrow = function() r = t:narrow(1, 5, 1); return r end,
    select = function() r = t:select(1, 9); return r end,
    copy = function() r = t:copy(torch.DoubleTensor(5)); return r end,
    view = function() r = t:t():view(12); return r end,
    index = function() r = t[9]; return r end,
    expand = function() r = t:expand(5, 5); return r end,
    unfold = function() r = t:unfold(1, 9, 1); return r end,
    permute = function() r = t:permute(2, 2); return r end,
    fill = function() r = t:fill('x'); return r end,
    ctor = function() r = torch.DoubleTensor(-1); return r end,
  }) do
    local ok, msg = pcall(f)
    yes(not ok, name .. ' should fail')
    yes(tostring(msg):find(where, 1, true) ~= nil,
      name .. ': error position should be in the caller (' .. where .. '), got "' .. tostring(msg) .. '"')
  end
end

function T.fresh_messages_and_still_usable()
  -- an error does not leave a stale message behind for the next one, and
  -- the library keeps working after many errors
  local t = m34()
  local m1 = fails('first', function() return t:narrow(1, 9, 1) end, 'narrow')
  local m2 = fails('second', function() return t:transpose(1, 7) end, 'transpose')
  yes(m1 ~= m2, 'two different errors give two different messages')
  yes(not m2:find('narrow', 1, true), 'the second message does not carry the first')
  for _ = 1, 1000 do pcall(function() return t:select(5, 1) end) end
  local u = t:t():contiguous()
  yes(u:size(1) == 4 and u:storage()[2] == t:storage()[5], 'tensors work after many errors')
end

-- Each test fails at its end with every problem it recorded.
for name, f in pairs(T) do
  T[name] = function()
    problems = {}
    f()
    if #problems > 0 then
      error(#problems .. ' problem(s):\n  ' .. table.concat(problems, '\n  '), 0)
    end
  end
end

return T
