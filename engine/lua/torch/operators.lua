-- torch/operators.lua: + - * / % and unary minus on tensors (Torch7's
-- TensorOperator rules). Results are always new tensors; no broadcasting.
--   t + n, n + t, t1 + t2          add
--   t - n, n - t, t1 - t2          subtract
--   -t                             negate (t * -1, wrapping on integers)
--   t * n, n * t                   scale
--   t1 * t2                        1D.1D -> number (dot), 2D x 1D -> mv, 2D x 2D -> mm
--   t / n                          div (integer division on integer types)
--   t % n                          remainder (sign of the divisor)
-- Tensor operands must have the same type. The ffi metatype (tensor.lua)
-- forwards these metamethods to the method tables, where we install them
-- for every dtype with math.

local ffi = require 'ffi'
local C = torch._C
local empty = torch._empty
local mts = torch._mts
local dtype_names = torch._dtype_names
local istype = ffi.istype

local op_id = {}
for i = 0, C.tl_op_count() - 1 do op_id[ffi.string(C.tl_op_get(i).name)] = i end
local ADD, ADD_S, MUL, DIV, REM = op_id.add, op_id.add_scalar, op_id.mul, op_id.div, op_id.remainder

-- Errors point at the user's expression (see torch._math_fail).
local fail = torch._math_fail
local function raise() fail(ffi.string(C.tl_error_message())) end

for d = 0, 6 do
  local ct = ffi.typeof('torch_' .. dtype_names[d] .. 'Tensor')
  local tname = 'torch.' .. dtype_names[d] .. 'Tensor'
  local M = mts[d]

  local function pw(op, x, y, s)
    local r = empty(d)
    if C.tl_pointwise(op, r._c, x._c, y and y._c or nil, nil, s, 0) ~= 0 then raise() end
    return r
  end

  -- The message for operands that are neither same-typed tensors nor numbers.
  local function bad(sym, a, b)
    local ta, tb = torch.type(a), torch.type(b)
    if torch.isTensor(a) and torch.isTensor(b) then
      fail(string.format("operator '%s': tensor types differ: %s and %s", sym, ta, tb))
    end
    fail(string.format("operator '%s': expected %s and a number or a tensor of the same type, got %s and %s",
                       sym, tname, ta, tb))
  end

  function M.__add(a, b)
    if istype(ct, a) then
      if istype(ct, b) then return pw(ADD, a, b, 1) end
      if type(b) == 'number' then return pw(ADD_S, a, nil, b) end
    elseif type(a) == 'number' and istype(ct, b) then
      return pw(ADD_S, b, nil, a)
    end
    bad('+', a, b)
  end

  function M.__sub(a, b)
    if istype(ct, a) then
      if istype(ct, b) then return pw(ADD, a, b, -1) end
      if type(b) == 'number' then return pw(ADD_S, a, nil, -b) end
    elseif type(a) == 'number' and istype(ct, b) then
      -- n - t = (t * -1) + n
      local r = pw(MUL, b, nil, -1)
      if C.tl_pointwise(ADD_S, r._c, r._c, nil, nil, a, 0) ~= 0 then raise() end
      return r
    end
    bad('-', a, b)
  end

  function M.__unm(a)
    return pw(MUL, a, nil, -1)
  end

  function M.__mul(a, b)
    if istype(ct, a) then
      if type(b) == 'number' then return pw(MUL, a, nil, b) end
      if istype(ct, b) then
        local da, db = a._c.ndim, b._c.ndim
        if da == 1 and db == 1 then return torch.dot(a, b) end
        if da == 2 and db == 1 then return torch.mv(a, b) end
        if da == 2 and db == 2 then return torch.mm(a, b) end
        fail(string.format('multiplication between %dD and %dD tensors not yet supported', da, db))
      end
    elseif type(a) == 'number' and istype(ct, b) then
      return pw(MUL, b, nil, a)
    end
    bad('*', a, b)
  end

  function M.__div(a, b)
    if istype(ct, a) and type(b) == 'number' then return pw(DIV, a, nil, b) end
    if istype(ct, a) and istype(ct, b) then
      fail("operator '/': division by a tensor is not supported (use cdiv)")
    end
    bad('/', a, b)
  end

  function M.__mod(a, b)
    if istype(ct, a) and type(b) == 'number' then return pw(REM, a, nil, b) end
    if istype(ct, a) and istype(ct, b) then
      fail("operator '%': a tensor modulus is not supported (use cremainder)")
    end
    bad('%', a, b)
  end
end
