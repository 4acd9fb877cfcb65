-- serialize.lua: torch.save and torch.load of a 100M-element FloatTensor
-- (400 MB) against plain fwrite/fread of the same bytes (bench/serialize_ref.c,
-- compiled here with cc into a temporary directory).
--
--   build/th bench/serialize.lua [ROUNDS=3] [ELEMENTS=100000000] [DIR=/tmp]
--
-- Each round times ours and the reference alternately (after a `sync`, so
-- no write pays for another's dirty pages); the table shows the
-- best of the rounds in MB/s and the ratio ours/reference (> 1: ours is
-- faster). torch.save is atomic and durable (fsync before the rename), so
-- its fair reference is fwrite + fsync; fwrite without fsync is shown too.
-- Loads read from the page cache (the file was just written) into freshly
-- allocated memory on both sides. Files go to DIR and are removed.

local ffi = require 'ffi'

local rounds = tonumber(arg[1]) or 3
local n = tonumber(arg[2]) or 100 * 1000 * 1000
local dir = arg[3] or '/tmp'
local bytes = n * 4
local mb = bytes / 1e6

local here = (arg[0] or ''):match('^(.*)/[^/]*$') or '.'
local tmp = io.popen('mktemp -d ' .. dir .. '/tl-bench-ser.XXXXXX'):read('*l')
local function sh(cmd)
  local p = io.popen(cmd)
  local out = p:read('*a')
  local ok = p:close()
  return out, ok
end
local function cleanup() os.execute("rm -rf '" .. tmp .. "'") end

local ref = tmp .. '/serialize_ref'
local _, built = sh(string.format("cc -O2 -Wall -o '%s' '%s/serialize_ref.c' 2>&1", ref, here))
if not built then
  cleanup()
  error('cannot build bench/serialize_ref.c')
end

ffi.cdef [[
  typedef struct tl_bser_timespec { long tv_sec; long tv_nsec; } tl_bser_timespec;
  int tl_bser_clock_gettime(int clk, tl_bser_timespec *ts) __asm__("clock_gettime");
]]
local ts = ffi.new('tl_bser_timespec')
local function now()
  ffi.C.tl_bser_clock_gettime(1, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

local function ref_time(...)
  local out = sh(table.concat({ ref, ... }, ' '))
  local t = tonumber(out)
  if not t then
    cleanup()
    error('serialize_ref failed: ' .. out)
  end
  return t
end

local t = torch.FloatTensor(n):fill(1)
local ours_path, ref_path = tmp .. '/ours.t7', tmp .. '/ref.bin'
local best = {}
local function keep(name, secs) best[name] = math.min(best[name] or math.huge, secs) end

for r = 1, rounds do
  io.stderr:write(string.format('bench serialize: round %d of %d\n', r, rounds))
  -- every write starts with no dirty pages: an fsync would otherwise
  -- also pay for the previous writer's data
  os.execute('sync')
  keep('ref_write_fsync', ref_time('write', ref_path, bytes, 1))
  os.execute('sync')
  local t0 = now()
  torch.save(ours_path, t)
  keep('save', now() - t0)
  os.execute('sync')
  keep('ref_write', ref_time('write', ref_path, bytes, 0))
  os.execute('sync')
  keep('ref_read', ref_time('read', ref_path, bytes))
  collectgarbage()
  t0 = now()
  local back = torch.load(ours_path)
  keep('load', now() - t0)
  assert(back:nElement() == n)
  back = nil
  collectgarbage()
end
cleanup()

local function rate(name) return mb / best[name] end
print(string.format('serialize bench: FloatTensor of %d elements (%.0f MB), best of %d rounds', n, mb, rounds))
print(string.format('  %-36s %9.0f MB/s', 'torch.save (atomic, fsync)', rate('save')))
print(string.format('  %-36s %9.0f MB/s   ratio %.2f', 'fwrite + fsync (reference)', rate('ref_write_fsync'),
                    rate('save') / rate('ref_write_fsync')))
print(string.format('  %-36s %9.0f MB/s   ratio %.2f', 'fwrite, no fsync', rate('ref_write'),
                    rate('save') / rate('ref_write')))
print(string.format('  %-36s %9.0f MB/s', 'torch.load', rate('load')))
print(string.format('  %-36s %9.0f MB/s   ratio %.2f', 'fread into fresh memory (reference)', rate('ref_read'),
                    rate('load') / rate('ref_read')))
