-- nn/containers.lua: Container and the containers that chain or split
-- their children over tensors: Sequential, Concat, DepthConcat, Parallel.
-- The table containers are in nn/containers_table.lua, the decorators
-- (one wrapped module) in nn/decorators.lua.

-- The branching printout of Concat and Parallel (shared with the table
-- containers).
local branches = nn.utils._branchString

local Container, parent = torch.class('nn.Container', 'nn.Module')

function Container:__init(...)
  parent.__init(self, ...)
  self.modules = {}
end

function Container:add(module)
  table.insert(self.modules, module)
  return self
end

function Container:get(index)
  return self.modules[index]
end

function Container:size()
  return #self.modules
end

-- Run f, re-raising an error from a child with the path to it.
function Container:rethrowErrors(module, moduleIndex, funcName, ...)
  local ok, a, b = pcall(module[funcName], module, ...)
  if not ok then
    error(tostring(a) .. string.format('\n  In %d module of %s:\n%s', moduleIndex,
                                       torch.type(self), tostring(module)), 0)
  end
  return a, b
end

function Container:applyToModules(func)
  for _, module in ipairs(self.modules) do func(module) end
end

-- The two per-step calls of Torch7's training loops walk the children
-- directly: a closure made per call would keep LuaJIT from compiling the
-- loop around them.
function Container:zeroGradParameters()
  for _, module in ipairs(self.modules) do module:zeroGradParameters() end
end

function Container:updateParameters(learningRate)
  for _, module in ipairs(self.modules) do module:updateParameters(learningRate) end
end

function Container:updateGradParameters(...)
  local a = { ... }
  self:applyToModules(function(module) module:updateGradParameters(unpack(a)) end)
end

function Container:training()
  self:applyToModules(function(module) module:training() end)
  parent.training(self)
end

function Container:evaluate()
  self:applyToModules(function(module) module:evaluate() end)
  parent.evaluate(self)
end

function Container:share(mlp, ...)
  for i = 1, #self.modules do
    self.modules[i]:share(mlp.modules[i], ...)
  end
  return self
end

function Container:reset(stdv)
  self:applyToModules(function(module) module:reset(stdv) end)
end

function Container:parameters()
  local function tinsert(to, from)
    if type(from) == 'table' then
      for i = 1, #from do tinsert(to, from[i]) end
    else
      table.insert(to, from)
    end
  end
  local w, gw = {}, {}
  for i = 1, #self.modules do
    local mw, mgw = self.modules[i]:parameters()
    if mw then
      tinsert(w, mw)
      tinsert(gw, mgw)
    end
  end
  return w, gw
end

function Container:clearState()
  for _, f in ipairs({ 'output', 'gradInput' }) do
    if self[f] then
      if torch.isTensor(self[f]) then self[f]:set()
      elseif type(self[f]) == 'table' then self[f] = {}
      else self[f] = nil end
    end
  end
  if self.modules then
    for _, module in pairs(self.modules) do module:clearState() end
  end
  return self
end

-- ---- Sequential -------------------------------------------------------

local Sequential = torch.class('nn.Sequential', 'nn.Container')

function Sequential:__len()
  return #self.modules
end

function Sequential:add(module)
  if #self.modules == 0 then self.gradInput = module.gradInput end
  table.insert(self.modules, module)
  self.output = module.output
  return self
end

