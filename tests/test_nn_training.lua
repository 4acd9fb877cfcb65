-- tests/test_nn_training.lua: what training an nn network needs beyond
-- the modules (tests/test_nn.lua): every criterion's gradient against
-- finite differences and known loss values; the Module API (getParameters
-- sharing, clone, type, traversal), printing, errors, containers and
-- serialization; and training runs (MLP with optim.sgd, LeNet-5,
-- StochasticGradient).

require 'nn'

local T = {}
local EPS = 1e-6

local helpers = require 'helpers'
local leaves = helpers.leaves
local max_err, clone_all = helpers.max_err, helpers.clone_all

-- ---- criteria -------------------------------------------------------------

local function crit_check(name, c, input, target, tol)
  tol = tol or 1e-5
  c:forward(input, target)
  local gi = leaves(clone_all(c:backward(input, target)))
  local ins = leaves(input)
  for k = 1, #ins do
    local flat = ins[k]:view(-1)
    local num = torch.DoubleTensor(flat:nElement())
    for i = 1, flat:nElement() do
      local orig = flat[i]
      flat[i] = orig + EPS
      local fp = c:forward(input, target)
      flat[i] = orig - EPS
      local fm = c:forward(input, target)
      flat[i] = orig
      num[i] = (fp - fm) / (2 * EPS)
    end
    local err = max_err(gi[k], num)
    assert(err < tol, string.format('%s: gradInput %d differs from finite differences by %g', name, k, err))
  end
end

local function sign_target(n) return torch.DoubleTensor(n):uniform(-1, 1):sign() end

