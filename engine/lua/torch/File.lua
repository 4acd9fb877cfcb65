-- torch/File.lua: torch.File and its three kinds, torch.DiskFile,
-- torch.MemoryFile and torch.PipeFile (API.md 1.1.5).
--
-- A file object is a table holding `_f`, the engine's tl_file* (freed by
-- the garbage collector, which also removes the temporary of an atomic
-- save that was never closed). Everything byte-level is in C
-- (engine/src/file*.c); this file parses Torch7's argument forms:
-- readX() reads one value, readX(n) a new Storage of n values, readX(s)
-- fills storage s and returns the count; writeX(v | s) writes. Positions
-- are 1-based here. Errors raise, except in quiet mode, where a failed
-- read or write only sets hasError() (as in Torch7).
--
-- Object serialization (readObject, writeObject, ...) lives in
-- torch/serialize.lua, loaded together with this file.

local ffi = require 'ffi'
local torch = torch
local C = torch._C

local type, rawget, rawset, setmetatable, tonumber, format = type, rawget, rawset, setmetatable,
   tonumber, string.format

local P = {   -- tl_file_prop
   readable = C.TL_FILE_READABLE, writable = C.TL_FILE_WRITABLE, binary = C.TL_FILE_BINARY,
   autospacing = C.TL_FILE_AUTOSPACING, quiet = C.TL_FILE_QUIET, error = C.TL_FILE_ERROR,
   endian = C.TL_FILE_ENDIAN, longsize = C.TL_FILE_LONGSIZE, buffered = C.TL_FILE_BUFFERED,
   open = C.TL_FILE_OPEN,
}

local file_ptr = ffi.typeof('tl_file*')

local function engine_message()
   return ffi.string(C.tl_error_message())
end

-- The tl_file* of a file object, or an error naming the method.
local function handle(self, fname)
   local f = type(self) == 'table' and rawget(self, '_f')
   if not f or not ffi.istype(file_ptr, f) then
      error(format("%s: torch.File expected, got %s", fname, torch.type(self)), 3)
   end
   return f
end

-- A failed read or write: silent in quiet mode when the file recorded
-- an I/O error, an error otherwise (closed file, wrong direction, ...).
local function io_failed(f)
   if C.tl_file_get(f, P.quiet) == 1 and C.tl_file_get(f, P.error) == 1 then return end
   error(engine_message(), 3)
end

local function check(rc)
   if rc ~= 0 then error(engine_message(), 3) end
end

local function wrap(ptr, mt, extra)
   if ptr == nil then return nil end
   local self = extra or {}
   self._f = ffi.gc(ptr, C.tl_file_free)
   return setmetatable(self, mt)
end

---------------------------------------------------------------------------
-- Classes. torch.newmetatable gives full control of the constructors (a
-- quiet DiskFile that cannot be opened returns nil, as in Torch7). No
-- factory: open files are not serializable.

local File = torch.newmetatable('torch.File', nil, function()
   error('torch.File is an abstract class: use torch.DiskFile, torch.MemoryFile or torch.PipeFile', 2)
end)
local DiskFile = torch.newmetatable('torch.DiskFile', 'torch.File', function(name, mode, quiet)
   if type(name) ~= 'string' then
      error(format("bad argument #1 to 'torch.DiskFile' (file name expected, got %s)", torch.type(name)), 2)
   end
   mode = mode or 'r'
   if mode ~= 'r' and mode ~= 'w' and mode ~= 'rw' then
      error("torch.DiskFile: file mode should be 'r', 'w' or 'rw'", 2)
   end
   local ptr = C.tl_file_open_disk(name, mode, 0)
   if ptr == nil then
      if quiet then return nil end
      error('torch.DiskFile: ' .. engine_message(), 2)
   end
   local self = wrap(ptr, torch.getmetatable('torch.DiskFile'))
   if quiet then C.tl_file_set(ptr, P.quiet, 1) end
   return self
end)
local MemoryFile = torch.newmetatable('torch.MemoryFile', 'torch.File', function(a, b)
   local storage, mode = nil, a
   if torch.typename(a) == 'torch.CharStorage' then storage, mode = a, b end
   mode = mode or 'rw'
   if type(mode) ~= 'string' then
      error("torch.MemoryFile: expected [CharStorage,] [mode], got " .. torch.type(mode), 2)
   end
   local ptr = C.tl_file_open_memory(storage and storage._c or nil, mode)
   if ptr == nil then error('torch.MemoryFile: ' .. engine_message(), 2) end
   return wrap(ptr, torch.getmetatable('torch.MemoryFile'))
end)
local PipeFile = torch.newmetatable('torch.PipeFile', 'torch.DiskFile', function(cmd, mode, quiet)
   if type(cmd) ~= 'string' then
      error(format("bad argument #1 to 'torch.PipeFile' (command expected, got %s)", torch.type(cmd)), 2)
   end
   mode = mode or 'r'
   local ptr = C.tl_file_open_pipe(cmd, mode)
   if ptr == nil then
      if quiet then return nil end
      error('torch.PipeFile: ' .. engine_message(), 2)
   end
   local self = wrap(ptr, torch.getmetatable('torch.PipeFile'))
   if quiet then C.tl_file_set(ptr, P.quiet, 1) end
   return self
end)

