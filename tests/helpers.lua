-- tests/helpers.lua: assertions and small utilities shared by the tests:
-- the assert_* family, shell and temporary-file helpers, terse checks
-- (eq, yes, errs, has, same_list), and tensor fixtures that write and read
-- values through storage and strides (randomize, check_values, flat,
-- layouts2d, ...).
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

-- Runs fn(dir) in a fresh temporary directory, removed afterwards even
-- when fn fails (the error is raised again).
function helpers.with_tmpdir(fn)
  local dir = helpers.tmpdir()
  local ok, err = pcall(fn, dir)
  helpers.rmtree(dir)
  if not ok then error(err, 0) end
end

-- The whole content of a file, bytes as they are; fails when it cannot
-- be opened.
function helpers.read_file(path)
  local f = assert(io.open(path, 'rb'))
  local s = f:read('*a')
  f:close()
  return s
end

---------------------------------------------------------------------------
-- Terse checks used by the tensor and storage tests. Each raises at the
-- caller's line; eq and same_list compare with ==, so they suit numbers,
-- strings and flat lists (assert_eq and assert_near go deeper).

function helpers.eq(got, want, what)
  if got ~= want then
    error(string.format('%s: expected %s, got %s', what or 'value', fmt(want), fmt(got)), 2)
  end
end

function helpers.yes(cond, what)
  if not cond then error(what or 'assertion failed', 2) end
end

-- The message of the error f(...) raises; fails when it raises none.
function helpers.errs(f, ...)
  local ok, msg = pcall(f, ...)
  if ok then error('expected an error', 2) end
  return tostring(msg)
end

-- msg contains pat as plain text.
function helpers.has(msg, pat, what)
  if not msg:find(pat, 1, true) then
    error(string.format('%s: message "%s" does not contain "%s"', what or 'error', msg, pat), 2)
  end
end

-- Two lists hold the same values in the same order.
function helpers.same_list(got, want, what)
  local ok = #got == #want
  for i = 1, #want do ok = ok and got[i] == want[i] end
  if not ok then
    local g, w = {}, {}
    for i = 1, #got do g[i] = fmt(got[i]) end
    for i = 1, #want do w[i] = fmt(want[i]) end
    error(string.format('%s: expected {%s}, got {%s}', what or 'list', table.concat(w, ','), table.concat(g, ',')), 2)
  end
end

---------------------------------------------------------------------------
-- Tensor fixtures. Values are written and read back through the storage
-- and the strides (never through t[i]), so a wrong stride, offset or
-- shared-memory bug shows up as a wrong value; data is random and
-- non-zero, so a view that reads the wrong place cannot pass by accident.

helpers.TYPES = { 'Byte', 'Char', 'Short', 'Int', 'Long', 'Float', 'Double', 'Half' }
helpers.MATH_TYPES = { 'Byte', 'Char', 'Short', 'Int', 'Long', 'Float', 'Double' }   -- no math on Half
helpers.ELSIZE = { Byte = 1, Char = 1, Short = 2, Int = 4, Long = 8, Float = 4, Double = 8, Half = 2 }

-- Random non-zero value exactly representable in the type named tn.
function helpers.rvalue(tn)
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

-- x rounded to float precision, through the FFI.
function helpers.ffi_float(x)
  return require('ffi').new('float[1]', x)[0]
end

function helpers.sizes_of(t)
  local s = {}
  for d = 1, t:dim() do s[d] = t:size(d) end
  return s
end

function helpers.strides_of(t)
  local s = {}
  for d = 1, t:dim() do s[d] = t:stride(d) end
  return s
end

-- The elements of a storage as a list.
function helpers.storage_list(s)
  local r = {}
  for i = 1, s:size() do r[i] = s[i] end
  return r
end

-- Storage index (1-based) of t's element at the index table idx.
function helpers.offset_of(t, idx)
  local off = t:storageOffset()
  for d = 1, #idx do off = off + (idx[d] - 1) * t:stride(d) end
  return off
end

-- Element of t at the index table idx, read through storage and strides.
function helpers.at(t, idx) return t:storage()[helpers.offset_of(t, idx)] end

-- Calls f(idx) for every index of a tensor of the given sizes, in
-- row-major order (idx is reused between calls).
function helpers.each_index(sizes, f)
  local n = #sizes == 0 and 0 or 1
  for d = 1, #sizes do n = n * sizes[d] end
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

