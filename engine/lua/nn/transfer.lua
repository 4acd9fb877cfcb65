-- nn/transfer.lua: transfer functions. Element-wise ones share one C
-- kernel (tl_nn_act_forward/backward, a kind and two parameters); the
-- softmax family goes to tl_nn_softmax_*. All accept any input shape.
-- PReLU, RReLU, CReLU, GatedLinearUnit and WhiteNoise are tensor maths.

local C = torch._C
local raise = nn.utils.raise

-- Define nn.<name> over C kind `kind`; params(self) -> a, b.
local function act(name, kind, init, params, parentName)
  local M, parent = torch.class('nn.' .. name, parentName or 'nn.Module')
  if init then
    function M:__init(...)
      parent.__init(self)
      init(self, ...)
    end
  end
  function M:updateOutput(input)
    local a, b = 0, 0
    if params then a, b = params(self) end
    nn.utils.checkType(self, input, self.output)
    if not input:isContiguous() then
      self._input = self._input or input.new()
      input = self._input:resizeAs(input):copy(input)
    end
    local out = self.output
    if self.inplace then out = input; self.output:set(input) end
    if C.tl_nn_act_forward(kind, input._c, out._c, a, b) ~= 0 then raise(2, self) end
    return self.output
  end
  function M:updateGradInput(input, gradOutput)
    local a, b = 0, 0
    if params then a, b = params(self) end
    input = input:isContiguous() and input or input:contiguous()
    gradOutput = gradOutput:isContiguous() and gradOutput or gradOutput:contiguous()
    local gi = self.gradInput
    if self.inplace then gi = gradOutput; self.gradInput:set(gradOutput) end
    if C.tl_nn_act_backward(kind, input._c, self.output._c, gradOutput._c, gi._c, a, b) ~= 0 then
      raise(2, self)
    end
    return self.gradInput
  end
  return M
end

act('Tanh', C.TL_NN_TANH)
act('Sigmoid', C.TL_NN_SIGMOID)

local Threshold = act('Threshold', C.TL_NN_THRESHOLD, function(self, th, v, ip)
  self.threshold = th or 1e-6
  self.val = v or 0
  self.inplace = ip or false
  if ip and self.val > self.threshold then
    error('in-place processing requires value (' .. self.val .. ') not exceed threshold (' .. self.threshold .. ')')
  end
end, function(self) return self.threshold, self.val end)

local ReLU = torch.class('nn.ReLU', 'nn.Threshold')
function ReLU:__init(p)
  Threshold.__init(self, 0, 0, p)
end

local ReLU6 = act('ReLU6', C.TL_NN_HARDTANH, function(self, ip) self.inplace = ip or false end,
                  function() return 0, 6 end)

local LeakyReLU = act('LeakyReLU', C.TL_NN_LEAKYRELU, function(self, negval, ip)
  self.negval = negval or (1 / 100)
  if type(negval) == 'boolean' then self.negval, ip = 1 / 100, negval end
  self.inplace = ip or false
  if self.negval < 0 then self.inplace = false end
end, function(self) return self.negval, 0 end)
function LeakyReLU:__tostring__()
  return torch.type(self) .. string.format('(%g)', self.negval)
end

local ELU = act('ELU', C.TL_NN_ELU, function(self, alpha, ip)
  self.alpha = alpha or 1
  self.inplace = ip or false
end, function(self) return self.alpha, 0 end)
function ELU:__tostring__()
  return string.format('%s (alpha:%f)', torch.type(self), self.alpha)
end

act('SoftPlus', C.TL_NN_SOFTPLUS, function(self, beta, threshold)
  self.beta = beta or 1
  self.threshold = threshold or 20
end, function(self) return self.beta, self.threshold end)

local HardTanh = act('HardTanh', C.TL_NN_HARDTANH, function(self, min_value, max_value, ip)
  self.min_val = min_value or -1
  self.max_val = max_value or 1
  self.inplace = ip or false
  assert(self.max_val > self.min_val, 'max_value must be larger than min_value')
end, function(self) return self.min_val, self.max_val end)

local Clamp = torch.class('nn.Clamp', 'nn.HardTanh')
function Clamp:__init(min_value, max_value)
  HardTanh.__init(self, min_value, max_value)
end

act('SoftSign', C.TL_NN_SOFTSIGN)
act('LogSigmoid', C.TL_NN_LOGSIGMOID)
act('TanhShrink', C.TL_NN_TANHSHRINK)
act('HardShrink', C.TL_NN_HARDSHRINK, function(self, lam) self.lambda = lam or 0.5 end,
    function(self) return self.lambda, 0 end)
act('SoftShrink', C.TL_NN_SOFTSHRINK, function(self, lam) self.lambda = lam or 0.5 end,
    function(self) return self.lambda, 0 end)

