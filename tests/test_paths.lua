-- tests/test_paths.lua: the paths package (API.md 1.7).

local tests = {}

local function check(cond, msg)
   if not cond then error(msg or 'check failed', 2) end
end

local function check_eq(got, want, msg)
   if got ~= want then
      error(string.format('%s: expected %s, got %s', msg or 'value', tostring(want), tostring(got)), 2)
   end
end

local function write(path, text)
   local f = assert(io.open(path, 'w'))
   f:write(text or '')
   f:close()
end

-- Runs f(dir) in a fresh temporary directory, removed afterwards.
local function in_tmpdir(f)
   local dir = paths.tmpname()
   os.remove(dir)
   assert(paths.mkdir(dir))
   local ok, err = pcall(f, dir)
   paths.rmall(dir, 'yes')
   if not ok then error(err, 0) end
end

local function sorted(iter)
   local t = {}
   for x in iter do t[#t + 1] = x end
   table.sort(t)
   return table.concat(t, ',')
end

function tests.paths_names()
   check_eq(paths.basename('/a/b/c.lua'), 'c.lua', 'basename')
   check_eq(paths.basename('/a/b/c.lua', 'lua'), 'c', 'basename without suffix')
   check_eq(paths.basename('/a/b/c.lua', '.lua'), 'c', 'basename without .suffix')
   check_eq(paths.basename('/a/b/c.lua', 'txt'), 'c.lua', 'other suffix kept')
   check_eq(paths.basename('/a/b/'), 'b', 'trailing slash')
   check_eq(paths.basename('c'), 'c', 'bare name')
   check_eq(paths.dirname('/a/b/c.lua'), '/a/b', 'dirname')
   check_eq(paths.dirname('a/b/'), 'a', 'dirname with trailing slash')
   check_eq(paths.dirname('c.lua'), '.', 'dirname of a bare name')
   check_eq(paths.dirname('/a'), '/', 'dirname at the root')
   check_eq(paths.dirname('/'), '/', 'dirname of the root')
   check_eq(paths.dirname('a//b'), 'a', 'repeated slashes')
   check_eq(paths.extname('/a/b/c.tar.gz'), 'gz', 'extname')
   check_eq(paths.extname('/a.d/b'), nil, 'no extension (dot in a directory)')
   check_eq(paths.extname('noext'), nil, 'no extension')
   check(not pcall(paths.basename), 'basename needs a string')
   check(not pcall(paths.dirname, {}), 'dirname needs a string')
end

function tests.paths_cwd_concat()
   local cwd = paths.cwd()
   check(cwd:sub(1, 1) == '/', 'cwd is absolute')
   check(paths.dirp(cwd), 'cwd exists')
   check_eq(paths.concat(), cwd, 'concat() is the cwd')
   check_eq(paths.concat('a', 'b'), (cwd == '/' and '' or cwd) .. '/a/b', 'relative parts')
   check_eq(paths.concat('/x/y', '../z', './w'), '/x/z/w', 'dot and dot-dot')
   check_eq(paths.concat('/x', '/y'), '/y', 'an absolute part restarts')
   check_eq(paths.concat('/x//y/'), '/x/y', 'slashes normalised')
   check_eq(paths.concat('/', '..'), '/', 'no going above the root')
end

function tests.paths_filep_dirp()
   in_tmpdir(function(dir)
      local file = dir .. '/f.txt'
      write(file, 'hello')
      check(paths.filep(file), 'filep of a file')
      check(not paths.dirp(file), 'dirp of a file')
      check(paths.dirp(dir), 'dirp of a directory')
      check(not paths.filep(dir), 'filep of a directory')
      check(not paths.filep(dir .. '/missing'), 'filep of a missing path')
      check(not paths.dirp(dir .. '/missing'), 'dirp of a missing path')
   end)
end

function tests.paths_mkdir_rmdir_rmall()
   in_tmpdir(function(dir)
      local deep = dir .. '/a/b/c'
      check(paths.mkdir(deep) == true, 'mkdir creates missing parents')
      check(paths.dirp(deep), 'created')
      local ok, msg, code = paths.mkdir(deep)
      check(ok == nil and type(msg) == 'string' and type(code) == 'number', 'mkdir of an existing dir fails')
      write(deep .. '/x', 'x')
      ok, msg = paths.rmdir(dir .. '/a/b/c')
      check(ok == nil and msg:find('c'), 'rmdir of a non-empty directory fails')
      check_eq(paths.rmall(dir .. '/a'), nil, "rmall needs 'yes'")
      check(paths.dirp(dir .. '/a'), 'still there')
      check(paths.rmall(dir .. '/a', 'yes'), 'rmall')
      check(not paths.dirp(dir .. '/a'), 'tree removed')
      check(paths.mkdir(dir .. '/e'), 'mkdir')
      check(paths.rmdir(dir .. '/e') == true, 'rmdir of an empty directory')
      local r, why = paths.rmall(dir .. '/nothing', 'yes')
      check(r == nil and why == 'not a file or directory', 'rmall of a missing path')
   end)
end

function tests.paths_dir_files_iter()
   in_tmpdir(function(dir)
      write(dir .. '/a.lua')
      write(dir .. '/b.txt')
      assert(paths.mkdir(dir .. '/sub'))
      local names = paths.dir(dir)
      table.sort(names)
      check_eq(table.concat(names, ','), '.,..,a.lua,b.txt,sub', 'dir lists everything')
      check_eq(paths.dir(dir .. '/missing'), nil, 'dir of a missing directory')
      check_eq(sorted(paths.files(dir)), '.,..,a.lua,b.txt,sub', 'files')
      check_eq(sorted(paths.files(dir, '%.lua$')), 'a.lua', 'files with a pattern')
      check_eq(sorted(paths.files(dir, function(n) return n:sub(1, 1) == 'b' end)), 'b.txt', 'files with a function')
      check_eq(sorted(paths.iterdirs(dir)), 'sub', 'iterdirs')
      check_eq(sorted(paths.iterfiles(dir)), 'a.lua,b.txt', 'iterfiles')
      check_eq(sorted(paths.files(dir .. '/missing')), '', 'files of a missing directory')
      check(not pcall(paths.files, dir, 3), 'bad filter')
   end)
end

function tests.paths_tmpname()
   local a, b = paths.tmpname(), paths.tmpname()
   check(a ~= b, 'distinct names')
   check(paths.filep(a), 'the file is created (no race for the name)')
   write(a, 'data')
   local f = assert(io.open(a))
   check_eq(f:read('*a'), 'data', 'usable')
   f:close()
   os.remove(a)
   os.remove(b)
end

function tests.paths_system()
   local sys, node, machine = paths.uname()
   check(type(sys) == 'string' and sys ~= '', 'uname sysname')
   check(type(node) == 'string' and type(machine) == 'string', 'uname nodename, machine')
   check_eq(paths.is_win(), false, 'is_win')
   check_eq(paths.is_mac(), sys == 'Darwin', 'is_mac')
   check_eq(paths.home, os.getenv('HOME') or '.', 'home')
   check_eq(paths.getregistryvalue('HKEY_CURRENT_USER', 'x', 'y'), nil, 'no registry')
   local exec = paths.execdir()
   check(exec and paths.dirp(exec), 'execdir is a directory')
   local sh = paths.findprogram('no-such-program-tl', 'sh')
   check(sh and paths.filep(sh) and paths.basename(sh) == 'sh', 'findprogram finds sh')
   check_eq(paths.findprogram('no-such-program-tl'), nil, 'findprogram of a missing program')
end

function tests.paths_thisfile_dofile()
   in_tmpdir(function(dir)
      write(dir .. '/helper.lua', 'return 40 + 2')
      write(dir .. '/main.lua', [[
         local here = paths.thisfile()
         local sibling = paths.thisfile('helper.lua')
         return here, sibling, paths.dofile('helper.lua')
      ]])
      local here, sibling, value = dofile(dir .. '/main.lua')
      check_eq(here, paths.concat(dir, 'main.lua'), 'thisfile')
      check_eq(sibling, paths.concat(dir, 'helper.lua'), 'thisfile(name)')
      check_eq(value, 42, 'dofile relative to the calling file')
   end)
   check_eq(loadstring('local s = paths.thisfile(); return s')(), nil, 'not called from a file')
end

function tests.paths_require()
   check(paths.require('paths') == paths, 'already loaded module')
   check(paths.require('string') == string, 'standard module')
   check(not pcall(paths.require, 'tl_no_such_module'), 'missing module')
end

return tests