-- Row-major list of t's elements.
function helpers.flat(t)
  local r = {}
  helpers.each_index(helpers.sizes_of(t), function(idx) r[#r + 1] = helpers.at(t, idx) end)
  return r
end

-- Storage indices of t's elements in row-major order.
function helpers.offsets(t)
  local r = {}
  helpers.each_index(helpers.sizes_of(t), function(idx) r[#r + 1] = helpers.offset_of(t, idx) end)
  return r
end

-- Writes random values (helpers.rvalue) into t; returns the reference as
-- a function of the index table. tn defaults to t's type.
function helpers.randomize(t, tn)
  tn = tn or torch.typename(t):match('torch%.(%a+)Tensor')
  local ref = {}
  local s = t:storage()
  helpers.each_index(helpers.sizes_of(t), function(idx)
    local v = helpers.rvalue(tn)
    s[helpers.offset_of(t, idx)] = v
    ref[table.concat(idx, ',')] = v
  end)
  return function(idx) return ref[table.concat(idx, ',')] end
end

-- A new contiguous tensor of type tn and the given sizes with random
-- values; returns it and its reference (as helpers.randomize).
function helpers.random_tensor(tn, ...)
  local t = torch[tn .. 'Tensor'](...)
  return t, helpers.randomize(t, tn)
end

-- t's current values as a function of the index table.
function helpers.snapshot(t)
  local ref = {}
  helpers.each_index(helpers.sizes_of(t), function(idx) ref[table.concat(idx, ',')] = helpers.at(t, idx) end)
  return function(idx) return ref[table.concat(idx, ',')] end
end

-- Checks every element of t against want(idx).
function helpers.check_values(t, want, what)
  helpers.each_index(helpers.sizes_of(t), function(idx)
    local g, w = helpers.at(t, idx), want(idx)
    if g ~= w then
      error(string.format('%s: element {%s}: expected %s, got %s', what or 'tensor',
        table.concat(idx, ','), fmt(w), fmt(g)), 3)
    end
  end)
end

-- Three random [rows x cols] tensors of type tn in different layouts:
-- contiguous, transposed (a [cols x rows] base) and narrowed (columns 3
-- to cols+2 of a [rows x cols+5] base). Returns a list of
-- {tensor, reference, layout name}.
function helpers.layouts2d(tn, rows, cols)
  local a = torch[tn .. 'Tensor'](rows, cols)
  local wa = helpers.randomize(a, tn)
  local b = torch[tn .. 'Tensor'](cols, rows)
  local wb = helpers.randomize(b, tn)
  local c = torch[tn .. 'Tensor'](rows, cols + 5):narrow(2, 3, cols)
  local wc = helpers.randomize(c, tn)
  return {
    { a, wa, 'contiguous' },
    { b:t(), function(i) return wb({ i[2], i[1] }) end, 'transposed' },
    { c, wc, 'narrowed' },
  }
end

-- ---- finite differences (the nn tests' Jacobian checks) ----------------------

-- The tensors of a nested structure (a tensor, or tables of them), in order.
function helpers.leaves(x, out)
  out = out or {}
  if torch.isTensor(x) then
    out[#out + 1] = x
  elseif type(x) == 'table' then
    for i = 1, #x do helpers.leaves(x[i], out) end
  end
  return out
end

-- <m:forward(input), go> over every output tensor.
local function dot_out(m, input, go)
  local outs, gos = helpers.leaves(m:forward(input)), helpers.leaves(go)
  local s = 0
  for i = 1, #outs do s = s + outs[i]:contiguous():view(-1):dot(gos[i]:contiguous():view(-1)) end
  return s
end

-- d<m(input), go>/dt by central differences of step eps, element by element,
-- for t a tensor that input or the module reads (the input, a parameter):
-- what the backward pass must give for t. A DoubleTensor shaped as t, flat.
function helpers.fd_gradient(m, input, go, t, eps)
  local flat = t:view(-1)
  local r = torch.DoubleTensor(flat:nElement())
  for i = 1, flat:nElement() do
    local orig = flat[i]
    flat[i] = orig + eps
    local fp = dot_out(m, input, go)
    flat[i] = orig - eps
    local fm = dot_out(m, input, go)
    flat[i] = orig
    r[i] = (fp - fm) / (2 * eps)
  end
  return r
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

-- ---- nn checks (tests/test_nn.lua, test_nn_training.lua) --------------------

-- The largest absolute difference between two tensors of as many elements.
function helpers.max_err(a, b)
  return (a:contiguous():view(-1) - b:contiguous():view(-1)):abs():max()
end

-- A copy of a tensor or of a nested list of tensors.
function helpers.clone_all(x)
  if torch.isTensor(x) then return x:clone() end
  local r = {}
  for i = 1, #x do r[i] = helpers.clone_all(x[i]) end
  return r
end

-- ---- matrices as Lua tables (test_math_more.lua, test_math_linalg.lua) -------
-- The reference is an r x c Lua matrix (a list of rows); the tensor under
-- test holds it contiguous, transposed or narrowed.

local MAT_FLOAT = { Float = true, Double = true }
local MAT_TOL = { Float = 1e-4, Double = 1e-10 }
local MAT_LAYOUTS = { 'contiguous', 'transposed', 'narrowed' }

-- The comparison tolerance of a dtype: exact for the integer types.
function helpers.mat_tol(tn) return MAT_TOL[tn] or 0 end

-- Random non-zero values: floats in +-[0.1, 2], integers in [1, hi] with a
-- random sign (Byte unsigned). Floats are rounded to float for Float.
function helpers.mat_value(tn, hi)
  if MAT_FLOAT[tn] then
    local v = (0.1 + 1.9 * math.random()) * (math.random() < 0.5 and -1 or 1)
    if tn == 'Float' then v = torch.FloatTensor({ v })[1] end
    return v
  end
  local v = math.random(1, hi or 12)
  if tn ~= 'Byte' and math.random() < 0.5 then v = -v end
  return v
end

-- r x c Lua matrix of values
function helpers.mat_values(tn, r, c, hi)
  local m = {}
  for i = 1, r do
    m[i] = {}
    for j = 1, c do m[i][j] = helpers.mat_value(tn, hi) end
  end
  return m
end

-- A tensor holding matrix m in a layout.
function helpers.mat_make(tn, layout, m)
  local r, c = #m, #m[1]
  local ctor = torch[tn .. 'Tensor']
  if layout == 'transposed' then
    local t = ctor(c, r)
    for i = 1, r do for j = 1, c do t[j][i] = m[i][j] end end
    return t:t()
  elseif layout == 'narrowed' then
    local t = ctor(r + 2, c + 3):fill(7)
    local v = t:narrow(1, 2, r):narrow(2, 3, c)
    for i = 1, r do for j = 1, c do v[i][j] = m[i][j] end end
    return v
  end
  local t = ctor(r, c)
  for i = 1, r do for j = 1, c do t[i][j] = m[i][j] end end
  return t
end

-- got is a 2D tensor holding the Lua matrix want, within the dtype's tolerance.
function helpers.mat_check(what, got, want, tn)
  assert(got:dim() == 2 and got:size(1) == #want and got:size(2) == #want[1],
         string.format('%s: size %s, expected %dx%d', what, table.concat(got:size():totable(), 'x'), #want, #want[1]))
  helpers.assert_near(got, want, helpers.mat_tol(tn), what)
end

-- Calls f(tn, layout, m, tensor, where) for each (dtype, layout) with a
-- fresh r x c matrix m.
function helpers.mat_each_case(types, r, c, f, hi)
  for _, tn in ipairs(types) do
    for _, layout in ipairs(MAT_LAYOUTS) do
      local m = helpers.mat_values(tn, r, c, hi)
      f(tn, layout, m, helpers.mat_make(tn, layout, m), string.format('torch.%sTensor %s', tn, layout))
    end
  end
end

-- A C cast to the element type: wraps integers.
local INT_BITS = { Byte = 8, Char = 8, Short = 16, Int = 32 }
function helpers.wrap_int(tn, v)
  local bits = INT_BITS[tn]
  if not bits then return v end
  local m = 2 ^ bits
  v = v % m
  if tn ~= 'Byte' and v >= m / 2 then v = v - m end
  return v
end

-- A module's forward, backward (gradOutput = the output) and parameter
-- gradients on 1 and 2 threads: { [1] = {output, gradInput, gradWeight,
-- gradBias}, [2] = ... }, for tests that the threads agree.
function helpers.results_by_threads(m, x)
  local saved = torch.getnumthreads()
  local res = {}
  for _, t in ipairs({ 1, 2 }) do
    torch.setnumthreads(t)
    m:zeroGradParameters()
    local out = m:forward(x):clone()
    local gi = m:backward(x, out):clone()
    res[t] = { out, gi, m.gradWeight:clone(), m.gradBias:clone() }
  end
  torch.setnumthreads(saved)
  return res
end

return helpers
