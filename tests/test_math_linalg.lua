-- tests/test_math_linalg.lua: the linear algebra, signal and sampling
-- functions outside the generic op table (engine/lua/torch/math_batch.lua,
-- math_linalg.lua, math_signal.lua, math_sample.lua): batched BLAS and
-- cross products against plain-Lua references, LAPACK by reconstruction,
-- 2-D and 3-D convolutions, histograms, multinomial sampling and match;
-- and the error messages of the functions of both files.

local T = {}

local helpers = require 'helpers'
local TYPES, FLOATS = helpers.MATH_TYPES, { 'Float', 'Double' }
local tol, values, make = helpers.mat_tol, helpers.mat_values, helpers.mat_make
local check_matrix, each_case, wrap = helpers.mat_check, helpers.mat_each_case, helpers.wrap_int

---------------------------------------------------------------------------
-- BLAS 3 batched, cross

local function matmul(a, b)
  local r = {}
  for i = 1, #a do
    r[i] = {}
    for j = 1, #b[1] do
      local s = 0
      for k = 1, #b do s = s + a[i][k] * b[k][j] end
      r[i][j] = s
    end
  end
  return r
end

function T.bmm_baddbmm_addbmm()
  for _, tn in ipairs(TYPES) do
    local n, p, q, s = 3, 2, 4, 3
    local A, B, M = {}, {}, {}
    local ta = torch[tn .. 'Tensor'](n, p, q)
    local tb = torch[tn .. 'Tensor'](n, s, q):transpose(2, 3)   -- non-contiguous
    local tm = torch[tn .. 'Tensor'](n, p, s)
    for b = 1, n do
      A[b], B[b], M[b] = values(tn, p, q, 3), values(tn, q, s, 3), values(tn, p, s, 3)
      for i = 1, p do for j = 1, q do ta[b][i][j] = A[b][i][j] end end
      for i = 1, q do for j = 1, s do tb[b][i][j] = B[b][i][j] end end
      for i = 1, p do for j = 1, s do tm[b][i][j] = M[b][i][j] end end
    end
    local r = torch.bmm(ta, tb)
    local sum = {}
    for b = 1, n do
      local want = matmul(A[b], B[b])
      check_matrix('bmm ' .. tn, r[b], (function()
        local w = {}
        for i = 1, p do w[i] = {} for j = 1, s do w[i][j] = wrap(tn, want[i][j]) end end
        return w
      end)(), tn)
      local bd = torch.baddbmm(2, tm, 3, ta, tb)[b]
      for i = 1, p do
        sum[i] = sum[i] or {}
        for j = 1, s do
          assert_near(bd[i][j], wrap(tn, 2 * M[b][i][j] + 3 * want[i][j]), tol(tn), 'baddbmm ' .. tn)
          sum[i][j] = (sum[i][j] or 0) + want[i][j]
        end
      end
    end
    local ad = torch.addbmm(tm[1], ta, tb)
    for i = 1, p do for j = 1, s do
      assert_near(ad[i][j], wrap(tn, M[1][i][j] + sum[i][j]), tol(tn), 'addbmm ' .. tn)
    end end
    local self = tm[1]:clone()
    self:addbmm(ta, tb)
    assert_near(self, ad, tol(tn))
  end
  assert_error(function() torch.bmm(torch.Tensor(2, 2, 3), torch.Tensor(3, 3, 2)) end,
               'bmm: batch sizes [2 x 2 x 3] and [3 x 3 x 2] do not match')
end

function T.cross()
  for _, tn in ipairs(TYPES) do
    local a, b = values(tn, 4, 3, 5), values(tn, 4, 3, 5)
    local x, y = make(tn, 'transposed', a), make(tn, 'narrowed', b)
    local c = torch.cross(x, y, 2)
    for i = 1, 4 do
      local u, v = a[i], b[i]
      local w = { u[2] * v[3] - u[3] * v[2], u[3] * v[1] - u[1] * v[3], u[1] * v[2] - u[2] * v[1] }
      for j = 1, 3 do assert_near(c[i][j], wrap(tn, w[j]), tol(tn), 'cross ' .. tn) end
    end
    assert_near(x:cross(y), c, 0)   -- first dim of size 3 is dim 2 here
  end
end

---------------------------------------------------------------------------
-- LAPACK, by reconstruction

local function rand_matrix(tn, n, m)
  return torch[tn .. 'Tensor'](n, m):uniform(-1, 1)
end

