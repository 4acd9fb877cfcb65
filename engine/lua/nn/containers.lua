-- nn/containers.lua: Container and the containers that chain or split
-- their children: Sequential, Concat, DepthConcat, Parallel, ConcatTable,
-- ParallelTable, MapTable; the decorators Decorator, DontCast, Bottle,
-- Serial (dpnn) and GPU (a pass-through on the CPU).

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

function Container:zeroGradParameters()
  self:applyToModules(function(module) module:zeroGradParameters() end)
end

function Container:updateParameters(learningRate)
  self:applyToModules(function(module) module:updateParameters(learningRate) end)
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

-- The branching printout shared by Concat, ConcatTable, ParallelTable...
-- `lastArrow` is the arrow before the last child.
local function branches(self, lastArrow)
  local tab, line = '  ', '\n'
  local next, ext, extlast, last = '  |`-> ', '  |    ', '       ', '   ... -> '
  local str = torch.type(self) .. ' {' .. line .. tab .. 'input'
  for i = 1, #self.modules do
    local s = tostring(self.modules[i])
    if i == #self.modules then
      str = str .. line .. tab .. lastArrow .. '(' .. i .. '): ' .. (s:gsub(line, line .. tab .. extlast))
    else
      str = str .. line .. tab .. next .. '(' .. i .. '): ' .. (s:gsub(line, line .. tab .. ext))
    end
  end
  return str .. line .. tab .. last .. 'output' .. line .. '}'
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

-- ---- ConcatTable: same input to every child, a table of outputs -------

local ConcatTable, ctparent = torch.class('nn.ConcatTable', 'nn.Container')

function ConcatTable:__init()
  ctparent.__init(self)
  self.modules = {}
  self.output = {}
end

function ConcatTable:updateOutput(input)
  for i = 1, #self.modules do
    self.output[i] = self:rethrowErrors(self.modules[i], i, 'updateOutput', input)
  end
  for i = #self.modules + 1, #self.output do self.output[i] = nil end
  return self.output
end

-- Sum the children's gradients w.r.t. the shared input (tensors or
-- nested tables of tensors).
local function accumulate(self, out, grads)
  local function add(dst, src, first)
    if torch.type(src) == 'table' then
      dst = torch.type(dst) == 'table' and dst or {}
      for k, v in pairs(src) do dst[k] = add(dst[k], v, first) end
      return dst
    end
    if first then
      dst = torch.isTensor(dst) and dst or src.new()
      return dst:resizeAs(src):copy(src)
    end
    return dst:add(src)
  end
  for i = 1, #grads do out = add(out, grads[i], i == 1) end
  return out
end

function ConcatTable:_backward(method, input, gradOutput, scale)
  local grads = {}
  for i, module in ipairs(self.modules) do
    local gi = self:rethrowErrors(module, i, method, input, gradOutput[i], scale)
    if method ~= 'accGradParameters' and method ~= 'accUpdateGradParameters' then grads[i] = gi end
  end
  if #grads > 0 then
    if torch.isTensor(input) and not torch.isTensor(self.gradInput) then self.gradInput = input.new() end
    self.gradInput = accumulate(self, self.gradInput, grads)
  end
  return self.gradInput
end

function ConcatTable:updateGradInput(input, gradOutput)
  return self:_backward('updateGradInput', input, gradOutput)
end

function ConcatTable:backward(input, gradOutput, scale)
  return self:_backward('backward', input, gradOutput, scale or 1)
end

function ConcatTable:accGradParameters(input, gradOutput, scale)
  self:_backward('accGradParameters', input, gradOutput, scale or 1)
end

function ConcatTable:accUpdateGradParameters(input, gradOutput, lr)
  self:_backward('accUpdateGradParameters', input, gradOutput, lr)
end

function ConcatTable:__tostring__()
  return branches(self, '   `-> ')
end

-- ---- ParallelTable: child i takes input[i] ----------------------------

local ParallelTable, ptparent = torch.class('nn.ParallelTable', 'nn.Container')

function ParallelTable:__init()
  ptparent.__init(self)
  self.modules = {}
  self.output = {}
  self.gradInput = {}
end

function ParallelTable:updateOutput(input)
  for i = 1, #self.modules do
    self.output[i] = self:rethrowErrors(self.modules[i], i, 'updateOutput', input[i])
  end
  return self.output
end

function ParallelTable:updateGradInput(input, gradOutput)
  for i, module in ipairs(self.modules) do
    self.gradInput[i] = self:rethrowErrors(module, i, 'updateGradInput', input[i], gradOutput[i])
  end
  return self.gradInput
end