local crits = {
  { 'MSECriterion', function() return nn.MSECriterion() end, function() return torch.randn(3, 4), torch.randn(3, 4) end },
  { 'MSECriterionSum', function() return nn.MSECriterion(false) end, function() return torch.randn(5), torch.randn(5) end },
  { 'AbsCriterion', function() return nn.AbsCriterion() end, function() return torch.randn(3, 4), torch.randn(3, 4) end },
  { 'SmoothL1Criterion', function() return nn.SmoothL1Criterion() end,
    function() return torch.randn(3, 4):mul(2), torch.randn(3, 4) end },
  { 'ClassNLLCriterion', function() return nn.ClassNLLCriterion() end,
    function() return torch.randn(4, 5), torch.Tensor { 1, 5, 2, 2 } end },
  { 'ClassNLLCriterionSingle', function() return nn.ClassNLLCriterion() end,
    function() return torch.randn(5), 3 end },
  { 'ClassNLLCriterionWeights', function() return nn.ClassNLLCriterion(torch.Tensor { 1, 2, 0.5 }) end,
    function() return torch.randn(4, 3), torch.Tensor { 1, 3, 2, 2 } end },
  { 'CrossEntropyCriterion', function() return nn.CrossEntropyCriterion() end,
    function() return torch.randn(4, 5), torch.Tensor { 1, 5, 2, 2 } end },
  { 'BCECriterion', function() return nn.BCECriterion() end,
    function() return torch.rand(3, 4):mul(0.8):add(0.1), torch.rand(3, 4):gt(0.5):double() end },
  { 'BCECriterionWeights', function() return nn.BCECriterion(torch.Tensor { 1, 2, 3, 0.5 }) end,
    function() return torch.rand(3, 4):mul(0.8):add(0.1), torch.rand(3, 4) end },
  { 'DistKLDivCriterion', function() return nn.DistKLDivCriterion() end,
    function() return torch.randn(3, 4), torch.rand(3, 4) end },
  { 'MarginCriterion', function() return nn.MarginCriterion() end,
    function() return torch.randn(6):mul(0.3), sign_target(6) end },
  { 'SoftMarginCriterion', function() return nn.SoftMarginCriterion() end,
    function() return torch.randn(6), sign_target(6) end },
  { 'MultiMarginCriterion', function() return nn.MultiMarginCriterion() end,
    function() return torch.randn(4, 5):mul(0.3), torch.Tensor { 1, 5, 2, 2 } end },
  { 'MultiMarginCriterionP2W', function() return nn.MultiMarginCriterion(2, torch.Tensor { 1, 2, 3 }, 0.5) end,
    function() return torch.randn(3):mul(0.3), 2 end },
  { 'L1Cost', function() return nn.L1Cost() end, function() return torch.randn(3, 4) end },
  { 'WeightedMSECriterion', function() return nn.WeightedMSECriterion(torch.Tensor { 1, 2, 3 }) end,
    function() return torch.randn(2, 3), torch.randn(2, 3) end },
  { 'MultiLabelSoftMarginCriterion', function() return nn.MultiLabelSoftMarginCriterion() end,
    function() return torch.randn(3, 4), torch.rand(3, 4):gt(0.5):double() end },
  { 'ModuleCriterion', function() return nn.ModuleCriterion(nn.ClassNLLCriterion(), nn.LogSoftMax()) end,
    function() return torch.randn(3, 4), torch.Tensor { 1, 4, 2 } end },
  { 'MarginRankingCriterion', function() return nn.MarginRankingCriterion(0.5) end,
    function() return { torch.randn(5), torch.randn(5) }, sign_target(5) end },
  { 'CosineEmbeddingCriterion', function() return nn.CosineEmbeddingCriterion(0.1) end,
    function() return { torch.randn(4, 3), torch.randn(4, 3) }, sign_target(4) end },
  { 'MultiCriterion', function() return nn.MultiCriterion():add(nn.MSECriterion()):add(nn.AbsCriterion(), 0.5) end,
    function() return torch.randn(3, 4), torch.randn(3, 4) end },
  { 'ParallelCriterion', function() return nn.ParallelCriterion():add(nn.MSECriterion()):add(nn.ClassNLLCriterion(), 2) end,
    function() return { torch.randn(3), torch.randn(2, 4) }, { torch.randn(3), torch.Tensor { 2, 3 } } end },
  { 'SpatialClassNLLCriterion', function() return nn.SpatialClassNLLCriterion() end,
    function() return torch.randn(2, 3, 2, 2), torch.Tensor { { { 1, 3 }, { 2, 2 } }, { { 3, 3 }, { 1, 2 } } } end },
  { 'L1HingeEmbeddingCriterionPos', function() return nn.L1HingeEmbeddingCriterion(2) end,
    function() return { torch.randn(4), torch.randn(4) }, 1 end },
  { 'L1HingeEmbeddingCriterionNeg', function() return nn.L1HingeEmbeddingCriterion(20) end,
    function() return { torch.randn(4), torch.randn(4) }, -1 end },
  { 'MultiLabelMarginCriterion', function() return nn.MultiLabelMarginCriterion() end,
    function() return torch.randn(2, 4):mul(0.3), torch.Tensor { { 3, 1, 0, 0 }, { 2, 0, 0, 0 } } end },
  { 'DistanceRatioCriterion', function() return nn.DistanceRatioCriterion() end,
    function() return { torch.rand(4), torch.rand(4) } end },
  { 'SpatialAutoCropMSECriterion', function() return nn.SpatialAutoCropMSECriterion() end,
    function() return torch.randn(2, 2, 5, 6), torch.randn(2, 2, 3, 3) end },
  { 'HingeEmbeddingCriterion', function() return nn.HingeEmbeddingCriterion(0.5) end,
    function() return torch.randn(6):mul(0.2), sign_target(6) end },
}

for _, c in ipairs(crits) do
  T['criterion_' .. c[1]] = function()
    local input, target = c[3]()
    crit_check(c[1], c[2](), input, target)
  end
end

T.criterion_values = function()
  local x, t = torch.Tensor { { 1, 2 }, { 3, 4 } }, torch.Tensor { { 0, 2 }, { 3, 2 } }
  assert_near(nn.MSECriterion():forward(x, t), (1 + 4) / 4, 1e-12)
  assert_near(nn.AbsCriterion():forward(x, t), 3 / 4, 1e-12)
  local lp = torch.Tensor { { -1, -2, -3 }, { -4, -5, -6 } }
  assert_near(nn.ClassNLLCriterion():forward(lp, torch.Tensor { 2, 3 }), (2 + 6) / 2, 1e-12)
  assert_near(nn.ClassNLLCriterion(nil, false):forward(lp, torch.Tensor { 2, 3 }), 8, 1e-12)
  local p = torch.Tensor { 0.2, 0.9 }
  assert_near(nn.BCECriterion():forward(p, torch.Tensor { 0, 1 }),
              -(math.log(0.8) + math.log(0.9)) / 2, 1e-9)
  local ce = nn.CrossEntropyCriterion():forward(torch.Tensor { 1, 2, 3 }, 3)
  assert_near(ce, -(3 - math.log(math.exp(1) + math.exp(2) + math.exp(3))), 1e-12)
