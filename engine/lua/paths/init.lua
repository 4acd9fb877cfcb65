-- paths/init.lua: file-name and directory functions (the `paths` package).
--
-- Pure Lua over LuaJIT's FFI to libc (Linux; macOS where the layout is
-- the same). Independent of torch. Path arguments are strings; a file
-- system call that fails returns nil, a message and errno, as in Lua's
-- own io/os functions; a bad argument raises an error.

local ffi = require('ffi')
local C = ffi.C

local paths = {}

-- libc symbols under private names, so other ffi.cdef declarations of the
-- same functions (with other struct types) cannot clash with these.
if not pcall(ffi.typeof, 'tl_paths_dirent') then
   ffi.cdef [[
      typedef struct tl_paths_dirent {
         uint64_t d_ino; int64_t d_off; unsigned short d_reclen; unsigned char d_type;
         char d_name[256];
      } tl_paths_dirent;
      typedef struct tl_paths_utsname {
         char sysname[65]; char nodename[65]; char release[65];
         char version[65]; char machine[65]; char domainname[65];
      } tl_paths_utsname;
      int tl_paths_stat(const char *path, void *buf) __asm__("stat");
      int tl_paths_xstat(int ver, const char *path, void *buf) __asm__("__xstat");
      int tl_paths_access(const char *path, int mode) __asm__("access");
      char *tl_paths_getcwd(char *buf, size_t size) __asm__("getcwd");
      long tl_paths_readlink(const char *path, char *buf, size_t size) __asm__("readlink");
      void *tl_paths_opendir(const char *path) __asm__("opendir");
      tl_paths_dirent *tl_paths_readdir(void *dir) __asm__("readdir");
      int tl_paths_closedir(void *dir) __asm__("closedir");
      int tl_paths_mkdir(const char *path, unsigned int mode) __asm__("mkdir");
      int tl_paths_rmdir(const char *path) __asm__("rmdir");
      int tl_paths_mkstemp(char *template) __asm__("mkstemp");
      int tl_paths_close(int fd) __asm__("close");
      int tl_paths_unlink(const char *path) __asm__("unlink");
      int tl_paths_uname(tl_paths_utsname *buf) __asm__("uname");
      char *tl_paths_strerror(int errnum) __asm__("strerror");
      void *tl_paths_dlopen(const char *file, int mode) __asm__("dlopen");
      char *tl_paths_dlerror(void) __asm__("dlerror");
   ]]
end

local function check_string(fname, n, s)
   if type(s) == 'number' then return tostring(s) end
   if type(s) ~= 'string' then
      error(string.format("bad argument #%d to 'paths.%s' (string expected, got %s)", n, fname, type(s)), 3)
   end
   return s
end

-- nil, "path: reason", errno: the failure triple of Lua's io library.
local function failure(path)
   local e = ffi.errno()
   return nil, path .. ': ' .. ffi.string(C.tl_paths_strerror(e)), e
end

---------------------------------------------------------------------------
-- stat: only st_mode is needed. Its offset in struct stat depends on the
-- architecture (glibc); elsewhere fall back on opendir/fopen probes.

local MODE_OFFSET = ({ x64 = 24, arm64 = 16 })[ffi.arch]
local XSTAT_VER = ({ x64 = 1, arm64 = 0 })[ffi.arch]
local S_IFMT, S_IFDIR = 0xF000, 0x4000
local statbuf = ffi.new('uint8_t[256]')

local have_stat = ffi.os == 'Linux' and MODE_OFFSET ~= nil
   and pcall(function() return C.tl_paths_stat end)
local have_xstat = ffi.os == 'Linux' and MODE_OFFSET ~= nil and not have_stat
   and pcall(function() return C.tl_paths_xstat end)

