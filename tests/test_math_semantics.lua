-- tests/test_math_semantics.lua: what the generic driver of
-- tests/test_math.lua does not cover: the argument forms of add, pow,
-- clamp, addcmul; integer semantics (truncating division, wrap-around);
-- reductions keeping their dimension; NaN propagation; accuracy of Float
-- sums and of the vectorized Float exp, tanh and sigmoid; and the error
-- messages, which name the op and the shapes.

local T = {}

---------------------------------------------------------------------------
-- argument forms and semantics that the generic driver does not cover

function T.add_forms()
  local a = torch.DoubleTensor({ 1, 2, 3 })
  local b = torch.DoubleTensor({ 10, 20, 30 })
  assert_eq(torch.add(a, 1):totable(), { 2, 3, 4 })
  assert_eq(torch.add(a, b):totable(), { 11, 22, 33 })
  assert_eq(torch.add(a, 2, b):totable(), { 21, 42, 63 })
  local r = torch.DoubleTensor()
  assert(torch.add(r, a, 2, b) == r)
  assert_eq(r:totable(), { 21, 42, 63 })
  torch.add(r, a, 5)
  assert_eq(r:totable(), { 6, 7, 8 })
  local x = a:clone()
  assert(x:add(1) == x)
  assert_eq(x:totable(), { 2, 3, 4 })
  x:add(b)
  assert_eq(x:totable(), { 12, 23, 34 })
  x:add(-1, b)
  assert_eq(x:totable(), { 2, 3, 4 })
  x:add(a, b)
  assert_eq(x:totable(), { 11, 22, 33 })
  x:add(a, 3, b)
  assert_eq(x:totable(), { 31, 62, 93 })
  x:add(a, 0.5)
  assert_eq(x:totable(), { 1.5, 2.5, 3.5 })
  -- csub mirrors add
  assert_eq(torch.csub(b, 1):totable(), { 9, 19, 29 })
  assert_eq(torch.csub(b, 2, a):totable(), { 8, 16, 24 })
  -- the result takes the input's shape
  local m = torch.DoubleTensor(2, 3):fill(1)
  local r2 = torch.DoubleTensor(6):fill(0)
  torch.add(r2, m, m)
  assert_eq(r2:size():totable(), { 2, 3 })
end

function T.integer_semantics()
  -- Torch7: integer division truncates, scalars convert to the type first
  local i = torch.IntTensor({ 7, -7, 9 })
  assert_eq(torch.div(i, 2):totable(), { 3, -3, 4 })
  assert_eq(torch.div(i, 2.9):totable(), { 3, -3, 4 })
  assert_eq(torch.cdiv(i, torch.IntTensor({ 2, 2, -4 })):totable(), { 3, -3, -2 })
  assert_eq(torch.fmod(i, 4):totable(), { 3, -3, 1 })
  assert_eq(torch.remainder(i, 4):totable(), { 3, 1, 1 })
  assert_eq(torch.remainder(i, -4):totable(), { -1, -3, -3 })
  -- wrap-around on store, as C
  local b = torch.ByteTensor({ 250, 3 })
  assert_eq(torch.add(b, 10):totable(), { 4, 13 })
  assert_eq(torch.mul(torch.CharTensor({ 100 }), 2):totable(), { -56 })
  -- INT_MIN / -1 neither traps nor errors
  local l = torch.LongTensor({ 1 }):fill(-2 ^ 63)
  torch.div(l, -1)
  assert_eq(torch.abs(torch.IntTensor({ -5, 5 })):totable(), { 5, 5 })
  assert_eq(torch.sign(torch.IntTensor({ -5, 0, 5 })):totable(), { -1, 0, 1 })
end

function T.pow_forms()
  local x = torch.DoubleTensor({ 1, 2, 3 })
  assert_eq(torch.pow(x, 2):totable(), { 1, 4, 9 })
  assert_eq(torch.pow(2, x):totable(), { 2, 4, 8 })
  local r = torch.DoubleTensor()
  torch.pow(r, x, 3)
  assert_eq(r:totable(), { 1, 8, 27 })
  torch.pow(r, 3, x)
  assert_eq(r:totable(), { 3, 9, 27 })
  local y = x:clone()
  y:pow(2)
  assert_eq(y:totable(), { 1, 4, 9 })
  y:pow(x, 3)
  assert_eq(y:totable(), { 1, 8, 27 })
  y:pow(2, x)
  assert_eq(y:totable(), { 2, 4, 8 })
  assert_eq(torch.cpow(torch.IntTensor({ 2, 3 }), torch.IntTensor({ 3, 2 })):totable(), { 8, 9 })
