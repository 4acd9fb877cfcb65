-- bench/nn_train.lua: training throughput of the issue-6 networks in
-- float32, the same networks, batches and step as
-- ../shared/bench/anchor_pytorch.py (bench/nn_run.sh runs both and prints
-- the ratios). One training step = zero the gradients, forward, criterion,
-- backward, SGD update through getParameters, as the seeds write it; the
-- batches cycle through a fixed random data set as the anchor's do.
--
--   build/th bench/nn_train.lua [net ...] [threads=N] [reps=N] [cpu=1]
--     nets: mlp (batch 60), mlp1 (batch 1), mlpni (batch 60 without the
--           first layer's input gradient), lenet (1x32x32), cnn96, cnn256
--           (Collobert et al. 2011, Table 1; batch 60), vgg (VGG-A forward
--           + backward, batch 8)
-- cpu=1 times with the process's CPU time instead of the wall clock: on a
-- loaded machine, 1-thread figures then count only the time we ran (not
-- comparable with the anchor's wall-clock figures; for A/B of two builds).
-- Prints one line per network and thread count: `name value unit`, the
-- median of the timed repeats (names as the anchor script's, e.g.
-- mlp_train_b60_2t), plus a '#' line with every repeat.

require 'nn'

local nets = {}

-- MLP 784-500-10, Tanh, LogSoftMax, ClassNLL, SGD
local function mlp()
  return nn.Sequential():add(nn.Linear(784, 500)):add(nn.Tanh()):add(nn.Linear(500, 10))
    :add(nn.LogSoftMax())
end

-- The anchor's make_cnn: LeNet-like at 32x32; Collobert et al.'s networks
-- at 96x96 and 256x256 (kernels 7, pooling 3/3 and 5/4).
local function cnn(size)
  local k1, p1, k2, p2 = 5, 2, 5, 2
  if size == 96 then k1, p1, k2, p2 = 7, 3, 7, 3 end
  if size == 256 then k1, p1, k2, p2 = 7, 5, 7, 4 end
  local s = math.floor((math.floor((size - k1 + 1) / p1) - k2 + 1) / p2)
  local m = nn.Sequential()
  m:add(nn.SpatialConvolution(1, 6, k1, k1)):add(nn.Tanh()):add(nn.SpatialMaxPooling(p1, p1, p1, p1))
  m:add(nn.SpatialConvolution(6, 16, k2, k2)):add(nn.Tanh()):add(nn.SpatialMaxPooling(p2, p2, p2, p2))
  m:add(nn.View(16 * s * s))
  m:add(nn.Linear(16 * s * s, 120)):add(nn.Tanh())
  m:add(nn.Linear(120, 10)):add(nn.LogSoftMax())
  return m
end

-- VGG-A (convnet-benchmarks' vgg_a.lua): no dropout, no softmax.
local function vgg_a()
  local cfg = { 64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M' }
  local m, c = nn.Sequential(), 3
  for _, v in ipairs(cfg) do
    if v == 'M' then
      m:add(nn.SpatialMaxPooling(2, 2, 2, 2))
    else
      m:add(nn.SpatialConvolution(c, v, 3, 3, 1, 1, 1, 1)):add(nn.ReLU(true))
      c = v
    end
  end
  m:add(nn.View(512 * 7 * 7))
  m:add(nn.Linear(512 * 7 * 7, 4096)):add(nn.ReLU(true))
  m:add(nn.Linear(4096, 4096)):add(nn.ReLU(true))
  m:add(nn.Linear(4096, 1000))
  return m
end

local use_cpu_clock = false
-- A function returning the seconds elapsed since the call.
local function stopwatch()
  if use_cpu_clock then
    local t0 = os.clock()
    return function() return os.clock() - t0 end
  end
  local t = torch.Timer()
  return function() return t:time().real end
end

local function median(t)
  local s = {}
  for i, v in ipairs(t) do s[i] = v end
  table.sort(s)
  local n = #s
  return n % 2 == 1 and s[(n + 1) / 2] or (s[n / 2] + s[n / 2 + 1]) / 2
end

local function report(name, value, unit, reps)
  local r = {}
  for i, v in ipairs(reps) do r[i] = string.format('%.4g', v) end
  io.stderr:write(string.format('# %s: repeats %s\n', name, table.concat(r, ', ')))
  print(string.format('%s %.1f %s', name, value, unit))
  io.stdout:flush()
end

-- examples/s of SGD training: steps_per_rep steps, median over reps.
local function train(name, m, X, Y, batch, steps, reps, warmup)
  m:float()
  local crit = nn.ClassNLLCriterion():float()
  local params, grads = m:getParameters()
  local N, pos = X:size(1), 1
  local function step()
    if pos + batch - 1 > N then pos = 1 end
    local x, y
    if batch == 1 then
      x, y = X[pos], Y[pos]
    else
      x, y = X:narrow(1, pos, batch), Y:narrow(1, pos, batch)
    end
    pos = pos + batch
    grads:zero()
    crit:forward(m:forward(x), y)
    m:backward(x, crit:backward(m.output, y))
    params:add(-0.01, grads)
  end
  for _ = 1, warmup do step() end
  local rates = {}
  for r = 1, reps do
    local elapsed = stopwatch()
    for _ = 1, steps do step() end
    rates[r] = steps * batch / elapsed()
  end
  report(name, median(rates), 'examples/s', rates)
end

function nets.mlp(t, reps, batch)
  batch = batch or 60
  torch.manualSeed(0)
  local X = torch.FloatTensor(6000, 784):normal()
  local Y = torch.FloatTensor(6000):random(1, 10)
  torch.manualSeed(1)
  local steps = batch == 1 and 3000 or 300
  train(string.format('mlp_train_b%d_%dt', batch, t), mlp(), X, Y, batch, steps, reps,
        math.max(2, math.floor(steps / 5)))
end

function nets.mlp1(t, reps) nets.mlp(t, reps, 1) end

-- The batch-60 MLP without the first layer's input gradient, which the
-- training loop never reads: Torch7's Linear skips it when its gradInput
-- is nil. PyTorch's step (the anchor's) never computes it, so this is the
-- same arithmetic as the anchor's; nn_run.sh compares it with the anchor's
-- mlp figure.
function nets.mlpni(t, reps)
  local m = mlp()
  m.modules[1].gradInput = nil
  torch.manualSeed(0)
  local X = torch.FloatTensor(6000, 784):normal()
  local Y = torch.FloatTensor(6000):random(1, 10)
  torch.manualSeed(1)
  train(string.format('mlp_noinputgrad_train_b60_%dt', t), m, X, Y, 60, 300, reps, 60)
end

-- size: steps per repeat, as the anchor's CNN_PLAN
local cnn_plan = { [32] = 100, [96] = 15, [256] = 3 }

local function cnn_bench(size, t, reps)
  torch.manualSeed(0)
  local nex = size < 256 and 600 or 120
  local X = torch.FloatTensor(nex, 1, size, size):normal()
  local Y = torch.FloatTensor(nex):random(1, 10)
  torch.manualSeed(1)
  train(string.format('cnn%d_train_b60_%dt', size, t), cnn(size), X, Y, 60, cnn_plan[size],
        size == 256 and math.min(reps, 3) or reps, 2)
end

function nets.lenet(t, reps) cnn_bench(32, t, reps) end
function nets.cnn96(t, reps) cnn_bench(96, t, reps) end
function nets.cnn256(t, reps) cnn_bench(256, t, reps) end

-- VGG-A forward + backward at batch 8 (no criterion: a random gradient at
-- the output), in ms: one warm-up, then the median of 3.
function nets.vgg(t)
  torch.manualSeed(0)
  local m = vgg_a():float()
  local x = torch.FloatTensor(8, 3, 224, 224):normal()
  local g = torch.FloatTensor(8, 1000):normal()
  local _, grads = m:getParameters()
  local function it()
    grads:zero()
    local elapsed = stopwatch()
    m:forward(x)
    local t1 = elapsed()
    m:backward(x, g)
    local t2 = elapsed()
    return t1 * 1e3, (t2 - t1) * 1e3
  end
  it()
  local tot, fwd, bwd = {}, {}, {}
  for r = 1, 3 do
    fwd[r], bwd[r] = it()
    tot[r] = fwd[r] + bwd[r]
  end
  report(string.format('vgg_a_fwd_bwd_b8_%dt', t), median(tot), 'ms', tot)
  report(string.format('vgg_a_fwd_b8_%dt', t), median(fwd), 'ms', fwd)
  report(string.format('vgg_a_bwd_b8_%dt', t), median(bwd), 'ms', bwd)
end

local which, threads, reps = {}, nil, 5
for _, a in ipairs(arg or {}) do
  local k, v = a:match('^(%w+)=(%d+)$')
  if k == 'threads' then threads = tonumber(v)
  elseif k == 'reps' then reps = tonumber(v)
  elseif k == 'cpu' then use_cpu_clock = v == '1'
  elseif nets[a] then which[#which + 1] = a
  else error('unknown argument ' .. a) end
end
if #which == 0 then which = { 'mlp', 'mlp1', 'mlpni', 'lenet', 'cnn96', 'cnn256', 'vgg' } end
local tlist = threads and { threads } or { 2, 1 }
for _, n in ipairs(which) do
  for _, t in ipairs(tlist) do
    torch.setnumthreads(t)
    nets[n](t, reps)
    collectgarbage()
  end
end
