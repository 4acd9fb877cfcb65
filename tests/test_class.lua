-- tests/test_class.lua: torch.class and the class/environment functions
-- of API.md 1.1.4 (type, typename, isTypeOf, factory, metatables,
-- pointer, isequal, version, getenv/setenv, tic/toc, isatty, threads,
-- packageLuaPath, include).

local tests = {}

local function check(cond, msg)
   if not cond then error(msg or 'check failed', 2) end
end

local function check_eq(got, want, msg)
   if got ~= want then
      error(string.format('%s: expected %s, got %s', msg or 'value', tostring(want), tostring(got)), 2)
   end
end

local function check_error(f, pattern)
   local ok, err = pcall(f)
   if ok then error('expected an error matching ' .. pattern, 2) end
   if not tostring(err):find(pattern) then
      error('error "' .. tostring(err) .. '" does not match ' .. pattern, 2)
   end
end

-- A fresh module table per test keeps class constructors out of _G.
local function module()
   return {}
end

function tests.class_constructor_and_methods()
   local M = module()
   local Point = torch.class('tltest.Point', M)
   function Point:__init(x, y) self.x, self.y = x, y end
   function Point:norm2() return self.x * self.x + self.y * self.y end
   check(type(M.Point) == 'table', 'constructor table published in the module')
   local p = M.Point(3, 4)
   check_eq(p:norm2(), 25, 'method')
   check_eq(torch.type(p), 'tltest.Point', 'torch.type')
   check_eq(torch.typename(p), 'tltest.Point', 'torch.typename')
   check(getmetatable(p) == Point, 'instance metatable is the class table')
   check(torch.getmetatable('tltest.Point') == Point, 'torch.getmetatable')
   check(M.Point.norm2 == Point.norm2, 'constructor table reads the methods')
   -- methods added through the constructor table land in the class
   function M.Point:sum() return self.x + self.y end
   check_eq(rawget(Point, 'sum'), M.Point.sum, 'method defined through constructor table')
   check_eq(p:sum(), 7, 'new method on old instance')
end

function tests.class_dotted_name_goes_to_global_module()
   rawset(_G, 'tltest_pkg', {})
   local ok, err = pcall(function()
      torch.class('tltest_pkg.Thing')
      function tltest_pkg.Thing:__init(v) self.v = v end
      check_eq(tltest_pkg.Thing(5).v, 5, 'constructor at the dotted name')
   end)
   rawset(_G, 'tltest_pkg', nil)
   if not ok then error(err, 0) end
   check_error(function() torch.class('tltest_missing_pkg.Thing') end, 'invalid module name')
end

function tests.class_inheritance()
   local M = module()
   local Animal = torch.class('tltest.Animal', M)
   function Animal:__init(name) self.name = name; self.legs = 4 end
   function Animal:speak() return '...' end
   function Animal:describe() return self.name .. ' says ' .. self:speak() end
   local Bird, parent = torch.class('tltest.Bird', 'tltest.Animal', M)
   check(parent == Animal, 'torch.class returns the parent class')
   function Bird:__init(name)
      parent.__init(self, name)
      self.legs = 2
   end
   function Bird:speak() return 'tweet' end
   local Chick = torch.class('tltest.Chick', 'tltest.Bird', M)  -- no __init: inherited
   local b, c = M.Bird('tweety'), M.Chick('small')
   check_eq(b:describe(), 'tweety says tweet', 'overridden method through inherited one')
   check_eq(b.legs, 2, 'subclass init')
   check_eq(c.legs, 2, 'inherited init')
   check_eq(M.Animal('cat'):describe(), 'cat says ...', 'parent unaffected')
   check(torch.isTypeOf(c, 'tltest.Animal'), 'grandparent')
   check(torch.isTypeOf(c, 'tltest.Bird'), 'parent')
   check(torch.isTypeOf(c, M.Chick), 'constructor table spec')
   check(not torch.isTypeOf(b, 'tltest.Chick'), 'not a subclass')
   check(not torch.isTypeOf(M.Animal('x'), M.Bird), 'not a subclass (constructor)')
   check(getmetatable(Chick) == Bird, 'class table chain')
end

