-- nn/arith.lua: arithmetic layers: learned bias and scale (Add, CAdd, Mul,
-- CMul), constants (AddConstant, MulConstant), element-wise functions
-- (Exp, Log, Abs, Square, Sqrt, Power), reductions over a dimension (Sum,
-- Mean, Max, Min), Normalize, and the matrix products MM and MV.

-- ---- Add, Mul, CMul: learned bias / scale -----------------------------

local Add, aparent = torch.class('nn.Add', 'nn.Module')

function Add:__init(inputSize, scalar)
  aparent.__init(self)
  local size = inputSize
  if scalar then size = 1 end
  self.scalar = scalar
  self.bias = torch.Tensor(size)
  self.gradBias = torch.Tensor(size)
  self._ones = torch.Tensor { 1 }
  self:reset()
end

function Add:reset(stdv)
  if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.bias:size(1)) end
  self.bias:uniform(-stdv, stdv)
end

function Add:updateOutput(input)
  self.output:resizeAs(input):copy(input)
  if self.scalar then
    self.output:add(self.bias[1])
  elseif input:isSameSizeAs(self.bias) then
    self.output:add(self.bias)
  else
    local n = input:size(1)
    self.output:view(self.output, n, -1):add(self.bias:view(1, -1):expand(n, self.bias:nElement()))
  end
  return self.output
end

function Add:updateGradInput(input, gradOutput)
  if self.gradInput then
    self.gradInput:resizeAs(gradOutput):copy(gradOutput)
    return self.gradInput
  end
end

function Add:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  if self.gradBias:size(1) == 1 then
    self.gradBias[1] = self.gradBias[1] + scale * gradOutput:sum()
  elseif input:isSameSizeAs(self.bias) then
    self.gradBias:add(scale, gradOutput)
  else
    local g = gradOutput:contiguous():view(input:size(1), -1)
    self.gradBias:view(-1):add(scale, g:sum(1):view(-1))
  end
end

local Mul, mparent = torch.class('nn.Mul', 'nn.Module')

function Mul:__init()
  mparent.__init(self)
  self.weight = torch.Tensor(1)
  self.gradWeight = torch.Tensor(1)
  self:reset()
end

function Mul:reset(stdv)
  if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.weight:size(1)) end
  self.weight:uniform(-stdv, stdv)
end

function Mul:updateOutput(input)
  self.output:resizeAs(input):copy(input)
  self.output:mul(self.weight[1])
  return self.output
end

function Mul:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input):zero()
  self.gradInput:add(self.weight[1], gradOutput)
  return self.gradInput
end

function Mul:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  self.gradWeight[1] = self.gradWeight[1] + scale * input:dot(gradOutput:contiguous():viewAs(input))
end

local CMul, cmparent = torch.class('nn.CMul', 'nn.Module')

function CMul:__init(...)
  cmparent.__init(self)
  local arg = { ... }
  local sz = (#arg == 1 and torch.typename(arg[1]) == 'torch.LongStorage') and arg[1]:totable() or arg
  self.size = torch.LongStorage(sz)
  self.weight = torch.Tensor(self.size)
  self.gradWeight = torch.Tensor(self.size)
  self.output:resize(self.size)
  self:reset()
end

function CMul:reset(stdv)
  if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.weight:nElement()) end
  self.weight:uniform(-stdv, stdv)
end

-- The weight expanded over the batch dimension when input has one.
local function cmul_weight(self, input)
  if input:nElement() == self.weight:nElement() then return self.weight:viewAs(input) end
  local n = input:size(1)
  local per = input:nElement() / n
  return self.weight:view(1, per):expand(n, per), n, per
end

function CMul:updateOutput(input)
  self.output:resizeAs(input):copy(input)
  local w, n, per = cmul_weight(self, input)
  if n then self.output:view(self.output, n, per):cmul(w) else self.output:cmul(w) end
  return self.output
end

