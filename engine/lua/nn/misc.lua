-- nn/misc.lua: the miscellaneous layers (Torch7's own grouping): Identity,
-- Dropout, the gradient-only GradientReversal, ZeroGrad and L1Penalty,
-- Constant, OneHot and PrintSize.

-- ---- Identity -----------------------------------------------------------

local Identity = torch.class('nn.Identity', 'nn.Module')

function Identity:updateOutput(input)
  self.output = input
  return self.output
end

function Identity:updateGradInput(input, gradOutput)
  self.gradInput = gradOutput
  return self.gradInput
end

function Identity:clearState()
  -- output and gradInput are the caller's tensors: drop the references
  self.output = torch.Tensor():type(self._type or torch.getdefaulttensortype())
  self.gradInput = torch.Tensor():type(self._type or torch.getdefaulttensortype())
  return self
end

-- ---- Dropout ----------------------------------------------------------

local Dropout, dparent = torch.class('nn.Dropout', 'nn.Module')

function Dropout:__init(p, v1, inplace, stochasticInference)
  dparent.__init(self)
  self.p = p or 0.5
  self.train = true
  self.inplace = inplace
  self.stochastic_inference = stochasticInference or false
  -- version 2 scales at training time (Torch7's default)
  self.v2 = not v1
  if self.p >= 1 or self.p < 0 then
    error('<Dropout> illegal percentage, must be 0 <= p < 1')
  end
  self.noise = torch.Tensor()
end

function Dropout:updateOutput(input)
  if self.inplace then self.output:set(input) else self.output:resizeAs(input):copy(input) end
  if self.p > 0 then
    if self.train or self.stochastic_inference then
      self.noise:resizeAs(input)
      self.noise:bernoulli(1 - self.p)
      if self.v2 then self.noise:div(1 - self.p) end
      self.output:cmul(self.noise)
    elseif not self.v2 then
      self.output:mul(1 - self.p)
    end
  end
  return self.output
end

function Dropout:updateGradInput(input, gradOutput)
  if self.inplace then self.gradInput:set(gradOutput) else self.gradInput:resizeAs(gradOutput):copy(gradOutput) end
  if self.train then
    if self.p > 0 then self.gradInput:cmul(self.noise) end
  else
    if not self.v2 and self.p > 0 then self.gradInput:mul(1 - self.p) end
  end
  return self.gradInput
end

function Dropout:setp(p)
  self.p = p
end

function Dropout:__tostring__()
  return string.format('%s(%f)', torch.type(self), self.p)
end

function Dropout:clearState()
  if self.noise then self.noise:set() end
  return dparent.clearState(self)
end

-- ---- gradient-only modules ----------------------------------------------

local GradientReversal, grparent = torch.class('nn.GradientReversal', 'nn.Module')

function GradientReversal:__init(lambda)
  grparent.__init(self)
  self.lambda = lambda or 1
end

function GradientReversal:setLambda(lambda)
  self.lambda = lambda
end

function GradientReversal:updateOutput(input)
  self.output:set(input)
  return self.output
end

function GradientReversal:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(gradOutput):copy(gradOutput):mul(-self.lambda)
  return self.gradInput
end

local ZeroGrad = torch.class('nn.ZeroGrad', 'nn.Module')

function ZeroGrad:updateOutput(input)
  self.output:set(input)
  return self.output
end

function ZeroGrad:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input):zero()
  return self.gradInput
end

-- L1Penalty: identity forward; adds l1weight * sign(x) to the gradient and
-- records the penalty in self.loss.
local L1Penalty, l1parent = torch.class('nn.L1Penalty', 'nn.Module')

function L1Penalty:__init(l1weight, sizeAverage, provideOutput)
  l1parent.__init(self)
  self.l1weight = l1weight
  self.sizeAverage = sizeAverage or false
  self.provideOutput = (provideOutput == nil) and true or provideOutput
end

function L1Penalty:updateOutput(input)
  local m = self.l1weight
  if self.sizeAverage then m = m / input:nElement() end
  self.loss = m * input:norm(1)
  self.output = input
  return self.output
end

function L1Penalty:updateGradInput(input, gradOutput)
  local m = self.l1weight
  if self.sizeAverage then m = m / input:nElement() end
  self.gradInput:resizeAs(input):copy(input):sign():mul(m)
  if self.provideOutput then self.gradInput:add(gradOutput) end
  return self.gradInput
end

-- Constant: outputs a fixed tensor (repeated over the batch).
local Constant, constparent = torch.class('nn.Constant', 'nn.Module')

function Constant:__init(value, nInputDim)
  self.value = value
  if torch.type(self.value) == 'number' then self.value = torch.Tensor { self.value } end
  assert(torch.isTensor(self.value), 'Expecting number or tensor at arg 1')
  self.nInputDim = nInputDim
  constparent.__init(self)
end

function Constant:updateOutput(input)
  if self.nInputDim and input:dim() > self.nInputDim then
    local vsize = self.value:size():totable()
    local n = input:size(1)
    table.insert(vsize, 1, n)
    local v = self.value:view(torch.LongStorage({ 1, unpack(self.value:size():totable()) }))
    self.output:resize(torch.LongStorage(vsize)):copy(v:expand(torch.LongStorage(vsize)))
  else
    self.output:resize(self.value:size()):copy(self.value)
  end
  return self.output
end

function Constant:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input):zero()
  return self.gradInput
end

local PrintSize, psparent = torch.class('nn.PrintSize', 'nn.Module')

function PrintSize:__init(prefix)
  psparent.__init(self)
  self.prefix = prefix or 'PrintSize'
end

local function describe_size(x)
  if torch.isTensor(x) then return tostring(x:size()) end
  if type(x) == 'table' then
    local parts = {}
    for i, v in ipairs(x) do parts[i] = describe_size(v) end
    return '{' .. table.concat(parts, ', ') .. '}'
  end
  return tostring(x)
end

function PrintSize:updateOutput(input)
  self.output = input
  print(self.prefix .. ':input\n' .. describe_size(input))
  return self.output
end

function PrintSize:updateGradInput(input, gradOutput)
  print(self.prefix .. ':gradOutput\n' .. describe_size(gradOutput))
  self.gradInput = gradOutput
  return self.gradInput
end

-- ---- OneHot -------------------------------------------------------------

local OneHot, ohparent = torch.class('nn.OneHot', 'nn.Module')

function OneHot:__init(outputSize)
  ohparent.__init(self)
  self.outputSize = outputSize
end

function OneHot:updateOutput(input)
  local n = input:nElement()
  local sz = input:size():totable()
  sz[#sz + 1] = self.outputSize
  self.output:resize(n, self.outputSize):zero()
  local flat = input:contiguous():view(-1)
  for i = 1, n do self.output[i][flat[i]] = 1 end
  self.output:resize(torch.LongStorage(sz))
  return self.output
end

function OneHot:updateGradInput(input, gradOutput)
  self.gradInput:resize(input:size()):zero()
  return self.gradInput
end
