-- tlplot.lua: loads libtlplot (the C side of gnuplot and dashboard) once,
-- declaring its API from plot/include/tl_plot.h the way torch/init.lua
-- does with torchlight.h. Returns {C = library, ffi = ffi}.

local ffi = require 'ffi'

local thisdir = debug.getinfo(1, 'S').source:match('^@(.*)/[^/]*$') or '.'

local function read_header()
  -- Source tree: plot/lua -> plot/include.
  -- Installed:   share/torchlight/lua -> share/torchlight/include.
  local path = thisdir .. '/../include/tl_plot.h'
  local f = io.open(path, 'r')
  if not f then error('tlplot: cannot find tl_plot.h (looked at ' .. path .. ')') end
  local text = f:read('*a')
  f:close()
  return (text:gsub('\n#[^\n]*', '\n'):gsub('^#[^\n]*', ''))
end

ffi.cdef(read_header())

local path = package.searchpath('tlplot', package.cpath)
if not path then
  error('tlplot: cannot find libtlplot.so on package.cpath (is plot/ built?)')
end

return {C = ffi.load(path), ffi = ffi}