function CMul:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input):copy(gradOutput)
  local w, n, per = cmul_weight(self, input)
  if n then self.gradInput:view(self.gradInput, n, per):cmul(w) else self.gradInput:cmul(w) end
  return self.gradInput
end

function CMul:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  self._prod = self._prod or input.new()
  self._prod:resizeAs(input):copy(input):cmul(gradOutput:contiguous():viewAs(input))
  if input:nElement() == self.weight:nElement() then
    self.gradWeight:add(scale, self._prod:viewAs(self.gradWeight))
  else
    local n = input:size(1)
    self.gradWeight:view(-1):add(scale, self._prod:view(n, -1):sum(1):view(-1))
  end
end

-- ---- CAdd: a learned bias of any (broadcastable) shape ----------------------

local CAdd, caddparent = torch.class('nn.CAdd', 'nn.Module')

function CAdd:__init(...)
  caddparent.__init(self)
  local arg = { ... }
  local sz = (#arg == 1 and torch.typename(arg[1]) == 'torch.LongStorage') and arg[1]:totable() or arg
  self.size = torch.LongStorage(sz)
  self.bias = torch.Tensor(self.size)
  self.gradBias = torch.Tensor(self.size)
  self:reset()
end

function CAdd:reset(stdv)
  if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.bias:nElement()) end
  self.bias:uniform(-stdv, stdv)
end

function CAdd:updateOutput(input)
  self.output:resizeAs(input):copy(input)
  if input:nElement() == self.bias:nElement() then
    self.output:add(self.bias:viewAs(input))
  else
    local n = input:size(1)
    self.output:view(self.output, n, -1):add(self.bias:view(1, -1):expand(n, self.bias:nElement()))
  end
  return self.output
end

function CAdd:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  return self.gradInput
end

function CAdd:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  if input:nElement() == self.bias:nElement() then
    self.gradBias:add(scale, gradOutput:contiguous():viewAs(self.gradBias))
  else
    local n = input:size(1)
    self.gradBias:view(-1):add(scale, gradOutput:contiguous():view(n, -1):sum(1):view(-1))
  end
end

-- ---- constants and element-wise maths -----------------------------------

local AddConstant, acparent = torch.class('nn.AddConstant', 'nn.Module')

function AddConstant:__init(constant_scalar, ip)
  acparent.__init(self)
  assert(type(constant_scalar) == 'number', 'input is not scalar!')
  self.constant_scalar = constant_scalar
  self.inplace = ip or false
end

function AddConstant:updateOutput(input)
  if self.inplace then
    input:add(self.constant_scalar)
    self.output:set(input)
  else
    self.output:resizeAs(input):copy(input):add(self.constant_scalar)
  end
  return self.output
end

function AddConstant:updateGradInput(input, gradOutput)
  if self.inplace then
    self.gradInput:set(gradOutput)
    input:add(-self.constant_scalar)
  else
    self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  end
  return self.gradInput
end

local MulConstant, mcparent = torch.class('nn.MulConstant', 'nn.Module')

function MulConstant:__init(constant_scalar, ip)
  mcparent.__init(self)
  assert(type(constant_scalar) == 'number', 'input is not scalar!')
  self.constant_scalar = constant_scalar
  self.inplace = ip or false
end

function MulConstant:updateOutput(input)
  if self.inplace then
    input:mul(self.constant_scalar)
    self.output:set(input)
  else
    self.output:resizeAs(input):copy(input):mul(self.constant_scalar)
  end
  return self.output
end

function MulConstant:updateGradInput(input, gradOutput)
  if self.inplace then
    gradOutput:mul(self.constant_scalar)
    self.gradInput:set(gradOutput)
    input:div(self.constant_scalar)
  else
    self.gradInput:resizeAs(gradOutput):copy(gradOutput):mul(self.constant_scalar)
  end
  return self.gradInput
end

