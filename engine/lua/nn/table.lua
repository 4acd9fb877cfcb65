-- nn/table.lua: table layers: JoinTable, SplitTable, SelectTable,
-- NarrowTable, FlattenTable, ZipTable(OneToMany), CAdd/CSub/CMul/CDiv/
-- CMax/CMinTable, CAddTensorTable, DotProduct, PairwiseDistance,
-- CosineDistance, CriterionTable, MixtureTable.

-- ---- JoinTable: concatenate along a dimension ------------------------------

local Join, jparent = torch.class('nn.JoinTable', 'nn.Module')

function Join:__init(dimension, nInputDims)
  jparent.__init(self)
  self.size = torch.LongStorage()
  self.dimension = dimension
  self.gradInput = {}
  self.nInputDims = nInputDims
end

function Join:_getPositiveDimension(input)
  local dimension = self.dimension
  if dimension < 0 then
    dimension = input[1]:dim() + dimension + 1
  elseif self.nInputDims and input[1]:dim() == (self.nInputDims + 1) then
    dimension = dimension + 1
  end
  return dimension
end

function Join:updateOutput(input)
  local dimension = self:_getPositiveDimension(input)
  local size = input[1]:size():totable()
  size[dimension] = 0
  for i = 1, #input do size[dimension] = size[dimension] + input[i]:size(dimension) end
  self.output:resize(torch.LongStorage(size))
  local offset = 1
  for i = 1, #input do
    local n = input[i]:size(dimension)
    self.output:narrow(dimension, offset, n):copy(input[i])
    offset = offset + n
  end
  return self.output
end

function Join:updateGradInput(input, gradOutput)
  local dimension = self:_getPositiveDimension(input)
  for i = 1, #input do
    self.gradInput[i] = self.gradInput[i] or input[i].new()
    self.gradInput[i]:resizeAs(input[i])
  end
  for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
  local offset = 1
  for i = 1, #input do
    local n = input[i]:size(dimension)
    self.gradInput[i]:copy(gradOutput:narrow(dimension, offset, n))
    offset = offset + n
  end
  return self.gradInput
end

-- ---- SplitTable: a tensor into a table of slices ----------------------------

local Split, sparent = torch.class('nn.SplitTable', 'nn.Module')

function Split:__init(dimension, nInputDims)
  sparent.__init(self)
  self.dimension = dimension
  self.nInputDims = nInputDims
end

function Split:_getPositiveDimension(input)
  local dimension = self.dimension
  if dimension < 0 then
    dimension = input:dim() + dimension + 1
  elseif self.nInputDims and input:dim() == (self.nInputDims + 1) then
    dimension = dimension + 1
  end
  return dimension
end

