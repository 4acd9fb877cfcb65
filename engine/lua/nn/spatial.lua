-- nn/spatial.lua: modules over images: SpatialConvolution(MM), Dilated,
-- Full, DepthWise and Map convolutions (all on the one GEMM kernel of
-- engine/src/nn/conv.c; SpatialConvolution takes its direct kernels for
-- first layers on wide images), SubSampling, Max/DilatedMax/Average/LP/Adaptive
-- pooling, MaxUnpooling, zero/reflection/replication padding, nearest and
-- bilinear upsampling, PixelShuffle, Spatial/VolumetricDropout, nn.tables.
-- Images are [C, H, W] (single) or [n, C, H, W] (batch), normalised with
-- nn.utils.batchIn/batchOut.

local C = torch._C
local utils = nn.utils
local raise = utils.raise
local batchIn, batchOut = utils.batchIn, utils.batchOut

local buf = utils.buffer

-- ---- SpatialConvolution -------------------------------------------------

local Conv, parent = torch.class('nn.SpatialConvolution', 'nn.Module')

function Conv:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
  parent.__init(self)
  dW, dH = dW or 1, dH or 1
  self.nInputPlane, self.nOutputPlane = nInputPlane, nOutputPlane
  self.kW, self.kH, self.dW, self.dH = kW, kH, dW, dH
  self.padW = padW or 0
  self.padH = padH or self.padW
  self.weight = torch.Tensor(nOutputPlane, nInputPlane, kH, kW)
  self.bias = torch.Tensor(nOutputPlane)
  self.gradWeight = torch.Tensor(nOutputPlane, nInputPlane, kH, kW)
  self.gradBias = torch.Tensor(nOutputPlane)
  self.finput = torch.Tensor()
  self.fgradInput = torch.Tensor()
  self:reset()
end

function Conv:noBias()
  self.bias = nil
  self.gradBias = nil
  return self
end

function Conv:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.kW * self.kH * self.nInputPlane)
  end
  self.weight:uniform(-stdv, stdv)
  if self.bias then self.bias:uniform(-stdv, stdv) end
  return self
end

local function conv_input(self, input)
  local x, single = batchIn(input, 3, self)
  nn.utils.checkType(self, input, self.weight)
  if x:size(2) ~= self.nInputPlane then
    error(string.format('%s: input has %d planes, expected %d (input %s)', tostring(self), x:size(2),
                        self.nInputPlane, utils.sizeString(input)), 3)
  end
  return x, single
end

-- Stride 1, no padding, few taps per output (a first layer): the direct
-- kernels of conv.c, with no columns; otherwise unfold + GEMM.
local function direct(self, x)
  return C.tl_nn_conv2d_direct_ok(self.nInputPlane, x:size(4), self.kW, self.kH, self.dW, self.dH,
                                  self.padW, self.padH, self.dilationW or 1, self.dilationH or 1) == 1
end

function Conv:updateOutput(input)
  local x, single = conv_input(self, input)
  if direct(self, x) then
    if C.tl_nn_conv2d_direct_forward(x._c, self.weight._c, self.bias and self.bias._c, self.output._c,
                                     buf(self, '_scratch', x)._c, self.kW, self.kH) ~= 0 then
      raise(2, self)
    end
    return batchOut(self.output, single)
  end
  local finput = buf(self, 'finput', x)
  if C.tl_nn_conv2d_forward(x._c, self.weight._c, self.bias and self.bias._c, self.output._c,
                            finput._c, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH,
                            self.dilationW or 1, self.dilationH or 1) ~= 0 then
    raise(2, self)
  end
  return batchOut(self.output, single)
end

function Conv:updateGradInput(input, gradOutput)
  if not self.gradInput then return end
  local x, single = conv_input(self, input)
  local g = gradOutput:contiguous()
  if single then g = g:view(1, g:size(1), g:size(2), g:size(3)) end
  if direct(self, x) then
    if C.tl_nn_conv2d_direct_backward_input(x._c, g._c, self.weight._c, self.gradInput._c,
                                            buf(self, '_scratch', x)._c, self.kW, self.kH) ~= 0 then
      raise(2, self)
    end
    return batchOut(self.gradInput, single)
  end
  local fgrad = buf(self, 'fgradInput', x)
  if C.tl_nn_conv2d_backward_input(x._c, g._c, self.weight._c, self.gradInput._c, fgrad._c,
                                   self.kW, self.kH, self.dW, self.dH, self.padW, self.padH,
                                   self.dilationW or 1, self.dilationH or 1) ~= 0 then
    raise(2, self)
  end
  return batchOut(self.gradInput, single)
end

function Conv:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local x, single = conv_input(self, input)
  local g = gradOutput:contiguous()
  if single then g = g:view(1, g:size(1), g:size(2), g:size(3)) end
  if direct(self, x) then
    if C.tl_nn_conv2d_direct_backward_params(x._c, g._c, self.gradWeight._c, self.gradBias and self.gradBias._c,
                                             buf(self, '_partial', x)._c, scale, self.kW, self.kH) ~= 0 then
      raise(2, self)
    end
    return
  end
  local finput = self.finput
  if finput:dim() ~= 3 or finput:size(1) ~= x:size(1) then
    -- no columns from a forward pass on this input (e.g. after clearState)
    self:updateOutput(input)
    finput = self.finput
  end
  local partial = buf(self, '_partial', x)
  if C.tl_nn_conv2d_backward_params(g._c, finput._c, self.gradWeight._c,
                                    self.gradBias and self.gradBias._c, partial._c, scale) ~= 0 then
    raise(2, self)
  end
end

function Conv:type(type, tensorCache)
  self.finput = self.finput and torch.Tensor()
  self.fgradInput = self.fgradInput and torch.Tensor()
  self._partial = nil
  return parent.type(self, type, tensorCache)
end

function Conv:clearState()
  nn.utils.clear(self, 'finput', 'fgradInput', '_partial')
  return parent.clearState(self)
end

function Conv:__tostring__()
  local s = string.format('%s(%d -> %d, %dx%d', torch.type(self), self.nInputPlane, self.nOutputPlane,
                          self.kW, self.kH)
  if self.dW ~= 1 or self.dH ~= 1 or self.padW ~= 0 or self.padH ~= 0 then
    s = s .. string.format(', %d,%d', self.dW, self.dH)
  end
  if (self.padW or self.padH) and (self.padW ~= 0 or self.padH ~= 0) then
    s = s .. ', ' .. self.padW .. ',' .. self.padH
  end
  if self.bias then return s .. ')' end
  return s .. ') without bias'
end

-- SpatialConvolutionMM: the same module with Torch7's 2-D weight layout
-- [nOutputPlane, nInputPlane*kH*kW].
local ConvMM = torch.class('nn.SpatialConvolutionMM', 'nn.SpatialConvolution')

