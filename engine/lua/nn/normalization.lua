-- nn/normalization.lua: BatchNormalization ([n, F] or [n, F, ...]),
-- Spatial- and VolumetricBatchNormalization, one C kernel; also
-- SpatialCrossMapLRN and LayerNormalization.

local C = torch._C
local utils = nn.utils
local raise = utils.raise

local BN, parent = torch.class('nn.BatchNormalization', 'nn.Module')
BN.__version = 2
-- dimensions of the batched input
BN.nDim = 2

function BN:__init(nOutput, eps, momentum, affine)
  parent.__init(self)
  assert(nOutput and type(nOutput) == 'number', 'Missing argument #1: dimensionality of input. ')
  assert(nOutput ~= 0, 'To set affine=false call BatchNormalization(nOutput, eps, momentum, false) ')
  self.affine = (affine == nil) and true or affine
  self.eps = eps or 1e-5
  self.train = true
  self.momentum = momentum or 0.1
  self.running_mean = torch.zeros(nOutput)
  self.running_var = torch.ones(nOutput)
  if self.affine then
    self.weight = torch.Tensor(nOutput)
    self.bias = torch.Tensor(nOutput)
    self.gradWeight = torch.Tensor(nOutput)
    self.gradBias = torch.Tensor(nOutput)
    self:reset()
  end
  self.save_mean = torch.Tensor()
  self.save_std = torch.Tensor()
end

function BN:reset()
  if self.weight then self.weight:uniform() end
  if self.bias then self.bias:zero() end
  self.running_mean:zero()
  self.running_var:fill(1)
end

function BN:_input(input)
  local x, single = input, false
  if input:dim() == self.nDim - 1 then
    x, single = utils.batchIn(input, self.nDim - 1, self)
  elseif input:dim() ~= self.nDim then
    error(string.format('%s: expected a %dD (batch) or %dD input, got %dD %s', tostring(self), self.nDim,
                        self.nDim - 1, input:dim(), utils.sizeString(input)), 3)
  else
    x = input:contiguous()
  end
  if x:size(2) ~= self.running_mean:nElement() then
    error(string.format('%s: input has %d features, expected %d', tostring(self), x:size(2),
                        self.running_mean:nElement()), 3)
  end
  return x, single
end

function BN:updateOutput(input)
  local x, single = self:_input(input)
  self.save_mean = self.save_mean or x.new()
  self.save_std = self.save_std or x.new()
  if C.tl_nn_batchnorm_forward(x._c, self.output._c, self.weight and self.weight._c,
                               self.bias and self.bias._c, self.running_mean._c, self.running_var._c,
                               self.save_mean._c, self.save_std._c, self.train ~= false and 1 or 0,
                               self.momentum, self.eps) ~= 0 then
    raise(2, self)
  end
  return utils.batchOut(self.output, single)
end

function BN:_backward(input, gradOutput, scale, gradInput, gradWeight, gradBias)
  local x, single = self:_input(input)
  local g = gradOutput:contiguous()
  if C.tl_nn_batchnorm_backward(x._c, g._c, gradInput and gradInput._c, gradWeight and gradWeight._c,
                                gradBias and gradBias._c, self.weight and self.weight._c,
                                self.running_mean._c, self.running_var._c, self.save_mean._c,
                                self.save_std._c, self.train ~= false and 1 or 0, scale, self.eps) ~= 0 then
    raise(3, self)
  end
  if gradInput then utils.batchOut(gradInput, single) end
  return self.gradInput
end

function BN:backward(input, gradOutput, scale)
  return self:_backward(input, gradOutput, scale or 1, self.gradInput, self.gradWeight, self.gradBias)
end

function BN:updateGradInput(input, gradOutput)
  return self:_backward(input, gradOutput, 1, self.gradInput, nil, nil)
end

function BN:accGradParameters(input, gradOutput, scale)
  return self:_backward(input, gradOutput, scale or 1, nil, self.gradWeight, self.gradBias)
end

function BN:clearState()
  nn.utils.clear(self, 'save_mean', 'save_std')
  return parent.clearState(self)