function ParallelTable:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  for i, module in ipairs(self.modules) do
    self:rethrowErrors(module, i, 'accGradParameters', input[i], gradOutput[i], scale)
  end
end

function ParallelTable:accUpdateGradParameters(input, gradOutput, lr)
  for i, module in ipairs(self.modules) do
    self:rethrowErrors(module, i, 'accUpdateGradParameters', input[i], gradOutput[i], lr)
  end
end

function ParallelTable:__tostring__()
  return branches(self, '  |`-> ')
end

-- ---- MapTable: one module, cloned with shared parameters per input ----

local MapTable, mparent = torch.class('nn.MapTable', 'nn.Container')

function MapTable:__init(module, shared)
  mparent.__init(self)
  self.shared = (shared == nil) and true or shared
  self.sharedparams = { 'weight', 'bias', 'gradWeight', 'gradBias' }
  self.output = {}
  self.gradInput = {}
  if module then self:add(module) end
end

function MapTable:add(module)
  assert(not self.module, 'Single module required')
  self.module = module
  self.modules[1] = self.module
  return self
end

function MapTable:resize(n)
  for i = #self.modules + 1, n do
    self.modules[i] = self.shared and self.module:clone(unpack(self.sharedparams)) or self.module:clone()
  end
end

function MapTable:updateOutput(input)
  self.output = {}
  self:resize(#input)
  for i = 1, #input do
    self.output[i] = self:rethrowErrors(self.modules[i], i, 'updateOutput', input[i])
  end
  return self.output
end

function MapTable:updateGradInput(input, gradOutput)
  self.gradInput = {}
  for i = 1, #input do
    self.gradInput[i] = self:rethrowErrors(self.modules[i], i, 'updateGradInput', input[i], gradOutput[i])
  end
  return self.gradInput
end

function MapTable:accGradParameters(input, gradOutput, scale)
  for i = 1, #input do
    self:rethrowErrors(self.modules[i], i, 'accGradParameters', input[i], gradOutput[i], scale)
  end
end

function MapTable:accUpdateGradParameters(input, gradOutput, lr)
  for i = 1, #input do
    self:rethrowErrors(self.modules[i], i, 'accUpdateGradParameters', input[i], gradOutput[i], lr)
  end
end

function MapTable:zeroGradParameters()
  if self.module then self.module:zeroGradParameters() end
end

function MapTable:updateParameters(lr)
  if self.module then self.module:updateParameters(lr) end
end

function MapTable:parameters()
  return self.module:parameters()
end

function MapTable:__tostring__()
  local tab, line = '  ', '\n'
  return torch.type(self) .. ' {' .. line .. tab .. (tostring(self.module):gsub(line, line .. tab)) .. line .. '}'
end

-- ---- decorators: one wrapped module -------------------------------------

local Decorator, decparent = torch.class('nn.Decorator', 'nn.Container')

function Decorator:__init(module)
  decparent.__init(self)
  self.modules[1] = module
end

function Decorator:updateOutput(input)
  self.output = self.modules[1]:updateOutput(input)
  return self.output
end

function Decorator:updateGradInput(input, gradOutput)
  self.gradInput = self.modules[1]:updateGradInput(input, gradOutput)
  return self.gradInput
end

function Decorator:accGradParameters(input, gradOutput, scale)
  self.modules[1]:accGradParameters(input, gradOutput, scale)
end

function Decorator:accUpdateGradParameters(input, gradOutput, lr)
  self.modules[1]:accUpdateGradParameters(input, gradOutput, lr)
end

function Decorator:sharedAccUpdateGradParameters(input, gradOutput, lr)
  self.modules[1]:sharedAccUpdateGradParameters(input, gradOutput, lr)
end

function Decorator:__tostring__()
  if self.modules[1].__tostring__ then
    return torch.type(self) .. ' @ ' .. tostring(self.modules[1])
  end
  return torch.type(self)
end

-- DontCast: type() leaves the wrapped module alone; inputs and outputs are
-- converted at the boundary when castin/castout are set.
local DontCast, dcparent = torch.class('nn.DontCast', 'nn.Decorator')

function DontCast:__init(module, castin, castout, moduleType)
  dcparent.__init(self, module)
  self.castin = castin
  self.castout = (castout == nil) and castin or castout
  self.moduleType = moduleType or module._type or torch.type(module.output)
end

function DontCast:updateOutput(input)
  if self.castin and torch.type(input) ~= self.moduleType then
    self._input = nn.utils.recursiveType(input, self.moduleType)
    input = self._input
  end
  local output = self.modules[1]:updateOutput(input)
  if self.castout and self._type and torch.type(output) ~= self._type then
    self.output = nn.utils.recursiveType(output, self._type)
  else
    self.output = output
  end
  return self.output
end

function DontCast:updateGradInput(input, gradOutput)
  if self.castin and torch.type(input) ~= self.moduleType then input = self._input end
  if self.castout and torch.type(gradOutput) ~= self.moduleType then
    gradOutput = nn.utils.recursiveType(gradOutput, self.moduleType)
  end
  local gi = self.modules[1]:updateGradInput(input, gradOutput)
  if self.castin and self._type and torch.type(gi) ~= self._type then
    self.gradInput = nn.utils.recursiveType(gi, self._type)
  else
    self.gradInput = gi
  end
  return self.gradInput
end

function DontCast:accGradParameters(input, gradOutput, scale)
  if self.castin and torch.type(input) ~= self.moduleType then input = self._input end
  if self.castout and torch.type(gradOutput) ~= self.moduleType then
    gradOutput = nn.utils.recursiveType(gradOutput, self.moduleType)
  end
  self.modules[1]:accGradParameters(input, gradOutput, scale)
end

function DontCast:type(type)
  if self.castout and self.output and torch.type(self.output) ~= type then self.output = {} end
  self._type = type
  return self
end

-- Bottle: applies a module expecting nInputDim dimensions to inputs with
-- more, by folding the extra leading dimensions into the batch.
local Bottle, botparent = torch.class('nn.Bottle', 'nn.Decorator')

function Bottle:__init(module, nInputDim, nOutputDim)
  botparent.__init(self, module)
  self.nInputDim = nInputDim or 2
  self.nOutputDim = nOutputDim or self.nInputDim
  self.dimDelta = self.nInputDim - self.nOutputDim
  self.inShape = torch.LongStorage()
  self.outShape = torch.LongStorage()
end

-- The input folded to nInputDim dimensions (nil when it already has no
-- more), and the sizes of the leading dimensions folded away.
local function bottle_fold(self, input)
  local idim = input:dim()
  local squeeze = idim - self.nInputDim + 1
  if squeeze <= 1 then return nil end
  local sz = input:size():totable()
  local lead = 1
  for i = 1, squeeze do lead = lead * sz[i] end
  local folded = { lead }
  for i = squeeze + 1, idim do folded[#folded + 1] = sz[i] end
  local leading = {}
  for i = 1, squeeze do leading[i] = sz[i] end
  return input:contiguous():view(torch.LongStorage(folded)), leading
end

function Bottle:updateOutput(input)
  local x, leading = bottle_fold(self, input)
  if not x then
    self.output = self.modules[1]:updateOutput(input)
    return self.output
  end
  local out = self.modules[1]:updateOutput(x)
  local osz = {}
  for i = 1, #leading do osz[i] = leading[i] end
  for i = 2, out:dim() do osz[#osz + 1] = out:size(i) end
  self.output = out:view(torch.LongStorage(osz))
  return self.output
end

-- Run method on the folded input and gradOutput.
local function bottle_backward(self, method, input, gradOutput, scale)
  local x = bottle_fold(self, input)
  if not x then return self.modules[1][method](self.modules[1], input, gradOutput, scale) end
  local g = gradOutput:contiguous():view(self.modules[1].output:size())
  return self.modules[1][method](self.modules[1], x, g, scale), x
end

function Bottle:updateGradInput(input, gradOutput)
  local gi, x = bottle_backward(self, 'updateGradInput', input, gradOutput)
  self.gradInput = x and gi:view(input:size()) or gi
  return self.gradInput
end

function Bottle:accGradParameters(input, gradOutput, scale)
  bottle_backward(self, 'accGradParameters', input, gradOutput, scale)
end

function Bottle:accUpdateGradParameters(input, gradOutput, lr)
  bottle_backward(self, 'accUpdateGradParameters', input, gradOutput, lr)
end

-- Serial (dpnn): saving writes the module without its output, gradInput
-- and other buffers (each module's clearState fields), leaving the live
-- module untouched.
local Serial, serparent = torch.class('nn.Serial', 'nn.Decorator')

function Serial:__init(module, tensortype)
  serparent.__init(self, module)
  self.tensortype = tensortype
  if self.tensortype and not self.tensortype:find('torch%..+Tensor') then
    error('Expecting tensor type, e.g. torch.FloatTensor, got ' .. self.tensortype)
  end
end

function Serial:lightSerial(tensortype)
  self.tensortype = tensortype
  return self
end

function Serial:mediumSerial(tensortype)
  self.tensortype = tensortype
  return self
end

function Serial:heavySerial(tensortype)
  self.tensortype = tensortype
  return self
end

function Serial:write(file)
  -- a cleared copy sharing the parameters: clone, then clear the clone
  local params = self.modules[1]:parameters() or {}
  local copy = nn.utils.deepcopy(self.modules[1])
  copy:clearState()
  if self.tensortype then copy:type(self.tensortype) end
  local var = {}
  for k, v in pairs(self) do var[k] = v end
  var.modules = { copy }
  var.output = nil
  var.gradInput = nil
  file:writeObject(var)
  return params
end

function Serial:read(file)
  local var = file:readObject()
  for k, v in pairs(var) do self[k] = v end
  self.output = self.modules[1].output
  self.gradInput = self.modules[1].gradInput
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

-- GPU (CPU build): runs the module where it is; device and output device
-- are kept for scripts that read them.
local GPU, gpuparent = torch.class('nn.GPU', 'nn.Decorator')

function GPU:__init(module, device, outdevice)
  gpuparent.__init(self, module)
  self.device = device
  self.outdevice = outdevice or device
end

-- WeightNorm: reparameterizes the wrapped module's weight as
-- g * v / ||v|| with one norm per slice along outputDim (default 1); the
-- parameters become v, g (and the module's bias).
local WN, wnparent = torch.class('nn.WeightNorm', 'nn.Decorator')

function WN:__init(module, outputDim)
  wnparent.__init(self, module)
  assert(module.weight, 'nn.WeightNorm: the module must have a weight')
  self.module = module
  self.outputDim = outputDim or 1
  local w = self:_rows(module.weight)
  self.outputSize, self.inputSize = w:size(1), w:size(2)
  self.v = w:clone()
  self.gradV = w:clone():zero()
  self.g = w.new(self.outputSize, 1)
  self.gradG = w.new(self.outputSize, 1):zero()
  self.norm = w.new(self.outputSize, 1)
  self.scale = w.new(self.outputSize, 1)
  self:_initG()
end

-- weight as [outputSize, rest] (a contiguous copy when outputDim ~= 1)
function WN:_rows(w)
  if self.outputDim ~= 1 then w = w:transpose(1, self.outputDim) end
  return w:contiguous():view(w:size(1), -1)
end

function WN:_unrows(rows, dst)
  local shape = dst:size():totable()
  if self.outputDim ~= 1 then
    shape[1], shape[self.outputDim] = shape[self.outputDim], shape[1]
    dst:transpose(1, self.outputDim):copy(rows:view(torch.LongStorage(shape)))
  else
    dst:copy(rows:view(dst:size()))
  end
end

function WN:_initG()
  self.g:copy(self.v:norm(2, 2))
end

function WN:updateWeight()
  self.norm:copy(self.v:norm(2, 2)):clamp(1e-16, math.huge)
  self.scale:copy(self.g):cdiv(self.norm)
  self._w = self._w or self.v.new()
  self._w:resizeAs(self.v):copy(self.v):cmul(self.scale:expandAs(self.v))
  self:_unrows(self._w, self.module.weight)
end

function WN:parameters()
  if self.module.bias then
    return { self.v, self.g, self.module.bias }, { self.gradV, self.gradG, self.module.gradBias }
  end
  return { self.v, self.g }, { self.gradV, self.gradG }
end

function WN:updateOutput(input)
  self:updateWeight()
  self.output = self.module:updateOutput(input)
  return self.output
end

function WN:updateGradInput(input, gradOutput)
  self.gradInput = self.module:updateGradInput(input, gradOutput)
  return self.gradInput
end

function WN:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  self.module.gradWeight:zero()
  self.module:accGradParameters(input, gradOutput, scale)
  local gw = self:_rows(self.module.gradWeight)
  local dot = torch.cmul(gw, self.v):sum(2)
  self.gradG:add(torch.cdiv(dot, self.norm))
  local coef = torch.cdiv(dot, torch.cmul(self.norm, self.norm))
  local t = self.v:clone():cmul(coef:expandAs(self.v)):mul(-1):add(gw):cmul(self.scale:expandAs(self.v))
  self.gradV:add(t)
end

function WN:accUpdateGradParameters(input, gradOutput, lr)
  local gV, gG = self.gradV:clone(), self.gradG:clone()
  local gB = self.module.gradBias and self.module.gradBias:clone()
  self.gradV:zero(); self.gradG:zero()
  if gB then self.module.gradBias:zero() end
  self:accGradParameters(input, gradOutput, 1)
  self.v:add(-lr, self.gradV)
  self.g:add(-lr, self.gradG)
  if gB then self.module.bias:add(-lr, self.module.gradBias); self.module.gradBias:copy(gB) end
  self.gradV:copy(gV); self.gradG:copy(gG)
end

function WN:zeroGradParameters()
  self.gradV:zero()
  self.gradG:zero()
  if self.module.gradBias then self.module.gradBias:zero() end
end
