-- torch/class.lua: the class system shared by Lua classes and tensor types.
--
-- A class is a method table `mt` registered under a dotted name. Instances
-- of Lua classes are tables whose metatable is mt; tensors and storages are
-- FFI cdata whose ffi.metatype __index is mt (the lead's binding asks
-- torch._cdata_typename for their name). Inheritance chains method tables:
-- the metatable of a class's mt is its parent's mt, and mt.__index = mt,
-- so a missing method is looked up in the parent, then the grandparent...
--
-- Each class also has a constructor table, published at its dotted name
-- (torch.class('nn.Foo') makes nn.Foo): calling it builds an instance,
-- reading from it reads mt, and assigning to it defines methods in mt.
--
-- Metamethods: Lua reads them raw from the instance's metatable, so every
-- mt starts with default handlers that look further up the chain for
-- either the Torch7 `__add__` spelling or an `__add` defined by a parent
-- class, then fall back to luaT's behaviour (typename for tostring,
-- identity for ==, an error naming the class for the rest).

local torch = torch

local rawget, rawset, type, select = rawget, rawset, type, select
local dgetmt, dsetmt = debug.getmetatable, debug.setmetatable
local format = string.format

-- name -> method table, and method table -> name.
local class_mt = {}
local class_name = {}
-- ctype id -> name, for cdata types registered with torch.metatype.
local ctype_name = {}

-- Name of a value's class, or nil. Tables and userdata carry it in their
-- metatable; cdata is resolved by the tensor binding.
local function typename(obj)
   local t = type(obj)
   if t == 'table' or t == 'userdata' then
      local mt = dgetmt(obj)
      return mt and class_name[mt]
   elseif t == 'cdata' then
      local f = torch._cdata_typename
      local name = f and f(obj)
      if name then return name end
      local ffi = torch._ffi or require('ffi')
      return ctype_name[tonumber(ffi.typeof(obj))]
   end
   return nil
end

-- Method table of a value's class, or nil.
local function class_of(obj)
   local t = type(obj)
   if t == 'table' or t == 'userdata' then
      local mt = dgetmt(obj)
      if mt and class_name[mt] then return mt end
   elseif t == 'cdata' then
      local name = typename(obj)
      return name and class_mt[name]
   end
   return nil
end

---------------------------------------------------------------------------
-- Default metamethods

local defaults = {}

-- Find the handler for metamethod `ev` ('__add') along the chain from mt:
-- an explicit `__add__`, or an `__add` that is not the default itself.
local function find_handler(mt, ev)
   local alt = ev .. '__'
   local default = defaults[ev]
   while mt do
      local f = rawget(mt, alt)
      if f ~= nil then return f end
      f = rawget(mt, ev)
      if f ~= nil and f ~= default then return f end
      mt = dgetmt(mt)
      if mt and not class_name[mt] then return nil end
   end
   return nil
end

local function name_or_type(x)
   return typename(x) or type(x)
end

-- Unary operators: tostring, call, unm, len.
defaults.__tostring = function(self)
   local f = find_handler(class_of(self), '__tostring')
   if f == nil then return typename(self) end
   if type(f) == 'function' then return f(self) end
   return f
end

defaults.__call = function(self, ...)
   local f = find_handler(class_of(self), '__call')
   if f == nil then error(format('%s has no call operator', name_or_type(self)), 2) end
   return f(self, ...)
end

defaults.__unm = function(self, other)
   local f = find_handler(class_of(self), '__unm')
   if f == nil then error(format('%s has no negation operator', name_or_type(self)), 2) end
   return f(self, other)
end

