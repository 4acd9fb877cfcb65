-- nn/criteria_embedding.lua: the criteria on pairs and triplets of
-- embeddings: HingeEmbedding, L1HingeEmbedding, CosineEmbedding,
-- MarginRanking and DistanceRatio.

local check_same = nn.utils._checkSame

-- ---- HingeEmbeddingCriterion ----------------------------------------------

local Hinge, hparent = torch.class('nn.HingeEmbeddingCriterion', 'nn.Criterion')

function Hinge:__init(margin)
  hparent.__init(self)
  self.margin = margin or 1
  self.sizeAverage = true
end

function Hinge:updateOutput(input, y)
  check_same(self, input, y)
  local s = 0
  local x, t = input:contiguous():view(-1), y:contiguous():view(-1)
  for i = 1, x:nElement() do
    if t[i] == 1 then s = s + x[i] else s = s + math.max(0, self.margin - x[i]) end
  end
  self.output = self.sizeAverage and s / input:nElement() or s
  return self.output
end

function Hinge:updateGradInput(input, y)
  check_same(self, input, y)
  local norm = self.sizeAverage and 1 / input:nElement() or 1
  self.gradInput:resizeAs(input)
  local g, x, t = self.gradInput:view(-1), input:contiguous():view(-1), y:contiguous():view(-1)
  for i = 1, x:nElement() do
    if t[i] == 1 then g[i] = norm
    elseif self.margin - x[i] > 0 then g[i] = -norm
    else g[i] = 0 end
  end
  return self.gradInput
end

-- ---- L1HingeEmbeddingCriterion: on the L1 distance of a pair -----------

local L1H, l1hparent = torch.class('nn.L1HingeEmbeddingCriterion', 'nn.Criterion')

function L1H:__init(margin)
  l1hparent.__init(self)
  self.margin = margin or 1
  self.gradInput = { torch.Tensor(), torch.Tensor() }
end

function L1H:updateOutput(input, y)
  local d = (input[1] - input[2]):abs():sum()
  local yy = type(y) == 'number' and y or y[1]
  self.output = yy == -1 and math.max(0, self.margin - d) or d
  return self.output
end

function L1H:updateGradInput(input, y)
  local yy = type(y) == 'number' and y or y[1]
  local g1 = self.gradInput[1]:resizeAs(input[1]):copy(input[1]):add(-1, input[2]):sign()
  local d = (input[1] - input[2]):abs():sum()
  if yy == -1 then
    if d > self.margin then g1:zero() else g1:mul(-1) end
  end
  self.gradInput[2]:resizeAs(g1):copy(g1):mul(-1)
  return self.gradInput
end

-- ---- CosineEmbeddingCriterion ---------------------------------------------

local CosE, cosparent = torch.class('nn.CosineEmbeddingCriterion', 'nn.Criterion')

function CosE:__init(margin)
  cosparent.__init(self)
  self.margin = margin or 0
  self.gradInput = { torch.Tensor(), torch.Tensor() }
  self.sizeAverage = true
end

local function cos_rows(input)
  local a, b = input[1], input[2]
  if a:dim() == 1 then a = a:view(1, -1); b = b:view(1, -1) end
  return a, b
end

function CosE:updateOutput(input, y)
  local a, b = cos_rows(input)
  local n = a:size(1)
  local s = 0
  self._cos = {}
  for i = 1, n do
    local ab, aa, bb = a[i]:dot(b[i]), a[i]:dot(a[i]) + 1e-12, b[i]:dot(b[i]) + 1e-12
    local c = ab / math.sqrt(aa * bb)
    self._cos[i] = { c, ab, aa, bb }
    local yi = type(y) == 'number' and y or y[i]
    if yi == 1 then s = s + 1 - c else s = s + math.max(0, c - self.margin) end
  end
  self.output = self.sizeAverage and s / n or s
  return self.output
end

function CosE:updateGradInput(input, y)
  local a, b = cos_rows(input)
  local n = a:size(1)
  local g1 = self.gradInput[1]:resizeAs(a):zero()
  local g2 = self.gradInput[2]:resizeAs(b):zero()
  local norm = self.sizeAverage and 1 / n or 1
  for i = 1, n do
    local c, ab, aa, bb = unpack(self._cos[i])
    local yi = type(y) == 'number' and y or y[i]
    local sgn = 0
    if yi == 1 then sgn = -1 elseif c > self.margin then sgn = 1 end
    if sgn ~= 0 then
      local k = 1 / math.sqrt(aa * bb)
      -- dc/da = b/|a||b| - c a/|a|^2
      g1[i]:copy(b[i]):mul(k):add(-c / aa, a[i]):mul(sgn * norm)
      g2[i]:copy(a[i]):mul(k):add(-c / bb, b[i]):mul(sgn * norm)
    end
  end
  if input[1]:dim() == 1 then
    g1:resize(input[1]:size(1))
    g2:resize(input[2]:size(1))
  end
  return self.gradInput
