-- optim/checkgrad.lua: compare opfunc's gradient with central differences.
-- Returns the relative difference |g - g_est| / |g + g_est|, g and g_est.

function optim.checkgrad(opfunc, x, eps)
  eps = eps or 1e-7
  local _, g = opfunc(x)
  -- opfunc may hand back the same buffer each call: keep a copy
  local dC = g:clone():resize(x:size())
  local est = dC.new():resizeAs(dC)
  local flat_x, flat_est = x:view(-1), est:view(-1)
  for i = 1, flat_x:nElement() do
    local orig = flat_x[i]
    flat_x[i] = orig + eps
    local c1 = opfunc(x)
    flat_x[i] = orig - eps
    local c2 = opfunc(x)
    flat_x[i] = orig
    flat_est[i] = (c1 - c2) / (2 * eps)
  end
  local d, s = dC - est, dC + est
  local diff = math.sqrt(d:dot(d)) / math.sqrt(s:dot(s))
  return diff, dC, est
end