end

function T.clamp_and_cmax_forms()
  local x = torch.FloatTensor({ -3, 0.5, 4 })
  assert_eq(torch.clamp(x, -1, 1):totable(), { -1, 0.5, 1 })
  assert_eq(x:clone():clamp(0, 2):totable(), { 0, 0.5, 2 })
  assert_eq(torch.cmax(x, 1):totable(), { 1, 1, 4 })
  assert_eq(torch.cmin(x, torch.FloatTensor({ 0, 0, 0 })):totable(), { -3, 0, 0 })
  assert_eq(x:clone():cmax(0):totable(), { 0, 0.5, 4 })
  assert_error(function() torch.clamp(x, 1) end, 'clamp: invalid arguments')
end

function T.addcmul_forms()
  local x, y, z = torch.DoubleTensor({ 1, 2 }), torch.DoubleTensor({ 3, 4 }), torch.DoubleTensor({ 5, 6 })
  assert_eq(torch.addcmul(x, y, z):totable(), { 16, 26 })
  assert_eq(torch.addcmul(x, 2, y, z):totable(), { 31, 50 })
  local r = torch.DoubleTensor()
  torch.addcmul(r, x, 2, y, z)
  assert_eq(r:totable(), { 31, 50 })
  torch.addcmul(r, x, y, z)
  assert_eq(r:totable(), { 16, 26 })
  local w = x:clone()
  w:addcmul(2, y, z)
  assert_eq(w:totable(), { 31, 50 })
  w:addcmul(x, y, z)
  assert_eq(w:totable(), { 16, 26 })
  w:addcdiv(x, 2, z, y)
  assert_near(w:totable(), { 1 + 10 / 3, 2 + 3 })
end

function T.reductions_keep_dim_and_index_from_one()
  local x = torch.DoubleTensor({ { 1, 5, 2 }, { 7, 3, 7 } })
  assert_eq(x:sum(), 25)
  assert_eq(x:sum(1):totable(), { { 8, 8, 9 } })
  assert_eq(x:sum(2):totable(), { { 8 }, { 17 } })
  local v, i = x:max(2)
  assert_eq(v:totable(), { { 5 }, { 7 } })
  assert_eq(i:totable(), { { 2 }, { 1 } })          -- first of equal maxima
  assert_eq(torch.type(i), 'torch.LongTensor')
  v, i = torch.min(x, 1)
  assert_eq(v:totable(), { { 1, 3, 2 } })
  assert_eq(i:totable(), { { 1, 2, 1 } })
  assert_eq(x:max(), 7)
  assert_eq(x:min(), 1)
  assert_near(x:mean(), 25 / 6, 1e-15)
  assert_eq(x:prod(), 1470)
  assert_eq(torch.IntTensor({ 1, 2, 3 }):sum(), 6)
  -- sums of empty tensors and dims
  assert_eq(torch.DoubleTensor():sum(), 0)
  assert_eq(torch.DoubleTensor(0, 3):sum(1):totable(), { { 0, 0, 0 } })
end

function T.max_propagates_nan()
  local nan = 0 / 0
  local x = torch.DoubleTensor({ 1, nan, 3, nan })
  assert(x:max() ~= x:max(), 'max of a tensor holding NaN is NaN')
  assert(x:min() ~= x:min(), 'min of a tensor holding NaN is NaN')
  local v, i = torch.DoubleTensor({ { 1, nan, 3 } }):max(2)
  assert(v[1][1] ~= v[1][1])
  assert_eq(i[1][1], 2)
  local f = torch.FloatTensor(100000):fill(1)
  f[77777] = nan
  assert(f:max() ~= f:max(), 'NaN found by the threaded overall max')
end