function T.lapack_solvers()
  for _, tn in ipairs(FLOATS) do
    local tl = tn == 'Float' and 1e-3 or 1e-9
    local A = rand_matrix(tn, 5, 5) + torch.eye(5, 'torch.' .. tn .. 'Tensor') * 3
    local B = rand_matrix(tn, 5, 2)
    local X, LU = torch.gesv(B, A)
    assert_near(A * X, B, tl, tn .. ' gesv')
    assert(LU:size(1) == 5)
    -- transposed operands
    local X2 = torch.gesv(B:t():contiguous():t(), A:t():contiguous():t())
    assert_near(X2, X, tl)
    -- gels: least squares for a tall matrix: the normal equations hold
    local Atall, Bt = rand_matrix(tn, 7, 3), rand_matrix(tn, 7, 2)
    local Xl = torch.gels(Bt, Atall)
    assert(Xl:size(1) == 7 and Xl:size(2) == 2, 'gels returns max(m,n) rows')
    local sol = Xl:narrow(1, 1, 3)
    assert_near(Atall:t() * (Atall * sol - Bt), torch.zeros(3, 2, 'torch.' .. tn .. 'Tensor'), tl * 10, tn .. ' gels')
    -- trtrs
    local U = torch.triu(A)
    local Xt = torch.trtrs(B, U)
    assert_near(U * Xt, B, tl, tn .. ' trtrs')
    local Xl2 = torch.trtrs(B, torch.tril(A), 'L')
    assert_near(torch.tril(A) * Xl2, B, tl, tn .. ' trtrs L')
    -- inverse
    assert_near(torch.inverse(A) * A, torch.eye(5, 'torch.' .. tn .. 'Tensor'), tl, tn .. ' inverse')
    -- Cholesky family
    local S = A * A:t() + torch.eye(5, 'torch.' .. tn .. 'Tensor')
    local Uc = torch.potrf(S)
    assert_near(Uc:t() * Uc, S, tl * 10, tn .. ' potrf')
    assert_near(torch.triu(Uc), Uc, 0, 'potrf U is upper triangular')
    local Lc = torch.potrf(S, 'L')
    assert_near(Lc * Lc:t(), S, tl * 10, tn .. ' potrf L')
    assert_near(S * torch.potrs(B, Uc), B, tl * 10, tn .. ' potrs')
    assert_near(torch.potri(Uc) * S, torch.eye(5, 'torch.' .. tn .. 'Tensor'), tl * 10, tn .. ' potri')
    local Up, piv = torch.pstrf(S)
    assert(torch.type(piv) == 'torch.IntTensor' and piv:nElement() == 5)
    local P = torch[tn .. 'Tensor'](5, 5):zero()
    for i = 1, 5 do P[piv[i]][i] = 1 end
    assert_near(P:t() * S * P, Up:t() * Up, tl * 10, tn .. ' pstrf')
  end
end

function T.lapack_decompositions()
  for _, tn in ipairs(FLOATS) do
    local tl = tn == 'Float' and 1e-3 or 1e-9
    local A = rand_matrix(tn, 6, 4)
    -- svd, reduced and full
    local u, s, v = torch.svd(A)
    assert(u:size(2) == 4 and s:nElement() == 4 and v:size(1) == 4)
    assert_near(u * torch.diag(s) * v:t(), A, tl, tn .. ' svd')
    local uf, sf, vf = torch.svd(A, 'A')
    assert(uf:size(1) == 6 and uf:size(2) == 6)
    assert_near(uf:t() * uf, torch.eye(6, 'torch.' .. tn .. 'Tensor'), tl)
    assert_near(sf, s, tl)
    -- qr
    local q, r = torch.qr(A)
    assert(q:size(1) == 6 and q:size(2) == 4 and r:size(1) == 4 and r:size(2) == 4)
    assert_near(q * r, A, tl, tn .. ' qr')
    assert_near(torch.triu(r), r, 0)
    -- geqrf + orgqr + ormqr
    local m, tau = torch.geqrf(A)
    local Q = torch.orgqr(m, tau)
    assert_near(Q, q, tl)
    local C = rand_matrix(tn, 6, 3)
    local full_q = torch.orgqr(torch.cat(m, torch.zeros(6, 2, 'torch.' .. tn .. 'Tensor'), 2),
                               torch.cat(tau, torch.zeros(2, 'torch.' .. tn .. 'Tensor')))
    assert_near(torch.ormqr(m, tau, C), full_q * C, tl, tn .. ' ormqr')
    assert_near(torch.ormqr(m, tau, C, 'L', 'T'), full_q:t() * C, tl, tn .. ' ormqr T')
    -- symeig
    local S = A:t() * A
    local e, V = torch.symeig(S, 'V')
    assert_near(S * V, V * torch.diag(e), tl * 10, tn .. ' symeig')
    for i = 2, 4 do assert(e[i - 1] <= e[i]) end
    -- eig of a symmetric matrix: real eigenvalues
    local ee, EV = torch.eig(S, 'V')
    assert(ee:size(1) == 4 and ee:size(2) == 2)
    assert_near(ee:select(2, 2), torch.zeros(4, 'torch.' .. tn .. 'Tensor'), tl)
    assert_near(S * EV, EV * torch.diag(ee:select(2, 1)), tl * 10, tn .. ' eig')
  end
  -- a rotation has complex eigenvalues +-i
  local er = torch.eig(torch.Tensor({ { 0, -1 }, { 1, 0 } }))
  assert_near(er:select(2, 1), { 0, 0 }, 1e-12)
  assert_near(torch.abs(er:select(2, 2)), { 1, 1 }, 1e-12)
