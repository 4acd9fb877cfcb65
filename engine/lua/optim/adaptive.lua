-- optim/adaptive.lua: optimizers with per-coordinate step sizes: adagrad,
-- adadelta, adam, adamax, rmsprop.

function optim.adagrad(opfunc, x, config, state)
  config = config or {}
  state = state or config
  local lr = config.learningRate or 1e-3
  local lrd = config.learningRateDecay or 0
  local wd = config.weightDecay or 0
  state.evalCounter = state.evalCounter or 0
  local fx, dfdx = opfunc(x)
  if wd ~= 0 then dfdx:add(wd, x) end
  local clr = lr / (1 + state.evalCounter * lrd)
  if not state.paramVariance then
    state.paramVariance = torch.Tensor():typeAs(x):resizeAs(dfdx):zero()
    state.paramStd = torch.Tensor():typeAs(x):resizeAs(dfdx)
  end
  state.paramVariance:addcmul(1, dfdx, dfdx)
  state.paramStd:resizeAs(state.paramVariance):copy(state.paramVariance):sqrt()
  x:addcdiv(-clr, dfdx, state.paramStd:add(1e-10))
  state.evalCounter = state.evalCounter + 1
  return x, { fx }
end

function optim.adadelta(opfunc, x, config, state)
  config = config or {}
  state = state or config
  local rho = config.rho or 0.9
  local eps = config.eps or 1e-6
  local wd = config.weightDecay or 0
  state.evalCounter = state.evalCounter or 0
  local fx, dfdx = opfunc(x)
  if wd ~= 0 then dfdx:add(wd, x) end
  if not state.paramVariance then
    state.paramVariance = torch.Tensor():typeAs(x):resizeAs(dfdx):zero()
    state.paramStd = torch.Tensor():typeAs(x):resizeAs(dfdx):zero()
    state.delta = torch.Tensor():typeAs(x):resizeAs(dfdx):zero()
    state.accDelta = torch.Tensor():typeAs(x):resizeAs(dfdx):zero()
  end
  state.paramVariance:mul(rho):addcmul(1 - rho, dfdx, dfdx)
  state.paramStd:resizeAs(state.paramVariance):copy(state.paramVariance):add(eps):sqrt()
  state.delta:resizeAs(state.paramVariance):copy(state.accDelta):add(eps):sqrt():cdiv(state.paramStd):cmul(dfdx)
  x:add(-1, state.delta)
  state.accDelta:mul(rho):addcmul(1 - rho, state.delta, state.delta)
  state.evalCounter = state.evalCounter + 1
  return x, { fx }
end

function optim.adam(opfunc, x, config, state)
  config = config or {}
  state = state or config
  local lr = config.learningRate or 0.001
  local lrd = config.learningRateDecay or 0
  local beta1 = config.beta1 or 0.9
  local beta2 = config.beta2 or 0.999
  local epsilon = config.epsilon or 1e-8
  local wd = config.weightDecay or 0
  local fx, dfdx = opfunc(x)
  if wd ~= 0 then dfdx:add(wd, x) end
  state.t = state.t or 0
  state.m = state.m or x.new(dfdx:size()):zero()
  state.v = state.v or x.new(dfdx:size()):zero()
  state.denom = state.denom or x.new(dfdx:size()):zero()
  local clr = lr / (1 + state.t * lrd)
  state.t = state.t + 1
  state.m:mul(beta1):add(1 - beta1, dfdx)
  state.v:mul(beta2):addcmul(1 - beta2, dfdx, dfdx)
  state.denom:copy(state.v):sqrt():add(epsilon)
  local biasCorrection1 = 1 - beta1 ^ state.t
  local biasCorrection2 = 1 - beta2 ^ state.t
  local stepSize = clr * math.sqrt(biasCorrection2) / biasCorrection1
  x:addcdiv(-stepSize, state.m, state.denom)
  return x, { fx }
end

function optim.adamax(opfunc, x, config, state)
  config = config or {}
  state = state or config
  local lr = config.learningRate or 0.002
  local beta1 = config.beta1 or 0.9
  local beta2 = config.beta2 or 0.999
  local epsilon = config.epsilon or 1e-38
  local wd = config.weightDecay or 0
  local fx, dfdx = opfunc(x)
  if wd ~= 0 then dfdx:add(wd, x) end
  state.t = state.t or 0
  state.m = state.m or x.new(dfdx:size()):zero()
  state.u = state.u or x.new(dfdx:size()):zero()
  state.max = state.max or x.new(dfdx:size()):zero()
  state.t = state.t + 1
  state.m:mul(beta1):add(1 - beta1, dfdx)
  -- u = max(beta2 * u, |g| + eps)
  state.max:copy(dfdx):abs():add(epsilon)
  state.u:mul(beta2):cmax(state.max)
  local biasCorrection1 = 1 - beta1 ^ state.t
  local stepSize = lr / biasCorrection1
  x:addcdiv(-stepSize, state.m, state.u)
  return x, { fx }
end

function optim.rmsprop(opfunc, x, config, state)
  config = config or {}
  state = state or config
  local lr = config.learningRate or 1e-2
  local alpha = config.alpha or 0.99
  local epsilon = config.epsilon or 1e-8
  local wd = config.weightDecay or 0
  local mfill = config.initialMean or 0
  local fx, dfdx = opfunc(x)
  if wd ~= 0 then dfdx:add(wd, x) end
  if not state.m then
    state.m = torch.Tensor():typeAs(x):resizeAs(dfdx):fill(mfill)
    state.tmp = torch.Tensor():typeAs(x):resizeAs(dfdx)
  end
  state.m:mul(alpha)
  state.m:addcmul(1.0 - alpha, dfdx, dfdx)
  state.tmp:resizeAs(state.m):copy(state.m):sqrt():add(epsilon)
  x:addcdiv(-lr, dfdx, state.tmp)
  return x, { fx }
end
