-- tests/test_runner.lua: the test runner and its helpers test themselves.
-- The runner is checked from outside: a sub-runner on a temporary
-- directory of tests whose outcomes we know, so that a runner that calls
-- every test a pass would fail here.

local helpers = require 'helpers'

local function run_sub(files, args)
  local dir = helpers.tmpdir()
  for name, text in pairs(files) do helpers.write_file(dir .. '/' .. name, text) end
  local out, err, rc = helpers.shell(table.concat({
    helpers.quote(helpers.th_path()), helpers.quote(helpers.tests_dir .. '/run.lua'),
    '--dir', helpers.quote(dir), args or ''}, ' '))
  helpers.rmtree(dir)
  local last = out:match('([^\n]*)\n?$')
  return out, err, rc, last
end

local sample = {
  ['test_a.lua'] = [[
    return {
      passes = function() assert(1 + 1 == 2) end,
      fails = function() error('boom from a failing test') end,
      skips = function() skip('nothing to see') end,
      raises_skip = function() error(tests_skip('old style')) end,
    }]],
  ['test_b.lua'] = 'return { this is not Lua',
  ['not_a_test.lua'] = 'error("must not be loaded")',
}

return {
  failing_test_is_reported = function()
    local out, _, rc, last = run_sub(sample)
    assert_eq(last, '1 passed, 2 failed, 2 skipped', 'closing line')
    assert(rc ~= 0, 'exit status should be non-zero, got ' .. tostring(rc))
    assert(out:find('FAIL test_a.lua:fails', 1, true), out)
    assert(out:find('boom from a failing test', 1, true), out)
    assert(out:find('FAIL test_b.lua:(load)', 1, true), out)
    assert(out:find('SKIP test_a.lua:skips: nothing to see', 1, true), out)
    assert(not out:find('must not be loaded', 1, true), out)
  end,

  pattern_selects_tests = function()
    local out, _, rc, last = run_sub(sample, 'passes')
    assert_eq(last, '1 passed, 0 failed, 0 skipped', 'closing line')
    assert_eq(rc, 0, 'exit status\n' .. out)
  end,

  no_test_ran_is_an_error = function()
    local _, _, rc, last = run_sub(sample, 'no_such_test_anywhere')
    assert_eq(last, '0 passed, 0 failed, 0 skipped')
    assert(rc ~= 0, 'a run with no test should fail')
  end,

  assert_near_tolerance = function()
    assert_near(1.0, 1.0 + 1e-9, 1e-6)
    assert_near({1, {2, 3}}, {1, {2, 3 + 1e-9}}, 1e-6)
    assert_near(1e6, 1e6 + 0.1, 1e-6)            -- relative for large values
    assert_near(0 / 0, 0 / 0)                    -- NaN matches NaN
    assert_error(function() assert_near(1, 1.001, 1e-6) end, 'assert_near')
    assert_error(function() assert_near({1, 2}, {1, 2, 3}) end, 'length')
    assert_error(function() assert_near(1, 0 / 0) end, 'assert_near')
  end,

  assert_error_checks_message = function()
    local msg = assert_error(function() error('bad argument #1 (x)') end, 'bad argument #1 (x)')
    assert(msg:find('bad argument', 1, true))
    assert_error(function() error('abc') end, '^.*b')      -- Lua patterns work too
    local ok, err = pcall(assert_error, function() end, 'x')
    assert(not ok and err:find('no error raised', 1, true), err)
    ok, err = pcall(assert_error, function() error('one') end, 'two')
    assert(not ok and err:find('does not match', 1, true), err)
  end,

  assert_eq_deep = function()
    assert_eq({a = 1, b = {2, 3}}, {a = 1, b = {2, 3}})
    assert_error(function() assert_eq({a = 1}, {a = 1, b = 2}) end, 'missing')
    assert_error(function() assert_eq(1, 2, 'numbers') end, 'numbers: assert_eq')
  end,
}
