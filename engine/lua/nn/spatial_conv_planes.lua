-- nn/spatial_conv_planes.lua: convolutions over images computed plane by
-- plane or connection by connection: SpatialConvolutionMap with its
-- connection tables nn.tables (full, oneToOne, random),
-- SpatialDepthWiseConvolution, and SpatialSubSampling (a learned weight per
-- plane times the window sums). Each runs the 2-D kernels of
-- engine/src/nn/conv.c or pool.c once per plane or connection.
-- Images are [C, H, W] (single) or [n, C, H, W] (batch), normalised with
-- nn.utils.batchIn/batchOut.

local C = torch._C
local utils = nn.utils
local raise = utils.raise
local batchIn, batchOut = utils.batchIn, utils.batchOut

local buf = utils.buffer

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

function Sub:clearState()
  nn.utils.clear(self, '_sum', '_g', '_gs')
  return subparent.clearState(self)
end
