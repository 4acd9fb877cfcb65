-- torch/Tester.lua: torch.Tester, the unit-test runner of Torch7.
--
--   local tester = torch.Tester()
--   local tests = torch.TestSuite()
--   function tests.add() tester:eq(1 + 1, 2) end
--   tester:add(tests):run()
--
-- Assertions count passes and failures for the test being run; a failed
-- assertion records a message (with the location of the assert call) and
-- the test goes on. run() prints, for each test in pairs() order,
--   `i/N name ......... [WAIT]`
-- then rewrites the line (carriage return) ending in [PASS], [FAIL],
-- [ERROR] or [SKIP], prints the `Completed ...` summary and the details
-- of every failure, and finally raises an error if anything failed, so
-- a test script exits with a non-zero status. Colours only on a terminal.

local torch = torch

local Tester = torch.class('torch.Tester')

local NCOLS = 80
local THIS_SOURCE = debug.getinfo(1, 'S').source

local COLOURS = {
   none = '\27[0m', red = '\27[0;31m', green = '\27[0;32m', yellow = '\27[0;33m',
   magenta = '\27[0;35m', cyan = '\27[0;36m',
}

function Tester:__init()
   self.errors = {}
   self.tests = {}
   self.warnings = {}
   self._warningCount = {}
   self.disabledTests = {}
   self._currentTestName = ''
   -- Torch7 compatibility: assertTensorEq compares contents only, so a
   -- 1x3 tensor equals a 3-vector (with a warning). eq() checks shapes.
   self._assertTensorEqIgnoresDims = true
end

function Tester:setEarlyAbort(earlyAbort)
   self.earlyAbort = earlyAbort
end

function Tester:setRethrowErrors(rethrow)
   self.rethrow = rethrow
end

function Tester:setSummaryOnly(summaryOnly)
   self.summaryOnly = summaryOnly
end

---------------------------------------------------------------------------
-- Recording results

local function bump(counts, name)
   counts[name] = (counts[name] or 0) + 1
end

