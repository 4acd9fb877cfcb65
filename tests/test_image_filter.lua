-- tests/test_image_filter.lua: convolution, kernels, colour spaces,
-- morphology, lcn, pyramids, minmax/toDisplayTensor and drawing, against
-- plain double references written here.

require 'image'

local tests = {}

local TYPES = {'torch.FloatTensor', 'torch.DoubleTensor'}

local function as3(t)
  local tt = t:totable()
  if t:dim() == 2 then return {tt} end
  return tt
end

-- Naive full convolution of plane a (table HxW) with kernel k (table).
local function ref_conv_full(a, k)
  local h, w, kh, kw = #a, #a[1], #k, #k[1]
  local out = {}
  for y = 1, h + kh - 1 do
    out[y] = {}
    for x = 1, w + kw - 1 do
      local s = 0
      for i = 1, kh do
        for j = 1, kw do
          local yy, xx = y - i + 1, x - j + 1
          if yy >= 1 and yy <= h and xx >= 1 and xx <= w then s = s + a[yy][xx] * k[i][j] end
        end
      end
      out[y][x] = s
    end
  end
  return out
end

local function sub(t, y0, x0, h, w)
  local out = {}
  for y = 1, h do
    out[y] = {}
    for x = 1, w do out[y][x] = t[y0 + y - 1][x0 + x - 1] end
  end
  return out
end

