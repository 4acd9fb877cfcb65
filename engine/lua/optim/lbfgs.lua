-- optim/lbfgs.lua: limited-memory BFGS (Torch7's optim.lbfgs), with a
-- fixed step (learningRate) or a line search function (config.lineSearch)
-- called as lineSearch(opfunc, x, t, d, f, g, gtd, options) and returning
-- f, g, x, t, number of evaluations. Returns x, {f history}, evaluations.

function optim.lbfgs(opfunc, x, config, state)
  config = config or {}
  state = state or config
  local maxIter = tonumber(config.maxIter) or 20
  local maxEval = tonumber(config.maxEval) or maxIter * 1.25
  local tolFun = config.tolFun or 1e-5
  local tolX = config.tolX or 1e-9
  local nCorrection = config.nCorrection or 100
  local lineSearch = config.lineSearch
  local lineSearchOpts = config.lineSearchOptions
  local learningRate = config.learningRate or 1
  local verbose = config.verbose or false
  local function log(...) if verbose then print('<optim.lbfgs> ' .. string.format(...)) end end

  state.funcEval = state.funcEval or 0
  state.nIter = state.nIter or 0

  local f, g = opfunc(x)
  local f_hist = { f }
  local currentFuncEval = 1
  state.funcEval = state.funcEval + 1

  if g:clone():abs():sum() <= tolFun then
    log('optimality condition below tolFun')
    return x, f_hist
  end

  local d, t = state.d, state.t
  local old_dirs, old_stps = state.old_dirs or {}, state.old_stps or {}
  local Hdiag = state.Hdiag or 1
  local g_old, f_old = state.g_old, state.f_old

  local nIter = 0
  while nIter < maxIter do
    nIter = nIter + 1
    state.nIter = state.nIter + 1

    -- direction: -H g from the stored pairs (two-loop recursion)
    if state.nIter == 1 then
      d = g:clone():mul(-1)
      old_dirs, old_stps, Hdiag = {}, {}, 1
    else
      local y = g:clone():add(-1, g_old)
      local s = d:clone():mul(t)
      local ys = y:dot(s)
      if ys > 1e-10 then
        if #old_dirs == nCorrection then
          table.remove(old_dirs, 1)
          table.remove(old_stps, 1)
        end
        old_dirs[#old_dirs + 1] = s
        old_stps[#old_stps + 1] = y
        Hdiag = ys / y:dot(y)
      end
      local k = #old_dirs
      local ro, al = {}, {}
      for i = 1, k do ro[i] = 1 / old_stps[i]:dot(old_dirs[i]) end
      local q = g:clone():mul(-1)
      for i = k, 1, -1 do
        al[i] = old_dirs[i]:dot(q) * ro[i]
        q:add(-al[i], old_stps[i])
      end
      local r = q:mul(Hdiag)
      for i = 1, k do
        local be_i = old_stps[i]:dot(r) * ro[i]
        r:add(al[i] - be_i, old_dirs[i])
      end
      d = r
    end
    g_old = g:clone()
    f_old = f

    local gtd = g:dot(d)
    if gtd > -tolX then break end

    if state.nIter == 1 then
      t = math.min(1, 1 / g:clone():abs():sum()) * learningRate
    else
      t = learningRate
    end

    local lsFuncEval = 0
    if lineSearch and type(lineSearch) == 'function' then
      f, g, x, t, lsFuncEval = lineSearch(opfunc, x, t, d, f, g, gtd, lineSearchOpts)
      f_hist[#f_hist + 1] = f
    else
      x:add(t, d)
      if nIter ~= maxIter then
        f, g = opfunc(x)
        lsFuncEval = 1
        f_hist[#f_hist + 1] = f
      end
    end
    currentFuncEval = currentFuncEval + lsFuncEval
    state.funcEval = state.funcEval + lsFuncEval

    if nIter == maxIter then log('reached max number of iterations'); break end
    if currentFuncEval >= maxEval then log('max nb of function evals'); break end
    if g:clone():abs():sum() <= tolFun then log('optimality condition below tolFun'); break end
    if d:clone():mul(t):abs():sum() <= tolX then log('step size below tolX'); break end
    if math.abs(f - f_old) < tolX then log('function value changing less than tolX'); break end
  end

  state.old_dirs, state.old_stps, state.Hdiag = old_dirs, old_stps, Hdiag
  state.g_old, state.f_old = g_old, f_old
  state.t, state.d = t, d
  return x, f_hist, currentFuncEval
end

-- Averaged SGD: returns x, {f}, and the running average of x.
function optim.asgd(opfunc, x, config, state)
  config = config or {}
  state = state or config
  config.eta0 = config.eta0 or 1e-4
  config.lambda = config.lambda or 1e-4
  config.alpha = config.alpha or 0.75
  config.t0 = config.t0 or 1e6
  state.eta_t = state.eta_t or config.eta0
  state.mu_t = state.mu_t or 1
  state.t = state.t or 0
  local fx, dfdx = opfunc(x)
  x:mul(1 - config.lambda * state.eta_t)
  x:add(-state.eta_t, dfdx)
  state.ax = state.ax or x.new():resizeAs(x):zero()
  state.tmp = state.tmp or state.ax.new():resizeAs(state.ax)
  if state.mu_t ~= 1 then
    state.tmp:copy(x):add(-1, state.ax):mul(state.mu_t)
    state.ax:add(state.tmp)
  else
    state.ax:copy(x)
  end
  state.t = state.t + 1
  state.eta_t = config.eta0 / math.pow(1 + config.lambda * config.eta0 * state.t, config.alpha)
  state.mu_t = 1 / math.max(1, state.t - config.t0)
  return x, { fx }, state.ax
end

-- Resilient propagation: per-coordinate steps grow while the gradient
-- keeps its sign and shrink when it flips.
function optim.rprop(opfunc, x, config, state)
  config = config or {}
  state = state or config
  local stepsize = config.stepsize or 0.1
  local etaplus = config.etaplus or 1.2
  local etaminus = config.etaminus or 0.5
  local stepsizemax = config.stepsizemax or 50.0
  local stepsizemin = config.stepsizemin or 1e-06
  local niter = config.niter or 1
  local hfx = {}
  for _ = 1, niter do
    local fx, dfdx = opfunc(x)
    hfx[#hfx + 1] = fx
    if not state.delta then
      state.delta = dfdx.new(dfdx:size()):zero()
      state.stepsize = dfdx.new(dfdx:size()):fill(stepsize)
    end
    local g, prev, step = dfdx:contiguous():view(-1), state.delta:view(-1), state.stepsize:view(-1)
    local xf = x:view(-1)
    for i = 1, g:nElement() do
      local gi = g[i]
      local s = gi * prev[i]
      local st = step[i]
      if s > 0 then
        st = math.min(st * etaplus, stepsizemax)
      elseif s < 0 then
        st = math.max(st * etaminus, stepsizemin)
        gi = 0            -- after a sign change, skip this coordinate once
      end
      step[i] = st
      local sign = gi > 0 and 1 or (gi < 0 and -1 or 0)
      xf[i] = xf[i] - sign * st
      prev[i] = gi
    end
  end
  return x, hfx
end