function ConvMM:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
  Conv.__init(self, nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
  local k = nInputPlane * kH * kW
  self.weight = self.weight:view(nOutputPlane, k)
  self.gradWeight = self.gradWeight:view(nOutputPlane, k)
end

-- ---- SpatialMaxPooling --------------------------------------------------

local MaxPool, mpparent = torch.class('nn.SpatialMaxPooling', 'nn.Module')

function MaxPool:__init(kW, kH, dW, dH, padW, padH)
  mpparent.__init(self)
  dW, dH = dW or kW, dH or kH
  self.kW, self.kH, self.dW, self.dH = kW, kH, dW, dH
  self.padW = padW or 0
  self.padH = padH or 0
  self.ceil_mode = false
  self.indices = torch.LongTensor()
end

function MaxPool:ceil()
  self.ceil_mode = true
  return self
end

function MaxPool:floor()
  self.ceil_mode = false
  return self
end

function MaxPool:updateOutput(input)
  local x, single = batchIn(input, 3, self)
  -- remembered for nn.SpatialMaxUnpooling
  self._iheight, self._iwidth = x:size(3), x:size(4)
  if torch.type(self.indices) ~= 'torch.LongTensor' then self.indices = torch.LongTensor() end
  if C.tl_nn_maxpool2d_forward(x._c, self.output._c, self.indices._c, self.kW, self.kH, self.dW,
                               self.dH, self.padW, self.padH, self.dilationW or 1, self.dilationH or 1,
                               self.ceil_mode and 1 or 0) ~= 0 then
    raise(2, self)
  end
  return batchOut(self.output, single)
end

function MaxPool:updateGradInput(input, gradOutput)
  local x, single = batchIn(input, 3, self)
  if not torch.isTensor(gradOutput) or gradOutput:nElement() ~= self.indices:nElement() then
    error(string.format('%s: gradOutput %s does not match the output %s', tostring(self),
                        torch.isTensor(gradOutput) and utils.sizeString(gradOutput) or torch.type(gradOutput),
                        utils.sizeString(self.output)), 2)
  end
  local g = gradOutput:contiguous():viewAs(self.indices)
  if C.tl_nn_maxpool2d_backward(x._c, g._c, self.indices._c, self.gradInput._c) ~= 0 then raise(2, self) end
  return batchOut(self.gradInput, single)
end

function MaxPool:type(type, tensorCache)
  local indices = self.indices
  self.indices = nil
  parent.type(self, type, tensorCache)
  self.indices = indices or torch.LongTensor()
  return self
end

function MaxPool:clearState()
  if self.indices then self.indices:set() end
  return mpparent.clearState(self)
end

function MaxPool:__tostring__()
  local s = string.format('%s(%dx%d, %d,%d', torch.type(self), self.kW, self.kH, self.dW, self.dH)
  if (self.padW or self.padH) and (self.padW ~= 0 or self.padH ~= 0) then
    s = s .. ', ' .. self.padW .. ',' .. self.padH
  end
  return s .. ')'
end

-- ---- SpatialAveragePooling ----------------------------------------------

local AvgPool, apparent = torch.class('nn.SpatialAveragePooling', 'nn.Module')

function AvgPool:__init(kW, kH, dW, dH, padW, padH)
  apparent.__init(self)
  self.kW, self.kH = kW, kH
  self.dW, self.dH = dW or 1, dH or 1
  self.padW = padW or 0
  self.padH = padH or 0
  self.ceil_mode = false
  self.count_include_pad = true
  self.divide = true
end

function AvgPool:ceil() self.ceil_mode = true; return self end
function AvgPool:floor() self.ceil_mode = false; return self end
function AvgPool:setCountIncludePad() self.count_include_pad = true; return self end
function AvgPool:setCountExcludePad() self.count_include_pad = false; return self end

function AvgPool:updateOutput(input)
  local x, single = batchIn(input, 3, self)
  if C.tl_nn_avgpool2d_forward(x._c, self.output._c, self.kW, self.kH, self.dW, self.dH, self.padW,
                               self.padH, self.ceil_mode and 1 or 0,
                               self.count_include_pad and 1 or 0) ~= 0 then
    raise(2, self)
  end
  -- divide = false (old Torch7): sums instead of means
  if not self.divide then self.output:mul(self.kW * self.kH) end
  return batchOut(self.output, single)
end

function AvgPool:updateGradInput(input, gradOutput)
  local x, single = batchIn(input, 3, self)
  local g = gradOutput:contiguous()
  if C.tl_nn_avgpool2d_backward(x._c, g._c, self.gradInput._c, self.kW, self.kH, self.dW, self.dH,
                                self.padW, self.padH, self.ceil_mode and 1 or 0,
                                self.count_include_pad and 1 or 0) ~= 0 then
    raise(2, self)
  end
  if not self.divide then self.gradInput:mul(self.kW * self.kH) end
  return batchOut(self.gradInput, single)
end

function AvgPool:__tostring__()
  local s = string.format('%s(%dx%d, %d,%d', torch.type(self), self.kW, self.kH, self.dW, self.dH)
  if (self.padW or self.padH) and (self.padW ~= 0 or self.padH ~= 0) then
    s = s .. ', ' .. self.padW .. ',' .. self.padH
  end
  return s .. ')'
end

-- ---- SpatialZeroPadding: pad (or crop, when negative) the image borders --

local ZeroPad, zpparent = torch.class('nn.SpatialZeroPadding', 'nn.Module')

function ZeroPad:__init(pad_l, pad_r, pad_t, pad_b)
  zpparent.__init(self)
  self.pad_l = pad_l
  self.pad_r = pad_r or self.pad_l
  self.pad_t = pad_t or self.pad_l
  self.pad_b = pad_b or self.pad_l
end

-- The overlapping windows of input and output: (dimension offsets).
local function pad_regions(self, h, w)
  local oh, ow = h + self.pad_t + self.pad_b, w + self.pad_l + self.pad_r
  if oh < 1 or ow < 1 then error(string.format('%s: input is too small', torch.type(self)), 4) end
  local ih0, oh0 = math.max(1, 1 - self.pad_t), math.max(1, 1 + self.pad_t)
  local iw0, ow0 = math.max(1, 1 - self.pad_l), math.max(1, 1 + self.pad_l)
  local hh = h - (ih0 - 1) - math.max(0, -self.pad_b)
  local ww = w - (iw0 - 1) - math.max(0, -self.pad_r)
  return oh, ow, ih0, oh0, iw0, ow0, hh, ww
end

function ZeroPad:updateOutput(input)
  local x, single = batchIn(input, 3, self)
  local n, c, h, w = x:size(1), x:size(2), x:size(3), x:size(4)
  local oh, ow, ih0, oh0, iw0, ow0, hh, ww = pad_regions(self, h, w)
  self.output:resize(n, c, oh, ow):zero()
  if hh > 0 and ww > 0 then
    self.output:narrow(3, oh0, hh):narrow(4, ow0, ww):copy(x:narrow(3, ih0, hh):narrow(4, iw0, ww))
  end
  return batchOut(self.output, single)
end

function ZeroPad:updateGradInput(input, gradOutput)
  local x, single = batchIn(input, 3, self)
  local n, c, h, w = x:size(1), x:size(2), x:size(3), x:size(4)
  local oh, ow, ih0, oh0, iw0, ow0, hh, ww = pad_regions(self, h, w)
  local g = gradOutput:contiguous():view(n, c, oh, ow)
  self.gradInput:resize(n, c, h, w):zero()
  if hh > 0 and ww > 0 then
    self.gradInput:narrow(3, ih0, hh):narrow(4, iw0, ww):copy(g:narrow(3, oh0, hh):narrow(4, ow0, ww))
  end
  return batchOut(self.gradInput, single)
end

function ZeroPad:__tostring__()
  return torch.type(self) .. string.format('(l=%d, r=%d, t=%d, b=%d)', self.pad_l, self.pad_r,
                                           self.pad_t, self.pad_b)
end

-- ---- SpatialUpSamplingNearest: repeat each pixel scale x scale times ----

local UpNN, upparent = torch.class('nn.SpatialUpSamplingNearest', 'nn.Module')

function UpNN:__init(scale)
  upparent.__init(self)
  self.scale_factor = scale
  if self.scale_factor < 1 or self.scale_factor ~= math.floor(self.scale_factor) then
    error('scale_factor must be an integer >= 1')
  end
end

function UpNN:updateOutput(input)
  local x, single = batchIn(input, 3, self)
  local s = self.scale_factor
  local n, c, h, w = x:size(1), x:size(2), x:size(3), x:size(4)
  self.output:resize(n, c, h, s, w, s)
  self.output:copy(x:view(n, c, h, 1, w, 1):expand(n, c, h, s, w, s))
  self.output:resize(n, c, h * s, w * s)
  return batchOut(self.output, single)
end

function UpNN:updateGradInput(input, gradOutput)
  local x, single = batchIn(input, 3, self)
  local s = self.scale_factor
  local n, c, h, w = x:size(1), x:size(2), x:size(3), x:size(4)
  local g = gradOutput:contiguous():view(n * c * h, s, w, s)
  self._sum = self._sum or x.new()
  torch.sum(self._sum, g, 4)
  local t = torch.sum(self._sum, 2)
  self.gradInput:resize(n, c, h, w):copy(t:view(n, c, h, w))
  return batchOut(self.gradInput, single)
end

-- ---- SpatialDropout: drop whole planes -----------------------------------

local SDrop, sdparent = torch.class('nn.SpatialDropout', 'nn.Module')

function SDrop:__init(p, stochasticInference)
  sdparent.__init(self)
  self.p = p or 0.5
  self.train = true
  self.stochastic_inference = stochasticInference or false
  self.noise = torch.Tensor()
end

function SDrop:updateOutput(input)
  self.output:resizeAs(input):copy(input)
  if self.train or self.stochastic_inference then
    if input:dim() == 4 then
      self.noise:resize(input:size(1), input:size(2), 1, 1)
    elseif input:dim() == 3 then
      self.noise:resize(input:size(1), 1, 1)
    else
      error('Input must be 4D (nbatch, nfeat, h, w) or 3D (nfeat, h, w)')
    end
    self.noise:bernoulli(1 - self.p)
    self.output:cmul(self.noise:expandAs(input))
  else
    self.output:mul(1 - self.p)
  end
  return self.output
end

function SDrop:updateGradInput(input, gradOutput)
  if self.train then
    self.gradInput:resizeAs(gradOutput):copy(gradOutput)
    self.gradInput:cmul(self.noise:expandAs(input))
  else
    error('backprop only defined while training')
  end
  return self.gradInput
end

function SDrop:__tostring__()
  return string.format('%s(%f)', torch.type(self), self.p)
end

-- ---- SpatialDilatedConvolution: the same kernel with dilated taps -------

local Dil = torch.class('nn.SpatialDilatedConvolution', 'nn.SpatialConvolution')

function Dil:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH, dilationW, dilationH)
  Conv.__init(self, nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
  self.dilationW = dilationW or 1
  self.dilationH = dilationH or 1
end

function Dil:__tostring__()
  local s = string.format('%s(%d -> %d, %dx%d', torch.type(self), self.nInputPlane, self.nOutputPlane,
                          self.kW, self.kH)
  if self.dW ~= 1 or self.dH ~= 1 or self.padW ~= 0 or self.padH ~= 0 then
    s = s .. string.format(', %d,%d', self.dW, self.dH)
  end
  if (self.padW or self.padH) and (self.padW ~= 0 or self.padH ~= 0) then
    s = s .. ', ' .. self.padW .. ',' .. self.padH
  end
  if self.dilationW ~= 1 or self.dilationH ~= 1 then
    s = s .. ', ' .. self.dilationW .. ',' .. self.dilationH
  end
  if self.bias then return s .. ')' end
  return s .. ') without bias'
end

-- ---- SpatialFullConvolution (transposed convolution) --------------------
-- The adjoint of a convolution with weight [nIn, nOut, kH, kW]: forward is
-- a convolution's input gradient, the input gradient a convolution, so the
-- same kernels serve with the roles of input and output swapped.

local Full, fparent = torch.class('nn.SpatialFullConvolution', 'nn.Module')

function Full:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH, adjW, adjH)
  fparent.__init(self)
  self.nInputPlane, self.nOutputPlane = nInputPlane, nOutputPlane
  self.kW, self.kH = kW, kH
  self.dW, self.dH = dW or 1, dH or 1
  self.padW, self.padH = padW or 0, padH or 0
  self.adjW, self.adjH = adjW or 0, adjH or 0
  if self.adjW > self.dW - 1 or self.adjH > self.dH - 1 then
    error('adjW and adjH must be smaller than self.dW - 1 and self.dH - 1 respectively')
  end
  self.weight = torch.Tensor(nInputPlane, nOutputPlane, kH, kW)
  self.gradWeight = torch.Tensor(nInputPlane, nOutputPlane, kH, kW)
  self.bias = torch.Tensor(nOutputPlane)
  self.gradBias = torch.Tensor(nOutputPlane)
  self.finput = torch.Tensor()
  self.fgradInput = torch.Tensor()
  self:reset()
