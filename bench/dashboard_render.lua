-- bench/dashboard_render.lua: the dashboard's costs, as `name value unit`
-- lines (best of REPS after a warm-up), the format of bench/bench.lua.
--
--   build/th bench/dashboard_render.lua [REPS]
--
--   frame_1e6         one scalar pane, 1e6 points, 1200x800 (budget 16 ms)
--   frame_1e6_smooth  the same with EMA smoothing (EMA cached per series)
--   frame_2x1e6_log   two 1e6-point series, smoothing, log y
--   push              one Scalar:push from Lua, no frame due
--   step_overhead     a push per step, as a share of a 1e4-step loop doing a
--                     64x64 matrix product per step (a tiny training step)

local dashboard = require 'dashboard'
local C = require('tlplot').C

local reps = tonumber(arg and arg[1]) or 5
local now = dashboard.now

local function emit(name, value, unit) print(string.format('%s %.4g %s', name, value, unit)) end

local function best(f)
  f()
  local b = math.huge
  for _ = 1, reps do
    local t = now()
    f()
    b = math.min(b, now() - t)
  end
  return b
end

local function filled(opts, nseries)
  local d = dashboard.new{headless = true, width = 1200, height = 800}
  local p = d:scalar('big', opts)
  for k = 1, nseries do
    p:push('s' .. k, 1)
    local s = p.series['s' .. k].c
    for i = 2, 1e6 do C.tlp_series_push(s, i, math.exp(-i / 3e5) * (1 + 0.1 * math.sin(i)) + k) end
  end
  return d
end

local d = filled({}, 1)
emit('frame_1e6', best(function() d:render() end) * 1e3, 'ms')
d:close()
d = filled({smoothing = 0.6}, 1)
emit('frame_1e6_smooth', best(function() d:render() end) * 1e3, 'ms')
d:close()
d = filled({smoothing = 0.6, logy = true}, 2)
emit('frame_2x1e6_log', best(function() d:render() end) * 1e3, 'ms')
d:close()

d = dashboard.new{headless = true}
local p = d:scalar('loss')
emit('push', best(function() for i = 1, 1e5 do p:push('train', 1 / i) end end) / 1e5 * 1e9, 'ns')

local a, b = torch.randn(64, 64), torch.randn(64, 64)
local n = 1e4
local plain = best(function() for _ = 1, n do torch.mm(a, b) end end)
local pushed = best(function() for i = 1, n do torch.mm(a, b); p:push('train', i) end end)
emit('step_overhead', (pushed - plain) / plain * 100, '%')
d:close()
