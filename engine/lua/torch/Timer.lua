-- torch/Timer.lua: torch.Timer, a stopwatch for real, user and system time.
--
-- A timer starts running when created. stop() banks the time elapsed
-- since the last (re)start, resume() starts counting again, reset()
-- clears the banked time. time() returns {real=, user=, sys=} in seconds.
-- Real time comes from CLOCK_MONOTONIC, CPU times from getrusage.

local torch = torch
local ffi = torch._ffi or require('ffi')
local C = ffi.C

if not pcall(ffi.typeof, 'tl_timer_timespec') then
   ffi.cdef [[
      typedef struct tl_timer_timespec { long tv_sec; long tv_nsec; } tl_timer_timespec;
      typedef struct tl_timer_timeval { long tv_sec; long tv_usec; } tl_timer_timeval;
      typedef struct tl_timer_rusage {
         tl_timer_timeval ru_utime, ru_stime;
         long ru_rest[14];
      } tl_timer_rusage;
      int tl_timer_clock_gettime(int clk, tl_timer_timespec *ts) __asm__("clock_gettime");
      int tl_timer_getrusage(int who, tl_timer_rusage *usage) __asm__("getrusage");
   ]]
end

local CLOCK_MONOTONIC, RUSAGE_SELF = 1, 0
local ts = ffi.new('tl_timer_timespec')
local ru = ffi.new('tl_timer_rusage')

-- Current real, user and system times in seconds.
local function now()
   C.tl_timer_clock_gettime(CLOCK_MONOTONIC, ts)
   C.tl_timer_getrusage(RUSAGE_SELF, ru)
   local real = tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
   local user = tonumber(ru.ru_utime.tv_sec) + tonumber(ru.ru_utime.tv_usec) * 1e-6
   local sys = tonumber(ru.ru_stime.tv_sec) + tonumber(ru.ru_stime.tv_usec) * 1e-6
   return real, user, sys
end

local Timer = torch.class('torch.Timer')

function Timer:__init()
   self._total_real, self._total_user, self._total_sys = 0, 0, 0
   self._start_real, self._start_user, self._start_sys = now()
   self._running = true
end

-- Clears the banked time; a running timer restarts from zero.
function Timer:reset()
   self._total_real, self._total_user, self._total_sys = 0, 0, 0
   self._start_real, self._start_user, self._start_sys = now()
   return self
end

function Timer:stop()
   if not self._running then error('torch.Timer:stop: timer not running', 2) end
   local r, u, s = now()
   self._total_real = self._total_real + (r - self._start_real)
   self._total_user = self._total_user + (u - self._start_user)
   self._total_sys = self._total_sys + (s - self._start_sys)
   self._running = false
   return self
end

function Timer:resume()
   if self._running then error('torch.Timer:resume: timer is already running', 2) end
   self._start_real, self._start_user, self._start_sys = now()
   self._running = true
   return self
end

function Timer:time()
   local real, user, sys = self._total_real, self._total_user, self._total_sys
   if self._running then
      local r, u, s = now()
      real = real + (r - self._start_real)
      user = user + (u - self._start_user)
      sys = sys + (s - self._start_sys)
   end
   return { real = real, user = user, sys = sys }
end

function Timer:__tostring__()
   return string.format('torch.Timer [status: %s]', self._running and 'running' or 'stopped')
end

return Timer
