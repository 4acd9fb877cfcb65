-- nn/spatial_conv.lua: convolutions over images with one weight tensor:
-- SpatialConvolution (and SpatialConvolutionMM, its 2-D weight layout),
-- SpatialDilatedConvolution and the transposed SpatialFullConvolution, all
-- on the GEMM kernels of engine/src/nn/conv.c; SpatialConvolution takes the
-- direct kernels for first layers on wide images, and Winograd's F(2x2,3x3)
-- or F(4x4,3x3) (engine/src/nn/winograd.c) for 3x3 stride-1 layers with
-- enough planes.
-- The plane-by-plane convolutions (DepthWise, Map, SubSampling) are in
-- nn/spatial_conv_planes.lua, the rarer ones in nn/conv_extra.lua.
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

-- 3x3, stride 1, padding 0 or 1, no dilation, enough planes and tiles in
-- the batch: Winograd (2x2 tiles, 4x4 from 24x24 outputs on), with no
-- columns either (its gradWeight reads the input).
local function winograd(self, x)
  return C.tl_nn_conv2d_winograd_ok(x:size(1), self.nInputPlane, self.nOutputPlane, x:size(3), x:size(4), self.kW,
                                    self.kH, self.dW, self.dH, self.padW, self.padH, self.dilationW or 1,
                                    self.dilationH or 1) == 1
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
  if winograd(self, x) then
    if C.tl_nn_conv2d_winograd_forward(x._c, self.weight._c, self.bias and self.bias._c, self.output._c,
                                       buf(self, '_winograd', x)._c, self.padW, self.padH) ~= 0 then
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
  if winograd(self, x) then
    if C.tl_nn_conv2d_winograd_backward_input(x._c, g._c, self.weight._c, self.gradInput._c,
                                              buf(self, '_winograd', x)._c, self.padW, self.padH) ~= 0 then
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
  if winograd(self, x) then
    if C.tl_nn_conv2d_winograd_backward_params(x._c, g._c, self.gradWeight._c, self.gradBias and self.gradBias._c,
                                               buf(self, '_winograd', x)._c, scale, self.padW, self.padH) ~= 0 then
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
  self._scratch = nil
  self._winograd = nil
  return parent.type(self, type, tensorCache)
end

function Conv:clearState()
  nn.utils.clear(self, 'finput', 'fgradInput', '_partial', '_scratch', '_winograd')
  return parent.clearState(self)
end

-- Torch7's printing: steps when they or the padding are not the defaults,
-- the padding (and a full convolution's adjustment) when not zero.
local function conv_string(self)
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
Conv.__tostring__ = conv_string

-- SpatialConvolutionMM: the same module with Torch7's 2-D weight layout
-- [nOutputPlane, nInputPlane*kH*kW].
local ConvMM = torch.class('nn.SpatialConvolutionMM', 'nn.SpatialConvolution')

function ConvMM:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
  Conv.__init(self, nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
  local k = nInputPlane * kH * kW
  self.weight = self.weight:view(nOutputPlane, k)
  self.gradWeight = self.gradWeight:view(nOutputPlane, k)
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

Full.noBias = Conv.noBias

-- Torch7's uniform initialisation, as SpatialConvolution's (which also
-- returns self).
function Full:reset(stdv)
  Conv.reset(self, stdv)
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

Full.__tostring__ = conv_string
