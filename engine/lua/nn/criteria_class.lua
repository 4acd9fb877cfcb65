-- nn/criteria_class.lua: the classification criteria: ClassNLL,
-- SpatialClassNLL, CrossEntropy, BCE, Margin, SoftMargin, MultiMargin,
-- MultiLabelMargin and MultiLabelSoftMargin.
--
-- ClassNLL loops over the (few) targets through raw pointers, which
-- LuaJIT compiles.

local sizes_str = nn.utils.sizeString
local check_same = nn.utils._checkSame
local buffer = nn.utils._sizedBuffer

-- ---- ClassNLLCriterion: input log-probabilities [C] or [n, C] ----------------

local NLL, nllparent = torch.class('nn.ClassNLLCriterion', 'nn.Criterion')

function NLL:__init(weights, sizeAverage, ignoreIndex)
  nllparent.__init(self)
  self.sizeAverage = (sizeAverage == nil) and true or sizeAverage
  self.ignoreIndex = ignoreIndex or -100
  if weights then
    assert(weights:dim() == 1, 'weights input should be 1-D Tensor')
    self.weights = weights
  end
  self.output_tensor = torch.zeros(1)
  self.total_weight_tensor = torch.ones(1)
end

-- The targets (a number, or a tensor of n elements) as a 0-based array:
-- the tensor's own data when it is contiguous (no copy, no Lua table per
-- call), else a contiguous copy kept in self._target, so that whatever the
-- pointer points into is held by the caller or by self.
local number_target = {}
local function targets_of(self, input, target)
  local n = input:dim() == 1 and 1 or input:size(1)
  local nc = input:size(input:dim())
  local t
  if type(target) == 'number' then
    number_target[0] = target
    t = number_target
  elseif torch.isTensor(target) and target:nElement() == n then
    if not target:isContiguous() then
      self._target = self._target and torch.typename(self._target) == torch.typename(target)
                     and self._target or target.new()
      target = self._target:resizeAs(target):copy(target)
    end
    t = target:data()
  else
    error(string.format('%s: expected %d targets for input %s, got %s', torch.type(self), n,
                        sizes_str(input), torch.isTensor(target) and sizes_str(target) or torch.type(target)), 3)
  end
  local ignore = self.ignoreIndex
  for i = 0, n - 1 do
    local v = tonumber(t[i])
    if v ~= ignore and (v < 1 or v > nc or v ~= math.floor(v)) then
      error(string.format('%s: target %s out of range [1, %d]', torch.type(self), tostring(v), nc), 3)
    end
  end
  return t, n, nc
end

function NLL:updateOutput(input, target)
  if not torch.isTensor(input) or input:dim() < 1 or input:dim() > 2 then
    error(string.format('%s: input must be a vector or a matrix, got %s', torch.type(self),
                        torch.isTensor(input) and sizes_str(input) or torch.type(input)), 2)
  end
  local t, n, nc = targets_of(self, input, target)
  if not input:isContiguous() then
    self._input = self._input or input.new()
    input = self._input:resizeAs(input):copy(input)
  end
  local p = input:data()
  local w = self.weights and self.weights:contiguous():data()
  local ignore = self.ignoreIndex
  local s, tw = 0, 0
  for i = 0, n - 1 do
    local c = tonumber(t[i])
    if c ~= ignore then
      local wi = w and w[c - 1] or 1
      s = s - wi * p[i * nc + c - 1]
      tw = tw + wi
    end
  end
  if self.sizeAverage and tw ~= 0 then s = s / tw end
  self.output = s
  self.output_tensor[1] = s
  self.total_weight_tensor[1] = tw
  return self.output
end

function NLL:updateGradInput(input, target)
  local t, n, nc = targets_of(self, input, target)
  self.gradInput:resizeAs(input):zero()
  local g = self.gradInput:data()
  local w = self.weights and self.weights:contiguous():data()
  local tw = self.total_weight_tensor[1]
  local norm = (self.sizeAverage and tw ~= 0) and 1 / tw or 1
  local ignore = self.ignoreIndex
  for i = 0, n - 1 do
    local c = tonumber(t[i])
    if c ~= ignore then
      g[i * nc + c - 1] = -(w and w[c - 1] or 1) * norm
    end
  end
  return self.gradInput
end

-- ---- SpatialClassNLLCriterion: ClassNLL at every pixel -------------------
-- input [n, C, H, W] log-probabilities, target [n, H, W] classes.

local SNLL, snparent = torch.class('nn.SpatialClassNLLCriterion', 'nn.Criterion')

