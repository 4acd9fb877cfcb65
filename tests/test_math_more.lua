-- tests/test_math_more.lua: the math functions outside the generic op
-- table (engine/lua/torch/math_more.lua and math_linalg.lua), each against
-- a plain-Lua double-precision reference on random non-zero data, on every
-- dtype that has the function, with contiguous, transposed and narrowed
-- operands; LAPACK by reconstruction; and the error messages.

local T = {}

local TYPES = { 'Byte', 'Char', 'Short', 'Int', 'Long', 'Float', 'Double' }
local FLOATS = { 'Float', 'Double' }
local FLOAT = { Float = true, Double = true }
local TOL = { Float = 1e-4, Double = 1e-10 }
local LAYOUTS = { 'contiguous', 'transposed', 'narrowed' }

local function tol(tn) return TOL[tn] or 0 end

-- Random non-zero values: floats in +-[0.1, 2], integers in [1, hi] with a
-- random sign (Byte unsigned). Floats are rounded to float for Float.
local function value(tn, hi)
  if FLOAT[tn] then
    local v = (0.1 + 1.9 * math.random()) * (math.random() < 0.5 and -1 or 1)
    if tn == 'Float' then v = torch.FloatTensor({ v })[1] end
    return v
  end
  local v = math.random(1, hi or 12)
  if tn ~= 'Byte' and math.random() < 0.5 then v = -v end
  return v
end

-- r x c Lua matrix of values
local function values(tn, r, c, hi)
  local m = {}
  for i = 1, r do
    m[i] = {}
    for j = 1, c do m[i][j] = value(tn, hi) end
  end
  return m
end

-- A tensor holding matrix m in a layout.
local function make(tn, layout, m)
  local r, c = #m, #m[1]
  local ctor = torch[tn .. 'Tensor']
  if layout == 'transposed' then
    local t = ctor(c, r)
    for i = 1, r do for j = 1, c do t[j][i] = m[i][j] end end
    return t:t()
  elseif layout == 'narrowed' then
    local t = ctor(r + 2, c + 3):fill(7)
    local v = t:narrow(1, 2, r):narrow(2, 3, c)
    for i = 1, r do for j = 1, c do v[i][j] = m[i][j] end end
    return v
  end
  local t = ctor(r, c)
  for i = 1, r do for j = 1, c do t[i][j] = m[i][j] end end
  return t
end

