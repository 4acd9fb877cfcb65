-- tests/helpers.lua: assertions and small utilities shared by the tests.
--
-- tests/run.lua makes assert_near, assert_eq and assert_error globals; the
-- rest is reached with `local helpers = require 'helpers'` (the runner puts
-- tests/ on package.path).

local helpers = {}

-- The directory holding this file (tests/), as an absolute path.
local function this_dir()
  local src = debug.getinfo(1, 'S').source
  local dir = src:match('^@(.*)/[^/]*$') or '.'
  if dir:sub(1, 1) ~= '/' then dir = (os.getenv('PWD') or '.') .. '/' .. dir end
  return dir
end
helpers.tests_dir = this_dir()

-- string.find that accepts both plain text and Lua patterns, so callers can
-- write messages with '(' or '-' in them without escaping.
function helpers.matches(s, pattern)
  if s:find(pattern, 1, true) then return true end
  local ok, found = pcall(string.find, s, pattern)
  return ok and found ~= nil
end

local function fmt(v)
  if type(v) == 'number' then return string.format('%.17g', v) end
  return tostring(v)
end

-- Tensors (anything with :totable()) compare as nested tables.
local function plain(v)
  if type(v) ~= 'number' and type(v) ~= 'table' then
    local ok, t = pcall(function() return v:totable() end)
    if ok and type(t) == 'table' then return t end
  end
  return v
end

-- Returns nil when a and b agree within tol, else "where: why".
local function near(a, b, tol, where)
  a, b = plain(a), plain(b)
  if type(a) == 'number' and type(b) == 'number' then
    if a == b or (a ~= a and b ~= b) then return nil end   -- equal, or both NaN
    local d = math.abs(a - b)
    local scale = math.max(1, math.abs(a), math.abs(b))
    if d <= tol * scale then return nil end
    return string.format('%s: got %s, expected %s (|diff| %.3g > tol %.3g)',
                         where, fmt(a), fmt(b), d, tol * scale)
  end
  if type(a) == 'table' and type(b) == 'table' then
    if #a ~= #b then
      return string.format('%s: length %d, expected %d', where, #a, #b)
    end
    for i = 1, #a do
      local err = near(a[i], b[i], tol, where .. '[' .. i .. ']')
      if err then return err end
    end
    return nil
  end
  return string.format('%s: got %s (%s), expected %s (%s)', where, fmt(a), type(a),
                       fmt(b), type(b))
end

-- assert_near(a, b [, tol [, msg]]): numbers, nested tables or tensors
-- agree element-wise: |a - b| <= tol * max(1, |a|, |b|) (absolute for
-- small values, relative for large ones). tol defaults to 1e-6.
function helpers.assert_near(a, b, tol, msg)
  local err = near(a, b, tol or 1e-6, 'value')
  if err then error((msg and msg .. ': ' or '') .. 'assert_near: ' .. err, 2) end
end

local function equal(a, b, where)
  if type(a) == 'table' and type(b) == 'table' then
    for k, v in pairs(a) do
      local err = equal(v, b[k], where .. '[' .. fmt(k) .. ']')
      if err then return err end
    end
    for k in pairs(b) do
      if a[k] == nil then return where .. '[' .. fmt(k) .. ']: missing' end
    end
    return nil
  end
  if a == b then return nil end
  return string.format('%s: got %s, expected %s', where, fmt(a), fmt(b))
end

-- assert_eq(a, b [, msg]): equal values; tables are compared deeply.
function helpers.assert_eq(a, b, msg)
  local err = equal(a, b, 'value')
  if err then error((msg and msg .. ': ' or '') .. 'assert_eq: ' .. err, 2) end
end

-- assert_error(fn [, pattern [, msg]]): fn() must raise an error whose
-- message contains pattern (plain text or Lua pattern). Returns the message.
function helpers.assert_error(fn, pattern, msg)
  local ok, err = pcall(fn)
  local prefix = (msg and msg .. ': ' or '') .. 'assert_error: '
  if ok then
    error(prefix .. 'no error raised' ..
          (pattern and (' (expected one matching "' .. pattern .. '")') or ''), 2)
  end
  local text = tostring(err)
  if pattern and not helpers.matches(text, pattern) then
    error(prefix .. 'error "' .. text .. '" does not match "' .. pattern .. '"', 2)
  end
  return text
end

-- Single-quotes s for the shell.
function helpers.quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

local function read_all(path)
  local f = io.open(path, 'rb')
  if not f then return '' end
  local s = f:read('*a')
  f:close()
  return s
end

-- Runs a shell command; returns stdout, stderr, exit status.
function helpers.shell(cmd)
  local errfile = os.tmpname()
  local p = io.popen('(' .. cmd .. ') 2>' .. helpers.quote(errfile) .. ' </dev/null; echo "__rc=$?"')
  local out = p:read('*a')
  p:close()
  local err = read_all(errfile)
  os.remove(errfile)
  local rc = tonumber(out:match('__rc=(%d+)%s*$'))
  out = out:gsub('__rc=%d+%s*$', '')
  return out, err, rc
end

-- A fresh temporary directory (removed by helpers.rmtree).
function helpers.tmpdir()
  local out, _, rc = helpers.shell('mktemp -d /tmp/torchlight-test.XXXXXX')
  assert(rc == 0, 'mktemp failed')
  return (out:gsub('%s+$', ''))
end

function helpers.rmtree(dir)
  assert(dir:match('^/tmp/torchlight%-test%.'), 'refusing to remove ' .. dir)
  os.execute('rm -rf ' .. helpers.quote(dir))
end

function helpers.write_file(path, text)
  local f = assert(io.open(path, 'wb'))
  f:write(text)
  f:close()
end

-- The th executable running us, as an absolute path: the most negative
-- index of the global arg (as lua.c builds it).
function helpers.th_path()
  local i = -1
  while arg and arg[i - 1] do i = i - 1 end
  local exe = arg and arg[i]
  assert(exe, 'cannot tell which th is running (no arg table)')
  if not exe:find('/') then return exe end   -- found on PATH
  if exe:sub(1, 1) ~= '/' then exe = (os.getenv('PWD') or '.') .. '/' .. exe end
  return exe
end

return helpers