-- f(x) and f'(x) from tensor methods, for modules without a C kernel.
local function elementwise(name, fwd, bwd)
  local M = torch.class('nn.' .. name, 'nn.Module')
  function M:updateOutput(input)
    self.output:resizeAs(input)
    fwd(self, self.output, input)
    return self.output
  end
  function M:updateGradInput(input, gradOutput)
    self.gradInput:resizeAs(input)
    bwd(self, self.gradInput, input, gradOutput)
    return self.gradInput
  end
  return M
end

elementwise('Exp', function(_, o, x) o:copy(x):exp() end,
            function(self, g, _, go) g:copy(self.output):cmul(go) end)
elementwise('Log', function(_, o, x) o:copy(x):log() end,
            function(_, g, x, go) g:copy(go):cdiv(x) end)
elementwise('Abs', function(_, o, x) o:copy(x):abs() end,
            function(_, g, x, go) g:copy(x):sign():cmul(go) end)
elementwise('Square', function(_, o, x) o:copy(x):cmul(x) end,
            function(_, g, x, go) g:copy(x):mul(2):cmul(go) end)
local Sqrt = elementwise('Sqrt', function(self, o, x) o:copy(x):add(self.eps or 0):sqrt() end,
            function(self, g, _, go) g:copy(go):cdiv(self.output):mul(0.5) end)
function Sqrt:__init(b)
  nn.Module.__init(self)
  self.eps = b or 0
end
local Power = elementwise('Power', function(self, o, x) o:copy(x):pow(self.pow) end,
            function(self, g, x, go) g:copy(x):pow(self.pow - 1):mul(self.pow):cmul(go) end)
function Power:__init(p)
  nn.Module.__init(self)
  self.pow = p
  if not p then error('nn.Power(power)') end
end

-- ---- Sum, Mean over a dimension ---------------------------------------

local Sum, sumparent = torch.class('nn.Sum', 'nn.Module')

function Sum:__init(dimension, nInputDims, sizeAverage, squeeze)
  sumparent.__init(self)
  self.dimension = dimension or 1
  self.nInputDims = nInputDims
  self.sizeAverage = sizeAverage or false
  self.squeeze = (squeeze == nil) and true or squeeze
end

function Sum:_getPositiveDimension(input)
  local dimension = self.dimension
  if dimension < 0 then
    dimension = input:dim() + dimension + 1
  elseif self.nInputDims and input:dim() == (self.nInputDims + 1) then
    dimension = dimension + 1
  end
  assert(input:dim() >= dimension, 'dimension exceeds input dimensions')
  return dimension
end

function Sum:updateOutput(input)
  local dimension = self:_getPositiveDimension(input)
  if type(self.output) == 'number' then self.output = input.new() end
  torch.sum(self.output, input, dimension)
  if self.sizeAverage then self.output:div(input:size(dimension)) end
  if self.squeeze and self.output:nElement() > 1 and self.output:dim() > 1 then
    local sz = input:size():totable()
    table.remove(sz, dimension)
    self.output:resize(torch.LongStorage(sz))
  end
  return self.output
end

function Sum:updateGradInput(input, gradOutput)
  local dimension = self:_getPositiveDimension(input)
  local size = input:size():totable()
  size[dimension] = 1
  local g = gradOutput:contiguous():view(torch.LongStorage(size))
  self.gradInput:resizeAs(input):copy(g:expandAs(input))
  if self.sizeAverage then self.gradInput:div(input:size(dimension)) end
  return self.gradInput
end

local Mean, meanparent = torch.class('nn.Mean', 'nn.Sum')

function Mean:__init(dimension, nInputDims)
  meanparent.__init(self, dimension, nInputDims, true)
end

-- ---- Max, Min over a dimension ------------------------------------------

