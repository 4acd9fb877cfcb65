-- tests/test_math.lua: every math op against a double-precision reference.
--
-- The element-wise ops and reductions come from the engine's op list
-- (torch._ops(), i.e. ops.def); each must have a row in tests/math_ref.lua
-- (a new op without one fails `registry`). The generic driver runs each
-- row on every dtype where the op exists, with random non-zero inputs laid
-- out contiguous, transposed, narrowed and large (the threaded path), in
-- every call form (torch.f(x), torch.f(res, x), x:f(), res:f(x)), and
-- compares element by element: exact on integer types (with Torch7's
-- wrap-around), relative 1e-5 on Float, 1e-12 on Double. The BLAS family
-- has its own tests below; argument forms, NaN rules, accuracy of Float
-- sums and the error messages are in tests/test_math_semantics.lua.

local ref = require 'math_ref'
local T = {}

local TYPES = { 'Byte', 'Char', 'Short', 'Int', 'Long', 'Float', 'Double' }
local FLOAT = { Float = true, Double = true }
local TOL = { Float = 1e-5, Double = 1e-12 }
local BITS = { Byte = 8, Char = 8, Short = 16, Int = 32 }
local UNSIGNED = { Byte = true }
local UNARY, SCALAR, BINARY, TERNARY, REDUCE, COMPARE = 0, 1, 2, 3, 4, 5
local trunc = ref.trunc

---------------------------------------------------------------------------
-- values

-- A C cast to the element type: truncation, then wrap-around.
local function wrap(tn, v)
  if FLOAT[tn] or v ~= v then return v end
  v = trunc(v)
  local bits = BITS[tn]
  if not bits then return v end
  local m = 2 ^ bits
  v = v % m
  if not UNSIGNED[tn] and v >= m / 2 then v = v - m end
  return v
end

local function gen_value(tn, dom)
  local d = ref.DOMAINS[dom or 'any']
  local neg = not d.positive and not UNSIGNED[tn] and math.random() < 0.5
  local v
  if FLOAT[tn] then
    v = d.lo + (d.hi - d.lo) * math.random()
    if tn == 'Float' then v = wrap('Double', v) end
  else
    v = math.random(1, d.ihi or 12)
  end
  return neg and -v or v
end

-- r x c values in row-major order
local function gen(tn, dom, r, c)
  local v = {}
  for i = 1, r * c do v[i] = gen_value(tn, dom) end
  return v
end

-- A tensor holding v (r x c, row-major) in the given layout. Written and
-- read through data pointers and strides, which is fast for big tensors.
local function make(tn, layout, v, r, c)
  local ctor = torch[tn .. 'Tensor']
  local function rows(nr, nc, get)
    local t = ctor(nr, nc)
    local p = t:data()
    for i = 1, nr do
      for j = 1, nc do p[(i - 1) * nc + j - 1] = get(i, j) end
    end
    return t
  end
  if layout == 'transposed' then
    return rows(c, r, function(i, j) return v[(j - 1) * c + i] end):t()
  elseif layout == 'narrowed' then
    local big = rows(r + 2, c + 3, function(i, j)
      if i > 1 and i <= r + 1 and j > 2 and j <= c + 2 then return v[(i - 2) * c + j - 2] end
      return 7
    end)
    return big:narrow(1, 2, r):narrow(2, 3, c)
  end
  return rows(r, c, function(i, j) return v[(i - 1) * c + j] end)
end