local function check_matrix(what, got, want, tn)
  assert(got:dim() == 2 and got:size(1) == #want and got:size(2) == #want[1],
         string.format('%s: size %s, expected %dx%d', what, table.concat(got:size():totable(), 'x'), #want, #want[1]))
  assert_near(got, want, tol(tn), what)
end

-- Each (dtype, layout) with a fresh r x c matrix.
local function each_case(types, r, c, f, hi)
  for _, tn in ipairs(types) do
    for _, layout in ipairs(LAYOUTS) do
      local m = values(tn, r, c, hi)
      f(tn, layout, m, make(tn, layout, m), string.format('torch.%sTensor %s', tn, layout))
    end
  end
end

-- A C cast to the element type: wraps integers.
local BITS = { Byte = 8, Char = 8, Short = 16, Int = 32 }
local function wrap(tn, v)
  local bits = BITS[tn]
  if not bits then return v end
  local m = 2 ^ bits
  v = v % m
  if tn ~= 'Byte' and v >= m / 2 then v = v - m end
  return v
end

---------------------------------------------------------------------------
-- reductions

function T.cumsum_cumprod()
  each_case(TYPES, 4, 5, function(tn, layout, m, x, where)
    for _, name in ipairs({ 'cumsum', 'cumprod' }) do
      for dim = 1, 2 do
        local want = {}
        for i = 1, #m do
          want[i] = {}
          for j = 1, #m[1] do
            local acc = name == 'cumsum' and 0 or 1
            if dim == 1 then
              for k = 1, i do acc = name == 'cumsum' and acc + m[k][j] or acc * m[k][j] end
            else
              for k = 1, j do acc = name == 'cumsum' and acc + m[i][k] or acc * m[i][k] end
            end
            want[i][j] = wrap(tn, acc)
          end
        end
        check_matrix(where .. ' ' .. name .. ' dim ' .. dim, torch[name](x, dim), want, tn)
        local res = torch[tn .. 'Tensor']()
        torch[name](res, x, dim)
        check_matrix(where .. ' ' .. name .. '(res)', res, want, tn)
        check_matrix(where .. ' x:' .. name, x[name](x, dim), want, tn)
      end
      -- default dim 1
      assert_near(torch[name](x), torch[name](x, 1), 0)
    end
  end, 3)
end

function T.norm_dist_renorm()
  each_case(FLOATS, 4, 5, function(tn, layout, m, x, where)
    for _, p in ipairs({ 1, 2, 3, 0.5 }) do
      local all = 0
      for i = 1, 4 do for j = 1, 5 do all = all + math.abs(m[i][j]) ^ p end end
      assert_near(x:norm(p), all ^ (1 / p), tol(tn), where .. ' norm ' .. p)
      local want = {}
      for i = 1, 4 do
        local s = 0
        for j = 1, 5 do s = s + math.abs(m[i][j]) ^ p end
        want[i] = { s ^ (1 / p) }
      end
      check_matrix(where .. ' norm dim 2', torch.norm(x, p, 2), want, tn)
    end
    local zeros = 0
    for i = 1, 4 do for j = 1, 5 do if m[i][j] ~= 0 then zeros = zeros + 1 end end end
    assert_near(x:norm(0), zeros, 0, 'norm 0 counts non-zeros')
    assert_near(x:norm(), x:norm(2), 0)
    -- dist
    local y = make(tn, 'contiguous', values(tn, 4, 5))
    local s = 0
    for i = 1, 4 do for j = 1, 5 do s = s + (m[i][j] - y[i][j]) ^ 2 end end
    assert_near(torch.dist(x, y), math.sqrt(s), tol(tn), where .. ' dist')
    assert_near(x:dist(y, 1), torch.norm(x - y, 1), tol(tn), where .. ' dist p=1')
    -- renorm: rows (dim 1 slices) with 2-norm above 1 scaled to 1
    local r = torch.renorm(x, 2, 1, 1)
    for i = 1, 4 do
      local n = 0
      for j = 1, 5 do n = n + m[i][j] ^ 2 end
      n = math.sqrt(n)
      local scale = n > 1 and 1 / n or 1
      for j = 1, 5 do assert_near(r[i][j], m[i][j] * scale, 1e-5, where .. ' renorm') end
    end
    local c = x:clone()
    c:renorm(2, 1, 1)
    assert_near(c, r, 1e-6, 'x:renorm in place')
  end)
end

function T.var_std_flags()
  local x = torch.Tensor({ { 1, 2, 3, 4 }, { 2, 4, 6, 8 } })
  assert_near(x:var(2), { { 5 / 3 }, { 20 / 3 } }, 1e-12)
  assert_near(x:var(2, true), { { 1.25 }, { 5 } }, 1e-12)
  assert_near(torch.std(x, 2, true), { { math.sqrt(1.25) }, { math.sqrt(5) } }, 1e-12)
  assert_near(x:var(true), x:var() * 7 / 8, 1e-12)
  -- above the parallel grain the per-thread states merge: still the
  -- two-pass double reference, on 1 and 2 threads
  local big = torch.DoubleTensor(300001):uniform(-1, 1):add(5)
  local p, n = big:data(), big:nElement()
  local s = 0
  for i = 0, n - 1 do s = s + p[i] end
  local ss = 0
  for i = 0, n - 1 do ss = ss + (p[i] - s / n) ^ 2 end
  local threads = torch.getnumthreads()
  for _, t in ipairs({ 1, 2 }) do
    torch.setnumthreads(t)
    assert_near(big:var(), ss / (n - 1), 1e-12, 'var, threads ' .. t)
    assert_near(big:std(true), math.sqrt(ss / n), 1e-12, 'std, threads ' .. t)
  end
  torch.setnumthreads(threads)
end

function T.trace_all_any_equal()
  each_case(TYPES, 4, 5, function(tn, layout, m, x, where)
    local s = 0
    for i = 1, 4 do s = s + m[i][i] end
    assert_near(torch.trace(x), s, 1e-5, where .. ' trace')
    assert(torch.equal(x, x:clone()), where .. ' equal')
    local y = x:clone()
    y[2][3] = y[2][3] + 1
    assert(not x:equal(y), where .. ' not equal')
    assert(not x:equal(x:narrow(1, 1, 2)), where .. ' sizes differ')
  end)
  local b = torch.ByteTensor({ 1, 1, 0 })
  assert(not b:all() and b:any() and torch.ByteTensor({ 1, 2 }):all() and not torch.ByteTensor(3):zero():any())
  assert(torch.all(torch.ByteTensor()) == true)
  assert_error(function() torch.FloatTensor(2):all() end, 'all: not available for torch.FloatTensor')
end

---------------------------------------------------------------------------
-- sorting and selection

-- Stable reference order of a list: positions sorted by value.
local function ref_order(list, desc)
  local pos = {}
  for i = 1, #list do pos[i] = i end
  table.sort(pos, function(a, b)
    if list[a] ~= list[b] then
      if desc then return list[a] > list[b] end
      return list[a] < list[b]
    end
    return a < b
  end)
  return pos
end

local function lines(m, dim)
  local out = {}
  local r, c = #m, #m[1]
  for o = 1, dim == 1 and c or r do
    local l = {}
    for k = 1, dim == 1 and r or c do l[k] = dim == 1 and m[k][o] or m[o][k] end
    out[o] = l
  end
  return out
end

-- Matrix from per-line results (line o, element k) along dim.
local function from_lines(ls, dim)
  local m = {}
  if dim == 2 then
    for o = 1, #ls do m[o] = ls[o] end
  else
    for k = 1, #ls[1] do
      m[k] = {}
      for o = 1, #ls do m[k][o] = ls[o][k] end
    end
  end
  return m
end

function T.sort_both_orders_stable()
  each_case(TYPES, 6, 7, function(tn, layout, m, x, where)
    for dim = 1, 2 do
      for _, desc in ipairs({ false, true }) do
        local vl, il = {}, {}
        for o, l in ipairs(lines(m, dim)) do
          local pos = ref_order(l, desc)
          vl[o], il[o] = {}, {}
          for k, p in ipairs(pos) do vl[o][k], il[o][k] = l[p], p end
        end
        local what = string.format('%s sort dim %d %s', where, dim, desc and 'desc' or 'asc')
        local v, i = torch.sort(x, dim, desc)
        check_matrix(what, v, from_lines(vl, dim), tn)
        check_matrix(what .. ' indices', i, from_lines(il, dim), 'Long')
        local rv, ri = torch[tn .. 'Tensor'](), torch.LongTensor()
        torch.sort(rv, ri, x, dim, desc)
        check_matrix(what .. ' (result tensors)', ri, from_lines(il, dim), 'Long')
        local v2 = x:sort(dim, desc)
        assert_near(v2, v, 0)
      end
    end
    -- default: last dim, ascending
    local v = x:sort()
    assert_near(v, torch.sort(x, 2, false), 0)
  end, 3)   -- values in [-3, 3]: many ties
end

function T.sort_nan_last_and_1d()
  local v, i = torch.sort(torch.DoubleTensor({ 3, 0 / 0, 1 }))
  assert(v[1] == 1 and v[2] == 3 and v[3] ~= v[3] and i[3] == 2)
  local big = torch.FloatTensor(100000):uniform()
  local s = big:sort()
  for k = 2, 100000, 997 do assert(s[k - 1] <= s[k]) end
end

-- Long lines take topk's small-k path: it must agree with a stable sort,
-- ties included, in both directions and on strided lines.
function T.topk_small_k_matches_sort()
  for _, tn in ipairs({ 'Int', 'Float', 'Double' }) do
    local x = torch[tn .. 'Tensor'](300, 4):random(1, 20)
    for _, largest in ipairs({ false, true }) do
      for _, k in ipairs({ 1, 3, 10 }) do
        local v, i = torch.topk(x, k, 1, largest)
        local sv, si = torch.sort(x, 1, largest)
        assert_near(v, sv:narrow(1, 1, k), 0, tn .. ' topk values')
        assert_near(i, si:narrow(1, 1, k), 0, tn .. ' topk indices')
      end
    end
  end
end

function T.topk_kthvalue_median_mode()
  each_case(TYPES, 5, 7, function(tn, layout, m, x, where)
    for dim = 1, 2 do
      local ls = lines(m, dim)
      local n = #ls[1]
      for _, largest in ipairs({ false, true }) do
        local vl, il = {}, {}
        for o, l in ipairs(ls) do
          local pos = ref_order(l, largest)
          vl[o], il[o] = {}, {}
          for k = 1, 3 do vl[o][k], il[o][k] = l[pos[k]], pos[k] end
        end
        local v, i = torch.topk(x, 3, dim, largest, true)
        check_matrix(where .. ' topk', v, from_lines(vl, dim), tn)
        check_matrix(where .. ' topk indices', i, from_lines(il, dim), 'Long')
      end
      -- kthvalue k = 2, median (lower), mode
      local kv, ki, mv, mdv, mdi = {}, {}, {}, {}, {}
      for o, l in ipairs(ls) do
        local pos = ref_order(l, false)
        kv[o], ki[o] = { l[pos[2]] }, { pos[2] }
        mv[o] = { l[pos[math.floor((n + 1) / 2)]] }
        -- mode: most frequent, smallest on ties
        local count, best, bestn = {}, nil, 0
        for _, v in ipairs(l) do count[v] = (count[v] or 0) + 1 end
        for _, p in ipairs(pos) do
          local v = l[p]
          if count[v] > bestn then best, bestn = v, count[v] end
        end
        mdv[o] = { best }
        mdi[o] = best
      end
      local v, i = torch.kthvalue(x, 2, dim)
      check_matrix(where .. ' kthvalue', v, from_lines(kv, dim), tn)
      check_matrix(where .. ' kthvalue indices', i, from_lines(ki, dim), 'Long')
      check_matrix(where .. ' median', (torch.median(x, dim)), from_lines(mv, dim), tn)
      local mv2, mi2 = torch.mode(x, dim)
      check_matrix(where .. ' mode', mv2, from_lines(mdv, dim), tn)
      -- the mode's index points at an element equal to the mode
      for o = 1, #ls do
        local idx = dim == 1 and mi2[1][o] or mi2[o][1]
        assert(ls[o][idx] == mdi[o], where .. ' mode index')
      end
    end
  end, 4)
  assert_error(function() torch.topk(torch.Tensor(3, 4), 5) end, 'topk: k (5) out of range')
  assert_error(function() torch.kthvalue(torch.Tensor(3, 4), 0) end, 'kthvalue: k (0) out of range')
end

---------------------------------------------------------------------------
-- indexing

function T.gather_scatter()
  each_case(TYPES, 4, 5, function(tn, layout, m, x, where)
    for dim = 1, 2 do
      local idx = torch.LongTensor(4, 5)
      local lim = dim == 1 and 4 or 5
      for i = 1, 4 do for j = 1, 5 do idx[i][j] = math.random(1, lim) end end
      local want = {}
      for i = 1, 4 do
        want[i] = {}
        for j = 1, 5 do
          local q = idx[i][j]
          want[i][j] = dim == 1 and m[q][j] or m[i][q]
        end
      end
      check_matrix(where .. ' gather', torch.gather(x, dim, idx), want, tn)
      check_matrix(where .. ' x:gather', x:gather(dim, idx), want, tn)
      local res = torch[tn .. 'Tensor']()
      torch.gather(res, x, dim, idx)
      check_matrix(where .. ' gather(res)', res, want, tn)
      -- scatter with a permutation along dim: the inverse of gather
      local perm = torch.LongTensor(4, 5)
      for o = 1, dim == 1 and 5 or 4 do
        local p = torch.randperm(lim)
        for k = 1, lim do
          if dim == 1 then perm[k][o] = p[k] else perm[o][k] = p[k] end
        end
      end
      local y = make(tn, layout, values(tn, 4, 5))
      y:scatter(dim, perm, x)
      check_matrix(where .. ' scatter', y:gather(dim, perm), m, tn)
      y:scatter(dim, perm:narrow(1, 1, 1):narrow(2, 1, 1), 3)
      local q = perm[1][1]
      assert_near(dim == 1 and y[q][1] or y[1][q], 3, 0, where .. ' scatter value')
    end
  end)
  assert_error(function() torch.Tensor(2, 2):gather(1, torch.LongTensor({ { 3, 1 } })) end,
               'gather: index 3 out of range')
  assert_error(function() torch.Tensor(2, 2):gather(1, torch.Tensor({ { 1, 1 } })) end,
               'gather: the index must be a torch.LongTensor')
end

function T.index_family()
  each_case(TYPES, 4, 5, function(tn, layout, m, x, where)
    local idx = torch.LongTensor({ 3, 1, 3 })
    -- index along each dim
    local want1 = { m[3], m[1], m[3] }
    check_matrix(where .. ' index dim 1', x:index(1, idx), want1, tn)
    local want2 = {}
    for i = 1, 4 do want2[i] = { m[i][3], m[i][1], m[i][3] } end
    check_matrix(where .. ' index dim 2', torch.index(x, 2, idx), want2, tn)
    -- indexCopy / indexAdd / indexFill into a copy
    local src = make(tn, 'contiguous', values(tn, 2, 5))
    local ic = x:clone():indexCopy(1, torch.LongTensor({ 4, 2 }), src)
    local ia = x:clone():indexAdd(1, torch.LongTensor({ 4, 4 }), src)
    local fi = x:clone():indexFill(2, torch.LongTensor({ 5, 1 }), 2)
    for i = 1, 4 do
      for j = 1, 5 do
        local c = i == 4 and src[1][j] or (i == 2 and src[2][j] or m[i][j])
        assert_near(ic[i][j], c, tol(tn), where .. ' indexCopy')
        local a = i == 4 and wrap(tn, m[i][j] + src[1][j] + src[2][j]) or m[i][j]
        assert_near(ia[i][j], a, tol(tn), where .. ' indexAdd')
        assert_near(fi[i][j], (j == 5 or j == 1) and 2 or m[i][j], tol(tn), where .. ' indexFill')
      end
    end
  end)
  local v = torch.Tensor({ 10, 20, 30 })
  assert_near(v:index(1, torch.LongTensor({ 3, 1 })), { 30, 10 }, 0)
  assert_error(function() v:index(1, torch.LongTensor({ 4 })) end, 'index: index 4 out of range')
  assert_error(function() torch.Tensor(3, 2):indexCopy(1, torch.LongTensor({ 1 }), torch.Tensor(2, 2)) end,
               'indexCopy: source [2 x 2] does not match tensor [3 x 2]')
end

function T.nonzero()
  each_case(TYPES, 4, 5, function(tn, layout, m, x, where)
    x[2][3] = 0
    x[4][1] = 0
    local want = {}
    for i = 1, 4 do
      for j = 1, 5 do
        if not ((i == 2 and j == 3) or (i == 4 and j == 1)) then want[#want + 1] = { i, j } end
      end
    end
    check_matrix(where .. ' nonzero', torch.nonzero(x), want, 'Long')
    local res = torch.LongTensor()
    torch.nonzero(res, x)
    check_matrix(where .. ' nonzero(res)', res, want, 'Long')
  end)
  assert(torch.nonzero(torch.zeros(3)):nElement() == 0)
end

---------------------------------------------------------------------------
-- construction

function T.construction()
  for _, tn in ipairs(TYPES) do
    local tt = 'torch.' .. tn .. 'Tensor'
    local z = torch.zeros(2, 3, tt)
    assert(torch.type(z) == tt and z:sum() == 0 and z:dim() == 2)
    local o = torch.ones(torch.LongStorage({ 3, 2 }), tt)
    assert(o:sum() == 6 and o:size(1) == 3)
    local x = torch[tn .. 'Tensor'](5)
    x:ones(2, 2)
    assert(x:nElement() == 4 and x:sum() == 4, tn .. ' x:ones resizes x')
    assert_near(torch.eye(3, tt), { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }, 0)
    assert_near(torch.eye(2, 3, tt), { { 1, 0, 0 }, { 0, 1, 0 } }, 0)
    assert_near(torch.range(2, 8, 3, tt), { 2, 5, 8 }, 0)
    assert_near(torch.range(5, 1, -2, tt), { 5, 3, 1 }, 0)
    assert(torch.type(torch.range(1, 3, tt)) == tt)
  end
  assert_near(torch.range(0, 1, 0.25), { 0, 0.25, 0.5, 0.75, 1 }, 0)
  for _, tn in ipairs(FLOATS) do
    local tt = 'torch.' .. tn .. 'Tensor'
    assert_near(torch.linspace(-1, 1, 5, tt), { -1, -0.5, 0, 0.5, 1 }, 1e-7)
    assert(torch.linspace(0, 1):nElement() == 100)
    assert_near(torch.logspace(0, 3, 4, tt), { 1, 10, 100, 1000 }, 1e-6)
  end
  assert_error(function() torch.range(1, 5, -1) end, 'range:')
  assert_error(function() torch.linspace(0, 1, 5, 'torch.IntTensor') end, 'linspace: not available for torch.IntTensor')
end

function T.diag_tril_triu()
  each_case(TYPES, 4, 5, function(tn, layout, m, x, where)
    for _, k in ipairs({ 0, 1, -2 }) do
      local want = {}
      for i = 1, 4 do
        for j = 1, 5 do if j - i == k then want[#want + 1] = m[i][j] end end
      end
      assert_near(torch.diag(x, k), want, tol(tn), where .. ' diag ' .. k)
      local lo, up = {}, {}
      for i = 1, 4 do
        lo[i], up[i] = {}, {}
        for j = 1, 5 do
          lo[i][j] = j - i <= k and m[i][j] or 0
          up[i][j] = j - i >= k and m[i][j] or 0
        end
      end
      check_matrix(where .. ' tril ' .. k, torch.tril(x, k), lo, tn)
      check_matrix(where .. ' triu ' .. k, x:triu(k), up, tn)
    end
    local v = x:select(1, 2)
    local dm = torch.diag(v, 1)
    assert(dm:size(1) == 6 and dm[1][2] == m[2][1] and dm[5][6] == m[2][5] and dm[2][2] == 0)
  end)
end

function T.cat_split_chunk_repeat()
  each_case(TYPES, 3, 4, function(tn, layout, m, x, where)
    local y = make(tn, 'transposed', values(tn, 3, 2))
    local c = torch.cat(x, y, 2)
    assert(c:size(1) == 3 and c:size(2) == 6, where .. ' cat size')
    assert_near(c:narrow(2, 1, 4), m, 0)
    assert_near(c:narrow(2, 5, 2), y, 0)
    local c1 = torch.cat({ x, x, x }, 1)
    assert(c1:size(1) == 9)
    assert_near(c1:narrow(1, 4, 3), m, 0)
    local r = torch[tn .. 'Tensor']()
    torch.cat(r, x, x:clone(), 1)
    assert(r:size(1) == 6)
    assert_near(torch.cat(x, torch[tn .. 'Tensor'](), 1), m, 0)   -- empty skipped
    -- split / chunk
    local parts = torch.split(x, 3, 2)
    assert(#parts == 2 and parts[1]:size(2) == 3 and parts[2]:size(2) == 1, where .. ' split')
    assert_near(parts[2], { { m[1][4] }, { m[2][4] }, { m[3][4] } }, 0)
    local ch = x:chunk(2, 2)
    assert(#ch == 2 and ch[1]:size(2) == 2)
    assert_near(torch.cat(ch, 2), m, 0)
    -- repeatTensor
    local rep = x:repeatTensor(2, 3)
    assert(rep:size(1) == 6 and rep:size(2) == 12)
    for i = 1, 6 do for j = 1, 12 do
      assert(rep[i][j] == m[(i - 1) % 3 + 1][(j - 1) % 4 + 1], where .. ' repeatTensor')
    end end
    local rep3 = torch.repeatTensor(x, 2, 1, 1)
    assert(rep3:dim() == 3 and rep3:size(1) == 2)
    assert_near(rep3[2], m, 0)
  end)
  assert_error(function() torch.cat(torch.Tensor(2, 3), torch.Tensor(3, 3), 2) end,
               'cat: sizes [2 x 3] and [3 x 3] do not match')
end

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
