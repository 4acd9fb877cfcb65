-- image/util.lua: argument checks and small helpers shared by the image
-- package's files. Errors read "image.<function>: <problem>".

local ffi = require 'ffi'

local U = {}

-- ---- errors and argument checks ------------------------------------------

-- Raises "image.<fn>: <message>" at the caller of the public function.
function U.fail(fn, msg, level)
  error('image.' .. fn .. ': ' .. msg, (level or 2) + 1)
end

-- Checks a C status, raising the library's message.
function U.check(rc, fn)
  if rc ~= 0 then
    local msg = ffi.string(U.C.tli_error_message())
    -- C messages may start with the C-side name ("savePNG: ..."): the
    -- Lua name replaces it.
    msg = msg:gsub('^[%a_][%w_]*: ', '')
    U.fail(fn, msg, 3)
  end
end

function U.is_tensor(x) return torch.isTensor(x) end

function U.need_image(fn, x, what)
  if not U.is_tensor(x) then
    U.fail(fn, (what or 'image') .. ' must be a tensor (got ' .. torch.type(x) .. ')', 3)
  end
  local d = x:dim()
  if d ~= 2 and d ~= 3 then
    U.fail(fn, (what or 'image') .. ' must be HxW or CxHxW (got ' .. d .. ' dimensions)', 3)
  end
  return x
end

function U.need_number(fn, x, what)
  if type(x) ~= 'number' then
    U.fail(fn, what .. ' must be a number (got ' .. type(x) .. ')', 3)
  end
  return x
end

-- Sizes of an image as c (0 for HxW), h, w.
function U.chw(x)
  if x:dim() == 3 then return x:size(1), x:size(2), x:size(3) end
  return 0, x:size(1), x:size(2)
end

function U.new_like(src, c, h, w)
  if c == 0 then return src.new(h, w) end
  return src.new(c, h, w)
end

-- True when a and b share memory (in-place calls need a copy of src).
function U.same_storage(a, b)
  return a._c.storage ~= nil and a._c.storage == b._c.storage
end

return U