local function reducer(name, op)
  local M, parent = torch.class('nn.' .. name, 'nn.Module')
  function M:__init(dimension, nInputDims)
    parent.__init(self)
    self.dimension = dimension or 1
    self.nInputDims = nInputDims
  end
  function M:_getPositiveDimension(input)
    local dimension = self.dimension
    if dimension < 0 then
      dimension = input:dim() + dimension + 1
    elseif self.nInputDims and input:dim() == (self.nInputDims + 1) then
      dimension = dimension + 1
    end
    return dimension
  end
  function M:updateOutput(input)
    local dim = self:_getPositiveDimension(input)
    self._output = self._output or input.new()
    if torch.type(self._indices) ~= 'torch.LongTensor' then self._indices = torch.LongTensor() end
    torch[op](self._output, self._indices, input, dim)
    if input:dim() > 1 then
      local sz = input:size():totable()
      table.remove(sz, dim)
      self.output:resize(torch.LongStorage(sz)):copy(self._output)
    else
      self.output:resize(1):copy(self._output)
    end
    return self.output
  end
  function M:updateGradInput(input, gradOutput)
    local dim = self:_getPositiveDimension(input)
    self.gradInput:resizeAs(input):zero()
    -- scatter the gradient to the arg-max positions, slice by slice
    local idx = self._indices
    local g = gradOutput:contiguous():view(idx:size())
    local gi_t = self.gradInput:transpose(dim, input:dim())
    local idx_t = idx:transpose(dim, input:dim())
    local g_t = g:transpose(dim, input:dim())
    local n = idx_t:nElement()
    local gi2 = gi_t:contiguous():view(-1, input:size(dim))
    local id2 = idx_t:contiguous():view(-1)
    local g2 = g_t:contiguous():view(-1)
    for i = 1, n do gi2[i][id2[i]] = g2[i] end
    -- back to the original layout
    local shape = gi_t:size()
    gi_t:copy(gi2:view(shape))
    return self.gradInput
  end
  function M:clearState()
    nn.utils.clear(self, '_indices', '_output')
    return parent.clearState(self)
  end
  return M
end
reducer('Max', 'max')
reducer('Min', 'min')

-- ---- Normalize: x / ||x||_p per sample ---------------------------------

local Normalize, normparent = torch.class('nn.Normalize', 'nn.Module')

function Normalize:__init(p, eps)
  normparent.__init(self)
  assert(p, 'p-norm not provided')
  assert(p > 0, p .. '-norm not supported')
  self.p = p
  self.eps = eps or 1e-10
end

local function norm_of(x, p)
  if p == math.huge then return x:clone():abs():max() end
  local s = 0
  x:apply(function(v) s = s + math.abs(v) ^ p end)
  return s ^ (1 / p)
end

function Normalize:updateOutput(input)
  local x = input:dim() == 1 and input:view(1, -1) or input
  self.output:resizeAs(x)
  self._norms = self._norms or {}
  for i = 1, x:size(1) do
    local nrm = norm_of(x[i], self.p) + self.eps
    self._norms[i] = nrm
    self.output[i]:copy(x[i]):div(nrm)
  end
  self.output:resizeAs(input)
  return self.output
end

function Normalize:updateGradInput(input, gradOutput)
  local x = input:dim() == 1 and input:view(1, -1) or input
  local g = gradOutput:contiguous():viewAs(x)
  self.gradInput:resizeAs(x)
  local p = self.p
  for i = 1, x:size(1) do
    local nrm = self._norms[i]
    local xi, gi = x[i], self.gradInput[i]
    -- d(x/N)/dx = I/N - x (dN/dx)^T / N^2 with dN/dx = |x|^(p-1) sign(x) / N'^(p-1), N' = N - eps
    local np = nrm - self.eps
    local dN = xi:clone()
    if p == math.huge then
      local mx, at = -1, 1
      for k = 1, xi:size(1) do if math.abs(xi[k]) > mx then mx, at = math.abs(xi[k]), k end end
      dN:zero()
      dN[at] = xi[at] >= 0 and 1 or -1
    else
      dN:apply(function(v) return (math.abs(v) ^ (p - 1)) * (v >= 0 and 1 or -1) end)
      dN:div(np ^ (p - 1))
    end
    local c = xi:dot(g[i]) / (nrm * nrm)
    gi:copy(g[i]):div(nrm):add(-c, dN)
  end
  self.gradInput:resizeAs(input)
  return self.gradInput
