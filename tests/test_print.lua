-- tests/test_print.lua: tostring/print of tensors and storages.
--
-- Expected strings are Torch7's output (API.md section 4), written as one
-- Lua string per line; L(...) joins them and adds the final newline that
-- Torch7's __tostring__ ends with. Also covers the summary of large
-- tensors (threshold, edgeitems) and torch.printfull.

local tests = {}

local NaN, INF = 0 / 0, math.huge

-- Lines joined by '\n', with the trailing newline.
local function L(...)
  return table.concat({ ... }, '\n') .. '\n'
end

-- Exact text comparison; on failure shows both texts with visible line ends.
local function check_text(got, expected, what)
  if got == expected then return end
  local function show(s) return (tostring(s):gsub('\n', '$\n    ')) end
  error(string.format('%s: output differs\n  got:\n    %s\n  expected:\n    %s',
                      what or 'tostring', show(got), show(expected)), 2)
end

local function check(cond, msg)
  if not cond then error(msg or 'check failed', 2) end
end

-- A tensor of the given sizes holding 1, 2, 3, ... in row-major order.
local function seq(...)
  local t = torch.Tensor(...)
  local s = t:storage()
  for i = 1, s:size() do s[i] = i end
  return t
end

local function lines_of(s)
  local r = {}
  for line in s:gmatch('([^\n]*)\n') do r[#r + 1] = line end
  return r
end

local function count(s, pattern)
  local n = 0
  for _ in s:gmatch(pattern) do n = n + 1 end
  return n
end

-- Runs fn with print options changed, restoring them even on error.
local function with_options(opts, fn)
  local saved = torch.getprintoptions()
  torch.setprintoptions(opts)
  local ok, err = pcall(fn)
  torch.setprintoptions(saved)
  if not ok then error(err, 0) end
end

---------------------------------------------------------------------------
-- API.md 4.3, verbatim

function tests.api_integer_vector()
  check_text(tostring(torch.Tensor({ 1, 2, 3 })), L(' 1', ' 2', ' 3', '[torch.DoubleTensor of size 3]'))
end

function tests.api_matrix()
  check_text(tostring(torch.Tensor({ { 1.5, 2, 3 }, { 4, 5, 6 } })),
             L(' 1.5000  2.0000  3.0000', ' 4.0000  5.0000  6.0000', '[torch.DoubleTensor of size 2x3]'))
end

function tests.api_exponent_format()
  check_text(tostring(torch.Tensor({ 123456, 0.5 })),
             L(' 1.2346e+05', ' 5.0000e-01', '[torch.DoubleTensor of size 2]'))
end

function tests.api_scale_and_no_scale()
  check_text(tostring(torch.Tensor({ 0.05, 0.025 })),
             L('0.01 *', ' 5.0000', ' 2.5000', '[torch.DoubleTensor of size 2]'))
  check_text(tostring(torch.Tensor({ 0.5, 0.25 })),
             L(' 0.5000', ' 0.2500', '[torch.DoubleTensor of size 2]'))
end

function tests.api_large_scale()
  check_text(tostring(torch.Tensor({ 123456.5, 234567.5 })),
             L('100000 *', ' 1.2346', ' 2.3457', '[torch.DoubleTensor of size 2]'))
end

function tests.api_width_9()
  check_text(tostring(torch.Tensor({ { 100.25, 5 }, { 3, 4 } })),
             L(' 100.2500    5.0000', '   3.0000    4.0000', '[torch.DoubleTensor of size 2x2]'))
end

function tests.api_long_negative()
  check_text(tostring(torch.LongTensor({ -3, 10, 200 })),
             L('  -3', '  10', ' 200', '[torch.LongTensor of size 3]'))
end

function tests.api_storage()
  check_text(tostring(torch.DoubleStorage({ 1, 2.5 })),
             L(' 1.0000', ' 2.5000', '[torch.DoubleStorage of size 2]'))
end

function tests.api_column_wrap()
  local row10 = string.rep(' 0.1230', 10, ' ')
  local row2 = ' 0.1230  0.1230'
  check_text(tostring(torch.Tensor(2, 12):fill(0.123)),
             L('Columns 1 to 10', row10, row10, '', 'Columns 11 to 12', row2, row2,
               '[torch.DoubleTensor of size 2x12]'))
end

function tests.api_matrix_scale()
  check_text(tostring(torch.Tensor({ { 0.001, 0.002 }, { 0.0035, 0.0001 } })),
             L('0.001 *', '  1.0000  2.0000', '  3.5000  0.1000', '[torch.DoubleTensor of size 2x2]'))
end

---------------------------------------------------------------------------
-- Types and footers

function tests.integer_types()
  check_text(tostring(torch.ByteTensor({ 0, 255, 7 })),
             L('   0', ' 255', '   7', '[torch.ByteTensor of size 3]'))
  check_text(tostring(torch.CharTensor({ -128, 5 })),
             L('-128', '   5', '[torch.CharTensor of size 2]'))
  check_text(tostring(torch.LongTensor({ { 1, 2 }, { 30, 4 } })),
             L('  1   2', ' 30   4', '[torch.LongTensor of size 2x2]'))
  -- ten digits leave integer mode's %d for %11.4e
  check_text(tostring(torch.LongTensor({ 1234567890, 1 })),
             L(' 1.2346e+09', ' 1.0000e+00', '[torch.LongTensor of size 2]'))
end

function tests.float_footer()
  check_text(tostring(torch.FloatTensor({ { 1.5, 2 } })),
             L(' 1.5000  2.0000', '[torch.FloatTensor of size 1x2]'))
  -- values went through double: 0.1f prints as 0.1000 all the same
  check_text(tostring(torch.FloatTensor({ 0.1 })), L(' 0.1000', '[torch.FloatTensor of size 1]'))
end

function tests.every_dtype_prints()
  for _, n in ipairs({ 'Byte', 'Char', 'Short', 'Int', 'Long', 'Float', 'Double', 'Half' }) do
    check_text(tostring(torch[n .. 'Tensor']({ 1, 2 })), L(' 1', ' 2', '[torch.' .. n .. 'Tensor of size 2]'), n)
    check_text(tostring(torch[n .. 'Storage']({ 1, 2 })), L(' 1', ' 2', '[torch.' .. n .. 'Storage of size 2]'), n)
    check_text(tostring(torch[n .. 'Tensor']()), L('[torch.' .. n .. 'Tensor with no dimension]'), n)
  end
  check_text(tostring(torch.HalfTensor({ 1.5, 2 })), L(' 1.5000', ' 2.0000', '[torch.HalfTensor of size 2]'))
end

function tests.no_dimension()
  check_text(tostring(torch.Tensor()), L('[torch.DoubleTensor with no dimension]'))
  check_text(tostring(torch.FloatTensor()), L('[torch.FloatTensor with no dimension]'))
end

function tests.storages()
  check_text(tostring(torch.DoubleStorage()), L('[torch.DoubleStorage of size 0]'))
  check_text(tostring(torch.LongStorage({ 3, 40 })), L('  3', ' 40', '[torch.LongStorage of size 2]'))
  check_text(tostring(torch.FloatStorage({ 0.05, 0.025 })),
             L('0.01 *', ' 5.0000', ' 2.5000', '[torch.FloatStorage of size 2]'))
  -- a tensor's storage prints all of it, one value per line
  check_text(tostring(seq(2, 2):storage()), L(' 1', ' 2', ' 3', ' 4', '[torch.DoubleStorage of size 4]'))
end

function tests.print_adds_newline()
  local out = {}
  local saved = print
  print = function(...)
    local parts = {}
    for i = 1, select('#', ...) do parts[i] = tostring((select(i, ...))) end
    out[#out + 1] = table.concat(parts, '\t') .. '\n'
  end
  local ok, err = pcall(print, torch.Tensor({ 7 }))
  print = saved
  if not ok then error(err, 0) end
  check_text(out[1], L(' 7', '[torch.DoubleTensor of size 1]', ''))
end

---------------------------------------------------------------------------
-- ND

function tests.three_d_headers_and_shared_scale()
  check_text(tostring(torch.Tensor(2, 3, 2):fill(0.001)),
             L('(1,.,.) = ', ' 0.001 *', '   1.0000  1.0000', '   1.0000  1.0000', '   1.0000  1.0000', '',
               '(2,.,.) = ', ' 0.001 *', '   1.0000  1.0000', '   1.0000  1.0000', '   1.0000  1.0000',
               '[torch.DoubleTensor of size 2x3x2]'))
  -- one format for all slices: the second slice's 100 widens the first
  check_text(tostring(torch.Tensor({ { { 1 } }, { { 100 } } })),
             L('(1,.,.) = ', '    1', '', '(2,.,.) = ', '  100', '[torch.DoubleTensor of size 2x1x1]'))
end

function tests.four_d_first_index_fastest()
  check_text(tostring(seq(2, 2, 2, 2)),
             L('(1,1,.,.) = ', '   1   2', '   3   4', '',
               '(2,1,.,.) = ', '   9  10', '  11  12', '',
               '(1,2,.,.) = ', '   5   6', '   7   8', '',
               '(2,2,.,.) = ', '  13  14', '  15  16',
               '[torch.DoubleTensor of size 2x2x2x2]'))
end

function tests.nd_column_wrap()
  -- Torch7 indents the first chunk's "Columns" line only
  local row9 = ' ' .. string.rep(' 0.1230', 9, ' ')
  local row3 = ' ' .. ' 0.1230  0.1230  0.1230'
  local slice = { ' Columns 1 to 9', row9, row9, '', 'Columns 10 to 12', row3, row3 }
  local expected = { '(1,.,.) = ' }
  for _, l in ipairs(slice) do expected[#expected + 1] = l end
  expected[#expected + 1] = ''
  expected[#expected + 1] = '(2,.,.) = '
  for _, l in ipairs(slice) do expected[#expected + 1] = l end
  expected[#expected + 1] = '[torch.DoubleTensor of size 2x2x12]'
  check_text(tostring(torch.Tensor(2, 2, 12):fill(0.123)), L(unpack(expected)))
end

---------------------------------------------------------------------------
-- Special values and format edges

function tests.nan_falls_back_to_f()
  check_text(tostring(torch.Tensor({ NaN, 1, INF })),
             L('nan', '1.000000', 'inf', '[torch.DoubleTensor of size 3]'))
  -- %f has no width: no column wrapping even with 20 columns
  local t = torch.Tensor(2, 20):fill(1)
  t:storage()[1] = NaN
  check_text(tostring(t), L('nan' .. string.rep(' 1.000000', 19),
                            '1.000000' .. string.rep(' 1.000000', 19),
                            '[torch.DoubleTensor of size 2x20]'))
end

function tests.infinities()
  -- inf passes the integer test; its exponent is inf > 9
  check_text(tostring(torch.Tensor({ 1, INF })), L(' 1.0000e+00', '        inf', '[torch.DoubleTensor of size 2]'))
  -- with a fraction: exponent spread inf > 4 and |inf| > 99: width 12
  check_text(tostring(torch.Tensor({ 0.5, -INF })),
             L('  5.0000e-01', '        -inf', '[torch.DoubleTensor of size 2]'))
end

function tests.negative_numbers()
  check_text(tostring(torch.Tensor({ -1.5, 2 })), L('-1.5000', ' 2.0000', '[torch.DoubleTensor of size 2]'))
  check_text(tostring(torch.Tensor({ { -1, 2 }, { 3, -40 } })),
             L(' -1   2', '  3 -40', '[torch.DoubleTensor of size 2x2]'))
  check_text(tostring(torch.Tensor({ -0.05, 0.025 })),
             L('0.01 *', '-5.0000', ' 2.5000', '[torch.DoubleTensor of size 2]'))
end

function tests.scale_forms()
  check_text(tostring(torch.Tensor({ 0.001, 0.002 })), L('0.001 *', ' 1.0000', ' 2.0000', '[torch.DoubleTensor of size 2]'))
  check_text(tostring(torch.Tensor({ 1e-5, 2.5e-5 })), L('1e-05 *', ' 1.0000', ' 2.5000', '[torch.DoubleTensor of size 2]'))
  check_text(tostring(torch.Tensor({ 1234567.5, 2e6 })), L('1e+06 *', ' 1.2346', ' 2.0000', '[torch.DoubleTensor of size 2]'))
end

function tests.wide_exponent()
  check_text(tostring(torch.Tensor({ 1e-120, 1 })), L(' 1.0000e-120', '  1.0000e+00', '[torch.DoubleTensor of size 2]'))
end

function tests.zeros()
  check_text(tostring(torch.Tensor(2):zero()), L(' 0', ' 0', '[torch.DoubleTensor of size 2]'))
  check_text(tostring(torch.Tensor({ 0, 0.5 })), L(' 0.0000', ' 0.5000', '[torch.DoubleTensor of size 2]'))
end

---------------------------------------------------------------------------
-- Non-contiguous inputs print their logical layout

function tests.non_contiguous_views()
  local x = seq(3, 4)
  check_text(tostring(x:t()), L('  1   5   9', '  2   6  10', '  3   7  11', '  4   8  12',
                                '[torch.DoubleTensor of size 4x3]'))
  check_text(tostring(x:t():float()), L('  1   5   9', '  2   6  10', '  3   7  11', '  4   8  12',
                                        '[torch.FloatTensor of size 4x3]'))
  check_text(tostring(x:narrow(2, 2, 2)), L('  2   3', '  6   7', ' 10  11', '[torch.DoubleTensor of size 3x2]'))
  check_text(tostring(x:select(2, 1)), L(' 1', ' 5', ' 9', '[torch.DoubleTensor of size 3]'))
  check_text(tostring(torch.Tensor({ 1, 2 }):view(2, 1):expand(2, 3)),
             L(' 1  1  1', ' 2  2  2', '[torch.DoubleTensor of size 2x3]'))
  -- the format comes from the view's elements, not the whole storage
  check_text(tostring(x:narrow(1, 1, 1)), L(' 1  2  3  4', '[torch.DoubleTensor of size 1x4]'))
  local y = seq(2, 3, 4):transpose(1, 3)
  check_text(tostring(y), L('(1,.,.) = ', '   1  13', '   5  17', '   9  21', '',
                            '(2,.,.) = ', '   2  14', '   6  18', '  10  22', '',
                            '(3,.,.) = ', '   3  15', '   7  19', '  11  23', '',
                            '(4,.,.) = ', '   4  16', '   8  20', '  12  24',
                            '[torch.DoubleTensor of size 4x3x2]'))
end

---------------------------------------------------------------------------
-- Summary of large tensors

function tests.summary_vector()
  check_text(tostring(seq(2000)),
             L('    1', '    2', '    3', '...', ' 1998', ' 1999', ' 2000', '[torch.DoubleTensor of size 2000]'))
end

function tests.summary_threshold_boundary()
  check(#lines_of(tostring(seq(1000))) == 1001, '1000 elements print in full')
  check(#lines_of(tostring(seq(1001))) == 8, '1001 elements are summarised')
end

function tests.summary_matrix()
  local s = tostring(seq(50, 50))
  check_text(s, L('    1     2     3 ...    48    49    50',
                  '   51    52    53 ...    98    99   100',
                  '  101   102   103 ...   148   149   150',
                  '...',
                  ' 2351  2352  2353 ...  2398  2399  2400',
                  ' 2401  2402  2403 ...  2448  2449  2450',
                  ' 2451  2452  2453 ...  2498  2499  2500',
                  '[torch.DoubleTensor of size 50x50]'))
  -- only the long dimension is cut
  local tall = tostring(seq(600, 2))
  check(#lines_of(tall) == 8 and tall:find('\n...\n', 1, true), 'rows cut')
  check(lines_of(tall)[1] == '    1     2', 'both columns kept: ' .. lines_of(tall)[1])
end

function tests.summary_nd()
  local s = tostring(seq(20, 20, 20))
  local heads = {}
  for h in s:gmatch('\n?(%([%d,]+%.,%.%) = )\n') do heads[#heads + 1] = h end
  check(table.concat(heads, '|') == '(1,.,.) = |(2,.,.) = |(3,.,.) = |(18,.,.) = |(19,.,.) = |(20,.,.) = ',
        'slice headers: ' .. table.concat(heads, '|'))
  check(s:find('\n\n...\n\n(18,.,.) = \n', 1, true), 'a ... block between slices 3 and 18')
  check(s:find('(1,.,.) = \n     1     2     3 ...    18    19    20\n', 1, true), 'first slice rows summarised')
  check(count(s, '\n ...\n') == 6, 'each slice elides its middle rows')
  check(s:sub(-#'[torch.DoubleTensor of size 20x20x20]\n') == '[torch.DoubleTensor of size 20x20x20]\n', 'footer')
  -- two summarised leading dims: runs of elided slices collapse into one block
  local s4 = tostring(seq(7, 7, 7, 7))
  check(count(s4, '%(%d+,%d+,%.,%.%) = ') == 36, '6x6 slices shown')
  check(not s4:find('...\n\n...\n', 1, true), 'no two ... blocks in a row')
  check(s4:find('(7,3,.,.) = ', 1, true) and s4:find('(1,5,.,.) = ', 1, true), 'last slices shown')
  check(not s4:find('(4,', 1, true) and not s4:find(',4,', 1, true), 'middle slices elided')
end

function tests.summary_format_from_all_elements()
  local t = torch.Tensor(2000):fill(1)
  t:storage()[1000] = 0.5   -- not shown, yet it decides the format
  check_text(tostring(t), L(' 1.0000', ' 1.0000', ' 1.0000', '...', ' 1.0000', ' 1.0000', ' 1.0000',
                            '[torch.DoubleTensor of size 2000]'))
  local f = torch.FloatTensor(40, 40):fill(1)
  f:storage()[800] = 123456
  local first = lines_of(tostring(f))[1]
  check(first == '      1       1       1 ...       1       1       1', 'width from the hidden 123456: ' .. first)
end

function tests.summary_storage()
  local s = torch.DoubleStorage(5000):fill(2)
  check_text(tostring(s), L(' 2', ' 2', ' 2', '...', ' 2', ' 2', ' 2', '[torch.DoubleStorage of size 5000]'))
end

function tests.threshold_option()
  with_options({ threshold = math.huge }, function()
    local lines = lines_of(tostring(seq(2000)))
    check(#lines == 2001, 'full print: ' .. #lines .. ' lines')
    check(lines[1000] == ' 1000', 'middle value shown')
  end)
  with_options({ threshold = 10 }, function()
    check_text(tostring(seq(11)),
               L('  1', '  2', '  3', '...', '  9', ' 10', ' 11', '[torch.DoubleTensor of size 11]'))
  end)
  with_options({ edgeitems = 1 }, function()
    check_text(tostring(seq(2000)), L('    1', '...', ' 2000', '[torch.DoubleTensor of size 2000]'))
  end)
  -- restored afterwards
  assert_eq(torch.getprintoptions(), { threshold = 1000, edgeitems = 3 })
  assert_eq(torch.getprintoptions(true), { threshold = 1000, edgeitems = 3 })
end

function tests.printfull()
  local t = seq(3000)
  local full = torch.tostringfull(t)
  check(#lines_of(full) == 3001, 'tostringfull prints every element')
  local out = {}
  local saved = print
  print = function(s) out[#out + 1] = s end
  local ok, err = pcall(torch.printfull, t)
  print = saved
  if not ok then error(err, 0) end
  check(out[1] == full, 'printfull prints the full text')
  check(#lines_of(tostring(t)) == 8, 'options untouched by printfull')
  check(#lines_of(torch.tostringfull(torch.DoubleStorage(2000):fill(1))) == 2001, 'storages too')
end

function tests.option_errors()
  assert_error(function() torch.setprintoptions({ lines = 3 }) end, "setprintoptions: unknown option 'lines'")
  assert_error(function() torch.setprintoptions({ threshold = -1 }) end, 'setprintoptions: threshold')
  assert_error(function() torch.setprintoptions({ threshold = 'all' }) end, 'setprintoptions: threshold')
  assert_error(function() torch.setprintoptions({ edgeitems = 0 }) end, 'setprintoptions: edgeitems')
  assert_error(function() torch.setprintoptions({ edgeitems = 1.5 }) end, 'setprintoptions: edgeitems')
  assert_error(function() torch.setprintoptions(5) end, 'setprintoptions: expected a table')
  -- a rejected call changes nothing, even its valid fields
  assert_error(function() torch.setprintoptions({ threshold = 5, edgeitems = 0 }) end, 'edgeitems')
  assert_eq(torch.getprintoptions(), { threshold = 1000, edgeitems = 3 })
  assert_error(function() torch.printfull(5) end, 'printfull: expected a tensor or a storage')
  assert_error(function() torch.tostringfull({}) end, 'printfull: expected a tensor or a storage')
end

return tests