end

function Full:noBias()
  self.bias = nil
  self.gradBias = nil
  return self
end

function Full:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.kW * self.kH * self.nInputPlane)
  end
  self.weight:uniform(-stdv, stdv)
  if self.bias then self.bias:uniform(-stdv, stdv) end
end

local function full_input(self, input)
  local x, single = batchIn(input, 3, self)
  if x:size(2) ~= self.nInputPlane then
    error(string.format('%s: input has %d planes, expected %d', tostring(self), x:size(2),
                        self.nInputPlane), 3)
  end
  local oH = (x:size(3) - 1) * self.dH - 2 * self.padH + self.kH + self.adjH
  local oW = (x:size(4) - 1) * self.dW - 2 * self.padW + self.kW + self.adjW
  -- a header with the output's shape: the kernels read only its sizes
  self._shape = self._shape or x.new()
  self._shape:set(x:storage(), x:storageOffset(), torch.LongStorage { x:size(1), self.nOutputPlane, oH, oW },
                  torch.LongStorage { 0, 0, 0, 0 })
  return x, single
end

function Full:updateOutput(input)
  local x, single = full_input(self, input)
  local fgrad = buf(self, 'fgradInput', x)
  if C.tl_nn_conv2d_backward_input(self._shape._c, x._c, self.weight._c, self.output._c, fgrad._c,
                                   self.kW, self.kH, self.dW, self.dH, self.padW, self.padH, 1, 1) ~= 0 then
    raise(2, self)
  end
  if self.bias then
    local o = self.output
    local n, c, h, w = o:size(1), o:size(2), o:size(3), o:size(4)
    o:view(n, c, h * w):add(self.bias:view(1, c, 1):expand(n, c, h * w))
  end
  return batchOut(self.output, single)
