-- tests/test_nn_conv_winograd.lua: the Winograd kernels of
-- engine/src/nn/winograd.c, F(2x2,3x3) and, for outputs of 24x24 and
-- more, F(4x4,3x3), which nn.SpatialConvolution takes for 3x3 stride-1
-- layers with padding 0 or 1 and enough input planes
-- (tl_nn_conv2d_winograd_ok). Forward, gradInput and gradWeight/gradBias
-- against plain double loops and against the GEMM path, in Float and
-- Double, on shapes whose tiles overhang the output (odd sizes), with
-- padding 0, 1 and mixed, single samples and batches, a run of tiles
-- split into chunks mid-row and mid-image; through the module: the path
-- taken, non-contiguous inputs, finite differences, threads, clearState,
-- the sibling modules, and errors.
--
-- Tolerance: an output sums 9C products, rounded in whatever order; the
-- transforms add a few more roundings, on values that mix the input patch
-- and all 9 taps (F(4x4,3x3)'s transforms also scale by up to 8 and 1/24),
-- so an element's error follows the magnitudes around it rather than its
-- own. The tests accept |got - want| <= 64 eps max(S), S the same
-- computation on absolute values (|x| conv |w| + |b|, its largest element
-- over the tensor) and eps the dtype's machine epsilon (2^-23 or 2^-52):
-- measured errors stay below 1.5 eps max(S) with 2x2 tiles and 23 eps
-- max(S) with 4x4 tiles on these shapes, while a wrong transform
-- coefficient or a tile misplaced by one pixel gives errors of order
-- max(S).

require 'nn'
local helpers = require 'helpers'

local T = {}
local C = torch._C
local ffi = torch._ffi

local EPS = { Float = 2 ^ -23, Double = 2 ^ -52 }
local TOL = 64

local function errmsg() return ffi.string(C.tl_error_message()) end

local function max_err(a, b)
  return (a:contiguous():view(-1):double() - b:contiguous():view(-1):double()):abs():max()
end

-- x [N, C, H, W] with zero borders of padH rows and padW columns, in double
local function padded(x, padW, padH)
  local N, Cn, H, W = x:size(1), x:size(2), x:size(3), x:size(4)
  local xp = torch.DoubleTensor(N, Cn, H + 2 * padH, W + 2 * padW):zero()
  xp:narrow(3, padH + 1, H):narrow(4, padW + 1, W):copy(x)
  return xp
end

-- out[n][o] = b[o] + sum_c,ky,kx w[o][c][ky][kx] * xpad[n][c][y + ky][x + kx], in
-- double (any k x k kernel)
local function conv_ref(x, w, b, padW, padH)
  local xp = padded(x, padW, padH)
  local N, Cn, O, k = x:size(1), x:size(2), w:size(1), w:size(3)
  local oH, oW = xp:size(3) - k + 1, xp:size(4) - k + 1
  local out = torch.DoubleTensor(N, O, oH, oW)
  for o = 1, O do
    local acc = out:select(2, o):fill(b and b[o] or 0)
    for c = 1, Cn do
      for ky = 1, k do
        for kx = 1, k do
          acc:add(w[o][c][ky][kx], xp:select(2, c):narrow(2, ky, oH):narrow(3, kx, oW))
        end
      end
    end
  end
  return out
end

-- gradInput: each output gradient spread back over its 3x3 window, the
-- borders of the padded image dropped
local function gradinput_ref(go, w, H, W, padW, padH)
  local N, O, Cn = go:size(1), w:size(1), w:size(2)
  local oH, oW = go:size(3), go:size(4)
  local gp = torch.DoubleTensor(N, Cn, H + 2 * padH, W + 2 * padW):zero()
  local g = go:double()
  for c = 1, Cn do
    local acc = gp:select(2, c)
    for o = 1, O do
      for ky = 1, 3 do
        for kx = 1, 3 do
          acc:narrow(2, ky, oH):narrow(3, kx, oW):add(w[o][c][ky][kx], g:select(2, o))
        end
      end
    end
  end
  return gp:narrow(3, padH + 1, H):narrow(4, padW + 1, W):contiguous()
end

-- gradWeight[o][c][ky][kx] = sum gradOutput[n][o] * xpad[n][c] shifted by (ky, kx)
local function gradweight_ref(x, go, padW, padH)
  local xp = padded(x, padW, padH)
  local N, Cn, O = x:size(1), x:size(2), go:size(2)
  local oH, oW = go:size(3), go:size(4)
  local g = go:double()
  local gw = torch.DoubleTensor(O, Cn, 3, 3)
  for o = 1, O do
    local go_o = g:select(2, o):contiguous()
    for c = 1, Cn do
      for ky = 1, 3 do
        for kx = 1, 3 do
          gw[o][c][ky][kx] = xp:select(2, c):narrow(2, ky, oH):narrow(3, kx, oW):contiguous():dot(go_o)
        end
      end
    end
  end
  return gw, g:sum(4):sum(3):sum(1):view(O)
end

-- got within TOL eps max(S) of want, S the same computation on absolute values
local function check(got, want, scale, tn, what)
  assert(got:nElement() == want:nElement(), what .. ': size')
  local d = (got:contiguous():view(-1):double() - want:contiguous():view(-1)):abs():max()
  local bound = TOL * EPS[tn] * scale:max()
  assert(d <= bound, string.format('%s: off by %g, %.3g times the bound', what, d, d / bound))
end

local function rand(tn, ...) return torch[tn .. 'Tensor'](...):uniform(-1, 1) end

-- { N, C, O, H, W, padW, padH }: odd and even outputs, single samples,
-- the smallest images, mixed padding, plane counts around the threshold
local SHAPES = {
  { 1, 3, 5, 6, 7, 1, 1 },   -- 6x7 output: the last tile column overhangs
  { 2, 4, 3, 7, 8, 0, 0 },   -- 5x6: the last tile row overhangs
  { 3, 31, 2, 5, 9, 1, 1 },  -- 5x9: both; one plane below the threshold
  { 2, 32, 33, 9, 6, 0, 0 }, -- at the threshold, 7x4
  { 2, 33, 4, 10, 10, 1, 1 },-- even 10x10
  { 1, 2, 1, 3, 3, 0, 0 },   -- a 1x1 output: one tile overhanging both ways
  { 2, 5, 7, 1, 1, 1, 1 },   -- a 1x1 image, padded
  { 2, 3, 4, 6, 5, 1, 0 },   -- padding 1 across, 0 down: 4x5
  { 1, 6, 2, 4, 9, 0, 1 },   -- padding 0 across, 1 down: 4x7
  -- outputs of 24x24 and more take F(4x4,3x3)
  { 1, 3, 5, 25, 27, 1, 1 },  -- 25x27: the last 4x4 tile row and column overhang
  { 2, 4, 3, 28, 26, 0, 0 },  -- 26x24
  { 2, 33, 4, 24, 24, 1, 1 }, -- 24x24, whole tiles; above the plane threshold
  { 1, 6, 2, 26, 31, 0, 1 },  -- padding 0 across, 1 down: 26x29
}

local function shape_name(tn, s) return tn .. ' ' .. table.concat(s, 'x') end

function T.ok_rules()
  local function ok(n, c, o, h, w, k, d, p, dil)
    return C.tl_nn_conv2d_winograd_ok(n, c, o, h, w, k, k, d, d, p, p, dil, dil) == 1
  end
  assert(ok(8, 64, 128, 112, 112, 3, 1, 1, 1), 'VGG 64 -> 128 takes the path')
  assert(ok(8, 512, 512, 14, 14, 3, 1, 1, 1) and ok(1, 512, 512, 14, 14, 3, 1, 1, 1), 'VGG 14x14, one image too')
  assert(ok(8, 32, 1, 10, 10, 3, 1, 0, 1) and ok(8, 64, 4, 10, 10, 3, 1, 0, 1), 'few output planes')
  assert(not ok(8, 3, 64, 224, 224, 3, 1, 1, 1), "VGG's first layer stays on GEMM")
  assert(not ok(8, 31, 64, 64, 64, 3, 1, 1, 1) and ok(8, 32, 64, 64, 64, 3, 1, 1, 1), 'from 32 input planes on')
  assert(ok(8, 32, 256, 32, 32, 3, 1, 1, 1) and not ok(8, 32, 257, 32, 32, 3, 1, 1, 1),
         'up to 8 output planes per input plane')
  assert(not ok(8, 64, 64, 64, 64, 3, 2, 1, 1), 'stride 2: GEMM')
  assert(not ok(8, 64, 64, 64, 64, 3, 1, 1, 2), 'dilation 2: GEMM')
  assert(not ok(8, 64, 64, 64, 64, 5, 1, 1, 1) and not ok(8, 64, 64, 64, 64, 1, 1, 0, 1), 'other kernels: GEMM')
  assert(not ok(8, 64, 64, 64, 64, 3, 1, 2, 1), 'padding 2: GEMM')
  -- tiles of the batch: 48 and more
  assert(not ok(1, 64, 64, 12, 12, 3, 1, 1, 1) and ok(1, 64, 64, 13, 13, 3, 1, 1, 1), '36 and 49 tiles')
  assert(not ok(2, 64, 64, 8, 10, 3, 1, 1, 1) and ok(2, 64, 64, 8, 11, 3, 1, 1, 1), '40 and 48 tiles')
  assert(ok(12, 64, 64, 4, 4, 3, 1, 1, 1) and not ok(12, 64, 64, 4, 4, 3, 1, 0, 1), 'padding 0: 2x2 outputs, 1 tile')
  assert(not ok(0, 64, 64, 64, 64, 3, 1, 1, 1) and not ok(100, 64, 64, 2, 2, 3, 1, 0, 1), 'no tiles')
  assert(C.tl_nn_conv2d_winograd_ok(8, 64, 64, 64, 64, 3, 3, 1, 1, 1, 0, 1, 1) == 1, 'mixed padding')
  assert(C.tl_nn_conv2d_winograd_ok(8, 64, 64, 64, 64, 3, 3, 1, 1, 0, 2, 1, 1) == 0, 'padding 2 down')
end

function T.forward_against_reference_and_gemm()
  for _, tn in ipairs({ 'Float', 'Double' }) do
    for _, s in ipairs(SHAPES) do
      local N, Cn, O, H, W, pw, ph = unpack(s)
      local where = shape_name(tn, s)
      local x, w, b = rand(tn, N, Cn, H, W), rand(tn, O, Cn, 3, 3), rand(tn, O)
      local out, scratch, gemm, fin = x.new(), x.new(), x.new(), x.new()
      assert(C.tl_nn_conv2d_winograd_forward(x._c, w._c, b._c, out._c, scratch._c, pw, ph) == 0, errmsg())
      assert(C.tl_nn_conv2d_forward(x._c, w._c, b._c, gemm._c, fin._c, 3, 3, 1, 1, pw, ph, 1, 1) == 0, errmsg())
      assert(out:isSameSizeAs(gemm), where .. ': output size')
      local want = conv_ref(x, w, b, pw, ph)
      local scale = conv_ref(x:clone():abs(), w:clone():abs(), b:clone():abs(), pw, ph)
      check(out, want, scale, tn, where .. ' forward')
      check(out, gemm:double(), scale * 2, tn, where .. ' forward against GEMM')
      -- without bias
      assert(C.tl_nn_conv2d_winograd_forward(x._c, w._c, nil, out._c, scratch._c, pw, ph) == 0, errmsg())
      check(out, conv_ref(x, w, nil, pw, ph), scale, tn, where .. ' forward without bias')
    end
  end
end

function T.gradinput_against_reference_and_gemm()
  for _, tn in ipairs({ 'Float', 'Double' }) do
    for _, s in ipairs(SHAPES) do
      local N, Cn, O, H, W, pw, ph = unpack(s)
      local where = shape_name(tn, s)
      local x, w = rand(tn, N, Cn, H, W), rand(tn, O, Cn, 3, 3)
      local go = rand(tn, N, O, H + 2 * ph - 2, W + 2 * pw - 2)
      local gi, scratch, gemm, fg = x.new(), x.new(), x.new(), x.new()
      assert(C.tl_nn_conv2d_winograd_backward_input(x._c, go._c, w._c, gi._c, scratch._c, pw, ph) == 0, errmsg())
      assert(C.tl_nn_conv2d_backward_input(x._c, go._c, w._c, gemm._c, fg._c, 3, 3, 1, 1, pw, ph, 1, 1) == 0)
      assert(gi:isSameSizeAs(x), where .. ': gradInput size')
      local want = gradinput_ref(go, w, H, W, pw, ph)
      local scale = gradinput_ref(go:clone():abs(), w:clone():abs(), H, W, pw, ph)
      check(gi, want, scale, tn, where .. ' gradInput')
      check(gi, gemm:double(), scale * 2, tn, where .. ' gradInput against GEMM')
    end
  end
end

function T.gradparams_against_reference_and_gemm()
  for _, tn in ipairs({ 'Float', 'Double' }) do
    for _, s in ipairs(SHAPES) do
      local N, Cn, O, H, W, pw, ph = unpack(s)
      local where = shape_name(tn, s)
      local x, w = rand(tn, N, Cn, H, W), rand(tn, O, Cn, 3, 3)
      local go = rand(tn, N, O, H + 2 * ph - 2, W + 2 * pw - 2)
      -- accumulating 0.5 times the gradients onto non-zero ones
      local gw0, gb0 = rand(tn, O, Cn, 3, 3), rand(tn, O)
      local gw, gb, scratch = gw0:clone(), gb0:clone(), x.new()
      assert(C.tl_nn_conv2d_winograd_backward_params(x._c, go._c, gw._c, gb._c, scratch._c, 0.5, pw, ph) == 0,
             errmsg())
      local rw, rb = gradweight_ref(x, go, pw, ph)
      local sw, sb = gradweight_ref(x:clone():abs(), go:clone():abs(), pw, ph)
      check(gw, rw * 0.5 + gw0:double(), sw * 0.5 + torch.abs(gw0:double()), tn, where .. ' gradWeight')
      check(gb, rb * 0.5 + gb0:double(), sb * 0.5 + torch.abs(gb0:double()), tn, where .. ' gradBias')
      -- the GEMM path from its columns; no gradBias
      local gw2, gw3, out, fin, part = gw0:clone(), gw0:clone(), x.new(), x.new(), x.new()
      assert(C.tl_nn_conv2d_forward(x._c, w._c, nil, out._c, fin._c, 3, 3, 1, 1, pw, ph, 1, 1) == 0)
      assert(C.tl_nn_conv2d_backward_params(go._c, fin._c, gw2._c, nil, part._c, 0.5) == 0, errmsg())
      assert(C.tl_nn_conv2d_winograd_backward_params(x._c, go._c, gw3._c, nil, scratch._c, 0.5, pw, ph) == 0)
      check(gw3, gw2:double(), (sw * 0.5 + torch.abs(gw0:double())) * 2, tn, where .. ' gradWeight against GEMM')
    end
  end
end

-- 128 planes, where a chunk ends mid-image and mid-row; against the GEMM
-- path in double. 2x2 tiles: 3 images of 22x34 outputs, 561 tiles in
-- chunks of 281 (tile 281 = image 2, row 5, column 9); 4x4 tiles: 5 images
-- of 26x30, 280 tiles in chunks of 140 (image 3, row 3, column 4).
function T.chunks_split_rows_and_images()
  for _, shape in ipairs({ { 3, 22, 34 }, { 5, 26, 30 } }) do
    local N, H, W = unpack(shape)
    local where = string.format(' (%dx%dx%d)', N, H, W)
    local x, w, b = rand('Double', N, 128, H, W), rand('Double', 128, 128, 3, 3), rand('Double', 128)
    local go = rand('Double', N, 128, H, W)
    local out, s, gemm, fin = x.new(), x.new(), x.new(), x.new()
    assert(C.tl_nn_conv2d_winograd_forward(x._c, w._c, b._c, out._c, s._c, 1, 1) == 0, errmsg())
    assert(C.tl_nn_conv2d_forward(x._c, w._c, b._c, gemm._c, fin._c, 3, 3, 1, 1, 1, 1, 1, 1) == 0)
    assert(max_err(out, gemm) < 1e-10, 'forward across chunks' .. where .. ': ' .. max_err(out, gemm))
    local gi, gi2, fg = x.new(), x.new(), x.new()
    assert(C.tl_nn_conv2d_winograd_backward_input(x._c, go._c, w._c, gi._c, s._c, 1, 1) == 0, errmsg())
    assert(C.tl_nn_conv2d_backward_input(x._c, go._c, w._c, gi2._c, fg._c, 3, 3, 1, 1, 1, 1, 1, 1) == 0)
    assert(max_err(gi, gi2) < 1e-10, 'gradInput across chunks' .. where .. ': ' .. max_err(gi, gi2))
    local gw, gb, gw2, gb2, part = w:clone():zero(), b:clone():zero(), w:clone():zero(), b:clone():zero(), x.new()
    assert(C.tl_nn_conv2d_winograd_backward_params(x._c, go._c, gw._c, gb._c, s._c, 1, 1, 1) == 0, errmsg())
    assert(C.tl_nn_conv2d_backward_params(go._c, fin._c, gw2._c, gb2._c, part._c, 1) == 0)
    assert(max_err(gw, gw2) < 1e-8, 'gradWeight across chunks' .. where .. ': ' .. max_err(gw, gw2))
    assert(max_err(gb, gb2) < 1e-9, 'gradBias across chunks' .. where)
  end
end

-- The module takes the path when winograd_ok says so (no columns kept),
-- for batches, single samples and non-contiguous inputs, and agrees with
-- the GEMM kernels.
function T.module_takes_the_path()
  local m = nn.SpatialConvolution(32, 5, 3, 3, 1, 1, 1, 1):float()
  local base = torch.FloatTensor(3, 32, 13, 14):uniform(-1, 1)
  local inputs = {
    base,
    base[2],                                            -- single sample
    base:transpose(3, 4):contiguous():transpose(3, 4),  -- non-contiguous, same values
    torch.FloatTensor(32, 2, 13, 14):uniform(-1, 1):transpose(1, 2),
  }
  for i, x in ipairs(inputs) do
    local y = m:forward(x)
    local xb = x:dim() == 3 and x:view(1, 32, 13, 14) or x:contiguous()
    local want, fin = x.new(), x.new()
    assert(C.tl_nn_conv2d_forward(xb._c, m.weight._c, m.bias._c, want._c, fin._c, 3, 3, 1, 1, 1, 1, 1, 1) == 0)
    assert(y:dim() == x:dim() and max_err(y, want) < 1e-4, 'input ' .. i .. ': forward')
    assert(m._winograd and m._winograd:nElement() > 0 and m.finput:nElement() == 0,
           'input ' .. i .. ': the Winograd path, without columns')
    local go = y:clone():uniform(-1, 1)
    m:zeroGradParameters()
    local gi = m:backward(x, go)
    local gob = go:dim() == 3 and go:view(1, 5, 13, 14) or go
    local gi2, fg, gw, gb, part = x.new(), x.new(), m.gradWeight:clone():zero(), m.gradBias:clone():zero(), x.new()
    assert(C.tl_nn_conv2d_backward_input(xb._c, gob._c, m.weight._c, gi2._c, fg._c, 3, 3, 1, 1, 1, 1, 1, 1) == 0)
    assert(C.tl_nn_conv2d_backward_params(gob._c, fin._c, gw._c, gb._c, part._c, 1) == 0)
    assert(gi:isSameSizeAs(x) and max_err(gi, gi2) < 1e-4, 'input ' .. i .. ': gradInput')
    assert(max_err(m.gradWeight, gw) < 1e-3, 'input ' .. i .. ': gradWeight')
    assert(max_err(m.gradBias, gb) < 1e-3, 'input ' .. i .. ': gradBias')
    assert(m.finput:nElement() == 0, 'accGradParameters needed no columns')
  end
end

-- One module alternating between inputs that take the path and inputs
-- that do not (one 8x8 image: 16 tiles): each pass is right, whatever the
-- other path left in the buffers.
function T.module_switches_paths()
  local m = nn.SpatialConvolution(32, 4, 3, 3, 1, 1, 1, 1):double()
  local small, big = torch.DoubleTensor(1, 32, 8, 8), torch.DoubleTensor(4, 32, 8, 8)
  for round, x in ipairs({ small, big, small, big }) do
    x:uniform(-1, 1)
    local go = torch.DoubleTensor(x:size(1), 4, 8, 8):uniform(-1, 1)
    m:zeroGradParameters()
    local y = m:forward(x)
    local gi = m:updateGradInput(x, go)
    m:accGradParameters(x, go, 1)
    check(y, conv_ref(x, m.weight, m.bias, 1, 1), conv_ref(torch.abs(x), torch.abs(m.weight), torch.abs(m.bias), 1, 1),
          'Double', 'round ' .. round .. ' forward')
    local scale = gradinput_ref(torch.abs(go), torch.abs(m.weight), 8, 8, 1, 1)
    check(gi, gradinput_ref(go, m.weight, 8, 8, 1, 1), scale, 'Double', 'round ' .. round .. ' gradInput')
    local rw, rb = gradweight_ref(x, go, 1, 1)
    local sw, sb = gradweight_ref(torch.abs(x), torch.abs(go), 1, 1)
    check(m.gradWeight, rw, sw, 'Double', 'round ' .. round .. ' gradWeight')
    check(m.gradBias, rb, sb, 'Double', 'round ' .. round .. ' gradBias')
  end
  assert(m._winograd:nElement() > 0 and m.finput:nElement() > 0, 'both paths were taken')
end

-- Through the module in double, on a shape that takes the path (3 images
-- of 8x8 outputs: 48 tiles): gradInput (of the middle image, to keep it
-- quick), gradWeight and gradBias against central differences.
function T.module_jacobian()
  local m = nn.SpatialConvolution(32, 2, 3, 3, 1, 1, 1, 1):double()
  local x = torch.DoubleTensor(3, 32, 8, 8):uniform(-1, 1)
  assert(C.tl_nn_conv2d_winograd_ok(3, 32, 2, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1) == 1)
  local go = m:forward(x):clone():uniform(-1, 1)
  m:zeroGradParameters()
  local gi = m:backward(x, go)
  assert(m._winograd:nElement() > 0 and m.finput:nElement() == 0, 'took the Winograd path')
  local eps = 1e-6
  local want = helpers.fd_gradient(m, x, go, x:narrow(1, 2, 1), eps)
  assert(max_err(gi:narrow(1, 2, 1), want) < 1e-7, 'gradInput against finite differences')
  assert(max_err(m.gradWeight, helpers.fd_gradient(m, x, go, m.weight, eps)) < 1e-7, 'gradWeight')
  assert(max_err(m.gradBias, helpers.fd_gradient(m, x, go, m.bias, eps)) < 1e-7, 'gradBias')
end

-- 1 and 2 threads (which share each chunk: the transforms by planes, the
-- products by position) agree to float precision; 20x18 takes 2x2 tiles,
-- 28x26 4x4 tiles.
function T.threads_agree()
  local m = nn.SpatialConvolution(40, 24, 3, 3, 1, 1, 1, 1):float()
  for _, size in ipairs({ { 20, 18 }, { 28, 26 } }) do
    local res = helpers.results_by_threads(m, torch.FloatTensor(4, 40, size[1], size[2]):uniform(-1, 1))
    local names = { 'forward', 'gradInput', 'gradWeight', 'gradBias' }
    for i = 1, 4 do
      local tol = 1e-6 * torch.abs(res[1][i]):max() * (i >= 3 and 100 or 10)
      local e = max_err(res[1][i], res[2][i])
      assert(e <= tol, string.format('%dx%d: %s depends on threads: %g (tolerance %g)', size[1], size[2], names[i],
                                     e, tol))
    end
  end
end

-- SpatialConvolutionMM (2-D weight) takes the path; SpatialDilatedConvolution
-- does with dilation 1 and not with dilation 2 (which still computes the
-- dilated convolution).
function T.sibling_modules()
  local x = torch.DoubleTensor(2, 32, 10, 10):uniform(-1, 1)
  local mm = nn.SpatialConvolutionMM(32, 3, 3, 3, 1, 1, 1, 1):double()
  local ref = nn.SpatialConvolution(32, 3, 3, 3, 1, 1, 1, 1):double()
  ref.weight:copy(mm.weight)
  ref.bias:copy(mm.bias)
  assert(max_err(mm:forward(x), ref:forward(x)) < 1e-12 and mm._winograd:nElement() > 0, 'SpatialConvolutionMM')
  local go = mm.output:clone():uniform(-1, 1)
  mm:zeroGradParameters()
  ref:zeroGradParameters()
  mm:backward(x, go)
  ref:backward(x, go)
  assert(mm.gradWeight:dim() == 2 and max_err(mm.gradWeight, ref.gradWeight) < 1e-12, 'MM gradWeight')
  local d1 = nn.SpatialDilatedConvolution(32, 3, 3, 3, 1, 1, 1, 1, 1, 1):double()
  d1.weight:copy(ref.weight)
  d1.bias:copy(ref.bias)
  assert(max_err(d1:forward(x), ref.output) < 1e-12 and d1._winograd:nElement() > 0, 'dilation 1 takes the path')
  local d2 = nn.SpatialDilatedConvolution(32, 3, 3, 3, 1, 1, 2, 2, 2, 2):double()
  local y = d2:forward(x)
  assert(not d2._winograd and d2.finput:nElement() > 0, 'dilation 2 stays on GEMM')
  local w2 = torch.DoubleTensor(3, 32, 5, 5):zero()
  for ky = 1, 3 do
    for kx = 1, 3 do w2:select(3, 2 * ky - 1):select(3, 2 * kx - 1):copy(d2.weight:select(3, ky):select(3, kx)) end
  end
  local want = conv_ref(x, w2, d2.bias, 2, 2)
  assert(max_err(y, want) < 1e-12, 'dilation 2 against a 5x5 kernel with holes')
end

-- The scratch goes with clearState and type changes, so a saved model stays
-- small; forward after either still works.
function T.clear_state_and_type()
  local m = nn.SpatialConvolution(32, 8, 3, 3, 1, 1, 1, 1)
  local x = torch.Tensor(2, 32, 16, 16):uniform(-1, 1)
  local y = m:forward(x):clone()
  m:backward(x, y)
  assert(m._winograd:nElement() > 50000, 'the path keeps its scratch between calls')
  local function saved_size()
    local f = torch.MemoryFile():binary()
    f:writeObject(m)
    local n = #f:storage()
    f:close()
    return n
  end
  local before = saved_size()
  m:clearState()
  assert(m._winograd:nElement() == 0, 'clearState empties the scratch')
  local after = saved_size()
  -- left: the weight, bias and their gradients (4632 doubles)
  assert(after < 4632 * 8 + 8192 and after < before / 8, string.format('saved: %d -> %d bytes', before, after))
  assert(max_err(m:forward(x), y) == 0, 'forward after clearState')
  m:float()
  assert(m._winograd == nil, ':float() drops the scratch')
  assert(max_err(m:forward(x:float()), y) < 1e-4, 'forward after :float()')
  assert(torch.type(m._winograd) == 'torch.FloatTensor', 'a new scratch of the new type')
end

-- An empty batch: outputs of the right (empty) shape, gradients untouched.
function T.empty_batch()
  local x, w, b = torch.FloatTensor(0, 32, 10, 10), rand('Float', 4, 32, 3, 3), rand('Float', 4)
  local out, s, gi = x.new(), x.new(), x.new()
  assert(C.tl_nn_conv2d_winograd_forward(x._c, w._c, b._c, out._c, s._c, 1, 1) == 0, errmsg())
  assert(out:dim() == 4 and out:size(1) == 0 and out:size(2) == 4 and out:size(3) == 10, 'output shape')
  local go = torch.FloatTensor(0, 4, 10, 10)
  assert(C.tl_nn_conv2d_winograd_backward_input(x._c, go._c, w._c, gi._c, s._c, 1, 1) == 0, errmsg())
  assert(gi:isSameSizeAs(x), 'gradInput shape')
  local gw, gb = w:clone(), b:clone()
  assert(C.tl_nn_conv2d_winograd_backward_params(x._c, go._c, gw._c, gb._c, s._c, 1, 1, 1) == 0, errmsg())
  assert(max_err(gw, w) == 0 and max_err(gb, b) == 0, 'gradients untouched')
end

function T.errors()
  local x = torch.FloatTensor(1, 2, 6, 6):uniform()
  local w = torch.FloatTensor(3, 2, 3, 3):uniform()
  local out, s = torch.FloatTensor(), torch.FloatTensor()
  local function fails(rc, pattern)
    assert(rc ~= 0, 'expected a failure: ' .. pattern)
    local msg = errmsg()
    assert(msg:find(pattern, 1, true), 'message "' .. msg .. '" lacks "' .. pattern .. '"')
  end
  fails(C.tl_nn_conv2d_winograd_forward(x._c, torch.FloatTensor(3, 2, 5, 5)._c, nil, out._c, s._c, 1, 1),
        'SpatialConvolution: weight [3 x 2 x 5 x 5] does not match 2 input planes and a 3x3 kernel')
  fails(C.tl_nn_conv2d_winograd_forward(x._c, w._c, nil, out._c, s._c, 2, 1), 'padding 0 or 1, not 2,1')
  fails(C.tl_nn_conv2d_winograd_forward(x._c, w._c, torch.FloatTensor(4)._c, out._c, s._c, 1, 1),
        'bias has 4 elements, expected 3')
  fails(C.tl_nn_conv2d_winograd_forward(x._c, w:double()._c, nil, out._c, s._c, 1, 1), 'weight')
  fails(C.tl_nn_conv2d_winograd_forward(x:transpose(3, 4)._c, w._c, nil, out._c, s._c, 1, 1),
        'input must be contiguous')
  fails(C.tl_nn_conv2d_winograd_forward(x[1]._c, w._c, nil, out._c, s._c, 1, 1), 'input')
  fails(C.tl_nn_conv2d_winograd_forward(torch.FloatTensor(1, 2, 2, 5)._c, w._c, nil, out._c, s._c, 0, 0),
        'input image (2x5) with padding 0,0 is smaller than the kernel (3x3)')
  fails(C.tl_nn_conv2d_winograd_forward(torch.LongTensor(1, 2, 6, 6)._c, w._c, nil, out._c, s._c, 1, 1), 'input')
  local g = torch.FloatTensor(1, 3, 6, 5)
  fails(C.tl_nn_conv2d_winograd_backward_input(x._c, g._c, w._c, out._c, s._c, 1, 1),
        'gradOutput [1 x 3 x 6 x 5], expected [1 x 3 x 6 x 6]')
  fails(C.tl_nn_conv2d_winograd_backward_params(x._c, g._c, w._c, nil, s._c, 1, 1, 1), 'gradOutput [1 x 3 x 6 x 5]')
  fails(C.tl_nn_conv2d_winograd_backward_params(x._c, torch.FloatTensor(1, 3, 6, 6)._c, w._c,
                                                torch.FloatTensor(2)._c, s._c, 1, 1, 1),
        'gradBias has 2 elements, expected 3')
  -- through the module: the usual errors, not a crash
  local m = nn.SpatialConvolution(32, 4, 3, 3, 1, 1, 1, 1):float()
  local ok, err = pcall(m.forward, m, torch.FloatTensor(2, 31, 10, 10))
  assert(not ok and tostring(err):find('input has 31 planes, expected 32', 1, true), tostring(err))
  m:forward(torch.FloatTensor(2, 32, 10, 10):uniform())
  ok, err = pcall(m.backward, m, torch.FloatTensor(2, 32, 10, 10), torch.FloatTensor(2, 4, 9, 10))
  assert(not ok and tostring(err):find('gradOutput [2 x 4 x 9 x 10], expected [2 x 4 x 10 x 10]', 1, true),
         tostring(err))
  ok, err = pcall(m.forward, m, torch.DoubleTensor(2, 32, 10, 10))
  assert(not ok and tostring(err):find('input is torch.DoubleTensor but the module is torch.FloatTensor', 1, true),
         tostring(err))
end

return T
