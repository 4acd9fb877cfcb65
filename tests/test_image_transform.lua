-- tests/test_image_transform.lua: geometric transforms (crop, scale,
-- rotate, translate, warp, affinetransform, polar, flips) against plain
-- double-precision references written here, on random non-zero images
-- of each type, contiguous and transposed, in place and out of place.

require 'image'

local tests = {}

-- ---- references ------------------------------------------------------------

local function clampi(v, hi) return math.max(0, math.min(hi, v)) end

local function cubic(t)
  t = math.abs(t)
  if t < 1 then return (1.5 * t - 2.5) * t * t + 1 end
  if t < 2 then return ((-0.5 * t + 2.5) * t - 4) * t + 2 end
  return 0
end

local function lanczos(t)
  t = math.abs(t)
  if t < 1e-12 then return 1 end
  if t >= 3 then return 0 end
  local p = math.pi * t
  return 3 * math.sin(p) * math.sin(p / 3) / (p * p)
end

-- img: Lua table [c][y][x] (1-based) of doubles; y, x 0-based coordinates.
local function ref_sample(img, c, y, x, mode)
  local h, w = #img[1], #img[1][1]
  local function px(yy, xx) return img[c][clampi(yy, h - 1) + 1][clampi(xx, w - 1) + 1] end
  if mode == 'simple' then return px(math.floor(y + 0.5), math.floor(x + 0.5)) end
  local x0, y0 = math.floor(x), math.floor(y)
  local fx, fy = x - x0, y - y0
  if mode == 'bilinear' then
    return (px(y0, x0) * (1 - fx) + px(y0, x0 + 1) * fx) * (1 - fy)
         + (px(y0 + 1, x0) * (1 - fx) + px(y0 + 1, x0 + 1) * fx) * fy
  end
  local lo, hi, k = -1, 2, cubic
  if mode == 'lanczos' then lo, hi, k = -2, 3, lanczos end
  local acc, ws = 0, 0
  for j = lo, hi do
    for i = lo, hi do
      local wgt = k(fy - j) * k(fx - i)
      acc = acc + wgt * px(y0 + j, x0 + i)
      ws = ws + wgt
    end
  end
  if mode == 'lanczos' then return acc / ws end
  return acc
end

local function store(v, ttype)   -- what a tensor of that type holds
  if ttype == 'torch.ByteTensor' then return math.max(0, math.min(255, math.floor(v + 0.5))) end
  if ttype == 'torch.FloatTensor' then return v end
  return v
end

local function as3(t)   -- tensor -> table [c][y][x]
  local tt = t:totable()
  if t:dim() == 2 then return {tt} end
  return tt
end

local function random_image(ttype, c, h, w)
  local t = torch.Tensor(c, h, w):uniform(0.05, 1)
  if ttype == 'torch.ByteTensor' then t:mul(250):add(3) end
  return t:type(ttype)
end

local function compare(got, want_fn, ttype, what)
  local g = as3(got)
  local tol = ttype == 'torch.FloatTensor' and 2e-5 or 1e-9
  for c = 1, #g do
    for y = 1, #g[1] do
      for x = 1, #g[1][1] do
        local want = store(want_fn(c, y - 1, x - 1), ttype)
        local v = g[c][y][x]
        if ttype == 'torch.ByteTensor' then
          -- rounding of values computed a hair apart may differ by one
          if math.abs(v - want) > 1 then
            error(string.format('%s [%d][%d][%d]: got %s, expected %s', what, c, y, x, v, want))
          end
        else
          assert_near(v, want, tol, string.format('%s [%d][%d][%d]', what, c, y, x))
        end
      end
    end
  end
end

local TYPES = {'torch.ByteTensor', 'torch.FloatTensor', 'torch.DoubleTensor'}

-- Each source layout: contiguous, and a transposed view of a WxH image.
local function layouts(ttype, c, h, w)
  local a = random_image(ttype, c, h, w)
  local b = random_image(ttype, c, w, h):transpose(2, 3)
  return {{'contiguous', a}, {'transposed', b}}