-- Where the assert was called from, and its caller: the two innermost
-- Lua frames outside this file, stopping at the tester's pcall.
local function call_site()
   local lines = {}
   local level = 3
   while #lines < 2 do
      local info = debug.getinfo(level, 'Sln')
      if not info or (info.what == 'C' and #lines > 0) then break end
      if info.source ~= THIS_SOURCE and info.what ~= 'C' then
         local where
         if info.what == 'main' then
            where = 'main chunk'
         elseif info.name then
            where = "function '" .. info.name .. "'"
         else
            where = string.format('function <%s:%d>', info.short_src, info.linedefined)
         end
         lines[#lines + 1] = string.format('\t%s:%d: in %s', info.short_src, info.currentline or 0, where)
      end
      level = level + 1
   end
   return table.concat(lines, '\n')
end

function Tester:_addDebugInfo(message)
   local name = self._currentTestName
   return (name ~= '' and name .. '\n' or '') .. message .. '\n' .. call_site()
end

function Tester:_success()
   self.assertionPass = self.assertionPass or {}
   bump(self.assertionPass, self._currentTestName)
   return true
end

function Tester:_failure(message)
   if self.rethrow then
      -- blame the first caller outside this file (the test)
      local level = 2
      while true do
         local info = debug.getinfo(level, 'S')
         if not info or info.source ~= THIS_SOURCE then break end
         level = level + 1
      end
      error(message, level)
   end
   self.assertionFail = self.assertionFail or {}
   bump(self.assertionFail, self._currentTestName)
   self.errors[#self.errors + 1] = self:_addDebugInfo(message)
   return false
end

function Tester:_warning(message)
   bump(self._warningCount, self._currentTestName)
   self.warnings[#self.warnings + 1] = self:_addDebugInfo(message)
end

function Tester:_assert_sub(condition, message)
   if condition then return self:_success() end
   return self:_failure(message)
end

---------------------------------------------------------------------------
-- Optional trailing arguments of the assertions

-- (message) for assertions without a tolerance.
local function get_message(message, ...)
   if select('#', ...) > 0 then error('Unexpected arguments passed to test function', 3) end
   if message == nil or message == '' then return '' end
   if type(message) ~= 'string' then error('message parameter must be a string', 3) end
   return message .. '\n'
end

-- (tolerance, message) in either order, both optional.
local function get_tolerance_and_message(default_tolerance, ...)
   local tolerance, message
   for i = 1, select('#', ...) do
      local a = select(i, ...)
      if type(a) == 'string' then
         if message then error('Unexpected string argument; already have message', 3) end
         message = a .. '\n'
      elseif type(a) == 'number' then
         if tolerance then error('Unexpected number argument; already have tolerance', 3) end
         if a < 0 then error('tolerance cannot be negative', 3) end
         tolerance = a
      elseif a ~= nil then
         error('Unrecognized argument; should be a tolerance or message', 3)
      end
   end
   return tolerance or default_tolerance, message or ''
end

---------------------------------------------------------------------------
-- Deep comparison. Each returns success (after `negate`) and a message.

local check = {}

-- Small integer types (and Half) are compared in double so that the
-- difference cannot wrap around.
local function comparable(t)
   local ty = t:type()
   if ty == 'torch.ByteTensor' or ty == 'torch.CharTensor' or ty == 'torch.ShortTensor'
         or ty == 'torch.HalfTensor' or not t.abs then
      return t:double()
   end
   return t
end

function check.sameFormatTensorsEq(ta, tb, tolerance, negate, what)
   local a, b = comparable(ta), comparable(tb)
   local err = a:clone():add(-1, b):abs():max()
   local ok = err <= tolerance
   if negate then ok = not ok end
   if ok then return true end
   return false, string.format('%s%s violation: max diff=%s, tolerance=%s', what,
                               negate and 'NE(==)' or 'EQ(==)', tostring(err), tostring(tolerance))
end

function check.tensorsEq(ta, tb, tolerance, negate, ignore_dims)
   if not ignore_dims and ta:dim() ~= tb:dim() then
      return negate, 'The tensors have different dimensions'
   end
   if ta:type() ~= tb:type() then
      return negate, 'The tensors have different types'
   end
   if ta:dim() == 0 and tb:dim() == 0 then
      return not negate, 'Both tensors are empty'
   end
   local same
   if ignore_dims then
      same = ta:nElement() == tb:nElement()
   else
      same = ta:isSameSizeAs(tb)
   end
   if not same then
      return negate, 'The tensors have different sizes'
   end
   return check.sameFormatTensorsEq(ta, tb, tolerance, negate, 'Tensor')
end

function check.storagesEq(sa, sb, tolerance, negate)
   if sa:size() ~= sb:size() then
      return negate, 'The storages have different sizes'
   end
   local name = torch.type(sa)
   if name ~= torch.type(sb) then
      return negate, 'The storages have different types'
   end
   if sa:size() == 0 then return not negate, 'Both storages are empty' end
   local T = torch.getconstructortable((name:gsub('Storage$', 'Tensor')))
   return check.sameFormatTensorsEq(T(sa), T(sb), tolerance, negate, 'Storage')
end

function check.eq(got, expected, tolerance, negate)
   local tg, te = type(got), type(expected)
   if tg ~= te then
      local msg
      if not negate then
         msg = 'EQ failed: values have different types (first: ' .. tg .. ', second: ' .. te .. ')'
      end
      return negate, msg
   end
   if tg == 'number' then
      local ok = math.abs(got - expected) <= tolerance
      if negate then ok = not ok end
      if ok then return true end
      local msg = string.format(negate and 'NE failed: %s == %s' or 'EQ failed: %s ~= %s',
                                tostring(got), tostring(expected))
      if tolerance > 0 then msg = msg .. ' with tolerance=' .. tostring(tolerance) end
      return false, msg
   elseif te == 'table' then
      return check.tablesEq(got, expected, tolerance, negate)
   elseif torch.isTensor(got) and torch.isTensor(expected) then
      return check.tensorsEq(got, expected, tolerance, negate)
   elseif torch.isStorage(got) and torch.isStorage(expected) then
      return check.storagesEq(got, expected, tolerance, negate)
   end
   local ok = got == expected
   if negate then ok = not ok end
   if ok then return true end
   return false, string.format(negate and 'NE failed: %s (%s) == %s (%s)' or 'EQ failed: %s (%s) ~= %s (%s)',
                               tostring(got), tg, tostring(expected), te)
end

-- Breadth first, so the reported difference is the shallowest one; pairs
-- already visited are skipped, so cyclic tables terminate.
function check.tablesEq(t1, t2, tolerance, negate)
   local queue, head = { { t1, t2 } }, 1
   local seen = {}
   while queue[head] do
      local a, b, where = queue[head][1], queue[head][2], queue[head][3]
      head = head + 1
      seen[a] = seen[a] or {}
      seen[a][b] = true
      local function loc(key)
         return where and (where .. '.' .. tostring(key)) or tostring(key)
      end
      for k, va in pairs(a) do
         local vb = b[k]
         if vb == nil then
            return negate, string.format('Entry %s missing in second table (is %s in first)', loc(k), tostring(va))
         end
         if type(va) == 'table' and type(vb) == 'table' then
            if not (seen[va] and seen[va][vb]) then queue[#queue + 1] = { va, vb, loc(k) } end
         else
            local ok, msg = check.eq(va, vb, tolerance, false)
            if not ok then return negate, 'At table location ' .. loc(k) .. ': ' .. msg end
         end
      end
      for k, vb in pairs(b) do
         if a[k] == nil then
            return negate, string.format('Entry %s missing in first table (is %s in second)', loc(k), tostring(vb))
         end
      end
   end
   return not negate, 'The tables are equal'
end

Tester._check = check

---------------------------------------------------------------------------
-- Assertions

function Tester:assert(condition, ...)
   local message = get_message(...)
   if type(condition) ~= 'boolean' then
      self:_warning(' :assert should only be used for boolean conditions. To check for non-nil '
                    .. 'variables, do this explicitly: Tester:assert(var ~= nil).')
   end
   return self:_assert_sub(condition, string.format('%sBOOL violation condition=%s', message, tostring(condition)))
end

function Tester:_eqOrNeq(got, expected, negate, ...)
   local tolerance, message = get_tolerance_and_message(0, ...)
   local ok, sub = check.eq(got, expected, tolerance, negate)
   return self:_assert_sub(ok, message .. (sub or ''))
end

function Tester:assertGeneralEq(got, expected, ...)
   return self:_eqOrNeq(got, expected, false, ...)
end

function Tester:assertGeneralNe(got, unexpected, ...)
   return self:_eqOrNeq(got, unexpected, true, ...)
end

function Tester:eq(got, expected, ...)
   return self:_eqOrNeq(got, expected, false, ...)
end

function Tester:ne(got, unexpected, ...)
   return self:_eqOrNeq(got, unexpected, true, ...)
end

-- Ordered comparisons: name, Lua operator, and the message on failure.
local function comparison(cmp, fmt)
   return function(self, a, b, ...)
      local message = get_message(...)
      return self:_assert_sub(cmp(a, b), string.format('%s' .. fmt, message, tostring(a), tostring(b)))
   end
end
Tester.assertlt = comparison(function(a, b) return a < b end, 'LT failed: %s >= %s')
Tester.assertgt = comparison(function(a, b) return a > b end, 'GT failed: %s <= %s')
Tester.assertle = comparison(function(a, b) return a <= b end, 'LE failed: %s > %s')
Tester.assertge = comparison(function(a, b) return a >= b end, 'GE failed: %s < %s')
Tester.asserteq = comparison(function(a, b) return a == b end, 'EQ failed: %s ~= %s')

function Tester:assertne(a, b, ...)
   local message = get_message(...)
   if type(a) == type(b) and (type(a) == 'table' or type(a) == 'userdata') then
      self:_warning(' :assertne should only be used to compare basic lua objects (numbers, '
                    .. 'booleans, etc). Consider using either :assertGeneralNe or :assert(a ~= b).')
   end
   return self:_assert_sub(a ~= b, string.format('%sNE failed: %s == %s', message, tostring(a), tostring(b)))
end

function Tester:assertalmosteq(a, b, ...)
   local tolerance, message = get_tolerance_and_message(1e-16, ...)
   return self:_assert_sub(math.abs(a - b) <= tolerance,
                           string.format('%sALMOST_EQ failed: %s ~= %s with tolerance=%s',
                                         message, tostring(a), tostring(b), tostring(tolerance)))
end

function Tester:_assertTensorEqOrNeq(ta, tb, negate, ...)
   if not torch.isTensor(ta) then error('First argument should be a Tensor', 3) end
   if not torch.isTensor(tb) then error('Second argument should be a Tensor', 3) end
   local tolerance, message = get_tolerance_and_message(0, ...)
   local ignore = self._assertTensorEqIgnoresDims
   local ok, sub = check.tensorsEq(ta, tb, tolerance, negate, ignore)
   if ignore and not negate and ok and not ta:isSameSizeAs(tb) then
      self:_warning('Tensors have the same content but different dimensions. For backwards '
                    .. 'compatibility, they are considered equal, but this may change in the '
                    .. 'future. Consider using :eq to check for equality instead.')
   end
   return self:_assert_sub(ok, message .. (sub or ''))
end

function Tester:assertTensorEq(ta, tb, ...)
   return self:_assertTensorEqOrNeq(ta, tb, false, ...)
end

function Tester:assertTensorNe(ta, tb, ...)
   return self:_assertTensorEqOrNeq(ta, tb, true, ...)
end

function Tester:_assertTableEqOrNeq(ta, tb, negate, ...)
   if type(ta) ~= 'table' then error('First argument should be a Table', 3) end
   if type(tb) ~= 'table' then error('Second argument should be a Table', 3) end
   return self:_eqOrNeq(ta, tb, negate, ...)
end

function Tester:assertTableEq(ta, tb, ...)
   return self:_assertTableEqOrNeq(ta, tb, false, ...)
end

function Tester:assertTableNe(ta, tb, ...)
   return self:_assertTableEqOrNeq(ta, tb, true, ...)
end

-- f must raise an error accepted by errcomp(err).
function Tester:assertErrorObj(f, errcomp, ...)
   local message = get_message(...)
   local ok, err = pcall(f)
   return self:_assert_sub(not ok and errcomp(err) and true or false,
                           string.format('%sERROR violation: err=%s', message, tostring(err)))
end

function Tester:assertError(f, ...)
   return self:assertErrorObj(f, function() return true end, ...)
end

function Tester:assertErrorMsg(f, errmsg, ...)
   return self:assertErrorObj(f, function(err) return err == errmsg end, ...)
end

function Tester:assertErrorPattern(f, pattern, ...)
   return self:assertErrorObj(f, function(err)
      return type(err) == 'string' and err:find(pattern) ~= nil
   end, ...)
end

function Tester:assertNoError(f, ...)
   local message = get_message(...)
   local ok, err = pcall(f)
   return self:_assert_sub(ok, string.format('%sERROR violation: err=%s', message, tostring(err)))
end

---------------------------------------------------------------------------
-- Registering and running tests

-- add(suite) or add(function, name). `_setUp(name)` and `_tearDown(name)`
-- entries become hooks run around every test.
function Tester:add(f, name)
   if type(f) == 'table' then
      if name ~= nil then
         error('Name parameter is forbidden for a table of tests, since its use is ambiguous', 2)
      end
      if rawget(f, '__isTestSuite') then
         f = rawget(f, '__tests')
      else
         self:_warning('Should use TestSuite rather than plain lua table')
      end
      for k, v in pairs(f) do
         if type(v) == 'table' then error('Nested sets of tests are not supported', 2) end
         self:add(v, k)
      end
      return self
   end
   if type(f) ~= 'function' then error('Only tables of functions and functions supported', 2) end
   if name == '_setUp' then
      if self._setUp then error('Only one set-up function allowed', 2) end
      self._setUp = f
   elseif name == '_tearDown' then
      if self._tearDown then error('Only one tear-down function allowed', 2) end
      self._tearDown = f
   else
      name = name or 'unknown'
      if self.tests[name] ~= nil then error('Test with name ' .. name .. ' already exists!', 2) end
      self.tests[name] = f
   end
   return self
end

function Tester:disable(names)
   if type(names) == 'string' then names = { names } end
   if type(names) ~= 'table' then error('Expecting name or list for disable', 2) end
   for _, name in ipairs(names) do
      if not self.tests[name] then error("Unrecognized test '" .. tostring(name) .. "'", 2) end
      self.disabledTests[name] = true
   end
   return self
end

-- The tests whose names match any of the given patterns (all if nil).
function Tester:_getTests(names)
   if names == nil then return self.tests end
   if type(names) == 'string' then names = { names } end
   if type(names) ~= 'table' then
      error('Only accept a name or table of test names (or nil for all tests)', 3)
   end
   local selected = {}
   for _, pattern in ipairs(names) do
      local found = false
      for name, fn in pairs(self.tests) do
         if name:match(pattern) then
            selected[name], found = fn, true
         end
      end
      if not found then error("Couldn't find test '" .. pattern .. "'", 3) end
   end
   return selected
end

local function plural(n, word)
   return n .. ' ' .. word .. (n == 1 and '' or 's')
end

-- The traceback of an error in a test, cut where the tester's frames begin.
local function test_traceback(e)
   local tb = debug.traceback(tostring(e), 2)
   local cut = tb:find("\n%s*%[C%]: in function 'xpcall'")
   return cut and tb:sub(1, cut - 1) or tb
end

function Tester:_pcall(f)
   local nerr = #self.errors
   local ok, result = xpcall(f, test_traceback)
   if not ok then
      self.errors[#self.errors + 1] = self._currentTestName .. '\n Function call failed\n' .. tostring(result) .. '\n'
   end
   return ok, result, ok and nerr == #self.errors
end

function Tester:_run(tests, colour)
   local names = {}
   for name in pairs(tests) do names[#names + 1] = name end
   local ntests = #names
   local width = #tostring(ntests)
   local counter_fmt = '%' .. width .. 'd/' .. ntests .. ' '
   local counter_len = 2 * width + 2

   io.write('Running ' .. plural(ntests, 'test') .. '\n')
   for i, name in ipairs(names) do
      local fn = tests[name]
      self._currentTestName = name
      local head = colour(string.format(counter_fmt, i), 'cyan') .. name .. ' '
                   .. string.rep('.', NCOLS - 8 - counter_len - #name) .. ' '
      io.write(head .. '[' .. colour('WAIT', 'cyan') .. ']')
      io.flush()

      local skip = self.disabledTests[name]
      local ok, pass = true, true
      if not skip then
         if self._setUp then self._setUp(name) end
         if self.rethrow then
            local nerr = #self.errors
            fn()
            pass = nerr == #self.errors
         else
            local _
            ok, _, pass = self:_pcall(fn)
         end
         if self._tearDown then self._tearDown(name) end
      end

      io.write('\r' .. head)
      if skip then
         io.write('[' .. colour('SKIP', 'yellow') .. ']')
      elseif not ok then
         self.testError[name] = 1
         io.write('[' .. colour('ERROR', 'magenta') .. ']')
      elseif not pass then
         io.write('[' .. colour('FAIL', 'red') .. ']')
      else
         io.write('[' .. colour('PASS', 'green') .. ']')
         if (self._warningCount[name] or 0) > 0 then
            io.write('\n' .. string.rep(' ', NCOLS - 10) .. '[' .. colour('+warning', 'yellow') .. ']')
         end
      end
      io.write('\n')
      io.flush()

      if self.earlyAbort and i < ntests and not skip and not (ok and pass) then
         io.write('Aborting on first error, not all tests have been executed\n')
         break
      end
      collectgarbage()
   end
end

function Tester:_report(tests, colour)
   local ntests, nfail, nerr, nskip, nwarn, nasserts = 0, 0, 0, 0, 0, 0
   for name in pairs(tests) do
      ntests = ntests + 1
      local fails = self.assertionFail[name] or 0
      nasserts = nasserts + fails + (self.assertionPass[name] or 0)
      if fails > 0 then nfail = nfail + 1 end
      if (self.testError[name] or 0) > 0 then nerr = nerr + 1 end
      if (self._warningCount[name] or 0) > 0 then nwarn = nwarn + 1 end
      if self.disabledTests[name] then nskip = nskip + 1 end
   end
   -- warnings raised outside any test (e.g. by add)
   nwarn = nwarn + (self._warningCount[''] or 0)
   self.countasserts = nasserts

   local line = { 'Completed ', plural(nasserts, 'assert'), ' in ', plural(ntests, 'test'), ' with ',
                  colour(plural(nfail, 'failure'), nfail == 0 and 'green' or 'red'), ' and ',
                  colour(plural(nerr, 'error'), nerr == 0 and 'green' or 'magenta') }
   if nwarn > 0 then
      line[#line + 1] = ' and ' .. colour(plural(nwarn, 'warning'), 'yellow')
   end
   if nskip > 0 then
      line[#line + 1] = ' and ' .. colour(nskip .. ' disabled', 'yellow')
   end
   io.write(table.concat(line) .. '\n')

   if self.summaryOnly then return end
   local dashes = string.rep('-', NCOLS) .. '\n'
   local first = true
   local function section(text)
      if first then io.write(dashes); first = false end
      io.write(text .. '\n' .. dashes)
   end
   for _, e in ipairs(self.errors) do section(e) end
   for _, w in ipairs(self.warnings) do section(w) end
end

-- run([names]): names is a test name pattern or a list of them.
function Tester:run(names)
   local tests = self:_getTests(names)
   self.assertionPass, self.assertionFail, self.testError = {}, {}, {}
   for name in pairs(tests) do
      self.assertionPass[name], self.assertionFail[name], self.testError[name] = 0, 0, 0
      self._warningCount[name] = 0
   end
   local use_colour = torch.isatty and torch.isatty(io.stdout)
   local function colour(s, c)
      if use_colour then return COLOURS[c] .. s .. COLOURS.none end
      return s
   end
   self:_run(tests, colour)
   self:_report(tests, colour)
   self._currentTestName = ''
   for name in pairs(tests) do
      if self.assertionFail[name] > 0 or self.testError[name] > 0 then
         error('An error was found while running tests!', 0)
      end
   end
   return 0
end

return Tester
