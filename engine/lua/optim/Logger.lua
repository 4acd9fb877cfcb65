-- optim/Logger.lua: logs named values to a text file, one row per add(),
-- tab-separated, and plots them through the gnuplot package when present.

local Logger = torch.class('optim.Logger')

function Logger:__init(filename, timestamp)
  if filename then
    self.name = filename
    local dir = paths.dirname(filename)
    if dir and dir ~= '' and dir ~= '.' then paths.mkdir(dir) end
    if timestamp then
      -- append a time stamp so several runs do not overwrite each other
      filename = filename .. '-' .. os.date('%Y_%m_%d_%X')
    end
    self.file = io.open(filename, 'w')
    if not self.file then error('optim.Logger: cannot open ' .. filename .. ' for writing') end
    self.epsfile = self.name .. '.eps'
  else
    self.file = io.stdout
    self.name = 'stdout'
    print('<Logger> warning: no path provided, logging to std out')
  end
  self.empty = true
  self.symbols = {}
  self.styles = {}
  self.names = {}
  self.idx = {}
  self.figure = nil
  self.showPlot = true
  self.plotRawCmd = nil
  self.defaultStyle = '+'
  self.logscale = false
end

function Logger:setNames(names)
  self.names = names
  self.empty = false
  self.nsymbols = #names
  for k, key in pairs(names) do
    self.file:write(key .. '\t')
    self.symbols[k] = {}
    self.styles[k] = { self.defaultStyle }
    self.idx[key] = k
  end
  self.file:write('\n')
  self.file:flush()
  return self
end

function Logger:add(symbols)
  if self.empty then
    -- first row: the keys become the names
    self.empty = false
    self.nsymbols = #symbols
    for k in pairs(symbols) do
      self.file:write(k .. '\t')
      self.symbols[k] = {}
      self.styles[k] = { self.defaultStyle }
      self.names[k] = k
    end
    self.idx = self.names
    self.file:write('\n')
  end
  for _, val in pairs(symbols) do
    if type(val) == 'number' then
      self.file:write(string.format('%11.4e', val) .. '\t')
    elseif type(val) == 'string' then
      self.file:write(val .. '\t')
    else
      error('optim.Logger: can only log numbers and strings')
    end
  end
  self.file:write('\n')
  self.file:flush()
  for k, val in pairs(symbols) do table.insert(self.symbols[k], val) end
end

function Logger:style(symbols)
  for name, style in pairs(symbols) do
    local k = self.idx[name] or name
    if type(style) == 'string' then self.styles[k] = { style }
    elseif type(style) == 'table' then self.styles[k] = style
    else error('optim.Logger: style should be a string or a table of strings') end
  end
  return self
end

function Logger:setlogscale(state)
  self.logscale = state
end

function Logger:display(state)
  self.showPlot = state
end

function Logger:plot(...)
  if not self.showPlot then return end
  local ok, gnuplot = pcall(require, 'gnuplot')
  if not ok or not gnuplot then
    print('<Logger> warning: the gnuplot package is not available, cannot plot')
    return
  end
  local plots = {}
  local plotit = false
  for name, list in pairs(self.symbols) do
    if #list > 1 and type(list[1]) == 'number' then
      local values = torch.Tensor(list)
      local steps = torch.range and torch.range(1, #list) or torch.Tensor(#list):apply((function()
        local i = 0
        return function() i = i + 1; return i end
      end)())
      for _, style in ipairs(self.styles[name] or { self.defaultStyle }) do
        table.insert(plots, { self.names[name] or tostring(name), steps, values, style })
      end
      plotit = true
    end
  end
  if not plotit then return end
  if self.figure then gnuplot.figure(self.figure) else self.figure = gnuplot.figure() end
  if self.logscale then gnuplot.logscale('on') end
  gnuplot.plot(plots)
  if self.plotRawCmd then gnuplot.raw(self.plotRawCmd) end
  gnuplot.grid('on')
  gnuplot.title('<Logger::' .. self.name .. '>')
  if self.epsfile then
    gnuplot.epsfigure(self.epsfile)
    gnuplot.plot(plots)
    gnuplot.plotflush()
    gnuplot.close()
  end
end