end

function Full:updateGradInput(input, gradOutput)
  local x, single = full_input(self, input)
  local g = gradOutput:contiguous()
  if single then g = g:view(1, g:size(1), g:size(2), g:size(3)) end
  local finput = buf(self, 'finput', x)
  -- columns of gradOutput, kept for accGradParameters
  if C.tl_nn_conv2d_forward(g._c, self.weight._c, nil, self.gradInput._c, finput._c, self.kW, self.kH,
                            self.dW, self.dH, self.padW, self.padH, 1, 1) ~= 0 then
    raise(2, self)
  end
  return batchOut(self.gradInput, single)
end

function Full:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local x = full_input(self, input)
  local g = gradOutput:contiguous()
  if g:dim() == 3 then g = g:view(1, g:size(1), g:size(2), g:size(3)) end
  if self.finput:dim() ~= 3 or self.finput:size(1) ~= x:size(1) then self:updateGradInput(input, gradOutput) end
  local partial = buf(self, '_partial', x)
  if C.tl_nn_conv2d_backward_params(x._c, self.finput._c, self.gradWeight._c, nil, partial._c,
                                    scale) ~= 0 then
    raise(2, self)
  end
  if self.gradBias then
    local s = g:view(g:size(1), g:size(2), -1):sum(3):sum(1)
    self.gradBias:add(scale, s:view(-1))
  end
end

function Full:clearState()
  nn.utils.clear(self, 'finput', 'fgradInput', '_partial', '_shape')
  return fparent.clearState(self)
end

function Full:__tostring__()
  local s = string.format('%s(%d -> %d, %dx%d', torch.type(self), self.nInputPlane, self.nOutputPlane,
                          self.kW, self.kH)
  if self.dW ~= 1 or self.dH ~= 1 or self.padW ~= 0 or self.padH ~= 0 then
    s = s .. string.format(', %d,%d', self.dW, self.dH)
  end
  if (self.padW or self.padH) and (self.padW ~= 0 or self.padH ~= 0) then
    s = s .. ', ' .. self.padW .. ',' .. self.padH
  end
  if (self.adjW or self.adjH) and (self.adjW ~= 0 or self.adjH ~= 0) then
    s = s .. ', ' .. self.adjW .. ',' .. self.adjH
  end
  if self.bias then return s .. ')' end
  return s .. ') without bias'
end

local VDrop = torch.class('nn.VolumetricDropout', 'nn.SpatialDropout')

function VDrop:updateOutput(input)
  self.output:resizeAs(input):copy(input)
  if self.train or self.stochastic_inference then
    if input:dim() == 5 then
      self.noise:resize(input:size(1), input:size(2), 1, 1, 1)
    elseif input:dim() == 4 then
      self.noise:resize(input:size(1), 1, 1, 1)
    else
      error('Input must be 5D (nbatch, nfeat, t, h, w) or 4D (nfeat, t, h, w)')
    end
    self.noise:bernoulli(1 - self.p)
    self.output:cmul(self.noise:expandAs(input))
  else
    self.output:mul(1 - self.p)
  end
  return self.output
end

-- ---- reflection and replication padding -------------------------------
-- Built from column/row copies: the interior in one copy, then each
-- padded column and row from its source (mirrored or the edge).

local function pad_module(name, source, reflect)
  local M, mparent = torch.class('nn.' .. name, 'nn.Module')
  function M:__init(pad_l, pad_r, pad_t, pad_b)
    mparent.__init(self)
    self.pad_l = pad_l
    self.pad_r = pad_r or pad_l
    self.pad_t = pad_t or pad_l
    self.pad_b = pad_b or pad_l
  end
  -- source index (1-based) in an axis of length n for padded position p
  -- (1..n + lo + hi)
  function M:updateOutput(input)
    local x, single = batchIn(input, 3, self)
    local n, c, h, w = x:size(1), x:size(2), x:size(3), x:size(4)
    if reflect and (self.pad_l >= w or self.pad_r >= w or self.pad_t >= h or self.pad_b >= h) then
      error(string.format('%s: padding too large for input %s', torch.type(self), utils.sizeString(input)), 2)
    end
    local oh, ow = h + self.pad_t + self.pad_b, w + self.pad_l + self.pad_r
    self.output:resize(n, c, oh, ow)
    for i = 1, oh do
      local si = source(i - self.pad_t, h)
      local orow, irow = self.output:select(3, i), x:select(3, si)
      orow:narrow(3, self.pad_l + 1, w):copy(irow)
      for j = 1, self.pad_l do orow:select(3, j):copy(irow:select(3, source(j - self.pad_l, w))) end
      for j = 1, self.pad_r do orow:select(3, self.pad_l + w + j):copy(irow:select(3, source(w + j, w))) end
    end
    return batchOut(self.output, single)
  end
  function M:updateGradInput(input, gradOutput)
    local x, single = batchIn(input, 3, self)
    local n, c, h, w = x:size(1), x:size(2), x:size(3), x:size(4)
    local oh = h + self.pad_t + self.pad_b
    local g = gradOutput:contiguous():view(n, c, oh, w + self.pad_l + self.pad_r)
    self.gradInput:resize(n, c, h, w):zero()
    for i = 1, oh do
      local si = source(i - self.pad_t, h)
      local grow, girow = g:select(3, i), self.gradInput:select(3, si)
      girow:add(grow:narrow(3, self.pad_l + 1, w))
      for j = 1, self.pad_l do girow:select(3, source(j - self.pad_l, w)):add(grow:select(3, j)) end
      for j = 1, self.pad_r do girow:select(3, source(w + j, w)):add(grow:select(3, self.pad_l + w + j)) end
    end
    return batchOut(self.gradInput, single)
  end
  return M
end

-- mirror without repeating the edge: ..., 3, 2, [1, 2, ..., n], n-1, ...
pad_module('SpatialReflectionPadding', function(p, n)
  if p < 1 then return 2 - p end
  if p > n then return 2 * n - p end
  return p
end, true)
-- repeat the edge
pad_module('SpatialReplicationPadding', function(p, n)
  if p < 1 then return 1 end
  if p > n then return n end
  return p
end)

-- ---- adaptive pooling: output size fixed, windows from the input size ---

