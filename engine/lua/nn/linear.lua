-- nn/linear.lua: layers with a learned weight matrix: Linear,
-- LinearWeightNorm, Bilinear, Maxout, LookupTable, and the distances to
-- learned vectors Euclidean and Cosine.
--
-- Linear in Float and Double is one BLAS call per pass in C
-- (engine/src/nn/linear.c); the others are tensor methods.

local utils = nn.utils
local sizes_str = utils.sizeString

-- ---- Linear: y = W x + b ------------------------------------------------
-- A single sample takes GEMV; a batch [n, in] one GEMM, the bias added by
-- copying it into every row first (no ones-vector outer product).

local Linear, lparent = torch.class('nn.Linear', 'nn.Module')

function Linear:__init(inputSize, outputSize, bias)
  lparent.__init(self)
  bias = (bias == nil) and true or bias
  self.weight = torch.Tensor(outputSize, inputSize)
  self.gradWeight = torch.Tensor(outputSize, inputSize)
  if bias then
    self.bias = torch.Tensor(outputSize)
    self.gradBias = torch.Tensor(outputSize)
  end
  self:reset()
end

function Linear:noBias()
  self.bias = nil
  self.gradBias = nil
  return self
end

function Linear:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.weight:size(2))
  end
  self.weight:uniform(-stdv, stdv)
  if self.bias then self.bias:uniform(-stdv, stdv) end
  return self
end

local function linear_check(self, input)
  local nd = torch.isTensor(input) and input:dim() or -1
  if nd ~= 1 and nd ~= 2 then
    error(string.format('%s: input must be a vector or a matrix, got %s', tostring(self),
                        nd < 0 and torch.type(input) or (nd .. 'D ' .. sizes_str(input))), 3)
  end
  nn.utils.checkType(self, input, self.weight)
  local n = input:size(nd)
  if n ~= self.weight:size(2) then
    error(string.format('%s: input has %d features, expected %d', tostring(self), n,
                        self.weight:size(2)), 3)
  end
  return nd
end

-- Float and Double go to engine/src/nn/linear.c (one BLAS call per pass,
-- no temporary tensors); other types use tensor methods.
local function linear_fast(self, input)
  local d = input._c.dtype
  return d == 5 or d == 6
end

function Linear:updateOutput(input)
  local nd = linear_check(self, input)
  local out = self.output
  if linear_fast(self, input) then
    if nn._C.tl_nn_linear_forward(input._c, self.weight._c, self.bias and self.bias._c, out._c) ~= 0 then
      utils.raise(2, self)
    end
  elseif nd == 1 then
    out:resize(self.weight:size(1))
    if self.bias then out:copy(self.bias) else out:zero() end
    out:addmv(1, self.weight, input)
  else
    local n = input:size(1)
    out:resize(n, self.weight:size(1))
    if self.bias then
      out:copy(self.bias:view(1, self.bias:size(1)):expand(n, self.bias:size(1)))
      out:addmm(1, out, 1, input, self.weight:t())
    else
      out:addmm(0, out, 1, input, self.weight:t())
    end
  end
  return out
end

function Linear:updateGradInput(input, gradOutput)
  if self.gradInput then
    local nd = linear_check(self, input)
    if linear_fast(self, input) then
      local scratch = nd == 2 and utils.buffer(self, '_gradInputParts', input)._c or nil
      if nn._C.tl_nn_linear_backward_input(input._c, gradOutput._c, self.weight._c,
                                           self.gradInput._c, scratch) ~= 0 then
        utils.raise(2, self)
      end
      return self.gradInput
    end
    self.gradInput:resizeAs(input)
    if nd == 1 then
      self.gradInput:addmv(0, 1, self.weight:t(), gradOutput)
    else
      self.gradInput:addmm(0, 1, gradOutput, self.weight)
    end
    return self.gradInput
  end
end