end

-- Small eigen/SVD calls run OpenBLAS on one thread (linalg.c); the
-- thread count must come back, and the results must not depend on it.
function T.lapack_small_calls_restore_threads()
  local saved = torch.getnumthreads()
  for _, tn in ipairs(FLOATS) do
    local tl = tn == 'Float' and 1e-3 or 1e-9
    local A = rand_matrix(tn, 40, 30)
    torch.setnumthreads(1)
    local u1, s1, v1 = torch.svd(A)
    torch.setnumthreads(2)
    local u2, s2, v2 = torch.svd(A)
    local C = torch._C
    assert(C.tl_blas_get_num_threads() == 2, 'svd left OpenBLAS at ' .. C.tl_blas_get_num_threads() .. ' threads')
    assert_near(s2, s1, tl, tn .. ' svd, 1 and 2 threads')
    assert_near(u2 * torch.diag(s2) * v2:t(), A, tl, tn .. ' svd at 2 threads')
    local S = A:t() * A
    local e = torch.symeig(S)
    assert(C.tl_blas_get_num_threads() == 2, 'symeig left OpenBLAS at ' .. C.tl_blas_get_num_threads() .. ' threads')
    assert_near(e:sum(), torch.trace(S), tl * 100, tn .. ' symeig eigenvalues sum to the trace')
    -- the thread count still reaches BLAS: a 2-thread mm matches 1 thread
    local M = rand_matrix(tn, 300, 300)
    local p2 = M * M
    torch.setnumthreads(1)
    assert_near(M * M, p2, tl, tn .. ' mm after LAPACK')
  end
  torch.setnumthreads(saved)
end

function T.lapack_errors()
  assert_error(function() torch.inverse(torch.Tensor(2, 3)) end, 'inverse: A must be square, got [2 x 3]')
  assert_error(function() torch.inverse(torch.Tensor({ { 1, 2 }, { 2, 4 } })) end, 'inverse: the matrix is singular')
  assert_error(function() torch.gesv(torch.Tensor(3, 1), torch.Tensor({ { 1, 1 }, { 1, 1 } })) end,
               'gesv: B [3 x 1] and A [2 x 2] must have the same number of rows')
  assert_error(function() torch.gesv(torch.Tensor(2, 1):fill(1), torch.Tensor({ { 1, 1 }, { 1, 1 } })) end,
               'gesv: the matrix is singular')
  assert_error(function() torch.potrf(torch.Tensor({ { 1, 2 }, { 2, 1 } })) end, 'potrf: the matrix is not positive definite')
  assert_error(function() torch.svd(torch.IntTensor(2, 2)) end, 'svd: not available for torch.IntTensor')
  assert(torch.DoubleTensor.gesv == nil or torch.getmetatable('torch.DoubleTensor').gesv == nil,
         'LAPACK names are functions only')
  -- badly conditioned but regular: still solved within its conditioning
  local H = torch.Tensor(6, 6)
  for i = 1, 6 do for j = 1, 6 do H[i][j] = 1 / (i + j - 1) end end
  local b = H * torch.ones(6, 1)
  assert_near(torch.gesv(b, H), torch.ones(6, 1), 1e-6)
end

---------------------------------------------------------------------------
-- convolutions