-- The elements of a 1D or 2D tensor in row-major order, as Lua numbers.
local function flat(t)
  local out, p = {}, t:data()
  if t:dim() == 0 then return out end
  local r, c = t:size(1), t:dim() == 2 and t:size(2) or 1
  local s1, s2 = t:stride(1), t:dim() == 2 and t:stride(2) or 0
  for i = 0, r - 1 do
    for j = 0, c - 1 do out[#out + 1] = tonumber(p[i * s1 + j * s2]) end
  end
  return out
end

local function near(tn, got, want)
  if FLOAT[tn] then
    if got ~= got and want ~= want then return true end
    return math.abs(got - want) <= TOL[tn] * math.max(1, math.abs(want))
  end
  return got == want
end

local function compare(what, tn, got, want, shape)
  if torch.type(got) ~= 'torch.' .. tn .. 'Tensor' then
    error(string.format('%s: result is %s, expected torch.%sTensor', what, torch.type(got), tn), 2)
  end
  if shape then
    local s = got:size():totable()
    if #s ~= #shape or s[1] ~= shape[1] or s[2] ~= shape[2] then
      error(string.format('%s: result has size %s, expected %s', what, table.concat(s, 'x'),
                          table.concat(shape, 'x')), 2)
    end
  end
  local g = flat(got)
  if #g ~= #want then error(string.format('%s: %d elements, expected %d', what, #g, #want), 2) end
  for i = 1, #want do
    if not near(tn, g[i], want[i]) then
      error(string.format('%s: element %d is %.17g, expected %.17g', what, i, g[i], want[i]), 2)
    end
  end
end

---------------------------------------------------------------------------
-- the op list and its rows

local function op_rows()
  local list = {}
  for _, op in ipairs(torch._ops()) do
    list[#list + 1] = { op = op, row = ref.rows[op.name] }
  end
  return list
end

local INT_TYPES = { 'Byte', 'Char', 'Short', 'Int', 'Long' }
local function dtypes_of(op)
  if op.dtypes then
    local r = {}
    for i, d in ipairs(op.dtypes) do r[i] = TYPES[d + 1] end
    return r
  end
  return op.float_only and { 'Float', 'Double' } or (op.int_only and INT_TYPES) or TYPES
end

local LAYOUTS = {
  { name = 'contiguous', r = 5, c = 7 },
  { name = 'transposed', r = 5, c = 7 },
  { name = 'narrowed', r = 5, c = 7 },
  -- above the parallel grain (the threaded split is the same for every
  -- dtype, so a few dtypes are enough)
  { name = 'contiguous', r = 150, c = 230, large = true },
  { name = 'transposed', r = 230, c = 150, large = true },
}
local LARGE_TYPES = { Int = true, Float = true, Double = true }

-- Scalars as the element type sees them.
local function conv_scalars(tn, s)
  local r = {}
  for i, v in ipairs(s or {}) do r[i] = wrap(tn, v) end
  return r
end

local function unpack_s(s) return (table.unpack or unpack)(s) end

-- The call forms of an element-wise op: each returns the result tensor.
-- xs are the operands (fresh copies per form), v the value argument.
local function pointwise_forms(op, row, tn, layout)
  local name, s, v = op.lua, row.s or {}, row.value
  local ctor = torch[tn .. 'Tensor']
  local function args(xs)
    local a = {}
    if row.base then a[#a + 1] = s[1]; a[#a + 1] = xs[1]; return a end
    a[1] = xs[1]
    if v and xs[2] then a[#a + 1] = v end
    for k = 2, #xs do a[#a + 1] = xs[k] end
    for _, sv in ipairs(s) do a[#a + 1] = sv end
    return a
  end
  local forms = {
    ['torch.f(x)'] = function(xs) return torch[name](unpack_s(args(xs))) end,
    ['torch.f(res, x)'] = function(xs, res) torch[name](res, unpack_s(args(xs))); return res end,
    ['res:f(x)'] = function(xs, res) res[name](res, unpack_s(args(xs))); return res end,
  }
  if not row.base then
    -- in place: x:f(rest) with x the first operand
    forms['x:f()'] = function(xs)
      local a = args(xs)
      table.remove(a, 1)
      xs[1][name](xs[1], unpack_s(a))
      return xs[1]
    end
  end
  if layout.name == 'contiguous' and not layout.large then
    -- an empty result is resized
    forms['torch.f(empty, x)'] = function(xs) local res = ctor(); torch[name](res, unpack_s(args(xs))); return res end
  end
  if v and not layout.large then
    -- the value defaults to 1 (the driver checks names ending in 'v=1'
    -- against the reference with value 1)
    forms['torch.f(x) v=1'] = function(xs)
      local a = args(xs)
      table.remove(a, 2)
      return torch[name](unpack_s(a))
    end
  end
  return forms
end

local function check_pointwise(op, row, tn)
  local nin = op.kind == BINARY and 2 or (op.kind == TERNARY and 3 or 1)
  local f = (not FLOAT[tn] and row.iref) or row.ref
  local s = conv_scalars(tn, row.s)
  local v = row.value and wrap(tn, row.value)
  for _, layout in ipairs(LAYOUTS) do
    if layout.large and not LARGE_TYPES[tn] then goto next_layout end
    local r, c = layout.r, layout.c
    local vals = {}
    for k = 1, nin do vals[k] = gen(tn, row.domain and row.domain[k] or (row.domain and row.domain[1]), r, c) end
    -- the reference, from the values the tensor holds
    local function reference(value)
      local want = {}
      for i = 1, r * c do
        local a = {}
        for k = 1, nin do a[k] = wrap(tn, vals[k][i]) end
        if value then a[#a + 1] = value end
        for _, sv in ipairs(s) do a[#a + 1] = sv end
        want[i] = wrap(tn, f(unpack_s(a)))
      end
      return want
    end
    local want, want1 = reference(v), v and reference(1)
    for fname, form in pairs(pointwise_forms(op, row, tn, layout)) do
      if not layout.large or fname == 'torch.f(x)' or fname == 'x:f()' then
        local xs = {}
        for k = 1, nin do xs[k] = make(tn, layout.name, vals[k], r, c) end
        local res = make(tn, layout.name, gen(tn, 'any', r, c), r, c)
        local what = string.format('%s (%s) on torch.%sTensor, %s %dx%d, %s', op.lua, op.name, tn,
                                   layout.name, r, c, fname)
        local ok, got = pcall(form, xs, res)
        if not ok then error(what .. ': ' .. tostring(got), 0) end
        compare(what, tn, got, fname:match('v=1$') and want1 or want, { r, c })
      end
    end
    ::next_layout::
  end
end

local function check_reduce(op, row, tn)
  local dom = row.domain and row.domain[1]
  for _, layout in ipairs(LAYOUTS) do
    if not layout.large or (LARGE_TYPES[tn] and (op.name == 'sum' or op.name == 'max')) then
      local r, c = layout.r, layout.c
      local vals = gen(tn, dom, r, c)
      for i = 1, #vals do vals[i] = wrap(tn, vals[i]) end
      local where = string.format('%s on torch.%sTensor, %s %dx%d', op.name, tn, layout.name, r, c)
      -- fold a list of values: the value, and the 1-based index for max/min
      local function fold(list)
        if row.indexed then
          local best, bi = list[1], 1
          for i = 2, #list do
            if best == best and row.better(list[i], best) then best, bi = list[i], i end
          end
          return best, bi
        end
        local a = row.init
        for i = 1, #list do a = row.fold(a, list[i]) end
        if row.finish then a = row.finish(a, #list) end
        return a
      end
      -- overall: a number, not wrapped (integer sums accumulate in 64 bits)
      local x = make(tn, layout.name, vals, r, c)
      local want = fold(vals)
      for _, got in ipairs({ torch[op.lua](x), x[op.lua](x) }) do
        if type(got) ~= 'number' or not near(FLOAT[tn] and tn or 'Double', got, want) then
          error(string.format('%s, overall: got %s, expected %.17g', where, tostring(got), want), 0)
        end
      end
      -- along each dim: the dim is kept with size 1
      for dim = 1, 2 do
        local lines, shape = {}, dim == 1 and { 1, c } or { r, 1 }
        local n_out, n_line = dim == 1 and c or r, dim == 1 and r or c
        local wv, wi = {}, {}
        for o = 1, n_out do
          local line = {}
          for k = 1, n_line do
            local i, j = dim == 1 and k or o, dim == 1 and o or k
            line[k] = vals[(i - 1) * c + j]
          end
          local a, b = fold(line)
          wv[o], wi[o] = wrap(tn, a), b
          lines[o] = line
        end
        local forms = {
          ['torch.f(x, dim)'] = function() return torch[op.lua](x, dim) end,
          ['x:f(dim)'] = function() return x[op.lua](x, dim) end,
          ['torch.f(res, x, dim)'] = function()
            local res = torch[tn .. 'Tensor']()
            if row.indexed then
              local idx = torch.LongTensor(5)
              local a, b = torch[op.lua](res, idx, x, dim)
              assert(a == res and b == idx, 'the given result tensors are returned')
              return res, idx
            end
            assert(torch[op.lua](res, x, dim) == res, 'the given result tensor is returned')
            return res
          end,
        }
        for fname, form in pairs(forms) do
          local what = string.format('%s, dim %d, %s', where, dim, fname)
          local ok, gv, gi = pcall(form)
          if not ok then error(what .. ': ' .. tostring(gv), 0) end
          compare(what, tn, gv, wv, shape)
          if row.indexed then compare(what .. ' (indices)', 'Long', gi, wi, shape) end
        end
      end
    end
  end
end

---------------------------------------------------------------------------
-- the generic tests

function T.registry()
  local missing, stale, seen = {}, {}, {}
  for _, e in ipairs(op_rows()) do
    seen[e.op.name] = true
    if not e.row then missing[#missing + 1] = e.op.name end
  end
  for name in pairs(ref.rows) do
    if not seen[name] then stale[#stale + 1] = name end
  end
  table.sort(missing)
  table.sort(stale)
  if #missing > 0 then error('ops without a test row in tests/math_ref.lua: ' .. table.concat(missing, ', ')) end
  if #stale > 0 then error('rows in tests/math_ref.lua for no op: ' .. table.concat(stale, ', ')) end
  -- every op is reachable from Lua under its Lua name
  for _, e in ipairs(op_rows()) do
    assert(type(torch[e.op.lua]) == 'function', 'torch.' .. e.op.lua .. ' is not registered')
    for _, tn in ipairs(dtypes_of(e.op)) do
      assert(type(torch.getmetatable('torch.' .. tn .. 'Tensor')[e.op.lua]) == 'function',
             'torch.' .. tn .. 'Tensor:' .. e.op.lua .. ' is not registered')
    end
  end
end

-- Comparisons: ByteTensor results (or the operands' type in the
-- result-tensor form), against a tensor and against a scalar; a third of
-- the second operand's elements equal the first's so ties are exercised.
local function check_compare(op, row, tn)
  local name = op.lua
  for _, layout in ipairs(LAYOUTS) do
    if layout.large and not LARGE_TYPES[tn] then goto next_layout end
    local r, c = layout.r, layout.c
    local xv, yv = gen(tn, 'any', r, c), gen(tn, 'any', r, c)
    for i = 1, #xv do
      xv[i] = wrap(tn, xv[i])
      if i % 3 == 0 then yv[i] = xv[i] else yv[i] = wrap(tn, yv[i]) end
    end
    local s = wrap(tn, xv[2])
    local wt, ws = {}, {}
    for i = 1, #xv do
      wt[i] = row.ref(xv[i], yv[i]) and 1 or 0
      ws[i] = row.ref(xv[i], s) and 1 or 0
    end
    local x, y = make(tn, layout.name, xv, r, c), make(tn, layout.name, yv, r, c)
    local forms = {
      ['torch.f(x, y)'] = function(b) return torch[name](x, b), 'Byte' end,
      ['x:f(y)'] = function(b) return x[name](x, b), 'Byte' end,
      ['torch.f(byteres, x, y)'] = function(b)
        local res = torch.ByteTensor(); torch[name](res, x, b); return res, 'Byte'
      end,
      ['torch.f(res, x, y)'] = function(b)
        local res = make(tn, layout.name, gen(tn, 'any', r, c), r, c)
        assert(torch[name](res, x, b) == res, 'the result tensor is returned')
        return res, tn
      end,
      ['byteres:f(x, y)'] = function(b)
        local res = torch.ByteTensor(r, c); res[name](res, x, b); return res, 'Byte'
      end,
    }
    for fname, form in pairs(forms) do
      for _, operand in ipairs({ 'tensor', 'scalar' }) do
        local what = string.format('%s on torch.%sTensor, %s %dx%d, %s with a %s', name, tn, layout.name,
                                   r, c, fname, operand)
        local ok, got, gtn = pcall(form, operand == 'tensor' and y or s)
        if not ok then error(what .. ': ' .. tostring(got), 0) end
        compare(what, gtn, got, operand == 'tensor' and wt or ws, { r, c })
      end
    end
    ::next_layout::
  end
end

-- One test per op, so a failure names it.
for _, e in ipairs(op_rows()) do
  if e.row and not e.row.custom then
    T['op_' .. e.op.name] = function()
      for _, tn in ipairs(dtypes_of(e.op)) do
        if e.op.kind == REDUCE then check_reduce(e.op, e.row, tn)
        elseif e.op.kind == COMPARE then check_compare(e.op, e.row, tn)
        else check_pointwise(e.op, e.row, tn) end
      end
    end
  end
end

function T.integer_only_ops_refuse_floating_types()
  for _, e in ipairs(op_rows()) do
    if e.op.int_only then
      for _, tn in ipairs({ 'Float', 'Double' }) do
        local x = torch[tn .. 'Tensor'](3):fill(2)
        local pat = e.op.lua .. ': not available for torch.' .. tn .. 'Tensor (only integer types)'
        assert_error(function() x[e.op.lua](x, 2) end, pat)
        assert_error(function() torch[e.op.lua](x, 2) end, pat)
      end
    end
  end
end

function T.abs_only_on_int_long_float_double()
  for _, tn in ipairs({ 'Byte', 'Char', 'Short' }) do
    local x = torch[tn .. 'Tensor'](3):fill(2)
    assert_error(function() x:abs() end, 'abs: not available for torch.' .. tn .. 'Tensor (only Int, Long, Float and Double)')
    assert_error(function() torch.abs(x) end, 'abs: not available for torch.' .. tn .. 'Tensor')
  end
end

function T.float_only_ops_refuse_integer_types()
  for _, e in ipairs(op_rows()) do
    if e.op.float_only then
      for _, tn in ipairs({ 'Byte', 'Int', 'Long' }) do
        local x = torch[tn .. 'Tensor'](3):fill(2)
        local pat = e.op.lua .. ': not available for torch.' .. tn .. 'Tensor'
        assert_error(function() x[e.op.lua](x, 2) end, pat)
        assert_error(function() torch[e.op.lua](x, 2) end, pat)
      end
    end
  end
end

---------------------------------------------------------------------------
-- BLAS: mm, mv, addmm, addmv, addr, ger, dot against plain loops

-- The operand layouts a matrix can come in: the last has strides BLAS
-- cannot express (every other column), so it is copied.
local function make_matrix(tn, layout, v, r, c)
  if layout == 'strided' then
    local ctor = torch[tn .. 'Tensor']
    local big = ctor(r, 2 * c):fill(7)
    local m = ctor(big:storage(), 1, torch.LongStorage({ r, c }), torch.LongStorage({ 2 * c, 2 }))
    for i = 1, r do for j = 1, c do m[i][j] = v[(i - 1) * c + j] end end
    return m
  end
  return make(tn, layout, v, r, c)
end

local MAT_LAYOUTS = { 'contiguous', 'transposed', 'narrowed', 'strided' }

local function matmul_ref(tn, a, b, r, k, c)
  local out = {}
  for i = 1, r do
    for j = 1, c do
      local s = 0
      for l = 1, k do s = s + a[(i - 1) * k + l] * b[(l - 1) * c + j] end
      out[(i - 1) * c + j] = s
    end
  end
  return out
end

function T.blas_mm_addmm()
  for _, tn in ipairs(TYPES) do
    local r, k, c = 4, 6, 5
    local va, vb, vm = gen(tn, 'any', r, k), gen(tn, 'any', k, c), gen(tn, 'any', r, c)
    for _, t in ipairs({ va, vb, vm }) do for i = 1, #t do t[i] = wrap(tn, t[i]) end end
    local prod = matmul_ref(tn, va, vb, r, k, c)
    local wprod = {}
    for i = 1, #prod do wprod[i] = wrap(tn, prod[i]) end
    for _, la in ipairs(MAT_LAYOUTS) do
      for _, lb in ipairs(MAT_LAYOUTS) do
        for _, lr in ipairs({ 'contiguous', 'transposed', 'strided' }) do
          local a, b = make_matrix(tn, la, va, r, k), make_matrix(tn, lb, vb, k, c)
          local where = string.format('torch.%sTensor a %s, b %s, res %s', tn, la, lb, lr)
          compare('mm, ' .. where, tn, torch.mm(a, b), wprod, { r, c })
          -- addmm into a result of each layout, with beta and alpha
          local res = make_matrix(tn, lr, vm, r, c)
          local want = {}
          for i = 1, r * c do want[i] = wrap(tn, 2 * vm[i] + 3 * prod[i]) end
          res:addmm(2, res, 3, a, b)
          compare('addmm, ' .. where, tn, res, want, { r, c })
          -- nn's forms: self:addmm(scale, a, b) adds scale*(a @ b) to self
          res = make_matrix(tn, lr, vm, r, c)
          res:addmm(3, a, b)
          for i = 1, r * c do want[i] = wrap(tn, vm[i] + 3 * prod[i]) end
          compare('x:addmm(v2, a, b), ' .. where, tn, res, want, { r, c })
        end
      end
    end
    -- the old form output:addmm(0, output, 1, input, weight:t()) ignores NaN in output
    local input, weight = make(tn, 'contiguous', va, r, k), make(tn, 'contiguous', gen(tn, 'any', c, k), c, k)
    local out = torch[tn .. 'Tensor'](r, c):fill(FLOAT[tn] and 0 / 0 or 9)
    out:addmm(0, out, 1, input, weight:t())
    compare('addmm(0, out, 1, input, weight:t())', tn, out, flat(torch.mm(input, weight:t())), { r, c })
    -- function forms with both scalars and a result
    local m = make(tn, 'contiguous', vm, r, c)
    local a, b = make(tn, 'contiguous', va, r, k), make(tn, 'contiguous', vb, k, c)
    local want = {}
    for i = 1, r * c do want[i] = wrap(tn, 2 * vm[i] + 3 * prod[i]) end
    compare('torch.addmm(v1, M, v2, a, b)', tn, torch.addmm(2, m, 3, a, b), want, { r, c })
    local res = torch[tn .. 'Tensor']()
    torch.addmm(res, 2, m, 3, a, b)
    compare('torch.addmm(res, v1, M, v2, a, b)', tn, res, want, { r, c })
    for i = 1, r * c do want[i] = wrap(tn, vm[i] + prod[i]) end
    compare('torch.addmm(M, a, b)', tn, torch.addmm(m, a, b), want, { r, c })
    -- the result may be one of the factors
    local sq = make(tn, 'contiguous', gen(tn, 'any', k, k), k, k)
    local expect = flat(torch.mm(a, sq))
    local a2 = a:clone()
    a2:mm(a2, sq)
    compare('a:mm(a, b) in place', tn, a2, expect, { r, k })
  end
end

function T.blas_mv_addmv_addr_dot()
  for _, tn in ipairs(TYPES) do
    local r, c = 5, 4
    local vm, vx, vy, vv = gen(tn, 'any', r, c), gen(tn, 'any', 1, c), gen(tn, 'any', 1, r), gen(tn, 'any', 1, r)
    for _, t in ipairs({ vm, vx, vy, vv }) do for i = 1, #t do t[i] = wrap(tn, t[i]) end end
    local mv = matmul_ref(tn, vm, vx, r, c, 1)
    local wmv = {}
    for i = 1, #mv do wmv[i] = wrap(tn, mv[i]) end
    for _, lm in ipairs(MAT_LAYOUTS) do
      for _, lx in ipairs({ 'contiguous', 'narrowed' }) do
        local m = make_matrix(tn, lm, vm, r, c)
        local x = make(tn, lx, vx, 1, c):select(1, 1)
        local where = string.format('torch.%sTensor m %s, x %s', tn, lm, lx)
        compare('mv, ' .. where, tn, torch.mv(m, x), wmv, { r })
        local v = make(tn, lx, vv, 1, r):select(1, 1)
        local want = {}
        for i = 1, r do want[i] = wrap(tn, 2 * vv[i] + 3 * mv[i]) end
        compare('addmv, ' .. where, tn, torch.addmv(2, v, 3, m, x), want, { r })
        v:addmv(3, m, x)
        for i = 1, r do want[i] = wrap(tn, vv[i] + 3 * mv[i]) end
        compare('v:addmv(v2, m, x), ' .. where, tn, v, want, { r })
        -- addr into a result of this layout: res = 2*res + 3 * y x^T
        local y = make(tn, lx, vy, 1, r):select(1, 1)
        local res = make_matrix(tn, lm, vm, r, c)
        res:addr(2, res, 3, y, x)
        want = {}
        for i = 1, r do for j = 1, c do
          want[(i - 1) * c + j] = wrap(tn, 2 * vm[(i - 1) * c + j] + 3 * vy[i] * vx[j])
        end end
        compare('addr, ' .. where, tn, res, want, { r, c })
        for i = 1, r do for j = 1, c do want[(i - 1) * c + j] = wrap(tn, vy[i] * vx[j]) end end
        compare('ger, ' .. where, tn, torch.ger(y, x), want, { r, c })
        -- dot of same-numel tensors of any shape (Torch7)
        local d = 0
        for i = 1, r * c do d = d + vm[i] * vm[i] end
        local got = torch.dot(m, make(tn, 'transposed', vm, r, c))
        assert(near(FLOAT[tn] and tn or 'Double', got, d), string.format('dot, %s: got %s, expected %s', where, got, d))
        assert_near(m:dot(m:contiguous():view(r * c)), d, FLOAT[tn] and 1e-5 or 0)
      end
    end
    -- products into a result holding NaN (fresh memory can) ignore it
    local m, x = make(tn, 'contiguous', vm, r, c), make(tn, 'contiguous', vx, 1, c):select(1, 1)
    local res = torch[tn .. 'Tensor'](r):fill(FLOAT[tn] and 0 / 0 or 9)
    compare('mv into NaN', tn, torch.mv(res, m, x), wmv, { r })
    local want = {}
    for i = 1, r do for j = 1, c do want[(i - 1) * c + j] = wrap(tn, vy[i] * vx[j]) end end
    local y = make(tn, 'contiguous', vy, 1, r):select(1, 1)
    res = torch[tn .. 'Tensor'](r, c):fill(FLOAT[tn] and 0 / 0 or 9)
    compare('ger into NaN', tn, torch.ger(res, y, x), want, { r, c })
  end
end

return T
