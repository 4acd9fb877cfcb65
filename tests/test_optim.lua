-- tests/test_optim.lua: the optim package. Each algorithm minimizes a
-- quadratic and the Rosenbrock function to their known minima; sgd's
-- options are checked against hand-computed steps.

require 'optim'

local T = {}

-- f(x) = 0.5 * sum(a_i (x_i - c_i)^2), minimum at c
local A = torch.Tensor { 1, 2, 4, 0.5 }
local Cst = torch.Tensor { 1, -2, 0.5, 3 }
local function quadratic(x)
  local d = x - Cst
  local f = 0.5 * torch.cmul(A, d):dot(d)
  return f, torch.cmul(A, d)
end

-- Rosenbrock in 2-D: minimum 0 at (1, 1)
local function rosenbrock(x)
  local a, b = x[1], x[2]
  local f = (1 - a) ^ 2 + 100 * (b - a * a) ^ 2
  local g = torch.Tensor(2)
  g[1] = -2 * (1 - a) - 400 * a * (b - a * a)
  g[2] = 200 * (b - a * a)
  return f, g
end

local function run(alg, f, x, config, iters)
  local state = {}
  local fx
  for _ = 1, iters do
    local _, fs = optim[alg](f, x, config, state)
    fx = fs[#fs]
  end
  return x, fx
end

local setups = {
  { 'sgd', { learningRate = 0.1 }, 500, { learningRate = 1e-3 }, 20000 },
  { 'sgd_momentum', { learningRate = 0.05, momentum = 0.9 }, 500, { learningRate = 1e-3, momentum = 0.9 }, 10000, alg = 'sgd' },
  { 'sgd_nesterov', { learningRate = 0.05, momentum = 0.9, dampening = 0, nesterov = true }, 500,
    { learningRate = 1e-3, momentum = 0.9, dampening = 0, nesterov = true }, 10000, alg = 'sgd' },
  { 'nag', { learningRate = 0.05, momentum = 0.9 }, 500, { learningRate = 1e-3, momentum = 0.9 }, 10000 },
  { 'adagrad', { learningRate = 0.5 }, 2000, { learningRate = 0.5 }, 20000 },
  { 'adadelta', { rho = 0.95, eps = 1e-3 }, 3000, nil },
  { 'adam', { learningRate = 0.05 }, 3000, { learningRate = 0.01 }, 20000 },
  { 'adamax', { learningRate = 0.05 }, 3000, { learningRate = 0.01 }, 20000 },
  { 'lbfgs', { maxIter = 100, learningRate = 1 }, 1, { maxIter = 500, learningRate = 0.1 }, 20 },
  { 'cg', { maxIter = 50 }, 1, { maxIter = 500, maxEval = 2000 }, 1 },
  { 'asgd', { eta0 = 0.1, t0 = 100 }, 3000, nil },
  { 'rprop', { stepsize = 0.1 }, 300, { stepsize = 0.01 }, 3000 },
  { 'rmsprop', { learningRate = 0.01 }, 3000, { learningRate = 1e-3 }, 20000 },
}

for _, s in ipairs(setups) do
  local name, qconf, qit, rconf, rit = s[1], s[2], s[3], s[4], s[5]
  local alg = s.alg or name
  T[name .. '_quadratic'] = function()
    local x = torch.zeros(4)
    local _, fx = run(alg, quadratic, x, qconf, qit)
    assert_near(x, Cst, 2e-2)
    assert(fx < 1e-3, name .. ': f = ' .. fx)
  end
  if rconf then
    T[name .. '_rosenbrock'] = function()
      local x = torch.Tensor { -1, 1.5 }
      local _, fx = run(alg, rosenbrock, x, rconf, rit)
      assert(fx < 5e-2, string.format('%s: f = %g at (%g, %g)', name, fx, x[1], x[2]))
    end
  end
end

T.sgd_step_by_hand = function()
  -- f = 0.5 x^2, grad = x
  local f = function(x) return 0.5 * x:dot(x), x:clone() end
  local x = torch.Tensor { 2 }
  local config = { learningRate = 0.1, weightDecay = 0.5, momentum = 0.9, learningRateDecay = 1 }
  optim.sgd(f, x, config)
  -- grad 2 + 0.5*2 = 3; momentum buffer = 3; lr 0.1 / (1 + 0) -> x = 2 - 0.3
  assert_near(x[1], 1.7, 1e-12)
  optim.sgd(f, x, config)
  -- grad 1.7 + 0.85 = 2.55; buffer = 0.9*3 + (1-0.9)*2.55 = 2.955; lr = 0.1/2
  assert_near(x[1], 1.7 - 0.05 * 2.955, 1e-12)
  assert(config.evalCounter == 2)
end

T.sgd_defaults_and_state = function()
  local x = torch.Tensor { 1 }
  local f = function(p) return p[1], torch.Tensor { 1 } end
  local config = {}
  local _, fs = optim.sgd(f, x, config)
  assert(fs[1] == 1)
  assert_near(x[1], 1 - 1e-3, 1e-15)
  local lrs = torch.Tensor { 2 }
  optim.sgd(f, x, { learningRate = 0.1, learningRates = lrs })
  assert_near(x[1], 1 - 1e-3 - 0.2, 1e-12)
end

T.adam_first_step = function()
  -- the first bias-corrected step is lr * sign(g)
  local x = torch.Tensor { 0, 0 }
  local f = function() return 0, torch.Tensor { 3, -0.5 } end
  optim.adam(f, x, { learningRate = 0.1 })
  assert_near(x, { -0.1, 0.1 }, 1e-6)
end

T.checkgrad_agrees = function()
  local x = torch.Tensor { 0.3, -0.7 }
  local diff = optim.checkgrad(rosenbrock, x, 1e-6)
  assert(diff < 1e-6, 'checkgrad diff ' .. diff)
  local wrong = function(p) local f, g = rosenbrock(p); return f, g:mul(2) end
  assert(optim.checkgrad(wrong, x) > 0.1)
end

T.confusion_matrix = function()
  local c = optim.ConfusionMatrix(3)
  c:add(1, 1); c:add(2, 1); c:add(3, 3)
  c:add(torch.Tensor { 0.1, 0.7, 0.2 }, 2)
  c:batchAdd(torch.Tensor { { 0.9, 0, 0.1 }, { 0, 0, 1 } }, torch.Tensor { 3, 0 })
  c:updateValids()
  assert_eq(c.mat:totable(), { { 1, 1, 0 }, { 0, 1, 0 }, { 1, 0, 1 } })
  assert_near(c.totalValid, 3 / 5, 1e-12)
  assert_near(c.averageValid, (0.5 + 1 + 0.5) / 3, 1e-7)
  assert_eq(tostring(c), 'ConfusionMatrix:\n[[       1       1       0]   50.000% \n'
    .. ' [       0       1       0]   100.000% \n [       1       0       1]]  50.000% \n'
    .. ' + average row correct: 66.666666666667% \n'
    .. ' + average rowUcol correct (VOC measure): 44.444444775581% \n + global correct: 60%')
  local named = optim.ConfusionMatrix({ 'cat', 'dog' })
  named:add(2, 2)
  assert(tostring(named):find('[class: dog]', 1, true))
  c:zero()
  assert(c.mat:sum() == 0 and c.totalValid == 0)
end

T.logger_writes_file = function()
  local path = os.tmpname()
  local log = optim.Logger(path)
  log:setNames { 'train', 'test' }
  log:add { 0.5, 0.25 }
  log:add { 0.125, 1 }
  log.file:close()
  local f = io.open(path)
  local text = f:read('*a')
  f:close()
  os.remove(path)
  assert_eq(text, 'train\ttest\t\n 5.0000e-01\t 2.5000e-01\t\n 1.2500e-01\t 1.0000e+00\t\n')
end

T.lbfgs_with_lswolfe = function()
  local x = torch.Tensor { -1, 1.5 }
  local state = { maxIter = 200, lineSearch = optim.lswolfe }
  local _, fs = optim.lbfgs(rosenbrock, x, state)
  assert(fs[#fs] < 1e-8, 'f = ' .. fs[#fs])
  assert_near(x, { 1, 1 }, 1e-4)
  local q = torch.zeros(4)
  optim.lbfgs(quadratic, q, { maxIter = 50, lineSearch = optim.lswolfe })
  assert_near(q, Cst, 1e-4)
end

T.polyinterp_cubic = function()
  -- f = (x - 1)^2 through x = 0 and x = 3 with derivatives: minimum at 1
  local m = optim.polyinterp(torch.Tensor { { 0, 1, -2 }, { 3, 4, 4 } })
  assert_near(m, 1, 1e-12)
  -- values only (quadratic through three points)
  local nan = 0 / 0
  local m2 = optim.polyinterp(torch.Tensor { { 0, 4, nan }, { 1, 1, nan }, { 4, 4, nan } }, 0, 4)
  assert_near(m2, 2, 1e-6)
end

T.fista_lasso = function()
  -- min 0.5 |x - c|^2 + lambda |x|_1: soft thresholding of c
  local c = torch.Tensor { 3, -0.2, 0.5, -2 }
  local lambda = 0.4
  local f = function(x, mode)
    local d = x - c
    if mode == 'dx' then return 0.5 * d:dot(d), d end
    return 0.5 * d:dot(d)
  end
  local g = function(x) return lambda * x:norm(1) end
  local pl = function(x, L)
    x:apply(function(v)
      local t = lambda / L
      if v > t then return v - t elseif v < -t then return v + t end
      return 0
    end)
  end
  local x = optim.FistaLS(f, g, pl, torch.zeros(4), { maxiter = 200, errthres = 1e-12 })
  assert_near(x, { 2.6, 0, 0.1, -1.6 }, 1e-6)
end

return T