end

-- ---- Module API -------------------------------------------------------

local function mlp()
  return nn.Sequential():add(nn.Linear(4, 5)):add(nn.Tanh()):add(nn.Linear(5, 2))
end

T.getParameters_flattens_and_views = function()
  local m = mlp()
  local w1 = m:get(1).weight:clone()
  local p, g = m:getParameters()
  assert(p:nElement() == 4 * 5 + 5 + 5 * 2 + 2 and g:nElement() == p:nElement())
  assert_near(m:get(1).weight, w1, 0)
  -- the module's tensors are views of the flat vector
  p:fill(0.5)
  assert(m:get(3).bias[2] == 0.5 and m:get(1).weight[1][1] == 0.5)
  g:zero()
  m:forward(torch.randn(3, 4))
  m:backward(torch.randn(3, 4), torch.randn(3, 2))
  assert(g:abs():sum() > 0, 'gradients land in the flat gradient vector')
  assert(torch.pointer(m:get(1).gradWeight:storage()) == torch.pointer(g:storage()))
end

T.getParameters_keeps_sharing = function()
  local a, b = nn.Linear(3, 3), nn.Linear(3, 3)
  b:share(a, 'weight', 'bias', 'gradWeight', 'gradBias')
  local m = nn.Sequential():add(a):add(nn.Tanh()):add(b)
  local p, g = m:getParameters()
  assert(p:nElement() == 12, 'shared parameters counted once, got ' .. p:nElement())
  p:uniform()
  assert_near(a.weight, b.weight, 0)
  assert(torch.pointer(a.weight:storage()) == torch.pointer(b.weight:storage()))
  assert(g:nElement() == 12)
end

T.clone_shares_named_fields = function()
  local a = mlp()
  local b = a:clone('weight', 'bias')
  a:get(1).weight:fill(3)
  assert(b:get(1).weight[1][1] == 3, 'weight shared')
  b:get(1).gradWeight:fill(7)
  assert(a:get(1).gradWeight[1][1] ~= 7, 'gradWeight not shared')
  local c = a:clone()
  a:get(1).weight:fill(4)
  assert(c:get(1).weight[1][1] == 3, 'plain clone is deep')
end

T.type_conversion_keeps_sharing = function()
  local a, b = nn.Linear(3, 3), nn.Linear(3, 3)
  b:share(a, 'weight', 'bias')
  local m = nn.Sequential():add(a):add(b)
  m:float()
  assert(torch.type(a.weight) == 'torch.FloatTensor' and torch.type(m.output) == 'torch.FloatTensor')
  assert(torch.pointer(a.weight:storage()) == torch.pointer(b.weight:storage()))
  local y = m:forward(torch.FloatTensor(3):uniform())
  assert(torch.type(y) == 'torch.FloatTensor')
  m:double()
  assert(torch.type(b.weight) == 'torch.DoubleTensor')
  assert(torch.pointer(a.weight:storage()) == torch.pointer(b.weight:storage()))
  assert(m:type() == 'torch.DoubleTensor')
end