-- ---- softmax family ---------------------------------------------------
-- Torch7's dimension rule: a vector or a [n, C] batch along the last
-- dimension; [C, H, W] and [n, C, H, W] along C.

local function softmax_dim(input)
  local nd = input:dim()
  if nd == 1 or nd == 2 then return nd - 1 end
  if nd == 3 then return 0 end
  if nd == 4 then return 1 end
  error(string.format('%s: input must be 1D, 2D, 3D or 4D, got %dD', 'SoftMax', nd), 4)
end

local function softmax(name, logsm, negate)
  local M = torch.class('nn.' .. name, 'nn.Module')
  function M:updateOutput(input)
    if negate then
      self._neg = self._neg or input.new()
      input = self._neg:resizeAs(input):copy(input):mul(-1)
    else
      input = input:isContiguous() and input or input:contiguous()
    end
    if C.tl_nn_softmax_forward(input._c, self.output._c, softmax_dim(input), logsm) ~= 0 then raise(2, self) end
    return self.output
  end
  function M:updateGradInput(input, gradOutput)
    gradOutput = gradOutput:isContiguous() and gradOutput or gradOutput:contiguous()
    if C.tl_nn_softmax_backward(self.output._c, gradOutput._c, self.gradInput._c,
                                softmax_dim(self.output), logsm) ~= 0 then raise(2, self) end
    if negate then self.gradInput:mul(-1) end
    return self.gradInput
  end
  return M
end

softmax('SoftMax', 0)
softmax('LogSoftMax', 1)
softmax('SoftMin', 0, true)

-- ---- learned and randomized rectifiers ----------------------------------

-- PReLU: y = x > 0 ? x : w * x, one weight (nOutputPlane = 0) or one per
-- plane (dimension 1 of a sample, 2 of a batch).
local PReLU, prparent = torch.class('nn.PReLU', 'nn.Module')

function PReLU:__init(nOutputPlane)
  prparent.__init(self)
  self.nOutputPlane = nOutputPlane or 0
  self.weight = torch.Tensor(math.max(1, self.nOutputPlane)):fill(0.25)
  self.gradWeight = torch.Tensor(math.max(1, self.nOutputPlane)):zero()
end

-- The weight broadcast to the input's shape.
local function prelu_weight(self, input)
  if self.nOutputPlane == 0 then return self.weight:view(1):expand(input:nElement()):viewAs(input) end
  local nd = input:dim()
  local pdim = (nd == 1 or nd == 3) and 1 or 2
  local shape = {}
  for i = 1, nd do shape[i] = 1 end
  shape[pdim] = self.nOutputPlane
  return self.weight:view(torch.LongStorage(shape)):expandAs(input)
end

function PReLU:updateOutput(input)
  self._pos = self._pos or input.new()
  self._pos:resizeAs(input):copy(input):sign():add(1):div(2):floor()     -- 1 where x > 0
  self.output:resizeAs(input):copy(prelu_weight(self, input))
  -- y = x * (pos + (1 - pos) * w)
  self.output:mul(-1):add(1):cmul(self._pos):add(prelu_weight(self, input)):cmul(input)
  return self.output
end

function PReLU:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input):copy(prelu_weight(self, input))
  self.gradInput:mul(-1):add(1):cmul(self._pos):add(prelu_weight(self, input)):cmul(gradOutput)
  return self.gradInput
end

function PReLU:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  -- dw = sum over x <= 0 of x * g
  self._g = self._g or input.new()
  self._g:resizeAs(input):copy(self._pos):mul(-1):add(1):cmul(input):cmul(gradOutput)
  if self.nOutputPlane == 0 then
    self.gradWeight[1] = self.gradWeight[1] + scale * self._g:sum()
  else
    local nd = input:dim()
    local g = self._g
    if nd == 1 or nd == 3 then g = g:view(1, g:size(1), -1) else g = g:view(g:size(1), g:size(2), -1) end
    self.gradWeight:add(scale, g:sum(3):sum(1):view(-1))
  end
end

function PReLU:clearState()
  nn.utils.clear(self, '_pos', '_g')
  return prparent.clearState(self)
end

-- RReLU: a random negative slope in [lower, upper] per element in training,
-- their mean in evaluation.
local RReLU, rrparent = torch.class('nn.RReLU', 'nn.Module')

function RReLU:__init(l, u, ip)
  rrparent.__init(self)
  self.lower = l or 1 / 8
  self.upper = u or 1 / 3
  assert(self.lower <= self.upper and self.lower >= 0 and self.upper >= 0)
  self.noise = torch.Tensor()
  self.train = true
  self.inplace = ip or false
end

