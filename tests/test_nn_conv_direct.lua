-- tests/test_nn_conv_direct.lua: the direct convolution kernels of
-- engine/src/nn/conv_direct.inc, which nn.SpatialConvolution takes at
-- stride 1 without padding when an output sums few taps and rows are
-- wide (tl_nn_conv2d_direct_ok). Checked against the GEMM path and a
-- plain double reference, by finite differences through the module, on
-- the shapes that exercise each code path (register blocks of 6 planes
-- and of 1-2 planes, single vectors, the overlapping last vector, rows
-- narrower than a vector, which the C functions accept though the module
-- sends them to GEMM; gradWeight's 3x3 and 5x5 kernels taken whole), in
-- Float and Double.

require 'nn'
local helpers = require 'helpers'

local T = {}
local C = torch._C

local function max_err(a, b)
  return (a:contiguous():view(-1):double() - b:contiguous():view(-1):double()):abs():max()
end

-- out[n][o][i][j] = b[o] + sum w[o][c][ky][kx] * x[n][c][i+ky][j+kx], in double
local function conv_ref(x, w, b)
  local N, Cn, H, W = x:size(1), x:size(2), x:size(3), x:size(4)
  local O, kH, kW = w:size(1), w:size(3), w:size(4)
  local out = torch.DoubleTensor(N, O, H - kH + 1, W - kW + 1)
  for o = 1, O do
    local acc = torch.DoubleTensor(N, H - kH + 1, W - kW + 1):fill(b[o])
    for c = 1, Cn do
      for ky = 1, kH do
        for kx = 1, kW do
          acc:add(w[o][c][ky][kx], x:select(2, c):narrow(2, ky, H - kH + 1):narrow(3, kx, W - kW + 1):double())
        end
      end
    end
    out:select(2, o):copy(acc)
  end
  return out
end

-- { N, C, O, H, W, k } : the paths each shape takes (oW = W - k + 1)
local SHAPES = {
  { 3, 1, 6, 9, 70, 3 },     -- 6-plane blocks, 4 vectors + overlapping tail; gradInput: 1 plane
  { 2, 2, 7, 5, 80, 5 },     -- 7 planes: a full and a padded block; single vectors
  { 2, 3, 2, 6, 200, 4 },    -- 2 planes: 1-plane blocks of 8/4/2/1 vectors
  { 1, 1, 1, 4, 64, 1 },     -- 1x1 kernel, exactly 4 vectors
  { 2, 2, 7, 6, 12, 3 },     -- rows narrower than a vector (10 columns): one column at a time
  { 2, 1, 3, 5, 20, 3 },     -- 18 columns: one vector and the masked last one in gradWeight
  { 2, 1, 6, 9, 32, 5 },     -- LeNet's first layer: 28 columns, all 25 taps of gradWeight at once
}

local function direct_ok(c, w, k)
  return C.tl_nn_conv2d_direct_ok(c, w, k, k, 1, 1, 0, 0, 1, 1) == 1
end

function T.direct_ok_rules()
  assert(direct_ok(1, 256, 7) and direct_ok(3, 100, 3), 'first layers on wide images go direct')
  assert(direct_ok(1, 32, 5), 'LeNet 32x32 (28 columns) goes direct')
  assert(not direct_ok(1, 28, 5), '24 columns stay on GEMM')
  assert(not direct_ok(6, 256, 7), '294 taps stay on GEMM')
  assert(C.tl_nn_conv2d_direct_ok(1, 256, 7, 7, 2, 2, 0, 0, 1, 1) == 0, 'stride 2 stays on GEMM')
  assert(C.tl_nn_conv2d_direct_ok(1, 256, 3, 3, 1, 1, 1, 1, 1, 1) == 0, 'padding stays on GEMM')
  assert(C.tl_nn_conv2d_direct_ok(1, 256, 3, 3, 1, 1, 0, 0, 2, 2) == 0, 'dilation stays on GEMM')
end

function T.forward_against_reference_and_gemm()
  for _, tn in ipairs({ 'Float', 'Double' }) do
    local tol = tn == 'Float' and 2e-4 or 1e-10
    for _, s in ipairs(SHAPES) do
      local N, Cn, O, H, W, k = unpack(s)
      local x = torch[tn .. 'Tensor'](N, Cn, H, W):uniform(-1, 1)
      local w = torch[tn .. 'Tensor'](O, Cn, k, k):uniform(-1, 1)
      local b = torch[tn .. 'Tensor'](O):uniform(-1, 1)
      local out, scratch, gemm, fin = x.new(), x.new(), x.new(), x.new()
      assert(C.tl_nn_conv2d_direct_forward(x._c, w._c, b._c, out._c, scratch._c, k, k) == 0,
             torch._ffi.string(C.tl_error_message()))
      assert(C.tl_nn_conv2d_forward(x._c, w._c, b._c, gemm._c, fin._c, k, k, 1, 1, 0, 0, 1, 1) == 0)
      local ref = conv_ref(x, w, b)
      local e = max_err(out, ref)
      assert(e < tol * k * k * Cn, string.format('%s %s: direct forward off by %g', tn, table.concat(s, 'x'), e))
      assert(max_err(out, gemm) < tol * k * k * Cn, 'direct and GEMM forward differ')
    end
  end
end

function T.backward_against_gemm()
  for _, tn in ipairs({ 'Float', 'Double' }) do
    local tol = tn == 'Float' and 1e-3 or 1e-9
    for _, s in ipairs(SHAPES) do
      local N, Cn, O, H, W, k = unpack(s)
      local where = tn .. ' ' .. table.concat(s, 'x')
      local x = torch[tn .. 'Tensor'](N, Cn, H, W):uniform(-1, 1)
      local w = torch[tn .. 'Tensor'](O, Cn, k, k):uniform(-1, 1)
      local g = torch[tn .. 'Tensor'](N, O, H - k + 1, W - k + 1):uniform(-1, 1)
      local gi, gi2, scratch, fg, fin, out = x.new(), x.new(), x.new(), x.new(), x.new(), x.new()
      assert(C.tl_nn_conv2d_direct_backward_input(x._c, g._c, w._c, gi._c, scratch._c, k, k) == 0)
      assert(C.tl_nn_conv2d_backward_input(x._c, g._c, w._c, gi2._c, fg._c, k, k, 1, 1, 0, 0, 1, 1) == 0)
      assert(gi:isSameSizeAs(x), where .. ': gradInput size')
      assert(max_err(gi, gi2) < tol * O * k * k, where .. ': gradInput differs from GEMM')
      -- parameters, with a scale, accumulating onto non-zero gradients
      local gw, gb = w:clone():uniform(-1, 1), torch[tn .. 'Tensor'](O):uniform(-1, 1)
      local gw2, gb2, part = gw:clone(), gb:clone(), x.new()
      assert(C.tl_nn_conv2d_direct_backward_params(x._c, g._c, gw._c, gb._c, part._c, 0.5, k, k) == 0)
      assert(C.tl_nn_conv2d_forward(x._c, w._c, nil, out._c, fin._c, k, k, 1, 1, 0, 0, 1, 1) == 0)
      assert(C.tl_nn_conv2d_backward_params(g._c, fin._c, gw2._c, gb2._c, part._c, 0.5) == 0)
      local scale = (H - k + 1) * (W - k + 1) * N
      assert(max_err(gw, gw2) < tol * scale / 10, where .. ': gradWeight differs from GEMM')
      assert(max_err(gb, gb2) < tol * scale / 10, where .. ': gradBias differs from GEMM')
    end
  end
end

-- Through the module, in double: gradInput, gradWeight, gradBias against
-- central differences, batch and single sample, on a direct shape.
function T.module_jacobian_on_the_direct_path()
  local m = nn.SpatialConvolution(2, 3, 3, 3):double()
  for _, input in ipairs({ torch.DoubleTensor(2, 2, 4, 68):uniform(-1, 1),
                           torch.DoubleTensor(2, 4, 68):uniform(-1, 1) }) do
    assert(C.tl_nn_conv2d_direct_ok(2, input:size(input:dim()), 3, 3, 1, 1, 0, 0, 1, 1) == 1)
    local out = m:forward(input)
    local go = out:clone():uniform(-1, 1)
    m:zeroGradParameters()
    local gi = m:backward(input, go)
    local eps = 1e-6
    local want = helpers.fd_gradient(m, input, go, input, eps)
    assert(max_err(gi, want) < 1e-7, 'gradInput against finite differences')
    local gwant = helpers.fd_gradient(m, input, go, m.weight, eps)
    assert(max_err(m.gradWeight, gwant) < 1e-7, 'gradWeight against finite differences')
    local bwant = helpers.fd_gradient(m, input, go, m.bias, eps)
    assert(max_err(m.gradBias, bwant) < 1e-7, 'gradBias against finite differences')
  end
end

-- 1 and 2 threads give the same results (threads split the batch; the
-- parameter sums are added in thread order).
function T.threads_agree()
  local m = nn.SpatialConvolution(1, 6, 5, 5):float()
  local res = helpers.results_by_threads(m, torch.FloatTensor(8, 1, 12, 100):uniform(-1, 1))
  assert(max_err(res[1][1], res[2][1]) == 0, 'forward depends on threads')
  assert(max_err(res[1][2], res[2][2]) == 0, 'gradInput depends on threads')
  assert(max_err(res[1][3], res[2][3]) < 1e-2 * res[1][3]:abs():max() * 1e-3, 'gradWeight')
  assert(max_err(res[1][4], res[2][4]) < 1e-2 * res[1][4]:abs():max() * 1e-3, 'gradBias')
end

-- The direct path's scratch buffers go with clearState, so a saved model
-- stays small; forward after clearState and a type change still works.
function T.clear_state_and_type()
  local m = nn.SpatialConvolution(1, 6, 7, 7)
  local x = torch.Tensor(4, 1, 20, 120):uniform(-1, 1)
  local y = m:forward(x):clone()
  m:backward(x, y)
  local buffered = 0
  for _, k in ipairs({ '_scratch', '_partial', 'finput', 'fgradInput' }) do
    if m[k] then buffered = buffered + m[k]:nElement() end
  end
  assert(buffered > 10000, 'the direct path keeps scratch between calls')
  m:clearState()
  local f = torch.MemoryFile()
  f:writeObject(m)
  local size = #f:storage()
  f:close()
  assert(size < 65536, 'a cleared module saves ' .. size .. ' bytes (its buffers hold 400 KB)')
  assert(max_err(m:forward(x), y) == 0, 'forward after clearState')
  m:float()
  assert(max_err(m:forward(x:float()), y) < 1e-4, 'forward after :float()')
end

function T.errors()
  local x = torch.FloatTensor(1, 2, 10, 80):uniform()
  local w = torch.FloatTensor(3, 2, 3, 3):uniform()
  local out, s = torch.FloatTensor(), torch.FloatTensor()
  assert(C.tl_nn_conv2d_direct_forward(x._c, w._c, nil, out._c, s._c, 5, 5) ~= 0)
  assert(torch._ffi.string(C.tl_error_message()):find('does not match 2 input planes and a 5x5 kernel', 1, true))
  local big = torch.FloatTensor(3, 2, 9, 9):uniform()
  assert(C.tl_nn_conv2d_direct_forward(x._c, big._c, nil, out._c, s._c, 9, 9) ~= 0)
  assert(torch._ffi.string(C.tl_error_message()):find('direct kernels do not take 2 planes', 1, true))
  local g = torch.FloatTensor(1, 3, 8, 77)
  assert(C.tl_nn_conv2d_direct_backward_input(x._c, g._c, w._c, out._c, s._c, 3, 3) ~= 0)
  assert(torch._ffi.string(C.tl_error_message()):find('gradOutput [1 x 3 x 8 x 77], expected [1 x 3 x 8 x 78]', 1, true))
  -- through the module: the usual shape error, not a crash
  local m = nn.SpatialConvolution(1, 6, 5, 5)
  local ok, err = pcall(m.forward, m, torch.Tensor(2, 3, 20, 100))
  assert(not ok and tostring(err):find('input has 3 planes, expected 1', 1, true), tostring(err))
end

return T