function Linear:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  if linear_fast(self, input) and torch.isTensor(gradOutput) then
    if not gradOutput:isContiguous() then gradOutput = gradOutput:contiguous() end
    if nn._C.tl_nn_linear_backward_params(input._c, gradOutput._c, self.gradWeight._c,
                                          self.bias and self.gradBias._c, scale) ~= 0 then
      utils.raise(2, self)
    end
    return
  end
  if input:dim() == 1 then
    self.gradWeight:addr(scale, gradOutput, input)
    if self.bias then self.gradBias:add(scale, gradOutput) end
  else
    self.gradWeight:addmm(scale, gradOutput:t(), input)
    if self.bias then
      -- column sums of gradOutput: gradBias += scale * gradOutput^T 1
      local n = input:size(1)
      if not self.addBuffer or self.addBuffer:nElement() ~= n then
        self.addBuffer = (self.addBuffer or input.new()):resize(n):fill(1)
      end
      self.gradBias:addmv(scale, gradOutput:t(), self.addBuffer)
    end
  end
end

function Linear:sharedAccUpdateGradParameters(input, gradOutput, lr)
  -- the default trick would write into shared gradient buffers
  self:defaultAccUpdateGradParameters(input, gradOutput, lr)
end

function Linear:clearState()
  if self.addBuffer then self.addBuffer:set() end
  self._gradInputParts = nil
  return lparent.clearState(self)
end

function Linear:__tostring__()
  return torch.type(self) .. string.format('(%d -> %d)', self.weight:size(2), self.weight:size(1))
    .. (self.bias == nil and ' without bias' or '')
end

-- ---- LinearWeightNorm: Linear with weight = g * v / ||v|| per output row ----

local LWN, lwnparent = torch.class('nn.LinearWeightNorm', 'nn.Linear')

function LWN:__init(inputSize, outputSize, bias, eps)
  nn.Module.__init(self)
  bias = (bias == nil) and true or bias
  self.eps = eps or 1e-16
  self.outputSize, self.inputSize = outputSize, inputSize
  self.v = torch.Tensor(outputSize, inputSize)
  self.gradV = torch.Tensor(outputSize, inputSize)
  self.weight = torch.Tensor(outputSize, inputSize)
  self.gradWeight = torch.Tensor(outputSize, inputSize)
  self.g = torch.Tensor(outputSize, 1)
  self.gradG = torch.Tensor(outputSize, 1)
  self.norm = torch.Tensor(outputSize, 1)
  self.scale = torch.Tensor(outputSize, 1)
  if bias then
    self.bias = torch.Tensor(outputSize)
    self.gradBias = torch.Tensor(outputSize)
  end
  self:reset()
end

function LWN:reset(stdv)
  if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.inputSize) end
  self.weight:uniform(-stdv, stdv)
  if self.bias then self.bias:uniform(-stdv, stdv) end
  self:initFromWeight(self.weight)
  return self
end

function LWN:initFromWeight(weight)
  weight = weight or self.weight
  self.g:copy(weight:norm(2, 2)):clamp(self.eps, math.huge)
  self.v:copy(weight)
  return self
end

function LWN:parameters()
  if self.bias then return { self.v, self.g, self.bias }, { self.gradV, self.gradG, self.gradBias } end
  return { self.v, self.g }, { self.gradV, self.gradG }
end

function LWN:updateWeightMatrix()
  local O, I = self.outputSize, self.inputSize
  self.norm:copy(self.v:norm(2, 2)):clamp(self.eps, math.huge)
  self.scale:copy(self.g):cdiv(self.norm)
  self.weight:copy(self.v):cmul(self.scale:expand(O, I))
end

function LWN:updateOutput(input)
  self:updateWeightMatrix()
  return lwnparent.updateOutput(self, input)
end

function LWN:updateGradInput(input, gradOutput)
  self:updateWeightMatrix()
  return lwnparent.updateGradInput(self, input, gradOutput)
end

function LWN:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local O, I = self.outputSize, self.inputSize
  self:updateWeightMatrix()
  -- the weight gradient through Linear, then through w = g v / |v|
  self.gradWeight:zero()
  local gb = self.gradBias
  if gb then
    self._gb = self._gb or gb.new()
    self._gb:resizeAs(gb):copy(gb)
  end
  lwnparent.accGradParameters(self, input, gradOutput, scale)
  local gw = self.gradWeight
  -- dL/dg = sum_i gw_i v_i / |v|
  local dot = torch.cmul(gw, self.v):sum(2)
  self.gradG:add(torch.cdiv(dot, self.norm))
  -- dL/dv = (g/|v|) (gw - (gw.v / |v|^2) v)
  local coef = torch.cdiv(dot, torch.cmul(self.norm, self.norm))
  local t = self.v:clone():cmul(coef:expand(O, I)):mul(-1):add(gw):cmul(self.scale:expand(O, I))
  self.gradV:add(t)
