-- image/transform.lua: crop, translate, scale, rotate, polar, logpolar,
-- warp, affinetransform and the flips, with Torch7's argument forms and
-- optional destinations. Resampling is in C (image/src/img_geom.c).
local ffi = require 'ffi'
local image = image
local C = image._C
local U = require 'image.util'
local fail, check, is_tensor = U.fail, U.check, U.is_tensor
local need_image, need_number, chw = U.need_image, U.need_number, U.chw
local new_like, same_storage = U.new_like, U.same_storage

-- ---- geometry ------------------------------------------------------------

local interp_modes = {simple = 0, bilinear = 1, bicubic = 2, lanczos = 3}

local function mode_of(fn, mode, allowed)
  local m = interp_modes[mode]
  if not m or not allowed[mode] then
    local names = {}
    for k in pairs(allowed) do names[#names + 1] = k end
    table.sort(names)
    fail(fn, 'mode must be one of: ' .. table.concat(names, ' | ') .. ' (got ' ..
         tostring(mode) .. ')', 3)
  end
  return m
end

-- crop(src, x1, y1 [, x2, y2]), crop(dst, src, ...), crop(src, fmt, w, h),
-- crop(dst, src, fmt, w, h). Coordinates are 0-based; x2, y2 exclusive.
function image.crop(...)
  local n, a = select('#', ...), {...}
  local dst, src, x1, y1, x2, y2, fmt, w, h
  if is_tensor(a[2]) then
    dst, src = a[1], a[2]
    if type(a[3]) == 'string' then fmt, w, h = a[3], a[4], a[5]
    else x1, y1, x2, y2 = a[3], a[4], a[5], a[6] end
  else
    src = a[1]
    if type(a[2]) == 'string' then fmt, w, h = a[2], a[3], a[4]
    else x1, y1, x2, y2 = a[2], a[3], a[4], a[5] end
  end
  if n < 3 then fail('crop', 'expected (src, x1, y1 [, x2, y2]) or (src, format, w, h)') end
  need_image('crop', src)
  local _, ih, iw = chw(src)
  if fmt then
    need_number('crop', w, 'width')
    need_number('crop', h, 'height')
    if fmt == 'c' then x1, y1 = math.floor((iw - w) / 2), math.floor((ih - h) / 2)
    elseif fmt == 'tl' then x1, y1 = 0, 0
    elseif fmt == 'tr' then x1, y1 = iw - w, 0
    elseif fmt == 'bl' then x1, y1 = 0, ih - h
    elseif fmt == 'br' then x1, y1 = iw - w, ih - h
    else fail('crop', 'format must be "c" | "tl" | "tr" | "bl" | "br" (got ' .. fmt .. ')') end
    x2, y2 = x1 + w, y1 + h
  end
  need_number('crop', x1, 'start x')
  need_number('crop', y1, 'start y')
  if x2 == nil then   -- crop to the destination's size
    if not dst then fail('crop', 'end x and end y are needed without a destination') end
    local _, dh, dw = chw(dst)
    x2, y2 = x1 + dw, y1 + dh
  end
  x1, y1, x2, y2 = math.floor(x1), math.floor(y1), math.floor(x2), math.floor(y2)
  if x1 < 0 or y1 < 0 or x2 > iw or y2 > ih or x2 <= x1 or y2 <= y1 then
    fail('crop', string.format('region (%d,%d)-(%d,%d) is outside the %dx%d image',
         x1, y1, x2, y2, iw, ih))
  end
  local d = src:dim()
  local view = src:narrow(d - 1, y1 + 1, y2 - y1):narrow(d, x1 + 1, x2 - x1)
  if not dst then return view:clone() end
  local _, dh, dw = chw(dst)
  if dh == y2 - y1 and dw == x2 - x1 then dst:copy(view)
  else image.scale(dst, view) end
  return dst
end

function image.translate(...)
  local n, a = select('#', ...), {...}
  local dst, src, x, y
  if n == 4 then dst, src, x, y = a[1], a[2], a[3], a[4]
  elseif n == 3 then src, x, y = a[1], a[2], a[3]
  else fail('translate', 'expected ([dst,] src, x, y)') end
  need_image('translate', src)
  need_number('translate', x, 'x')
  need_number('translate', y, 'y')
  if dst and same_storage(dst, src) then src = src:clone() end
  dst = dst or src.new()
  dst:resizeAs(src)
  check(C.tli_translate(dst._c, src._c, math.floor(x + 0.5), math.floor(y + 0.5)), 'translate')
  return dst
end

-- Output size for scale's size argument: MAX, "WxH", "^MIN", "*SC" or
-- "*SCn/SCd".
local function scale_size(iw, ih, size)
  local omax = tonumber(size)
  if omax then
    local imax = math.max(iw, ih)
    return iw * omax / imax, ih * omax / imax
  end
  local w, h = size:match('^(%d+)x(%d+)$')
  if w then return tonumber(w), tonumber(h) end
  local omin = tonumber(size:match('^%^(%d+)$') or '')
  if omin then
    local imin = math.min(iw, ih)
    return iw * omin / imin, ih * omin / imin
  end
  local n, d = size:match('^%*(%d+)/(%d+)$')
  if n then return iw * n / d, ih * n / d end
  local sc = tonumber(size:match('^%*(.+)$') or '')
  if sc then return iw * sc, ih * sc end
  return nil
end

local scale_modes = {simple = true, bilinear = true, bicubic = true}

-- scale(src, w, h [, mode]), scale(src, size [, mode]), scale(dst, src [, mode]).
function image.scale(...)
  local n, a = select('#', ...), {...}
  local dst, src, w, h, mode
  if n >= 2 and is_tensor(a[2]) then
    dst, src, mode = a[1], a[2], a[3]
  elseif n >= 3 and type(a[3]) == 'number' then
    src, w, h, mode = a[1], a[2], a[3], a[4]
  elseif n >= 2 then
    src, mode = a[1], a[3]
    need_image('scale', src)
    local _, ih, iw = chw(src)
    if type(a[2]) ~= 'number' and type(a[2]) ~= 'string' then
      fail('scale', 'size must be a number or a string (got ' .. type(a[2]) .. ')')
    end
    w, h = scale_size(iw, ih, tostring(a[2]))
    if not w then fail('scale', 'could not understand the size "' .. tostring(a[2]) .. '"') end
  else
    fail('scale', 'expected (src, width, height [, mode]), (src, size [, mode]) or (dst, src [, mode])')
  end
  need_image('scale', src)
  local m = mode_of('scale', mode or 'bilinear', scale_modes)
  if dst then
    need_image('scale', dst, 'destination')
    if same_storage(dst, src) then src = src:clone() end
  else
    w, h = math.floor(w), math.floor(h)
    if w < 1 or h < 1 then fail('scale', string.format('output size %dx%d is empty', w, h)) end
    local c = chw(src)
    if math.max(c, 1) * w * h > tonumber(C.tli_max_pixels()) then
      fail('scale', string.format('output size %dx%d is too large', w, h))
    end
    dst = new_like(src, c, h, w)
  end
  check(C.tli_scale(dst._c, src._c, m), 'scale')
  return dst
end

local rotate_modes = {simple = true, bilinear = true}

-- rotate([dst,] src, theta [, mode]): theta in radians.
function image.rotate(...)
  local a = {...}
  local dst, src, theta, mode
  if is_tensor(a[2]) then dst, src, theta, mode = a[1], a[2], a[3], a[4]
  else src, theta, mode = a[1], a[2], a[3] end
  need_image('rotate', src)
  need_number('rotate', theta, 'theta')
  local m = mode_of('rotate', mode or 'simple', rotate_modes)
  if dst and same_storage(dst, src) then src = src:clone() end
  dst = dst or src.new()
  dst:resizeAs(src)
  check(C.tli_rotate(dst._c, src._c, theta, m), 'rotate')
  return dst
end

local function polar_impl(fn, logr, ...)
  local a = {...}
  local dst, src, interp, mode
  if is_tensor(a[2]) then dst, src, interp, mode = a[1], a[2], a[3], a[4]
  else src, interp, mode = a[1], a[2], a[3] end
  need_image(fn, src)
  local m = mode_of(fn, interp or 'simple', rotate_modes)
  mode = mode or 'valid'
  if mode ~= 'valid' and mode ~= 'full' then
    fail(fn, 'mode must be one of: valid | full (got ' .. tostring(mode) .. ')', 3)
  end
  local c, h, w = chw(src)
  if not dst then
    local md = math.max(h, w)
    dst = new_like(src, c, md, md)
  elseif same_storage(dst, src) then
    src = src:clone()
  end
  check(C.tli_polar(dst._c, src._c, m, mode == 'full' and 1 or 0, logr), fn)
  return dst
end

function image.polar(...) return polar_impl('polar', 0, ...) end
function image.logpolar(...) return polar_impl('logpolar', 1, ...) end

-- warp([dst,] src, field [, mode [, offset_mode [, clamp_mode [, pad_value]]]])
function image.warp(...)
  local a = {...}
  local dst, src, field, mode, offset, clamp, pad
  if is_tensor(a[3]) then
    dst, src, field, mode, offset, clamp, pad = a[1], a[2], a[3], a[4], a[5], a[6], a[7]
  else
    src, field, mode, offset, clamp, pad = a[1], a[2], a[3], a[4], a[5], a[6]
  end
  need_image('warp', src)
  if not is_tensor(field) or field:dim() ~= 3 or field:size(1) ~= 2 then
    fail('warp', 'flow field must be a 2xHxW tensor')
  end
  local m = mode_of('warp', mode or 'bilinear', interp_modes)
  if offset == nil then offset = true end
  clamp = clamp or 'clamp'
  if clamp ~= 'clamp' and clamp ~= 'pad' then
    fail('warp', 'clamp mode must be one of: clamp | pad (got ' .. tostring(clamp) .. ')')
  end
  if pad ~= nil and clamp ~= 'pad' then
    fail('warp', 'pad value can only be given when clamp mode is "pad"')
  end
  local c = chw(src)
  if dst and same_storage(dst, src) then src = src:clone() end
  dst = dst or src.new()
  if c == 0 then dst:resize(field:size(2), field:size(3))
  else dst:resize(c, field:size(2), field:size(3)) end
  check(C.tli_warp(dst._c, src._c, field._c, m, offset and 1 or 0, clamp == 'pad' and 1 or 0,
                   pad or 0), 'warp')
  return dst
end

-- affinetransform([dst,] src, matrix [, mode [, translation [, clamp_mode [, pad]]]]):
-- matrix (2x2) acts on (y, x) about the image centre; translation {ty, tx}.
function image.affinetransform(...)
  local a = {...}
  local dst, src, mat, mode, tr, clamp, pad
  if is_tensor(a[3]) then dst, src, mat, mode, tr, clamp, pad = a[1], a[2], a[3], a[4], a[5], a[6], a[7]
  else src, mat, mode, tr, clamp, pad = a[1], a[2], a[3], a[4], a[5], a[6] end
  need_image('affinetransform', src)
  if not is_tensor(mat) or mat:dim() ~= 2 or mat:size(1) ~= 2 or mat:size(2) ~= 2 then
    fail('affinetransform', 'matrix must be a 2x2 tensor')
  end
  local _, h, w = chw(src)
  local ty, tx = 0, 0
  if tr then
    if is_tensor(tr) then ty, tx = tr[1], tr[2] else ty, tx = tr[1], tr[2] end
  end
  local m11, m12, m21, m22 = mat[1][1], mat[1][2], mat[2][1], mat[2][2]
  local cy, cx = (h - 1) / 2, (w - 1) / 2
  local field = torch.DoubleTensor(2, h, w)
  local fy, fx = field[1], field[2]
  for y = 1, h do
    local ry, rowy, rowx = y - 1 - cy, fy[y], fx[y]
    for x = 1, w do
      local rx = x - 1 - cx
      rowy[x] = m11 * ry + m12 * rx + cy + ty
      rowx[x] = m21 * ry + m22 * rx + cx + tx
    end
  end
  if dst then return image.warp(dst, src, field, mode or 'bilinear', false, clamp or 'clamp', pad) end
  return image.warp(src, field, mode or 'bilinear', false, clamp or 'clamp', pad)
end

local function flip_impl(fn, dst, src, dim)
  if not is_tensor(src) then fail(fn, 'input must be a tensor', 3) end
  if dim < 1 or dim > src:dim() then
    fail(fn, 'dimension ' .. dim .. ' out of range for a ' .. src:dim() .. '-D tensor', 3)
  end
  if dst and same_storage(dst, src) then src = src:clone() end
  dst = dst or src.new()
  dst:resize(src:size())
  check(C.tli_flip(dst._c, src._c, dim - 1), fn)
  return dst
end

function image.hflip(a, b)
  local dst, src = a, b
  if b == nil then dst, src = nil, a end
  need_image('hflip', src)
  return flip_impl('hflip', dst, src, src:dim())
end

function image.vflip(a, b)
  local dst, src = a, b
  if b == nil then dst, src = nil, a end
  need_image('vflip', src)
  return flip_impl('vflip', dst, src, src:dim() - 1)
end

function image.flip(...)
  local a = {...}
  local dst, src, dim
  if is_tensor(a[2]) then dst, src, dim = a[1], a[2], a[3] else src, dim = a[1], a[2] end
  need_number('flip', dim, 'dimension')
  return flip_impl('flip', dst, src, dim)
end

return image