end

function BN:__tostring__()
  return string.format('%s (%dD) (%d)', torch.type(self), self.nDim, self.running_mean:nElement())
end

local SBN = torch.class('nn.SpatialBatchNormalization', 'nn.BatchNormalization')
SBN.__version = 2
SBN.nDim = 4

local VBN = torch.class('nn.VolumetricBatchNormalization', 'nn.BatchNormalization')
VBN.__version = 2
VBN.nDim = 5

-- ---- SpatialCrossMapLRN: local response normalization across planes -----
-- y = x / (k + alpha/size * sum_{c' near c} x_{c'}^2)^beta

local LRN, lrnparent = torch.class('nn.SpatialCrossMapLRN', 'nn.Module')

function LRN:__init(size, alpha, beta, k)
  lrnparent.__init(self)
  self.size = size
  self.alpha = alpha or 0.0001
  self.beta = beta or 0.75
  self.k = k or 1
end

function LRN:updateOutput(input)
  local x, single = utils.batchIn(input, 3, self)
  local n, c = x:size(1), x:size(2)
  self.scale = self.scale or x.new()
  self._sq = self._sq or x.new()
  self._sq:resizeAs(x):copy(x):cmul(x)
  self.scale:resizeAs(x):zero()
  local half = math.floor((self.size - 1) / 2)
  for ch = 1, c do
    local lo, hi = math.max(1, ch - half), math.min(c, ch + self.size - 1 - half)
    self.scale:select(2, ch):copy(self._sq:narrow(2, lo, hi - lo + 1):sum(2):select(2, 1))
  end
  self.scale:mul(self.alpha / self.size):add(self.k)
  self.output:resizeAs(x):copy(self.scale):pow(-self.beta):cmul(x)
  return utils.batchOut(self.output, single)
end

function LRN:updateGradInput(input, gradOutput)
  local x, single = utils.batchIn(input, 3, self)
  local g = gradOutput:contiguous():viewAs(x)
  local c = x:size(2)
  -- dL/dx_j = g_j s_j^-b - 2 a b / size * x_j * sum_{i: j in window(i)} g_i y_i / s_i
  self._r = self._r or x.new()
  self._r:resizeAs(x):copy(g):cmul(self.output:viewAs(x)):cdiv(self.scale)
  self.gradInput:resizeAs(x):copy(self.scale):pow(-self.beta):cmul(g)
  local half = math.floor((self.size - 1) / 2)
  self._acc = self._acc or x.new()
  self._acc:resizeAs(x):zero()
  for ch = 1, c do
    -- the planes whose window contains ch
    local lo, hi = math.max(1, ch - (self.size - 1 - half)), math.min(c, ch + half)
    self._acc:select(2, ch):copy(self._r:narrow(2, lo, hi - lo + 1):sum(2):select(2, 1))
  end
  self.gradInput:addcmul(-2 * self.alpha * self.beta / self.size, x, self._acc)
  return utils.batchOut(self.gradInput, single)
end

function LRN:clearState()
  nn.utils.clear(self, 'scale', '_sq', '_r', '_acc')
  return lrnparent.clearState(self)
end

-- ---- LayerNormalization: per-sample standardization, then gain and bias --
-- Composed of existing modules: x - mean(x), scaled to norm sqrt(n), then
-- a CMul gain and an Add bias when affine.

local LN, lnparent = torch.class('nn.LayerNormalization', 'nn.Sequential')

function LN:__init(nOutput, bias, eps, affine)
  lnparent.__init(self)
  eps = eps or 1e-10
  affine = (affine == nil) and true or affine
  bias = bias or 0
  local centre = nn.ConcatTable()
  centre:add(nn.Identity())
  centre:add(nn.Sequential():add(nn.Mean(1, 1)):add(nn.Replicate(nOutput, 1, 1)))
  self:add(centre)
  self:add(nn.CSubTable())
  self:add(nn.Normalize(2, eps))
  self:add(nn.MulConstant(math.sqrt(nOutput)))
  if affine then
    local gain = nn.CMul(nOutput)
    gain.weight:fill(1)
    local shift = nn.Add(nOutput, false)
    shift.bias:fill(bias)
    self:add(gain)
    self:add(shift)
  end