local function adaptive(name, reduce)
  local M, mparent = torch.class('nn.' .. name, 'nn.Module')
  function M:__init(W, H)
    mparent.__init(self)
    self.W = W
    self.H = H
  end
  -- window [start, length] of output cell i of o over an axis of n
  local function window(i, o, n)
    local s = math.floor((i - 1) * n / o)
    local e = math.ceil(i * n / o)
    return s + 1, e - s
  end
  function M:updateOutput(input)
    local x, single = batchIn(input, 3, self)
    local n, c, h, w = x:size(1), x:size(2), x:size(3), x:size(4)
    local oh, ow = self.H or h, self.W or w
    self.output:resize(n, c, oh, ow)
    self.indices = (reduce == 'max') and {} or nil
    for i = 1, oh do
      local y0, hh = window(i, oh, h)
      for j = 1, ow do
        local x0, ww = window(j, ow, w)
        local region = x:narrow(3, y0, hh):narrow(4, x0, ww):contiguous():view(n, c, hh * ww)
        if reduce == 'max' then
          local v, idx = region:max(3)
          self.output:select(3, i):select(3, j):copy(v:view(n, c))
          self.indices[(i - 1) * ow + j] = { idx:view(n, c):clone(), y0, x0, ww }
        else
          self.output:select(3, i):select(3, j):copy(region:sum(3):view(n, c):div(hh * ww))
        end
      end
    end
    return batchOut(self.output, single)
  end
  function M:updateGradInput(input, gradOutput)
    local x, single = batchIn(input, 3, self)
    local n, c, h, w = x:size(1), x:size(2), x:size(3), x:size(4)
    local oh, ow = self.H or h, self.W or w
    local g = gradOutput:contiguous():view(n, c, oh, ow)
    self.gradInput:resize(n, c, h, w):zero()
    for i = 1, oh do
      local y0, hh = window(i, oh, h)
      for j = 1, ow do
        local x0, ww = window(j, ow, w)
        local gij = g:select(3, i):select(3, j)
        if reduce == 'max' then
          local rec = self.indices[(i - 1) * ow + j]
          local idx = rec[1]
          for b = 1, n do
            for ch = 1, c do
              local k = idx[b][ch] - 1
              local yy, xx = y0 + math.floor(k / ww), x0 + k % ww
              self.gradInput[b][ch][yy][xx] = self.gradInput[b][ch][yy][xx] + gij[b][ch]
            end
          end
        else
          local region = self.gradInput:narrow(3, y0, hh):narrow(4, x0, ww)
          region:add(gij:contiguous():view(n, c, 1, 1):expand(n, c, hh, ww):clone():div(hh * ww))
        end
      end
    end
    return batchOut(self.gradInput, single)
  end
  return M
end
adaptive('SpatialAdaptiveMaxPooling', 'max')
adaptive('SpatialAdaptiveAveragePooling', 'avg')

-- ---- SpatialSubSampling: per-plane weight times window sum, plus bias ----
-- The window sums come from the average-pooling kernel (times kW*kH).

local Sub, subparent = torch.class('nn.SpatialSubSampling', 'nn.Module')

function Sub:__init(nInputPlane, kW, kH, dW, dH)
  subparent.__init(self)
  self.nInputPlane = nInputPlane
  self.kW, self.kH = kW, kH
  self.dW, self.dH = dW or 1, dH or 1
  self.weight = torch.Tensor(nInputPlane)
  self.bias = torch.Tensor(nInputPlane)
  self.gradWeight = torch.Tensor(nInputPlane)
  self.gradBias = torch.Tensor(nInputPlane)
  self:reset()
end

function Sub:reset(stdv)
  if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.kW * self.kH) end
  self.weight:uniform(-stdv, stdv)
  self.bias:uniform(-stdv, stdv)
end

local function planes(t, v)
  local n, c = t:size(1), t:size(2)
  return v:view(1, c, 1, 1):expand(n, c, t:size(3), t:size(4))
end

function Sub:_sums(x)
  self._sum = self._sum or x.new()
  if C.tl_nn_avgpool2d_forward(x._c, self._sum._c, self.kW, self.kH, self.dW, self.dH, 0, 0, 0, 1) ~= 0 then
    raise(3)
  end
  self._sum:mul(self.kW * self.kH)
  return self._sum
end

function Sub:updateOutput(input)
  local x, single = batchIn(input, 3, self)
  if x:size(2) ~= self.nInputPlane then
    error(string.format('%s: input has %d planes, expected %d', torch.type(self), x:size(2), self.nInputPlane), 2)
  end
  local s = self:_sums(x)
  self.output:resizeAs(s):copy(s):cmul(planes(s, self.weight)):add(planes(s, self.bias))
  return batchOut(self.output, single)
end

function Sub:updateGradInput(input, gradOutput)
  local x, single = batchIn(input, 3, self)
  local g = gradOutput:contiguous()
  if single then g = g:view(1, g:size(1), g:size(2), g:size(3)) end
  self._g = self._g or x.new()
  self._g:resizeAs(g):copy(g):cmul(planes(g, self.weight)):mul(self.kW * self.kH)
  if C.tl_nn_avgpool2d_backward(x._c, self._g._c, self.gradInput._c, self.kW, self.kH, self.dW, self.dH,
                                0, 0, 0, 1) ~= 0 then
    raise(2, self)
  end
  return batchOut(self.gradInput, single)
end

function Sub:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local x = batchIn(input, 3, self)
  local g = gradOutput:contiguous()
  if g:dim() == 3 then g = g:view(1, g:size(1), g:size(2), g:size(3)) end
  local s = self:_sums(x)
  local n, c = g:size(1), g:size(2)
  self.gradBias:add(scale, g:view(n, c, -1):sum(3):sum(1):view(-1))
  self._gs = self._gs or x.new()
  self._gs:resizeAs(g):copy(g):cmul(s)
  self.gradWeight:add(scale, self._gs:view(n, c, -1):sum(3):sum(1):view(-1))
end

-- ---- SpatialMaxUnpooling: scatter back to the argmax positions ----------

local Unpool, unparent = torch.class('nn.SpatialMaxUnpooling', 'nn.Module')

function Unpool:__init(poolingModule)
  unparent.__init(self)
  assert(torch.type(poolingModule) == 'nn.SpatialMaxPooling', 'Argument must be a nn.SpatialMaxPooling module')
  assert(poolingModule.kH == poolingModule.dH and poolingModule.kW == poolingModule.dW,
         'The size of pooling module\'s kernel must be equal to its stride')
  self.pooling = poolingModule
end

function Unpool:setParams()
  self.indices = self.pooling.indices
  self.oheight = self.pooling.iheight
  self.owidth = self.pooling.iwidth
end

function Unpool:updateOutput(input)
  local p = self.pooling
  local x, single = batchIn(input, 3, self)
  local idx = p.indices:contiguous():viewAs(x)
  local oh, ow = p._iheight, p._iwidth
  assert(oh, 'nn.SpatialMaxUnpooling: run the pooling module forward first')
  local n, c = x:size(1), x:size(2)
  self.output:resize(n, c, oh, ow):zero()
  local planesOut = self.output:view(n * c, oh * ow)
  local planesIn, ip = x:view(n * c, -1), idx:view(n * c, -1)
  for k = 1, n * c do
    local o, xi, ii = planesOut[k], planesIn[k], ip[k]
    for j = 1, xi:size(1) do o[ii[j] + 1] = xi[j] end
  end
  return batchOut(self.output, single)
end

