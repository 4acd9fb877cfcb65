-- tests/test_timer.lua: torch.Timer (reset, stop, resume, time, tostring).

local tests = {}

local function check(cond, msg)
   if not cond then error(msg or 'check failed', 2) end
end

-- Burns CPU for about `seconds` of real time.
local function spin(seconds)
   local t0 = torch.tic()
   local x = 0
   while torch.tic() - t0 < seconds do
      for i = 1, 1000 do x = x + i end
   end
   return x
end

function tests.timer_time_fields()
   local timer = torch.Timer()
   check(torch.type(timer) == 'torch.Timer', 'type')
   local t = timer:time()
   check(type(t.real) == 'number' and type(t.user) == 'number' and type(t.sys) == 'number',
         'time() returns real, user and sys')
   check(t.real >= 0 and t.user >= 0 and t.sys >= 0, 'non-negative')
   check(t.real < 1, 'a new timer starts near zero')
end

function tests.timer_measures_cpu_and_wall_time()
   local timer = torch.Timer()
   spin(0.05)
   local t = timer:time()
   check(t.real >= 0.05 and t.real < 5, 'real time covers the busy loop: ' .. t.real)
   check(t.user + t.sys > 0.01, 'cpu time counted: ' .. (t.user + t.sys))
   check(t.user <= t.real + 0.05, 'user time cannot exceed real time much for one thread')
end

function tests.timer_stop_resume()
   local timer = torch.Timer()
   spin(0.02)
   check(timer:stop() == timer, 'stop returns the timer')
   local frozen = timer:time().real
   spin(0.03)
   check(timer:time().real == frozen, 'a stopped timer does not advance')
   check(timer:resume() == timer, 'resume returns the timer')
   spin(0.02)
   local t = timer:time().real
   check(t >= frozen + 0.02, 'resumed timer continues from where it stopped')
   check(t < frozen + 0.03 + 2, 'the stopped interval is not counted')
   check(not pcall(function() timer:resume() end), 'resume of a running timer is an error')
   timer:stop()
   check(not pcall(function() timer:stop() end), 'stop of a stopped timer is an error')
end

function tests.timer_reset()
   local timer = torch.Timer()
   spin(0.03)
   check(timer:reset() == timer, 'reset returns the timer')
   check(timer:time().real < 0.03, 'reset clears the elapsed time')
   timer:stop()
   spin(0.01)
   timer:reset()
   check(timer:time().real == 0, 'reset of a stopped timer gives zero')
end

function tests.timer_tostring()
   local timer = torch.Timer()
   check(tostring(timer) == 'torch.Timer [status: running]', tostring(timer))
   timer:stop()
   check(tostring(timer) == 'torch.Timer [status: stopped]', tostring(timer))
end

return tests
