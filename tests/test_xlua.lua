-- tests/test_xlua.lua: xlua.formatTime, xlua.progress (on a terminal via
-- `script`, and as plain lines when stdout is a pipe), and the small
-- helpers and string/table extensions.

local helpers = require 'helpers'
local q = helpers.quote
local xlua = require 'xlua'

local function th(code)
  return helpers.shell(q(helpers.th_path()) .. ' -e ' .. q(code))
end

return {
  format_time = function()
    assert_eq(xlua.formatTime(0), '0ms')
    assert_eq(xlua.formatTime(0.012), '12ms')
    assert_eq(xlua.formatTime(3720), '1h2m')
    assert_eq(xlua.formatTime(90000), '1D1h')
    assert_eq(xlua.formatTime(61.5), '1m1s')        -- at most two units
    assert_eq(xlua.formatTime(5.25), '5s250ms')
    assert_eq(xlua.formatTime(86400 + 61), '1D1m')
    assert_error(function() xlua.formatTime('x') end, 'formatTime')
  end,

  progress_plain_lines_when_not_a_terminal = function()
    local out, err, rc = th([[xlua = require 'xlua' for i = 1, 200 do xlua.progress(i, 200) end]])
    assert_eq(rc, 0, err)
    assert(not out:find('\r', 1, true) and not out:find('\b', 1, true), out)
    local lines = {}
    for l in out:gmatch('[^\n]+') do lines[#lines + 1] = l end
    assert(#lines >= 10 and #lines <= 12, #lines .. ' lines:\n' .. out)
    assert(lines[#lines]:find('^ 200/200 %[100%%%] Tot: .* | Step: '), lines[#lines])
    assert(lines[2]:find('ETA: ', 1, true), lines[2])
  end,

  progress_bar_on_a_terminal = function()
    local _, _, rc0 = helpers.shell('command -v script')
    if rc0 ~= 0 then skip('script(1) is not installed') end
    local code = [[xlua = require 'xlua' for i = 1, 10 do xlua.progress(i, 10) end]]
    local out, err, rc = helpers.shell('COLUMNS=80 TERM=xterm script -qec ' ..
      q(q(helpers.th_path()) .. ' -e ' .. q(code)) .. ' /dev/null')
    assert_eq(rc, 0, err)
    -- Each call redraws the line with \r; the bar is width - 34 cells.
    local _, redraws = out:gsub('\r %[', '')
    assert(redraws == 10, 'expected 10 redraws, got ' .. redraws .. ': ' .. out)
    local bar = out:match('%[([=>%.]+)%]')
    assert(bar and (#bar == 80 - 34 or #bar <= 120 - 34), tostring(bar))
    assert(out:find(' 10/10 ', 1, true), out)
    assert(out:find('Tot: ', 1, true), out)
    assert(out:find('ETA: ', 1, true), out)
    assert(out:find('\b', 1, true), 'counter overprinted with backspaces')
    local last = out:match('.*%[([=>%.]+)%]')
    assert(last:find('^=+>$'), 'finished bar: ' .. last)
  end,

  string_and_table_extensions = function()
    local parts = ('a b  c'):split(' ')
    assert_eq(#parts, 3)
    assert_eq(parts[3], 'c')
    assert_eq(('1,2'):split(',')[2], '2')
    assert_eq(('12'):tosymbol(), 12)
    assert_eq(('true'):tosymbol(), true)
    assert_eq(table.concat(table.splice({ 1, 2, 3, 4 }, 2, 2, 'x'), ' '), '1 x 4')
    assert_eq(table.concat(table.prune({ 1, 2, 1, 3, 2 }), ' '), '1 2 3')
    assert_eq(xlua.installed('torch'), true)
    assert_eq(xlua.installed('no_such_package_xyz'), false)
    assert_eq(xlua.require('no_such_package_xyz'), nil)
    assert_error(function() xlua.error('bad thing', 'mypkg') end, 'mypkg: bad thing')
  end,
}
