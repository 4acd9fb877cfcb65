-- nn/decorators.lua: the decorators, containers of one wrapped module:
-- Decorator, DontCast, Bottle, Serial (dpnn), GPU (a pass-through on the
-- CPU), WeightNorm, NaN and Profile.

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

-- ---- NaN: errors when a NaN passes; Profile: times the wrapped module ------

local NaN, nanparent = torch.class('nn.NaN', 'nn.Decorator')

function NaN:__init(module, id)
  nanparent.__init(self, module)
  self.id = id or NaN.__id or 0
  NaN.__id = self.id + 1
end

local function has_nan(x)
  if torch.isTensor(x) then return x:ne(x):sum() > 0 end
  if type(x) == 'table' then
    for _, v in pairs(x) do if has_nan(v) then return true end end
  end
  return false
end

function NaN:recursiveIsNaN(tensor)
  return has_nan(tensor)
end

function NaN:_check(what, x)
  if has_nan(x) then
    error(string.format('NaN found in %s of module :\n%s', what, tostring(self.modules[1])))
  end
end

function NaN:updateOutput(input)
  self.output = self.modules[1]:updateOutput(input)
  self:_check('input', input)
  self:_check('output', self.output)
  return self.output
end

function NaN:updateGradInput(input, gradOutput)
  self.gradInput = self.modules[1]:updateGradInput(input, gradOutput)
  self:_check('gradOutput', gradOutput)
  self:_check('gradInput', self.gradInput)
  return self.gradInput
end

function NaN:accGradParameters(input, gradOutput, scale)
  self.modules[1]:accGradParameters(input, gradOutput, scale)
  local _, grads = self.modules[1]:parameters()
  if grads then self:_check('gradParameters', grads) end
end

function NaN:__tostring__()
  return torch.type(self) .. ' (' .. self.id .. ') @ ' .. tostring(self.modules[1])
end

local Profile, profparent = torch.class('nn.Profile', 'nn.Decorator')

function Profile:__init(module, print_interval, name)
  profparent.__init(self, module)
  self.print_interval = print_interval or 100
  self.name = name or torch.type(module)
  self.module = module
  self.numFwds = 0
  self.numBwds = 0
  self.summedFwdTime = 0
  self.summedBwdTime = 0
  self.timer = torch.Timer()
end

function Profile:updateOutput(input)
  self.timer:reset()
  self.output = self.module:updateOutput(input)
  self.summedFwdTime = self.summedFwdTime + self.timer:time().real
  self.numFwds = self.numFwds + 1
  if self.numFwds % self.print_interval == 0 then
    print(string.format('%s took %.3f seconds for %d forward passes', self.name, self.summedFwdTime,
                        self.print_interval))
    self.summedFwdTime = 0
  end
  return self.output
end

function Profile:updateGradInput(input, gradOutput)
  self.timer:reset()
  self.gradInput = self.module:updateGradInput(input, gradOutput)
  self.summedBwdTime = self.summedBwdTime + self.timer:time().real
  self.numBwds = self.numBwds + 1
  if self.numBwds % self.print_interval == 0 then
    print(string.format('%s took %.3f seconds for %d backward passes', self.name, self.summedBwdTime,
                        self.print_interval))
    self.summedBwdTime = 0
  end
  return self.gradInput
end
