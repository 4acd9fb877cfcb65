-- optim/cg.lua: nonlinear conjugate gradients (Polack-Ribiere directions)
-- with Rasmussen's line search: cubic extrapolation until the slope
-- condition holds, then cubic/quadratic interpolation (Wolfe-Powell).
-- config: rho, sig, int, ext, maxIter (line searches), ratio, maxEval.
-- Returns x, {f values after each successful line search}, evaluations.

function optim.cg(opfunc, x, config, state)
  config = config or {}
  state = state or config
  local rho = config.rho or 0.01
  local sig = config.sig or 0.5
  local int = config.int or 0.1
  local ext = config.ext or 3.0
  local maxIter = config.maxIter or 20
  local ratio = config.ratio or 100
  local maxEval = config.maxEval or maxIter * 1.25
  local red = 1
  local realmin = 2.2251e-308

  local i = 0
  local ls_failed = false
  local fx = {}

  local f1, tdf = opfunc(x)
  local df0 = tdf:clone()
  i = i + 1
  fx[#fx + 1] = f1

  local s = df0:clone():mul(-1)
  local d0 = -s:dot(s)
  local x3 = red / (1 - d0)
  local f0 = f1
  local x0 = x.new():resizeAs(x)
  local df3 = x.new():resizeAs(x)

  local function at(step)
    local xs = x:clone():add(step, s)
    local f, g = opfunc(xs)
    return f, g:clone()
  end

  while i < math.abs(maxIter) do
    x0:copy(x)
    local F0, dF0 = f0, df0:clone()
    local M = math.min(20, maxEval - i)
    local x2, f2, d2, f3, d3
    local x1, d1
    local x4, f4, d4
    while true do
      -- extrapolation
      x2, f2, d2 = 0, f0, d0
      f3 = f0
      df3:copy(df0)
      local success = false
      while not success and M > 0 do
        M = M - 1
        i = i + 1
        local g
        f3, g = at(x3)
        df3:copy(g)
        if f3 == f3 and f3 ~= math.huge and f3 ~= -math.huge then
          success = true
        else
          x3 = (x2 + x3) / 2
        end
      end
      if f3 < F0 then
        x0:copy(x):add(x3, s)
        F0 = f3
        dF0:copy(df3)
      end
      d3 = df3:dot(s)
      if d3 > sig * d0 or f3 > f0 + x3 * rho * d0 or M == 0 then break end
      x1, f1, d1 = x2, f2, d2
      x2, f2, d2 = x3, f3, d3
      local A = 6 * (f1 - f2) + 3 * (d2 + d1) * (x2 - x1)
      local B = 3 * (f2 - f1) - (2 * d1 + d2) * (x2 - x1)
      local disc = B * B - A * d1 * (x2 - x1)
      if disc < 0 then
        x3 = x2 * ext
      else
        x3 = x1 - d1 * (x2 - x1) ^ 2 / (B + math.sqrt(disc))
        if x3 ~= x3 or x3 == math.huge or x3 == -math.huge or x3 < 0 or x3 > x2 * ext then
          x3 = x2 * ext
        elseif x3 < x2 + int * (x2 - x1) then
          x3 = x2 + int * (x2 - x1)
        end
      end
    end
    x4, f4, d4 = x3, f3, d3
    while (math.abs(d3) > -sig * d0 or f3 > f0 + x3 * rho * d0) and M > 0 do
      -- interpolation
      if d3 > 0 or f3 > f0 + x3 * rho * d0 then
        x4, f4, d4 = x3, f3, d3
      else
        x2, f2, d2 = x3, f3, d3
      end
      if f4 > f0 then
        x3 = x2 - (0.5 * d2 * (x4 - x2) ^ 2) / (f4 - f2 - d2 * (x4 - x2))
      else
        local A = 6 * (f2 - f4) / (x4 - x2) + 3 * (d4 + d2)
        local B = 3 * (f4 - f2) - (2 * d2 + d4) * (x4 - x2)
        local disc = B * B - A * d2 * (x4 - x2) ^ 2
        x3 = disc >= 0 and x2 + (math.sqrt(disc) - B) / A or 0 / 0
      end
      if x3 ~= x3 or x3 == math.huge or x3 == -math.huge then x3 = (x2 + x4) / 2 end
      x3 = math.max(math.min(x3, x4 - int * (x4 - x2)), x2 + int * (x4 - x2))
      local g
      f3, g = at(x3)
      df3:copy(g)
      if f3 < F0 then
        x0:copy(x):add(x3, s)
        F0 = f3
        dF0:copy(df3)
      end
      M = M - 1
      i = i + 1
      d3 = df3:dot(s)
    end
    if math.abs(d3) < -sig * d0 and f3 < f0 + x3 * rho * d0 then
      -- success: step, and the next Polack-Ribiere direction
      x:add(x3, s)
      f0 = f3
      fx[#fx + 1] = f0
      local beta = (df3:dot(df3) - df0:dot(df3)) / df0:dot(df0)
      s:mul(beta):add(-1, df3)
      df0:copy(df3)
      d3 = d0
      d0 = df0:dot(s)
      if d0 > 0 then
        s:copy(df0):mul(-1)
        d0 = -s:dot(s)
      end
      x3 = x3 * math.min(ratio, d3 / (d0 - realmin))
      ls_failed = false
    else
      -- failure: restore the best point and restart along -gradient
      x:copy(x0)
      f0 = F0
      df0:copy(dF0)
      if ls_failed or i > maxEval then break end
      s:copy(df0):mul(-1)
      d0 = -s:dot(s)
      x3 = 1 / (1 - d0)
      ls_failed = true
    end
  end
  state.df0, state.s = df0, s
  return x, fx, i
end
