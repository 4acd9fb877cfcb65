-- torch/init.lua: loads the engine through the LuaJIT FFI and assembles
-- the `torch` package (Torch7's API) from its parts.
--
-- The C API is declared once, in torchlight.h; we hand that file to
-- ffi.cdef (dropping its '#' lines) instead of repeating declarations.

local ffi = require 'ffi'

torch = torch or {}
torch._ffi = ffi

local thisdir = debug.getinfo(1, 'S').source:match('^@(.*)/[^/]*$') or '.'

local function read_header()
  -- Source tree: engine/lua/torch -> engine/include.
  -- Installed:   share/torchlight/lua/torch -> share/torchlight/include.
  local path = thisdir .. '/../../include/torchlight.h'
  local f = io.open(path, 'r')
  if not f then error('torch: cannot find torchlight.h (looked at ' .. path .. ')') end
  local text = f:read('*a')
  f:close()
  return (text:gsub('\n#[^\n]*', '\n'):gsub('^#[^\n]*', ''))
end

ffi.cdef(read_header())

-- The engine's symbols are already in the process when running under `th`
-- (it links libtorchlight); a plain luajit loads the library by path.
local function load_engine()
  local ok = pcall(function() return ffi.C.tl_op_count end)
  if ok then return ffi.C end
  local path = package.searchpath('libtorchlight', package.cpath)
    or package.searchpath('torchlight', package.cpath)
  return ffi.load(path or 'torchlight')
end

torch._C = load_engine()

require 'paths'
require 'torch.class'
require 'torch.utils'
require 'torch.tensor'
require 'torch.math'
require 'torch.operators'
require 'torch.random'
require 'torch.print'

-- Classes used less often load on first use to keep start-up fast.
local lazy = {
  Timer = 'torch.Timer', Tester = 'torch.Tester', TestSuite = 'torch.TestSuite',
  CmdLine = 'torch.CmdLine',
  File = 'torch.File', DiskFile = 'torch.File', MemoryFile = 'torch.File', PipeFile = 'torch.File',
  save = 'torch.serialize', load = 'torch.serialize', saveobj = 'torch.serialize',
  loadobj = 'torch.serialize', serialize = 'torch.serialize', deserialize = 'torch.serialize',
  serializeToStorage = 'torch.serialize', deserializeFromStorage = 'torch.serialize',
}
setmetatable(torch, {
  __index = function(t, k)
    local mod = lazy[k]
    if mod then
      lazy[k] = nil
      require(mod)
      return rawget(t, k)
    end
  end,
})

return torch