end

function LWN:defaultAccUpdateGradParameters(input, gradOutput, lr)
  -- no aliasing trick: v and g are not the weight
  local gV, gG, gB = self.gradV:clone(), self.gradG:clone(), self.gradBias and self.gradBias:clone()
  self.gradV:zero(); self.gradG:zero()
  if self.gradBias then self.gradBias:zero() end
  self:accGradParameters(input, gradOutput, 1)
  self.v:add(-lr, self.gradV)
  self.g:add(-lr, self.gradG)
  if self.bias then self.bias:add(-lr, self.gradBias) end
  self.gradV:copy(gV); self.gradG:copy(gG)
  if gB then self.gradBias:copy(gB) end
end

function LWN:__tostring__()
  return torch.type(self) .. string.format('(%d -> %d)', self.inputSize, self.outputSize)
    .. (self.bias == nil and ' without bias' or '')
end

-- ---- Bilinear: y_k = x1^T W_k x2 + b_k ---------------------------------

local Bilinear, bilparent = torch.class('nn.Bilinear', 'nn.Module')

function Bilinear:__init(inputSize1, inputSize2, outputSize, bias)
  bilparent.__init(self)
  self.weight = torch.Tensor(outputSize, inputSize1, inputSize2)
  self.gradWeight = torch.Tensor(outputSize, inputSize1, inputSize2)
  if bias ~= false then
    self.bias = torch.Tensor(outputSize)
    self.gradBias = torch.Tensor(outputSize)
  end
  self.gradInput = { torch.Tensor(), torch.Tensor() }
  self:reset()
end

function Bilinear:reset(stdv)
  if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.weight:size(2)) end
  self.weight:uniform(-stdv, stdv)
  if self.bias then self.bias:uniform(-stdv, stdv) end
  return self
end

function Bilinear:updateOutput(input)
  local a, b = input[1], input[2]
  local n, K = a:size(1), self.weight:size(1)
  self.output:resize(n, K)
  self._buf = self._buf or a.new()
  for k = 1, K do
    -- (a W_k) .* b summed over columns
    self._buf:resize(n, b:size(2)):mm(a, self.weight[k]):cmul(b)
    self.output:select(2, k):copy(self._buf:sum(2):view(n))
  end
  if self.bias then self.output:add(self.bias:view(1, K):expand(n, K)) end
  return self.output
end

function Bilinear:updateGradInput(input, gradOutput)
  local a, b = input[1], input[2]
  local n, K = a:size(1), self.weight:size(1)
  self.gradInput[1]:resizeAs(a):zero()
  self.gradInput[2]:resizeAs(b):zero()
  self._buf2 = self._buf2 or a.new()
  for k = 1, K do
    local gk = gradOutput:select(2, k):contiguous():view(n, 1)
    -- d/da = g_k * (W_k b), d/db = g_k * (W_k^T a)
    self._buf2:resize(n, a:size(2)):mm(b, self.weight[k]:t()):cmul(gk:expand(n, a:size(2)))
    self.gradInput[1]:add(self._buf2)
    self._buf2:resize(n, b:size(2)):mm(a, self.weight[k]):cmul(gk:expand(n, b:size(2)))
    self.gradInput[2]:add(self._buf2)
  end
  return self.gradInput
end

function Bilinear:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local a, b = input[1], input[2]
  local n, K = a:size(1), self.weight:size(1)
  self._buf3 = self._buf3 or a.new()
  for k = 1, K do
    local gk = gradOutput:select(2, k):contiguous():view(n, 1)
    self._buf3:resizeAs(a):copy(a):cmul(gk:expand(n, a:size(2)))
    self.gradWeight[k]:addmm(scale, self._buf3:t(), b)
  end
  if self.bias then self.gradBias:add(scale, gradOutput:sum(1):view(K)) end
end

function Bilinear:__tostring__()
  return torch.type(self) .. string.format('(%dx%d -> %d)', self.weight:size(2), self.weight:size(3),
                                           self.weight:size(1)) .. (self.bias == nil and ' without bias' or '')
