-- optim/fista.lua: FISTA with backtracking on the Lipschitz constant, for
-- min f(x) + g(x), f smooth, g with a cheap proximal operator:
--   f(x, mode): f(x), or f(x), df/dx when mode == 'dx'
--   g(x): the non-smooth term's value
--   pl(x, L): x becomes the proximal point prox_{g/L}(x) (in place)
-- params: L (1), Lstep (1.5), maxiter (100), maxline (20), errthres
-- (1e-4), doFistaUpdate (true), verbose. Returns x and a history of
-- {F, nline, L} per iteration.

function optim.FistaLS(f, g, pl, xinit, params)
  params = params or {}
  local L = params.L or 1
  local Lstep = params.Lstep or 1.5
  local maxiter = params.maxiter or 100
  local maxline = params.maxline or 20
  local errthres = params.errthres or 1e-4
  local doFistaUpdate = params.doFistaUpdate
  if doFistaUpdate == nil then doFistaUpdate = true end
  local verbose = params.verbose

  local xk = xinit
  local y = xk:clone()
  local xkm = xk:clone()
  local ply = xk.new():resizeAs(xk)
  local diff = xk.new():resizeAs(xk)
  local tk = 1
  local history = {}
  local fval_prev = math.huge

  for iter = 1, maxiter do
    local fy, gfy = f(y, 'dx')
    gfy = gfy:clone()
    local nline = 0
    local fply, gply
    repeat
      nline = nline + 1
      ply:copy(y):add(-1 / L, gfy)
      pl(ply, L)
      fply = f(ply)
      gply = g(ply)
      diff:copy(ply):add(-1, y)
      local Q = fy + diff:dot(gfy) + L / 2 * diff:dot(diff) + gply
      if fply + gply <= Q then break end
      L = L * Lstep
    until nline >= maxline
    xk:copy(ply)
    local fval = fply + gply
    history[iter] = { F = fval, nline = nline, L = L }
    if verbose then print(string.format('<optim.FistaLS> iter %d: F = %g, L = %g', iter, fval, L)) end
    if doFistaUpdate then
      local tkp = (1 + math.sqrt(1 + 4 * tk * tk)) / 2
      y:copy(xk):add((tk - 1) / tkp, diff:copy(xk):add(-1, xkm))
      tk = tkp
      xkm:copy(xk)
    else
      y:copy(xk)
    end
    if math.abs(fval_prev - fval) <= errthres * math.max(math.abs(fval), 1e-300) then break end
    fval_prev = fval
  end
  return xk, history
end