function SNLL:__init(weights, sizeAverage)
  snparent.__init(self)
  self.sizeAverage = (sizeAverage == nil) and true or sizeAverage
  self.weights = weights
end

local function snll_shapes(self, input, target)
  local x = input:dim() == 3 and input:view(1, input:size(1), input:size(2), input:size(3)) or input
  local t = target:dim() == 2 and target:view(1, target:size(1), target:size(2)) or target
  if x:dim() ~= 4 or t:dim() ~= 3 or x:size(1) ~= t:size(1) or x:size(3) ~= t:size(2) or x:size(4) ~= t:size(3) then
    error(string.format('%s: input %s and target %s do not match', torch.type(self), sizes_str(input),
                        sizes_str(target)), 3)
  end
  return x:contiguous(), t:contiguous()
end

function SNLL:updateOutput(input, target)
  local x, t = snll_shapes(self, input, target)
  local n, c, hw = x:size(1), x:size(2), x:size(3) * x:size(4)
  local px, pt = x:data(), t:view(-1)
  local w = self.weights
  local s, tw = 0, 0
  for b = 0, n - 1 do
    for k = 0, hw - 1 do
      local cls = pt[b * hw + k + 1]
      if cls < 1 or cls > c then error(string.format('%s: target %d out of range [1, %d]', torch.type(self), cls, c), 2) end
      local wi = w and w[cls] or 1
      s = s - wi * px[(b * c + cls - 1) * hw + k]
      tw = tw + wi
    end
  end
  self.total_weight = tw
  if self.sizeAverage and tw > 0 then s = s / tw end
  self.output = s
  return s
end

function SNLL:updateGradInput(input, target)
  local x, t = snll_shapes(self, input, target)
  local n, c, hw = x:size(1), x:size(2), x:size(3) * x:size(4)
  self.gradInput:resizeAs(x):zero()
  local g, pt = self.gradInput:data(), t:view(-1)
  local w = self.weights
  local norm = (self.sizeAverage and self.total_weight and self.total_weight > 0) and 1 / self.total_weight or 1
  for b = 0, n - 1 do
    for k = 0, hw - 1 do
      local cls = pt[b * hw + k + 1]
      g[(b * c + cls - 1) * hw + k] = -(w and w[cls] or 1) * norm
    end
  end
  self.gradInput:resizeAs(input)
  return self.gradInput
end

-- ---- CrossEntropyCriterion = LogSoftMax + ClassNLL -----------------------

local CE, ceparent = torch.class('nn.CrossEntropyCriterion', 'nn.Criterion')

function CE:__init(weights, sizeAverage)
  ceparent.__init(self)
  self.lsm = nn.LogSoftMax()
  self.nll = nn.ClassNLLCriterion(weights, sizeAverage)
  self.sizeAverage = self.nll.sizeAverage
  self.oldSizeAverage = self.sizeAverage
end

function CE:updateOutput(input, target)
  input = input:squeeze()
  target = type(target) == 'number' and target or target:squeeze()
  self.lsm:updateOutput(input)
  self.nll.sizeAverage = self.sizeAverage
  self.nll:updateOutput(self.lsm.output, target)
  self.output = self.nll.output
  return self.output
end

function CE:updateGradInput(input, target)
  local size = input:size()
  input = input:squeeze()
  target = type(target) == 'number' and target or target:squeeze()
  self.nll.sizeAverage = self.sizeAverage
  self.nll:updateGradInput(self.lsm.output, target)
  self.lsm:updateGradInput(input, self.nll.gradInput)
  self.gradInput:view(self.lsm.gradInput, size)
  return self.gradInput
end

-- ---- BCECriterion: -w (t log(x) + (1-t) log(1-x)) -------------------------

local BCE, bceparent = torch.class('nn.BCECriterion', 'nn.Criterion')
local EPS = 1e-12

function BCE:__init(weights, sizeAverage)
  bceparent.__init(self)
  self.sizeAverage = (sizeAverage == nil) and true or sizeAverage
  if weights then
    assert(weights:dim() == 1, 'weights input should be 1-D Tensor')
    self.weights = weights
  end
end

-- The weights (one per class) expanded to the input's shape, or nil.
local function bce_weights(self, input)
  if not self.weights then return nil end
  if input:dim() == 1 then return self.weights end
  return self.weights:view(1, -1):expandAs(input)
end