function Unpool:updateGradInput(input, gradOutput)
  local p = self.pooling
  local x, single = batchIn(input, 3, self)
  local idx = p.indices:contiguous():viewAs(x)
  local n, c = x:size(1), x:size(2)
  local g = gradOutput:contiguous():view(n * c, -1)
  self.gradInput:resizeAs(x)
  local gi, ip = self.gradInput:view(n * c, -1), idx:view(n * c, -1)
  for k = 1, n * c do
    local gk, ik, gik = g[k], ip[k], gi[k]
    for j = 1, gik:size(1) do gik[j] = gk[ik[j] + 1] end
  end
  return batchOut(self.gradInput, single)
end

function Unpool:__tostring__()
  return 'nn.SpatialMaxUnpooling associated to ' .. tostring(self.pooling)
end

-- ---- PixelShuffle: [C*r*r, H, W] -> [C, H*r, W*r] ------------------------

local PS, psparent = torch.class('nn.PixelShuffle', 'nn.Module')

function PS:__init(upscaleFactor)
  psparent.__init(self)
  self.upscaleFactor = upscaleFactor
  self.upscaleFactorSquared = upscaleFactor * upscaleFactor
end

function PS:updateOutput(input)
  local x, single = batchIn(input, 3, self)
  local r = self.upscaleFactor
  local n, c, h, w = x:size(1), x:size(2) / self.upscaleFactorSquared, x:size(3), x:size(4)
  -- [n, c, r, r, h, w] -> [n, c, h, r, w, r]
  local v = x:view(n, c, r, r, h, w):permute(1, 2, 5, 3, 6, 4)
  self.output:resize(n, c, h, r, w, r):copy(v)
  self.output:resize(n, c, h * r, w * r)
  return batchOut(self.output, single)
end

function PS:updateGradInput(input, gradOutput)
  local x, single = batchIn(input, 3, self)
  local r = self.upscaleFactor
  local n, c, h, w = x:size(1), x:size(2) / self.upscaleFactorSquared, x:size(3), x:size(4)
  local g = gradOutput:contiguous():view(n, c, h, r, w, r):permute(1, 2, 4, 6, 3, 5)
  self.gradInput:resize(n, c, r, r, h, w):copy(g)
  self.gradInput:resize(n, c * r * r, h, w)
  return batchOut(self.gradInput, single)
end

-- ---- SpatialDilatedMaxPooling: max over dilated windows -------------------

local DMP = torch.class('nn.SpatialDilatedMaxPooling', 'nn.SpatialMaxPooling')

function DMP:__init(kW, kH, dW, dH, padW, padH, dilationW, dilationH)
  MaxPool.__init(self, kW, kH, dW, dH, padW, padH)
  self.dilationW = dilationW or 1
  self.dilationH = dilationH or 1
end

function DMP:__tostring__()
  local s = string.format('%s(%dx%d, %d,%d', torch.type(self), self.kW, self.kH, self.dW, self.dH)
  if (self.padW or self.padH) and (self.padW ~= 0 or self.padH ~= 0) then
    s = s .. ', ' .. self.padW .. ',' .. self.padH
  end
  s = s .. ', ' .. self.dilationW .. ',' .. self.dilationH
  return s .. ')'
end

-- ---- SpatialUpSamplingBilinear (corners aligned, as Torch7) ----------------
-- Separable: out = A_h X A_w^T per plane with interpolation matrices A.

local UpBil, ubparent = torch.class('nn.SpatialUpSamplingBilinear', 'nn.Module')

function UpBil:__init(params)
  ubparent.__init(self)
  if type(params) == 'number' then
    self.scale_factor = params
  elseif type(params) == 'table' then
    self.oheight, self.owidth = params.oheight, params.owidth
  else
    error('nn.SpatialUpSamplingBilinear(scale) or ({oheight = h, owidth = w})')
  end
end

-- [o, n] matrix mapping n samples to o, endpoints aligned.
local function interp_matrix(like, o, n)
  local A = like.new(o, n):zero()
  local r = o > 1 and (n - 1) / (o - 1) or 0
  for i = 1, o do
    local pos = (i - 1) * r
    local i0 = math.floor(pos)
    local l = pos - i0
    if i0 + 1 >= n then
      A[i][n] = 1
    else
      A[i][i0 + 1] = 1 - l
      A[i][i0 + 2] = l
    end
  end
  return A
end

function UpBil:_sizes(h, w)
  if self.scale_factor then
    return h + (h - 1) * (self.scale_factor - 1), w + (w - 1) * (self.scale_factor - 1)
  end
  return self.oheight, self.owidth
end

function UpBil:_matrices(x, h, w, oh, ow)
  if not self._Ah or self._Ah:size(1) ~= oh or self._Ah:size(2) ~= h or self._Aw:size(1) ~= ow
      or self._Aw:size(2) ~= w or torch.typename(self._Ah) ~= torch.typename(x) then
    self._Ah = interp_matrix(x, oh, h)
    self._Aw = interp_matrix(x, ow, w)
  end
  return self._Ah, self._Aw
end

function UpBil:updateOutput(input)
  local x, single = batchIn(input, 3, self)
  local n, c, h, w = x:size(1), x:size(2), x:size(3), x:size(4)
  local oh, ow = self:_sizes(h, w)
  local Ah, Aw = self:_matrices(x, h, w, oh, ow)
  local P = n * c
  -- along W: [P*h, w] @ Aw^T -> [P*h, ow]; along H: Ah @ [h, P*ow]
  local y1 = x:view(P * h, w) * Aw:t()
  local t1 = y1:view(P, h, ow):transpose(1, 2):contiguous():view(h, P * ow)
  local y2 = Ah * t1
  self.output:resize(oh, P, ow):copy(y2:view(oh, P, ow))
  self.output = self.output:transpose(1, 2):contiguous():view(n, c, oh, ow)
  return batchOut(self.output, single)
end

function UpBil:updateGradInput(input, gradOutput)
  local x, single = batchIn(input, 3, self)
  local n, c, h, w = x:size(1), x:size(2), x:size(3), x:size(4)
  local oh, ow = self:_sizes(h, w)
  local Ah, Aw = self:_matrices(x, h, w, oh, ow)
  local P = n * c
  local g = gradOutput:contiguous():view(P, oh, ow)
  local t = g:transpose(1, 2):contiguous():view(oh, P * ow)
  local g1 = Ah:t() * t                                  -- [h, P*ow]
  local g2 = g1:view(h, P, ow):transpose(1, 2):contiguous():view(P * h, ow) * Aw   -- [P*h, w]
  self.gradInput:resize(n, c, h, w):copy(g2:view(n, c, h, w))
  return batchOut(self.gradInput, single)
end

function UpBil:__tostring__()
  if self.scale_factor then return torch.type(self) .. '(' .. self.scale_factor .. ')' end
  return torch.type(self) .. '(' .. self.oheight .. 'x' .. self.owidth .. ')'
end

-- ---- SpatialDepthWiseConvolution: nOutputPlane filters per input plane ----
-- weight [nOutputPlane, nInputPlane, kH, kW]; output plane (c-1)*nOut + o
-- is input plane c convolved with weight[o][c]. One GEMM kernel call per
-- input plane.

