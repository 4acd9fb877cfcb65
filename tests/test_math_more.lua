-- tests/test_math_more.lua: the math functions outside the generic op
-- table: reductions and norms, sorting and selection, indexing, and
-- construction (engine/lua/torch/math_reduce.lua, math_index.lua,
-- math_construct.lua), each against a plain-Lua double-precision reference
-- on random non-zero data, on every dtype that has the function, with
-- contiguous, transposed and narrowed operands. Linear algebra,
-- convolutions, sampling and the error messages are in
-- tests/test_math_linalg.lua.

local T = {}

local helpers = require 'helpers'
local TYPES, FLOATS = helpers.MATH_TYPES, { 'Float', 'Double' }
local tol, values, make = helpers.mat_tol, helpers.mat_values, helpers.mat_make
local check_matrix, each_case, wrap = helpers.mat_check, helpers.mat_each_case, helpers.wrap_int

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

return T