end

-- ---- MarginRankingCriterion: max(0, -y (x1 - x2) + margin) -----------------

local MR, mrparent = torch.class('nn.MarginRankingCriterion', 'nn.Criterion')

function MR:__init(margin)
  mrparent.__init(self)
  self.margin = margin or 1
  self.gradInput = { torch.Tensor(1), torch.Tensor(1) }
  self.sizeAverage = true
end

function MR:updateOutput(input, y)
  local a, b = input[1], input[2]
  if torch.type(a) == 'number' or a:nElement() == 1 then
    local x1 = type(a) == 'number' and a or a:view(-1)[1]
    local x2 = type(b) == 'number' and b or b:view(-1)[1]
    local yy = type(y) == 'number' and y or y:view(-1)[1]
    self.output = math.max(0, -yy * (x1 - x2) + self.margin)
  else
    local s = 0
    for i = 1, a:size(1) do s = s + math.max(0, -y[i] * (a[i] - b[i]) + self.margin) end
    self.output = self.sizeAverage and s / a:size(1) or s
  end
  return self.output
end

function MR:updateGradInput(input, y)
  local a, b = input[1], input[2]
  if torch.type(a) == 'number' or a:nElement() == 1 then
    local x1 = type(a) == 'number' and a or a:view(-1)[1]
    local x2 = type(b) == 'number' and b or b:view(-1)[1]
    local yy = type(y) == 'number' and y or y:view(-1)[1]
    local dist = -yy * (x1 - x2) + self.margin
    self.gradInput[1]:resize(1)
    self.gradInput[2]:resize(1)
    if dist < 0 then
      self.gradInput[1][1], self.gradInput[2][1] = 0, 0
    else
      self.gradInput[1][1], self.gradInput[2][1] = -yy, yy
    end
  else
    local n = a:size(1)
    self.gradInput[1]:resize(n)
    self.gradInput[2]:resize(n)
    local norm = self.sizeAverage and 1 / n or 1
    for i = 1, n do
      local dist = -y[i] * (a[i] - b[i]) + self.margin
      if dist > 0 then
        self.gradInput[1][i], self.gradInput[2][i] = -y[i] * norm, y[i] * norm
      else
        self.gradInput[1][i], self.gradInput[2][i] = 0, 0
      end
    end
  end
  return self.gradInput
end

-- ---- DistanceRatioCriterion: triplets {anchor-pos dist, anchor-neg dist} --
-- loss = -log(exp(-d_neg... ) ...) as Torch7: -log(e^{-dp} / (e^{-dp} + e^{-dn}))

local DRC, drcparent = torch.class('nn.DistanceRatioCriterion', 'nn.Criterion')

function DRC:__init(sizeAverage)
  drcparent.__init(self)
  self.sizeAverage = (sizeAverage == nil) and true or sizeAverage
  self.gradInput = { torch.Tensor(), torch.Tensor() }
end

-- input {dp, dn}: vectors of distances (positive pair, negative pair)
function DRC:updateOutput(input)
  local dp, dn = input[1], input[2]
  local s = 0
  for i = 1, dp:size(1) do
    -- log(1 + exp(dp - dn)), computed stably
    local z = dp[i] - dn[i]
    s = s + (z > 0 and z + math.log(1 + math.exp(-z)) or math.log(1 + math.exp(z)))
  end
  if self.sizeAverage then s = s / dp:size(1) end
  self.output = s
  return s
end

function DRC:updateGradInput(input)
  local dp, dn = input[1], input[2]
  local n = dp:size(1)
  self.gradInput[1]:resizeAs(dp)
  self.gradInput[2]:resizeAs(dn)
  local norm = self.sizeAverage and 1 / n or 1
  for i = 1, n do
    local s = 1 / (1 + math.exp(dn[i] - dp[i]))
    self.gradInput[1][i] = s * norm
    self.gradInput[2][i] = -s * norm
  end
  return self.gradInput
end