end

-- ---- local contrast normalization (Torch7's Spatial{Subtractive,Divisive,
-- Contrastive}Normalization), composed of existing modules: a local mean
-- (or root mean square) estimator convolves every plane with the kernel
-- (normalised to sum 1 over kernel and planes), and border effects are
-- corrected by dividing by the estimator's response to an all-ones input.
-- As in Torch7, the kernel tensor is normalised in place.

local function estimator(nInputPlane, kernel, square)
  local kdim = kernel:dim()
  if kdim ~= 1 and kdim ~= 2 then error('averaging kernel must be 2D or 1D') end
  if kernel:size(1) % 2 == 0 or (kdim == 2 and kernel:size(2) % 2 == 0) then
    error('averaging kernel must have ODD dimensions')
  end
  local padH = math.floor(kernel:size(1) / 2)
  local padW = kdim == 2 and math.floor(kernel:size(2) / 2) or padH
  local seq = nn.Sequential()
  if square then seq:add(nn.Square()) end
  seq:add(nn.SpatialZeroPadding(padW, padW, padH, padH))
  if kdim == 2 then
    local conv = nn.SpatialConvolution(nInputPlane, 1, kernel:size(2), kernel:size(1))
    for i = 1, nInputPlane do conv.weight[1][i]:copy(kernel) end
    conv.bias:zero()
    seq:add(conv)
  else
    local rows = nn.SpatialConvolutionMap(nn.tables.oneToOne(nInputPlane), kernel:size(1), 1)
    local cols = nn.SpatialConvolution(nInputPlane, 1, 1, kernel:size(1))
    for i = 1, nInputPlane do
      rows.weight[i]:copy(kernel:view(1, -1))
      cols.weight[1][i]:copy(kernel:view(-1, 1))
    end
    rows.bias:zero()
    cols.bias:zero()
    seq:add(rows)
    seq:add(cols)
  end
  seq:add(nn.Replicate(nInputPlane, 1, 3))
  if square then seq:add(nn.Sqrt()) end
  return seq
end

-- The border coefficients: the mean estimator's output on ones.
local function border_coef(self, input)
  local dim = input:dim()
  if input:dim() + 1 ~= self.coef:dim() or input:size(dim) ~= self.coef:size(dim)
      or input:size(dim - 1) ~= self.coef:size(dim - 1) then
    self.ones = self.ones or input.new()
    self._coef = self._coef or self.coef.new()
    local one = dim == 4 and input[1] or input
    self.ones:resizeAs(one):fill(1)
    local coef = self.meanestimator:updateOutput(self.ones)
    self._coef:resizeAs(coef):copy(coef)
    if dim == 4 then
      local size = self._coef:size():totable()
      local vsize = { 1, unpack(size) }
      table.insert(size, 1, input:size(1))
      self.coef = self._coef:view(torch.LongStorage(vsize)):expand(torch.LongStorage(size))
    else
      self.coef = self._coef
    end
  end
  return self.coef
end

local SSN, ssnparent = torch.class('nn.SpatialSubtractiveNormalization', 'nn.Module')

function SSN:__init(nInputPlane, kernel)
  ssnparent.__init(self)
  self.nInputPlane = nInputPlane or 1
  self.kernel = kernel or torch.Tensor(9, 9):fill(1)
  self.kernel:div(self.kernel:sum() * self.nInputPlane)
  self.meanestimator = estimator(self.nInputPlane, self.kernel, false)
  self.subtractor = nn.CSubTable()
  self.divider = nn.CDivTable()
  self.coef = torch.Tensor(1, 1, 1)
end

function SSN:updateOutput(input)
  local coef = border_coef(self, input)
  self.localsums = self.meanestimator:updateOutput(input)
  self.adjustedsums = self.divider:updateOutput({ self.localsums, coef })
  self.output = self.subtractor:updateOutput({ input, self.adjustedsums })
  return self.output
