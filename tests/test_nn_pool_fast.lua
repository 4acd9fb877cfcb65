-- tests/test_nn_pool_fast.lua: the 2x2, step-2 max pooling kernel that
-- Float tensors take on AVX-512 machines (tl_nn_maxpool_2x2_f in
-- engine/src/nn/pool.c), against a plain Lua reference and against the
-- general loops (Double), on shapes that reach each of its paths: rows of
-- fewer than 16 outputs, a full chunk of 16 and a partial one, odd sizes
-- (the last row or column unused), the tensor's last row (masked reads),
-- ties (the first tap wins), NaNs (a NaN is the max) and non-contiguous
-- input. Indices and gradInput must agree exactly: pooling does no
-- arithmetic on the values.

require 'nn'

local T = {}

-- { N, C, H, W }
local SHAPES = {
  { 2, 3, 28, 28 },   -- LeNet: 14 outputs per row
  { 1, 2, 9, 41 },    -- 20 outputs per row (16 + 4), odd height and width
  { 3, 1, 6, 64 },    -- two full chunks per row
  { 1, 1, 2, 2 },     -- a single output
  { 2, 2, 5, 3 },     -- one output per row, odd sizes
  { 3, 7, 40, 39 },   -- 21 planes of 20x19 outputs: split across threads (tl_parallel_ranges)
}

-- Max and flat index (y * W + x within the plane, 0-based as the module
-- keeps them) of each 2x2 window: first tap, then any larger value or NaN
-- takes over.
local function reference(x)
  local N, Cn, H, W = x:size(1), x:size(2), x:size(3), x:size(4)
  local oH, oW = math.floor(H / 2), math.floor(W / 2)
  local out, idx = torch.DoubleTensor(N, Cn, oH, oW), torch.LongTensor(N, Cn, oH, oW)
  for n = 1, N do
    for c = 1, Cn do
      for i = 1, oH do
        for j = 1, oW do
          local best, at
          for ky = 0, 1 do
            for kx = 0, 1 do
              local y, xx = 2 * (i - 1) + ky, 2 * (j - 1) + kx
              local v = x[n][c][y + 1][xx + 1]
              if best == nil or v > best or v ~= v then best, at = v, y * W + xx end
            end
          end
          out[n][c][i][j], idx[n][c][i][j] = best, at
        end
      end
    end
  end
  return out, idx
end

local function same(a, b, what)
  a, b = a:double():contiguous():view(-1), b:double():contiguous():view(-1)
  assert(a:nElement() == b:nElement(), what .. ': sizes differ')
  for k = 1, a:nElement() do
    local u, v = a[k], b[k]
    assert(u == v or (u ~= u and v ~= v), string.format('%s: element %d is %s, expected %s', what, k, u, v))
  end
end

-- values with many ties (small integers) and a few NaNs
local function input(N, Cn, H, W, nans)
  local x = torch.FloatTensor(N, Cn, H, W):random(1, 4):add(-2.5)
  if nans then
    local flat = x:view(-1)
    for k = 3, flat:nElement(), 7 do flat[k] = 0 / 0 end
  end
  return x
end

local function check(x)
  local m = nn.SpatialMaxPooling(2, 2, 2, 2):float()
  local y = m:forward(x)
  local ref, ridx = reference(x)
  same(y, ref, 'output')
  same(m.indices, ridx, 'indices')
  local md = nn.SpatialMaxPooling(2, 2, 2, 2)
  md:forward(x:double())
  same(m.indices, md.indices, 'indices against the general loops')
  local g = torch.FloatTensor(y:size()):uniform(0.5, 1.5)
  same(m:backward(x, g), md:backward(x:double(), g:double()), 'gradInput')
end

function T.against_reference_with_ties()
  for _, s in ipairs(SHAPES) do check(input(s[1], s[2], s[3], s[4], false)) end
end

function T.nan_is_the_max()
  for _, s in ipairs(SHAPES) do check(input(s[1], s[2], s[3], s[4], true)) end
end

function T.random_values_and_single_sample()
  local x = torch.FloatTensor(2, 3, 10, 36):normal()
  check(x)
  local m = nn.SpatialMaxPooling(2, 2, 2, 2):float()
  local y1 = m:forward(x[2]):clone()
  local yb = m:forward(x)
  same(y1, yb[2], 'single sample against the batch')
end

function T.non_contiguous_input()
  local base = torch.FloatTensor(2, 3, 30, 26):normal()
  local x = base:transpose(3, 4)   -- 2 x 3 x 26 x 30, not contiguous
  assert(not x:isContiguous())
  check(x)
end

return T
