-- tests/test_blas_split.lua: matrix products that the engine splits across
-- threads itself (engine/src/ops/blas.c, "products split across threads"):
-- addmm above 2M multiply-adds (by columns or by rows of the result),
-- addmv and addr above 128K matrix elements (by the matrix's columns in
-- memory; y = A x sums the threads' partial results). Each form is checked
-- against a plain Lua product in double on random non-zero inputs, at 1, 2
-- and 3 threads (3 makes uneven parts), in Float and Double, with the
-- operands transposed and strided, and beta 0, 1 and other values. Small
-- products run on one thread; afterwards OpenBLAS must still have its
-- threads.

local T = {}

-- a @ b in double, by plain loops
local function ref_mm(a, b)
  local r, k, c = a:size(1), a:size(2), b:size(2)
  local out = torch.DoubleTensor(r, c)
  local pa, pb = a:double():contiguous(), b:double():t():contiguous()   -- rows of a, columns of b
  local da, db, po = pa:data(), pb:data(), out:data()
  for i = 0, r - 1 do
    for j = 0, c - 1 do
      local s = 0
      local ia, jb = i * k, j * k
      for l = 0, k - 1 do s = s + da[ia + l] * db[jb + l] end
      po[i * c + j] = s
    end
  end
  return out
end

local function ref_mv(beta, v, alpha, mat, x)
  local p = ref_mm(mat, x:view(x:size(1), 1)):view(mat:size(1)) * alpha
  return v and p + v:double() * beta or p
end

local function ref_r(beta, m, alpha, x, y)
  return ref_mm(x:view(x:size(1), 1), y:view(1, y:size(1))) * alpha + m:double() * beta
end

-- |got - want| relative to the size of the terms summed (k of them).
local function close(got, want, k, dtype, what)
  local eps = dtype == 'torch.FloatTensor' and 3e-6 or 1e-14
  local err = (got:double() - want):abs():max()
  local scale = math.max(want:clone():abs():max(), 1)
  assert(err <= eps * math.sqrt(k) * scale * 4,
         string.format('%s: max error %.3g (scale %.3g)', what, err, scale))
end

local function rand(dtype, ...)
  -- uniform in +-[0.5, 1.5]: never zero
  local t = torch.Tensor():type(dtype):resize(...):uniform(0.5, 1.5)
  local sign = torch.Tensor():type(dtype):resize(...):bernoulli(0.5):mul(2):add(-1)
  return t:cmul(sign)
end

-- a (r x k) as a contiguous matrix, or as the transpose of a k x r one
local function operand(dtype, r, k, transposed)
  if transposed then return rand(dtype, k, r):t() end
  return rand(dtype, r, k)
end

local THREADS = { 1, 2, 3 }

local function each_thread_count(f)
  local saved = torch.getnumthreads()
  for _, t in ipairs(THREADS) do
    torch.setnumthreads(t)
    local ok, err = pcall(f, t)
    if not ok then
      torch.setnumthreads(saved)
      error(string.format('%s (at %d threads)', tostring(err), t), 0)
    end
  end
  torch.setnumthreads(saved)
end

function T.addmm_split_forms()
  -- r x k x c, each at least 2M multiply-adds: wide, tall, small k (split by
  -- columns) and large k (split by rows), with part sizes not a multiple of 16
  local shapes = { { 60, 700, 52 }, { 300, 90, 80 }, { 37, 100, 600 }, { 130, 130, 140 }, { 40, 300, 200 } }
  each_thread_count(function(t)
    for _, dtype in ipairs { 'torch.FloatTensor', 'torch.DoubleTensor' } do
      for si, s in ipairs(shapes) do
        local r, k, c = s[1], s[2], s[3]
        for form = 0, 3 do
          local ta, tb = form % 2 == 1, form >= 2
          local a, b = operand(dtype, r, k, ta), operand(dtype, k, c, tb)
          local m = rand(dtype, r, c)
          local what = string.format('%s %dx%dx%d form %d', dtype, r, k, c, form)
          local p, md = ref_mm(a, b), m:double()
          close(torch.mm(a, b), p, k, dtype, what .. ' mm')
          local res = m:clone()
          res:addmm(0.5, res, -1.25, a, b)
          close(res, p * -1.25 + md * 0.5, k, dtype, what .. ' addmm beta 0.5')
          -- a result stored transposed (column-major) and a strided one
          local rt = torch.Tensor():type(dtype):resize(c, r):t()
          rt:copy(m):addmm(1, rt, 2, a, b)
          close(rt, p * 2 + md, k, dtype, what .. ' column-major result')
          if si == 1 then
            local wide = torch.Tensor():type(dtype):resize(r, c + 7):narrow(2, 4, c)
            wide:copy(m):addmm(1, wide, 1, a, b)
            close(wide, p + md, k, dtype, what .. ' strided result')
          end
        end
      end
    end
  end)
end

function T.addmv_split_forms()
  -- 400 x 500 = 200K elements: split; the matrix as stored and transposed
  each_thread_count(function()
    for _, dtype in ipairs { 'torch.FloatTensor', 'torch.DoubleTensor' } do
      for _, transposed in ipairs { false, true } do
        local mat = operand(dtype, 400, 500, transposed)
        local x = rand(dtype, 500)
        local v = rand(dtype, 400)
        local what = string.format('%s transposed=%s', dtype, tostring(transposed))
        close(torch.mv(mat, x), ref_mv(0, nil, 1, mat, x), 500, dtype, what .. ' mv')
        local res = v:clone()
        res:addmv(0.75, res, 1.5, mat, x)
        close(res, ref_mv(0.75, v, 1.5, mat, x), 500, dtype, what .. ' addmv beta 0.75')
        -- strided vectors
        local xs = rand(dtype, 1000):narrow(1, 1, 500):copy(x)
        local xst = torch.Tensor():type(dtype):resize(500, 2):select(2, 2):copy(x)
        local ys = torch.Tensor():type(dtype):resize(400, 3):select(2, 1):copy(v)
        ys:addmv(1, ys, 1, mat, xst)
        close(ys, ref_mv(1, v, 1, mat, xs), 500, dtype, what .. ' strided vectors')
      end
    end
  end)
end

function T.addr_split_forms()
  each_thread_count(function()
    for _, dtype in ipairs { 'torch.FloatTensor', 'torch.DoubleTensor' } do
      local x, y = rand(dtype, 390), rand(dtype, 470)
      local m = rand(dtype, 390, 470)
      local res = m:clone()
      res:addr(1, res, 0.5, x, y)
      close(res, ref_r(1, m, 0.5, x, y), 1, dtype, dtype .. ' addr')
      -- a column-major result, and a strided vector
      local rt = torch.Tensor():type(dtype):resize(470, 390):t():copy(m)
      local ys = torch.Tensor():type(dtype):resize(470, 2):select(2, 2):copy(y)
      rt:addr(1, rt, -2, x, ys)
      close(rt, ref_r(1, m, -2, x, y), 1, dtype, dtype .. ' addr column-major')
      local z = torch.Tensor():type(dtype):resize(390, 470)
      z:addr(0, z, 1, x, y)
      close(z, ref_r(0, m, 1, x, y), 1, dtype, dtype .. ' addr beta 0')
    end
  end)
end

-- A product too small to split runs on one BLAS thread, by lowering
-- OpenMP's thread count (which OpenBLAS follows) for the call: the count
-- must come back, or every later BLAS call would run on one thread.
function T.small_product_gives_threads_back()
  local ffi = require 'ffi'
  pcall(ffi.cdef, 'int omp_get_max_threads(void);')
  local saved = torch.getnumthreads()
  local counts = {}
  for _, t in ipairs { 2, 3 } do
    torch.setnumthreads(t)
    local a = rand('torch.DoubleTensor', 20, 20)
    torch.mm(a, a)   -- 8000 multiply-adds
    torch.mv(a, a[1])
    torch.Tensor(20, 20):addr(a[1], a[2])
    counts[t] = ffi.C.omp_get_max_threads()
  end
  torch.setnumthreads(saved)
  for t, n in pairs(counts) do
    assert(n == t, string.format('OpenMP runs %d threads after small products at %d', n, t))
  end
end

return T
