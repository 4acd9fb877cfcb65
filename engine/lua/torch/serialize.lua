-- torch/serialize.lua: Torch7's object serialization (API.md section 3):
-- File:writeObject/readObject, torch.save/load, torch.serialize and
-- friends, and the read/write methods of tensors, storages and
-- torch.Generator.
--
-- Differences from Torch7, all on purpose:
--  * Loading is safe by default. Records holding code (function tags 6, 7
--    and 8) are refused unless the caller opts in: torch.load(path, mode,
--    referenced, true), torch.deserialize(str, mode, true) or
--    file:allowCode(true). Only registered classes are built; every
--    count is checked against the bytes left before anything is
--    allocated (engine/src/file_t7.c); nesting depth is bounded.
--  * torch.save is atomic: the old file stays intact until the new one
--    is complete and on disk (see tl_file_open_disk).
--  * Tables are written in a fixed key order (the array part 1..n, then
--    numbers, strings and booleans sorted, then other keys in pairs()
--    order), so equal objects give equal bytes. Torch7 leaves the order
--    unspecified, so its readers accept this.
--  * torch.load in the default binary mode detects files written with
--    4-byte longs (Windows, 32-bit): when the 8-byte reading fails and a
--    4-byte reading consumes the whole file exactly, that one is used.
--
-- Load order: this file and torch/File.lua need each other. Whichever is
-- required first loads the other (torch.File's classes are defined before
-- this file adds methods to them).

local ffi = require 'ffi'
local torch = torch
local C = torch._C

if not torch.getmetatable('torch.DiskFile') then require 'torch.File' end
local Fm = torch._file
local handle = Fm.handle

local type, pairs, next, rawget, tostring, tonumber, format, concat, sort =
   type, pairs, next, rawget, tostring, tonumber, string.format, table.concat, table.sort

local M = {
   -- Deepest nesting of tables and objects read or written. Each level
   -- takes a few Lua stack frames; LuaJIT's stack allows several thousand.
   max_depth = 1000,
   -- Longest class name or version string accepted when reading.
   max_name = 4096,
}

local TYPE_NIL, TYPE_NUMBER, TYPE_STRING, TYPE_TABLE, TYPE_TORCH, TYPE_BOOLEAN = 0, 1, 2, 3, 4, 5
local TYPE_FUNCTION, TYPE_RECUR_FUNCTION, TYPE_LEGACY_RECUR_FUNCTION = 6, 8, 7

local File = torch.getmetatable('torch.File')

---------------------------------------------------------------------------
-- Errors. Messages carry the path of the object being read or written,
-- e.g. "at <obj>.modules[2].weight".

local function engine_message()
   return ffi.string(C.tl_error_message())
end

-- Raised inside the recursion, caught by the top-level call, which adds
-- the path and re-raises at the caller's level.
local fail_mt = {}
local function fail(msg, placed)
   error(setmetatable({ msg = msg, placed = placed }, fail_mt), 0)
end

local function label(k)
   local t = type(k)
   if t == 'string' then
      if k:match('^[%a_][%w_]*$') then return '.' .. k end
      return format('[%q]', k)
   elseif t == 'number' then
      return format('[%.17g]', k)
   end
   return '[' .. t .. ']'
end

-- Path entries are the keys themselves (formatted only for a message)
-- or one of these markers.
local NOLABEL, KEYLABEL, UPVALUES = {}, {}, {}
local marker_text = { [NOLABEL] = '', [KEYLABEL] = '[key]', [UPVALUES] = '.upvalues' }