function Sequential:insert(module, index)
  index = index or (#self.modules + 1)
  if index > (#self.modules + 1) or index < 1 then
    error('index should be contiguous to existing modules')
  end
  table.insert(self.modules, index, module)
  self.output = self.modules[#self.modules].output
  self.gradInput = self.modules[1].gradInput
end

function Sequential:remove(index)
  index = index or #self.modules
  if index > #self.modules or index < 1 then error('index out of range') end
  table.remove(self.modules, index)
  if #self.modules > 0 then
    self.output = self.modules[#self.modules].output
    self.gradInput = self.modules[1].gradInput
  else
    self.output = torch.Tensor()
    self.gradInput = torch.Tensor()
  end
end

function Sequential:updateOutput(input)
  local current = input
  for i = 1, #self.modules do
    current = self:rethrowErrors(self.modules[i], i, 'updateOutput', current)
  end
  self.output = current
  return current
end

function Sequential:updateGradInput(input, gradOutput)
  local current = gradOutput
  local prev = self.modules[#self.modules]
  for i = #self.modules - 1, 1, -1 do
    local m = self.modules[i]
    current = self:rethrowErrors(prev, i + 1, 'updateGradInput', m.output, current)
    prev = m
  end
  current = self:rethrowErrors(prev, 1, 'updateGradInput', input, current)
  self.gradInput = current
  return current
end

function Sequential:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local current = gradOutput
  local prev = self.modules[#self.modules]
  for i = #self.modules - 1, 1, -1 do
    local m = self.modules[i]
    self:rethrowErrors(prev, i + 1, 'accGradParameters', m.output, current, scale)
    current = prev.gradInput
    prev = m
  end
  self:rethrowErrors(prev, 1, 'accGradParameters', input, current, scale)
end

-- One pass doing both, so each child runs updateGradInput then
-- accGradParameters (what Module:backward would do twice over).
function Sequential:backward(input, gradOutput, scale)
  scale = scale or 1
  local current = gradOutput
  local prev = self.modules[#self.modules]
  for i = #self.modules - 1, 1, -1 do
    local m = self.modules[i]
    current = self:rethrowErrors(prev, i + 1, 'backward', m.output, current, scale)
    prev = m
  end
  current = self:rethrowErrors(prev, 1, 'backward', input, current, scale)
  self.gradInput = current
  return current
end

function Sequential:accUpdateGradParameters(input, gradOutput, lr)
  local current = gradOutput
  local prev = self.modules[#self.modules]
  for i = #self.modules - 1, 1, -1 do
    local m = self.modules[i]
    self:rethrowErrors(prev, i + 1, 'accUpdateGradParameters', m.output, current, lr)
    current = prev.gradInput
    prev = m
  end
  self:rethrowErrors(prev, 1, 'accUpdateGradParameters', input, current, lr)
end

function Sequential:__tostring__()
  local tab, line, next = '  ', '\n', ' -> '
  local str = 'nn.Sequential'
  str = str .. ' {' .. line .. tab .. '[input'
  for i = 1, #self.modules do str = str .. next .. '(' .. i .. ')' end
  str = str .. next .. 'output]'
  for i = 1, #self.modules do
    str = str .. line .. tab .. '(' .. i .. '): ' .. (tostring(self.modules[i]):gsub(line, line .. tab))
  end
  return str .. line .. '}'
end

-- ---- Concat: same input to every child, outputs joined along dim ------

local Concat, cparent = torch.class('nn.Concat', 'nn.Container')

function Concat:__init(dimension)
  cparent.__init(self)
  self.outputSize = torch.LongStorage()
  self.dimension = dimension
end

function Concat:updateOutput(input)
  self.outputSize = self.outputSize or torch.LongStorage()
  local outs = {}
  for i = 1, #self.modules do
    local cur = self:rethrowErrors(self.modules[i], i, 'updateOutput', input)
    outs[i] = cur
    if i == 1 then
      self.outputSize:resize(cur:dim()):copy(cur:size())
    else
      self.outputSize[self.dimension] = self.outputSize[self.dimension] + cur:size(self.dimension)
    end
  end
  self.output:resize(self.outputSize)
  local offset = 1
  for i = 1, #self.modules do
    local cur = outs[i]
    self.output:narrow(self.dimension, offset, cur:size(self.dimension)):copy(cur)
    offset = offset + cur:size(self.dimension)
  end
  return self.output
end

function Concat:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input)
  local offset = 1
  for i, module in ipairs(self.modules) do
    local cur = module.output
    local g = gradOutput:narrow(self.dimension, offset, cur:size(self.dimension))
    local gi = self:rethrowErrors(module, i, 'updateGradInput', input, g)
    if gi then
      if i == 1 then self.gradInput:copy(gi) else self.gradInput:add(gi) end
    end
    offset = offset + cur:size(self.dimension)
  end
  return self.gradInput
end

function Concat:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local offset = 1
  for i, module in ipairs(self.modules) do
    local cur = module.output
    self:rethrowErrors(module, i, 'accGradParameters', input,
                       gradOutput:narrow(self.dimension, offset, cur:size(self.dimension)), scale)
    offset = offset + cur:size(self.dimension)
  end
end

function Concat:accUpdateGradParameters(input, gradOutput, lr)
  local offset = 1
  for i, module in ipairs(self.modules) do
    local cur = module.output
    self:rethrowErrors(module, i, 'accUpdateGradParameters', input,
                       gradOutput:narrow(self.dimension, offset, cur:size(self.dimension)), lr)
    offset = offset + cur:size(self.dimension)
  end
end

function Concat:__tostring__()
  return branches(self, '   `-> ')
end

-- ---- Parallel: child i takes slice i of inputDimension ----------------

local Parallel, pparent = torch.class('nn.Parallel', 'nn.Container')

function Parallel:__init(inputDimension, outputDimension)
  pparent.__init(self)
  self.modules = {}
  self.inputDimension = inputDimension
  self.outputDimension = outputDimension
end

function Parallel:updateOutput(input)
  local nModule = input:size(self.inputDimension)
  local outputs = {}
  local total = 0
  for i = 1, nModule do
    local cur = input:select(self.inputDimension, i)
    outputs[i] = self:rethrowErrors(self.modules[i], i, 'updateOutput', cur)
    total = total + outputs[i]:size(self.outputDimension)
  end
  local size = outputs[1]:size():totable()
  size[self.outputDimension] = total
  self.output:resize(torch.LongStorage(size))
  local offset = 1
  for i = 1, nModule do
    local n = outputs[i]:size(self.outputDimension)
    self.output:narrow(self.outputDimension, offset, n):copy(outputs[i])
    offset = offset + n
  end
  return self.output
end

function Parallel:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input)
  local offset = 1
  for i = 1, input:size(self.inputDimension) do
    local module = self.modules[i]
    local cur = input:select(self.inputDimension, i)
    local n = module.output:size(self.outputDimension)
    local g = gradOutput:narrow(self.outputDimension, offset, n)
    local gi = self:rethrowErrors(module, i, 'updateGradInput', cur, g)
    self.gradInput:select(self.inputDimension, i):copy(gi)
    offset = offset + n
  end
  return self.gradInput
end

function Parallel:accGradParameters(input, gradOutput, scale)
  local offset = 1
  for i = 1, input:size(self.inputDimension) do
    local module = self.modules[i]
    local n = module.output:size(self.outputDimension)
    self:rethrowErrors(module, i, 'accGradParameters', input:select(self.inputDimension, i),
                       gradOutput:narrow(self.outputDimension, offset, n), scale)
    offset = offset + n
  end
end

function Parallel:accUpdateGradParameters(input, gradOutput, lr)
  local offset = 1
  for i = 1, input:size(self.inputDimension) do
    local module = self.modules[i]
    local n = module.output:size(self.outputDimension)
    self:rethrowErrors(module, i, 'accUpdateGradParameters', input:select(self.inputDimension, i),
                       gradOutput:narrow(self.outputDimension, offset, n), lr)
    offset = offset + n
  end
end

function Parallel:__tostring__()
  return branches(self, '  |`-> ')
end

-- ---- DepthConcat: Concat whose smaller outputs are centred (zero border) --

local DepthConcat, dcparent2 = torch.class('nn.DepthConcat', 'nn.Concat')

function DepthConcat:windowNarrow(output, currentOutput, offset)
  local outputWindow = output:narrow(self.dimension, offset, currentOutput:size(self.dimension))
  for dim = 1, self.outputSize:size() do
    local currentSize = currentOutput:size(dim)
    if dim ~= self.dimension and self.outputSize[dim] ~= currentSize then
      local start = math.floor((self.outputSize[dim] - currentSize) / 2) + 1
      outputWindow = outputWindow:narrow(dim, start, currentSize)
    end
  end
  return outputWindow
end

function DepthConcat:updateOutput(input)
  self.outputSize = self.outputSize or torch.LongStorage()
  local outs = {}
  for i = 1, #self.modules do
    local cur = self:rethrowErrors(self.modules[i], i, 'updateOutput', input)
    outs[i] = cur
    if i == 1 then
      self.outputSize:resize(cur:dim()):copy(cur:size())
    else
      self.outputSize[self.dimension] = self.outputSize[self.dimension] + cur:size(self.dimension)
      for dim = 1, self.outputSize:size() do
        if dim ~= self.dimension then
          self.outputSize[dim] = math.max(self.outputSize[dim], cur:size(dim))
        end
      end
    end
  end
  self.output:resize(self.outputSize):zero()
  local offset = 1
  for i = 1, #self.modules do
    local cur = outs[i]
    self:windowNarrow(self.output, cur, offset):copy(cur)
    offset = offset + cur:size(self.dimension)
  end
  return self.output
end

function DepthConcat:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input)
  local offset = 1
  for i, module in ipairs(self.modules) do
    local cur = module.output
    local g = self:windowNarrow(gradOutput, cur, offset)
    local gi = self:rethrowErrors(module, i, 'updateGradInput', input, g)
    if i == 1 then self.gradInput:copy(gi) else self.gradInput:add(gi) end
    offset = offset + cur:size(self.dimension)
  end
  return self.gradInput
end

function DepthConcat:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local offset = 1
  for i, module in ipairs(self.modules) do
    local cur = module.output
    self:rethrowErrors(module, i, 'accGradParameters', input, self:windowNarrow(gradOutput, cur, offset), scale)
    offset = offset + cur:size(self.dimension)
  end
end

function DepthConcat:accUpdateGradParameters(input, gradOutput, lr)
  local offset = 1
  for i, module in ipairs(self.modules) do
    local cur = module.output
    self:rethrowErrors(module, i, 'accUpdateGradParameters', input, self:windowNarrow(gradOutput, cur, offset), lr)
    offset = offset + cur:size(self.dimension)
  end
end