-- Reference 2-D: full/valid, convolution (flipped kernel) or correlation.
local function conv2_ref(x, k, full, flip)
  local h, w, kh, kw = #x, #x[1], #k, #k[1]
  local oh, ow = full and h + kh - 1 or h - kh + 1, full and w + kw - 1 or w - kw + 1
  local out = {}
  for i = 1, oh do
    out[i] = {}
    for j = 1, ow do
      local s = 0
      for u = 1, kh do
        for v = 1, kw do
          local ku, kv = flip and kh - u + 1 or u, flip and kw - v + 1 or v
          local xi, xj = i + u - 1, j + v - 1
          if full then xi, xj = xi - kh + 1, xj - kw + 1 end
          if xi >= 1 and xi <= h and xj >= 1 and xj <= w then s = s + x[xi][xj] * k[ku][kv] end
        end
      end
      out[i][j] = s
    end
  end
  return out
end

function T.conv2_xcorr2()
  each_case(TYPES, 6, 7, function(tn, layout, m, x, where)
    local km = values(tn, 3, 2, 3)
    local k = make(tn, 'transposed', km)
    for _, name in ipairs({ 'conv2', 'xcorr2' }) do
      for _, mode in ipairs({ 'V', 'F' }) do
        local want = conv2_ref(m, km, mode == 'F', name == 'conv2')
        for i = 1, #want do for j = 1, #want[1] do want[i][j] = wrap(tn, want[i][j]) end end
        check_matrix(string.format('%s %s %s', where, name, mode), torch[name](x, k, mode), want, tn)
      end
    end
    assert_near(x:conv2(k), torch.conv2(x, k, 'V'), 0)
  end, 4)
  -- 3-D input with 3-D kernels (plane by plane) and 4-D kernels (summed)
  local x = torch.Tensor(2, 5, 5):uniform(-1, 1)
  local k = torch.Tensor(2, 2, 3):uniform(-1, 1)
  local r = torch.conv2(x, k)
  assert(r:size(1) == 2 and r:size(2) == 4 and r:size(3) == 3)
  assert_near(r[2], torch.conv2(x[2], k[2]), 1e-12)
  local k4 = torch.Tensor(3, 2, 2, 2):uniform(-1, 1)
  local r4 = torch.xcorr2(x, k4, 'F')
  assert(r4:size(1) == 3 and r4:size(2) == 6)
  assert_near(r4[3], torch.xcorr2(x[1], k4[3][1], 'F') + torch.xcorr2(x[2], k4[3][2], 'F'), 1e-12)
  assert_error(function() torch.conv2(torch.Tensor(2, 2), torch.Tensor(3, 3)) end,
               "conv2: kernel [3 x 3] is larger than input [2 x 2] in 'V' mode")
end

function T.conv3_xcorr3()
  local x = torch.Tensor(4, 5, 6):uniform(-1, 1)
  local k = torch.Tensor(2, 3, 2):uniform(-1, 1)
  for _, name in ipairs({ 'conv3', 'xcorr3' }) do
    for _, mode in ipairs({ 'V', 'F' }) do
      local r = torch[name](x, k, mode)
      -- reference: sum over kernel depth of 2-D results on shifted slices
      local od = mode == 'V' and 3 or 5
      assert(r:size(1) == od)
      for z = 1, od do
        local want = torch.zeros(r:size(2), r:size(3))
        for u = 1, 2 do
          local xz = mode == 'V' and z + u - 1 or z - 2 + u
          local ku = name == 'conv3' and 3 - u or u
          if xz >= 1 and xz <= 4 then
            want:add(torch[name == 'conv3' and 'conv2' or 'xcorr2'](x[xz], k[ku], mode))
          end
        end
        assert_near(r[z], want, 1e-12, name .. ' ' .. mode)
      end
    end
  end
end

---------------------------------------------------------------------------
-- histograms, multinomial

function T.histc_bhistc()
  for _, tn in ipairs(FLOATS) do
    local x = torch[tn .. 'Tensor']({ 1, 2, 1, 2, 5, 3, 0.5 })
    assert_near(torch.histc(x, 4, 1, 5), { 2, 2, 1, 1 }, 0)           -- 0.5 ignored
    local h = x:histc()                                                 -- own range, 100 bins
    assert(h:nElement() == 100 and h:sum() == 7 and h[1] == 1 and h[100] == 1)
    local m = torch[tn .. 'Tensor']({ { 1, 2, 3 }, { 3, 3, 3 } })
    assert_near(torch.bhistc(m, 3, 1, 3), { { 1, 1, 1 }, { 0, 0, 3 } }, 0)
  end
end

