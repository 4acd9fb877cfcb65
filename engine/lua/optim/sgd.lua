-- optim/sgd.lua: stochastic gradient descent (momentum, dampening,
-- Nesterov, weight decay, learning-rate decay, per-parameter learning
-- rates and weight decays) and Nesterov's accelerated gradient (nag).

function optim.sgd(opfunc, x, config, state)
  config = config or {}
  state = state or config
  local lr = config.learningRate or 1e-3
  local lrd = config.learningRateDecay or 0
  local wd = config.weightDecay or 0
  local mom = config.momentum or 0
  local damp = config.dampening or mom
  local nesterov = config.nesterov or false
  local lrs = config.learningRates
  local wds = config.weightDecays
  state.evalCounter = state.evalCounter or 0
  assert(not nesterov or (mom > 0 and damp == 0), 'Nesterov momentum requires a momentum and zero dampening')

  local fx, dfdx = opfunc(x)

  -- weight decay: dfdx += wd * x (or per parameter)
  if wd ~= 0 then
    dfdx:add(wd, x)
  elseif wds then
    state.decayParameters = state.decayParameters or x.new(dfdx:size())
    state.decayParameters:copy(wds):cmul(x)
    dfdx:add(state.decayParameters)
  end

  if mom ~= 0 then
    if not state.dfdx then
      state.dfdx = torch.Tensor():typeAs(dfdx):resizeAs(dfdx):copy(dfdx)
    else
      state.dfdx:mul(mom):add(1 - damp, dfdx)
    end
    if nesterov then
      dfdx:add(mom, state.dfdx)
    else
      dfdx = state.dfdx
    end
  end

  local clr = lr / (1 + state.evalCounter * lrd)

  if lrs then
    state.deltaParameters = state.deltaParameters or x.new(dfdx:size())
    state.deltaParameters:copy(lrs):cmul(dfdx)
    x:add(-clr, state.deltaParameters)
  else
    x:add(-clr, dfdx)
  end

  state.evalCounter = state.evalCounter + 1
  return x, { fx }
end

function optim.nag(opfunc, x, config, state)
  config = config or {}
  state = state or config
  local lr = config.learningRate or 1e-3
  local lrd = config.learningRateDecay or 0
  local wd = config.weightDecay or 0
  local mom = config.momentum or 0.9
  local damp = config.dampening or mom
  local lrs = config.learningRates
  state.evalCounter = state.evalCounter or 0

  if mom <= 0 then error('Momentum must be positive for Nesterov Accelerated Gradient') end

  -- first step along the previous velocity, then the gradient there
  if state.dfdx then x:add(mom, state.dfdx) end
  local fx, dfdx = opfunc(x)
  if wd ~= 0 then dfdx:add(wd, x) end

  local clr = lr / (1 + state.evalCounter * lrd)
  if not state.dfdx then
    state.dfdx = dfdx.new():resizeAs(dfdx):zero()
  else
    state.dfdx:mul(mom)
  end
  if lrs then
    state.deltaParameters = state.deltaParameters or x.new(dfdx:size())
    state.deltaParameters:copy(lrs):cmul(dfdx)
    x:add(-clr, state.deltaParameters)
    state.dfdx:add(-clr, state.deltaParameters)
  else
    x:add(-clr, dfdx)
    state.dfdx:add(-clr, dfdx)
  end
  state.evalCounter = state.evalCounter + 1
  return x, { fx }
end