function Split:updateOutput(input)
  local dimension = self:_getPositiveDimension(input)
  local slices = input:size(dimension)
  local currentOutput = {}
  for i = 1, slices do currentOutput[#currentOutput + 1] = input:select(dimension, i) end
  self.output = currentOutput
  return self.output
end

function Split:updateGradInput(input, gradOutput)
  local dimension = self:_getPositiveDimension(input)
  if torch.type(self.gradInput) ~= torch.type(input) then self.gradInput = input.new() end
  self.gradInput:resizeAs(input)
  for i = 1, input:size(dimension) do
    if gradOutput[i] then self.gradInput:select(dimension, i):copy(gradOutput[i]) end
  end
  return self.gradInput
end

-- ---- SelectTable, NarrowTable -------------------------------------------

local function zeroTableCopy(t1, t2)
  for k, v in pairs(t2) do
    if torch.type(v) == 'table' then
      t1[k] = zeroTableCopy(t1[k] or {}, v)
    elseif torch.isTensor(v) then
      if not t1[k] then t1[k] = v.new() end
      t1[k]:resizeAs(v):zero()
    else
      t1[k] = nil
    end
  end
  for k in pairs(t1) do if not t2[k] then t1[k] = nil end end
  return t1
end

local SelectTable, stparent = torch.class('nn.SelectTable', 'nn.Module')

function SelectTable:__init(index)
  stparent.__init(self)
  self.index = index
  self.gradInput = {}
end

function SelectTable:updateOutput(input)
  local index = self.index < 0 and #input + self.index + 1 or self.index
  assert(input[index], 'index does not exist in the input table')
  self.output = input[index]
  return self.output
end

function SelectTable:updateGradInput(input, gradOutput)
  local index = self.index < 0 and #input + self.index + 1 or self.index
  zeroTableCopy(self.gradInput, input)
  nn.utils.recursiveCopy(self.gradInput[index], gradOutput)
  if torch.isTensor(gradOutput) then self.gradInput[index]:copy(gradOutput) end
  return self.gradInput
end

function SelectTable:__tostring__()
  return torch.type(self) .. '(' .. self.index .. ')'
end

local NarrowTable, ntparent = torch.class('nn.NarrowTable', 'nn.Module')

function NarrowTable:__init(offset, length)
  ntparent.__init(self)
  self.offset = offset
  self.length = length or 1
  self.output = {}
  self.gradInput = {}
end

function NarrowTable:updateOutput(input)
  for k in ipairs(self.output) do self.output[k] = nil end
  for i = 1, self.length do self.output[i] = input[self.offset + i - 1] end
  return self.output
end

function NarrowTable:updateGradInput(input, gradOutput)
  zeroTableCopy(self.gradInput, input)
  for i = 1, self.length do
    self.gradInput[self.offset + i - 1] = nn.utils.recursiveCopy(self.gradInput[self.offset + i - 1], gradOutput[i])
  end
  return self.gradInput
end

-- ---- element-wise ops over a table of tensors ---------------------------

local CAdd, caparent = torch.class('nn.CAddTable', 'nn.Module')

function CAdd:__init(ip)
  caparent.__init(self)
  self.inplace = ip
  self.gradInput = {}
end

function CAdd:updateOutput(input)
  if self.inplace then self.output:set(input[1]) else self.output:resizeAs(input[1]):copy(input[1]) end
  for i = 2, #input do self.output:add(input[i]) end
  return self.output
end

function CAdd:updateGradInput(input, gradOutput)
  for i = 1, #input do
    self.gradInput[i] = self.gradInput[i] or input[1].new()
    if self.inplace then self.gradInput[i]:set(gradOutput)
    else self.gradInput[i]:resizeAs(input[i]):copy(gradOutput) end
  end
  for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
  return self.gradInput
end

local CSub, csparent = torch.class('nn.CSubTable', 'nn.Module')

function CSub:__init()
  csparent.__init(self)
  self.gradInput = {}
end

function CSub:updateOutput(input)
  self.output:resizeAs(input[1]):copy(input[1]):add(-1, input[2])
  return self.output
end

function CSub:updateGradInput(input, gradOutput)
  self.gradInput[1] = self.gradInput[1] or input[1].new()
  self.gradInput[2] = self.gradInput[2] or input[1].new()
  self.gradInput[1]:resizeAs(input[1]):copy(gradOutput)
  self.gradInput[2]:resizeAs(input[2]):copy(gradOutput):mul(-1)
  for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
  return self.gradInput
end

local CMul, cmparent = torch.class('nn.CMulTable', 'nn.Module')

function CMul:__init()
  cmparent.__init(self)
  self.gradInput = {}
end

function CMul:updateOutput(input)
  self.output:resizeAs(input[1]):copy(input[1])
  for i = 2, #input do self.output:cmul(input[i]) end
  return self.output
end

function CMul:updateGradInput(input, gradOutput)
  for i = 1, #input do
    self.gradInput[i] = self.gradInput[i] or input[1].new()
    self.gradInput[i]:resizeAs(input[i]):copy(gradOutput)
    for j = 1, #input do
      if i ~= j then self.gradInput[i]:cmul(input[j]) end
    end
  end
  for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
  return self.gradInput
end

local CDiv, cdparent = torch.class('nn.CDivTable', 'nn.Module')

function CDiv:__init()
  cdparent.__init(self)
  self.gradInput = {}
end

function CDiv:updateOutput(input)
  self.output:resizeAs(input[1]):copy(input[1]):cdiv(input[2])
  return self.output
end

function CDiv:updateGradInput(input, gradOutput)
  self.gradInput[1] = self.gradInput[1] or input[1].new()
  self.gradInput[2] = self.gradInput[2] or input[1].new()
  self.gradInput[1]:resizeAs(input[1]):copy(gradOutput):cdiv(input[2])
  self.gradInput[2]:resizeAs(input[2]):zero():addcdiv(-1, self.gradInput[1], input[2]):cmul(input[1])
  for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
  return self.gradInput
end

local CMax, cmxparent = torch.class('nn.CMaxTable', 'nn.Module')

function CMax:__init()
  cmxparent.__init(self)
  self.gradInput = {}
end

-- output = element-wise max; the gradient goes to the (first) arg-max input
function CMax:updateOutput(input)
  self.output:resizeAs(input[1]):copy(input[1])
  for i = 2, #input do self.output:cmax(input[i]) end
  return self.output
end

function CMax:updateGradInput(input, gradOutput)
  local taken = self._taken or input[1].new()
  self._taken = taken
  taken:resizeAs(input[1]):zero()
  for i = 1, #input do
    self.gradInput[i] = self.gradInput[i] or input[1].new()
    -- mask of positions where input i is the max and no earlier input was
    local m = input[i].new():resizeAs(input[i]):copy(input[i]):add(-1, self.output):abs()
    m:apply(function(v) return v == 0 and 1 or 0 end)
    m:add(-1, taken):cmax(0)
    taken:add(m)
    self.gradInput[i]:resizeAs(input[i]):copy(gradOutput):cmul(m)
  end
  for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
  return self.gradInput
end

local CMin, cmnparent = torch.class('nn.CMinTable', 'nn.Module')

function CMin:__init()
  cmnparent.__init(self)
  self.gradInput = {}
end

function CMin:updateOutput(input)
  self.output:resizeAs(input[1]):copy(input[1])
  for i = 2, #input do self.output:cmin(input[i]) end
  return self.output
end

CMin.updateGradInput = CMax.updateGradInput

-- ---- FlattenTable: nested tables -> one flat table --------------------------

local Flatten, ftparent = torch.class('nn.FlattenTable', 'nn.Module')

function Flatten:__init()
  ftparent.__init(self)
  self.output = {}
  self.input_map = {}
  self.gradInput = {}
end

local function flatten(output, input)
  if torch.type(input) == 'table' then
    local map = {}
    for i = 1, #input do map[#map + 1] = flatten(output, input[i]) end
    return map
  end
  output[#output + 1] = input
  return #output
end

local function inverse(gradInput, map, gradOutput, input)
  if torch.type(map) == 'table' then
    gradInput = torch.type(gradInput) == 'table' and gradInput or {}
    for i = 1, #map do gradInput[i] = inverse(gradInput[i], map[i], gradOutput, input[i]) end
    for i = #map + 1, #gradInput do gradInput[i] = nil end
    return gradInput
  end
  return gradOutput[map]
end

function Flatten:updateOutput(input)
  self.output = {}
  self.input_map = flatten(self.output, input)
  return self.output
end

function Flatten:updateGradInput(input, gradOutput)
  self.gradInput = inverse(self.gradInput, self.input_map, gradOutput, input)
  return self.gradInput
end

-- ---- distances and products of pairs ----------------------------------------

local DotProduct, dpparent = torch.class('nn.DotProduct', 'nn.Module')

function DotProduct:__init()
  dpparent.__init(self)
  self.gradInput = { torch.Tensor(), torch.Tensor() }
end

function DotProduct:updateOutput(input)
  local a, b = input[1], input[2]
  if a:dim() == 1 then a = a:view(1, -1); b = b:view(1, -1) end
  self.buffer = self.buffer or a.new()
  self.buffer:resizeAs(a):copy(a):cmul(b)
  torch.sum(self.output, self.buffer, 2)
  self.output:resize(a:size(1))
  return self.output
end

function DotProduct:updateGradInput(input, gradOutput)
  local a, b = input[1], input[2]
  local single = a:dim() == 1
  local g = gradOutput
  if single then a = a:view(1, -1); b = b:view(1, -1); g = g:view(1) end
  self.gradInput[1] = self.gradInput[1] or a.new()
  self.gradInput[2] = self.gradInput[2] or a.new()
  local ge = g:contiguous():view(-1, 1):expandAs(a)
  self.gradInput[1]:resizeAs(a):copy(b):cmul(ge)
  self.gradInput[2]:resizeAs(b):copy(a):cmul(ge)
  if single then
    self.gradInput[1]:resize(input[1]:size(1))
    self.gradInput[2]:resize(input[2]:size(1))
  end
  return self.gradInput
end

local PD, pdparent = torch.class('nn.PairwiseDistance', 'nn.Module')

function PD:__init(p)
  pdparent.__init(self)
  assert(p and p > 0, 'nn.PairwiseDistance(p): p must be positive')
  self.gradInput = {}
  self.diff = torch.Tensor()
  self.norm = p
end

function PD:updateOutput(input)
  local a, b = input[1], input[2]
  local single = a:dim() == 1
  if single then a = a:view(1, -1); b = b:view(1, -1) end
  self.diff:resizeAs(a):copy(a):add(-1, b)
  local n = a:size(1)
  self.output:resize(n)
  local p = self.norm
  for i = 1, n do
    local s = 0
    self.diff[i]:apply(function(v) s = s + math.abs(v) ^ p end)
    self.output[i] = s ^ (1 / p)
  end
  if single then self.output:resize(1) end
  return self.output
end

function PD:updateGradInput(input, gradOutput)
  local a = input[1]
  local single = a:dim() == 1
  local n = single and 1 or a:size(1)
  local p = self.norm
  self.gradInput[1] = self.gradInput[1] or a.new()
  self.gradInput[2] = self.gradInput[2] or a.new()
  local g1 = self.gradInput[1]:resizeAs(self.diff)
  for i = 1, n do
    local o = self.output[i]
    local gi = g1[i]:copy(self.diff[i])
    if o > 0 then
      gi:apply(function(v) return (math.abs(v) ^ (p - 1)) * (v > 0 and 1 or (v < 0 and -1 or 0)) end)
      gi:mul(gradOutput[i] / o ^ (p - 1))
    else
      gi:zero()
    end
  end
  if single then g1:resize(a:size(1)) end
  self.gradInput[2]:resizeAs(g1):copy(g1):mul(-1)
  return self.gradInput
end

-- ---- CriterionTable: a criterion as a module over {input, target} --------

local CT, ctparent = torch.class('nn.CriterionTable', 'nn.Module')

function CT:__init(criterion)
  ctparent.__init(self)
  self.criterion = criterion
  self.gradInput = { criterion.gradInput }
end

function CT:updateOutput(input)
  self.output = self.criterion:updateOutput(table.unpack and table.unpack(input) or unpack(input))
  return self.output
end

function CT:updateGradInput(input, gradOutput)
  self.criterion:updateGradInput(table.unpack and table.unpack(input) or unpack(input))
  self.gradInput[1] = self.criterion.gradInput
  return self.gradInput
end

-- ---- CosineDistance: cosine similarity of two vectors (or rows) ---------

local CosD, cdparent2 = torch.class('nn.CosineDistance', 'nn.Module')

function CosD:__init()
  cdparent2.__init(self)
  self.gradInput = { torch.Tensor(), torch.Tensor() }
end

function CosD:updateOutput(input)
  local a, b = input[1], input[2]
  if a:dim() == 1 then a = a:view(1, -1); b = b:view(1, -1) end
  local n = a:size(1)
  self.output:resize(n)
  self._stats = {}
  for i = 1, n do
    local ab, aa, bb = a[i]:dot(b[i]), a[i]:dot(a[i]) + 1e-12, b[i]:dot(b[i]) + 1e-12
    local c = ab / math.sqrt(aa * bb)
    self._stats[i] = { c, aa, bb }
    self.output[i] = c
  end
  if input[1]:dim() == 1 then self.output:resize(1) end
  return self.output
end

function CosD:updateGradInput(input, gradOutput)
  local a, b = input[1], input[2]
  local single = a:dim() == 1
  if single then a = a:view(1, -1); b = b:view(1, -1) end
  local n = a:size(1)
  local g1 = self.gradInput[1]:resizeAs(a)
  local g2 = self.gradInput[2]:resizeAs(b)
  for i = 1, n do
    local c, aa, bb = unpack(self._stats[i])
    local k = 1 / math.sqrt(aa * bb)
    local go = gradOutput[i]
    g1[i]:copy(b[i]):mul(k):add(-c / aa, a[i]):mul(go)
    g2[i]:copy(a[i]):mul(k):add(-c / bb, b[i]):mul(go)
  end
  if single then
    g1:resize(input[1]:size(1))
    g2:resize(input[2]:size(1))
  end
  return self.gradInput
end

-- ---- ZipTable, ZipTableOneToMany, CAddTensorTable ------------------------

local Zip, zparent = torch.class('nn.ZipTable', 'nn.Module')

-- {{a1, a2}, {b1, b2}} -> {{a1, b1}, {a2, b2}}
function Zip:__init()
  zparent.__init(self)
  self.output = {}
  self.gradInput = {}
end

function Zip:updateOutput(inTable)
  self.output = {}
  for i, l1 in ipairs(inTable) do
    for j, l2 in ipairs(l1) do
      self.output[j] = self.output[j] or {}
      self.output[j][i] = l2
    end
  end
  return self.output
end

function Zip:updateGradInput(inTable, gradOutputTable)
  self.gradInput = {}
  for i, l1 in ipairs(gradOutputTable) do
    for j, l2 in ipairs(l1) do
      self.gradInput[j] = self.gradInput[j] or {}
      self.gradInput[j][i] = l2
    end
  end
  return self.gradInput
end

local ZipOne, zoparent = torch.class('nn.ZipTableOneToMany', 'nn.Module')

-- {v, {a1, a2}} -> {{v, a1}, {v, a2}}
function ZipOne:__init()
  zoparent.__init(self)
  self.output = {}
  self.gradInput = {}
  self.gradInputEl = torch.Tensor()
end

function ZipOne:updateOutput(input)
  local el, tab = input[1], input[2]
  self.output = {}
  for i, v in ipairs(tab) do self.output[i] = { el, v } end
  return self.output
end

function ZipOne:updateGradInput(input, gradOutput)
  local el, tab = input[1], input[2]
  self.gradInputEl = self.gradInputEl:typeAs(el)
  self.gradInputEl:resizeAs(el):zero()
  local gt = {}
  for i = 1, #tab do
    self.gradInputEl:add(gradOutput[i][1])
    gt[i] = gradOutput[i][2]
  end
  self.gradInput = { self.gradInputEl, gt }
  return self.gradInput
end

local CATT, cattparent = torch.class('nn.CAddTensorTable', 'nn.Module')

-- {v, {a1, a2}} -> {v + a1, v + a2}
function CATT:__init()
  cattparent.__init(self)
  self.gradInput = {}
  self.output = {}
end

function CATT:updateOutput(input)
  local v, tab = input[1], input[2]
  for i = 1, #tab do
    self.output[i] = self.output[i] or v.new()
    self.output[i]:resizeAs(v):copy(v):add(tab[i])
  end
  for i = #tab + 1, #self.output do self.output[i] = nil end
  return self.output
end

function CATT:updateGradInput(input, gradOutput)
  local v, tab = input[1], input[2]
  self.gradInput[1] = self.gradInput[1] or v.new()
  self.gradInput[1]:resizeAs(v):zero()
  self.gradInput[2] = self.gradInput[2] or {}
  for i = 1, #tab do
    self.gradInput[1]:add(gradOutput[i])
    self.gradInput[2][i] = self.gradInput[2][i] or v.new()
    self.gradInput[2][i]:resizeAs(gradOutput[i]):copy(gradOutput[i])
  end
  for i = #tab + 1, #self.gradInput[2] do self.gradInput[2][i] = nil end
  return self.gradInput
end

-- ---- MixtureTable: sum_e gater[e] * expert_e -------------------------------
-- input {gater [n, E] (or [E]), experts}: experts a table of E tensors or a
-- tensor with the expert dimension dim (2 for a batch, 1 for a sample).

local Mix, mixparent = torch.class('nn.MixtureTable', 'nn.Module')

function Mix:__init(dim)
  mixparent.__init(self)
  self.dim = dim
  self.size = torch.LongStorage()
  self.batchSize = 0
  self.size2 = torch.LongStorage()
  self.backwardSetup = false
  self.gradInput = {}
end

local function gate_view(g, like, batch)
  -- gater column as a tensor broadcast to the expert's shape
  local sz = like:size():totable()
  local v = {}
  for i = 1, #sz do v[i] = 1 end
  if batch then v[1] = sz[1] end
  return g:contiguous():view(torch.LongStorage(v)):expandAs(like)
end

function Mix:updateOutput(input)
  local gater, experts = input[1], input[2]
  local batch = gater:dim() == 2
  if torch.type(experts) == 'table' then
    local first = experts[1]
    self.output:resizeAs(first):zero()
    for e = 1, #experts do
      local ge = batch and gater:select(2, e) or gater:narrow(1, e, 1)
      self.output:addcmul(1, experts[e], gate_view(ge, experts[e], batch))
    end
  else
    local dim = self.dim or (batch and 2 or 1)
    local E = experts:size(dim)
    local first = experts:select(dim, 1)
    self.output:resizeAs(first):zero()
    for e = 1, E do
      local ex = experts:select(dim, e)
      local ge = batch and gater:select(2, e) or gater:narrow(1, e, 1)
      self.output:addcmul(1, ex, gate_view(ge, ex, batch))
    end
  end
  return self.output
end

function Mix:updateGradInput(input, gradOutput)
  local gater, experts = input[1], input[2]
  local batch = gater:dim() == 2
  self.gradInput[1] = self.gradInput[1] or gater.new()
  local gg = self.gradInput[1]:resizeAs(gater)
  local function one(e, ex, gex)
    local ge = batch and gater:select(2, e) or gater:narrow(1, e, 1)
    gex:resizeAs(ex):copy(gradOutput):cmul(gate_view(ge, ex, batch))
    local prod = ex.new():resizeAs(ex):copy(ex):cmul(gradOutput)
    if batch then
      gg:select(2, e):copy(prod:view(prod:size(1), -1):sum(2):view(-1))
    else
      gg[e] = prod:sum()
    end
  end
  if torch.type(experts) == 'table' then
    self.gradInput[2] = torch.type(self.gradInput[2]) == 'table' and self.gradInput[2] or {}
    for e = 1, #experts do
      self.gradInput[2][e] = self.gradInput[2][e] or experts[e].new()
      one(e, experts[e], self.gradInput[2][e])
    end
    for e = #experts + 1, #self.gradInput[2] do self.gradInput[2][e] = nil end
  else
    local dim = self.dim or (batch and 2 or 1)
    if not torch.isTensor(self.gradInput[2]) then self.gradInput[2] = experts.new() end
    self.gradInput[2]:resizeAs(experts)
    for e = 1, experts:size(dim) do
      local buf2 = experts.new()
      one(e, experts:select(dim, e), buf2)
      self.gradInput[2]:select(dim, e):copy(buf2)
    end
  end
  return self.gradInput
end
