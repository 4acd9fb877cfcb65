-- tests/test_operators.lua: + - * / % and unary minus on tensors, with
-- Torch7's rules (API.md 1.1.3): tensor and number in either order, two
-- tensors of the same type, `*` as dot / mv / mm by dimension; results are
-- new tensors and operands are left unchanged.

local T = {}

local TYPES = { 'Byte', 'Char', 'Short', 'Int', 'Long', 'Float', 'Double' }

local function vec(tn, t) return torch[tn .. 'Tensor'](t) end

function T.add_sub_all_types()
  for _, tn in ipairs(TYPES) do
    local a, b = vec(tn, { 3, 5, 7 }), vec(tn, { 1, 2, 3 })
    assert_eq((a + b):totable(), { 4, 7, 10 }, tn .. ' t + t')
    assert_eq((a + 2):totable(), { 5, 7, 9 }, tn .. ' t + n')
    assert_eq((2 + a):totable(), { 5, 7, 9 }, tn .. ' n + t')
    assert_eq((a - b):totable(), { 2, 3, 4 }, tn .. ' t - t')
    assert_eq((a - 1):totable(), { 2, 4, 6 }, tn .. ' t - n')
    assert_eq((10 - a):totable(), { 7, 5, 3 }, tn .. ' n - t')
    assert_eq(torch.type(a + b), 'torch.' .. tn .. 'Tensor')
    -- operands unchanged, results are new tensors
    assert_eq(a:totable(), { 3, 5, 7 })
    assert_eq(b:totable(), { 1, 2, 3 })
    local c = a + 0
    c[1] = 100
    assert_eq(a[1], 3, tn .. ': the result shares no memory with the operand')
  end
end

function T.unary_minus()
  assert_eq((-torch.DoubleTensor({ 1, -2 })):totable(), { -1, 2 })
  assert_eq((-torch.IntTensor({ 1, -2 })):totable(), { -1, 2 })
  assert_eq((-torch.ByteTensor({ 1, 2 })):totable(), { 255, 254 })   -- wraps, as in Torch7
end

function T.mul_by_dimensions()
  for _, tn in ipairs(TYPES) do
    local v = vec(tn, { 1, 2, 3 })
    assert_eq((v * 2):totable(), { 2, 4, 6 }, tn .. ' t * n')
    assert_eq((2 * v):totable(), { 2, 4, 6 }, tn .. ' n * t')
    assert_eq(v * v, 14, tn .. ' 1D . 1D is a number')
    local m = torch[tn .. 'Tensor']({ { 1, 2, 3 }, { 4, 5, 6 } })
    local mv = m * v
    assert_eq(mv:totable(), { 14, 32 }, tn .. ' 2D x 1D')
    local mm = m * m:t()
    assert_eq(mm:totable(), { { 14, 32 }, { 32, 77 } }, tn .. ' 2D x 2D')
    assert_eq(torch.type(mm), 'torch.' .. tn .. 'Tensor')
    -- transposed operands
    assert_eq((m:t() * m):totable(), { { 17, 22, 27 }, { 22, 29, 36 }, { 27, 36, 45 } }, tn .. ' t() x')
  end
  local x3 = torch.DoubleTensor(2, 2, 2)
  assert_error(function() return x3 * torch.DoubleTensor(2, 2) end,
               'multiplication between 3D and 2D tensors not yet supported')
  assert_error(function() return torch.DoubleTensor(3) * torch.DoubleTensor(2, 3) end,
               'multiplication between 1D and 2D tensors not yet supported')
  assert_error(function() return torch.DoubleTensor(2, 3) * torch.DoubleTensor(2, 3) end,
               'addmm: matrices cannot be multiplied: [2 x 3] and [2 x 3]')
end

function T.div_mod()
  local d = torch.DoubleTensor({ 3, -3, 7 })
  assert_eq((d / 2):totable(), { 1.5, -1.5, 3.5 })
  assert_eq((d % 2):totable(), { 1, 1, 1 })          -- remainder: sign of the divisor
  assert_eq((d % -2):totable(), { -1, -1, -1 })
  local i = torch.IntTensor({ 7, -7 })
  assert_eq((i / 2):totable(), { 3, -3 })            -- integer division truncates
  assert_eq((i % 3):totable(), { 1, 2 })
  assert_error(function() return i / 0 end, 'div: integer division by zero')
  assert_error(function() return d / d end, "operator '/'")
  assert_error(function() return 2 / d end, "operator '/'")
  assert_error(function() return d % d end, "operator '%'")
end

function T.operand_errors()
  local f, d = torch.FloatTensor(3), torch.DoubleTensor(3)
  assert_error(function() return f + d end, 'tensor types differ: torch.FloatTensor and torch.DoubleTensor')
  assert_error(function() return f - d end, 'tensor types differ')
  assert_error(function() return f * d end, 'tensor types differ')
  assert_error(function() return f + 'a' end, "operator '+'")
  assert_error(function() return {} * f end, "operator '*'")
  assert_error(function() return f + torch.FloatTensor(4) end, 'add: sizes do not match: [3] and [4]')
end

function T.operators_on_views()
  local m = torch.DoubleTensor({ { 1, 2 }, { 3, 4 } })
  local t = m:t()
  assert_eq((t + t):totable(), { { 2, 6 }, { 4, 8 } })
  assert_eq((t - m):totable(), { { 0, 1 }, { -1, 0 } })
  local col = m:select(2, 2)                          -- stride 2
  assert_eq((col * 10):totable(), { 20, 40 })
  assert_eq(col * col, 20)
end

return T
