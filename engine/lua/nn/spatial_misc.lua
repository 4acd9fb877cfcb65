-- nn/spatial_misc.lua: the other modules over images, without learned
-- parameters: zero, reflection and replication padding, nearest and
-- bilinear upsampling, PixelShuffle, and SpatialDropout with its 3-D
-- variant VolumetricDropout (whole feature maps dropped).
-- Images are [C, H, W] (single) or [n, C, H, W] (batch), normalised with
-- nn.utils.batchIn/batchOut.

local utils = nn.utils
local batchIn, batchOut = utils.batchIn, utils.batchOut

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

function UpNN:clearState()
  nn.utils.clear(self, '_sum')
  return upparent.clearState(self)
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

-- ---- SpatialDropout: drop whole planes -----------------------------------

local SDrop, sdparent = torch.class('nn.SpatialDropout', 'nn.Module')

function SDrop:__init(p, stochasticInference)
  sdparent.__init(self)
  self.p = p or 0.5
  self.train = true
  self.stochastic_inference = stochasticInference or false
  self.noise = torch.Tensor()
end

-- The noise has one value per plane (per volume for VolumetricDropout):
-- the input's leading sizes, then 1 for each of its _dims spatial sizes.
SDrop._dims = 2
SDrop._shapes = 'Input must be 4D (nbatch, nfeat, h, w) or 3D (nfeat, h, w)'

function SDrop:updateOutput(input)
  self.output:resizeAs(input):copy(input)
  if self.train or self.stochastic_inference then
    local lead = input:dim() - self._dims
    if lead ~= 1 and lead ~= 2 then error(self._shapes) end
    local size = torch.LongStorage(input:dim()):fill(1)
    for d = 1, lead do size[d] = input:size(d) end
    self.noise:resize(size)
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

-- ---- VolumetricDropout: drop whole volumes -----------------------------

local VDrop = torch.class('nn.VolumetricDropout', 'nn.SpatialDropout')

VDrop._dims = 3
VDrop._shapes = 'Input must be 5D (nbatch, nfeat, t, h, w) or 4D (nfeat, t, h, w)'