-- st_mode of path, or nil when it does not exist (or is unreachable).
local function mode_of(path)
   local rc
   if have_stat then
      rc = C.tl_paths_stat(path, statbuf)
   elseif have_xstat then
      rc = C.tl_paths_xstat(XSTAT_VER, path, statbuf)
   else
      local d = C.tl_paths_opendir(path)
      if d ~= nil then C.tl_paths_closedir(d); return S_IFDIR end
      local f = io.open(path, 'r')
      if f then f:close(); return 0x8000 end
      return nil
   end
   if rc ~= 0 then return nil end
   return ffi.cast('uint32_t *', statbuf + MODE_OFFSET)[0]
end

-- True if path exists and is not a directory.
function paths.filep(path)
   local mode = mode_of(check_string('filep', 1, path))
   return mode ~= nil and bit.band(mode, S_IFMT) ~= S_IFDIR
end

function paths.dirp(path)
   local mode = mode_of(check_string('dirp', 1, path))
   return mode ~= nil and bit.band(mode, S_IFMT) == S_IFDIR
end

---------------------------------------------------------------------------
-- Names

-- Last component of path (trailing slashes ignored), without `.suffix`
-- when given (with or without its dot).
function paths.basename(path, suffix)
   path = check_string('basename', 1, path)
   local name = path:match('([^/]*)/*$')
   if suffix ~= nil then
      suffix = check_string('basename', 2, suffix):gsub('^%.', '')
      if suffix ~= '' and #name > #suffix + 1 and name:sub(-#suffix - 1) == '.' .. suffix then
         name = name:sub(1, -#suffix - 2)
      end
   end
   return name
end

-- Everything before the last component: 'a/b/c' -> 'a/b', 'a' -> '.',
-- '/a' -> '/'.
function paths.dirname(path)
   path = check_string('dirname', 1, path)
   local last
   local from = 1
   while true do
      local s = path:find('/[^/]', from)
      if not s then break end
      last, from = s, s + 1
   end
   if not last then
      return path:sub(1, 1) == '/' and '/' or '.'
   end
   local dir = path:sub(1, last - 1):gsub('/+$', '')
   return dir ~= '' and dir or '/'
end

-- Extension of the last component ('a/b.tar.gz' -> 'gz'), or nil.
function paths.extname(path)
   local name = paths.basename(check_string('extname', 1, path))
   return name:match('%.([^.]*)$')
end

function paths.cwd()
   local size = 4096
   while size <= 1048576 do
      local buf = ffi.new('char[?]', size)
      if C.tl_paths_getcwd(buf, size) ~= nil then return ffi.string(buf) end
      if ffi.errno() ~= 34 then break end -- ERANGE: retry with more room
      size = size * 4
   end
   return '.'
end

-- Joins `name` to `base` and normalises: '.' dropped, '..' removes the
-- previous component, repeated slashes collapsed. An absolute name
-- replaces base.
local function join(base, name)
   local parts, absolute = {}, false
   if name:sub(1, 1) == '/' then
      absolute = true
   else
      absolute = base:sub(1, 1) == '/'
      for c in base:gmatch('[^/]+') do parts[#parts + 1] = c end
   end
   for c in name:gmatch('[^/]+') do
      if c == '..' then
         if #parts > 0 and parts[#parts] ~= '..' then
            parts[#parts] = nil
         elseif not absolute then
            parts[#parts + 1] = c
         end
      elseif c ~= '.' then
         parts[#parts + 1] = c
      end
   end
   local s = table.concat(parts, '/')
   if absolute then return '/' .. s end
   return s ~= '' and s or '.'
end

-- concat(a, b, ...): an absolute, normalised path built from the current
-- directory and each argument in turn; with no argument, the cwd.
function paths.concat(...)
   local path = paths.cwd()
   for i = 1, select('#', ...) do
      path = join(path, check_string('concat', i, (select(i, ...))))
   end
   return path
end

-- Directory of the running executable (from /proc/self/exe), or nil.
function paths.execdir()
   local buf = ffi.new('char[4096]')
   local n = C.tl_paths_readlink('/proc/self/exe', buf, 4096)
   if n <= 0 or n >= 4096 then return nil end
   return paths.dirname(ffi.string(buf, n))
end

---------------------------------------------------------------------------
-- Directories

-- Names in directory path (including '.' and '..'), or nil if it cannot
-- be read.
function paths.dir(path)
   path = check_string('dir', 1, path)
   local d = C.tl_paths_opendir(path)
   if d == nil then return nil end
   local names = {}
   while true do
      local e = C.tl_paths_readdir(d)
      if e == nil then break end
      names[#names + 1] = ffi.string(e.d_name)
   end
   C.tl_paths_closedir(d)
   return names
end

-- Iterator over the names in dir, optionally only those matching a Lua
-- pattern or accepted by a function.
function paths.files(path, filter)
   local names = paths.dir(path)
   if type(filter) == 'string' then
      local pattern = filter
      filter = function(name) return name:find(pattern) ~= nil end
   elseif filter ~= nil and type(filter) ~= 'function' then
      error('paths.files: expecting optional arg 2 to be function or string, got ' .. type(filter), 2)
   end
   local i = 0
   return function()
      while names do
         i = i + 1
         local name = names[i]
         if name == nil then return nil end
         if not filter or filter(name) then return name end
      end
      return nil
   end
end

-- Iterators over the subdirectories / the files of path ('.' and '..'
-- excluded).
function paths.iterdirs(path)
   return paths.files(path, function(name)
      return name ~= '.' and name ~= '..' and paths.dirp(path .. '/' .. name)
   end)
end

function paths.iterfiles(path)
   return paths.files(path, function(name)
      return name ~= '.' and name ~= '..' and paths.filep(path .. '/' .. name)
   end)
end

-- mkdir(path): creates path and any missing parent. true, or nil+message.
function paths.mkdir(path)
   path = check_string('mkdir', 1, path)
   local parent = paths.dirname(path)
   if parent ~= path and not paths.dirp(parent) then
      local ok, msg, code = paths.mkdir(parent)
      if not ok then return ok, msg, code end
   end
   if C.tl_paths_mkdir(path, tonumber('777', 8)) ~= 0 then return failure(path) end
   return true
end

function paths.rmdir(path)
   path = check_string('rmdir', 1, path)
   if C.tl_paths_rmdir(path) ~= 0 then return failure(path) end
   return true
end

-- rmall(path, 'yes'): removes a file or a whole tree. The 'yes' guards
-- against accidents. true, or nil, message, and the offending path.
function paths.rmall(path, confirm)
   if confirm ~= 'yes' then
      return nil, "missing second argument ('yes')"
   end
   path = check_string('rmall', 1, path)
   if paths.filep(path) then
      return os.remove(path)
   elseif paths.dirp(path) then
      for name in paths.files(path) do
         if name ~= '.' and name ~= '..' then
            local sub = paths.concat(path, name)
            local ok, msg = paths.rmall(sub, 'yes')
            if not ok then return ok, msg, sub end
         end
      end
      return paths.rmdir(path)
   end
   return nil, 'not a file or directory', path
end

---------------------------------------------------------------------------
-- Temporary files: tmpname() creates an empty file with a fresh name
-- (mkstemp, so no other process can take the name) and returns its path.
-- The files still present when the Lua state closes are removed.

local tmpfiles = {}
local tmp_sentinel = newproxy and newproxy(true) or setmetatable({}, {})
getmetatable(tmp_sentinel).__gc = function()
   for _, name in ipairs(tmpfiles) do C.tl_paths_unlink(name) end
end
paths._tmp_sentinel = tmp_sentinel

function paths.tmpname()
   local dir = os.getenv('TMPDIR')
   if not dir or dir == '' then dir = '/tmp' end
   local template = dir:gsub('/+$', '') .. '/luatmp_XXXXXX'
   local buf = ffi.new('char[?]', #template + 1, template)
   local fd = C.tl_paths_mkstemp(buf)
   if fd < 0 then return failure(template) end
   C.tl_paths_close(fd)
   local name = ffi.string(buf)
   tmpfiles[#tmpfiles + 1] = name
   return name
end

---------------------------------------------------------------------------
-- System

-- sysname, nodename, machine (e.g. 'Linux', 'host', 'x86_64').
function paths.uname()
   local u = ffi.new('tl_paths_utsname')
   if C.tl_paths_uname(u) ~= 0 then return 'Unknown' end
   return ffi.string(u.sysname), ffi.string(u.nodename), ffi.string(u.machine)
end

function paths.is_win()
   return (paths.uname():match('Windows')) ~= nil
end

function paths.is_mac()
   return (paths.uname():match('Darwin')) ~= nil
end

-- The Windows registry does not exist here.
function paths.getregistryvalue()
   return nil
end

paths.home = os.getenv('HOME') or '.'

-- First of the given program names found as an executable on PATH.
function paths.findprogram(...)
   for i = 1, select('#', ...) do
      local exe = check_string('findprogram', i, (select(i, ...)))
      if exe:find('/') then
         if paths.filep(exe) and C.tl_paths_access(exe, 1) == 0 then return paths.concat(exe) end
      else
         for dir in (os.getenv('PATH') or '.'):gmatch('[^:]+') do
            local full = paths.concat(dir, exe)
            if paths.filep(full) and C.tl_paths_access(full, 1) == 0 then return full end
         end
      end
   end
   return nil
end

---------------------------------------------------------------------------
-- Scripts

-- thisfile([name] [, depth]): the absolute path of the calling script
-- (the function `depth` levels up, default 2 = the caller), or with a
-- name, that name next to the script. nil when not called from a file.
function paths.thisfile(name, depth)
   local info = debug.getinfo(depth or 2, 'S')
   local s = info and info.source
   if type(s) == 'string' and s:sub(1, 1) == '@' then
      s = paths.concat(s:sub(2))
   else
      s = nil
   end
   if type(name) == 'string' then
      s = s and paths.concat(paths.dirname(s), name) or name
   end
   return s
end

-- dofile(file [, depth]): runs file relative to the calling script's
-- directory.
function paths.dofile(file, depth)
   file = check_string('dofile', 1, file)
   local here = paths.thisfile(nil, 1 + (depth or 2))
   if here and here ~= '' then
      file = paths.concat(paths.dirname(here), file)
   end
   return dofile(file)
end

-- require(name): loads a C module from package.cpath with its symbols
-- made global (RTLD_GLOBAL), so libraries loaded later can link against
-- it; a name with no C module is handed to the ordinary require.
local RTLD_LAZY = 1
local RTLD_GLOBAL = ffi.os == 'OSX' and 8 or 0x100

function paths.require(name)
   name = check_string('require', 1, name)
   local loaded = package.loaded[name]
   if loaded then return loaded end
   local fname = name:gsub('%.', '/')
   for template in package.cpath:gmatch('[^;]+') do
      local file = template:gsub('%?', (fname:gsub('%%', '%%%%')))
      local f = io.open(file, 'r')
      if f then
         f:close()
         if C.tl_paths_dlopen(file, bit.bor(RTLD_LAZY, RTLD_GLOBAL)) == nil then
            error("paths.require: cannot load '" .. file .. "': " .. ffi.string(C.tl_paths_dlerror()), 2)
         end
         local open, err = package.loadlib(file, 'luaopen_' .. name:gsub('%.', '_'))
         if not open then error('paths.require: ' .. tostring(err), 2) end
         package.loaded[name] = true
         local mod = open(name)
         if mod ~= nil then package.loaded[name] = mod end
         return package.loaded[name]
      end
   end
   return require(name)
end

rawset(_G, "paths", paths)
return paths
