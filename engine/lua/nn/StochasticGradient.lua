-- nn/StochasticGradient.lua: Torch7's simple trainer. dataset[i] is
-- {input, target} and dataset:size() the number of examples; each epoch
-- visits them (shuffled by default) and updates the module in place with
-- accUpdateGradParameters.

local SG = torch.class('nn.StochasticGradient')

function SG:__init(module, criterion)
  self.learningRate = 0.01
  self.learningRateDecay = 0
  self.maxIteration = 25
  self.shuffleIndices = true
  self.module = module
  self.criterion = criterion
  self.verbose = true
end

function SG:train(dataset)
  local iteration = 1
  local lr = self.learningRate
  local module, criterion = self.module, self.criterion
  local n = dataset:size()
  local order = self.shuffleIndices and torch.randperm(n, 'torch.LongTensor') or nil
  print('# StochasticGradient: training')
  while true do
    local err = 0
    for t = 1, n do
      local example = dataset[order and order[t] or t]
      local input, target = example[1], example[2]
      err = err + criterion:forward(module:forward(input), target)
      module:updateGradInput(input, criterion:updateGradInput(module.output, target))
      module:accUpdateGradParameters(input, criterion.gradInput, lr)
      if self.hookExample then self.hookExample(self, example) end
    end
    err = err / n
    if self.hookIteration then self.hookIteration(self, iteration, err) end
    if self.verbose then print('# current error = ' .. err) end
    iteration = iteration + 1
    lr = self.learningRate / (1 + iteration * self.learningRateDecay)
    if self.maxIteration > 0 and iteration > self.maxIteration then
      print('# StochasticGradient: you have reached the maximum number of iterations')
      print('# training error = ' .. err)
      break
    end
  end
end