end

function SSN:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input):zero()
  local gradsub = self.subtractor:updateGradInput({ input, self.adjustedsums }, gradOutput)
  local graddiv = self.divider:updateGradInput({ self.localsums, self.coef }, gradsub[2])
  self.gradInput:add(self.meanestimator:updateGradInput(input, graddiv[1]))
  self.gradInput:add(gradsub[1])
  return self.gradInput
end

-- The buffers are the inner modules' outputs and the border coefficients:
-- clearState empties both (Torch7 kept them).
function SSN:clearState()
  nn.utils.clear(self, 'localsums', 'adjustedsums', 'coef', '_coef', 'ones')
  for _, m in ipairs({ self.meanestimator, self.subtractor, self.divider }) do m:clearState() end
  return ssnparent.clearState(self)
end

local SDN, sdnparent = torch.class('nn.SpatialDivisiveNormalization', 'nn.Module')

function SDN:__init(nInputPlane, kernel, threshold, thresval)
  sdnparent.__init(self)
  self.nInputPlane = nInputPlane or 1
  self.kernel = kernel or torch.Tensor(9, 9):fill(1)
  self.threshold = threshold or 1e-4
  self.thresval = thresval or threshold or 1e-4
  self.kernel:div(self.kernel:sum() * self.nInputPlane)
  self.meanestimator = estimator(self.nInputPlane, self.kernel, false)
  self.stdestimator = estimator(self.nInputPlane, self.kernel, true)
  self.normalizer = nn.CDivTable()
  self.divider = nn.CDivTable()
  self.thresholder = nn.Threshold(self.threshold, self.thresval)
  self.coef = torch.Tensor(1, 1, 1)
end

function SDN:updateOutput(input)
  self.localstds = self.stdestimator:updateOutput(input)
  local coef = border_coef(self, input)
  self.adjustedstds = self.divider:updateOutput({ self.localstds, coef })
  self.thresholdedstds = self.thresholder:updateOutput(self.adjustedstds)
  self.output = self.normalizer:updateOutput({ input, self.thresholdedstds })
  return self.output
end

function SDN:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input):zero()
  local gradnorm = self.normalizer:updateGradInput({ input, self.thresholdedstds }, gradOutput)
  local gradadj = self.thresholder:updateGradInput(self.adjustedstds, gradnorm[2])
  local graddiv = self.divider:updateGradInput({ self.localstds, self.coef }, gradadj)
  self.gradInput:add(self.stdestimator:updateGradInput(input, graddiv[1]))
  self.gradInput:add(gradnorm[1])
  return self.gradInput
end

function SDN:clearState()
  nn.utils.clear(self, 'localstds', 'adjustedstds', 'thresholdedstds', 'coef', '_coef', 'ones')
  for _, m in ipairs({ self.meanestimator, self.stdestimator, self.normalizer, self.divider, self.thresholder }) do
    m:clearState()
  end
  return sdnparent.clearState(self)
end

local SCN, scnparent = torch.class('nn.SpatialContrastiveNormalization', 'nn.Module')

function SCN:__init(nInputPlane, kernel, threshold, thresval)
  scnparent.__init(self)
  self.nInputPlane = nInputPlane or 1
  self.kernel = kernel or torch.Tensor(9, 9):fill(1)
  self.threshold = threshold or 1e-4
  self.thresval = thresval or threshold or 1e-4
  self.normalizer = nn.Sequential()
  self.normalizer:add(nn.SpatialSubtractiveNormalization(self.nInputPlane, self.kernel))
  self.normalizer:add(nn.SpatialDivisiveNormalization(self.nInputPlane, self.kernel, self.threshold, self.thresval))
end

function SCN:updateOutput(input)
  self.output = self.normalizer:forward(input)
  return self.output
end

function SCN:updateGradInput(input, gradOutput)
  self.gradInput = self.normalizer:backward(input, gradOutput)
  return self.gradInput
end

function SCN:clearState()
  self.normalizer:clearState()
  return scnparent.clearState(self)
end
