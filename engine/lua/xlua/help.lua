-- xlua/help.lua: documentation of xlua's functions for the REPL's `?`
-- (the `<pkg>.help` convention described in torch/help.lua).
return {
  ['xlua.progress'] = [==[
xlua.progress(current, goal)

Draws a progress bar on the terminal: [====>....] with current/goal in its
middle, then "ETA: <time> | Step: <time per call>" while running and
"Tot: <total time> | Step: ..." when current reaches goal (then a newline).
The step time is averaged over the last 100 calls. A new bar starts when
current goes down. When stdout is not a terminal it prints a plain line
every tenth of the way instead.]==],
  ['xlua.formatTime'] = [==[
xlua.formatTime(seconds)

The duration in at most two units from D, h, m, s, ms: 3720 -> "1h2m",
0.012 -> "12ms", 0 -> "0ms".]==],
  ['xlua.print'] = [==[
xlua.print(...)

print, with tables printed recursively as the REPL does.]==],
  ['xlua.error'] = [==[
xlua.error(message [, domain [, usage]])

Raises "domain: message", followed by the usage text when given.]==],
}