local DW, dwparent = torch.class('nn.SpatialDepthWiseConvolution', 'nn.Module')

function DW:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
  dwparent.__init(self)
  self.nInputPlane, self.nOutputPlane = nInputPlane, nOutputPlane
  self.kW, self.kH = kW, kH
  self.dW, self.dH = dW or 1, dH or 1
  self.padW, self.padH = padW or 0, padH or 0
  self.weight = torch.Tensor(nOutputPlane, nInputPlane, kH, kW)
  self.gradWeight = torch.Tensor(nOutputPlane, nInputPlane, kH, kW)
  self.bias = torch.Tensor(nOutputPlane, nInputPlane)
  self.gradBias = torch.Tensor(nOutputPlane, nInputPlane)
  self:reset()
end

function DW:reset(stdv)
  if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.kW * self.kH * self.nInputPlane) end
  self.weight:uniform(-stdv, stdv)
  self.bias:uniform(-stdv, stdv)
end

-- Contiguous copies of input plane c and of its filters [nOut, 1, kH, kW].
function DW:_plane(x, c)
  self._xc = buf(self, '_xc', x)
  self._xc:resize(x:size(1), 1, x:size(3), x:size(4)):copy(x:narrow(2, c, 1))
  self._wc = buf(self, '_wc', x)
  self._wc:resize(self.nOutputPlane, 1, self.kH, self.kW):copy(self.weight:narrow(2, c, 1))
  self._bc = buf(self, '_bc', x)
  self._bc:resize(self.nOutputPlane):copy(self.bias:select(2, c))
  return self._xc, self._wc, self._bc
end

function DW:updateOutput(input)
  local x, single = batchIn(input, 3, self)
  nn.utils.checkType(self, input, self.weight)
  local n, O = x:size(1), self.nOutputPlane
  local y = buf(self, '_y', x)
  local finput = buf(self, 'finput', x)
  for c = 1, self.nInputPlane do
    local xc, wc, bc = self:_plane(x, c)
    if C.tl_nn_conv2d_forward(xc._c, wc._c, bc._c, y._c, finput._c, self.kW, self.kH, self.dW, self.dH,
                              self.padW, self.padH, 1, 1) ~= 0 then
      raise(2, self)
    end
    if c == 1 then self.output:resize(n, self.nInputPlane * O, y:size(3), y:size(4)) end
    self.output:narrow(2, (c - 1) * O + 1, O):copy(y)
  end
  return batchOut(self.output, single)
end

function DW:updateGradInput(input, gradOutput)
  local x, single = batchIn(input, 3, self)
  local O = self.nOutputPlane
  local g = gradOutput:contiguous()
  if single then g = g:view(1, g:size(1), g:size(2), g:size(3)) end
  self.gradInput:resizeAs(x)
  local gc = buf(self, '_gc', x)
  local gi = buf(self, '_gi', x)
  local fgrad = buf(self, 'fgradInput', x)
  for c = 1, self.nInputPlane do
    local xc, wc = self:_plane(x, c)
    gc:resize(g:size(1), O, g:size(3), g:size(4)):copy(g:narrow(2, (c - 1) * O + 1, O))
    if C.tl_nn_conv2d_backward_input(xc._c, gc._c, wc._c, gi._c, fgrad._c, self.kW, self.kH, self.dW,
                                     self.dH, self.padW, self.padH, 1, 1) ~= 0 then
      raise(2, self)
    end
    self.gradInput:narrow(2, c, 1):copy(gi)
  end
  return batchOut(self.gradInput, single)
end

function DW:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local x = batchIn(input, 3, self)
  local O = self.nOutputPlane
  local g = gradOutput:contiguous()
  if g:dim() == 3 then g = g:view(1, g:size(1), g:size(2), g:size(3)) end
  local gc = buf(self, '_gc', x)
  local y = buf(self, '_y', x)
  local finput = buf(self, 'finput', x)
  local partial = buf(self, '_partial', x)
  local gw = buf(self, '_gw', x)
  local gb = buf(self, '_gb', x)
  for c = 1, self.nInputPlane do
    local xc, wc = self:_plane(x, c)
    if C.tl_nn_conv2d_forward(xc._c, wc._c, nil, y._c, finput._c, self.kW, self.kH, self.dW, self.dH,
                              self.padW, self.padH, 1, 1) ~= 0 then
      raise(2, self)
    end
    gc:resize(g:size(1), O, g:size(3), g:size(4)):copy(g:narrow(2, (c - 1) * O + 1, O))
    gw:resize(O, 1, self.kH, self.kW):zero()
    gb:resize(O):zero()
    if C.tl_nn_conv2d_backward_params(gc._c, finput._c, gw._c, gb._c, partial._c, scale) ~= 0 then
      raise(2, self)
    end
    self.gradWeight:narrow(2, c, 1):add(gw)
    self.gradBias:select(2, c):add(gb)
  end
end

function DW:clearState()
  nn.utils.clear(self, '_xc', '_wc', '_bc', '_y', 'finput', 'fgradInput', '_gc', '_gi', '_partial', '_gw', '_gb')
  return dwparent.clearState(self)
end

function DW:__tostring__()
  local s = string.format('%s(%d -> %d, %dx%d', torch.type(self), self.nInputPlane, self.nOutputPlane,
                          self.kW, self.kH)
  if self.dW ~= 1 or self.dH ~= 1 or self.padW ~= 0 or self.padH ~= 0 then
    s = s .. string.format(', %d,%d', self.dW, self.dH)
  end
  if self.padW ~= 0 or self.padH ~= 0 then s = s .. ', ' .. self.padW .. ',' .. self.padH end
  return s .. ')'
end

-- ---- nn.tables: connection tables for SpatialConvolutionMap --------------
-- Each row is {input plane, output plane}.

nn.tables = nn.tables or {}

function nn.tables.full(nin, nout)
  local ft = torch.Tensor(nin * nout, 2)
  local p = 1
  for j = 1, nout do
    for i = 1, nin do
      ft[p][1] = i
      ft[p][2] = j
      p = p + 1
    end
  end
  return ft
end

function nn.tables.oneToOne(nfeat)
  local ft = torch.Tensor(nfeat, 2)
  for i = 1, nfeat do
    ft[i][1] = i
    ft[i][2] = i
  end
  return ft
end

-- each output plane connected to nto distinct random input planes
function nn.tables.random(nin, nout, nto)
  local nker = nto * nout
  local tbl = torch.Tensor(nker, 2)
  local fi = torch.randperm(nin)
  local frcntr = 1
  local nfi = math.floor(nin / nto)
  local totbl = tbl:select(2, 2)
  local frtbl = tbl:select(2, 1)
  local fitbl = fi:narrow(1, 1, nfi * nto)
  local ufrtbl = frtbl:unfold(1, nto, nto)
  local utotbl = totbl:unfold(1, nto, nto)
  local ufitbl = fitbl:unfold(1, nto, nto)
  for i = 1, nout do
    utotbl:select(1, i):fill(i)
  end
  for i = 1, nout do
    if frcntr > nfi then
      fi = torch.randperm(nin)
      fitbl = fi:narrow(1, 1, nfi * nto)
      ufitbl = fitbl:unfold(1, nto, nto)
      frcntr = 1
    end
    ufrtbl:select(1, i):copy(ufitbl:select(1, frcntr))
    frcntr = frcntr + 1
  end
  return tbl
