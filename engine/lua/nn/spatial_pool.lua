-- nn/spatial_pool.lua: pooling over images: SpatialMaxPooling,
-- SpatialDilatedMaxPooling and SpatialAveragePooling (kernels of
-- engine/src/nn/pool.c), SpatialLPPooling (a Sequential over them),
-- SpatialAdaptiveMax/AveragePooling (output size fixed) and
-- SpatialMaxUnpooling. Volumetric and fractional pooling are in
-- nn/volumetric.lua and nn/pool_extra.lua.
-- Images are [C, H, W] (single) or [n, C, H, W] (batch), normalised with
-- nn.utils.batchIn/batchOut.

local C = torch._C
local utils = nn.utils
local raise = utils.raise
local batchIn, batchOut = utils.batchIn, utils.batchOut

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
  mpparent.type(self, type, tensorCache)
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
