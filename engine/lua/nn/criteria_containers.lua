-- nn/criteria_containers.lua: the criteria made of other criteria or
-- modules: MultiCriterion, ParallelCriterion, ModuleCriterion.

-- ---- MultiCriterion, ParallelCriterion -----------------------------------

local Multi, mcparent = torch.class('nn.MultiCriterion', 'nn.Criterion')

function Multi:__init()
  mcparent.__init(self)
  self.criterions = {}
  self.weights = torch.DoubleStorage()
end

function Multi:add(criterion, weight)
  weight = weight or 1
  table.insert(self.criterions, criterion)
  self.weights:resize(#self.criterions, true)
  self.weights[#self.criterions] = weight
  return self
end

function Multi:updateOutput(input, target)
  self.output = 0
  for i = 1, #self.criterions do
    self.output = self.output + self.weights[i] * self.criterions[i]:updateOutput(input, target)
  end
  return self.output
end

function Multi:updateGradInput(input, target)
  self.gradInput = nn.utils.recursiveResizeAs(self.gradInput, input)
  nn.utils.recursiveFill(self.gradInput, 0)
  for i = 1, #self.criterions do
    nn.utils.recursiveAdd(self.gradInput, self.weights[i], self.criterions[i]:updateGradInput(input, target))
  end
  return self.gradInput
end

local Par, pcparent = torch.class('nn.ParallelCriterion', 'nn.Criterion')

function Par:__init(repeatTarget)
  pcparent.__init(self)
  self.criterions = {}
  self.weights = {}
  self.gradInput = {}
  self.repeatTarget = repeatTarget
end

function Par:add(criterion, weight)
  weight = weight or 1
  table.insert(self.criterions, criterion)
  table.insert(self.weights, weight)
  return self
end

function Par:updateOutput(input, target)
  self.output = 0
  for i, criterion in ipairs(self.criterions) do
    local t = self.repeatTarget and target or target[i]
    self.output = self.output + self.weights[i] * criterion:updateOutput(input[i], t)
  end
  return self.output
end

function Par:updateGradInput(input, target)
  self.gradInput = nn.utils.recursiveResizeAs(self.gradInput, input)
  nn.utils.recursiveFill(self.gradInput, 0)
  for i, criterion in ipairs(self.criterions) do
    local t = self.repeatTarget and target or target[i]
    nn.utils.recursiveAdd(self.gradInput[i], self.weights[i], criterion:updateGradInput(input[i], t))
  end
  return self.gradInput
end

-- ---- ModuleCriterion: criterion(inputModule(input), targetModule(target)) --

local ModC, mcrparent = torch.class('nn.ModuleCriterion', 'nn.Criterion')

function ModC:__init(criterion, inputModule, targetModule, castTarget)
  mcrparent.__init(self)
  self.inputModule = inputModule
  self.targetModule = targetModule
  self.castTarget = (castTarget == nil) and true or castTarget
  self.criterion = criterion
end

function ModC:updateOutput(input, target)
  if self.inputModule then self.input = self.inputModule:forward(input) end
  if self.targetModule then self.target = self.targetModule:forward(target) end
  self.output = self.criterion:forward(self.input or input, self.target or target)
  return self.output
end

function ModC:updateGradInput(input, target)
  self.gradInput = self.criterion:backward(self.input or input, self.target or target)
  if self.inputModule then self.gradInput = self.inputModule:backward(input, self.gradInput) end
  return self.gradInput
end