-- Without a handler a table instance keeps its plain length (Lua 5.2
-- semantics would otherwise make # fail on every object).
defaults.__len = function(self, other)
   local f = find_handler(class_of(self), '__len')
   if f ~= nil then return f(self, other) end
   if type(self) ~= 'table' then
      error(format('%s has no length operator', name_or_type(self)), 2)
   end
   local n = 0
   while rawget(self, n + 1) ~= nil do n = n + 1 end
   return n
end

-- Binary operators: the handler comes from the first operand that is an
-- instance of a class (as in `2 * obj`).
local binops = {
   add = 'addition', sub = 'substraction', mul = 'multiplication', div = 'division',
   mod = 'modulo', pow = 'power', concat = 'concat', lt = 'less-than', le = 'less-equal',
}
for op, what in pairs(binops) do
   local ev = '__' .. op
   defaults[ev] = function(a, b)
      local f = find_handler(class_of(a) or class_of(b), ev)
      if f == nil then
         error(format('both %s and %s have no %s operator', name_or_type(a), name_or_type(b), what), 2)
      end
      return f(a, b)
   end
end

defaults.__eq = function(a, b)
   local f = find_handler(class_of(a) or class_of(b), '__eq')
   if f == nil then return torch.isequal(a, b) end
   return f(a, b)
end

---------------------------------------------------------------------------
-- Registration

-- Split 'a.b.Foo' into the table that holds it (_G.a.b) and 'Foo'.
local function owner_of(name, module)
   local root = name:match('([^.]*)$')
   if module then return module, root end
   local t = _G
   local path = name:match('^(.*)%.[^.]*$')
   if path then
      for part in path:gmatch('[^.]+') do
         t = type(t) == 'table' and t[part] or nil
      end
      if type(t) ~= 'table' then
         error(format('while creating metatable %s: bad argument #1 (%s is an invalid module name)',
                      name, path), 3)
      end
   end
   return t, root
end

local function argcheck(cond, fname, n, msg)
   if not cond then
      error(format("bad argument #%d to '%s' (%s)", n, fname, msg), 3)
   end
end

-- torch.newmetatable(name [, parentName] [, constructor] [, destructor]
--                    [, factory] [, module]) -> mt
-- Creates (or completes) class `name`. Calling it again for an existing
-- class updates it, which lets a script that defines classes be re-run.
function torch.newmetatable(name, parent, constructor, destructor, factory, module)
   local fname = 'torch.newmetatable'
   argcheck(type(name) == 'string', fname, 1, 'class name (string) expected')
   argcheck(parent == nil or type(parent) == 'string', fname, 2, 'parent class name or nil expected')
   argcheck(constructor == nil or type(constructor) == 'function', fname, 3,
            'constructor function or nil expected')
   argcheck(destructor == nil or type(destructor) == 'function', fname, 4,
            'destructor function or nil expected')
   argcheck(factory == nil or type(factory) == 'function', fname, 5, 'factory function or nil expected')
   argcheck(module == nil or type(module) == 'table', fname, 6, 'module table or nil expected')
   local owner, root = owner_of(name, module)

   local mt = class_mt[name]
   if not mt then
      mt = { __typename = name, __version = 1 }
      mt.__index = mt
      for ev, f in pairs(defaults) do mt[ev] = f end
      class_mt[name], class_name[mt] = mt, name
   end

   if parent ~= nil then
      local pmt = class_mt[parent]
      if not pmt then
         error(format("bad argument #2 to '%s' (invalid parent class name %s)", fname, parent), 2)
      end
      local p = pmt
      while p do
         if p == mt then error(format('%s: class %s cannot inherit from itself', fname, name), 2) end
         p = dgetmt(p)
      end
      dsetmt(mt, pmt)
   end
   if destructor then rawset(mt, '__gc', destructor) end
   if factory then rawset(mt, '__factory', factory) end

   -- The constructor table: reads go to mt, writes define methods in mt,
   -- calls construct, and getmetatable() on it gives mt (as in luaT).
   local ctor = rawget(mt, '__constructor')
   if not ctor then
      local cmt = {
         __index = mt,
         __newindex = function(_, k, v) rawset(mt, k, v) end,
         __call = function(_, ...)
            local new = rawget(dgetmt(_), '__new')
            if not new then error(format('%s: no constructor available', name), 2) end
            return new(...)
         end,
         __metatable = mt,
         __tostring = function() return 'constructor ' .. name end,
      }
      ctor = setmetatable({}, cmt)
      rawset(mt, '__constructor', ctor)
   end
   if constructor then
      rawset(dgetmt(ctor), '__new', constructor)
      rawset(mt, 'new', constructor)
   end
   owner[root] = ctor
   return mt
end

-- torch.class(name [, parentName] [, module]) -> mt, parentMt
-- Instances are tables; `__init` (own or inherited) runs on construction.
function torch.class(...)
   local n = select('#', ...)
   local name, a2, a3 = ...
   local parent, module
   if type(a2) == 'table' and n == 2 then
      module = a2
   else
      parent, module = a2, a3
   end
   if type(name) ~= 'string' or n > 3 or (parent ~= nil and type(parent) ~= 'string')
         or (module ~= nil and type(module) ~= 'table') then
      error('torch.class: <class name> [<parent class name>] [<module table>] expected', 2)
   end
   local mt
   local function constructor(...)
      local self = setmetatable({}, mt)
      local init = self.__init
      if init then init(self, ...) end
      return self
   end
   local function factory()
      return setmetatable({}, mt)
   end
   mt = torch.newmetatable(name, parent, constructor, nil, factory, module)
   return mt, parent and class_mt[parent]
end

---------------------------------------------------------------------------
-- Queries

torch.typename = typename

function torch.type(obj)
   return typename(obj) or type(obj)
end

function torch.getmetatable(name)
   argcheck(type(name) == 'string', 'torch.getmetatable', 1, 'string expected, got ' .. type(name))
   return class_mt[name]
end

function torch.getconstructortable(name)
   argcheck(type(name) == 'string', 'torch.getconstructortable', 1, 'string expected, got ' .. type(name))
   local mt = class_mt[name]
   return mt and rawget(mt, '__constructor')
end

-- Returns a function creating an uninitialised instance (no __init).
function torch.factory(name)
   argcheck(type(name) == 'string', 'torch.factory', 1, 'string expected, got ' .. type(name))
   local mt = class_mt[name]
   return mt and rawget(mt, '__factory')
end

function torch.setmetatable(obj, name)
   argcheck(type(obj) == 'table', 'torch.setmetatable', 1, 'table expected, got ' .. type(obj))
   argcheck(type(name) == 'string', 'torch.setmetatable', 2, 'string expected, got ' .. type(name))
   local mt = class_mt[name]
   if not mt then error(format('torch.setmetatable: unknown typename %s', name), 2) end
   return setmetatable(obj, mt)
end

-- Registers an existing metatable under a class name; with a ctype,
-- cdata of that type report `name` as their typename.
function torch.metatype(name, mt, ctype)
   argcheck(type(name) == 'string', 'torch.metatype', 1, 'string expected, got ' .. type(name))
   argcheck(type(mt) == 'table', 'torch.metatype', 2, 'table expected, got ' .. type(mt))
   class_mt[name], class_name[mt] = mt, name
   if ctype ~= nil then
      local ffi = torch._ffi or require('ffi')
      ctype_name[tonumber(ffi.typeof(ctype))] = name
   end
end

-- typeSpec: a class name (exact), a Lua pattern, or a constructor table.
-- True when obj's class or one of its ancestors matches.
function torch.isTypeOf(obj, spec)
   if type(spec) ~= 'string' then
      local mt = type(spec) == 'table' and getmetatable(spec)
      spec = type(mt) == 'table' and rawget(mt, '__typename')
      if type(spec) ~= 'string' then
         error('torch.isTypeOf: type must be provided as [regexp] string, or factory', 2)
      end
   end
   local mt = class_of(obj)
   while mt do
      local name = class_name[mt] or rawget(mt, '__typename')
      if type(name) == 'string' then
         local m = name:match(spec)
         -- a plain name must match whole; a pattern may match a part
         if m and (m ~= spec or m == name) then return true end
      end
      mt = dgetmt(mt)
   end
   return false
end

function torch.isTensor(obj)
   local name = typename(obj)
   return name ~= nil and name:find('^torch%..+Tensor$') ~= nil
end

function torch.isStorage(obj)
   local name = typename(obj)
   return name ~= nil and name:find('^torch%..+Storage$') ~= nil
end

function torch.version(obj)
   local mt = class_of(obj)
   if mt then return rawget(mt, '__version') end
   mt = dgetmt(obj)
   return type(mt) == 'table' and rawget(mt, '__version') or nil
end

-- Address of the object behind a value, as a number: the C struct for
-- tensor and storage boxes (their `_c` field), the value itself for
-- other pointers, and Lua's own address for tables, functions, threads
-- and strings.
function torch.pointer(obj)
   local t = type(obj)
   if t == 'cdata' then
      local ffi = torch._ffi or require('ffi')
      local ok, c = pcall(function() return obj._c end)
      if ok and c ~= nil then obj = c end
      local ok2, p = pcall(ffi.cast, 'uintptr_t', obj)
      if ok2 then return tonumber(p) end
      return tonumber(format('%p', obj):sub(3), 16)
   elseif t == 'string' then
      local ffi = torch._ffi or require('ffi')
      return tonumber(ffi.cast('uintptr_t', ffi.cast('const char *', obj)))
   elseif t == 'table' or t == 'function' or t == 'thread' or t == 'userdata' then
      return tonumber(format('%p', obj):sub(3), 16)
   end
   error('torch.pointer: Torch object, table, thread, cdata or function expected, got ' .. t, 2)
end

-- Same object: identical tables, or torch cdata sharing one C struct.
function torch.isequal(a, b)
   local ta, tb = type(a), type(b)
   if ta == 'table' and tb == 'table' then return rawequal(a, b) end
   if ta == 'cdata' and tb == 'cdata' then
      if not typename(a) or not typename(b) then return false end
      return torch.pointer(a) == torch.pointer(b)
   end
   if ta == 'userdata' and tb == 'userdata' then return rawequal(a, b) end
   return false
end

return torch