function tests.class_isTypeOf_patterns()
   local M = module()
   torch.class('tltest.Linear', M)
   torch.class('tltest.LinearNoBias', 'tltest.Linear', M)
   local l, n = M.Linear(), M.LinearNoBias()
   check(torch.isTypeOf(l, 'tltest.Linear'), 'exact name')
   check(not torch.isTypeOf(l, 'tltest.Lin'), 'a plain name must match the whole type name')
   check(torch.isTypeOf(l, 'tltest%..*'), 'a pattern may match')
   check(torch.isTypeOf(n, 'tltest.Linear'), 'through the parent')
   check(not torch.isTypeOf({}, 'tltest.Linear'), 'plain table')
   check(not torch.isTypeOf(3, 'number'), 'non-torch value')
   check_error(function() torch.isTypeOf(l, 3) end, 'type must be provided')
end

function tests.class_metamethods()
   local M = module()
   local V = torch.class('tltest.Vec', M)
   function V:__init(x) self.x = x end
   function V:__tostring() return 'Vec(' .. self.x .. ')' end
   function V.__add(a, b)
      local ax = type(a) == 'number' and a or a.x
      local bx = type(b) == 'number' and b or b.x
      return M.Vec(ax + bx)
   end
   function V.__sub(a, b) return M.Vec(a.x - b.x) end
   function V.__mul(a, b) return M.Vec(a.x * (type(b) == 'number' and b or b.x)) end
   function V.__unm(a) return M.Vec(-a.x) end
   function V.__eq(a, b) return a.x == b.x end
   function V.__lt(a, b) return a.x < b.x end
   function V.__le(a, b) return a.x <= b.x end
   function V.__concat(a, b) return tostring(a) .. '|' .. tostring(b) end
   function V:__call(k) return self.x * k end
   local a, b = M.Vec(1), M.Vec(2)
   check_eq(tostring(a), 'Vec(1)', '__tostring')
   check_eq((a + b).x, 3, '__add')
   check_eq((2 + a).x, 3, '__add with a number on the left')
   check_eq((b - a).x, 1, '__sub')
   check_eq((b * 5).x, 10, '__mul')
   check_eq((-b).x, -2, '__unm')
   check(a == M.Vec(1), '__eq')
   check(a ~= b, '__eq false')
   check(a < b and a <= b and not (b < a), '__lt/__le')
   check_eq(a .. b, 'Vec(1)|Vec(2)', '__concat')
   check_eq(b(10), 20, '__call')

   -- a subclass inherits them all
   local W = torch.class('tltest.Vec2', 'tltest.Vec', M)
   local w = M.Vec2(7)
   check(getmetatable(w) == W, 'subclass instance')
   check_eq(tostring(w), 'Vec(7)', 'inherited __tostring')
   check_eq((w + a).x, 8, 'inherited __add')
   check_eq(w(2), 14, 'inherited __call')
   check(w == M.Vec2(7), 'inherited __eq')
end

function tests.class_torch7_operator_spelling()
   -- Torch7 classes (nn.Module...) spell metamethods __tostring__ etc.
   local M = module()
   local T = torch.class('tltest.Old', M)
   function T:__init(n) self.n = n end
   function T:__tostring__() return 'Old#' .. self.n end
   function T:__call__(x) return x + self.n end
   torch.class('tltest.OldChild', 'tltest.Old', M)
   local o = M.OldChild(4)
   check_eq(tostring(o), 'Old#4', '__tostring__')
   check_eq(o(1), 5, '__call__')
end

