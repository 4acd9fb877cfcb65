-- image/init.lua: Torch7's `image` package (API.md 1.4) over libtlimage.
--
-- The C library (image/src) does the per-pixel work: codecs, resampling,
-- colour conversion, convolution, drawing and the SDL window. This file
-- parses Torch7's argument forms, allocates destinations and turns C
-- errors into Lua errors that name the function ("image.scale: ...").
-- Display lives in image/display.lua.

require 'torch'
local ffi = require 'ffi'

image = image or {}
local image = image

local thisdir = debug.getinfo(1, 'S').source:match('^@(.*)/[^/]*$') or '.'

-- tl_image.h, minus '#' lines (torchlight.h is already declared by torch).
local function read_header()
  -- Source tree: image/lua/image -> image/include.
  -- Installed:   share/torchlight/lua/image -> share/torchlight/include.
  local path = thisdir .. '/../../include/tl_image.h'
  local f = io.open(path, 'r')
  if not f then error('image: cannot find tl_image.h (looked at ' .. path .. ')') end
  local text = f:read('*a')
  f:close()
  return (text:gsub('\n#[^\n]*', '\n'):gsub('^#[^\n]*', ''))
end
ffi.cdef(read_header())

local function load_lib()
  local path = package.searchpath('libtlimage', package.cpath)
    or package.searchpath('tlimage', package.cpath)
  return ffi.load(path or 'tlimage')
end
local C = load_lib()
image._C = C

-- Shared helpers reach the C library through the util table.
local U = require 'image.util'
U.C = C

require 'image.io'
require 'image.transform'
require 'image.filter'
require 'image.display'

-- Runs the image tests of a source tree with the running th.
function image.test(pattern)
  local i = -1
  while arg and arg[i - 1] do i = i - 1 end
  local th = arg and arg[i] or 'th'
  local dir = thisdir .. '/../../../tests'
  return os.execute(th .. ' ' .. dir .. '/run.lua test_image ' .. (pattern or ''))
end

return image