end

-- ---- tests -----------------------------------------------------------------

function tests.scale_all_modes()
  for _, tt in ipairs(TYPES) do
    for _, lay in ipairs(layouts(tt, 2, 7, 9)) do
      local src = lay[2]
      local s = as3(src)
      for _, mode in ipairs {'simple', 'bilinear', 'bicubic'} do
        for _, sz in ipairs {{4, 5}, {13, 11}, {1, 3}} do
          local oh, ow = sz[1], sz[2]
          local out = image.scale(src, ow, oh, mode)
          assert_eq(out:size():totable(), {2, oh, ow})
          local sy = oh > 1 and (7 - 1) / (oh - 1) or 0
          local sx = ow > 1 and (9 - 1) / (ow - 1) or 0
          compare(out, function(c, y, x) return ref_sample(s, c, y * sy, x * sx, mode) end, tt,
                  string.format('scale %s %s %s %dx%d', tt, lay[1], mode, ow, oh))
        end
      end
    end
  end
end

function tests.scale_signatures()
  local src = torch.rand(3, 20, 40)
  assert_eq(image.scale(src, 10):size():totable(), {3, 5, 10})          -- MAX
  assert_eq(image.scale(src, '8x6'):size():totable(), {3, 6, 8})        -- WxH
  assert_eq(image.scale(src, '^10'):size():totable(), {3, 10, 20})      -- ^MIN
  assert_eq(image.scale(src, '*2'):size():totable(), {3, 40, 80})       -- *SC
  assert_eq(image.scale(src, '*1/2'):size():totable(), {3, 10, 20})     -- *n/d
  local dst = torch.Tensor(3, 7, 9)
  assert(image.scale(dst, src, 'bicubic') == dst)
  assert_near(dst, image.scale(src, 9, 7, 'bicubic'), 1e-12)
  local g = image.scale(torch.rand(20, 40), 10, 5)
  assert_eq(g:size():totable(), {5, 10})
  assert_error(function() image.scale(src, 10, 10, 'nearest') end, 'image.scale')
  assert_error(function() image.scale(src, 'abc') end, 'image.scale')
  assert_error(function() image.scale(torch.rand(2, 3, 4, 5), 2, 2) end, 'image.scale')
end

function tests.rotate_simple_and_bilinear()
  for _, tt in ipairs(TYPES) do
    for _, lay in ipairs(layouts(tt, 2, 8, 11)) do
      local src = lay[2]
      local s = as3(src)
      for _, mode in ipairs {'simple', 'bilinear'} do
        for _, th in ipairs {0.3, -1.2, math.pi / 2} do
          local out = image.rotate(src, th, mode)
          local xc, yc = (11 - 1) / 2, (8 - 1) / 2
          compare(out, function(c, y, x)
            local dx, dy = x - xc, y - yc
            local px = math.cos(th) * dx + math.sin(th) * dy + xc
            local py = -math.sin(th) * dx + math.cos(th) * dy + yc
            if mode == 'simple' then
              local rx, ry = math.floor(px + 0.5), math.floor(py + 0.5)
              if rx < 0 or rx > 10 or ry < 0 or ry > 7 then return 0 end
            elseif px < -1e-9 or px > 10 + 1e-9 or py < -1e-9 or py > 7 + 1e-9 then
              return 0
            end
            return ref_sample(s, c, py, px, mode)
          end, tt, string.format('rotate %s %s %s %g', tt, lay[1], mode, th))
        end
      end
    end
  end
end

