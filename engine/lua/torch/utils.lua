-- torch/utils.lua: environment helpers of the torch package.
--
-- Threads (through the engine), wall-clock tic/toc, isatty, function
-- environments, package paths and `include`, plus the heap-tracking and
-- error-handler hooks that only had internal meaning in Torch7 (kept as
-- harmless no-ops so scripts calling them still run).

local torch = torch
local ffi = torch._ffi or require('ffi')
local C = ffi.C

-- Private names bound to libc symbols, so declarations made elsewhere
-- (with other struct types) can never clash with these.
if not pcall(ffi.typeof, 'tl_utils_timespec') then
   ffi.cdef [[
      typedef struct tl_utils_timespec { long tv_sec; long tv_nsec; } tl_utils_timespec;
      int tl_utils_clock_gettime(int clk, tl_utils_timespec *ts) __asm__("clock_gettime");
      int tl_utils_isatty(int fd) __asm__("isatty");
      int tl_utils_fileno(void *fp) __asm__("fileno");
   ]]
end

local CLOCK_REALTIME = 0
local ts = ffi.new('tl_utils_timespec')

local function check(cond, fname, n, msg)
   if not cond then error(string.format("bad argument #%d to '%s' (%s)", n, fname, msg), 3) end
end

---------------------------------------------------------------------------
-- Threads

function torch.getnumthreads()
   return tonumber(torch._C.tl_get_num_threads())
end

function torch.setnumthreads(n)
   check(type(n) == 'number', 'torch.setnumthreads', 1, 'number expected, got ' .. type(n))
   check(n >= 1 and n == math.floor(n), 'torch.setnumthreads', 1,
         'a positive integer is expected, got ' .. tostring(n))
   torch._C.tl_set_num_threads(n)
end

function torch.getnumcores()
   return tonumber(torch._C.tl_get_num_cores())
end

---------------------------------------------------------------------------
-- Time: tic() is the wall clock in seconds, toc(t) the seconds since t.

function torch.tic()
   C.tl_utils_clock_gettime(CLOCK_REALTIME, ts)
   return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

function torch.toc(t)
   check(type(t) == 'number', 'torch.toc', 1, 'number expected (from torch.tic), got ' .. type(t))
   return torch.tic() - t
end

---------------------------------------------------------------------------
-- Files

-- True when a Lua file handle refers to a terminal. LuaJIT's FFI converts
-- an io file handle to its FILE pointer.
function torch.isatty(file)
   local kind = io.type(file)
   check(kind ~= nil, 'torch.isatty', 1, 'file expected, got ' .. type(file))
   if kind ~= 'file' then return false end
   local fd
   if file == io.stdin then fd = 0
   elseif file == io.stdout then fd = 1
   elseif file == io.stderr then fd = 2
   else
      local fp = ffi.cast('void *', file)
      if fp == nil then return false end
      fd = C.tl_utils_fileno(fp)
   end
   return fd >= 0 and C.tl_utils_isatty(fd) == 1
end

---------------------------------------------------------------------------
-- Function environments

function torch.getenv(f)
   local t = type(f)
   check(t == 'function' or t == 'userdata', 'torch.getenv', 1, 'function or userdata expected, got ' .. t)
   return debug.getfenv(f) or {}
end

function torch.setenv(f, env)
   local t = type(f)
   check(t == 'function' or t == 'userdata', 'torch.setenv', 1, 'function or userdata expected, got ' .. t)
   check(type(env) == 'table', 'torch.setenv', 2, 'table expected, got ' .. type(env))
   debug.setfenv(f, env)
end

---------------------------------------------------------------------------
-- Packages

-- Directory holding package `name` (the first match on package.path);
-- with no name, the directory holding the torch package itself.
function torch.packageLuaPath(name)
   if name == nil then
      local dir = torch.packageLuaPath('torch')
      return dir and dir:match('(.*)/')
   end
   check(type(name) == 'string', 'torch.packageLuaPath', 1, 'string expected, got ' .. type(name))
   for template in package.path:gmatch('[^;]+') do
      local path = template:gsub('%?', (name:gsub('%%', '%%%%')))
      local f = io.open(path)
      if f then
         f:close()
         return path:match('(.*)/') or '.'
      end
   end
   return nil
end

function torch.include(pkg, file)
   check(type(pkg) == 'string', 'torch.include', 1, 'package name expected, got ' .. type(pkg))
   check(type(file) == 'string', 'torch.include', 2, 'file name expected, got ' .. type(file))
   local dir = torch.packageLuaPath(pkg)
   if not dir then error("torch.include: package '" .. pkg .. "' not found on package.path", 2) end
   return dofile(dir .. '/' .. file)
end

-- include(file): runs `file` relative to the directory of the calling
-- script. Not a tail call: paths.dofile counts stack levels.
local function include(file, depth)
   local res = require('paths').dofile(file, 3 + (depth or 0))
   return res
end
rawset(_G, 'include', include)

---------------------------------------------------------------------------
-- Internal hooks of Torch7, kept for scripts that call them.

function torch.setheaptracking(enabled)
   torch._heaptracking = enabled and true or false
end

function torch.updateerrorhandlers()
end

function torch.updatethreadlocals()
   torch.updateerrorhandlers()
   torch.setheaptracking(torch._heaptracking or false)
end

return torch
