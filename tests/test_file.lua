-- tests/test_file.lua: torch.File, torch.DiskFile, torch.MemoryFile and
-- torch.PipeFile (API.md 1.1.5 and the encodings of 3.1).

local helpers = require 'helpers'

local tests = {}

local function with_dir(fn)
  local dir = helpers.tmpdir()
  local ok, err = pcall(fn, dir)
  helpers.rmtree(dir)
  if not ok then error(err, 0) end
end

local function read_bytes(path)
  local f = assert(io.open(path, 'rb'))
  local s = f:read('*a')
  f:close()
  return s
end

local function hex(s)
  return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end))
end

-- What a MemoryFile holds, without the trailing NUL.
local function contents(mf)
  local s = mf:storage():string()
  return s:sub(1, -2)
end

tests.file_has_the_41_methods = function()
  local names = {
    'ascii', 'binary', 'autoSpacing', 'noAutoSpacing', 'quiet', 'pedantic', 'clearError',
    'isQuiet', 'isReadable', 'isWritable', 'isBinary', 'isAutoSpacing', 'hasError',
    'readByte', 'readChar', 'readShort', 'readInt', 'readLong', 'readFloat', 'readDouble',
    'readString', 'readBool',
    'writeByte', 'writeChar', 'writeShort', 'writeInt', 'writeLong', 'writeFloat', 'writeDouble',
    'writeString', 'writeBool',
    'synchronize', 'seek', 'seekEnd', 'position', 'close',
    'readObject', 'writeObject', 'isWritableObject', 'referenced', 'isReferenced',
  }
  assert_eq(#names, 41)
  local mt = torch.getmetatable('torch.File')
  for _, n in ipairs(names) do
    assert(type(mt[n]) == 'function', 'torch.File lacks ' .. n)
  end
  for _, n in ipairs({ 'bigEndianEncoding', 'littleEndianEncoding', 'nativeEndianEncoding',
                       'isBigEndianCPU', 'isLittleEndianCPU', 'longSize', 'noBuffer' }) do
    assert(type(torch.DiskFile[n]) == 'function', 'torch.DiskFile lacks ' .. n)
  end
  assert(type(torch.MemoryFile.storage) == 'function')
  assert(type(torch.MemoryFile.longSize) == 'function')
  assert(torch.isTypeOf(torch.MemoryFile(), 'torch.File'))
  assert(torch.isTypeOf(torch.PipeFile('true'), 'torch.DiskFile'))
  assert_error(function() return torch.File() end, 'abstract')
end

tests.diskfile_starts_ascii_and_writes_torch7_text = function()
  with_dir(function(dir)
    local path = dir .. '/a.txt'
    local f = torch.DiskFile(path, 'w')
    assert(not f:isBinary() and f:isAutoSpacing() and f:isWritable() and not f:isReadable())
    f:writeInt(3)
    f:writeDouble(0.1)
    f:writeFloat(0.1)
    f:writeLong(-2 ^ 40)
    f:writeShort(-7)
    f:writeInt(torch.IntStorage({ 1, 2, 3 }))
    f:writeDouble(torch.DoubleStorage({ 1 / 0, -1 / 0 }))
    f:writeChar(torch.CharStorage():string('hi\nthere'))
    f:writeInt(torch.IntStorage())   -- nothing, not even a newline
    f:writeByte(65)
    f:close()
    assert_eq(read_bytes(path), '3\n0.10000000000000001\n0.100000001\n-1099511627776\n-7\n' ..
              '1 2 3\ninf -inf\nhi\nthere\nA\n')
  end)
end

tests.ascii_reads_back_every_type = function()
  local f = torch.MemoryFile()
  f:ascii()
  f:writeByte(200); f:writeChar(-5); f:writeShort(-300); f:writeInt(2 ^ 31 - 1)
  f:writeLong(-2 ^ 53); f:writeFloat(1.5); f:writeDouble(math.pi); f:writeBool(true)
  f:writeDouble(torch.DoubleStorage({ 0 / 0, 4.9e-324, -0.0 }))
  f:writeString('raw')
  f:seek(1)
  assert_eq(f:readByte(), 200); assert_eq(f:readChar(), -5); assert_eq(f:readShort(), -300)
  assert_eq(f:readInt(), 2 ^ 31 - 1); assert_eq(f:readLong(), -2 ^ 53)
  assert_eq(f:readFloat(), 1.5); assert_eq(f:readDouble(), math.pi); assert_eq(f:readBool(), true)
  local s = f:readDouble(3)
  assert(s[1] ~= s[1], 'NaN survives')
  assert_eq(s[2], 4.9e-324)
  assert_eq(1 / s[3], -1 / 0)
  assert_eq(f:readString('*a'), 'raw')
end

tests.binary_layout_is_native_little_endian = function()
  local f = torch.MemoryFile():binary()
  f:writeInt(1); f:writeShort(2); f:writeLong(3); f:writeDouble(3.5); f:writeFloat(1); f:writeByte(255)
  assert_eq(hex(contents(f)), '01000000' .. '0200' .. '0300000000000000' .. '0000000000000c40' ..
            '0000803f' .. 'ff')
  f:seek(1)
  assert_eq(f:readInt(), 1); assert_eq(f:readShort(), 2); assert_eq(f:readLong(), 3)
  assert_eq(f:readDouble(), 3.5); assert_eq(f:readFloat(), 1); assert_eq(f:readByte(), 255)
end

tests.endianness_and_long_size = function()
  with_dir(function(dir)
    local path = dir .. '/e.bin'
    local f = torch.DiskFile(path, 'w'):binary():bigEndianEncoding()
    assert(f:isLittleEndianCPU() ~= f:isBigEndianCPU())
    f:writeInt(1)
    f:writeShort(torch.ShortStorage({ 1, 2 }))
    f:writeDouble(1)
    f:littleEndianEncoding():longSize(4)
    f:writeLong(-2)
    f:writeLong(torch.LongStorage({ 5, 2 ^ 31 - 1 }))
    f:bigEndianEncoding()
    f:writeLong(7)
    f:nativeEndianEncoding():longSize(8)
    f:writeLong(9)
    f:close()
    assert_eq(hex(read_bytes(path)), '00000001' .. '00010002' .. '3ff0000000000000' ..
              'feffffff' .. '05000000ffffff7f' .. '00000007' .. '0900000000000000')
    local r = torch.DiskFile(path, 'r'):binary():bigEndianEncoding()
    assert_eq(r:readInt(), 1)
    assert_eq(r:readShort(2):totable(), { 1, 2 })
    assert_eq(r:readDouble(), 1)
    r:littleEndianEncoding():longSize(4)
    assert_eq(r:readLong(), -2)   -- sign-extended
    assert_eq(r:readLong(2):totable(), { 5, 2 ^ 31 - 1 })
    r:bigEndianEncoding()
    assert_eq(r:readLong(), 7)
    r:nativeEndianEncoding():longSize(0)
    assert_eq(r:readLong(), 9)
    r:close()
    assert_error(function() torch.DiskFile(path, 'r'):longSize(3) end, 'longSize')
  end)
end

tests.big_transfers_bypass_the_buffer = function()
  with_dir(function(dir)
    local path = dir .. '/big.bin'
    local n = 3 * 1000 * 1000 + 7
    local src = torch.DoubleStorage(n)
    for i = 1, n, 997 do src[i] = i end
    for _, order in ipairs({ 'nativeEndianEncoding', 'bigEndianEncoding' }) do
      local f = torch.DiskFile(path, 'w'):binary()
      f[order](f)
      f:writeInt(42)
      assert_eq(f:writeDouble(src), n)
      f:writeInt(43)
      f:close()
      local r = torch.DiskFile(path, 'r'):binary()
      r[order](r)
      assert_eq(r:readInt(), 42)
      local back = r:readDouble(n)
      assert_eq(r:readInt(), 43)
      r:close()
      for i = 1, n, 997 do assert_eq(back[i], src[i]) end
      assert_eq(back[2], src[2])
    end
  end)
end

tests.positions_are_one_based = function()
  local f = torch.MemoryFile():binary()
  assert_eq(f:position(), 1)
  f:writeInt(10); f:writeInt(20); f:writeInt(30)
  assert_eq(f:position(), 13)
  f:seek(5)
  assert_eq(f:readInt(), 20)
  f:seekEnd()
  assert_eq(f:position(), 13)
  assert_error(function() f:seek(100) end, 'seek')
  assert_error(function() f:seek(0) end, 'seek')
  with_dir(function(dir)
    local d = torch.DiskFile(dir .. '/p', 'w'):binary()
    d:writeInt(torch.IntStorage({ 1, 2, 3 }))
    assert_eq(d:position(), 13)
    d:seek(5)
    d:writeInt(99)
    d:seekEnd()
    assert_eq(d:position(), 13)
    d:close()
    local r = torch.DiskFile(dir .. '/p', 'r'):binary()
    assert_eq(r:readInt(3):totable(), { 1, 99, 3 })
    r:seek(9)
    assert_eq(r:position(), 9)
    assert_eq(r:readInt(), 3)
  end)
end

tests.rw_mode_interleaves_reads_and_writes = function()
  with_dir(function(dir)
    local path = dir .. '/rw'
    local f = torch.DiskFile(path, 'rw'):binary()
    f:writeInt(torch.IntStorage({ 1, 2, 3, 4 }))
    f:seek(1)
    assert_eq(f:readInt(), 1)
    f:writeInt(20)         -- overwrites the second int
    assert_eq(f:readInt(), 3)
    f:seek(1)
    assert_eq(f:readInt(4):totable(), { 1, 20, 3, 4 })
    f:close()
  end)
end

tests.readstring_lines_and_all = function()
  local f = torch.MemoryFile()
  f:writeString('first line\nsecond\n\nlast')
  f:seek(1)
  assert_eq(f:readString('*l'), 'first line')
  assert_eq(f:readString('*l'), 'second')
  assert_eq(f:readString('*l'), '')
  assert_eq(f:readString('*a'), 'last')
  assert_eq(f:readString('*a'), '')
  assert_error(function() f:readString('*l') end, 'read error')
  assert_error(function() f:readString('*x') end, "format must be")
end

tests.count_and_storage_forms = function()
  local f = torch.MemoryFile():binary()
  assert_eq(f:writeFloat(torch.FloatStorage({ 1, 2, 3 })), 3)
  assert_eq(f:writeFloat(4), 1)
  f:seek(1)
  local s = f:readFloat(2)
  assert_eq(torch.type(s), 'torch.FloatStorage')
  assert_eq(s:totable(), { 1, 2 })
  local into = torch.FloatStorage(2)
  assert_eq(f:readFloat(into), 2)
  assert_eq(into:totable(), { 3, 4 })
  assert_error(function() f:readFloat(torch.DoubleStorage(2)) end, 'FloatStorage')
  assert_error(function() f:writeInt('x') end, 'writeInt')
  assert_error(function() f:writeBool(1) end, 'boolean expected')
end

tests.quiet_mode_records_errors = function()
  local f = torch.MemoryFile():binary()
  f:writeInt(5)
  f:seek(1)
  assert_eq(f:readInt(), 5)
  assert_error(function() f:readInt() end, 'read error: read 0 blocks instead of 1')
  assert(f:hasError())
  f:clearError()
  assert(not f:hasError())
  f:quiet()
  assert(f:isQuiet())
  assert_eq(f:readInt(), 0)
  assert(f:hasError())
  local s = f:readInt(3)
  assert_eq(s:size(), 0)
  f:pedantic():clearError()
  assert_error(function() f:readDouble() end, 'read error')
end

tests.direction_and_closed_checks = function()
  with_dir(function(dir)
    local path = dir .. '/x'
    local w = torch.DiskFile(path, 'w')
    assert_error(function() w:readInt() end, 'write-only')
    w:writeInt(1)
    w:close()
    assert_error(function() w:writeInt(1) end, 'closed file')
    w:close()   -- closing twice is harmless
    local r = torch.DiskFile(path, 'r')
    assert_error(function() r:writeInt(1) end, 'read-only')
    assert_eq(r:readInt(), 1)
    r:close()
    assert_error(function() r:readInt() end, 'closed file')
    assert_error(function() torch.DiskFile(dir .. '/missing', 'r') end, 'cannot open')
    assert_eq(torch.DiskFile(dir .. '/missing', 'r', true), nil)
    assert_error(function() torch.DiskFile(dir, 'r') end, 'directory')
    assert_error(function() torch.DiskFile(path, 'x') end, "mode should be")
    local mr = torch.MemoryFile('r')
    assert_error(function() mr:writeInt(1) end, 'read-only')
  end)
end

tests.nobuffer_writes_through = function()
  with_dir(function(dir)
    local path = dir .. '/nb'
    local f = torch.DiskFile(path, 'w'):noBuffer()
    f:writeString('abc')
    assert_eq(read_bytes(path), 'abc')
    f:writeInt(7)
    assert_eq(read_bytes(path), 'abc7\n')
    f:close()
    local buffered = torch.DiskFile(path, 'w')
    buffered:writeString('xyz')
    assert_eq(read_bytes(path), '')
    buffered:synchronize()
    assert_eq(read_bytes(path), 'xyz')
    buffered:close()
  end)
end

tests.memoryfile_storage_has_trailing_nul = function()
  local f = torch.MemoryFile('w')
  f:writeString('abc')
  local s = f:storage()
  assert_eq(torch.type(s), 'torch.CharStorage')
  assert_eq(s:size(), 4)
  assert_eq(s[4], 0)
  local r = torch.MemoryFile(torch.CharStorage():string('12 34\0'), 'r')
  assert_eq(r:readInt(), 12)
  assert_eq(r:readInt(), 34)
  assert_error(function() torch.MemoryFile(torch.CharStorage():string('no nul')) end,
               'terminated by 0')
  assert_error(function() torch.MemoryFile('q') end, "mode should be")
  -- writes into a given storage grow it and keep it NUL-terminated
  local cs = torch.CharStorage():string('\0')
  local g = torch.MemoryFile(cs, 'w')
  g:writeString(string.rep('z', 1000))
  local out = g:storage()
  assert_eq(out:size(), 1001)
  assert_eq(out:string():sub(1, 1000), string.rep('z', 1000))
end

tests.memoryfile_survives_a_storage_shrunk_behind_its_back = function()
  local f = torch.MemoryFile()
  f:writeString(string.rep('a', 100))
  local s = f:storage()
  s:resize(10)
  f:seek(1)
  local rest = f:readString('*a')
  assert(#rest <= 10)
  f:writeString('more')   -- must not crash
end

tests.pipefile_reads_and_writes = function()
  local p = torch.PipeFile("printf '1 2 3\\nhello\\n'")
  assert(not p:isBinary())
  assert_eq(p:readInt(3):totable(), { 1, 2, 3 })
  assert_eq(p:readString('*l'), 'hello')
  p:close()
  with_dir(function(dir)
    local path = dir .. '/out'
    local w = torch.PipeFile("cat > '" .. path .. "'", 'w')
    w:writeDouble(torch.DoubleStorage({ 1.5, 2 }))
    w:close()
    assert_eq(read_bytes(path), '1.5 2\n')
  end)
  assert_error(function() torch.PipeFile('true', 'rw') end, "mode should be 'r' or 'w'")
  local q = torch.PipeFile('true')
  assert_error(function() q:seek(2) end, 'seek')
  q:close()
end

tests.noautospacing_writes_no_separators = function()
  local f = torch.MemoryFile():noAutoSpacing()
  assert(not f:isAutoSpacing())
  f:writeInt(torch.IntStorage({ 1, 2 }))
  f:writeChar(torch.CharStorage():string('ab'))
  assert_eq(contents(f), '12ab')
  f:autoSpacing()
  assert(f:isAutoSpacing())
end

tests.bad_ascii_numbers_are_errors = function()
  local f = torch.MemoryFile(torch.CharStorage():string('12 x3 99999999999 \0'), 'r')
  assert_eq(f:readInt(), 12)
  assert_error(function() f:readInt() end, "'x3' is not a valid Int")
  assert_error(function() f:readInt() end, 'not a valid Int')
  local g = torch.MemoryFile(torch.CharStorage():string(string.rep('9', 100) .. '\0'), 'r')
  assert_error(function() g:readDouble() end, 'too long')
end

tests.unclosed_files_flush_when_collected = function()
  with_dir(function(dir)
    local path = dir .. '/gc'
    do
      local f = torch.DiskFile(path, 'w')
      f:writeInt(5)
    end
    collectgarbage()
    collectgarbage()
    assert_eq(read_bytes(path), '5\n')
  end)
end

tests.half_storage_read_write = function()
  local f = torch.MemoryFile()
  local h = torch.HalfStorage({ 1, -2.5, 65504 })
  h:write(f)
  f:seek(1)
  local back = torch.HalfStorage()
  back:read(f)
  assert_eq(back:totable(), { 1, -2.5, 65504 })
  assert_eq(contents(f), '3\n1 -2.5 65504\n')
end

return tests
