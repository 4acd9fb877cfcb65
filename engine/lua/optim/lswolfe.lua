-- optim/lswolfe.lua: a line search satisfying the strong Wolfe conditions
-- (bracketing, then zooming with cubic interpolation) for optim.lbfgs, and
-- polyinterp, the minimizer of the polynomial through points with values
-- and (optionally) derivatives.

-- Solve A x = b (small, dense) by Gaussian elimination with pivoting.
local function solve(A, b)
  local n = #b
  for c = 1, n do
    local p = c
    for r = c + 1, n do if math.abs(A[r][c]) > math.abs(A[p][c]) then p = r end end
    A[c], A[p] = A[p], A[c]
    b[c], b[p] = b[p], b[c]
    local piv = A[c][c]
    if piv == 0 then return nil end
    for r = c + 1, n do
      local f = A[r][c] / piv
      for k = c, n do A[r][k] = A[r][k] - f * A[c][k] end
      b[r] = b[r] - f * b[c]
    end
  end
  local x = {}
  for r = n, 1, -1 do
    local s = b[r]
    for k = r + 1, n do s = s - A[r][k] * x[k] end
    x[r] = s / A[r][r]
  end
  return x
end

-- points: a [n, 3] tensor (or table of rows) of {x, f(x), f'(x)}, where a
-- NaN-free derivative is used when given (a NaN marks it unknown).
-- Returns the minimizer within [xminBound, xmaxBound] and the min value.
function optim.polyinterp(points, xminBound, xmaxBound)
  local rows = {}
  local n = torch.isTensor(points) and points:size(1) or #points
  for i = 1, n do
    local r = points[i]
    rows[i] = { r[1], r[2], r[3] }
  end
  local xmin, xmax = math.huge, -math.huge
  for i = 1, n do
    xmin = math.min(xmin, rows[i][1])
    xmax = math.max(xmax, rows[i][1])
  end
  xminBound = xminBound or xmin
  xmaxBound = xmaxBound or xmax
  -- the common case: two points with derivatives, closed-form cubic
  if n == 2 and rows[1][3] == rows[1][3] and rows[2][3] == rows[2][3] then
    local a, b = rows[1], rows[2]
    if a[1] > b[1] then a, b = b, a end
    local d1 = a[3] + b[3] - 3 * (a[2] - b[2]) / (a[1] - b[1])
    local d2sq = d1 * d1 - a[3] * b[3]
    if d2sq >= 0 then
      local d2 = math.sqrt(d2sq)
      local t = b[1] - (b[1] - a[1]) * ((b[3] + d2 - d1) / (b[3] - a[3] + 2 * d2))
      return math.min(math.max(t, xminBound), xmaxBound)
    end
    return (xmaxBound + xminBound) / 2
  end
  -- general case: fit the polynomial through every value and derivative
  local A, rhs = {}, {}
  local order = -1
  for i = 1, n do
    order = order + 1
    if rows[i][3] == rows[i][3] then order = order + 1 end
  end
  for i = 1, n do
    local row = {}
    for k = 0, order do row[k + 1] = rows[i][1] ^ (order - k) end
    A[#A + 1] = row
    rhs[#rhs + 1] = rows[i][2]
  end
  for i = 1, n do
    if rows[i][3] == rows[i][3] then
      local row = {}
      for k = 0, order do
        local p = order - k
        row[k + 1] = p > 0 and p * rows[i][1] ^ (p - 1) or 0
      end
      A[#A + 1] = row
      rhs[#rhs + 1] = rows[i][3]
    end
  end
  local coef = solve(A, rhs)
  if not coef then return (xminBound + xmaxBound) / 2 end
  local function poly(x)
    local s = 0
    for k = 1, #coef do s = s * x + coef[k] end
    return s
  end
  -- candidate points: the bounds and the real stationary points, found by
  -- scanning the derivative for sign changes and bisecting
  local function dpoly(x)
    local s = 0
    local m = #coef - 1
    for k = 1, m do s = s * x + coef[k] * (m - k + 1) end
    return s
  end
  local best, fbest = xminBound, poly(xminBound)
  if poly(xmaxBound) < fbest then best, fbest = xmaxBound, poly(xmaxBound) end
  local steps = 200
  local h = (xmaxBound - xminBound) / steps
  for i = 0, steps - 1 do
    local lo, hi = xminBound + i * h, xminBound + (i + 1) * h
    if dpoly(lo) <= 0 and dpoly(hi) > 0 then
      for _ = 1, 60 do
        local mid = (lo + hi) / 2
        if dpoly(mid) <= 0 then lo = mid else hi = mid end
      end
      local x = (lo + hi) / 2
      if poly(x) < fbest then best, fbest = x, poly(x) end
    end
  end
  return best, fbest
end

-- lswolfe(opfunc, x, t, d, f, g, gtd, options) -> f, g, x, t, evaluations
-- x is moved to x + t d in place.
function optim.lswolfe(opfunc, x, t, d, f, g, gtd, options)
  options = options or {}
  local c1 = options.c1 or 1e-4
  local c2 = options.c2 or 0.9
  local tolX = options.tolX or 1e-9
  local maxIter = options.maxIter or 20
  local x0 = x:clone()
  local function eval(step)
    x:copy(x0):add(step, d)
    local fn, gn = opfunc(x)
    return fn, gn:clone()
  end
  local f_new, g_new = eval(t)
  local evals = 1
  local gtd_new = g_new:dot(d)
  local t_prev, f_prev, g_prev, gtd_prev = 0, f, g:clone(), gtd
  local bracket, bf, bg, bgtd
  local done = false
  local iter = 0
  -- bracketing phase
  while iter < maxIter do
    if f_new > f + c1 * t * gtd or (iter > 0 and f_new >= f_prev) then
      bracket = { t_prev, t }; bf = { f_prev, f_new }; bg = { g_prev, g_new }; bgtd = { gtd_prev, gtd_new }
      break
    end
    if math.abs(gtd_new) <= -c2 * gtd then
      done = true
      break
    end
    if gtd_new >= 0 then
      bracket = { t_prev, t }; bf = { f_prev, f_new }; bg = { g_prev, g_new }; bgtd = { gtd_prev, gtd_new }
      break
    end
    local minStep = t + 0.01 * (t - t_prev)
    local maxStep = t * 10
    local t_next = optim.polyinterp({ { t_prev, f_prev, gtd_prev }, { t, f_new, gtd_new } }, minStep, maxStep)
    t_prev, f_prev, g_prev, gtd_prev = t, f_new, g_new, gtd_new
    t = t_next
    f_new, g_new = eval(t)
    evals = evals + 1
    gtd_new = g_new:dot(d)
    iter = iter + 1
  end
  if iter == maxIter and not done and not bracket then
    bracket = { 0, t }; bf = { f, f_new }; bg = { g, g_new }; bgtd = { gtd, gtd_new }
  end
  -- zoom phase
  while not done and iter < maxIter do
    local lo = bf[1] <= bf[2] and 1 or 2
    local hi = 3 - lo
    if math.abs(bracket[2] - bracket[1]) * math.max(d:clone():abs():max(), 1e-300) < tolX then break end
    local tn = optim.polyinterp({ { bracket[1], bf[1], bgtd[1] }, { bracket[2], bf[2], bgtd[2] } })
    -- keep away from the ends of the bracket
    local blo, bhi = math.min(bracket[1], bracket[2]), math.max(bracket[1], bracket[2])
    local margin = 0.1 * (bhi - blo)
    if tn - blo < margin or bhi - tn < margin then tn = (blo + bhi) / 2 end
    local fn, gn = eval(tn)
    evals = evals + 1
    local gtdn = gn:dot(d)
    iter = iter + 1
    if fn > f + c1 * tn * gtd or fn >= bf[lo] then
      bracket[hi], bf[hi], bg[hi], bgtd[hi] = tn, fn, gn, gtdn
    else
      if math.abs(gtdn) <= -c2 * gtd then
        t, f_new, g_new = tn, fn, gn
        done = true
        break
      end
      if gtdn * (bracket[hi] - bracket[lo]) >= 0 then
        bracket[hi], bf[hi], bg[hi], bgtd[hi] = bracket[lo], bf[lo], bg[lo], bgtd[lo]
      end
      bracket[lo], bf[lo], bg[lo], bgtd[lo] = tn, fn, gn, gtdn
    end
  end
  if not done and bracket then
    local lo = bf[1] <= bf[2] and 1 or 2
    t, f_new, g_new = bracket[lo], bf[lo], bg[lo]
  end
  x:copy(x0):add(t, d)
  return f_new, g_new, x, t, evals
end