function tests.in_place_equals_out_of_place()
  local x = torch.rand(3, 9, 7)
  local want = image.rotate(x, 0.7, 'bilinear')
  local y = x:clone()
  image.rotate(y, y, 0.7, 'bilinear')
  assert_near(y, want, 1e-12, 'rotate')
  y = x:clone()
  image.hflip(y, y)
  assert_near(y, image.hflip(x), 0, 'hflip')
  y = x:clone()
  image.translate(y, y, 2, -1)
  assert_near(y, image.translate(x, 2, -1), 0, 'translate')
  y = x:clone()
  image.rgb2hsv(y, y)
  assert_near(y, image.rgb2hsv(x), 1e-12, 'rgb2hsv')
end

function tests.translate()
  for _, tt in ipairs(TYPES) do
    local src = random_image(tt, 2, 5, 6)
    local s = as3(src)
    local out = image.translate(src, 2, -1)
    compare(out, function(c, y, x)
      local sx, sy = x - 2, y + 1
      if sx < 0 or sx >= 6 or sy < 0 or sy >= 5 then return 0 end
      return s[c][sy + 1][sx + 1]
    end, tt, 'translate ' .. tt)
  end
end

function tests.warp_all_modes_clamp_and_pad()
  for _, tt in ipairs(TYPES) do
    local src = random_image(tt, 2, 6, 7)
    local s = as3(src)
    local field = torch.Tensor(2, 5, 8):uniform(-2, 2)
    local f = field:totable()
    for _, mode in ipairs {'simple', 'bilinear', 'bicubic', 'lanczos'} do
      for _, clamp in ipairs {'clamp', 'pad'} do
        local out = clamp == 'pad' and image.warp(src, field, mode, true, 'pad', 0.5)
          or image.warp(src, field, mode, true, 'clamp')
        assert_eq(out:size():totable(), {2, 5, 8})
        compare(out, function(c, y, x)
          local py, px = f[1][y + 1][x + 1] + y, f[2][y + 1][x + 1] + x
          local outside = px < 0 or px > 6 or py < 0 or py > 5
          if clamp == 'pad' and outside then return 0.5 end
          px, py = math.max(0, math.min(6, px)), math.max(0, math.min(5, py))
          return ref_sample(s, c, py, px, mode)
        end, tt, string.format('warp %s %s %s', tt, mode, clamp))
      end
    end
  end
  -- absolute coordinates (offset_mode false) and a destination argument
  local src = torch.rand(1, 4, 4)
  local field = torch.Tensor(2, 4, 4)
  for y = 1, 4 do for x = 1, 4 do field[1][y][x] = y - 1; field[2][y][x] = 4 - x end end
  local dst = torch.Tensor()
  image.warp(dst, src, field, 'simple', false)
  assert_near(dst, image.hflip(src), 0)
  assert_error(function() image.warp(src, torch.rand(3, 4, 4)) end, 'image.warp')
  assert_error(function() image.warp(src, field, 'cubic') end, 'image.warp')
end

function tests.affinetransform_identity_and_flip()
  local src = torch.rand(3, 6, 5)
  local id = torch.Tensor{{1, 0}, {0, 1}}
  assert_near(image.affinetransform(src, id, 'bilinear'), src, 1e-12)
  local hf = torch.Tensor{{1, 0}, {0, -1}}
  assert_near(image.affinetransform(src, hf, 'simple'), image.hflip(src), 0)
end

function tests.flips_every_dimension()
  for _, tt in ipairs(TYPES) do
    local x = random_image(tt, 3, 4, 5)
    local t = x:totable()
    local hf, vf = image.hflip(x):totable(), image.vflip(x):totable()
    local f1 = image.flip(x, 1):totable()
    for c = 1, 3 do
      for y = 1, 4 do
        for z = 1, 5 do
          assert_eq(hf[c][y][z], t[c][y][6 - z])
          assert_eq(vf[c][y][z], t[c][5 - y][z])
          assert_eq(f1[c][y][z], t[4 - c][y][z])
        end
      end
    end
    -- 2-D, and a transposed source
    local g = random_image(tt, 1, 4, 6)[1]
    assert_eq(image.hflip(g:t()):totable(), image.hflip(g:t():contiguous()):totable())
  end
  assert_error(function() image.flip(torch.rand(3, 3), 3) end, 'image.flip')