local function path_of(st)
   local parts = { st.root or '<obj>' }
   for i = 1, st.depth do
      local p = st.path[i]
      parts[#parts + 1] = marker_text[p] or label(p)
   end
   return concat(parts)
end

---------------------------------------------------------------------------
-- Per-file state (Torch7 keeps it in the file's environment).

local function state(self)
   local st = rawget(self, '_ser')
   if not st then
      st = {
         wobj = {}, wref = {}, nwrite = 0,   -- written objects -> index; keep-alive list
         robj = {},                          -- index -> object read
         force = false,                      -- referenced(false)
         trusted = false,                    -- allowCode(true)
         upref = {}, nup = 0, upclosure = {},
         depth = 0, path = {}, root = nil,
      }
      self._ser = st
   end
   return st
end

function File:referenced(ref)
   handle(self, 'referenced')
   state(self).force = not ref
   return self
end

function File:isReferenced()
   handle(self, 'isReferenced')
   return not state(self).force
end

-- The opt-in to code: with it, function records load as in Torch7.
function File:allowCode(flag)
   handle(self, 'allowCode')
   state(self).trusted = flag ~= false
   return self
end

---------------------------------------------------------------------------
-- Scalars

local ibuf = ffi.new('int32_t[1]')
local dbuf = ffi.new('double[1]')
local rawbuf = ffi.new('char[?]', 65536)

local function write_int(f, v)
   ibuf[0] = v
   if C.tl_file_write(f, 3, ibuf, 1) ~= 1 then fail(engine_message()) end
end

local function write_double(f, v)
   dbuf[0] = v
   if C.tl_file_write(f, 6, dbuf, 1) ~= 1 then fail(engine_message()) end
end

local function write_raw(f, s)
   local n = #s
   if n > 0 and C.tl_file_write(f, 1, s, n) ~= n then fail(engine_message()) end
end

-- A string: its int length, then its bytes.
local function write_lstring(f, s)
   write_int(f, #s)
   write_raw(f, s)
end

local function read_int(f, what)
   if C.tl_file_read(f, 3, ibuf, 1) ~= 1 then
      fail(format('corrupt file: cannot read %s (%s)', what, engine_message()))
   end
   return ibuf[0]
end

local function read_double(f)
   if C.tl_file_read(f, 6, dbuf, 1) ~= 1 then
      fail('corrupt file: cannot read a number (' .. engine_message() .. ')')
   end
   return dbuf[0]
end

-- n raw bytes, n checked against the bytes left. A file of unknown
-- length (a pipe) is read in pieces, so a false length costs no memory.
local function read_raw(f, n, what)
   if n < 0 then fail(format('corrupt file: %s of negative length %d', what, n)) end
   if n == 0 then return '' end
   local left = C.tl_file_remaining(f)
   if left >= 0 and n > left then
      fail(format('corrupt file: %s of %d bytes, but only %d bytes left', what, n, tonumber(left)))
   end
   if n <= 65536 then
      if C.tl_file_read(f, 1, rawbuf, n) ~= n then fail(engine_message()) end
      return ffi.string(rawbuf, n)
   end
   if left >= 0 then
      local buf = ffi.new('char[?]', n)
      if C.tl_file_read(f, 1, buf, n) ~= n then fail(engine_message()) end
      return ffi.string(buf, n)
   end
   local parts, got = {}, 0
   while got < n do
      local k = math.min(n - got, 65536)
      if C.tl_file_read(f, 1, rawbuf, k) ~= k then fail(engine_message()) end
      parts[#parts + 1] = ffi.string(rawbuf, k)
      got = got + k
   end
   return concat(parts)
end

---------------------------------------------------------------------------
-- Tensor and storage classes. Their records are written and read here
-- directly (no method lookups on the way) as long as the classes keep
-- the read/write methods installed below; an override is respected.

local cinfo_of = {}     -- ctype id of the Lua box -> class info
local class_info = {}   -- class name -> class info
for d = 0, 7 do
   local n = torch._dtype_names[d]
   local si = { name = 'torch.' .. n .. 'Storage', dtype = d, mt = torch._storage_mts[d] }
   local ti = { name = 'torch.' .. n .. 'Tensor', dtype = d, mt = torch._mts[d], tensor = true,
                sinfo = si }
   cinfo_of[tonumber(ffi.typeof(torch._empty(d)))] = ti
   cinfo_of[tonumber(ffi.typeof(torch._wrap_storage(C.tl_storage_new(d, 0, 0))))] = si
   class_info[ti.name], class_info[si.name] = ti, si
end

-- The class info of a tensor or storage box, else nil.
local function cinfo(obj)
   return type(obj) == 'cdata' and cinfo_of[tonumber(ffi.typeof(obj))] or nil
end

local function version_string(mt)
   return 'V ' .. tostring(rawget(mt, '__version') or 1)
end

---------------------------------------------------------------------------
-- Writing

local function is_torch_object(obj)
   local name = torch.typename(obj)
   return name ~= nil and torch.factory(name) ~= nil
end

-- The record tag obj would be written with, or nil when it cannot be.
local function writable_tag(obj)
   local t = type(obj)
   if obj == nil then return TYPE_NIL end
   if t == 'number' then return TYPE_NUMBER end
   if t == 'string' then return TYPE_STRING end
   if t == 'boolean' then return TYPE_BOOLEAN end
   if t == 'cdata' and cinfo(obj) then return TYPE_TORCH end
   if (t == 'table' or t == 'cdata') and is_torch_object(obj) then return TYPE_TORCH end
   if t == 'table' then return TYPE_TABLE end
   if t == 'function' and pcall(string.dump, obj) then return TYPE_RECUR_FUNCTION end
   return nil
end

function File:isWritableObject(obj)
   return writable_tag(obj)
end

-- Identity for back-references: the C object of a tensor or storage
-- (several Lua boxes may share one), the value itself otherwise.
local function identity(obj)
   if type(obj) == 'cdata' then return tonumber(ffi.cast('intptr_t', obj._c)) end
   return obj
end

-- Allocates the next index to an object not written before (or always,
-- with referenced(false)), writing the index; returns false when the
-- object was written before and only its index went out.
local function write_index(f, st, id, keep)
   local index = st.wobj[id]
   if index and not st.force then
      write_int(f, index)
      return false
   end
   index = st.nwrite + 1
   st.nwrite = index
   st.wobj[id] = index
   st.wref[index] = keep   -- keeps the address from being reused
   write_int(f, index)
   return true
end

local key_rank = { number = 1, string = 2, boolean = 3 }

-- Keys of t in the order they are written: 1..n, then sortable keys,
-- then the rest in pairs() order.
local function ordered_keys(t)
   local keys, n = {}, 0
   while rawget(t, n + 1) ~= nil do
      n = n + 1
      keys[n] = n
   end
   local rest, seq = {}, {}
   for k in next, t do
      if not (type(k) == 'number' and k >= 1 and k <= n and k % 1 == 0) then
         rest[#rest + 1] = k
         seq[k] = #rest
      end
   end
   if #rest > 1 then
      sort(rest, function(a, b)
         local ra, rb = key_rank[type(a)] or 4, key_rank[type(b)] or 4
         if ra ~= rb then return ra < rb end
         if ra == 1 or ra == 2 then return a < b end
         if ra == 3 then return b and not a end
         return seq[a] < seq[b]
      end)
   end
   for i = 1, #rest do keys[n + i] = rest[i] end
   return keys
end

local write_object, write_plain, default_write

-- A tensor's payload: the header, then its storage as a record.
local function write_tensor_payload(self, f, st, obj, info)
   if C.tl_file_write_tensor(f, obj._c) ~= 0 then fail(engine_message()) end
   local s = obj._c.storage
   local si = info.sinfo
   if s == nil then
      write_int(f, TYPE_NIL)
   elseif rawget(si.mt, 'write') ~= default_write[si.name] then
      write_object(self, f, st, obj:storage(), NOLABEL)
   else
      write_int(f, TYPE_TORCH)
      if write_index(f, st, tonumber(ffi.cast('intptr_t', s)), obj) then
         write_lstring(f, version_string(si.mt))
         write_lstring(f, si.name)
         if C.tl_file_write_storage(f, s) ~= 0 then fail(engine_message()) end
      end
   end
end

local function write_function(self, f, st, obj, hook)
   local ups, i = {}, 1
   while true do
      local name, value = debug.getupvalue(obj, i)
      if not name then break end
      if name == '_ENV' then value = nil end
      local uid = debug.upvalueid(obj, i)
      local id = st.upref[uid]
      if not id then
         st.nup = st.nup + 1
         id = st.nup
         st.upref[uid] = id
      end
      ups[i] = { name = name, id = id, value = value }
      i = i + 1
   end
   write_lstring(f, string.dump(obj))
   write_object(self, f, st, ups, UPVALUES, hook)
end

local function write_torch(self, f, st, obj, hook)
   local info = cinfo(obj)
   if info and rawget(info.mt, 'write') == default_write[info.name] then
      write_lstring(f, version_string(info.mt))
      write_lstring(f, info.name)
      if info.tensor then
         write_tensor_payload(self, f, st, obj, info)
      elseif C.tl_file_write_storage(f, obj._c) ~= 0 then
         fail(engine_message())
      end
      return
   end
   local name = torch.typename(obj)
   write_lstring(f, 'V ' .. tostring(torch.version(obj) or 1))
   write_lstring(f, name)
   local w = obj.write
   if type(w) == 'function' then
      w(obj, self)
   elseif type(obj) == 'table' then
      -- the writable fields, as one table
      local var = {}
      for k, v in next, obj do
         if writable_tag(v) then
            var[k] = v
         else
            print(format('$ Warning: cannot write object field <%s> of <%s> %s', tostring(k), name,
                         path_of(st) .. label(k)))
         end
      end
      write_object(self, f, st, var, NOLABEL, hook)
   else
      fail(format('<%s> is a non-serializable Torch object', name))
   end
end

-- Writes a number or a string record; false for anything else.
function write_plain(f, v)
   local t = type(v)
   if t == 'number' then
      write_int(f, TYPE_NUMBER)
      write_double(f, v)
   elseif t == 'string' then
      write_int(f, TYPE_STRING)
      write_lstring(f, v)
   else
      return false
   end
   return true
end

function write_object(self, f, st, obj, lab, hook)
   if hook then obj = hook(obj) end
   local depth = st.depth + 1
   if depth > M.max_depth then
      fail(format('objects nested deeper than %d levels (a cycle written with referenced=false?)',
                  M.max_depth))
   end
   st.depth = depth
   st.path[depth] = lab
   local tag = writable_tag(obj)
   if not tag then fail(format('Unwritable object <%s>', type(obj))) end
   write_int(f, tag)
   if tag == TYPE_NUMBER then
      write_double(f, obj)
   elseif tag == TYPE_STRING then
      write_lstring(f, obj)
   elseif tag == TYPE_BOOLEAN then
      write_int(f, obj and 1 or 0)
   elseif tag ~= TYPE_NIL and write_index(f, st, identity(obj), obj) then
      if tag == TYPE_TORCH then
         write_torch(self, f, st, obj, hook)
      elseif tag == TYPE_TABLE then
         local keys = ordered_keys(obj)
         write_int(f, #keys)
         for i = 1, #keys do
            local k = keys[i]
            local v = rawget(obj, k)
            -- numbers and strings inline: most entries are such
            if hook or not write_plain(f, k) then write_object(self, f, st, k, KEYLABEL, hook) end
            if hook or not write_plain(f, v) then write_object(self, f, st, v, k, hook) end
         end
      else
         write_function(self, f, st, obj, hook)
      end
   end
   st.depth = depth - 1
end

-- Runs fn(...) as a top-level (depth 0) or nested call on file state st.
-- The top level turns internal failures into errors with the path and
-- resets the state, so the file stays usable after a caught error.
local function run(st, fname, root, fn, a, b, c, d, e, g)
   if st.depth > 0 then return fn(a, b, c, d, e, g) end
   st.root = root
   local ok, res = pcall(fn, a, b, c, d, e, g)
   local where = not ok and path_of(st)
   st.depth = 0
   st.path = {}   -- drop references to the objects just handled
   if ok then return res end
   if getmetatable(res) == fail_mt then
      if res.placed then error(fname .. ': ' .. res.msg, 0) end
      res = res.msg
   end
   error(format('%s: %s at %s', fname, tostring(res), where), 0)
end

function File:writeObject(obj, debugname, hook)
   local f = handle(self, 'writeObject')
   if hook ~= nil and type(hook) ~= 'function' then
      error('writeObject: hook must be a function, got ' .. torch.type(hook), 2)
   end
   local st = state(self)
   run(st, 'writeObject', type(debugname) == 'string' and debugname or '<obj>',
       write_object, self, f, st, obj, NOLABEL, hook)
end

---------------------------------------------------------------------------
-- Reading

local read_object, read_body, default_read

local code_refused = 'refusing to load a Lua function (record tag %d) at %s: loading code ' ..
   'from a file runs it with your rights. If you trust this file, load it with ' ..
   'torch.load(path, mode, referenced, true), torch.deserialize(str, mode, true) ' ..
   'or file:allowCode(true)'

-- Class names that arrive before the class is loaded: torch's own lazily
-- loaded classes (torch.Timer, ...) load on first access.
local function factory_for(name)
   local fac = torch.factory(name)
   if fac == nil then
      local short = name:match('^torch%.([%a_][%w_]*)$')
      if short then
         local _ = torch[short]   -- the lazy loader of torch/init.lua
         fac = torch.factory(name)
      end
   end
   return fac
end

local function read_function(self, f, st, tag, index)
   local code = read_raw(f, read_int(f, 'a function length'), 'function bytecode')
   local func, err = loadstring(code)
   if not func then fail('cannot load a function: ' .. tostring(err)) end
   if index and not st.force then st.robj[index] = func end
   local ups = read_object(self, f, st, UPVALUES)
   if type(ups) ~= 'table' then fail('corrupt file: function upvalues are not a table') end
   for i, up in ipairs(ups) do
      if tag == TYPE_RECUR_FUNCTION then
         if type(up) ~= 'table' then fail('corrupt file: bad upvalue record') end
         if up.name == '_ENV' then
            debug.setupvalue(func, i, _G)
         else
            debug.setupvalue(func, i, up.value)
         end
         if up.id ~= nil then
            local other = st.upclosure[up.id]
            if other then
               debug.upvaluejoin(func, i, other[1], other[2])
            else
               st.upclosure[up.id] = { func, i }
            end
         end
      else
         debug.setupvalue(func, i, up)
      end
   end
   return func
end

-- Scratch tensor headers, one per nesting depth (a hostile file may nest
-- a tensor where a storage belongs).
local headers = {}

-- A tensor's payload into obj: the header, then the storage record.
local function read_tensor_payload(self, f, st, obj, info)
   local hdr = headers[st.depth]
   if not hdr then
      hdr = ffi.new('tl_tensor')
      headers[st.depth] = hdr
   end
   if C.tl_file_read_tensor(f, hdr) ~= 0 then fail(engine_message()) end
   local s = read_object(self, f, st, NOLABEL)
   if s ~= nil and cinfo(s) ~= info.sinfo then
      fail(format('corrupt file: the storage of a %s is a %s', info.name, torch.type(s)))
   end
   local sc = s and s._c or nil
   if C.tl_file_check_view(hdr, sc) ~= 0 or
      C.tl_tensor_set_storage(obj._c, sc, hdr.offset, hdr.ndim, hdr.size, hdr.stride) ~= 0 then
      fail(engine_message())
   end
end

local function read_torch(self, f, st, index)
   local vlen = read_int(f, 'a version string length')
   if vlen > M.max_name then fail(format('corrupt file: version string of %d bytes', vlen)) end
   local version = read_raw(f, vlen, 'version string')
   local name
   local vnum = tonumber(version:match('^V (.*)$'))
   if vnum then
      local len = read_int(f, 'a class name length')
      if len > M.max_name then fail(format('corrupt file: class name of %d bytes', len)) end
      name = read_raw(f, len, 'class name')
   else
      name, vnum = version, 0   -- a legacy file: no version string
   end
   if #name > M.max_name then fail(format('corrupt file: class name of %d bytes', #name)) end
   local info = class_info[name]
   if info and rawget(info.mt, 'read') == default_read[name] then
      local obj
      if info.tensor then
         obj = torch._empty(info.dtype)
         if not st.force then st.robj[index] = obj end
         read_tensor_payload(self, f, st, obj, info)
      else
         obj = torch._wrap_storage(C.tl_storage_new(info.dtype, 0, 0))
         if not st.force then st.robj[index] = obj end
         if C.tl_file_read_storage(f, obj._c) ~= 0 then fail(engine_message()) end
      end
      return obj
   end
   local fac = factory_for(name)
   if not fac then
      fail(format('unknown Torch class <%s> (load the package that defines it first)', name))
   end
   local obj = fac(self)
   if obj == nil then fail(format('cannot build an object of class <%s>', name)) end
   if not st.force then st.robj[index] = obj end
   local r = obj.read
   if type(r) == 'function' then
      r(obj, self, vnum)
   elseif type(obj) == 'table' then
      local var = read_object(self, f, st, NOLABEL)
      if type(var) ~= 'table' then
         fail(format('corrupt file: the fields of a <%s> are a %s, not a table', name, type(var)))
      end
      for k, v in pairs(var) do obj[k] = v end
   else
      fail(format('cannot load an object of class <%s>', name))
   end
   return obj
end

local function read_table(self, f, st, index)
   local t = {}
   if not st.force then st.robj[index] = t end
   local n = read_int(f, 'a table size')
   if n < 0 then fail(format('corrupt file: table of %d entries', n)) end
   local left = C.tl_file_remaining(f)
   -- each entry is two records of at least one int tag each
   local least = C.tl_file_get(f, Fm.props.binary) == 1 and 8 or 4
   if left >= 0 and n > tonumber(left) / least then
      fail(format('corrupt file: table of %d entries in %d bytes', n, tonumber(left)))
   end
   for _ = 1, n do
      -- numbers and strings inline: most entries are such
      local tag = read_int(f, 'an object tag')
      local k
      if tag == TYPE_NUMBER then k = read_double(f)
      elseif tag == TYPE_STRING then k = read_raw(f, read_int(f, 'a string length'), 'string')
      else k = read_body(self, f, st, tag, KEYLABEL) end
      tag = read_int(f, 'an object tag')
      local v
      if tag == TYPE_NUMBER then v = read_double(f)
      elseif tag == TYPE_STRING then v = read_raw(f, read_int(f, 'a string length'), 'string')
      else v = read_body(self, f, st, tag, k) end
      if k == nil then
         fail('corrupt file: a table key is nil (a file written with 4-byte longs? try mode \'b32\')')
      elseif k ~= k then
         fail('corrupt file: a table key is NaN')
      end
      t[k] = v
   end
   return t
end

-- The record after its tag.
function read_body(self, f, st, tag, lab)
   local depth = st.depth + 1
   if depth > M.max_depth then fail(format('objects nested deeper than %d levels', M.max_depth)) end
   st.depth = depth
   st.path[depth] = lab
   local res
   if tag == TYPE_NIL then
      res = nil
   elseif tag == TYPE_NUMBER then
      res = read_double(f)
   elseif tag == TYPE_STRING then
      res = read_raw(f, read_int(f, 'a string length'), 'string')
   elseif tag == TYPE_BOOLEAN then
      res = read_int(f, 'a boolean') == 1
   elseif tag == TYPE_TABLE or tag == TYPE_TORCH or tag == TYPE_RECUR_FUNCTION
         or tag == TYPE_LEGACY_RECUR_FUNCTION then
      if tag >= TYPE_LEGACY_RECUR_FUNCTION and not st.trusted then
         fail(format(code_refused, tag, path_of(st)), true)
      end
      local index = read_int(f, 'an object index')
      local seen = not st.force and st.robj[index]
      if seen ~= nil and seen ~= false then
         res = seen
      elseif tag == TYPE_TABLE then
         res = read_table(self, f, st, index)
      elseif tag == TYPE_TORCH then
         res = read_torch(self, f, st, index)
      else
         res = read_function(self, f, st, tag, index)
      end
   elseif tag == TYPE_FUNCTION then
      if not st.trusted then fail(format(code_refused, tag, path_of(st)), true) end
      res = read_function(self, f, st, tag, nil)
   else
      fail(format('corrupt file: unknown record type %d', tag))
   end
   st.depth = depth - 1
   return res
end

function read_object(self, f, st, lab)
   return read_body(self, f, st, read_int(f, 'an object tag'), lab)
end

function File:readObject()
   local f = handle(self, 'readObject')
   local st = state(self)
   return run(st, 'readObject', '<obj>', read_object, self, f, st, NOLABEL)
end

---------------------------------------------------------------------------
-- The read/write methods of tensors, storages and generators. Tensor and
-- storage records written with writeObject go through the same code.

default_write, default_read = {}, {}

for name, info in pairs(class_info) do
   local mt = info.mt
   rawset(mt, '__factory', function()
      if info.tensor then return torch._empty(info.dtype) end
      return torch._wrap_storage(C.tl_storage_new(info.dtype, 0, 0))
   end)
   if info.tensor then
      -- int ndim, sizes, strides, offset+1, then the storage as a record
      mt.write = function(self, file)
         local f = handle(file, 'write')
         local st = state(file)
         run(st, 'write', '<tensor>', write_tensor_payload, file, f, st, self, info)
      end
      mt.read = function(self, file)
         local f = handle(file, 'read')
         local st = state(file)
         run(st, 'read', '<tensor>', read_tensor_payload, file, f, st, self, info)
      end
   else
      -- long count, then the elements
      mt.write = function(self, file)
         if C.tl_file_write_storage(handle(file, 'write'), self._c) ~= 0 then
            error(engine_message(), 2)
         end
      end
      mt.read = function(self, file)
         if C.tl_file_read_storage(handle(file, 'read'), self._c) ~= 0 then
            error(engine_message(), 2)
         end
      end
   end
   default_write[name], default_read[name] = mt.write, mt.read
end

-- The generator's 5048 bytes, raw (API.md 3.2); read back through the
-- engine's state checks.
local Generator = torch.getmetatable('torch.Generator')
local GEN_BYTES = ffi.sizeof('tl_generator')

function Generator:write(file)
   local f = handle(file, 'write')
   if C.tl_file_write(f, 0, self._c, GEN_BYTES) ~= GEN_BYTES then error(engine_message(), 0) end
end

function Generator:read(file)
   local f = handle(file, 'read')
   local tmp = ffi.new('tl_generator')
   if C.tl_file_read(f, 0, tmp, GEN_BYTES) ~= GEN_BYTES then error(engine_message(), 0) end
   local g = C.tl_generator_new()
   if g == nil then error(engine_message(), 0) end
   g = ffi.gc(g, C.tl_generator_free)
   if C.tl_generator_set_state(g, tmp) ~= 0 then error(engine_message(), 0) end
   self._c = g
end

---------------------------------------------------------------------------
-- torch.save, torch.load and the in-memory forms

local modes = { binary = true, ascii = true, b32 = true, b64 = true }

local function set_mode(file, mode, fname)
   if not modes[mode] then
      error(format("%s: mode must be 'binary', 'ascii', 'b32' or 'b64', got %s", fname, tostring(mode)), 4)
   end
   if mode == 'ascii' then
      file:ascii()
   else
      file:binary()
      if mode == 'b32' then file:longSize(4) elseif mode == 'b64' then file:longSize(8) end
   end
end

-- torch.save(filename, object [, mode='binary' [, referenced=true]])
function torch.save(filename, object, mode, referenced)
   if type(filename) ~= 'string' then
      error("bad argument #1 to 'torch.save' (file name expected, got " .. torch.type(filename) .. ')', 2)
   end
   mode = mode or 'binary'
   if mode ~= 'binary' and mode ~= 'ascii' then
      error("torch.save: mode must be 'binary' or 'ascii', got " .. tostring(mode), 2)
   end
   local ok, file = pcall(Fm.open_atomic, filename)
   if not ok then error('torch.save: ' .. tostring(file), 2) end
   local err
   ok, err = pcall(function()
      set_mode(file, mode, 'torch.save')
      file:referenced(referenced ~= false)
      file:writeObject(object)
      file:close()
   end)
   if not ok then
      C.tl_file_discard(file._f)
      error('torch.save: ' .. tostring(err), 2)
   end
end

-- Reads one object from an open file; nil, message on failure.
local function try_read(file, mode, referenced, trusted)
   return pcall(function()
      set_mode(file, mode, 'torch.load')
      file:referenced(referenced ~= false)
      if trusted then file:allowCode(true) end
      return file:readObject()
   end)
end

-- torch.load(filename [, mode='binary' [, referenced=true [, trusted=false]]])
function torch.load(filename, mode, referenced, trusted)
   if type(filename) ~= 'string' then
      error("bad argument #1 to 'torch.load' (file name expected, got " .. torch.type(filename) .. ')', 2)
   end
   local explicit = mode ~= nil and mode ~= 'binary'
   mode = mode or 'binary'
   if not modes[mode] then
      error("torch.load: mode must be 'binary', 'ascii', 'b32' or 'b64', got " .. tostring(mode), 2)
   end
   local file, msg = Fm.open_read(filename)
   if not file then error('torch.load: ' .. msg, 2) end
   local ok, res = try_read(file, mode, referenced, trusted)
   if not ok and not explicit then
      -- maybe 4-byte longs: accept only a reading that ends exactly at EOF
      local f2 = Fm.open_read(filename)
      if f2 then
         local ok2, res2 = try_read(f2, 'b32', referenced, trusted)
         if ok2 and C.tl_file_remaining(f2._f) == 0 then ok, res = true, res2 end
         f2:close()
      end
   end
   file:close()
   if not ok then error('torch.load: ' .. tostring(res) .. ' (in ' .. filename .. ')', 2) end
   return res
end

torch.saveobj = torch.save
torch.loadobj = torch.load

-- torch.serializeToStorage(object [, mode='binary']): a CharStorage of
-- the bytes (without the memory file's trailing NUL).
function torch.serializeToStorage(object, mode)
   mode = mode or 'binary'
   if mode ~= 'binary' and mode ~= 'ascii' then
      error("torch.serializeToStorage: mode must be 'binary' or 'ascii', got " .. tostring(mode), 2)
   end
   local f = torch.MemoryFile('w')
   f[mode](f)
   local ok, err = pcall(f.writeObject, f, object)
   if not ok then error('torch.serializeToStorage: ' .. tostring(err), 2) end
   local s = f:storage()
   s:resize(s:size() - 1)
   f:close()
   return s
end

function torch.serialize(object, mode)
   mode = mode or 'binary'
   if mode ~= 'binary' and mode ~= 'ascii' then
      error("torch.serialize: mode must be 'binary' or 'ascii', got " .. tostring(mode), 2)
   end
   local f = torch.MemoryFile('w')
   f[mode](f)
   local ok, err = pcall(f.writeObject, f, object)
   if not ok then error('torch.serialize: ' .. tostring(err), 2) end
   local size = ffi.new('int64_t[1]')
   local data = C.tl_file_memory_data(f._f, size)
   local s = ffi.string(data, size[0])
   f:close()
   return s
end

local function read_from(file, fname, mode, trusted)
   mode = mode or 'binary'
   local ok, res = try_read(file, mode, true, trusted)
   file:close()
   if not ok then error(fname .. ': ' .. tostring(res), 3) end
   return res
end

-- torch.deserialize(str [, mode='binary' [, trusted=false]])
function torch.deserialize(str, mode, trusted)
   if type(str) ~= 'string' then
      error("bad argument #1 to 'torch.deserialize' (string expected, got " .. torch.type(str) .. ')', 2)
   end
   return read_from(Fm.open_string(str), 'torch.deserialize', mode, trusted)
end

-- torch.deserializeFromStorage(charStorage [, mode='binary' [, trusted=false]])
function torch.deserializeFromStorage(storage, mode, trusted)
   if torch.typename(storage) ~= 'torch.CharStorage' then
      error("bad argument #1 to 'torch.deserializeFromStorage' (torch.CharStorage expected, got " ..
            torch.type(storage) .. ')', 2)
   end
   local n = storage:size()
   local copy = torch.CharStorage(n + 1)
   if n > 0 then ffi.copy(copy._c.data, storage._c.data, n) end
   copy._c.data[n] = 0
   return read_from(torch.MemoryFile(copy, 'r'), 'torch.deserializeFromStorage', mode, trusted)
end

return M
