-- tests/test_parallel.lua: the engine's thread pool (engine/src/parallel.c).
-- Its own checks (tests/c/test_parallel.c: every thread once per job,
-- barriers, nested jobs, two program threads at once, resizing, sleeping
-- workers, fork), built with the C compiler and run, also under
-- ThreadSanitizer where the compiler has it; then every kind of parallel
-- loop in the engine (element-wise, reductions, split matrix products,
-- sort, conv2, nn convolution and Linear) at 1 to 4 threads, including
-- more threads than the machine has cores, and while the thread count
-- goes down and up again, against the results on one thread.

local helpers = require 'helpers'

local T = {}

-- the repository root, from this file's path
local function root()
  local src = debug.getinfo(1, 'S').source:gsub('^@', '')
  local dir = src:match('^(.*)/tests/[^/]*$') or '.'
  return dir
end

local function build_and_run(extra_flags, env)
  local r = root()
  local exe = os.tmpname()
  local cmd = string.format('cc -std=c11 -O1 -g -pthread %s -I%s -I%s %s %s -o %s', extra_flags,
                            helpers.quote(r .. '/engine/include'), helpers.quote(r .. '/engine/src'),
                            helpers.quote(r .. '/tests/c/test_parallel.c'),
                            helpers.quote(r .. '/engine/src/parallel.c'), helpers.quote(exe))
  local _, err, rc = helpers.shell(cmd)
  if rc ~= 0 then
    os.remove(exe)
    return nil, err
  end
  local out, runerr, runrc = helpers.shell((env or '') .. ' ' .. helpers.quote(exe))
  os.remove(exe)
  assert(runrc == 0, 'test_parallel failed (' .. tostring(runrc) .. '):\n' .. out .. runerr)
  local checks, failed = out:match('(%d+) checks, (%d+) failed')
  assert(checks and tonumber(checks) > 300 and failed == '0', 'unexpected output: ' .. out .. runerr)
  return true
end

function T.pool_checks_in_c()
  local ok, err = build_and_run('')
  assert(ok, 'could not build tests/c/test_parallel.c: ' .. tostring(err))
end

function T.pool_checks_under_thread_sanitizer()
  -- The sanitizer's runtime refuses to start threads after a fork unless told.
  local ok, err = build_and_run('-fsanitize=thread', 'TSAN_OPTIONS=die_after_fork=0:halt_on_error=1')
  if not ok then skip('no ThreadSanitizer here: ' .. tostring(err):sub(1, 200)) end
end

-- uniform in +-[0.5, 1.5]: never zero
local function rand(...)
  local t = torch.FloatTensor(...):uniform(0.5, 1.5)
  return t:cmul(torch.FloatTensor(...):bernoulli(0.5):mul(2):add(-1))
end

-- Results of every kind of parallel loop, computed at the current thread count.
local function results(inputs)
  local x, y, m, v, lines, img, k, conv, lin, batch = unpack(inputs)
  local r = {}
  r.add = torch.add(x, 0.5, y)                      -- element-wise (iter.c)
  r.cmul_t = torch.cmul(m:t(), m)                   -- transposed walk in tiles
  r.sum = torch.FloatTensor({ x:sum() })             -- reduce_all: per-thread partials
  r.max = x:max(1)                                   -- reduce along a dimension
  r.mm = torch.mm(m, m:t())                          -- addmm split
  r.mv = torch.mv(m, v)                              -- addmv split (partial sums)
  r.mvt = torch.mv(m:t(), v)
  r.ger = torch.ger(v, v)                            -- addr split
  r.sort = torch.sort(lines, 2)                      -- lines on threads
  r.conv2 = torch.conv2(img, k)                      -- output rows on threads
  conv:zeroGradParameters()
  r.conv = conv:forward(batch):clone()               -- nn convolution over the batch
  r.conv_gi = conv:backward(batch, r.conv):clone()
  r.conv_gw = conv.gradWeight:clone()
  lin:zeroGradParameters()
  local xin = batch:view(batch:size(1), -1)
  r.lin = lin:forward(xin):clone()                   -- Linear: split products
  r.lin_gi = lin:backward(xin, r.lin):clone()
  r.lin_gw = lin.gradWeight:clone()
  return r
end

function T.engine_loops_agree_across_thread_counts()
  local saved = torch.getnumthreads()
  torch.manualSeed(7)
  local n = 300007
  local inputs = { rand(n), rand(n), rand(700, 700), rand(700), rand(400, 301), rand(3, 200, 200), rand(3, 5, 5),
                   nn.SpatialConvolution(3, 8, 3, 3):float(), nn.Linear(3 * 20 * 20, 700):float(),
                   rand(6, 3, 20, 20) }
  inputs[8].weight:copy(rand(8, 3, 3, 3))
  inputs[9].weight:copy(rand(700, 1200))
  local ok, err = pcall(function()
    torch.setnumthreads(1)
    local want = results(inputs)
    -- 4 and 3 are more threads than a 2-core machine has; then down and up again
    for _, t in ipairs({ 2, 4, 3, 1, 2 }) do
      torch.setnumthreads(t)
      local got = results(inputs)
      for name, w in pairs(want) do
        local g = got[name]
        local scale = math.max(w:clone():abs():max(), 1)
        local err = (g:double() - w:double()):abs():max()
        -- sums over many terms may group differently; the rest is exact
        local tol = (name == 'sum' or name:find('^mv') or name:find('^lin') or name:find('^conv_gw'))
          and 1e-4 * scale or 1e-5 * scale
        assert(err <= tol, string.format('%s at %d threads: max difference %.3g from 1 thread', name, t, err))
      end
    end
  end)
  torch.setnumthreads(saved)
  if not ok then error(err, 0) end
end

return T
