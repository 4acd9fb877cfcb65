-- tests/test_tester.lua: torch.Tester and torch.TestSuite (API.md 1.1.5):
-- every assertion passing and failing, the run/report format, the
-- options (early abort, rethrow, summary only), hooks and suites.

local tests = {}

local function check(cond, msg)
   if not cond then error(msg or 'check failed', 2) end
end

local function check_eq(got, want, msg)
   if got ~= want then
      error(string.format('%s: expected %q, got %q', msg or 'value', tostring(want), tostring(got)), 2)
   end
end

local function skip_without_tensors()
   if not torch.Tensor then
      error(tests_skip and tests_skip('tensors not built yet') or 'SKIP: tensors not built yet', 0)
   end
end

-- Runs tester:run(names) with io.write captured and colours off.
-- Returns the output, and the error run() raised (or nil).
local function run_captured(tester, names)
   local out = {}
   local saved_write, saved_isatty = io.write, torch.isatty
   io.write = function(...)
      for i = 1, select('#', ...) do out[#out + 1] = tostring((select(i, ...))) end
   end
   torch.isatty = function() return false end
   local ok, err = pcall(tester.run, tester, names)
   io.write, torch.isatty = saved_write, saved_isatty
   return table.concat(out), (not ok) and err or nil
end

-- The status line of test `name` as Torch7 prints it for N tests.
local function status_line(i, n, name, status)
   local width = #tostring(n)
   local head = string.format('%' .. width .. 'd/%d ', i, n) .. name .. ' '
                .. string.rep('.', 80 - 8 - (2 * width + 2) - #name) .. ' '
   return head .. '[WAIT]\r' .. head .. '[' .. status .. ']\n'
end

-- A tester outside run(): assertions return true/false and record.
local function fresh()
   return torch.Tester()
end

---------------------------------------------------------------------------
-- Output format

function tests.tester_pass_output_format()
   local tester = torch.Tester()
   local suite = torch.TestSuite()
   function suite.alpha()
      tester:assert(true)
      tester:eq(1, 1)
   end
   tester:add(suite)
   local out, err = run_captured(tester)
   check_eq(err, nil, 'run() succeeds')
   local want = 'Running 1 test\n' .. status_line(1, 1, 'alpha', 'PASS')
                .. 'Completed 2 asserts in 1 test with 0 failures and 0 errors\n'
   check_eq(out, want, 'output')
   local line = status_line(1, 1, 'alpha', 'PASS'):match('\r(.*)\n')
   check_eq(#line, 80, 'status lines are 80 columns')
end

function tests.tester_fail_output_and_error()
   local tester = torch.Tester()
   local suite = torch.TestSuite()
   function suite.bad() tester:asserteq(1, 2, 'numbers differ') end
   function suite.good() tester:asserteq(3, 3) end
   tester:add(suite)
   local out, err = run_captured(tester)
   check(err and tostring(err):find('An error was found while running tests!'), 'run() raises: ' .. tostring(err))
   check(out:find('^Running 2 tests\n'), 'header')
   check(out:find('bad %.+ %[FAIL%]\n'), 'FAIL status: ' .. out)
   check(out:find('good %.+ %[PASS%]\n'), 'PASS status')
   check(out:find('Completed 2 asserts in 2 tests with 1 failure and 0 errors\n', 1, true), 'summary: ' .. out)
   local dashes = string.rep('-', 80)
   check(out:find(dashes .. '\nbad\nnumbers differ\nEQ failed: 1 ~= 2\n', 1, true), 'failure details: ' .. out)
   check(out:find('test_tester.lua:%d+'), 'the location of the failed assert is shown')
   check_eq(#tester.errors, 1, 'errors list')
end

function tests.tester_error_in_test()
   local tester = torch.Tester()
   tester:add(function() error('boom') end, 'explodes')
   local out, err = run_captured(tester)
   check(err ~= nil, 'run() raises')
   check(out:find('explodes %.+ %[ERROR%]\n'), 'ERROR status: ' .. out)
   check(out:find('with 0 failures and 1 error\n', 1, true), 'summary')
   check(out:find('explodes\n Function call failed\n', 1, true), 'details')
   check(out:find('boom', 1, true), 'the message')
   check(out:find('stack traceback', 1, true), 'with a traceback')
end

function tests.tester_disable_and_skip()
   local tester = torch.Tester()
   local suite = torch.TestSuite()
   function suite.off() error('must not run') end
   function suite.on() tester:assert(true) end
   tester:add(suite)
   tester:disable('off')
   local out, err = run_captured(tester)
   check_eq(err, nil, 'a disabled test does not fail the run')
   check(out:find('off %.+ %[SKIP%]\n'), 'SKIP status')
   check(out:find('with 0 failures and 0 errors and 1 disabled\n', 1, true), 'summary: ' .. out)
   check(not pcall(tester.disable, tester, 'nope'), 'disable of an unknown test')
end

function tests.tester_warning_marker()
   local tester = torch.Tester()
   tester:add(function() tester:assert(1) end, 'warns')
   local out, err = run_captured(tester)
   check_eq(err, nil, 'a warning is not a failure')
   check(out:find('%[PASS%]\n' .. string.rep(' ', 70) .. '%[%+warning%]\n'), '+warning marker: ' .. out)
   check(out:find('and 1 warning\n', 1, true), 'warning count')
   check(out:find('boolean conditions', 1, true), 'warning text')
end

function tests.tester_summary_only()
   local tester = torch.Tester()
   tester:setSummaryOnly(true)
   tester:add(function() tester:asserteq(1, 2) end, 'f')
   local out, err = run_captured(tester)
   check(err ~= nil, 'still raises')
   check(not out:find('EQ failed', 1, true), 'no details: ' .. out)
   check(out:find('1 failure', 1, true), 'summary present')
end

function tests.tester_early_abort()
   local tester = torch.Tester()
   tester:setEarlyAbort(true)
   local ran = 0
   tester:add(function() ran = ran + 1; tester:assert(false) end, 'one')
   tester:add(function() ran = ran + 1; tester:assert(false) end, 'two')
   local out, err = run_captured(tester)
   check(err ~= nil, 'raises')
   check_eq(ran, 1, 'stopped after the first failure')
   check(out:find('Aborting on first error, not all tests have been executed\n', 1, true), 'abort notice')
end

function tests.tester_rethrow()
   local tester = torch.Tester()
   tester:setRethrowErrors(true)
   tester:add(function() tester:asserteq(1, 2, 'rethrown') end, 'r')
   local _, err = run_captured(tester)
   check(err and tostring(err):find('rethrown'), 'the failure propagates: ' .. tostring(err))
   check(tostring(err):find('test_tester.lua'), 'pointing at the test: ' .. tostring(err))
end

function tests.tester_setup_teardown()
   local tester = torch.Tester()
   local log = {}
   local suite = torch.TestSuite()
   function suite._setUp(name) log[#log + 1] = 'up:' .. name end
   function suite._tearDown(name) log[#log + 1] = 'down:' .. name end
   function suite.only() log[#log + 1] = 'run'; tester:assert(true) end
   tester:add(suite)
   local out, err = run_captured(tester)
   check_eq(err, nil, 'passes')
   check_eq(table.concat(log, ','), 'up:only,run,down:only', 'hooks around the test')
   check(out:find('Running 1 test\n', 1, true), 'hooks are not tests')
end

function tests.tester_run_selected()
   local tester = torch.Tester()
   local ran = {}
   for _, n in ipairs({ 'testA', 'testB', 'other' }) do
      tester:add(function() ran[n] = true; tester:assert(true) end, n)
   end
   local out = run_captured(tester, 'test')
   check(ran.testA and ran.testB and not ran.other, 'a name is a pattern')
   check(out:find('Running 2 tests', 1, true), 'count')
   ran = {}
   run_captured(tester, { 'other', 'testA' })
   check(ran.testA and ran.other and not ran.testB, 'a list of names')
   local _, err = run_captured(tester, 'nothing')
   check(err and tostring(err):find("Couldn't find test 'nothing'", 1, true), 'unknown name')
end

function tests.tester_add()
   local tester = torch.Tester()
   tester:add(function() end, 'a')
   check(not pcall(tester.add, tester, function() end, 'a'), 'duplicate name')
   check(not pcall(tester.add, tester, 3), 'not a function')
   check(not pcall(tester.add, tester, { x = { y = function() end } }), 'nested tables')
   check(not pcall(tester.add, tester, torch.TestSuite(), 'name'), 'name with a table')
   local t2 = torch.Tester()
   check(t2:add({ b = function() end }) == t2, 'plain table accepted, returns the tester')
   check(#t2.warnings == 1 and t2.warnings[1]:find('TestSuite'), 'with a warning')
   check(t2.tests.b ~= nil, 'added')
end

function tests.tester_testsuite()
   local suite = torch.TestSuite()
   suite.one = function() end
   check(type(suite.one) == 'function', 'read back')
   check(suite.__isTestSuite == true, 'marked')
   check(not pcall(function() suite.one = function() end end), 'duplicate')
   check(not pcall(function() suite.two = 3 end), 'non-function')
   local ok, err = pcall(function() suite.three = {} end)
   check(not ok and tostring(err):find('Nested tables'), 'nested table')
end

---------------------------------------------------------------------------
-- Assertions, called outside run(): true on success, false on failure
-- with a message in tester.errors.

local function expect(tester, result, want, pattern)
   if result ~= want then
      error(string.format('assertion returned %s, expected %s', tostring(result), tostring(want)), 2)
   end
   if not want then
      local msg = tester.errors[#tester.errors]
      if not (msg and msg:find(pattern, 1, true)) then
         error('failure message "' .. tostring(msg) .. '" lacks "' .. pattern .. '"', 2)
      end
   end
end

function tests.tester_assert_basic()
   local t = fresh()
   expect(t, t:assert(true), true)
   expect(t, t:assert(false, 'why'), false, 'why\nBOOL violation condition=false')
   expect(t, t:asserteq(2, 2), true)
   expect(t, t:asserteq(2, 3), false, 'EQ failed: 2 ~= 3')
   expect(t, t:assertne(2, 3), true)
   expect(t, t:assertne(2, 2), false, 'NE failed: 2 == 2')
   expect(t, t:assertlt(1, 2), true)
   expect(t, t:assertlt(2, 2), false, 'LT failed: 2 >= 2')
   expect(t, t:assertgt(3, 2), true)
   expect(t, t:assertgt(2, 2), false, 'GT failed: 2 <= 2')
   expect(t, t:assertle(2, 2), true)
   expect(t, t:assertle(3, 2), false, 'LE failed: 3 > 2')
   expect(t, t:assertge(2, 2), true)
   expect(t, t:assertge(1, 2), false, 'GE failed: 1 < 2')
   expect(t, t:assertalmosteq(1, 1 + 1e-9, 1e-6), true)
   expect(t, t:assertalmosteq(1, 1.1, 1e-6), false, 'ALMOST_EQ failed: 1 ~= 1.1 with tolerance=1e-06')
   expect(t, t:assertalmosteq(1, 1.1, 'msg', 0.2), true)
   check(not pcall(t.asserteq, t, 1, 1, 'm', 'extra'), 'extra arguments are an error')
   check(not pcall(t.assertalmosteq, t, 1, 1, -1), 'negative tolerance')
end

function tests.tester_assert_general_eq()
   local t = fresh()
   expect(t, t:eq(1, 1), true)
   expect(t, t:eq(1, 1.5, 0.6), true)
   expect(t, t:eq(1, 2), false, 'EQ failed: 1 ~= 2')
   expect(t, t:eq(1, '1'), false, 'values have different types (first: number, second: string)')
   expect(t, t:eq('a', 'b'), false, 'EQ failed: a (string) ~= b (string)')
   expect(t, t:ne(1, 2), true)
   expect(t, t:ne(1, 1), false, 'NE failed: 1 == 1')
   expect(t, t:assertGeneralEq({ 1, { 2 } }, { 1, { 2 } }), true)
   expect(t, t:assertGeneralNe({ 1 }, { 2 }), true)
end

function tests.tester_assert_table_eq()
   local t = fresh()
   expect(t, t:assertTableEq({ a = 1, b = { c = { 1, 2 } } }, { a = 1, b = { c = { 1, 2 } } }), true)
   expect(t, t:assertTableEq({ a = 1, b = { c = { 1, 2 } } }, { a = 1, b = { c = { 1, 3 } } }), false,
          'At table location b.c.2: EQ failed: 2 ~= 3')
   expect(t, t:assertTableEq({ a = 1 }, {}), false, 'Entry a missing in second table (is 1 in first)')
   expect(t, t:assertTableEq({}, { z = true }), false, 'Entry z missing in first table (is true in second)')
   expect(t, t:assertTableEq({ 1.0 }, { 1.05 }, 0.1), true)
   expect(t, t:assertTableEq({ 1.0 }, { 1.05 }, 'tolerance after message', 0.1), true)
   expect(t, t:assertTableNe({ 1 }, { 2 }), true)
   expect(t, t:assertTableNe({ 1 }, { 1 }), false, 'The tables are equal')
   local cyc1, cyc2 = { v = 1 }, { v = 1 }
   cyc1.self, cyc2.self = cyc1, cyc2
   expect(t, t:assertTableEq(cyc1, cyc2), true)
   check(not pcall(t.assertTableEq, t, 1, {}), 'first argument must be a table')
end

function tests.tester_assert_errors()
   local t = fresh()
   local function boom() error('kaboom', 0) end
   local function fine() end
   expect(t, t:assertError(boom), true)
   expect(t, t:assertError(fine), false, 'ERROR violation')
   expect(t, t:assertNoError(fine), true)
   expect(t, t:assertNoError(boom), false, 'ERROR violation: err=kaboom')
   expect(t, t:assertErrorMsg(boom, 'kaboom'), true)
   expect(t, t:assertErrorMsg(boom, 'other'), false, 'ERROR violation: err=kaboom')
   expect(t, t:assertErrorPattern(boom, 'ka.oom'), true)
   expect(t, t:assertErrorPattern(boom, '^oom'), false, 'ERROR violation')
   local obj = { code = 7 }
   expect(t, t:assertErrorObj(function() error(obj) end, function(e) return e.code == 7 end), true)
   expect(t, t:assertErrorObj(function() error(obj) end, function(e) return e.code == 8 end), false,
          'ERROR violation')
end

function tests.tester_counts_asserts()
   local tester = torch.Tester()
   tester:add(function()
      for i = 1, 5 do tester:asserteq(i, i) end
      tester:asserteq(1, 2)
   end, 'counted')
   local out = run_captured(tester)
   check(out:find('Completed 6 asserts in 1 test with 1 failure and 0 errors', 1, true), out)
end

---------------------------------------------------------------------------
-- Tensor assertions (run once tensors exist)

function tests.tester_assert_tensor_eq()
   skip_without_tensors()
   local t = fresh()
   local a = torch.DoubleTensor({ { 1, 2 }, { 3, 4 } })
   local b = a:clone()
   expect(t, t:assertTensorEq(a, b), true)
   b[1][2] = 2.5
   expect(t, t:assertTensorEq(a, b), false, 'TensorEQ(==) violation: max diff=0.5, tolerance=0')
   expect(t, t:assertTensorEq(a, b, 0.6), true)
   expect(t, t:assertTensorNe(a, b), true)
   expect(t, t:assertTensorNe(a, a:clone()), false, 'TensorNE(==) violation')
   expect(t, t:assertTensorEq(a, torch.FloatTensor(2, 2):fill(1)), false, 'The tensors have different types')
   expect(t, t:assertTensorEq(a, torch.DoubleTensor(3)), false, 'The tensors have different sizes')
   -- Torch7 compatibility: same contents in another shape is equal, with a warning
   local nw = #t.warnings
   expect(t, t:assertTensorEq(torch.DoubleTensor({ 1, 2, 3, 4 }), a:view(4):view(1, 4)), true)
   check(#t.warnings == nw + 1, 'warning about the shapes')
   -- byte tensors compare without wrap-around
   local u, v = torch.ByteTensor({ 3 }), torch.ByteTensor({ 5 })
   expect(t, t:assertTensorEq(u, v, 1), false, 'max diff=2')
   -- transposed (non-contiguous) views
   expect(t, t:assertTensorEq(a:t():t(), a), true)
   check(not pcall(t.assertTensorEq, t, {}, a), 'first argument must be a tensor')
end

function tests.tester_eq_tensors_in_tables()
   skip_without_tensors()
   local t = fresh()
   local a = torch.DoubleTensor({ 1, 2, 3 })
   expect(t, t:eq(a, a:clone()), true)
   expect(t, t:eq(a, torch.DoubleTensor({ 1, 2 })), false, 'different sizes')
   expect(t, t:eq(a, a:view(1, 3)), false, 'different dimensions')
   expect(t, t:assertTableEq({ w = a, n = 1 }, { w = a:clone(), n = 1 }), true)
   local c = a:clone()
   c[3] = 4
   expect(t, t:assertTableEq({ w = a }, { w = c }), false, 'At table location w: TensorEQ(==) violation')
   expect(t, t:eq(a:storage(), a:clone():storage()), true)
end

return tests