end

function tests.crop_forms()
  local x = torch.rand(3, 10, 12)
  local function region(x1, y1, x2, y2) return x:narrow(2, y1 + 1, y2 - y1):narrow(3, x1 + 1, x2 - x1) end
  assert_near(image.crop(x, 2, 3, 7, 9), region(2, 3, 7, 9), 0)
  assert_near(image.crop(x, 'c', 4, 6), region(4, 2, 8, 8), 0)
  assert_near(image.crop(x, 'tl', 4, 6), region(0, 0, 4, 6), 0)
  assert_near(image.crop(x, 'tr', 4, 6), region(8, 0, 12, 6), 0)
  assert_near(image.crop(x, 'bl', 4, 6), region(0, 4, 4, 10), 0)
  assert_near(image.crop(x, 'br', 4, 6), region(8, 4, 12, 10), 0)
  local dst = torch.Tensor(3, 6, 4)
  image.crop(dst, x, 1, 2)                       -- size from dst
  assert_near(dst, region(1, 2, 5, 8), 0)
  image.crop(dst, x, 'c', 4, 6)
  assert_near(dst, region(4, 2, 8, 8), 0)
  local big = torch.Tensor(3, 12, 8)
  image.crop(big, x, 0, 0, 4, 6)                 -- scaled into dst
  assert_near(big, image.scale(region(0, 0, 4, 6), 8, 12), 1e-12)
  local g = torch.rand(10, 12)
  assert_near(image.crop(g, 1, 1, 3, 4), g:narrow(1, 2, 3):narrow(2, 2, 2), 0)
  assert_error(function() image.crop(x, 5, 5, 20, 20) end, 'outside')
  assert_error(function() image.crop(x, 'middle', 2, 2) end, 'image.crop')
end

function tests.polar_shapes_and_centre()
  local x = torch.Tensor(1, 9, 9):fill(0.25)
  x[1][5][5] = 1
  for _, interp in ipairs {'simple', 'bilinear'} do
    for _, mode in ipairs {'valid', 'full'} do
      local p = image.polar(x, interp, mode)
      assert_eq(p:size():totable(), {1, 9, 9})
      local l = image.logpolar(x, interp, mode)
      assert_eq(l:size():totable(), {1, 9, 9})
    end
  end
  -- column 0 of polar is the centre (radius 0) for every angle
  local p = image.polar(x, 'simple', 'valid')
  for a = 1, 9 do assert_near(p[1][a][1], x[1][5][5], 0) end
  assert_error(function() image.polar(x, 'cubic') end, 'image.polar')
end

function tests.destinations_may_be_views()
  local src = torch.rand(3, 9, 8)
  local store = torch.Tensor(3, 6, 5)
  local view = store:transpose(2, 3)          -- 3x5x6, non-contiguous
  image.scale(view, src, 'bicubic')
  assert_near(view, image.scale(src, 6, 5, 'bicubic'), 1e-12)
  local big = torch.Tensor(3, 12, 10):zero()
  local sub = big:narrow(2, 3, 9):narrow(3, 2, 8)
  image.rotate(sub, src, 0.4, 'bilinear')
  assert_near(sub, image.rotate(src, 0.4, 'bilinear'), 1e-12)
  assert_eq(big:narrow(2, 1, 2):sum(), 0, 'outside the view untouched')
  local bd = torch.ByteTensor(3, 4, 4)
  image.scale(bd, src:clone():mul(255), 'bilinear')   -- Double into Byte
  local want = image.scale(src:clone():mul(255), 4, 4, 'bilinear')
  for k = 1, 3 do for y = 1, 4 do for x = 1, 4 do
    assert_eq(bd[k][y][x], math.floor(want[k][y][x] + 0.5))
  end end end
end

return tests