end

function Normalize:__tostring__()
  local s
  if self.p == math.huge then s = 'inf' else s = '' .. self.p end
  return torch.type(self) .. '(' .. s .. ')'
end

-- ---- MM, MV: products of a table of two tensors ------------------------

local MM, mmparent = torch.class('nn.MM', 'nn.Module')

function MM:__init(transA, transB)
  mmparent.__init(self)
  self.transA = transA or false
  self.transB = transB or false
  self.gradInput = { torch.Tensor(), torch.Tensor() }
end

local function maybe_t(x, t, batch)
  if not t then return x end
  return batch and x:transpose(2, 3) or x:t()
end

function MM:updateOutput(input)
  local a, b = input[1], input[2]
  local batch = a:dim() == 3
  a, b = maybe_t(a, self.transA, batch), maybe_t(b, self.transB, batch)
  if not batch then
    self.output:resize(a:size(1), b:size(2)):mm(a, b)
  else
    self.output:resize(a:size(1), a:size(2), b:size(3))
    for i = 1, a:size(1) do self.output[i]:mm(a[i], b[i]) end
  end
  return self.output
end

function MM:updateGradInput(input, gradOutput)
  local a, b = input[1], input[2]
  local batch = a:dim() == 3
  self.gradInput[1] = self.gradInput[1] or a.new()
  self.gradInput[2] = self.gradInput[2] or b.new()
  self.gradInput[1]:resizeAs(a)
  self.gradInput[2]:resizeAs(b)
  local function one(ga, gb, A, B, G)
    -- C = op(A) op(B)
    if self.transA then ga:mm(maybe_t(B, self.transB, false), G:t()) else ga:mm(G, maybe_t(B, not self.transB, false)) end
    if self.transB then gb:mm(G:t(), maybe_t(A, self.transA, false)) else gb:mm(maybe_t(A, not self.transA, false), G) end
  end
  if not batch then
    one(self.gradInput[1], self.gradInput[2], a, b, gradOutput)
  else
    for i = 1, a:size(1) do one(self.gradInput[1][i], self.gradInput[2][i], a[i], b[i], gradOutput[i]) end
  end
  return self.gradInput
end

local MV, mvparent = torch.class('nn.MV', 'nn.Module')

function MV:__init(trans)
  mvparent.__init(self)
  self.trans = trans or false
  self.gradInput = { torch.Tensor(), torch.Tensor() }
end

function MV:updateOutput(input)
  local M, v = input[1], input[2]
  if M:dim() == 2 then
    local A = self.trans and M:t() or M
    self.output:resize(A:size(1)):mv(A, v)
  else
    local A = self.trans and M:transpose(2, 3) or M
    self.output:resize(A:size(1), A:size(2))
    for i = 1, A:size(1) do self.output[i]:mv(A[i], v[i]) end
  end
  return self.output
end

function MV:updateGradInput(input, gradOutput)
  local M, v = input[1], input[2]
  self.gradInput[1]:resizeAs(M)
  self.gradInput[2]:resizeAs(v)
  local function one(gM, gv, A, x, g)
    if self.trans then gM:zero():addr(x, g) else gM:zero():addr(g, x) end
    gv:mv(self.trans and A or A:t(), g)
  end
  if M:dim() == 2 then
    one(self.gradInput[1], self.gradInput[2], M, v, gradOutput)
  else
    for i = 1, M:size(1) do one(self.gradInput[1][i], self.gradInput[2][i], M[i], v[i], gradOutput[i]) end
  end
  return self.gradInput
end