end

-- ---- SpatialConvolutionMap: a convolution per (input, output) connection --

local CMap, cmparent = torch.class('nn.SpatialConvolutionMap', 'nn.Module')

function CMap:__init(conMatrix, kW, kH, dW, dH)
  cmparent.__init(self)
  dW, dH = dW or 1, dH or 1
  self.kW, self.kH, self.dW, self.dH = kW, kH, dW, dH
  self.connTable = conMatrix
  self.nInputPlane = self.connTable:select(2, 1):max()
  self.nOutputPlane = self.connTable:select(2, 2):max()
  self.weight = torch.Tensor(self.connTable:size(1), kH, kW)
  self.bias = torch.Tensor(self.nOutputPlane)
  self.gradWeight = torch.Tensor(self.connTable:size(1), kH, kW)
  self.gradBias = torch.Tensor(self.nOutputPlane)
  self:reset()
end

function CMap:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
    self.weight:uniform(-stdv, stdv)
    self.bias:uniform(-stdv, stdv)
  else
    -- 1/sqrt(fan-in) per output plane
    local ninputs = torch.zeros(self.nOutputPlane)
    for k = 1, self.connTable:size(1) do
      local o = self.connTable[k][2]
      ninputs[o] = ninputs[o] + 1
    end
    for k = 1, self.connTable:size(1) do
      local o = self.connTable[k][2]
      local s = 1 / math.sqrt(self.kW * self.kH * ninputs[o])
      self.weight:select(1, k):uniform(-s, s)
    end
    for o = 1, self.nOutputPlane do
      local s = 1 / math.sqrt(self.kW * self.kH * ninputs[o])
      self.bias[o] = torch.uniform(-s, s)
    end
  end
end

-- Plane i of x as a contiguous [n, 1, H, W] batch and filter k as [1, 1, kH, kW].
function CMap:_conn(x, k)
  local i = self.connTable[k][1]
  self._xi = buf(self, '_xi', x)
  self._xi:resize(x:size(1), 1, x:size(3), x:size(4)):copy(x:narrow(2, i, 1))
  self._wk = buf(self, '_wk', x)
  self._wk:resize(1, 1, self.kH, self.kW):copy(self.weight:select(1, k))
  return self._xi, self._wk, self.connTable[k][2]
end

function CMap:updateOutput(input)
  local x, single = batchIn(input, 3, self)
  nn.utils.checkType(self, input, self.weight)
  local y = buf(self, '_y', x)
  local finput = buf(self, 'finput', x)
  for k = 1, self.connTable:size(1) do
    local xi, wk, o = self:_conn(x, k)
    if C.tl_nn_conv2d_forward(xi._c, wk._c, nil, y._c, finput._c, self.kW, self.kH, self.dW, self.dH,
                              0, 0, 1, 1) ~= 0 then
      raise(2, self)
    end
    if k == 1 then
      local n, oh, ow = x:size(1), y:size(3), y:size(4)
      self.output:resize(n, self.nOutputPlane, oh, ow)
      self.output:copy(self.bias:view(1, self.nOutputPlane, 1, 1):expand(n, self.nOutputPlane, oh, ow))
    end
    self.output:narrow(2, o, 1):add(y)
  end
  return batchOut(self.output, single)
end

function CMap:updateGradInput(input, gradOutput)
  local x, single = batchIn(input, 3, self)
  local g = gradOutput:contiguous()
  if single then g = g:view(1, g:size(1), g:size(2), g:size(3)) end
  self.gradInput:resizeAs(x):zero()
  local go = buf(self, '_go', x)
  local gi = buf(self, '_gi', x)
  local fgrad = buf(self, 'fgradInput', x)
  for k = 1, self.connTable:size(1) do
    local xi, wk, o = self:_conn(x, k)
    go:resize(g:size(1), 1, g:size(3), g:size(4)):copy(g:narrow(2, o, 1))
    if C.tl_nn_conv2d_backward_input(xi._c, go._c, wk._c, gi._c, fgrad._c, self.kW, self.kH, self.dW, self.dH,
                                     0, 0, 1, 1) ~= 0 then
      raise(2, self)
    end
    self.gradInput:narrow(2, self.connTable[k][1], 1):add(gi)
  end
  return batchOut(self.gradInput, single)
end

function CMap:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local x = batchIn(input, 3, self)
  local g = gradOutput:contiguous()
  if g:dim() == 3 then g = g:view(1, g:size(1), g:size(2), g:size(3)) end
  local go = buf(self, '_go', x)
  local y = buf(self, '_y', x)
  local finput = buf(self, 'finput', x)
  local partial = buf(self, '_partial', x)
  local gw = buf(self, '_gw', x)
  for k = 1, self.connTable:size(1) do
    local xi, wk, o = self:_conn(x, k)
    if C.tl_nn_conv2d_forward(xi._c, wk._c, nil, y._c, finput._c, self.kW, self.kH, self.dW, self.dH,
                              0, 0, 1, 1) ~= 0 then
      raise(2, self)
    end
    go:resize(g:size(1), 1, g:size(3), g:size(4)):copy(g:narrow(2, o, 1))
    gw:resize(1, 1, self.kH, self.kW):zero()
    if C.tl_nn_conv2d_backward_params(go._c, finput._c, gw._c, nil, partial._c, scale) ~= 0 then
      raise(2, self)
    end
    self.gradWeight:select(1, k):add(gw:view(self.kH, self.kW))
  end
  local n = g:size(1)
  self.gradBias:add(scale, g:view(n, self.nOutputPlane, -1):sum(3):sum(1):view(self.nOutputPlane))
end

function CMap:clearState()
  nn.utils.clear(self, '_xi', '_wk', '_y', 'finput', 'fgradInput', '_go', '_gi', '_partial', '_gw')
  return cmparent.clearState(self)
end

-- ---- SpatialLPPooling: (sum over the window of x^p)^(1/p) ---------------

local LPP, lpparent = torch.class('nn.SpatialLPPooling', 'nn.Sequential')

function LPP:__init(nInputPlane, pnorm, kW, kH, dW, dH)
  lpparent.__init(self)
  dW, dH = dW or kW, dH or kH
  self.kW, self.kH, self.dW, self.dH = kW, kH, dW, dH
  self.nInputPlane = nInputPlane
  self.pnorm = pnorm
  if pnorm == 2 then self:add(nn.Square()) else self:add(nn.Power(pnorm)) end
  self:add(nn.SpatialAveragePooling(kW, kH, dW, dH))
  self:add(nn.MulConstant(kW * kH))
  if pnorm == 2 then self:add(nn.Sqrt()) else self:add(nn.Power(1 / pnorm)) end
end

-- the pooled planes are not parameters: nothing to reset
function LPP:reset()
end
