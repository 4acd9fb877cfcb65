-- tests/test_image_display.lua: image.display as a person sees it.
--
-- Each case runs a child th with its own environment (SDL is set up once
-- per process): under Xvfb a screenshot of the window (read from the X
-- server with XGetImage) must equal the renderer's read-back pixel for
-- pixel, and a second call with win= must update the same window; with
-- SDL_VIDEODRIVER=offscreen the window path works without a screen; with
-- no display the terminal fallbacks (PNG file, sixel) work.

require 'image'
local helpers = require 'helpers'

local tests = {}

-- Lua prelude for the children: our package paths, then image.
local function prelude()
  return string.format('package.path = %q; package.cpath = %q; require "image"\n',
                       package.path, package.cpath)
end

local function run_child(env, body)
  local dir = helpers.tmpdir()
  local script = dir .. '/child.lua'
  helpers.write_file(script, prelude() .. body)
  -- Under the sanitizer build, X11 and SDL's dlopened video drivers keep
  -- allocations alive until exit that LeakSanitizer cannot attribute (their
  -- modules are unloaded by then); our own leaks are covered elsewhere.
  local asan = 'ASAN_OPTIONS=' .. helpers.quote((os.getenv('ASAN_OPTIONS') or '') .. ':detect_leaks=0')
  local out, err, rc = helpers.shell(asan .. ' ' .. env .. ' ' .. helpers.quote(helpers.th_path()) .. ' ' ..
                                     helpers.quote(script))
  helpers.rmtree(dir)
  return out, err, rc
end

-- The X screenshot helper, run inside the child.
local SHOT = [[
local ffi = require 'ffi'
ffi.cdef [=[
typedef struct _XDisplay Display;
typedef struct _XImage XImage;
Display *XOpenDisplay(const char *name);
unsigned long XDefaultRootWindow(Display *d);
XImage *XGetImage(Display *d, unsigned long w, int x, int y, unsigned int width,
                  unsigned int height, unsigned long planes, int format);
unsigned long XGetPixel(XImage *img, int x, int y);
int XSync(Display *d, int discard);
int XQueryTree(Display *d, unsigned long w, unsigned long *root, unsigned long *parent,
               unsigned long **children, unsigned int *n);
int XResizeWindow(Display *d, unsigned long w, unsigned int width, unsigned int height);
]=]
local X = ffi.load('X11')
local dpy = X.XOpenDisplay(nil)
assert(dpy ~= nil, 'cannot open the X display')
-- Compares the screen under the window with the renderer's own pixels.
local function same_as_screen(win)
  local rb, wx, wy = win:readback()
  os.execute('sleep 0.3')
  X.XSync(dpy, 0)
  local h, w = rb:size(1), rb:size(2)
  local img = X.XGetImage(dpy, X.XDefaultRootWindow(dpy), wx, wy, w, h, 0xffffffff, 2)
  assert(img ~= nil, 'XGetImage failed')
  local bad = 0
  for y = 0, h - 1 do
    for x = 0, w - 1 do
      local p = tonumber(X.XGetPixel(img, x, y))
      local r, g, b = math.floor(p / 65536) % 256, math.floor(p / 256) % 256, p % 256
      if r ~= rb[y + 1][x + 1][1] or g ~= rb[y + 1][x + 1][2] or b ~= rb[y + 1][x + 1][3] then
        bad = bad + 1
      end
    end
  end
  return bad, rb
end
-- Resizes the (only) top-level window as a window manager or user would.
local function resize_toplevel(w, h)
  local r, p, c, n = ffi.new('unsigned long[1]'), ffi.new('unsigned long[1]'),
    ffi.new('unsigned long*[1]'), ffi.new('unsigned int[1]')
  X.XQueryTree(dpy, X.XDefaultRootWindow(dpy), r, p, c, n)
  assert(n[0] >= 1, 'no top-level window')
  X.XResizeWindow(dpy, c[0][n[0] - 1], w, h)
  X.XSync(dpy, 0)
end
]]

local xvfb_pid, xvfb_display

local function start_xvfb()
  if xvfb_display then return xvfb_display end
  local _, _, rc = helpers.shell('command -v Xvfb')
  if rc ~= 0 then skip('Xvfb is not installed') end
  for n = 91, 99 do
    local _, _, used = helpers.shell('test -e /tmp/.X11-unix/X' .. n)
    if used ~= 0 then
      local out = helpers.shell('Xvfb :' .. n .. ' -screen 0 640x480x24 -nolisten tcp ' ..
                                '>/dev/null 2>&1 & echo $!')
      xvfb_pid = tonumber(out:match('%d+'))
      for _ = 1, 50 do
        local _, _, up = helpers.shell('test -e /tmp/.X11-unix/X' .. n)
        if up == 0 then
          xvfb_display = ':' .. n
          return xvfb_display
        end
        os.execute('sleep 0.1')
      end
      break
    end
  end
  skip('Xvfb did not start')
end

local function stop_xvfb()
  if xvfb_pid then os.execute('kill ' .. xvfb_pid .. ' 2>/dev/null') end
  xvfb_pid, xvfb_display = nil, nil
end

