-- torch/math_linalg.lua: the LAPACK functions (torch.X only, no methods,
-- Float and Double), with Torch7's argument orders: result tensors first
-- and optional, then the operands, then option characters.
--   gesv([x, lu,] b, a)                 -> x, lu   solves a*x = b
--   gels([x, qr,] b, a)                 -> x, qr   least squares
--   trtrs([x, ac,] b, a [,uplo [,trans [,diag]]]) -> x, ac
--   symeig([e, v,] a [,jobz [,uplo]])   -> e, v
--   eig([e, v,] a [,jobvr])             -> e (n x 2), v
--   svd([u, s, v,] a [,'S' | 'A'])      -> u, s, v  (a = u*diag(s)*v')
--   inverse([res,] a), potrf([res,] a [,uplo]), potri([res,] a [,uplo]),
--   potrs([res,] b, chol [,uplo]), pstrf([res, piv,] a [,uplo [,tol]]),
--   qr([q, r,] a), geqrf([m, tau,] a), orgqr([res,] m, tau),
--   ormqr([res,] m, tau, c [,side [,trans]])

local ffi = require 'ffi'
local C = torch._C
local L = torch._mathlib
local empty, ctypes, fail, raise = torch._empty, L.ctypes, L.fail, L.raise
local istype = ffi.istype
local INT = 3

local function check(rc) if rc ~= 0 then raise() end end

-- Splits args into (results, operands, options): the leading tensors of
-- dtype d beyond nops are results; strings and numbers after are options.
local function split_args(name, d, nres, nops, ...)
  local args, n = { ... }, select('#', ...)
  while n > 0 and args[n] == nil do n = n - 1 end
  local ntensors = 0
  while ntensors < n and L.dtype_of_tensor(args[ntensors + 1]) do ntensors = ntensors + 1 end
  if ntensors ~= nops and ntensors ~= nops + nres then
    fail(string.format('%s: expected %s%d tensor argument%s, got %d', name,
                       nres > 0 and ('[' .. nres .. ' result tensors,] ') or '', nops, nops > 1 and 's' or '',
                       ntensors))
  end
  local res, ops_, opts = {}, {}, {}
  local k = 0
  if ntensors > nops then for i = 1, nres do k = k + 1; res[i] = args[k] end end
  for i = 1, nops do
    k = k + 1
    ops_[i] = args[k]
    if not istype(ctypes[d], ops_[i]) then
      fail(string.format('%s: tensor types differ: torch.%sTensor and %s', name, torch._dtype_names[d],
                         torch.type(ops_[i])))
    end
  end
  for i = k + 1, n do opts[#opts + 1] = args[i] end
  for i = 1, nres do res[i] = res[i] or empty(d) end
  return res, ops_, opts
end

local function char_opt(name, v, default, allowed)
  v = v or default
  if type(v) ~= 'string' or not allowed:find(v, 1, true) or #v ~= 1 then
    fail(string.format("%s: option must be one of '%s', got %s", name, allowed, tostring(v)))
  end
  return v
end

-- Install torch.name for Float and Double; other dtypes get the message.
local function lapack(name, f)
  L.install(name, function(n, _, d)
    local function fn(...) return f(d, ...) end
    return nil, fn
  end, { float_only = true })
  -- LAPACK names are functions only (no methods), as in Torch7
  for d = 0, 7 do torch.getmetatable('torch.' .. torch._dtype_names[d] .. 'Tensor')[name] = nil end
end

lapack('gesv', function(d, ...)
  local r, o = split_args('gesv', d, 2, 2, ...)
  check(C.tl_gesv(r[1]._c, r[2]._c, o[1]._c, o[2]._c))
  return r[1], r[2]
end)

lapack('gels', function(d, ...)
  local r, o = split_args('gels', d, 2, 2, ...)
  check(C.tl_gels(r[1]._c, r[2]._c, o[1]._c, o[2]._c))
  return r[1], r[2]
end)

lapack('trtrs', function(d, ...)
  local r, o, opt = split_args('trtrs', d, 2, 2, ...)
  check(C.tl_trtrs(r[1]._c, r[2]._c, o[1]._c, o[2]._c, char_opt('trtrs', opt[1], 'U', 'UL'):byte(),
                   char_opt('trtrs', opt[2], 'N', 'NTC'):byte(), char_opt('trtrs', opt[3], 'N', 'NU'):byte()))
  return r[1], r[2]
end)

lapack('symeig', function(d, ...)
  local r, o, opt = split_args('symeig', d, 2, 1, ...)
  check(C.tl_symeig(r[1]._c, r[2]._c, o[1]._c, char_opt('symeig', opt[1], 'N', 'NV'):byte(),
                    char_opt('symeig', opt[2], 'U', 'UL'):byte()))
  return r[1], r[2]
end)

lapack('eig', function(d, ...)
  local r, o, opt = split_args('eig', d, 2, 1, ...)
  check(C.tl_eig(r[1]._c, r[2]._c, o[1]._c, char_opt('eig', opt[1], 'N', 'NV'):byte()))
  return r[1], r[2]
end)

lapack('svd', function(d, ...)
  local r, o, opt = split_args('svd', d, 3, 1, ...)
  check(C.tl_svd(r[1]._c, r[2]._c, r[3]._c, o[1]._c, char_opt('svd', opt[1], 'S', 'SA'):byte()))
  return r[1], r[2], r[3]
end)

lapack('inverse', function(d, ...)
  local r, o = split_args('inverse', d, 1, 1, ...)
  check(C.tl_inverse(r[1]._c, o[1]._c))
  return r[1]
end)

lapack('potrf', function(d, ...)
  local r, o, opt = split_args('potrf', d, 1, 1, ...)
  check(C.tl_potrf(r[1]._c, o[1]._c, char_opt('potrf', opt[1], 'U', 'UL'):byte()))
  return r[1]
end)

lapack('potri', function(d, ...)
  local r, o, opt = split_args('potri', d, 1, 1, ...)
  check(C.tl_potri(r[1]._c, o[1]._c, char_opt('potri', opt[1], 'U', 'UL'):byte()))
  return r[1]
end)

lapack('potrs', function(d, ...)
  local r, o, opt = split_args('potrs', d, 1, 2, ...)
  check(C.tl_potrs(r[1]._c, o[1]._c, o[2]._c, char_opt('potrs', opt[1], 'U', 'UL'):byte()))
  return r[1]
end)

lapack('pstrf', function(d, ...)
  -- the pivots are an IntTensor, so the results are found by type here
  local args = { ... }
  local res, piv
  if L.dtype_of_tensor(args[1]) == d and L.dtype_of_tensor(args[2]) == INT then
    res, piv = table.remove(args, 1), table.remove(args, 1)
  end
  local a, uplo, tol = args[1], args[2], args[3]
  if not istype(ctypes[d], a) then fail('pstrf: expected [result, pivots,] matrix [, uplo [, tol]]') end
  res, piv = res or empty(d), piv or empty(INT)
  check(C.tl_pstrf(res._c, piv._c, a._c, char_opt('pstrf', uplo, 'U', 'UL'):byte(), tol or -1))
  return res, piv
end)

lapack('geqrf', function(d, ...)
  local r, o = split_args('geqrf', d, 2, 1, ...)
  check(C.tl_geqrf(r[1]._c, r[2]._c, o[1]._c))
  return r[1], r[2]
end)

lapack('orgqr', function(d, ...)
  local r, o = split_args('orgqr', d, 1, 2, ...)
  check(C.tl_orgqr(r[1]._c, o[1]._c, o[2]._c))
  return r[1]
end)

lapack('ormqr', function(d, ...)
  local r, o, opt = split_args('ormqr', d, 1, 3, ...)
  check(C.tl_ormqr(r[1]._c, o[1]._c, o[2]._c, o[3]._c, char_opt('ormqr', opt[1], 'L', 'LR'):byte(),
                   char_opt('ormqr', opt[2], 'N', 'NT'):byte()))
  return r[1]
end)

-- qr: q (m x k) and r (k x n), k = min(m, n), from geqrf and orgqr.
lapack('qr', function(d, ...)
  local r, o = split_args('qr', d, 2, 1, ...)
  local a = o[1]
  if a:dim() ~= 2 then fail('qr: A must be a matrix, got a ' .. a:dim() .. 'D tensor') end
  local m, tau = empty(d), empty(d)
  check(C.tl_geqrf(m._c, tau._c, a._c))
  local k = math.min(a:size(1), a:size(2))
  local rr = torch.triu(m:narrow(1, 1, k))
  check(C.tl_orgqr(r[1]._c, m._c, tau._c))
  r[2]:resize(rr:size()):copy(rr)
  return r[1], r[2]
end)
