-- tests/test_jit_traces.lua: the element accessors and the per-call paths
-- of a training step compile under LuaJIT. A closure made per call (FNEW)
-- or a return from a function whose locals a closure captured (UCLO) is
-- not compiled by LuaJIT 2.1: the loop around it then runs in the
-- interpreter, 100-500x slower (t[i] = v took 0.56 µs instead of 2 ns).
-- Each case runs a hot loop with the trace recorder watched through
-- jit.attach and fails on an abort whose reason is a construct LuaJIT
-- does not compile ("NYI").

local T = {}

local vmdef, jutil = require 'jit.vmdef', require 'jit.util'

-- The NYI abort messages seen while f runs (traces flushed first). The
-- handler only records: an error inside it would be swallowed by the VM.
local function nyi_aborts(f)
  local raw = {}
  local function on_trace(what, _, func, pc, err, info)
    if what == 'abort' then raw[#raw + 1] = { func, pc, err, info } end
  end
  jit.flush()
  jit.attach(on_trace, 'trace')
  local ok, perr = pcall(f)
  jit.attach(on_trace)
  assert(ok, perr)
  local seen = {}
  for _, r in ipairs(raw) do
    local msg = vmdef.traceerr[r[3]] or tostring(r[3])
    if type(r[4]) == 'number' and msg:find('%d', 1, true) then msg = msg:format(r[4]) end
    -- 'return to lower frame' is a trace begun inside a callee: the
    -- loop's own trace still forms, so it is not counted
    if msg:find('NYI', 1, true) and not msg:find('lower frame', 1, true) then
      seen[#seen + 1] = msg .. ' at ' .. tostring(jutil.funcinfo(r[1], r[2]).loc)
    end
  end
  return seen
end

local function compiles(name, f)
  local seen = nyi_aborts(f)
  assert(#seen == 0, name .. ': not compiled: ' .. table.concat(seen, '; '))
end

function T.tensor_element_read_and_write()
  for _, tn in ipairs({ 'Float', 'Double', 'Long', 'Byte' }) do
    local t = torch[tn .. 'Tensor'](50):random(1, 9)
    local m = torch[tn .. 'Tensor'](6, 7):random(1, 9)
    compiles(tn .. ' t[i]', function()
      local s = 0
      for _ = 1, 20 do for i = 1, 50 do s = s + t[i] end end
      assert(s > 0)
    end)
    compiles(tn .. ' t[i] = v', function()
      for _ = 1, 20 do for i = 1, 50 do t[i] = (i % 9) + 1 end end
      assert(t[50] == 6)
    end)
    compiles(tn .. ' t[{i, j}]', function()
      local s = 0
      for _ = 1, 20 do for i = 1, 6 do for j = 1, 7 do s = s + m[{ i, j }] end end end
      assert(s > 0)
    end)
  end
  local t, idx = torch.FloatTensor(4, 5):uniform(1, 2), torch.LongStorage({ 2, 3 })
  compiles('t[LongStorage]', function()
    local s = 0
    for _ = 1, 500 do s = s + t[idx] end
    assert(s >= 500)
  end)
end

function T.storage_element_read_and_write()
  for _, tn in ipairs({ 'Float', 'Long', 'Half' }) do
    local s = torch[tn .. 'Storage'](40):fill(1)
    compiles(tn .. ' s[i] and s[i] = v', function()
      local acc = 0
      for _ = 1, 20 do for i = 1, 40 do s[i] = 2; acc = acc + s[i] end end
      assert(acc == 1600)
    end)
  end
end

function T.tensor_from_table()
  compiles('torch.LongTensor{...}', function()
    local s = 0
    for i = 1, 300 do s = s + torch.LongTensor({ { i, 2 }, { 3, 4 } })[1][1] end
    assert(s == 300 * 301 / 2)
  end)
end

function T.container_step()
  require 'nn'
  local m = nn.Sequential():add(nn.Linear(4, 3)):add(nn.Tanh()):add(nn.Linear(3, 2)):float()
  local x, g = torch.FloatTensor(4):uniform(), torch.FloatTensor(2):uniform()
  compiles('Sequential zeroGradParameters/backward/updateParameters', function()
    for _ = 1, 300 do
      m:zeroGradParameters()
      m:forward(x)
      m:backward(x, g)
      m:updateParameters(1e-6)
    end
  end)
end

function T.criterion_step()
  require 'nn'
  local crit = nn.ClassNLLCriterion():float()
  local x = torch.FloatTensor(10):uniform(-3, -1)
  compiles('ClassNLLCriterion forward/backward', function()
    for i = 1, 500 do
      crit:forward(x, i % 10 + 1)
      crit:backward(x, i % 10 + 1)
    end
  end)
end

return T