---------------------------------------------------------------------------
-- Modes and status. Mode setters return the file, for chaining.

local function setter(name, prop, value)
   File[name] = function(self)
      check(C.tl_file_set(handle(self, name), prop, value))
      return self
   end
end
setter('ascii', P.binary, 0)
setter('binary', P.binary, 1)
setter('autoSpacing', P.autospacing, 1)
setter('noAutoSpacing', P.autospacing, 0)
setter('quiet', P.quiet, 1)
setter('pedantic', P.quiet, 0)
setter('clearError', P.error, 0)

local function getter(name, prop)
   File[name] = function(self)
      return C.tl_file_get(handle(self, name), prop) == 1
   end
end
getter('isQuiet', P.quiet)
getter('isReadable', P.readable)
getter('isWritable', P.writable)
getter('isBinary', P.binary)
getter('isAutoSpacing', P.autospacing)
getter('hasError', P.error)

---------------------------------------------------------------------------
-- Typed reads and writes

local kinds = {   -- method suffix, dtype, storage class, element ctype
   { 'Byte', 0, 'torch.ByteStorage', 'uint8_t' },
   { 'Char', 1, 'torch.CharStorage', 'int8_t' },
   { 'Short', 2, 'torch.ShortStorage', 'int16_t' },
   { 'Int', 3, 'torch.IntStorage', 'int32_t' },
   { 'Long', 4, 'torch.LongStorage', 'int64_t' },
   { 'Float', 5, 'torch.FloatStorage', 'float' },
   { 'Double', 6, 'torch.DoubleStorage', 'double' },
}

for _, k in ipairs(kinds) do
   local suffix, dtype, sname, ctype = k[1], k[2], k[3], k[4]
   local rname, wname = 'read' .. suffix, 'write' .. suffix
   local rbuf = ffi.new(ctype .. '[1]')
   local wbuf = ffi.new(ctype .. '[1]')
   local convert = dtype == 4 and tonumber or function(x) return x end

   File[rname] = function(self, arg)
      local f = handle(self, rname)
      if arg == nil then
         if C.tl_file_read(f, dtype, rbuf, 1) ~= 1 then
            io_failed(f)
            return 0
         end
         return convert(rbuf[0])
      elseif type(arg) == 'number' then
         if arg < 0 or arg ~= math.floor(arg) then
            error(format('%s: invalid count %s', rname, tostring(arg)), 2)
         end
         local s = torch.getconstructortable(sname)(arg)
         local n = C.tl_file_read(f, dtype, s._c.data, arg)
         if n ~= arg then
            io_failed(f)
            s:resize(n > 0 and tonumber(n) or 0)
         end
         return s
      elseif torch.typename(arg) == sname then
         local want = arg._c.size
         local n = C.tl_file_read(f, dtype, arg._c.data, want)
         if n ~= want then io_failed(f) end
         return n > 0 and tonumber(n) or 0
      end
      error(format('%s: expected nothing, a count or a %s, got %s', rname, sname, torch.type(arg)), 2)
   end

   File[wname] = function(self, arg)
      local f = handle(self, wname)
      if type(arg) == 'number' then
         wbuf[0] = arg
         if C.tl_file_write(f, dtype, wbuf, 1) ~= 1 then
            io_failed(f)
            return 0
         end
         return 1
      elseif torch.typename(arg) == sname then
         local want = arg._c.size
         local n = C.tl_file_write(f, dtype, arg._c.data, want)
         if n ~= want then
            io_failed(f)
            return 0
         end
         return tonumber(n)
      end
      error(format('%s: expected a number or a %s, got %s', wname, sname, torch.type(arg)), 2)
   end
end

-- Booleans are ints; only 1 reads as true (Torch7).
function File:readBool()
   return self:readInt() == 1
end

function File:writeBool(b)
   if type(b) ~= 'boolean' then
      error('writeBool: boolean expected, got ' .. torch.type(b), 2)
   end
   return self:writeInt(b and 1 or 0)
end

-- readString('*a') reads to the end, readString('*l') one line (the
-- newline is consumed, not returned). Raw bytes in both modes.
local strout = ffi.new('char*[1]')
function File:readString(fmt)
   local f = handle(self, 'readString')
   local line
   if fmt == '*a' or fmt == 'a' then line = 0
   elseif fmt == '*l' or fmt == 'l' then line = 1
   else error("readString: format must be '*a' or '*l', got " .. tostring(fmt), 2) end
   local n = C.tl_file_read_string(f, line, strout)
   if n < 0 then
      io_failed(f)
      return ''
   end
   local s = ffi.string(strout[0], n)
   C.tl_file_string_free(strout[0])
   return s
