-- nn/containers_table.lua: the containers whose inputs or outputs are
-- tables: ConcatTable, ParallelTable, MapTable.

-- The branching printout of ConcatTable and ParallelTable (shared with
-- Concat and Parallel).
local branches = nn.utils._branchString

-- ---- ConcatTable: same input to every child, a table of outputs -------

local ConcatTable, ctparent = torch.class('nn.ConcatTable', 'nn.Container')

function ConcatTable:__init()
  ctparent.__init(self)
  self.modules = {}
  self.output = {}
end

function ConcatTable:updateOutput(input)
  for i = 1, #self.modules do
    self.output[i] = self:rethrowErrors(self.modules[i], i, 'updateOutput', input)
  end
  for i = #self.modules + 1, #self.output do self.output[i] = nil end
  return self.output
end

-- Sum the children's gradients w.r.t. the shared input (tensors or
-- nested tables of tensors).
local function accumulate(self, out, grads)
  local function add(dst, src, first)
    if torch.type(src) == 'table' then
      dst = torch.type(dst) == 'table' and dst or {}
      for k, v in pairs(src) do dst[k] = add(dst[k], v, first) end
      return dst
    end
    if first then
      dst = torch.isTensor(dst) and dst or src.new()
      return dst:resizeAs(src):copy(src)
    end
    return dst:add(src)
  end
  for i = 1, #grads do out = add(out, grads[i], i == 1) end
  return out
end

function ConcatTable:_backward(method, input, gradOutput, scale)
  local grads = {}
  for i, module in ipairs(self.modules) do
    local gi = self:rethrowErrors(module, i, method, input, gradOutput[i], scale)
    if method ~= 'accGradParameters' and method ~= 'accUpdateGradParameters' then grads[i] = gi end
  end
  if #grads > 0 then
    if torch.isTensor(input) and not torch.isTensor(self.gradInput) then self.gradInput = input.new() end
    self.gradInput = accumulate(self, self.gradInput, grads)
  end
  return self.gradInput
end

function ConcatTable:updateGradInput(input, gradOutput)
  return self:_backward('updateGradInput', input, gradOutput)
end

function ConcatTable:backward(input, gradOutput, scale)
  return self:_backward('backward', input, gradOutput, scale or 1)
end

function ConcatTable:accGradParameters(input, gradOutput, scale)
  self:_backward('accGradParameters', input, gradOutput, scale or 1)
end

function ConcatTable:accUpdateGradParameters(input, gradOutput, lr)
  self:_backward('accUpdateGradParameters', input, gradOutput, lr)
end

function ConcatTable:__tostring__()
  return branches(self, '   `-> ')
end

-- ---- ParallelTable: child i takes input[i] ----------------------------

local ParallelTable, ptparent = torch.class('nn.ParallelTable', 'nn.Container')

function ParallelTable:__init()
  ptparent.__init(self)
  self.modules = {}
  self.output = {}
  self.gradInput = {}
end

function ParallelTable:updateOutput(input)
  for i = 1, #self.modules do
    self.output[i] = self:rethrowErrors(self.modules[i], i, 'updateOutput', input[i])
  end
  return self.output
end

function ParallelTable:updateGradInput(input, gradOutput)
  for i, module in ipairs(self.modules) do
    self.gradInput[i] = self:rethrowErrors(module, i, 'updateGradInput', input[i], gradOutput[i])
  end
  return self.gradInput
end

function ParallelTable:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  for i, module in ipairs(self.modules) do
    self:rethrowErrors(module, i, 'accGradParameters', input[i], gradOutput[i], scale)
  end
end

function ParallelTable:accUpdateGradParameters(input, gradOutput, lr)
  for i, module in ipairs(self.modules) do
    self:rethrowErrors(module, i, 'accUpdateGradParameters', input[i], gradOutput[i], lr)
  end
end

function ParallelTable:__tostring__()
  return branches(self, '  |`-> ')
end

-- ---- MapTable: one module, cloned with shared parameters per input ----

local MapTable, mparent = torch.class('nn.MapTable', 'nn.Container')

function MapTable:__init(module, shared)
  mparent.__init(self)
  self.shared = (shared == nil) and true or shared
  self.sharedparams = { 'weight', 'bias', 'gradWeight', 'gradBias' }
  self.output = {}
  self.gradInput = {}
  if module then self:add(module) end
end

function MapTable:add(module)
  assert(not self.module, 'Single module required')
  self.module = module
  self.modules[1] = self.module
  return self
end

function MapTable:resize(n)
  for i = #self.modules + 1, n do
    self.modules[i] = self.shared and self.module:clone(unpack(self.sharedparams)) or self.module:clone()
  end
end

function MapTable:updateOutput(input)
  self.output = {}
  self:resize(#input)
  for i = 1, #input do
    self.output[i] = self:rethrowErrors(self.modules[i], i, 'updateOutput', input[i])
  end
  return self.output
end

function MapTable:updateGradInput(input, gradOutput)
  self.gradInput = {}
  for i = 1, #input do
    self.gradInput[i] = self:rethrowErrors(self.modules[i], i, 'updateGradInput', input[i], gradOutput[i])
  end
  return self.gradInput
end

function MapTable:accGradParameters(input, gradOutput, scale)
  for i = 1, #input do
    self:rethrowErrors(self.modules[i], i, 'accGradParameters', input[i], gradOutput[i], scale)
  end
end

function MapTable:accUpdateGradParameters(input, gradOutput, lr)
  for i = 1, #input do
    self:rethrowErrors(self.modules[i], i, 'accUpdateGradParameters', input[i], gradOutput[i], lr)
  end
end

function MapTable:zeroGradParameters()
  if self.module then self.module:zeroGradParameters() end
end

function MapTable:updateParameters(lr)
  if self.module then self.module:updateParameters(lr) end
end

function MapTable:parameters()
  return self.module:parameters()
end

function MapTable:__tostring__()
  local tab, line = '  ', '\n'
  return torch.type(self) .. ' {' .. line .. tab .. (tostring(self.module):gsub(line, line .. tab)) .. line .. '}'
end
