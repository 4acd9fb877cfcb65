-- gnuplot/plots.lua: the plotting functions of the gnuplot package (plot,
-- splot, scatter3, imagesc, bar, hist, histc) and their argument forms.
-- Data goes to gnuplot as datablocks; see gnuplot/init.lua.

return function(gnuplot)

local quote = gnuplot._quote

local function fail(fn, msg, level)
  error('gnuplot.' .. fn .. ': ' .. msg, (level or 1) + 1)
end

local function is_tensor(x) return torch ~= nil and torch.isTensor(x) end

-- A number for a datablock; NaN becomes gnuplot's "undefined" (a gap).
local function num(v)
  if v ~= v then return 'NaN' end
  if v == math.huge then return '1e308' end
  if v == -math.huge then return '-1e308' end
  return string.format('%.10g', v)
end

-- A tensor or table of numbers as {n = count, [i] = value}; 1-D only
-- unless `dims` allows 2 (then also rows, cols and get(i, j)).
local function vector(fn, x, what)
  if type(x) == 'table' then
    for i = 1, #x do
      if type(x[i]) ~= 'number' then
        fail(fn, what .. ' must hold numbers (element ' .. i .. ' is a ' .. type(x[i]) .. ')', 4)
      end
    end
    return x, #x
  end
  if not is_tensor(x) then fail(fn, what .. ' must be a tensor, got ' .. type(x), 4) end
  if x:dim() ~= 1 then
    fail(fn, what .. ' must be 1-D, got ' .. x:dim() .. '-D', 4)
  end
  local c = x:double():contiguous()
  local p, n = c:data(), c:size(1)
  local t = {}
  for i = 1, n do t[i] = p[i - 1] end
  return t, n
end

local function matrix(fn, x, what)
  if not is_tensor(x) or x:dim() ~= 2 then
    fail(fn, what .. ' must be a 2-D tensor', 4)
  end
  local c = x:double():contiguous()
  local p, r, k = c:data(), c:size(1), c:size(2)
  return function(i, j) return p[(i - 1) * k + j - 1] end, r, k
end

local block_id = 0
-- A datablock from rows (a table of strings); returns its name and text.
local function datablock(lines)
  block_id = block_id + 1
  local name = '$tl' .. block_id
  return name, name .. ' << EOD\n' .. table.concat(lines, '\n') .. '\nEOD\n'
end

-- Format code -> gnuplot "with" clause.
local styles = {
  ['-'] = 'with lines', ['+'] = 'with points', ['+-'] = 'with linespoints',
  ['-+'] = 'with linespoints', ['.'] = 'with dots', ['|'] = 'with boxes',
  ['~'] = 'smooth csplines with lines', ['acsplines'] = 'smooth acsplines with lines',
  ['v'] = 'with vectors',
}

local function title(legend)
  if legend == nil or legend == '' then return 'notitle' end
  return 'title ' .. quote(legend)
end

local function is_data(x)
  if is_tensor(x) then return true end
  return type(x) == 'table' and type(x[1]) == 'number'
end