end

function File:writeString(str)
   local f = handle(self, 'writeString')
   if type(str) ~= 'string' then error('writeString: string expected, got ' .. torch.type(str), 2) end
   local n = C.tl_file_write_string(f, str, #str)
   if n ~= #str then
      io_failed(f)
      return 0
   end
   return #str
end

---------------------------------------------------------------------------
-- Positions (1-based) and closing

function File:synchronize()
   check(C.tl_file_sync(handle(self, 'synchronize')))
   return self
end

function File:seek(pos)
   local f = handle(self, 'seek')
   if type(pos) ~= 'number' or pos < 1 or pos ~= math.floor(pos) then
      error('seek: position must be a number >= 1, got ' .. tostring(pos), 2)
   end
   if C.tl_file_seek(f, pos - 1) ~= 0 then io_failed(f) end
   return self
end

function File:seekEnd()
   local f = handle(self, 'seekEnd')
   if C.tl_file_seek_end(f) ~= 0 then io_failed(f) end
   return self
end

function File:position()
   local p = C.tl_file_position(handle(self, 'position'))
   if p < 0 then error(engine_message(), 2) end
   return tonumber(p) + 1
end

function File:close()
   local f = handle(self, 'close')
   if C.tl_file_get(f, P.open) == 0 then return self end
   if C.tl_file_close(f) ~= 0 then error('close: ' .. engine_message(), 2) end
   return self
end

---------------------------------------------------------------------------
-- DiskFile extras (PipeFile inherits them)

local little = ffi.abi('le')

function DiskFile:bigEndianEncoding()
   check(C.tl_file_set(handle(self, 'bigEndianEncoding'), P.endian, C.TL_ENDIAN_BIG))
   return self
end

function DiskFile:littleEndianEncoding()
   check(C.tl_file_set(handle(self, 'littleEndianEncoding'), P.endian, C.TL_ENDIAN_LITTLE))
   return self
end

function DiskFile:nativeEndianEncoding()
   check(C.tl_file_set(handle(self, 'nativeEndianEncoding'), P.endian, C.TL_ENDIAN_NATIVE))
   return self
end

function DiskFile.isLittleEndianCPU() return little end
function DiskFile.isBigEndianCPU() return not little end

local function longSize(self, size)
   if type(size) ~= 'number' then error('longSize: 0, 4 or 8 expected, got ' .. torch.type(size), 2) end
   check(C.tl_file_set(handle(self, 'longSize'), P.longsize, size))
   return self
end
DiskFile.longSize = longSize
MemoryFile.longSize = longSize

function DiskFile:noBuffer()
   check(C.tl_file_set(handle(self, 'noBuffer'), P.buffered, 0))
   return self
end

-- The file's CharStorage, ending with a NUL byte (shared, not copied).
function MemoryFile:storage()
   local s = C.tl_file_storage(handle(self, 'storage'))
   if s == nil then error(engine_message(), 2) end
   C.tl_storage_retain(s)
   return torch._wrap_storage(s)
end

---------------------------------------------------------------------------
-- Internal constructors for torch.save / torch.deserialize

local M = { handle = handle, props = P }

-- A DiskFile writing path atomically (see tl_file_open_disk).
function M.open_atomic(path)
   local ptr = C.tl_file_open_disk(path, 'w', 1)
   if ptr == nil then error(engine_message(), 3) end
   return wrap(ptr, DiskFile)
end

-- A DiskFile for reading, or nil and the engine's message.
function M.open_read(path)
   local ptr = C.tl_file_open_disk(path, 'r', 0)
   if ptr == nil then return nil, engine_message() end
   return wrap(ptr, DiskFile)
end

-- A read-only MemoryFile over a Lua string, without copying it: Lua keeps
-- a NUL after every string's bytes, which is the terminator the memory
-- file needs. The string stays referenced by the file object.
function M.open_string(str)
   local s = C.tl_storage_wrap(1, ffi.cast('void*', ffi.cast('const char*', str)), #str + 1)
   if s == nil then error(engine_message(), 3) end
   local ptr = C.tl_file_open_memory(s, 'r')
   C.tl_storage_free(s)   -- the file holds its own reference
   if ptr == nil then error(engine_message(), 3) end
   return wrap(ptr, MemoryFile, { _keep = str })
end

torch._file = M

-- readObject and friends; see the note at the top of torch/serialize.lua
-- on the order in which the two files load.
if package.loaded['torch.serialize'] == nil then require 'torch.serialize' end

return M
