-- tests/run.lua: Torchlight's test runner.
--
--   build/th tests/run.lua [-v] [--dir DIR] [pattern ...]
--
-- Loads every test_*.lua in DIR (default: this file's directory), sorted by
-- name. Each file returns a table mapping test names to functions; tests
-- run in sorted name order, each under xpcall with a traceback. A test
-- fails by raising an error, and skips by calling skip(reason) (or raising
-- tests_skip(reason)). A pattern (plain text or Lua pattern) selects the
-- tests whose file name, test name or "file:test" contains it.
--
-- Output: a FAIL block per failure (with its traceback), a SKIP line per
-- skip, a line per file with its counts, and last exactly
-- "N passed, N failed, N skipped". Exits 1 when anything failed or when no
-- test ran. Every test starts from the same random seeds.
--
-- Globals for tests: skip, tests_skip, assert_near, assert_eq,
-- assert_error (see tests/helpers.lua, also loadable as require 'helpers').

local SEED = 1234

local function usage()
  print('usage: th tests/run.lua [-v] [--dir DIR] [pattern ...]')
end

-- ---- command line ---------------------------------------------------------
local here = (arg and arg[0] or ''):match('^(.*)/[^/]*$') or '.'
local dir, verbose, patterns = here, false, {}
do
  local i = 1
  while arg and arg[i] do
    local a = arg[i]
    if a == '--dir' then
      i = i + 1
      dir = arg[i] or error('--dir needs a directory')
    elseif a == '-v' then
      verbose = true
    elseif a == '-h' or a == '--help' then
      usage()
      return
    else
      patterns[#patterns + 1] = a
    end
    i = i + 1
  end
end

package.path = here .. '/?.lua;' .. package.path
local helpers = require 'helpers'

-- ---- skipping -------------------------------------------------------------
local skip_mt = {__tostring = function(s) return 'skipped: ' .. s.reason end}

function tests_skip(reason)
  return setmetatable({reason = tostring(reason or 'no reason given')}, skip_mt)
end

function skip(reason)
  error(tests_skip(reason), 0)
end

assert_near = helpers.assert_near
assert_eq = helpers.assert_eq
assert_error = helpers.assert_error

-- ---- selection ------------------------------------------------------------
local function selected(file, name)
  if #patterns == 0 then return true end
  for _, p in ipairs(patterns) do
    if helpers.matches(file, p) or (name and (helpers.matches(name, p)
        or helpers.matches(file .. ':' .. name, p))) then
      return true
    end
  end
  return false
end

local function list_files()
  local p = io.popen('ls -1 ' .. helpers.quote(dir) .. ' 2>/dev/null')
  local files = {}
  for line in p:lines() do
    if line:match('^test_.*%.lua$') then files[#files + 1] = line end
  end
  p:close()
  table.sort(files)
  return files
end

-- ---- timing (wall clock; os.clock would add up every OpenMP thread) ------
local now = os.clock
do
  local ok, ffi = pcall(require, 'ffi')
  if ok and pcall(ffi.cdef, [[
      typedef struct { long sec; long nsec; } tests_run_timespec;
      int clock_gettime(int clk, tests_run_timespec *ts);]]) then
    local ts = ffi.new('tests_run_timespec')
    now = function()
      ffi.C.clock_gettime(1, ts)   -- CLOCK_MONOTONIC
      return tonumber(ts.sec) + tonumber(ts.nsec) * 1e-9
    end
  end
end

-- ---- running --------------------------------------------------------------
-- Keeps a traceback's lines down to the test itself, dropping the runner.
local function handler(e)
  if getmetatable(e) == skip_mt then return e end
  local tb = debug.traceback(tostring(e), 2)
  local cut = tb:find('\n%s*%[C%]: in function \'xpcall\'')
  return cut and tb:sub(1, cut - 1) or tb
end

local function indent(s)
  return '    ' .. s:gsub('\n', '\n    ')
end

local function reseed()
  math.randomseed(SEED)
  if type(torch) == 'table' and type(rawget(torch, 'manualSeed')) == 'function' then
    torch.manualSeed(SEED)
  end
end

local total = {passed = 0, failed = 0, skipped = 0}

local function run_file(file)
  local counts = {passed = 0, failed = 0, skipped = 0}
  local t0 = now()
  local function fail(name, msg)
    counts.failed = counts.failed + 1
    print('FAIL ' .. file .. ':' .. name)
    print(indent(msg))
  end

  local chunk, err = loadfile(dir .. '/' .. file)
  local ok, suite = false, err
  if chunk then ok, suite = xpcall(chunk, handler) end
  if not ok or type(suite) ~= 'table' then
    if not selected(file) then return end   -- cannot tell what it holds
    fail('(load)', ok and ('returned ' .. type(suite) .. ', not a table of tests')
                      or tostring(suite))
  else
    local names = {}
    for name, fn in pairs(suite) do
      if type(fn) == 'function' and selected(file, name) then names[#names + 1] = name end
    end
    if #names == 0 then return end
    table.sort(names)
    for _, name in ipairs(names) do
      if verbose then print('RUN  ' .. file .. ':' .. name) end
      reseed()
      local tok, terr = xpcall(suite[name], handler)
      if tok then
        counts.passed = counts.passed + 1
      elseif getmetatable(terr) == skip_mt then
        counts.skipped = counts.skipped + 1
        print('SKIP ' .. file .. ':' .. name .. ': ' .. terr.reason)
      else
        fail(name, tostring(terr))
      end
      io.stdout:flush()
    end
  end
  collectgarbage()
  print(string.format('%-32s %4d passed %4d failed %4d skipped %8.2f s', file,
                      counts.passed, counts.failed, counts.skipped, now() - t0))
  io.stdout:flush()
  for k, v in pairs(counts) do total[k] = total[k] + v end
end

for _, file in ipairs(list_files()) do run_file(file) end

local ran = total.passed + total.failed + total.skipped
if ran == 0 then print('no test matched in ' .. dir) end
print(string.format('%d passed, %d failed, %d skipped', total.passed, total.failed,
                    total.skipped))
io.stdout:flush()
if total.failed > 0 or ran == 0 then os.exit(1, true) end