function tests.class_default_metamethods()
   local M = module()
   torch.class('tltest.Plain', M)
   local p = M.Plain()
   check_eq(tostring(p), 'tltest.Plain', 'default tostring is the type name')
   check_error(function() return p(1) end, 'tltest.Plain has no call operator')
   check_error(function() return p + 1 end, 'no addition operator')
   check_error(function() return -p end, 'no negation operator')
   check(p == p and p ~= M.Plain(), 'default == is identity')
   p[1], p[2] = 'a', 'b'
   check_eq(#p, 2, 'length of a plain instance')
end

function tests.class_factory_and_setmetatable()
   local M = module()
   local F = torch.class('tltest.Fac', M)
   local inits = 0
   function F:__init() inits = inits + 1; self.ready = true end
   local make = torch.factory('tltest.Fac')
   check(type(make) == 'function', 'factory is a function')
   local o = make()
   check_eq(torch.type(o), 'tltest.Fac', 'factory instance type')
   check_eq(inits, 0, 'factory does not run __init')
   check_eq(o.ready, nil, 'uninitialised')
   check_eq(torch.factory('tltest.NoSuchClass'), nil, 'unknown class')
   local t = {}
   check(torch.setmetatable(t, 'tltest.Fac') == t, 'setmetatable returns the object')
   check_eq(torch.type(t), 'tltest.Fac', 'setmetatable sets the class')
   check_error(function() torch.setmetatable({}, 'tltest.NoSuchClass') end, 'unknown typename')
   check_error(function() torch.setmetatable(3, 'tltest.Fac') end, 'table expected')
   check(torch.getconstructortable('tltest.Fac') == M.Fac, 'getconstructortable')
   check_eq(torch.getconstructortable('tltest.NoSuchClass'), nil, 'unknown constructor table')
   check(getmetatable(M.Fac) == F, 'getmetatable of a constructor table is the class')
   check_eq(torch.type(M.Fac), 'table', 'a constructor table is not an instance')
end

function tests.class_newmetatable()
   local M = module()
   local made = {}
   local mt = torch.newmetatable('tltest.Raw', nil, function(...)
      local o = setmetatable({ args = { ... } }, torch.getmetatable('tltest.Raw'))
      made[#made + 1] = o
      return o
   end, nil, nil, M)
   check_eq(mt.__typename, 'tltest.Raw', '__typename')
   check(mt.__index == mt, '__index is the method table')
   check_eq(torch.newmetatable('tltest.Raw', nil, nil, nil, nil, M), mt, 'same table on a second call')
   function M.Raw:twice(x) return 2 * x end
   check(rawget(mt, 'twice') ~= nil, '__newindex of the constructor table writes to mt')
   check(M.Raw.twice == mt.twice, '__index of the constructor table reads mt')
   local o = M.Raw(1, 2)
   check_eq(#made, 1, 'constructor called')
   check_eq(o.args[2], 2, 'constructor arguments')
   check_eq(o:twice(21), 42, 'method')
   check_error(function() torch.newmetatable('tltest.Raw2', 'tltest.NoParent', nil, nil, nil, M) end,
               'invalid parent class name')
   check_error(function() torch.newmetatable(3) end, 'bad argument #1')
end

function tests.class_redefinition_is_allowed()
   -- re-running a script that defines classes must work
   local M = module()
   local A1 = torch.class('tltest.Again', M)
   function A1:__init() self.v = 1 end
   local A2 = torch.class('tltest.Again', M)
   check(A1 == A2, 'same class table')
   check_eq(M.Again().v, 1, 'methods kept')
end

function tests.class_bad_arguments()
   check_error(function() torch.class() end, 'class name')
   check_error(function() torch.class(3) end, 'class name')
   check_error(function() torch.class('tltest.X', 4) end, 'class name')
   check_error(function() torch.getmetatable(3) end, 'string expected')
end

function tests.class_type_of_plain_values()
   check_eq(torch.type(3), 'number', 'number')
   check_eq(torch.type('s'), 'string', 'string')
   check_eq(torch.type({}), 'table', 'table')
   check_eq(torch.type(nil), 'nil', 'nil')
   check_eq(torch.typename({}), nil, 'typename of a table')
   check_eq(torch.typename(3), nil, 'typename of a number')
   check_eq(torch.isTensor({}), false, 'isTensor of a table')
   check_eq(torch.isStorage(3), false, 'isStorage of a number')
end

function tests.class_pointer_isequal_version()
   local M = module()
   torch.class('tltest.P', M)
   local a, b = M.P(), M.P()
   check(type(torch.pointer(a)) == 'number', 'pointer is a number')
   check_eq(torch.pointer(a), torch.pointer(a), 'pointer is stable')
   check(torch.pointer(a) ~= torch.pointer(b), 'pointers differ')
   check(torch.pointer(print) > 0, 'pointer of a function')
   check_error(function() torch.pointer(3) end, 'expected')
   check(torch.isequal(a, a), 'isequal self')
   check(not torch.isequal(a, b), 'isequal other')
   check(not torch.isequal(a, 1), 'isequal non-table')
   check_eq(torch.version(a), 1, 'version')
end

function tests.class_metatype()
   local mt = {}
   torch.metatype('tltest.Meta', mt)
   check(torch.getmetatable('tltest.Meta') == mt, 'registered')
   check_eq(torch.type(setmetatable({}, mt)), 'tltest.Meta', 'typename through a registered metatable')
end

function tests.class_tensor_types()
   if not torch.Tensor then error(tests_skip and tests_skip('tensors not built yet') or 'SKIP: tensors', 0) end
   local t = torch.FloatTensor(2)
   check_eq(torch.type(t), 'torch.FloatTensor', 'tensor type')
   check_eq(torch.typename(t), 'torch.FloatTensor', 'tensor typename')
   check(torch.isTensor(t), 'isTensor')
   check(not torch.isStorage(t), 'not a storage')
   check(torch.isStorage(t:storage()), 'isStorage')
   check(torch.isTypeOf(t, 'torch.FloatTensor'), 'isTypeOf name')
   check(torch.isTypeOf(t, 'torch.*Tensor'), 'isTypeOf pattern')
   check(torch.isTypeOf(t, torch.FloatTensor), 'isTypeOf constructor')
   check(not torch.isTypeOf(t, 'torch.DoubleTensor'), 'isTypeOf other type')
   check(torch.getmetatable('torch.FloatTensor').__index == torch.getmetatable('torch.FloatTensor'),
         'tensor method table')
   check(torch.isequal(t, t), 'isequal tensor')
   check_eq(torch.pointer(t), torch.pointer(t), 'tensor pointer stable')
end

---------------------------------------------------------------------------
-- Environment functions

function tests.utils_tic_toc()
   local t = torch.tic()
   check(type(t) == 'number' and t > 1e9, 'tic is seconds since the epoch')
   local x = 0
   for i = 1, 1e6 do x = x + i end
   local dt = torch.toc(t)
   check(dt >= 0 and dt < 60, 'toc is a small positive number of seconds')
   check(math.abs(torch.tic() - os.time()) < 2, 'tic agrees with os.time')
   check_error(function() torch.toc() end, 'number expected')
end

function tests.utils_isatty()
   local f = assert(io.open(os.tmpname and '/dev/null' or '/dev/null', 'r'))
   check_eq(torch.isatty(f), false, '/dev/null is not a terminal')
   f:close()
   check_eq(torch.isatty(f), false, 'closed file')
   check(type(torch.isatty(io.stdout)) == 'boolean', 'stdout')
   check_error(function() torch.isatty(3) end, 'file expected')
end

function tests.utils_threads()
   if not (torch._C and pcall(function() return torch._C.tl_get_num_threads end)) then
      error(tests_skip and tests_skip('engine not loaded') or 'SKIP: engine', 0)
   end
   local n = torch.getnumthreads()
   check(type(n) == 'number' and n >= 1, 'getnumthreads')
   check(torch.getnumcores() >= 1, 'getnumcores')
   torch.setnumthreads(1)
   check_eq(torch.getnumthreads(), 1, 'setnumthreads')
   torch.setnumthreads(n)
   check_eq(torch.getnumthreads(), n, 'restored')
   check_error(function() torch.setnumthreads(0) end, 'positive')
   check_error(function() torch.setnumthreads('x') end, 'number expected')
end

function tests.utils_getenv_setenv()
   local env = { value = 42 }
   local f = function() return value end -- luacheck: ignore
   torch.setenv(f, env)
   check(torch.getenv(f) == env, 'getenv returns what setenv set')
   check_eq(f(), 42, 'the function sees its new environment')
   check_error(function() torch.setenv(3, {}) end, 'function or userdata expected')
   check_error(function() torch.setenv(f, 3) end, 'table expected')
end

function tests.utils_packageLuaPath_and_include()
   local dir = torch.packageLuaPath('torch')
   if dir == nil then
      error(tests_skip and tests_skip('torch is not on package.path') or 'SKIP: path', 0)
   end
   check(paths.filep(dir .. '/class.lua'), 'packageLuaPath points at the torch sources')
   check_eq(torch.packageLuaPath(), dir:match('(.*)/'), 'no name: the parent directory')
   check_eq(torch.packageLuaPath('tltest_no_such_package'), nil, 'unknown package')

   -- include(file) runs a file next to the calling script
   local tmp = os.tmpname()
   os.remove(tmp)
   assert(paths.mkdir(tmp))
   local ok, err = pcall(function()
      local f = assert(io.open(tmp .. '/inc.lua', 'w'))
      f:write('tltest_included = (tltest_included or 0) + 1\n')
      f:close()
      f = assert(io.open(tmp .. '/main.lua', 'w'))
      f:write("include('inc.lua')\n")
      f:close()
      rawset(_G, 'tltest_included', nil)
      dofile(tmp .. '/main.lua')
      check_eq(rawget(_G, 'tltest_included'), 1, 'include ran the file next to the script')
   end)
   rawset(_G, 'tltest_included', nil)
   paths.rmall(tmp, 'yes')
   if not ok then error(err, 0) end
end

function tests.utils_internal_hooks()
   torch.setheaptracking(true)
   torch.updateerrorhandlers()
   torch.updatethreadlocals()
   torch.setheaptracking(false)
end

return tests