function tests.convolve_modes_types_layouts()
  for _, tt in ipairs(TYPES) do
    local tol = tt == 'torch.FloatTensor' and 1e-5 or 1e-12
    for _, transposed in ipairs {false, true} do
      local src = torch.Tensor(2, 7, 8):uniform(0.1, 1):type(tt)
      if transposed then src = torch.Tensor(2, 8, 7):uniform(0.1, 1):type(tt):transpose(2, 3) end
      for _, kshape in ipairs {{3, 3}, {2, 4}, {2, 3, 2}} do
        local ker = torch.Tensor(unpack(kshape)):uniform(-1, 1):type(tt)
        local s = as3(src)
        local kk = as3(ker)
        local kh, kw = ker:size(ker:dim() - 1), ker:size(ker:dim())
        for _, mode in ipairs {'full', 'valid', 'same'} do
          local out = image.convolve(src, ker, mode)
          local o = as3(out)
          for c = 1, 2 do
            local full = ref_conv_full(s[c], kk[math.min(c, #kk)])
            local want
            if mode == 'full' then want = full
            elseif mode == 'valid' then want = sub(full, kh, kw, 7 - kh + 1, 8 - kw + 1)
            else want = sub(full, math.ceil(kh / 2), math.ceil(kw / 2), 7, 8) end
            assert_near(o[c], want, tol, string.format('%s %s %s', tt, mode, table.concat(kshape, 'x')))
          end
        end
      end
    end
  end
  local dst = torch.Tensor()
  image.convolve(dst, torch.rand(5, 5), torch.rand(3, 3), 'full')
  assert_eq(dst:size():totable(), {7, 7})
  assert_error(function() image.convolve(torch.rand(3, 3), torch.rand(5, 5)) end, 'image.convolve')
  assert_error(function() image.convolve(torch.rand(3, 3), torch.rand(2, 2), 'wide') end, 'image.convolve')
end

function tests.gaussian_kernels()
  local g = image.gaussian(5, 0.3, 2)
  for y = 1, 5 do
    for x = 1, 5 do
      local c = 0.5 * 5 + 0.5
      local want = 2 * math.exp(-(((x - c) / (0.3 * 5)) ^ 2 / 2 + ((y - c) / (0.3 * 5)) ^ 2 / 2))
      assert_near(g[y][x], want, 1e-12)
    end
  end
  local n = image.gaussian {size = 7, sigma = 0.2, normalize = true}
  assert_near(n:sum(), 1, 1e-12)
  local r = image.gaussian {width = 5, height = 3, sigma_horz = 0.3, sigma_vert = 0.5}
  assert_eq(r:size():totable(), {3, 5})
  local g1 = image.gaussian1D(7, 0.25, 1, true)
  assert_near(g1:sum(), 1, 1e-12)
  for i = 1, 7 do assert_near(g1[i], g1[8 - i], 1e-12) end
  local l = image.laplacian {size = 5}
  assert_eq(l:size():totable(), {5, 5})
  assert_near(l[3][3], 1, 1e-12)
  local cm = image.colormap(5)
  assert_eq(cm:size():totable(), {5, 3})
  local jet = image.jetColormap(8)
  assert_eq(jet:size():totable(), {8, 3})
  assert_near(jet[8]:totable(), {0.5, 0, 0}, 1e-12)
end

function tests.colour_round_trips()
  for _, tt in ipairs(TYPES) do
    local tol = tt == 'torch.FloatTensor' and 1e-4 or 1e-9
    local x = torch.Tensor(3, 6, 7):uniform(0.02, 0.98):type(tt)
    for _, pair in ipairs {{'rgb2yuv', 'yuv2rgb'}, {'rgb2hsl', 'hsl2rgb'}, {'rgb2hsv', 'hsv2rgb'},
                           {'rgb2lab', 'lab2rgb'}} do
      local back = image[pair[2]](image[pair[1]](x))
      -- Torch7's YUV constants are rounded, so its inverse is approximate
      assert_near(back, x, pair[1] == 'rgb2yuv' and 1e-4 or tol, pair[1])
    end
    -- transposed input
    local xt = x:transpose(2, 3)
    assert_near(image.hsv2rgb(image.rgb2hsv(xt)), xt, tol, 'transposed')
  end
end

function tests.colour_known_values()
  local function px(r, g, b)
    local t = torch.Tensor(3, 1, 1)
    t[1][1][1], t[2][1][1], t[3][1][1] = r, g, b
    return t
  end
  local function val(t) return {t[1][1][1], t[2][1][1], t[3][1][1]} end
  assert_near(val(image.rgb2hsv(px(1, 0, 0))), {0, 1, 1}, 1e-12)
  assert_near(val(image.rgb2hsv(px(0, 1, 0))), {1 / 3, 1, 1}, 1e-12)
  assert_near(val(image.rgb2hsl(px(0, 0, 1))), {2 / 3, 1, 0.5}, 1e-12)
  assert_near(val(image.rgb2hsl(px(0.5, 0.5, 0.5))), {0, 0, 0.5}, 1e-12)
  assert_near(val(image.rgb2lab(px(1, 1, 1))), {100, 0, 0}, 1e-3)
  assert_near(val(image.rgb2lab(px(0, 0, 0))), {0, 0, 0}, 1e-9)
  assert_near(val(image.rgb2yuv(px(1, 1, 1))), {1, 0, 0}, 1e-4)
  local x = torch.rand(3, 4, 5)
  local y = image.rgb2y(x)
  assert_eq(y:size():totable(), {1, 4, 5})
  assert_near(y[1], x[1] * 0.299 + x[2] * 0.587 + x[3] * 0.114, 1e-12)
  local n = image.rgb2nrgb(x)
  local s = x[1] + x[2] + x[3] + 1e-6
  assert_near(n[2], torch.cdiv(x[2], s), 1e-12)
  assert_error(function() image.rgb2hsv(torch.rand(2, 3, 3)) end, 'image.rgb2hsv')
end

function tests.y2jet_uses_jet_colours()
  local g = torch.Tensor{{1, 2}, {3, 4}}
  local j = image.y2jet(g)
  local map = image.jetColormap(4)
  assert_eq(j:size():totable(), {3, 2, 2})
  assert_near(j[{{}, 2, 1}], map[3], 1e-12)
  assert_near(j[{{}, 1, 1}], map[1], 1e-12)
end

function tests.erode_dilate_binary()
  local im = torch.Tensor(7, 8):zero()
  im:narrow(1, 2, 4):narrow(2, 2, 5):fill(1)
  local e, d = image.erode(im), image.dilate(im)
  local t = im:totable()
  local function at(y, x, pad) if y < 1 or y > 7 or x < 1 or x > 8 then return pad end return t[y][x] end
  for y = 1, 7 do
    for x = 1, 8 do
      local all, any = 1, 0
      for dy = -1, 1 do
        for dx = -1, 1 do
          if at(y + dy, x + dx, 1) == 0 then all = 0 end
          if at(y + dy, x + dx, 0) == 1 then any = 1 end
        end
      end
      assert_eq(e[y][x], all, string.format('erode %d %d', y, x))
      assert_eq(d[y][x], any, string.format('dilate %d %d', y, x))
    end
  end
end

function tests.lcn_matches_reference()
  local im = torch.rand(12, 13)
  local ker = image.gaussian {size = 5, sigma = 0.3, normalize = true}
  local out = image.lcn(im, ker)
  assert_eq(out:size():totable(), {8, 9})
  -- reference: global standardisation then local mean/std normalisation
  local t, n, mean = im:totable(), 12 * 13, 0
  for y = 1, 12 do for x = 1, 13 do mean = mean + t[y][x] end end
  mean = mean / n
  local var = 0
  for y = 1, 12 do for x = 1, 13 do var = var + (t[y][x] - mean) ^ 2 end end
  local sd = math.sqrt(var / (n - 1))
  for y = 1, 12 do for x = 1, 13 do t[y][x] = (t[y][x] - mean) / sd end end
  local k = ker:totable()
  local kf = {}   -- convolution flips the kernel
  for i = 1, 5 do kf[i] = {} for j = 1, 5 do kf[i][j] = k[6 - i][6 - j] end end
  for y = 1, 8 do
    for x = 1, 9 do
      local m, m2 = 0, 0
      for i = 1, 5 do
        for j = 1, 5 do
          local v = t[y + i - 1][x + j - 1]
          m = m + v * kf[i][j]
          m2 = m2 + v * v * kf[i][j]
        end
      end
      local s = math.max(1, math.sqrt(math.max(0, m2 - m * m)))
      assert_near(out[y][x], (t[y + 2][x + 2] - m) / s, 1e-9)
    end
  end
end

function tests.gaussianpyramid_sizes()
  local p = image.gaussianpyramid(torch.rand(3, 16, 20), {1, 0.5, 0.25})
  assert_eq(#p, 3)
  assert_eq(p[2]:size():totable(), {3, 8, 10})
  assert_eq(p[3]:size():totable(), {3, 4, 5})
end

function tests.minmax_and_display_tensor()
  local x = torch.Tensor{{-2, 0}, {2, 6}}
  assert_near(image.minmax {tensor = x}, torch.Tensor{{0, 0.25}, {0.5, 1}}, 1e-12)
  assert_near(image.minmax {tensor = x, min = 0, max = 4, saturate = true},
              torch.Tensor{{0, 0}, {0.5, 1}}, 1e-12)
  assert_near(image.minmax {tensor = x, symm = true}, torch.Tensor{{1 / 3, 0.5}, {2 / 3, 1}}, 1e-12)
  assert_near(x, torch.Tensor{{-2, 0}, {2, 6}}, 0, 'minmax must not modify its input')
  -- a grid of 5 2x3 maps, 3 per row, padding 2
  local maps = torch.rand(5, 2, 3)
  local g = image.toDisplayTensor {input = maps, nrow = 3, padding = 2}
  assert_eq(g:size():totable(), {2 * 4, 3 * 5})
  local mn, mx = maps:min(), maps:max()
  assert_near(g[{{2, 3}, {2, 4}}], (maps[1] - mn) / (mx - mn), 1e-12)
  assert_near(g[{{6, 7}, {7, 9}}], (maps[5] - mn) / (mx - mn), 1e-12)
  assert_near(g[1][1], 1, 1e-12)   -- padding takes the maximum
  local list = image.toDisplayTensor {input = {torch.rand(3, 4, 4), torch.rand(3, 4, 4)}}
  assert_eq(list:size():totable(), {3, 4, 8})
  local single = image.toDisplayTensor(torch.rand(3, 5, 5))
  assert_near(single:max(), 1, 1e-12)
  assert_near(single:min(), 0, 1e-12)
end

function tests.draw_rect_and_text()
  local img = torch.ByteTensor(3, 10, 12):zero()
  local r = image.drawRect(img, 2, 1, 8, 6, {lineWidth = 1, color = {10, 20, 30}})
  assert_eq(img:sum(), 0, 'not in place by default')
  for y = 0, 9 do
    for x = 0, 11 do
      local on = (x >= 2 and x <= 8 and y >= 1 and y <= 6) and
                 (x == 2 or x == 8 or y == 1 or y == 6)
      assert_eq(r[1][y + 1][x + 1], on and 10 or 0, string.format('rect %d %d', x, y))
      assert_eq(r[3][y + 1][x + 1], on and 30 or 0)
    end
  end
  local f = torch.Tensor(1, 12, 20):zero()
  image.drawText(f, 'A', 3, 2, {color = {1}, inplace = true})
  -- the glyph 'A': rows 01110 10001 10001 11111 10001 10001 10001
  local rows = {'01110', '10001', '10001', '11111', '10001', '10001', '10001'}
  for r0 = 1, 7 do
    for c0 = 1, 5 do
      assert_eq(f[1][2 + r0][3 + c0], tonumber(rows[r0]:sub(c0, c0)), 'glyph ' .. r0 .. ',' .. c0)
    end
  end
  local big = image.drawText(torch.Tensor(3, 30, 40):zero(), 'Hi\nyo', 0, 0, {size = 2, color = {1, 0, 1}})
  assert(big:sum() > 0)
  assert_eq(big[2]:sum(), 0)
  assert_error(function() image.drawText(f, 42, 0, 0) end, 'image.drawText')
end

return tests
