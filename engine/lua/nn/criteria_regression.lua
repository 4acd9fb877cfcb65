-- nn/criteria_regression.lua: the regression criteria: MSE, WeightedMSE,
-- Abs, SmoothL1, DistKLDiv, SpatialAutoCropMSE, and L1Cost.
--
-- Point-wise criteria are written with tensor methods.

local sizes_str = nn.utils.sizeString
local check_same = nn.utils._checkSame
local buffer = nn.utils._sizedBuffer

-- ---- MSECriterion ---------------------------------------------------------

local MSE, mseparent = torch.class('nn.MSECriterion', 'nn.Criterion')

function MSE:__init(sizeAverage)
  mseparent.__init(self)
  self.sizeAverage = (sizeAverage == nil) and true or sizeAverage
end

function MSE:updateOutput(input, target)
  check_same(self, input, target)
  local d = buffer(self, '_diff', input):copy(input):add(-1, target:viewAs(input))
  self.output = d:dot(d)
  if self.sizeAverage then self.output = self.output / input:nElement() end
  return self.output
end

function MSE:updateGradInput(input, target)
  check_same(self, input, target)
  local norm = self.sizeAverage and 2 / input:nElement() or 2
  self.gradInput:resizeAs(input):copy(input):add(-1, target:viewAs(input)):mul(norm)
  return self.gradInput
end

-- ---- AbsCriterion ---------------------------------------------------------

local Abs, absparent = torch.class('nn.AbsCriterion', 'nn.Criterion')

function Abs:__init(sizeAverage)
  absparent.__init(self)
  self.sizeAverage = (sizeAverage == nil) and true or sizeAverage
end

function Abs:updateOutput(input, target)
  check_same(self, input, target)
  local d = buffer(self, '_diff', input):copy(input):add(-1, target:viewAs(input)):abs()
  self.output = d:sum()
  if self.sizeAverage then self.output = self.output / input:nElement() end
  return self.output
end

function Abs:updateGradInput(input, target)
  check_same(self, input, target)
  local norm = self.sizeAverage and 1 / input:nElement() or 1
  self.gradInput:resizeAs(input):copy(input):add(-1, target:viewAs(input)):sign():mul(norm)
  return self.gradInput
end

-- ---- SmoothL1Criterion ----------------------------------------------------

local SmoothL1, slparent = torch.class('nn.SmoothL1Criterion', 'nn.Criterion')

function SmoothL1:__init(sizeAverage)
  slparent.__init(self)
  self.sizeAverage = (sizeAverage == nil) and true or sizeAverage
end

function SmoothL1:updateOutput(input, target)
  check_same(self, input, target)
  local d = buffer(self, '_diff', input):copy(input):add(-1, target:viewAs(input))
  local s = 0
  d:apply(function(x)
    local a = math.abs(x)
    s = s + (a < 1 and 0.5 * x * x or a - 0.5)
  end)
  self.output = self.sizeAverage and s / input:nElement() or s
  return self.output
end

function SmoothL1:updateGradInput(input, target)
  check_same(self, input, target)
  local norm = self.sizeAverage and 1 / input:nElement() or 1
  self.gradInput:resizeAs(input):copy(input):add(-1, target:viewAs(input))
  self.gradInput:apply(function(x)
    if x < -1 then return -norm elseif x > 1 then return norm end
    return norm * x
  end)
  return self.gradInput
end

-- ---- WeightedMSECriterion: MSE against w .* target ----------------------

local WMSE, wmparent = torch.class('nn.WeightedMSECriterion', 'nn.Criterion')

function WMSE:__init(w)
  wmparent.__init(self)
  self.weight = w:clone()
  self.sizeAverage = true
end

function WMSE:_target(input, target)
  self._buffer = self._buffer or input.new()
  self._buffer:resizeAs(input):copy(target:viewAs(input))
  if input:dim() - 1 == self.weight:dim() then
    self._buffer:cmul(self.weight:view(1, -1):expandAs(input))
  else
    self._buffer:cmul(self.weight:viewAs(input))
  end
  return self._buffer
end

function WMSE:updateOutput(input, target)
  local d = self:_target(input, target):mul(-1):add(input)
  self.output = d:dot(d)
  if self.sizeAverage then self.output = self.output / input:nElement() end
  return self.output
end

function WMSE:updateGradInput(input, target)
  local norm = self.sizeAverage and 2 / input:nElement() or 2
  self.gradInput:resizeAs(input):copy(input):add(-1, self:_target(input, target)):mul(norm)
  return self.gradInput
end

-- ---- DistKLDivCriterion: target (log target - input) ----------------------

local KL, klparent = torch.class('nn.DistKLDivCriterion', 'nn.Criterion')

function KL:__init(sizeAverage)
  klparent.__init(self)
  self.sizeAverage = (sizeAverage == nil) and true or sizeAverage
end

function KL:updateOutput(input, target)
  check_same(self, input, target)
  local s = 0
  local x, t = input:contiguous():view(-1), target:contiguous():view(-1)
  local px, pt = x:data(), t:data()
  for i = 0, x:nElement() - 1 do
    if pt[i] > 0 then s = s + pt[i] * (math.log(pt[i]) - px[i]) end
  end
  self.output = self.sizeAverage and s / input:nElement() or s
  return self.output
end

function KL:updateGradInput(input, target)
  check_same(self, input, target)
  local norm = self.sizeAverage and 1 / input:nElement() or 1
  self.gradInput:resizeAs(input):copy(target:viewAs(input)):mul(-norm)
  local g = self.gradInput:contiguous()
  local t = target:contiguous():view(-1):data()
  local pg = g:data()
  for i = 0, g:nElement() - 1 do if t[i] <= 0 then pg[i] = 0 end end
  return self.gradInput
end

-- ---- SpatialAutoCropMSECriterion: MSE on the centre of the larger input --

local ACM, acmparent = torch.class('nn.SpatialAutoCropMSECriterion', 'nn.MSECriterion')

function ACM:__init(sizeAverage)
  acmparent.__init(self, sizeAverage)
end

-- The centred window of input with target's spatial size.
local function centre(input, target)
  local nd = input:dim()
  local hi, wi, ht, wt = input:size(nd - 1), input:size(nd), target:size(nd - 1), target:size(nd)
  if ht > hi or wt > wi then
    error(string.format('nn.SpatialAutoCropMSECriterion: target %s is larger than input %s',
                        sizes_str(target), sizes_str(input)), 4)
  end
  local y0, x0 = math.floor((hi - ht) / 2) + 1, math.floor((wi - wt) / 2) + 1
  return input:narrow(nd - 1, y0, ht):narrow(nd, x0, wt)
end

function ACM:updateOutput(input, target)
  local c = centre(input, target):contiguous()
  return acmparent.updateOutput(self, c, target)
end

function ACM:updateGradInput(input, target)
  local win = centre(input, target)
  local g = acmparent.updateGradInput(self, win:contiguous(), target):clone()
  self.gradInput:resizeAs(input):zero()
  centre(self.gradInput, target):copy(g)
  return self.gradInput
end

-- ---- L1Cost: sum |x| ------------------------------------------------------

local L1Cost, l1parent = torch.class('nn.L1Cost', 'nn.Criterion')

function L1Cost:__init()
  l1parent.__init(self)
end

function L1Cost:updateOutput(input)
  self.output = input:norm(1)
  return self.output
end

function L1Cost:updateGradInput(input)
  self.gradInput:resizeAs(input):copy(input):sign()
  return self.gradInput
end