function RReLU:updateOutput(input)
  self.noise:resizeAs(input)
  if self.train ~= false then
    self.noise:uniform(self.lower, self.upper)
  else
    self.noise:fill((self.lower + self.upper) / 2)
  end
  -- slope 1 where x > 0: noise = 1 + (r - 1) * (1 - pos)
  self._pos = self._pos or input.new()
  self._pos:resizeAs(input):copy(input):sign():add(1):div(2):floor():mul(-1):add(1)
  self.noise:add(-1):cmul(self._pos):add(1)
  return self:_apply(input)
end

function RReLU:_apply(input)
  self.output:resizeAs(input):copy(input):cmul(self.noise)
  return self.output
end

function RReLU:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input):copy(gradOutput):cmul(self.noise)
  return self.gradInput
end

function RReLU:__tostring__()
  return string.format('%s (l:%f, u:%f)', torch.type(self), self.lower, self.upper)
end

-- GatedLinearUnit: split the input in two halves a, b along dim; a * sigmoid(b).
local GLU, gparent = torch.class('nn.GatedLinearUnit', 'nn.Module')

function GLU:__init(dim)
  gparent.__init(self)
  self.dim = dim
end

function GLU:updateOutput(input)
  local dim = self.dim or input:dim()
  local half = input:size(dim) / 2
  assert(half == math.floor(half), 'nn.GatedLinearUnit: halving dimension must be even')
  local a, b = input:narrow(dim, 1, half), input:narrow(dim, half + 1, half)
  self._sig = self._sig or input.new()
  self._sig:resizeAs(b):copy(b):sigmoid()
  self.output:resizeAs(a):copy(a):cmul(self._sig)
  return self.output
end

function GLU:updateGradInput(input, gradOutput)
  local dim = self.dim or input:dim()
  local half = input:size(dim) / 2
  local a = input:narrow(dim, 1, half)
  self.gradInput:resizeAs(input)
  self.gradInput:narrow(dim, 1, half):copy(self._sig):cmul(gradOutput)
  -- d/db = a * s * (1 - s) * g
  local gb = self.gradInput:narrow(dim, half + 1, half)
  gb:copy(self._sig):mul(-1):add(1):cmul(self._sig):cmul(a):cmul(gradOutput)
  return self.gradInput
end

-- SpatialSoftMax / SpatialLogSoftMax: softmax over the planes of
-- [C, H, W] or [n, C, H, W] (what SoftMax already does for 3-D/4-D input).
local SSM = torch.class('nn.SpatialSoftMax', 'nn.SoftMax')
local SLSM = torch.class('nn.SpatialLogSoftMax', 'nn.LogSoftMax')

-- CReLU: [ReLU(x), ReLU(-x)] joined along the feature dimension (the last
-- of a vector or matrix, the planes of images).
local CReLU, crparent = torch.class('nn.CReLU', 'nn.Module')

function CReLU:__init(nInputDims, inplace)
  crparent.__init(self)
  self.nInputDims = nInputDims
  self.inplace = inplace or false
end

local function crelu_dim(self, input)
  local nd = input:dim()
  if self.nInputDims then return (nd > self.nInputDims) and 2 or 1 end
  if nd == 1 or nd == 3 then return 1 end
  return 2
end

function CReLU:updateOutput(input)
  local d = crelu_dim(self, input)
  local sz = input:size():totable()
  local c = sz[d]
  sz[d] = 2 * c
  self.output:resize(torch.LongStorage(sz))
  self.output:narrow(d, 1, c):copy(input):cmax(0)
  self.output:narrow(d, c + 1, c):copy(input):mul(-1):cmax(0)
  return self.output
end

function CReLU:updateGradInput(input, gradOutput)
  local d = crelu_dim(self, input)
  local c = input:size(d)
  self._mask = self._mask or input.new()
  self._mask:resizeAs(input):copy(input):sign():add(1):div(2):floor()        -- x > 0
  self.gradInput:resizeAs(input):copy(gradOutput:narrow(d, 1, c)):cmul(self._mask)
  self._mask:copy(input):mul(-1):sign():add(1):div(2):floor()                -- x < 0
  self.gradInput:addcmul(-1, gradOutput:narrow(d, c + 1, c), self._mask)
  return self.gradInput
end

-- WhiteNoise: adds N(mean, std) noise in training; identity in evaluation.
local WN, wnparent = torch.class('nn.WhiteNoise', 'nn.Module')

function WN:__init(mean, std)
  wnparent.__init(self)
  self.mean = mean or 0
  self.std = std or 0.1
  self.noise = torch.Tensor()
end

function WN:updateOutput(input)
  self.output:resizeAs(input):copy(input)
  if self.train ~= false then
    self.noise:resizeAs(input):normal(self.mean, self.std)
    self.output:add(self.noise)
  end
  return self.output
end

function WN:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  return self.gradInput
end

function WN:__tostring__()
  return string.format('%s mean: %f, std: %f', torch.type(self), self.mean, self.std)
end