function BCE:updateOutput(input, target)
  check_same(self, input, target)
  target = target:viewAs(input)
  local a = buffer(self, '_a', input):copy(input):add(EPS):log()
  local b = buffer(self, '_b', input):copy(input):mul(-1):add(1 + EPS):log()
  -- t log(x) + (1 - t) log(1 - x) = t (log x - log(1-x)) + log(1-x)
  a:add(-1, b):cmul(target):add(b)
  local w = bce_weights(self, input)
  if w then a:cmul(w) end
  self.output = -a:sum()
  if self.sizeAverage then self.output = self.output / input:nElement() end
  return self.output
end

function BCE:updateGradInput(input, target)
  check_same(self, input, target)
  target = target:viewAs(input)
  -- d/dx = -(t - x) / ((1 - x + eps)(x + eps))
  local d = buffer(self, '_b', input):copy(input):mul(-1):add(1 + EPS)
  d:cmul(buffer(self, '_a', input):copy(input):add(EPS))
  self.gradInput:resizeAs(input):copy(input):add(-1, target):cdiv(d)
  local w = bce_weights(self, input)
  if w then self.gradInput:cmul(w) end
  if self.sizeAverage then self.gradInput:div(input:nElement()) end
  return self.gradInput
end

-- ---- MarginCriterion: max(0, margin - y x) ------------------------------

local Margin, mparent = torch.class('nn.MarginCriterion', 'nn.Criterion')

function Margin:__init(margin)
  mparent.__init(self)
  self.sizeAverage = true
  self.margin = margin or 1
end

function Margin:updateOutput(input, target)
  check_same(self, input, target)
  local z = buffer(self, '_z', input):copy(input):cmul(target:viewAs(input)):mul(-1):add(self.margin)
  z:cmax(0)
  self.output = z:sum()
  if self.sizeAverage then self.output = self.output / input:nElement() end
  return self.output
end

function Margin:updateGradInput(input, target)
  check_same(self, input, target)
  local norm = self.sizeAverage and 1 / input:nElement() or 1
  local t = target:viewAs(input)
  self.gradInput:resizeAs(input):copy(input):cmul(t)
  self.gradInput:apply(function(v) return v < self.margin and 1 or 0 end)
  self.gradInput:cmul(t):mul(-norm)
  return self.gradInput
end

-- ---- SoftMarginCriterion: log(1 + exp(-y x)) ------------------------------

local SoftMargin, smparent = torch.class('nn.SoftMarginCriterion', 'nn.Criterion')

function SoftMargin:__init()
  smparent.__init(self)
  self.sizeAverage = true
end

function SoftMargin:updateOutput(input, target)
  check_same(self, input, target)
  local z = buffer(self, '_z', input):copy(input):cmul(target:viewAs(input)):mul(-1):exp():add(1):log()
  self.output = z:sum()
  if self.sizeAverage then self.output = self.output / input:nElement() end
  return self.output
end

function SoftMargin:updateGradInput(input, target)
  check_same(self, input, target)
  local norm = self.sizeAverage and 1 / input:nElement() or 1
  local t = target:viewAs(input)
  -- -y e^{-yx} / (1 + e^{-yx}) = -y * sigmoid(-y x)
  self.gradInput:resizeAs(input):copy(input):cmul(t):mul(-1):sigmoid():cmul(t):mul(-norm)
  return self.gradInput
end

-- ---- MultiMarginCriterion: sum_j max(0, margin - x[y] + x[j])^p / n -----

local MM, mmparent = torch.class('nn.MultiMarginCriterion', 'nn.Criterion')

function MM:__init(p, weights, margin)
  mmparent.__init(self)
  assert(p == nil or p == 1 or p == 2, 'only p=1 and p=2 supported')
  self.p = p or 1
  self.margin = margin or 1
  self.sizeAverage = true
  if weights then
    assert(weights:dim() == 1, 'weights input should be 1-D Tensor')
    self.weights = weights
  end
end

local function mm_rows(input, target)
  local x = input:dim() == 1 and input:view(1, -1) or input
  local t = {}
  if type(target) == 'number' then t[1] = target
  else
    local c = target:contiguous():view(-1)
    for i = 1, c:nElement() do t[i] = c[i] end
  end
  return x, t
end

function MM:updateOutput(input, target)
  local x, t = mm_rows(input, target)
  local n, d = x:size(1), x:size(2)
  local s = 0
  for i = 1, n do
    local y = t[i]
    local xy = x[i][y]
    for j = 1, d do
      if j ~= y then
        local z = self.margin - xy + x[i][j]
        if z > 0 then
          local h = self.p == 1 and z or z * z
          if self.weights then h = h * self.weights[y] end
          s = s + h
        end
      end
    end
  end
  s = s / d
  if self.sizeAverage then s = s / n end
  self.output = s
  return s