function T.float_sum_accumulates_in_double()
  local n = 1000000
  local x = torch.FloatTensor(n):fill(0.1)
  local v = x[1]                      -- 0.1 as a float
  assert_near(x:sum(), n * v, 1e-12, 'sum')
  assert_near(x:mean(), v, 1e-12, 'mean')
  -- a float accumulator would drop the ones added to 1e8 (its ulp is 8)
  x:fill(1)
  x[1] = 1e8
  assert_eq(x:sum(), 1e8 + n - 1, 'sum of 1e8 and ones')
  assert_eq(x:view(1000, 1000):t():sum(), 1e8 + n - 1, 'strided sum of 1e8 and ones')
  local y = torch.FloatTensor(2, 4097):fill(1)
  y[1][1] = 2 ^ 25
  assert_eq(y:sum(2)[1][1], 2 ^ 25 + 4096, 'sum along a dim of 2^25 and ones')
end

function T.exp_tanh_sigmoid_float_accuracy()
  -- The Float kernels use their own vectorized polynomials: compare with
  -- double on a dense grid, in float ulps.
  local n = 200001
  local x = torch.DoubleTensor(n)
  for i = 1, n do x[i] = -20 + 40 * (i - 1) / (n - 1) end
  local xf = x:float()
  local xd = xf:double()                 -- the float inputs, exactly
  local checks = {
    { 'exp', torch.exp, 3 }, { 'tanh', torch.tanh, 3 }, { 'sigmoid', torch.sigmoid, 3 },
  }
  for _, c in ipairs(checks) do
    local got, want = c[2](xf):double(), c[2](xd)
    local worst = 0
    for i = 1, n do
      local w = want[i]
      local ulp = math.max(math.abs(w) * 2 ^ -23, 2 ^ -149)
      local e = math.abs(got[i] - w) / ulp
      if e > worst then worst = e end
    end
    assert(worst <= c[3], string.format('%s: max error %.2f ulp (limit %d)', c[1], worst, c[3]))
  end
  local special = torch.FloatTensor({ 0 / 0, 1 / 0, -1 / 0, 110, -110 })
  local e = torch.exp(special)
  assert(e[1] ~= e[1] and e[2] == 1 / 0 and e[3] == 0 and e[4] == 1 / 0 and e[5] == 0)
  local t = torch.tanh(special)
  assert(t[1] ~= t[1] and t[2] == 1 and t[3] == -1 and t[4] == 1 and t[5] == -1)
  -- tanh keeps the sign of zero, contiguous and strided
  local z = torch.FloatTensor(2, 2):fill(-0.0)
  assert(1 / torch.tanh(z)[1][1] == -1 / 0 and 1 / torch.tanh(z:select(2, 1))[2] == -1 / 0,
         'tanh(-0) is -0')
  local s = torch.sigmoid(special)
  assert(s[1] ~= s[1] and s[2] == 1 and s[3] == 0 and s[4] == 1 and s[5] == 0)
end

