-- tests/make_t7_fixtures.lua: writes the .t7 fixtures of tests/data/.
--
--   build/th tests/make_t7_fixtures.lua
--
-- Each fixture is assembled byte by byte from API.md section 3 (the worked
-- examples of 3.3 and the grammar of 3.2), not with torch.save, so the
-- tests compare Torchlight's writer and reader against an independent
-- encoding of Torch7's format (x86-64, little-endian). Torch7 itself is not
-- available here; these are the bytes it is documented to produce.

local ffi = require 'ffi'

local here = (arg and arg[0] or ''):match('^(.*)/[^/]*$') or '.'
local out = here .. '/data'
os.execute("mkdir -p '" .. out .. "'")

-- ---- binary primitives (little-endian) -------------------------------------
local function le(n, bytes)
  local t = {}
  for i = 1, bytes do
    t[i] = string.char(n % 256)
    n = math.floor(n / 256)
  end
  return table.concat(t)
end
local function int(n) return le(n < 0 and n + 2 ^ 32 or n, 4) end
local function long(n) return le(n, 8) end
local function double(x)
  local b = ffi.new('double[1]', x)
  return ffi.string(b, 8)
end
local function lstr(s) return int(#s) .. s end

-- ---- ascii primitives ---------------------------------------------------------
local function aint(n) return string.format('%d\n', n) end
local function alstr(s) return aint(#s) .. s .. '\n' end

local fixtures = {}

-- 3.3: torch.save(f, 3.5) gives 12 bytes
fixtures['number_3.5.t7'] = int(1) .. double(3.5)

-- 3.3: torch.serialize(nil)
fixtures['nil.t7'] = int(0)

-- 3.3: torch.Tensor{{1,2},{3,4}}, binary
fixtures['tensor_2x2.t7'] = table.concat {
  int(4), int(1), lstr('V 1'), lstr('torch.DoubleTensor'),
  int(2), long(2), long(2), long(2), long(1), long(1),
  int(4), int(2), lstr('V 1'), lstr('torch.DoubleStorage'),
  long(4), double(1), double(2), double(3), double(4),
}

-- 3.3: the same tensor in ascii
fixtures['tensor_2x2_ascii.t7'] = table.concat({
  '4', '1', '3', 'V 1', '18', 'torch.DoubleTensor', '2', '2 2', '2 1', '1',
  '4', '2', '3', 'V 1', '19', 'torch.DoubleStorage', '4', '1 2 3 4', '',
}, '\n')

-- 3.3: {a=1, [2]='xy', c=true, d=t, e=t} in ascii, in Torchlight's key
-- order (numbers, then strings sorted); d holds the tensor, e refers back
-- to index 2. Plus f=0.1, written as %.17g.
local atensor = table.concat({
  '4', '2', '3', 'V 1', '18', 'torch.DoubleTensor', '2', '2 2', '2 1', '1',
  '4', '3', '3', 'V 1', '19', 'torch.DoubleStorage', '4', '1 2 3 4', '',
}, '\n')
fixtures['table_ascii.t7'] = table.concat {
  aint(3), aint(1), aint(6),
  aint(1), '2\n', aint(2), alstr('xy'),
  aint(2), alstr('a'), aint(1), '1\n',
  aint(2), alstr('c'), aint(5), aint(1),
  aint(2), alstr('d'), atensor,
  aint(2), alstr('e'), aint(4), aint(2),
  aint(2), alstr('f'), aint(1), '0.10000000000000001\n',
}

-- 3.3: LongTensor{5} with longSize(4): every long is 4 bytes
fixtures['long_b32.t7'] = table.concat {
  int(4), int(1), lstr('V 1'), lstr('torch.LongTensor'),
  int(1), int(1), int(1), int(1),
  int(4), int(2), lstr('V 1'), lstr('torch.LongStorage'),
  int(1), int(5),
}

-- 3.2: a legacy file: no "V n", the first string is the class name
fixtures['legacy_float_tensor.t7'] = table.concat {
  int(4), int(1), lstr('torch.FloatTensor'),
  int(1), long(3), long(1), long(1),
  int(4), int(2), lstr('torch.FloatStorage'),
  long(3), ffi.string(ffi.new('float[3]', { 1.5, -2, 0.25 }), 12),
}

-- 3.2: a transposed 3x2 view of a 2x3 tensor: sizes 3 2, strides 1 3,
-- the whole 6-element storage; a second tensor shares the storage
local storage6 = table.concat {
  int(4), int(3), lstr('V 1'), lstr('torch.DoubleStorage'),
  long(6), double(1), double(2), double(3), double(4), double(5), double(6),
}
fixtures['shared_views.t7'] = table.concat {
  int(3), int(1), int(2),
  int(1), double(1),
  int(4), int(2), lstr('V 1'), lstr('torch.DoubleTensor'),
  int(2), long(3), long(2), long(1), long(3), long(1), storage6,
  int(1), double(2),
  int(4), int(4), lstr('V 1'), lstr('torch.DoubleTensor'),
  int(1), long(2), long(1), long(5), int(4), int(3),
}

-- 3.2: an empty tensor: d=0, offset 1, nil storage
fixtures['empty_tensor.t7'] = table.concat {
  int(4), int(1), lstr('V 1'), lstr('torch.FloatTensor'),
  int(0), long(1), int(0),
}

local names = {}
for name in pairs(fixtures) do names[#names + 1] = name end
table.sort(names)
for _, name in ipairs(names) do
  local f = assert(io.open(out .. '/' .. name, 'wb'))
  f:write(fixtures[name])
  f:close()
  print(string.format('%-28s %5d bytes', name, #fixtures[name]))
end