-- One series spec {legend?, x?, y, format?} -> {legend, x, y, fmt}.
local function series(fn, spec)
  local legend, fmt, data = nil, nil, {}
  for i = 1, #spec do
    local v = spec[i]
    if type(v) == 'string' then
      if #data == 0 and legend == nil and i == 1 then legend = v
      elseif #data > 0 and fmt == nil then fmt = v
      else fail(fn, 'unexpected string "' .. v .. '" in a series', 3) end
    elseif is_data(v) then
      if fmt then fail(fn, 'data after the format string', 3) end
      data[#data + 1] = v
    else
      fail(fn, 'bad series element ' .. i .. ' (' .. type(v) .. ')', 3)
    end
  end
  return legend, data, fmt
end

-- Normalises plot's arguments into a list of series tables.
local function series_list(fn, ...)
  local args = {...}
  if #args == 0 then fail(fn, 'nothing to plot', 3) end
  if is_data(args[1]) then return {args} end
  if type(args[1]) ~= 'table' then
    fail(fn, 'expected tensors or series tables, got ' .. type(args[1]), 3)
  end
  if type(args[1][1]) == 'table' and not is_data(args[1][1]) then return args[1] end
  return args
end

-- plot(y), plot(x, y), plot(x, y, fmt), plot({legend, x, y, fmt}, ...),
-- plot({{...}, {...}}).
function gnuplot.plot(...)
  local specs = series_list('plot', ...)
  local blocks, parts = {}, {}
  for s, spec in ipairs(specs) do
    if type(spec) ~= 'table' then fail('plot', 'series ' .. s .. ' is not a table') end
    local legend, data, fmt = series('plot', spec)
    fmt = fmt or '-'
    local with = styles[fmt]
    if not with then
      fail('plot', 'unknown format "' .. fmt .. "\" (use '+' '-' '+-' '.' '|' '~' 'acsplines' 'v')")
    end
    local lines, using = {}, '1:2'
    if fmt == 'v' then
      if #data ~= 1 or not is_tensor(data[1]) or data[1]:dim() ~= 2 or data[1]:size(2) ~= 4 then
        fail('plot', "format 'v' needs one Nx4 tensor (x, y, dx, dy)")
      end
      local get, r = matrix('plot', data[1], 'vectors')
      for i = 1, r do
        lines[i] = num(get(i, 1)) .. ' ' .. num(get(i, 2)) .. ' ' .. num(get(i, 3)) .. ' ' .. num(get(i, 4))
      end
      using = '1:2:3:4'
    elseif #data == 1 then
      local y, n = vector('plot', data[1], 'y')
      for i = 1, n do lines[i] = i .. ' ' .. num(y[i]) end
    elseif #data == 2 then
      local x, n = vector('plot', data[1], 'x')
      local y, m = vector('plot', data[2], 'y')
      if n ~= m then
        fail('plot', string.format('x and y differ in size (%d and %d)', n, m))
      end
      for i = 1, n do lines[i] = num(x[i]) .. ' ' .. num(y[i]) end
    else
      fail('plot', 'series ' .. s .. ' needs 1 or 2 data tensors, got ' .. #data)
    end
    if #lines == 0 then fail('plot', 'series ' .. s .. ' is empty') end
    local name, text = datablock(lines)
    blocks[#blocks + 1] = text
    parts[#parts + 1] = name .. ' using ' .. using .. ' ' .. title(legend) .. ' ' .. with
  end
  local fig = gnuplot._current('plot')
  gnuplot._send(fig, 'plot', table.concat(blocks))
  gnuplot._draw(fig, 'plot', 'plot ' .. table.concat(parts, ', '))
  return fig.id
end

-- Surface rows "x y z", a blank line after each row of the grid.
local function grid_lines(fn, x, y, z)
  local zg, r, c = matrix(fn, z, 'z')
  local xg, yg = nil, nil
  if x then
    local xr, xc
    xg, xr, xc = matrix(fn, x, 'x')
    local yr, yc
    yg, yr, yc = matrix(fn, y, 'y')
    if xr ~= r or xc ~= c or yr ~= r or yc ~= c then
      fail(fn, 'x, y and z must have the same size', 3)
    end
  end
  local lines = {}
  for i = 1, r do
    for j = 1, c do
      local xv = xg and xg(i, j) or i
      local yv = yg and yg(i, j) or j
      lines[#lines + 1] = num(xv) .. ' ' .. num(yv) .. ' ' .. num(zg(i, j))
    end
    lines[#lines + 1] = ''
  end
  return lines
end

-- splot(z), splot(x, y, z), splot({legend, x, y, z}, ...): surfaces from
-- 2-D tensors.
function gnuplot.splot(...)
  local specs = series_list('splot', ...)
  local blocks, parts = {}, {}
  for s, spec in ipairs(specs) do
    local legend, data = series('splot', spec)
    local lines
    if #data == 1 then lines = grid_lines('splot', nil, nil, data[1])
    elseif #data == 3 then lines = grid_lines('splot', data[1], data[2], data[3])
    else fail('splot', 'series ' .. s .. ' needs z or x, y, z (2-D tensors)') end
    local name, text = datablock(lines)
    blocks[#blocks + 1] = text
    parts[#parts + 1] = name .. ' using 1:2:3 ' .. title(legend) .. ' with lines'
  end
  local fig = gnuplot._current('splot')
  gnuplot._send(fig, 'splot', table.concat(blocks))
  gnuplot._draw(fig, 'splot', 'splot ' .. table.concat(parts, ', '))
  return fig.id
end

-- scatter3(x, y, z) or scatter3({legend, x, y, z}, ...): 3-D points.
function gnuplot.scatter3(...)
  local specs = series_list('scatter3', ...)
  local blocks, parts = {}, {}
  for s, spec in ipairs(specs) do
    local legend, data = series('scatter3', spec)
    if #data ~= 3 then fail('scatter3', 'series ' .. s .. ' needs x, y, z') end
    local x, n = vector('scatter3', data[1], 'x')
    local y, m = vector('scatter3', data[2], 'y')
    local z, k = vector('scatter3', data[3], 'z')
    if n ~= m or n ~= k then fail('scatter3', 'x, y and z differ in size') end
    local lines = {}
    for i = 1, n do lines[i] = num(x[i]) .. ' ' .. num(y[i]) .. ' ' .. num(z[i]) end
    local name, text = datablock(lines)
    blocks[#blocks + 1] = text
    parts[#parts + 1] = name .. ' using 1:2:3 ' .. title(legend) .. ' with points'
  end
  local fig = gnuplot._current('scatter3')
  gnuplot._send(fig, 'scatter3', table.concat(blocks))
  gnuplot._draw(fig, 'scatter3', 'splot ' .. table.concat(parts, ', '))
  return fig.id
end

-- imagesc(M [, 'color' | 'gray']): a matrix as an image, row 1 at the top.
function gnuplot.imagesc(m, palette)
  palette = palette or 'color'
  local pal = ({color = 'set palette rgbformulae 7,5,15', gray = 'set palette gray',
                grey = 'set palette gray'})[palette]
  if not pal then fail('imagesc', 'palette must be "color" or "gray", got ' .. tostring(palette)) end
  local get, r, c = matrix('imagesc', m, 'the image')
  local lines = {}
  for i = 1, r do
    local row = {}
    for j = 1, c do row[j] = num(get(i, j)) end
    lines[i] = table.concat(row, ' ')
  end
  local name, text = datablock(lines)
  local fig = gnuplot._current('imagesc')
  gnuplot._send(fig, 'imagesc', text .. pal)
  gnuplot._draw(fig, 'imagesc', string.format(
    'plot [-0.5:%g] [%g:-0.5] %s matrix notitle with image', c - 0.5, r - 0.5, name))
  return fig.id
end

-- bar(y) or bar(x, y): boxes.
function gnuplot.bar(a, b)
  local x, y, n
  if b == nil then
    y, n = vector('bar', a, 'y')
    x = {}
    for i = 1, n do x[i] = i end
  else
    x, n = vector('bar', a, 'x')
    local m
    y, m = vector('bar', b, 'y')
    if n ~= m then fail('bar', string.format('x and y differ in size (%d and %d)', n, m)) end
  end
  if n == 0 then fail('bar', 'nothing to plot') end
  local lines = {}
  for i = 1, n do lines[i] = num(x[i]) .. ' ' .. num(y[i]) end
  local name, text = datablock(lines)
  local fig = gnuplot._current('bar')
  gnuplot._send(fig, 'bar', text .. 'set boxwidth 0.8 relative')
  gnuplot._draw(fig, 'bar', 'plot ' .. name .. ' using 1:2 notitle with boxes')
  return fig.id
end

-- The histogram of t in `bins` equal bins over [min, max] (default: the
-- data's range). Returns {raw = counts, bins = centres (DoubleTensors),
-- binwidth, min, max, [i] = {key = centre, val = count}}.
function gnuplot.histc(t, bins, min, max)
  bins = bins or 10
  if type(bins) ~= 'number' or bins < 1 or bins % 1 ~= 0 then
    fail('histc', 'bins must be a positive integer, got ' .. tostring(bins))
  end
  local v, n = vector('histc', is_tensor(t) and t:dim() > 1 and t:view(t:nElement()) or t, 'data')
  if n == 0 then fail('histc', 'no data') end
  local lo, hi = min, max
  if lo == nil or hi == nil then
    local a, b = math.huge, -math.huge
    for i = 1, n do
      if v[i] == v[i] then a = math.min(a, v[i]); b = math.max(b, v[i]) end
    end
    lo, hi = lo or a, hi or b
  end
  if lo == hi then lo, hi = lo - 0.5, hi + 0.5 end
  if lo > hi then fail('histc', string.format('min (%g) is above max (%g)', lo, hi)) end
  local w = (hi - lo) / bins
  local counts = {}
  for i = 1, bins do counts[i] = 0 end
  for i = 1, n do
    local x = v[i]
    if x >= lo and x <= hi then
      local k = math.min(bins, math.floor((x - lo) / w) + 1)
      counts[k] = counts[k] + 1
    end
  end
  local h = {binwidth = w, min = lo, max = hi}
  for i = 1, bins do h[i] = {key = lo + (i - 0.5) * w, val = counts[i]} end
  if torch and torch.DoubleTensor then
    h.raw = torch.DoubleTensor(bins)
    h.bins = torch.DoubleTensor(bins)
    for i = 1, bins do h.raw[i] = counts[i]; h.bins[i] = h[i].key end
  end
  return h
end

-- hist(t [, bins [, min, max]]): plots the histogram and returns it.
function gnuplot.hist(t, bins, min, max)
  local h = gnuplot.histc(t, bins, min, max)
  local lines = {}
  for i = 1, #h do lines[i] = num(h[i].key) .. ' ' .. num(h[i].val) end
  local name, text = datablock(lines)
  local fig = gnuplot._current('hist')
  gnuplot._send(fig, 'hist', text .. string.format('set boxwidth %.17g absolute', h.binwidth))
  gnuplot._draw(fig, 'hist', 'plot ' .. name .. ' using 1:2 notitle with boxes')
  return h
end

end