function T.sigmoid_float_extremes()
  -- Float sigmoid against double over its whole range, the subnormal
  -- results below -87.3 included (an ulp there is 2^-149), in the
  -- contiguous loop (length not a multiple of the vector width: the tail
  -- too), in place, and on a strided view (the other loop).
  local vals = { 0, -0.0, 1e-30, -1e-30, 88, -88, 87.5, -87.5, 89, -89, 100, -100, 103.9, -103.9,
                 104, -104, 105, -105, 16.6, -16.6, 17, -17 }
  local n = 100003
  for i = 1, n do vals[#vals + 1] = -110 + 220 * (i - 1) / (n - 1) end
  local xf = torch.FloatTensor(vals)
  local xd = xf:double()
  local want = torch.sigmoid(xd)
  local ulp = torch.abs(want):mul(2 ^ -23):cmax(2 ^ -149)
  local function worst(got, what)
    local err = torch.add(got, -1, want):abs():cdiv(ulp)
    local w, at = err:max(1)
    w, at = w[1], at[1]
    assert(w == w, what .. ': NaN for ' .. vals[at])
    assert(w <= 2, string.format('%s: max error %.2f ulp at %.9g (limit 2)', what, w, vals[at]))
  end
  worst(torch.sigmoid(xf):double(), 'sigmoid')
  local inplace = xf:clone()
  inplace:sigmoid()
  worst(inplace:double(), 'sigmoid in place')
  local wide = torch.FloatTensor(#vals, 2):zero()
  wide:select(2, 1):copy(xf)
  worst(torch.sigmoid(wide:select(2, 1)):double(), 'sigmoid strided')
  local special = torch.FloatTensor({ 0 / 0, 1 / 0, -1 / 0, 0 / 0, 1, -1 })
  for _, s in ipairs({ torch.sigmoid(special), torch.sigmoid(special:narrow(1, 1, 3)) }) do
    assert(s[1] ~= s[1] and s[2] == 1 and s[3] == 0, 'sigmoid of NaN, inf, -inf')
  end
end

---------------------------------------------------------------------------
-- error messages: validate first, name the op and the shapes

function T.errors_name_op_and_shapes()
  local a, b = torch.FloatTensor(3, 4), torch.FloatTensor(5)
  assert_error(function() torch.add(a, b) end, 'add: sizes do not match: [3 x 4] and [5]')
  assert_error(function() a:cmul(b) end, 'cmul: sizes do not match: [3 x 4] and [5]')
  assert_error(function() torch.addcmul(a, a, b) end, 'addcmul: sizes do not match')
  assert_error(function() torch.mm(a, torch.FloatTensor(5, 2)) end,
               'addmm: matrices cannot be multiplied: [3 x 4] and [5 x 2]')
  assert_error(function() torch.addmm(torch.FloatTensor(3, 3), a, torch.FloatTensor(4, 2)) end,
               'addmm: the tensor to add is [3 x 3], expected [3 x 2]')
  assert_error(function() torch.mv(a, torch.FloatTensor(5)) end,
               'addmv: size mismatch: matrix [3 x 4] and vector [5]')
  assert_error(function() torch.mm(b, a) end, 'addmm: matrix 1 must be a 2D tensor, got 1D [5]')
  assert_error(function() torch.dot(a, b) end, 'dot: sizes do not match: [3 x 4] and [5]')
  assert_error(function() a:sum(3) end, 'sum: dimension 3 out of range for a 2D tensor')
  assert_error(function() torch.FloatTensor():max() end, 'max: the tensor is empty')
  -- a failed op leaves its operands alone
  local x = torch.FloatTensor({ 1, 2 })
  pcall(function() x:add(torch.FloatTensor(3)) end)
  assert_eq(x:totable(), { 1, 2 })
end

function T.errors_types()
  local f, d, i = torch.FloatTensor(3):fill(1), torch.DoubleTensor(3):fill(1), torch.IntTensor(3):fill(1)
  assert_error(function() torch.add(f, d) end, 'add: tensor types differ: torch.FloatTensor and torch.DoubleTensor')
  assert_error(function() f:cmul(i) end, 'cmul: tensor types differ: torch.FloatTensor and torch.IntTensor')
  assert_error(function() torch.add(f, 'x') end, 'add: invalid arguments: torch.FloatTensor, string')
  assert_error(function() f:add({}) end, 'add: invalid arguments')
  assert_error(function() torch.mm(f, {}) end, 'mm: invalid arguments')
  assert_error(function() torch.sqrt(i) end, 'sqrt: not available for torch.IntTensor')
  assert_error(function() i:mean() end, 'mean: not available for torch.IntTensor')
  assert_error(function() f:sum('x') end, 'sum: dimension must be an integer')
  assert_error(function() torch.add(torch.FloatTensor(), torch.DoubleTensor(), f) end, 'tensor types differ')
end

function T.errors_integer_division_by_zero()
  local i = torch.IntTensor({ 4, 6 })
  assert_error(function() torch.div(i, 0) end, 'div: integer division by zero')
  assert_error(function() torch.div(i, 0.5) end, 'div: integer division by zero')
  assert_error(function() torch.cdiv(i, torch.IntTensor({ 1, 0 })) end, 'cdiv: integer division by zero')
  assert_error(function() torch.fmod(torch.ByteTensor({ 1 }), 256) end, 'fmod: integer division by zero')
  assert_error(function() torch.addcdiv(i, i, i, torch.IntTensor({ 0, 1 })) end, 'addcdiv: integer division by zero')
  assert_eq(i:totable(), { 4, 6 })
  -- floats divide by zero as IEEE
  assert_eq(torch.div(torch.FloatTensor({ 1 }), 0)[1], 1 / 0)
end

return T
