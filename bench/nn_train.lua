-- bench/nn_train.lua: training throughput (examples/s) of the issue-6
-- networks in float32: one step = forward, criterion, backward, SGD update
-- through getParameters, as the seeds write it.
--
--   build/th bench/nn_train.lua [mlp|mlp1|lenet ...] [threads=N]
-- Prints one line per network: name, batch, threads, examples/s (best of
-- several timed runs).

require 'nn'

local nets = {}

-- MLP 784-500-10, Tanh, LogSoftMax, ClassNLL, SGD
function nets.mlp(batch)
  local m = nn.Sequential():add(nn.Linear(784, 500)):add(nn.Tanh()):add(nn.Linear(500, 10)):add(nn.LogSoftMax())
  return m, torch.FloatTensor(batch, 784):uniform(), batch
end

function nets.lenet(batch)
  local m = nn.Sequential()
  m:add(nn.SpatialConvolution(1, 6, 5, 5)):add(nn.ReLU()):add(nn.SpatialMaxPooling(2, 2, 2, 2))
  m:add(nn.SpatialConvolution(6, 16, 5, 5)):add(nn.ReLU()):add(nn.SpatialMaxPooling(2, 2, 2, 2))
  m:add(nn.View(16 * 5 * 5)):add(nn.Linear(400, 120)):add(nn.ReLU()):add(nn.Linear(120, 84)):add(nn.ReLU())
  m:add(nn.Linear(84, 10)):add(nn.LogSoftMax())
  return m, torch.FloatTensor(batch, 1, 32, 32):uniform(), batch
end

local function bench(name, make, batch, threads)
  torch.setnumthreads(threads)
  local m, x = make(batch)
  m:float()
  local crit = nn.ClassNLLCriterion():float()
  local y = torch.FloatTensor(batch)
  for i = 1, batch do y[i] = (i % 10) + 1 end
  if batch == 1 then
    x = x[1]
    y = y[1]
  end
  local params, grads = m:getParameters()
  local function step()
    grads:zero()
    crit:forward(m:forward(x), y)
    m:backward(x, crit:backward(m.output, y))
    params:add(-0.01, grads)
  end
  -- warm up, then size each timed run to about half a second
  local t0 = torch.Timer()
  for _ = 1, 10 do step() end
  local per = t0:time().real / 10
  local iters = math.max(5, math.floor(0.5 / per))
  local best = 0
  for _ = 1, 5 do
    local t = torch.Timer()
    for _ = 1, iters do step() end
    local eps = iters * batch / t:time().real
    if eps > best then best = eps end
  end
  print(string.format('%-8s batch %-3d threads %d  %10.0f examples/s', name, batch, threads, best))
end

local which, threads = {}, nil
for _, a in ipairs(arg or {}) do
  local t = a:match('^threads=(%d+)$')
  if t then threads = tonumber(t) else which[#which + 1] = a end
end
if #which == 0 then which = { 'mlp', 'mlp1', 'lenet' } end
local tlist = threads and { threads } or { 1, 2 }
for _, n in ipairs(which) do
  for _, t in ipairs(tlist) do
    if n == 'mlp' then bench('mlp', nets.mlp, 60, t)
    elseif n == 'mlp1' then bench('mlp', nets.mlp, 1, t)
    elseif n == 'lenet' then bench('lenet', nets.lenet, 60, t)
    else error('unknown network ' .. n) end
  end
end