function T.multinomial_reference_and_forms()
  torch.manualSeed(1)
  assert_near(torch.multinomial(torch.Tensor({ 0.1, 0.2, 0.7 }), 5, true), { 3, 3, 3, 3, 1 }, 0)
  -- without replacement: all different
  local s = torch.multinomial(torch.FloatTensor(10):fill(1), 10)
  local seen = {}
  for i = 1, 10 do assert(not seen[s[i]]); seen[s[i]] = true end
  -- 2-D: one row of samples per distribution; zero mass never drawn
  local p = torch.Tensor({ { 0, 1, 0 }, { 1, 0, 0 } })
  local r = torch.multinomial(p, 4, true)
  assert_near(r, { { 2, 2, 2, 2 }, { 1, 1, 1, 1 } }, 0)
  -- an explicit generator gives its own stream
  local g = torch.Generator()
  torch.manualSeed(g, 1)
  assert_near(torch.multinomial(g, torch.Tensor({ 0.1, 0.2, 0.7 }), 5, true), { 3, 3, 3, 3, 1 }, 0)
  assert_error(function() torch.multinomial(torch.Tensor({ 1, 1 }), 3) end,
               'multinomial: cannot draw 3 samples from 2 categories without replacement')
end

function T.multinomial_alias()
  local s = torch.multinomialAliasSetup(torch.Tensor({ 0.1, 0.2, 0.7 }))
  assert_near(s[1], { 3, 3, 0 }, 0)
  assert_near(s[2], { 0.3, 0.6, 1 }, 1e-12)
  -- frequencies follow the distribution
  local out = torch.multinomialAlias(torch.LongTensor(20000), s)
  local count = { 0, 0, 0 }
  for i = 1, 20000 do count[out[i]] = count[out[i]] + 1 end
  assert_near(count[1] / 20000, 0.1, 0.02)
  assert_near(count[3] / 20000, 0.7, 0.02)
end

function T.match_fill_zero_numel()
  for _, tn in ipairs(TYPES) do
    local a, b = values(tn, 3, 2, 4), values(tn, 2, 2, 4)
    local r = torch.match(make(tn, 'transposed', a), make(tn, 'narrowed', b), 2)
    for i = 1, 3 do for j = 1, 2 do
      local want = 2 * ((a[i][1] - b[j][1]) ^ 2 + (a[i][2] - b[j][2]) ^ 2)
      assert_near(r[i][j], wrap(tn, want), tol(tn), 'match ' .. tn)
    end end
    local x = torch[tn .. 'Tensor'](2, 3)
    assert(torch.fill(x, 3):sum() == 18 and torch.zero(x):sum() == 0 and torch.numel(x) == 6)
  end
end

---------------------------------------------------------------------------
-- errors

function T.errors_name_function_and_shapes()
  assert_error(function() torch.lt(torch.Tensor(2, 3), torch.Tensor(3, 3)) end, 'lt:')
  assert_error(function() torch.lt(torch.Tensor(2), torch.FloatTensor(2)) end,
               'lt: tensor types differ')
  assert_error(function() torch.cumsum(torch.Tensor(2, 3), 3) end, 'cumsum: dimension 3 out of range')
  assert_error(function() torch.Tensor(3):bitand(1) end, 'bitand: not available for torch.DoubleTensor (only integer types)')
  assert_error(function() torch.IntTensor(3):lerp(torch.IntTensor(3), 0.5) end, 'lerp: not available for torch.IntTensor')
  assert_error(function() torch.IntTensor(3):norm() end, 'norm: not available for torch.IntTensor')
  assert_error(function() torch.sort(torch.Tensor(2, 3), 3) end, 'sort: dimension 3 out of range')
  assert_error(function() torch.zeros(2, -1) end, 'zeros: size -1 in dimension 2 is negative')
  assert_error(function() torch.lt(torch.Tensor(2, 3), torch.Tensor(3, 3)) end, 'lt: sizes do not match: [2 x 3] and [3 x 3]')
  assert_error(function() torch.Tensor(2, 3):lerp(torch.Tensor(3, 3), 0.5) end, 'lerp: sizes do not match: [2 x 3] and [3 x 3]')
  assert_error(function() torch.Tensor(2, 3):topk(4) end, 'topk: k (4) out of range: dimension 2 has size 3')
  assert_error(function() torch.norm(torch.Tensor(2, 3), 2, 3) end, 'norm: dimension 3 out of range for a 2D tensor')
  assert_error(function() torch.cross(torch.Tensor(2, 3), torch.Tensor(3, 3)) end,
               'cross: sizes [2 x 3] and [3 x 3] differ')
end

return T
