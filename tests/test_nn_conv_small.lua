-- tests/test_nn_conv_small.lua: Float convolution on small images through
-- unfold + GEMM, whose column copies (im2col) and, for images at most 16
-- wide, column sums (tl_nn_col2im_narrow_f) have AVX-512 paths in
-- engine/src/nn/conv.c that Double never takes. Float output, gradInput
-- and gradWeight are checked against the same module in Double (whose
-- Jacobian is checked in test_nn.lua) on shapes that reach each path:
-- images 16 wide (every row stored whole), narrower and odd widths,
-- padding (taps that fall outside), a step of 2 down the image, dilation,
-- a single sample, and rows wider than a vector (the general loop).

require 'nn'

local T = {}

local function max_rel(a, b)
  local d = (a:double() - b:double()):abs():max()
  return d / math.max(b:double():abs():max(), 1e-30)
end

-- { make(), input size }
local CASES = {
  { function() return nn.SpatialConvolution(6, 16, 5, 5) end, { 4, 6, 14, 14 } },              -- LeNet's second layer
  { function() return nn.SpatialConvolution(3, 5, 3, 3, 1, 1, 1, 1) end, { 3, 3, 16, 16 } },   -- padding, 16 wide
  { function() return nn.SpatialConvolution(2, 3, 3, 3, 1, 2, 2, 1) end, { 2, 2, 11, 13 } },   -- step 2 down, odd width
  { function() return nn.SpatialConvolution(2, 4, 2, 4, 1, 1, 1, 0) end, { 2, 2, 7, 3 } },     -- 3 wide, uneven kernel
  { function() return nn.SpatialDilatedConvolution(2, 3, 3, 3, 1, 1, 2, 2, 2, 2) end, { 2, 2, 9, 12 } },
  { function() return nn.SpatialConvolution(2, 3, 3, 3, 1, 1, 1, 1) end, { 2, 9, 9 } },        -- single sample
  { function() return nn.SpatialConvolution(2, 3, 3, 3) end, { 2, 2, 6, 40 } },                -- wider than a vector
}

function T.float_against_double()
  for n, case in ipairs(CASES) do
    torch.manualSeed(n)
    local md = case[1]()
    local mf = md:clone():float()
    local x = torch.DoubleTensor(torch.LongStorage(case[2])):uniform(0.5, 1.5)
    local yd = md:forward(x)
    local yf = mf:forward(x:float())
    local g = yd:clone():uniform(0.5, 1.5)
    md:zeroGradParameters()
    mf:zeroGradParameters()
    local gid = md:backward(x, g)
    local gif = mf:backward(x:float(), g:float())
    local what = string.format('case %d (%s)', n, tostring(md))
    assert(max_rel(yf, yd) < 1e-5, what .. ': output')
    assert(max_rel(gif, gid) < 1e-5, what .. ': gradInput')
    assert(max_rel(mf.gradWeight, md.gradWeight) < 1e-5, what .. ': gradWeight')
  end
end

function T.gradInput_rewritten_each_call()
  -- the narrow path writes whole rows: a second backward on other
  -- gradients must not keep anything of the first
  local m = nn.SpatialConvolution(3, 4, 3, 3, 1, 1, 1, 1):float()
  local x = torch.FloatTensor(2, 3, 10, 10):uniform(0.5, 1.5)
  local y = m:forward(x)
  m:backward(x, y:clone():fill(1e3))
  local g = y:clone():uniform(0.5, 1.5)
  local gi = m:backward(x, g):clone()
  local fresh = m:clone()
  fresh.gradInput = torch.FloatTensor()
  fresh:forward(x)
  assert(max_rel(gi, fresh:backward(x, g)) == 0, 'gradInput depends on the previous call')
end

return T