end

-- ---- Maxout: Linear to outputSize * poolSize, max over each pool ------------

local Maxout, moparent = torch.class('nn.Maxout', 'nn.Sequential')

function Maxout:__init(inputSize, outputSize, maxoutNumber, preprocess)
  moparent.__init(self)
  self:add(nn.Linear(inputSize, outputSize * maxoutNumber))
  self:add(nn.View(maxoutNumber, outputSize):setNumInputDims(1))
  if preprocess then self:add(preprocess) end
  self:add(nn.Max(1, 2))
end

-- ---- LookupTable --------------------------------------------------------

-- LookupTable: rows of the weight [nIndex, nOutput] selected by indices.
local LookupTable, ltparent = torch.class('nn.LookupTable', 'nn.Module')

function LookupTable:__init(nIndex, nOutput, paddingValue, maxNorm, normType)
  ltparent.__init(self)
  self.weight = torch.Tensor(nIndex, nOutput)
  self.gradWeight = torch.Tensor(nIndex, nOutput):zero()
  self.paddingValue = paddingValue or 0
  self.maxNorm = maxNorm or nil
  self.normType = normType or nil
  self:reset()
end

function LookupTable:backCompatibility()
end

function LookupTable:accUpdateOnly()
  self.gradWeight = nil
  return self
end

function LookupTable:setPadding(paddingValue)
  self.paddingValue = paddingValue
  return self
end

function LookupTable:reset(stdv)
  stdv = stdv or 1
  self.weight:normal(0, stdv)
end

local function lookup_indices(self, input)
  if not torch.isTensor(input) or input:dim() < 1 or input:dim() > 2 then
    error(string.format('%s: input must be a vector or a matrix of indices', torch.type(self)), 3)
  end
  local flat = input:contiguous():view(-1)
  local n = self.weight:size(1)
  local idx = {}
  for i = 1, flat:nElement() do
    local v = flat[i]
    if v < 1 or v > n or v ~= math.floor(v) then
      error(string.format('%s: index %s out of range [1, %d]', torch.type(self), tostring(v), n), 3)
    end
    idx[i] = v
  end
  return idx
end

function LookupTable:updateOutput(input)
  local idx = lookup_indices(self, input)
  local d = self.weight:size(2)
  self.output:resize(#idx, d)
  for i = 1, #idx do self.output[i]:copy(self.weight[idx[i]]) end
  if input:dim() == 2 then self.output:resize(input:size(1), input:size(2), d) end
  return self.output
end

function LookupTable:updateGradInput(input, gradOutput)
  -- indices have no gradient
  if torch.type(self.gradInput) ~= torch.type(input) then self.gradInput = input.new() end
  self.gradInput:resizeAs(input):zero()
  return self.gradInput
end

function LookupTable:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local idx = lookup_indices(self, input)
  local g = gradOutput:contiguous():view(#idx, -1)
  for i = 1, #idx do
    if idx[i] ~= self.paddingValue then self.gradWeight[idx[i]]:add(scale, g[i]) end
  end
end

function LookupTable:type(type, tensorCache)
  ltparent.type(self, type, tensorCache)
  return self
end

-- ---- Euclidean distances to learned centres --------------------------

local Euclidean, eparent = torch.class('nn.Euclidean', 'nn.Module')

function Euclidean:__init(inputSize, outputSize)
  eparent.__init(self)
  self.weight = torch.Tensor(inputSize, outputSize)
  self.gradWeight = torch.Tensor(inputSize, outputSize)
  self:reset()
end

function Euclidean:reset(stdv)
  if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.weight:size(1)) end
  self.weight:uniform(-stdv, stdv)
end

-- y_j = || x - w_j ||; loops over the (few) centres with tensor ops.
function Euclidean:updateOutput(input)
  local single = input:dim() == 1
  local x = single and input:view(1, -1) or input
  local n, m = x:size(1), self.weight:size(2)
  self.output:resize(n, m)
  self._diff = self._diff or input.new()
  for j = 1, m do
    local w = self.weight:select(2, j)
    self._diff:resizeAs(x):copy(x):add(-1, w:view(1, -1):expandAs(x))
    for i = 1, n do
      local d = self._diff[i]
      self.output[i][j] = math.sqrt(d:dot(d))
    end
  end
  if single then self.output:resize(m) end
  return self.output
end

function Euclidean:updateGradInput(input, gradOutput)
  local single = input:dim() == 1
  local x = single and input:view(1, -1) or input
  local g = single and gradOutput:view(1, -1) or gradOutput
  local out = single and self.output:view(1, -1) or self.output
  local n, m = x:size(1), self.weight:size(2)
  self.gradInput:resizeAs(x):zero()
  for j = 1, m do
    local w = self.weight:select(2, j)
    for i = 1, n do
      local o = out[i][j]
      if o > 0 then
        self.gradInput[i]:add(g[i][j] / o, x[i]):add(-g[i][j] / o, w)
      end
    end
  end
  if single then self.gradInput:resize(input:size(1)) end
  return self.gradInput
end

function Euclidean:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local single = input:dim() == 1
  local x = single and input:view(1, -1) or input
  local g = single and gradOutput:view(1, -1) or gradOutput
  local out = single and self.output:view(1, -1) or self.output
  local n, m = x:size(1), self.weight:size(2)
  for j = 1, m do
    local gw = self.gradWeight:select(2, j)
    local w = self.weight:select(2, j)
    for i = 1, n do
      local o = out[i][j]
      if o > 0 then
        gw:add(scale * g[i][j] / o, w):add(-scale * g[i][j] / o, x[i])
      end
    end
  end
end

-- accGradParameters reads the weight, so it cannot accumulate into it
Euclidean.accUpdateGradParameters = nn.Module.sharedAccUpdateGradParameters

-- ---- Cosine: cosine similarity to learned vectors ------------------------

local Cosine, cosparent = torch.class('nn.Cosine', 'nn.Module')

function Cosine:__init(inputSize, outputSize)
  cosparent.__init(self)
  self.weight = torch.Tensor(outputSize, inputSize)
  self.gradWeight = torch.Tensor(outputSize, inputSize)
  self:reset()
end

function Cosine:reset(stdv)
  if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.weight:size(1)) end
  self.weight:uniform(-stdv, stdv)
