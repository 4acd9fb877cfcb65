-- tests/test_nn_seeds.lua: the nn/optim listings that users copy from the
-- Torch7 tutorials, run as written (epoch counts reduced where noted, so
-- the suite stays fast), with checks on what they print and learn.

require 'nn'
require 'optim'

local T = {}

-- Run f with print captured; returns the printed lines joined by '\n'.
local function capture(f)
  local lines = {}
  local print0 = print
  print = function(...)
    local parts = {}
    for i = 1, select('#', ...) do parts[i] = tostring(select(i, ...)) end
    lines[#lines + 1] = table.concat(parts, '\t')
  end
  local ok, err = pcall(f)
  print = print0
  assert(ok, err)
  return table.concat(lines, '\n')
end

T.lenet5_blitz = function()
  local out = capture(function()
    local net = nn.Sequential()
    net:add(nn.SpatialConvolution(1, 6, 5, 5)) -- 1 input image channel, 6 output channels, 5x5 convolution kernel
    net:add(nn.SpatialMaxPooling(2,2,2,2))     -- A max-pooling operation that looks at 2x2 windows and finds the max.
    net:add(nn.SpatialConvolution(6, 16, 5, 5))
    net:add(nn.SpatialMaxPooling(2,2,2,2))
    net:add(nn.View(16*5*5))                    -- reshapes from a 3D tensor of 16x5x5 into 1D tensor of 16*5*5
    net:add(nn.Linear(16*5*5, 120))             -- fully connected layer (matrix multiplication between input and weights)
    net:add(nn.Linear(120, 84))
    net:add(nn.Linear(84, 10))                   -- 10 is the number of outputs of the network (in this case, 10 digits)
    net:add(nn.LogSoftMax())                     -- converts the output to a log-probability. Useful for classification problems
    print('Lenet5\n' .. net:__tostring());

    local input = torch.rand(1,32,32) -- pass a random tensor as input to the network
    local output = net:forward(input)
    print(output)
    net:zeroGradParameters() -- zero the internal gradient buffers of the network (will come to this later)
    local gradInput = net:backward(input, torch.rand(10))
    print(#gradInput)

    local criterion = nn.ClassNLLCriterion() -- a negative log-likelihood criterion for multi-class classification
    criterion:forward(output, 3) -- let's say the groundtruth was class number: 3
    local gradients = criterion:backward(output, 3)
    gradInput = net:backward(input, gradients)

    local m = nn.SpatialConvolution(1,3,2,2) -- learn 3 2x2 kernels
    print(m.weight) -- initially, the weights are randomly initialized
    print(m.bias) -- The operation in a convolution layer is: output = convolution(input,weight) + bias
  end)
  local expect = [[Lenet5
nn.Sequential {
  [input -> (1) -> (2) -> (3) -> (4) -> (5) -> (6) -> (7) -> (8) -> (9) -> output]
  (1): nn.SpatialConvolution(1 -> 6, 5x5)
  (2): nn.SpatialMaxPooling(2x2, 2,2)
  (3): nn.SpatialConvolution(6 -> 16, 5x5)
  (4): nn.SpatialMaxPooling(2x2, 2,2)
  (5): nn.View(400)
  (6): nn.Linear(400 -> 120)
  (7): nn.Linear(120 -> 84)
  (8): nn.Linear(84 -> 10)
  (9): nn.LogSoftMax
}]]
  assert_eq(out:sub(1, #expect), expect)
  assert(out:find('[torch.DoubleTensor of size 10]', 1, true))
  assert(out:find(' 1\n 32\n 32\n[torch.LongStorage of size 3]', 1, true))
  assert(out:find('[torch.DoubleTensor of size 3x1x2x2]', 1, true))
end

-- The linear-regression tutorial (getParameters + optim.sgd closure),
-- run as written: 1e4 epochs.
T.linear_regression_tutorial = function()
  local data = torch.Tensor{
    {40,  6,  4},
    {44, 10,  4},
    {46, 12,  5},
    {48, 14,  7},
    {52, 16,  9},
    {58, 18, 12},
    {60, 22, 14},
    {68, 24, 20},
    {74, 26, 21},
    {80, 32, 24}
  }
  local model = nn.Sequential()
  local ninputs = 2; local noutputs = 1
  model:add(nn.Linear(ninputs, noutputs))
  local criterion = nn.MSECriterion()
  local x, dl_dx = model:getParameters()
  local nidx = 0
  local feval = function(x_new)
    if x ~= x_new then x:copy(x_new) end
    nidx = (nidx or 0) + 1
    if nidx > (#data)[1] then nidx = 1 end
    local sample = data[nidx]
    local target = sample[{ {1} }]
    local inputs = sample[{ {2,3} }]
    dl_dx:zero()
    local loss_x = criterion:forward(model:forward(inputs), target)
    model:backward(inputs, criterion:backward(model.output, target))
    return loss_x, dl_dx
  end
  local sgd_params = { learningRate = 1e-3, learningRateDecay = 1e-4, weightDecay = 0, momentum = 0 }
  local path = os.tmpname()
  local logger = optim.Logger(path)
  logger:setNames { 'loss' }
  local first, current_loss
  for _ = 1, 1e4 do
    current_loss = 0
    for _ = 1, (#data)[1] do
      local _, fs = optim.sgd(feval, x, sgd_params)
      current_loss = current_loss + fs[1]
    end
    current_loss = current_loss / (#data)[1]
    first = first or current_loss
    logger:add { current_loss }
  end
  logger.file:close()
  local n = 0
  for _ in io.lines(path) do n = n + 1 end
  os.remove(path)
  assert(n == 1e4 + 1, 'logged lines ' .. n)
  assert(current_loss < 3 and current_loss < first, string.format('loss %g -> %g', first, current_loss))
  -- the fitted model predicts the table's first column
  local pred = model:forward(torch.Tensor { 6, 4 })[1]
  assert(math.abs(pred - 40) < 4, 'prediction ' .. pred)
end

-- The lab's training loop: trainEpoch with updateGradParameters(0.9) and
-- updateParameters(0.1), and a ConfusionMatrix over the predictions.
T.mlp_lab_train_epoch = function()
  torch.manualSeed(5)
  local n, nclass = 120, 3
  local inputs = torch.randn(n, 2)
  local targets = torch.Tensor(n)
  for i = 1, n do
    local a = math.atan2(inputs[i][2], inputs[i][1])
    targets[i] = math.floor((a + math.pi) / (2 * math.pi) * nclass) % nclass + 1
  end
  local model = nn.Sequential()
  model:add(nn.Linear(2, 20))
  model:add(nn.Tanh())
  model:add(nn.Linear(20, nclass))
  model:add(nn.LogSoftMax())
  local criterion = nn.ClassNLLCriterion()
  local cm = optim.ConfusionMatrix(nclass)
  local function trainEpoch(batchSize)
    cm:zero()
    local perm = torch.randperm(n)
    for i = 1, n, batchSize do
      local size = math.min(batchSize, n - i + 1)
      local x, y = torch.Tensor(size, 2), torch.Tensor(size)
      for j = 1, size do
        x[j]:copy(inputs[perm[i + j - 1]])
        y[j] = targets[perm[i + j - 1]]
      end
      local out = model:forward(x)
      criterion:forward(out, y)
      model:zeroGradParameters()
      model:backward(x, criterion:backward(out, y))
      model:updateGradParameters(0.9)
      model:updateParameters(0.1)
      cm:batchAdd(out, y)
    end
    cm:updateValids()
    return cm.totalValid
  end
  local acc
  for _ = 1, 60 do acc = trainEpoch(10) end
  assert(acc > 0.85, 'accuracy ' .. acc)
  assert(tostring(cm):find('global correct'))
end

return T