function tests.window_under_xvfb_matches_screenshot_and_updates_in_place()
  local display = start_xvfb()
  local ok, err = pcall(function()
    local out, stderr, rc = run_child('DISPLAY=' .. display .. ' TORCHLIGHT_DISPLAY= ', SHOT .. [[
torch.manualSeed(7)
local a = torch.rand(3, 20, 30)
local t0 = os.clock()
local win = image.display{image = a, zoom = 2, legend = 'first'}
assert(win.kind == 'window', 'expected a window, got ' .. tostring(win.kind))
local bad, rb = same_as_screen(win)
print('size', rb:size(1), rb:size(2))
print('bad1', bad)
-- the renderer shows toDisplayTensor's bytes, zoomed by pixel replication
local d = image.toDisplayTensor{input = a}
local wrong = 0
for y = 1, 40 do for x = 1, 60 do
  local v = math.floor(d[1][math.floor((y - 1) / 2) + 1][math.floor((x - 1) / 2) + 1] * 255 + 0.5)
  if rb[y][x][1] ~= v then wrong = wrong + 1 end
end end
print('content', wrong)
local h1 = win.handle
local b = torch.rand(1, 25, 25)
local win2 = image.display{image = b, win = win, zoom = 3, legend = 'second'}
local bad2, rb2 = same_as_screen(win2)
print('same', win2 == win and win2.handle == h1)
print('size2', rb2:size(1), rb2:size(2))
print('bad2', bad2)
print('grey', rb2[10][10][1] == rb2[10][10][2] and rb2[10][10][2] == rb2[10][10][3])
-- a user's resize: the display thread repaints on its own while Lua sleeps
resize_toplevel(120, 50)
os.execute('sleep 0.5')
local bad3, rb3 = same_as_screen(win)
print('size3', rb3:size(1), rb3:size(2))
print('bad3', bad3)
-- the same frame again keeps the user's size
image.display{image = b, win = win, zoom = 3, legend = 'third'}
local _, rb4 = same_as_screen(win)
print('size4', rb4:size(1), rb4:size(2))
print('fast', os.clock() - t0 < 5)
win:close()
]])
    assert(rc == 0, 'child failed: ' .. stderr .. out)
    assert_eq(out:match('size%s+(%d+%s+%d+)'), '40\t60')
    assert_eq(out:match('bad1%s+(%d+)'), '0', 'first screenshot differs')
    assert_eq(out:match('content%s+(%d+)'), '0', 'window content')
    assert_eq(out:match('same%s+(%a+)'), 'true', 'win= reuses the window')
    assert_eq(out:match('size2%s+(%d+%s+%d+)'), '75\t75')
    assert_eq(out:match('bad2%s+(%d+)'), '0', 'second screenshot differs')
    assert_eq(out:match('grey%s+(%a+)'), 'true')
    assert_eq(out:match('size3%s+(%d+%s+%d+)'), '50\t120', 'resized window')
    assert_eq(out:match('bad3%s+(%d+)'), '0', 'screenshot after resize differs')
    assert_eq(out:match('size4%s+(%d+%s+%d+)'), '50\t120', 'user size kept')
  end)
  stop_xvfb()
  if not ok then error(err, 0) end
end

function tests.offscreen_driver_window()
  local out, err, rc = run_child('SDL_VIDEODRIVER=offscreen DISPLAY= TORCHLIGHT_DISPLAY= ', [[
local win = image.display(torch.rand(3, 8, 9))
print('kind', win.kind)
local rb = win:readback()
print('size', rb:size(1), rb:size(2))
]])
  assert(rc == 0, 'child failed: ' .. err .. out)
  assert_eq(out:match('kind%s+(%a+)'), 'window')
  assert_eq(out:match('size%s+(%d+%s+%d+)'), '8\t9')
end

function tests.no_display_writes_png()
  local out, err, rc = run_child('env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER ' ..
                                 'TERM=dumb TERM_PROGRAM= TORCHLIGHT_DISPLAY= ', [[
local a = torch.rand(3, 6, 7)
local win = image.display{image = a, legend = 'lg'}
print('kind', win.kind)
local back = image.load(win.path, nil, 'double')
local want = image.toDisplayTensor{input = a}
print('maxdiff', (back - want):abs():max())
os.remove(win.path)
]])
  assert(rc == 0, 'child failed: ' .. err .. out)
  assert_eq(out:match('kind%s+(%a+)'), 'png')
  assert(out:find('written to', 1, true), out)
  assert(tonumber(out:match('maxdiff%s+(%S+)')) <= 0.5 / 255 + 1e-9, out)
end

function tests.sixel_in_terminal()
  local out, err, rc = run_child('env -u DISPLAY TORCHLIGHT_DISPLAY=sixel ', [[
image.display(torch.rand(3, 13, 9))
]])
  assert(rc == 0, 'child failed: ' .. err .. out)
  assert(out:find('\27Pq', 1, true) == 1, 'sixel must start with DCS q')
  assert(out:find('"1;1;9;13', 1, true), 'raster attributes')
  assert(out:find('\27\\', 1, true), 'sixel must end with ST')
  local bands = select(2, out:gsub('%-', ''))
  assert_eq(bands, 3, 'one "-" per six-row band')
end

function tests.bad_display_arguments()
  assert_error(function() image.display() end, 'image.display')
  assert_error(function() image.display{image = torch.rand(3, 4, 4), zoom = -1} end, 'zoom')
  assert_error(function() image.display(torch.rand(2, 2, 3, 4, 5)) end, 'image.')
end

return tests