end

function Cosine:updateOutput(input)
  local x = input:dim() == 1 and input:view(1, -1) or input
  local n, m = x:size(1), self.weight:size(1)
  self.output:resize(n, m)
  self._xn, self._wn = {}, {}
  for j = 1, m do self._wn[j] = math.sqrt(self.weight[j]:dot(self.weight[j])) + 1e-12 end
  for i = 1, n do
    self._xn[i] = math.sqrt(x[i]:dot(x[i])) + 1e-12
    for j = 1, m do self.output[i][j] = x[i]:dot(self.weight[j]) / (self._xn[i] * self._wn[j]) end
  end
  if input:dim() == 1 then self.output:resize(m) end
  return self.output
end

function Cosine:updateGradInput(input, gradOutput)
  local x = input:dim() == 1 and input:view(1, -1) or input
  local g = gradOutput:contiguous():view(x:size(1), -1)
  local out = self.output:view(x:size(1), -1)
  local n, m = x:size(1), self.weight:size(1)
  self.gradInput:resizeAs(x):zero()
  for i = 1, n do
    for j = 1, m do
      -- d cos / dx = w / (|x||w|) - cos x / |x|^2
      self.gradInput[i]:add(g[i][j] / (self._xn[i] * self._wn[j]), self.weight[j])
      self.gradInput[i]:add(-g[i][j] * out[i][j] / (self._xn[i] * self._xn[i]), x[i])
    end
  end
  self.gradInput:resizeAs(input)
  return self.gradInput
end

function Cosine:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local x = input:dim() == 1 and input:view(1, -1) or input
  local g = gradOutput:contiguous():view(x:size(1), -1)
  local out = self.output:view(x:size(1), -1)
  local n, m = x:size(1), self.weight:size(1)
  for i = 1, n do
    for j = 1, m do
      self.gradWeight[j]:add(scale * g[i][j] / (self._xn[i] * self._wn[j]), x[i])
      self.gradWeight[j]:add(-scale * g[i][j] * out[i][j] / (self._wn[j] * self._wn[j]), self.weight[j])
    end
  end
end

Cosine.accUpdateGradParameters = nn.Module.sharedAccUpdateGradParameters