T.traversal = function()
  local m = nn.Sequential():add(nn.Linear(2, 3)):add(nn.Sequential():add(nn.Tanh()):add(nn.Linear(3, 1)))
  local found, containers = m:findModules('nn.Linear')
  assert(#found == 2 and containers[2] == m:get(2))
  assert(#m:listModules() == 5)
  local n = 0
  m:apply(function() n = n + 1 end)
  assert(n == 5)
  m:evaluate()
  assert(m:get(2):get(1).train == false)
  m:training()
  assert(m:get(1).train == true)
  local r = m:replace(function(x) if torch.typename(x) == 'nn.Tanh' then return nn.ReLU() end return x end)
  assert(torch.typename(r:get(2):get(1)) == 'nn.ReLU')
  local p = m:parameters()
  assert(#p == 4)
end

T.zero_and_update_parameters = function()
  local m = nn.Linear(3, 2)
  local x, go = torch.randn(3), torch.randn(2)
  m:zeroGradParameters()
  m:forward(x); m:backward(x, go)
  local w = m.weight:clone():add(-0.1, m.gradWeight)
  m:updateParameters(0.1)
  assert_near(m.weight, w, 1e-15)
  m:zeroGradParameters()
  assert(m.gradWeight:abs():sum() == 0)
  -- __call
  local y = m(x)
  assert(y == m.output)
  local o, gi = m(x, go)
  assert(gi == m.gradInput)
end

-- Torch7's Linear skips the input gradient when its gradInput is nil (a
-- first layer, whose input gradient nobody reads): backward returns nil,
-- and the parameter gradients are those of the full backward pass.
T.linear_without_gradInput = function()
  for _, x in ipairs { torch.randn(784):float(), torch.randn(60, 784):float() } do
    local m = nn.Sequential():add(nn.Linear(784, 50)):add(nn.Tanh()):add(nn.Linear(50, 10)):float()
    local full = m:clone()
    m.modules[1].gradInput = nil
    local go = torch.randn(full:forward(x):size()):float()
    m:forward(x)
    m:zeroGradParameters(); full:zeroGradParameters()
    assert(m:backward(x, go) == nil, 'backward returns the first layer\'s gradInput, nil')
    assert(full:backward(x, go):nElement() == x:nElement())
    local _, g = m:parameters()
    local _, gf = full:parameters()
    for i = 1, #g do assert_near(g[i], gf[i], 0) end
    m:clearState()   -- a nil gradInput stays nil
    assert(m.modules[1].gradInput == nil)
    assert_near(m:forward(x), full:forward(x), 0)
  end
end

-- A batch's gradInput = gradOutput W, split over W's rows across threads
-- above 2M multiply-adds (engine/src/nn/linear.c), against a plain double
-- product at 1, 2 and 3 threads (3: uneven row blocks), in Float and
-- Double, with a contiguous and a transposed gradOutput (which takes
-- the unsplit path); clearState drops the threads' partial products.
T.linear_batch_gradInput_split_over_rows = function()
  local saved = torch.getnumthreads()
  for _, tn in ipairs({ 'Float', 'Double' }) do
    local m = nn.Linear(300, 130)
    m = tn == 'Float' and m:float() or m:double()
    local x = torch[tn .. 'Tensor'](64, 300):uniform(-1, 1)
    local gos = { torch[tn .. 'Tensor'](64, 130):uniform(-1, 1),
                  torch[tn .. 'Tensor'](130, 64):uniform(-1, 1):t() }
    for gi_case, go in ipairs(gos) do
      -- want[i][j] = sum_k go[i][k] w[k][j], in double
      local gd, wd = go:double():contiguous(), m.weight:double():contiguous()
      local want = torch.DoubleTensor(64, 300)
      local pg, pw, pr = gd:data(), wd:data(), want:data()
      for i = 0, 63 do
        for j = 0, 299 do
          local acc = 0
          for k = 0, 129 do acc = acc + pg[i * 130 + k] * pw[k * 300 + j] end
          pr[i * 300 + j] = acc
        end
      end
      for _, t in ipairs({ 1, 2, 3 }) do
        torch.setnumthreads(t)
        m:forward(x)
        local got = m:updateGradInput(x, go)
        local e = (got:double() - want):abs():max()
        local tol = tn == 'Float' and 1e-4 or 1e-12
        assert(e < tol, string.format('%s gradOutput %d, %d threads: off by %g', tn, gi_case, t, e))
      end
    end
    assert(m._gradInputParts ~= nil and m._gradInputParts:nElement() > 0, 'the split path ran')
    m:clearState()
    assert(m._gradInputParts == nil, 'clearState drops the partial products')
  end
  torch.setnumthreads(saved)
end

-- The element-wise transfer functions and the softmax family run on one
-- thread below 32768 elements and split in thread-ordered ranges above
-- (engine/src/nn/act.inc through tl_parallel_ranges): at 1, 2 and 3
-- threads, on 100003 elements (uneven ranges) and on 5 elements, forward
-- and backward agree exactly with an element-by-element Lua reference
-- (Tanh, Threshold, ELU) or with the 1-thread run (LogSoftMax, SoftMax
-- over rows of 7).
T.transfer_functions_threads = function()
  local saved = torch.getnumthreads()
  for _, n in ipairs({ 100003, 5 }) do
    local x = torch.DoubleTensor(n):uniform(-2, 2)
    local g = torch.DoubleTensor(n):uniform(-1, 1)
    local refs = {
      { nn.Tanh(), function(v) return math.tanh(v) end, function(v, y) return 1 - y * y end },
      { nn.Threshold(0.5, -1), function(v) return v > 0.5 and v or -1 end, function(v) return v > 0.5 and 1 or 0 end },
      { nn.ELU(0.7), function(v) return v > 0 and v or 0.7 * (math.exp(v) - 1) end,
        function(v, y) return v > 0 and 1 or y + 0.7 end },
    }
    for _, r in ipairs(refs) do
      local m, f, df = r[1]:double(), r[2], r[3]
      for _, t in ipairs({ 1, 2, 3 }) do
        torch.setnumthreads(t)
        local y = m:forward(x)
        local gi = m:backward(x, g)
        local px, pg, py, pgi = x:data(), g:data(), y:data(), gi:data()
        for i = 0, n - 1, n > 100 and 997 or 1 do
          local want = f(px[i])
          assert(math.abs(py[i] - want) <= 1e-15 * (1 + math.abs(want)),
                 string.format('%s forward [%d] at %d threads', torch.type(m), i, t))
          local wg = pg[i] * df(px[i], py[i])
          assert(math.abs(pgi[i] - wg) <= 1e-14 * (1 + math.abs(wg)),
                 string.format('%s backward [%d] at %d threads', torch.type(m), i, t))
        end
        assert(py[n - 1] == y[n] and pgi[n - 1] == gi[n], 'the last element')
      end
    end
    local rows = math.floor(n / 7) + 1   -- a row of 7 even for n = 5: the values repeat
    local xs = x:repeatTensor(2):narrow(1, 1, rows * 7):view(rows, 7)
    local gs = g:repeatTensor(2):narrow(1, 1, rows * 7):view(rows, 7)
    for _, m in ipairs({ nn.LogSoftMax():double(), nn.SoftMax():double() }) do
      torch.setnumthreads(1)
      local y1, g1 = m:forward(xs):clone(), m:backward(xs, gs):clone()
      for _, t in ipairs({ 2, 3 }) do
        torch.setnumthreads(t)
        assert(m:forward(xs):equal(y1) and m:backward(xs, gs):equal(g1),
               string.format('%s depends on threads (%d rows)', torch.type(m), rows))
      end
    end
  end
  torch.setnumthreads(saved)
end

-- Batch normalization splits its features across threads above 32768
-- values (engine/src/nn/bn.inc through tl_parallel_ranges): at 2 and 3
-- threads (3: uneven ranges of the 7 features), training and evaluation,
-- forward, gradInput and the parameter gradients equal the 1-thread run
-- (each feature's sums stay on one thread).
T.batchnorm_threads = function()
  local saved = torch.getnumthreads()
  local x = torch.DoubleTensor(64, 7, 9, 10):uniform(-1, 1)
  local g = torch.DoubleTensor(64, 7, 9, 10):uniform(-1, 1)
  for _, train in ipairs({ true, false }) do
    local res = {}
    for _, t in ipairs({ 1, 2, 3 }) do
      torch.setnumthreads(t)
      local m = nn.SpatialBatchNormalization(7):double()
      m.weight:copy(torch.linspace(0.5, 2, 7)); m.bias:copy(torch.linspace(-1, 1, 7))
      m.running_mean:fill(0.1); m.running_var:fill(1.5)
      if train then m:training() else m:evaluate() end
      m:zeroGradParameters()
      local y = m:forward(x):clone()
      local gi = m:backward(x, g):clone()
      res[t] = { y, gi, m.gradWeight:clone(), m.gradBias:clone(), m.running_mean:clone() }
    end
    for t = 2, 3 do
      for k = 1, 5 do
        assert(res[t][k]:equal(res[1][k]), string.format('train %s: result %d differs at %d threads',
                                                          tostring(train), k, t))
      end
    end
  end
  torch.setnumthreads(saved)
end

T.updateGradParameters_momentum = function()
  local m = nn.Linear(2, 2)
  m.gradWeight:fill(1)
  m:updateGradParameters(0.9)
  m.gradWeight:fill(1)
  m:updateGradParameters(0.9)
  assert_near(m.gradWeight[1][1], 0.9 * 1 + 0.1 * 1, 1e-12)
end

T.clearState = function()
  local m = nn.Sequential():add(nn.SpatialConvolution(1, 2, 3, 3)):add(nn.ReLU())
  m:forward(torch.randn(1, 5, 5))
  m:clearState()
  assert(m:get(1).output:nElement() == 0 and m:get(1).finput:nElement() == 0)
  assert(m:forward(torch.randn(1, 5, 5)):nElement() == 18)
end

T.outside = function()
  local m = nn.Sequential():add(nn.SpatialConvolution(1, 6, 5, 5)):add(nn.SpatialMaxPooling(2, 2))
  assert_eq(m:outside({ 1, 32, 32 }):totable(), { 6, 14, 14 })
end

T.tostring = function()
  assert_eq(tostring(nn.Linear(10, 5)), 'nn.Linear(10 -> 5)')
  assert_eq(tostring(nn.Linear(10, 5, false)), 'nn.Linear(10 -> 5) without bias')
  assert_eq(tostring(nn.SpatialConvolution(1, 16, 5, 5, 1, 1, 2, 2)), 'nn.SpatialConvolution(1 -> 16, 5x5, 1,1, 2,2)')
  assert_eq(tostring(nn.SpatialConvolution(3, 16, 5, 5)), 'nn.SpatialConvolution(3 -> 16, 5x5)')
  assert_eq(tostring(nn.SpatialConvolution(3, 16, 5, 5, 2, 2)), 'nn.SpatialConvolution(3 -> 16, 5x5, 2,2)')
  assert_eq(tostring(nn.SpatialMaxPooling(2, 2, 2, 2)), 'nn.SpatialMaxPooling(2x2, 2,2)')
  assert_eq(tostring(nn.Tanh()), 'nn.Tanh')
  assert_eq(tostring(nn.Reshape(2, 3)), 'nn.Reshape(2x3)')
  assert_eq(tostring(nn.View(2, 3)), 'nn.View(2, 3)')
  assert_eq(tostring(nn.BatchNormalization(10)), 'nn.BatchNormalization (2D) (10)')
  assert_eq(tostring(nn.SpatialBatchNormalization(10)), 'nn.SpatialBatchNormalization (4D) (10)')
  assert_eq(tostring(nn.MSECriterion()), 'nn.MSECriterion')
  local s = nn.Sequential():add(nn.Linear(10, 5)):add(nn.Sequential():add(nn.Tanh()))
  assert_eq(tostring(s), 'nn.Sequential {\n  [input -> (1) -> (2) -> output]\n  (1): nn.Linear(10 -> 5)\n'
    .. '  (2): nn.Sequential {\n    [input -> (1) -> output]\n    (1): nn.Tanh\n  }\n}')
  local c = nn.ConcatTable():add(nn.Identity()):add(nn.Tanh())
  assert_eq(tostring(c), 'nn.ConcatTable {\n  input\n    |`-> (1): nn.Identity\n     `-> (2): nn.Tanh\n     ... -> output\n}')
  local p = nn.ParallelTable():add(nn.Identity()):add(nn.Tanh())
  assert_eq(tostring(p), 'nn.ParallelTable {\n  input\n    |`-> (1): nn.Identity\n    |`-> (2): nn.Tanh\n     ... -> output\n}')
end

-- ---- errors ------------------------------------------------------------

T.errors_name_module_and_shapes = function()
  assert_error(function() nn.Linear(784, 10):forward(torch.randn(2, 100)) end,
               'nn.Linear(784 -> 10): input has 100 features, expected 784')
  assert_error(function() nn.SpatialConvolution(1, 4, 3, 3):forward(torch.randn(3, 8, 8)) end,
               'input has 3 planes, expected 1')
  assert_error(function() nn.SpatialConvolution(1, 4, 3, 3):forward(torch.randn(8, 8)) end,
               'nn.SpatialConvolution(1 -> 4, 3x3): expected a 3D')
  assert_error(function() nn.SpatialMaxPooling(5, 5):forward(torch.randn(1, 3, 3)) end, 'too small')
  assert_error(function() nn.MSECriterion():forward(torch.randn(3), torch.randn(4)) end, 'nn.MSECriterion')
  assert_error(function() nn.ClassNLLCriterion():forward(torch.randn(2, 3), torch.Tensor { 1, 4 }) end,
               'out of range')
  assert_error(function() nn.Sequential():add(nn.Linear(3, 2)):forward(torch.randn(4)) end,
               'input has 4 features, expected 3')
end

-- ---- containers ----------------------------------------------------------

T.concat_and_parallel_tables = function()
  local ct = nn.ConcatTable():add(nn.Linear(3, 2)):add(nn.Identity())
  local x = torch.randn(3)
  local y = ct:forward(x)
  assert(#y == 2 and y[2]:nElement() == 3)
  local gi = ct:backward(x, { torch.ones(2), torch.ones(3) })
  local expect = ct:get(1).weight:t() * torch.ones(2) + torch.ones(3)
  assert_near(gi, expect, 1e-12)
  local pt = nn.ParallelTable():add(nn.Linear(3, 2)):add(nn.Tanh())
  local out = pt:forward({ torch.randn(3), torch.randn(4) })
  assert(out[1]:nElement() == 2 and out[2]:nElement() == 4)
  local seq = nn.Sequential():add(nn.ConcatTable():add(nn.Identity()):add(nn.Identity())):add(nn.CAddTable())
  assert_near(seq:forward(x), x * 2, 1e-15)
  assert_near(seq:backward(x, torch.ones(3)), torch.ones(3) * 2, 0)
  local jt = nn.JoinTable(1)
  assert(jt:forward({ torch.randn(2), torch.randn(3) }):nElement() == 5)
end

-- ---- serialization -------------------------------------------------------

T.clearState_keeps_files_small = function()
  local m = nn.Sequential():add(nn.SpatialConvolution(1, 4, 3, 3)):add(nn.ReLU()):add(nn.View(-1))
  m:forward(torch.randn(8, 1, 16, 16))
  local big = torch.serialize(m):len()
  m:clearState()
  local small = torch.serialize(m):len()
  assert(small < big / 4, string.format('%d -> %d bytes', big, small))
  -- Serial saves without the buffers and leaves the live module alone
  local s = nn.Serial(nn.Sequential():add(nn.Linear(10, 50)):add(nn.Tanh()))
  s:forward(torch.randn(100, 10))
  local n = torch.serialize(s):len()
  assert(s.modules[1].output:nElement() == 5000 and n < 16000, 'serialized ' .. n .. ' bytes')
  local back = torch.deserialize(torch.serialize(s))
  assert_near(back:forward(torch.ones(2, 10)), s:forward(torch.ones(2, 10)), 0)
end

T.save_load_forward_identical = function()
  local ok = pcall(function() return torch.save end)
  if not ok or not torch.save then skip('torch.save not available') end
  local m = nn.Sequential():add(nn.SpatialConvolution(1, 2, 3, 3)):add(nn.ReLU()):add(nn.View(-1))
    :add(nn.Linear(18, 3)):add(nn.LogSoftMax())
  local x = torch.randn(1, 5, 5)
  local y = m:forward(x):clone()
  local path = os.tmpname()
  local saved, err = pcall(torch.save, path, m)
  if not saved then os.remove(path); skip('torch.save failed: ' .. tostring(err)) end
  local m2 = torch.load(path)
  os.remove(path)
  assert(torch.typename(m2) == 'nn.Sequential')
  assert_near(m2:forward(x), y, 0)
end

-- ---- training ------------------------------------------------------------

T.mlp_trains_with_optim_sgd = function()
  require 'optim'
  torch.manualSeed(1)
  local n = 60
  local x = torch.randn(n, 4)
  local labels = torch.Tensor(n)
  for i = 1, n do labels[i] = (x[i][1] + x[i][2] > 0) and 1 or 2 end
  local m = nn.Sequential():add(nn.Linear(4, 8)):add(nn.Tanh()):add(nn.Linear(8, 2)):add(nn.LogSoftMax())
  local crit = nn.ClassNLLCriterion()
  local params, grads = m:getParameters()
  local config = { learningRate = 0.5, momentum = 0.5 }
  local first, last
  for _ = 1, 100 do
    local function feval(p)
      if p ~= params then params:copy(p) end
      grads:zero()
      local f = crit:forward(m:forward(x), labels)
      m:backward(x, crit:backward(m.output, labels))
      return f, grads
    end
    local _, fs = optim.sgd(feval, params, config)
    first = first or fs[1]
    last = fs[1]
  end
  assert(last < first * 0.3, string.format('loss %g -> %g', first, last))
end

T.lenet5_trains = function()
  torch.manualSeed(2)
  -- the 14-line LeNet-5
  local net = nn.Sequential()
  net:add(nn.SpatialConvolution(1, 6, 5, 5))
  net:add(nn.ReLU())
  net:add(nn.SpatialMaxPooling(2, 2, 2, 2))
  net:add(nn.SpatialConvolution(6, 16, 5, 5))
  net:add(nn.ReLU())
  net:add(nn.SpatialMaxPooling(2, 2, 2, 2))
  net:add(nn.View(16 * 5 * 5))
  net:add(nn.Linear(16 * 5 * 5, 120))
  net:add(nn.ReLU())
  net:add(nn.Linear(120, 84))
  net:add(nn.ReLU())
  net:add(nn.Linear(84, 10))
  net:add(nn.LogSoftMax())
  local crit = nn.ClassNLLCriterion()
  local x = torch.randn(10, 1, 32, 32)
  local y = torch.Tensor(10)
  for i = 1, 10 do y[i] = i end
  local first, last
  for _ = 1, 40 do
    net:zeroGradParameters()
    local f = crit:forward(net:forward(x), y)
    net:backward(x, crit:backward(net.output, y))
    net:updateParameters(0.1)
    first = first or f
    last = f
  end
  assert(last < first * 0.8, string.format('loss %g -> %g', first, last))
  -- single sample
  local out = net:forward(torch.randn(1, 32, 32))
  assert(out:dim() == 1 and out:size(1) == 10)
end

T.nn_jacobian_helper = function()
  local m = nn.Linear(4, 3)
  local x = torch.Tensor(4)
  assert(nn.Jacobian.testJacobian(m, x) < 1e-6)
  assert(nn.Jacobian.testJacobianParameters(m, x, m.weight, m.gradWeight) < 1e-6)
  assert(nn.Jacobian.testJacobianParameters(m, x, m.bias, m.gradBias) < 1e-6)
  assert(nn.Jacobian.testJacobianUpdateParameters(m, x, m.weight) < 1e-6)
  local c = nn.SpatialConvolution(2, 2, 3, 3)
  assert(nn.Jacobian.testJacobian(c, torch.Tensor(2, 4, 4)) < 1e-6)
  local o, g = nn.Jacobian.testIO(nn.Sequential():add(nn.Linear(4, 3)):add(nn.Tanh()), torch.randn(4))
  assert(o == 0 and g == 0)
end

T.stochastic_gradient = function()
  torch.manualSeed(3)
  local dataset = {}
  function dataset:size() return 40 end
  for i = 1, 40 do
    local x = torch.randn(2)
    dataset[i] = { x, torch.Tensor { x[1] - 2 * x[2] } }
  end
  local m = nn.Linear(2, 1)
  local trainer = nn.StochasticGradient(m, nn.MSECriterion())
  trainer.verbose = false
  trainer.maxIteration = 20
  local last
  trainer.hookIteration = function(_, _, err) last = err end
  local print0 = print
  print = function() end
  local ok, err = pcall(trainer.train, trainer, dataset)
  print = print0
  assert(ok, err)
  assert(last < 1e-3, 'final error ' .. last)
  assert_near(m.weight, { { 1, -2 } }, 1e-2)
end

return T