end

function MM:updateGradInput(input, target)
  local x, t = mm_rows(input, target)
  local n, d = x:size(1), x:size(2)
  self.gradInput:resizeAs(x):zero()
  local norm = 1 / d
  if self.sizeAverage then norm = norm / n end
  for i = 1, n do
    local y = t[i]
    local xy = x[i][y]
    local gy = 0
    for j = 1, d do
      if j ~= y then
        local z = self.margin - xy + x[i][j]
        if z > 0 then
          local h = (self.p == 1 and 1 or 2 * z) * norm
          if self.weights then h = h * self.weights[y] end
          self.gradInput[i][j] = h
          gy = gy - h
        end
      end
    end
    self.gradInput[i][y] = gy
  end
  self.gradInput:resizeAs(input)
  return self.gradInput
end

-- ---- MultiLabelMarginCriterion ------------------------------------------
-- target rows list class indices (1-based) up to the first 0; loss sums
-- max(0, 1 - (x[y] - x[j])) over targets y and non-targets j, / dim.

local MLM, mlmparent = torch.class('nn.MultiLabelMarginCriterion', 'nn.Criterion')

function MLM:__init()
  mlmparent.__init(self)
  self.sizeAverage = true
end

local function mlm_rows(input, target)
  local x = input:dim() == 1 and input:view(1, -1) or input
  local t = target:dim() == 1 and target:view(1, -1) or target
  return x, t
end

local function mlm_targets(trow)
  local ys, is = {}, {}
  for k = 1, trow:size(1) do
    local y = trow[k]
    if y == 0 then break end
    ys[#ys + 1] = y
    is[y] = true
  end
  return ys, is
end

function MLM:updateOutput(input, target)
  local x, t = mlm_rows(input, target)
  local n, d = x:size(1), x:size(2)
  local s = 0
  for i = 1, n do
    local ys, is = mlm_targets(t[i])
    for _, y in ipairs(ys) do
      for j = 1, d do
        if not is[j] then s = s + math.max(0, 1 - (x[i][y] - x[i][j])) end
      end
    end
  end
  s = s / d
  if self.sizeAverage then s = s / n end
  self.output = s
  return s
end

function MLM:updateGradInput(input, target)
  local x, t = mlm_rows(input, target)
  local n, d = x:size(1), x:size(2)
  self.gradInput:resizeAs(x):zero()
  local norm = 1 / d
  if self.sizeAverage then norm = norm / n end
  for i = 1, n do
    local ys, is = mlm_targets(t[i])
    local gi = self.gradInput[i]
    for _, y in ipairs(ys) do
      for j = 1, d do
        if not is[j] and 1 - (x[i][y] - x[i][j]) > 0 then
          gi[y] = gi[y] - norm
          gi[j] = gi[j] + norm
        end
      end
    end
  end
  self.gradInput:resizeAs(input)
  return self.gradInput
end

-- ---- MultiLabelSoftMarginCriterion: mean BCE of sigmoid(x) ----------------

local MLSM, mlparent = torch.class('nn.MultiLabelSoftMarginCriterion', 'nn.Criterion')

function MLSM:__init(weights)
  mlparent.__init(self)
  self.sizeAverage = true
  if weights then self.weights = weights end
  self.sigmoid = nn.Sigmoid()
end

function MLSM:updateOutput(input, target)
  local p = self.sigmoid:updateOutput(input)
  local s = 0
  local x, t = p:contiguous():view(-1), target:contiguous():view(-1)
  local d = input:size(input:dim())
  for i = 1, x:nElement() do
    local w = self.weights and self.weights[(i - 1) % d + 1] or 1
    s = s - w * (t[i] * math.log(x[i] + 1e-12) + (1 - t[i]) * math.log(1 - x[i] + 1e-12))
  end
  self.output = s / d
  if self.sizeAverage and input:dim() > 1 then self.output = self.output / input:size(1) end
  return self.output
end

function MLSM:updateGradInput(input, target)
  local p = self.sigmoid.output
  local d = input:size(input:dim())
  local norm = 1 / d
  if self.sizeAverage and input:dim() > 1 then norm = norm / input:size(1) end
  self.gradInput:resizeAs(input):copy(p):add(-1, target:viewAs(input)):mul(norm)
  if self.weights then
    if input:dim() > 1 then
      self.gradInput:cmul(self.weights:view(1, -1):expandAs(input))
    else
      self.gradInput:cmul(self.weights)
    end
  end
  return self.gradInput
end
