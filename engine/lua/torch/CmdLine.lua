-- torch/CmdLine.lua: torch.CmdLine, a command-line parser for scripts.
--
--   local cmd = torch.CmdLine()
--   cmd:text('Train a model')
--   cmd:argument('-data', 'training file')        -- positional
--   cmd:option('-lr', 0.1, 'learning rate')        -- typed by its default
--   cmd:option('-cuda', false, 'use the GPU')      -- a flag: -cuda flips it
--   local params = cmd:parse(arg)                  -- {data=..., lr=..., cuda=...}
--
-- Keys lose their leading dashes in params. -h, -help and --help print the
-- usage and exit the script (the Torch7 behaviour of a CLI). Bad input
-- (unknown option, wrong type, missing argument) raises an error whose
-- message ends with the usage text.

local torch = torch

local CmdLine = torch.class('torch.CmdLine')

local function strip(key)
   return (key:match('^%-*(.*)$'))
end

local function pad(s, n)
   return s .. string.rep(' ', n - #s)
end

function CmdLine:__init(argseparator, keyseparator)
   self.argseparator = argseparator or ','
   self.keyseparator = keyseparator or '='
   self.options = {}
   self.arguments = {}
   self.helplines = {}
   self.dateformat = nil
   self.silentio = false
end

-- Messages printed through log() no longer reach the console.
function CmdLine:silent()
   self.silentio = true
end

-- Prefix every logged line with the date (os.date format) and a name.
function CmdLine:addTime(name, format)
   format = format or '%Y-%m-%d %H:%M:%S'
   if type(format) ~= 'string' then error('torch.CmdLine:addTime: format has to be a string', 2) end
   self.dateformat = format .. (name ~= nil and ('[' .. tostring(name) .. ']: ') or '')
end

function CmdLine:argument(key, help, type_)
   if type(key) ~= 'string' then error('torch.CmdLine:argument: key (string) expected', 2) end
   local a = { key = key, help = help, type = type_ }
   self.arguments[#self.arguments + 1] = a
   self.helplines[#self.helplines + 1] = a
end

-- The option's type is its default's unless given (string, number or
-- boolean); the default is required.
function CmdLine:option(key, default, help, type_)
   if type(key) ~= 'string' then error('torch.CmdLine:option: key (string) expected', 2) end
   if default == nil then error('option ' .. key .. ' has no default value', 2) end
   type_ = type_ or type(default)
   if type(default) ~= type_ then error('option ' .. key .. ' has wrong default type value', 2) end
   local o = { key = key, default = default, help = help, type = type_ }
   self.options[key] = o
   self.helplines[#self.helplines + 1] = o
end

function CmdLine:text(txt)
   txt = txt or ''
   if type(txt) ~= 'string' then error('torch.CmdLine:text: string expected', 2) end
   self.helplines[#self.helplines + 1] = txt
end

-- The params table holding every option's default.
function CmdLine:default()
   local params = {}
   for key, o in pairs(self.options) do
      params[strip(key)] = o.default
   end
   return params
end

-- The usage text, as help() prints it.
function CmdLine:_usage(arg)
   local out = { 'Usage: ' }
   if arg and arg[0] then out[#out + 1] = tostring(arg[0]) .. ' ' end
   out[#out + 1] = '[options]'
   for _, a in ipairs(self.arguments) do
      out[#out + 1] = ' <' .. strip(a.key) .. '>'
   end
   out[#out + 1] = '\n'

   local width = 0
   for _, line in ipairs(self.helplines) do
      if type(line) == 'table' then
         local label = line.default ~= nil and line.key or ('<' .. strip(line.key) .. '>')
         width = math.max(width, #label)
      end
   end
   for _, line in ipairs(self.helplines) do
      if type(line) == 'table' then
         if line.default ~= nil then
            out[#out + 1] = '  ' .. pad(line.key, width)
            if line.help then out[#out + 1] = ' ' .. line.help end
            out[#out + 1] = ' [' .. tostring(line.default) .. ']'
         else
            out[#out + 1] = '  ' .. pad('<' .. strip(line.key) .. '>', width)
            if line.help then out[#out + 1] = ' ' .. line.help end
         end
      else
         out[#out + 1] = line
      end
      out[#out + 1] = '\n'
   end
   return table.concat(out)
end

function CmdLine:help(arg)
   io.write(self:_usage(arg))
end

-- Raises `msg` followed by the usage text.
function CmdLine:error(msg)
   error(tostring(msg) .. '\n\n' .. self:_usage(self._arg), 0)
end

local function convert(value, type_)
   if type_ == nil or type_ == 'string' then return value end
   if type_ == 'number' then return tonumber(value) end
   return nil
end

-- parse(arg): arg is the script's argument list (default: the global arg).
function CmdLine:parse(arg)
   arg = arg or _G.arg or {}
   self._arg = arg
   local params = self:default()
   local nargs = 0
   local i = 1
   while i <= #arg do
      local a = arg[i]
      if a == '-h' or a == '-help' or a == '--help' then
         self:help(arg)
         os.exit(0)
      end
      local o = self.options[a]
      if o then
         if o.type == 'boolean' then
            params[strip(a)] = not o.default
            i = i + 1
         else
            local value = arg[i + 1]
            if value == nil then self:error('missing argument for option ' .. a) end
            local v = convert(value, o.type)
            if v == nil then
               self:error('invalid type for option ' .. a .. ' (should be ' .. tostring(o.type) .. ')')
            end
            params[strip(a)] = v
            i = i + 2
         end
      elseif type(a) == 'string' and a:match('^%-%-?[%a_]') then
         -- a dash followed by a letter is an option, never a positional
         -- argument (a negative number is still an argument)
         self:error('unknown option ' .. a)
      else
         nargs = nargs + 1
         local spec = self.arguments[nargs]
         if not spec then self:error('invalid argument: ' .. tostring(a)) end
         local v = convert(a, spec.type)
         if v == nil then
            self:error('invalid argument type for argument ' .. spec.key .. ' (should be ' .. tostring(spec.type) .. ')')
         end
         params[strip(spec.key)] = v
         i = i + 1
      end
   end
   if nargs < #self.arguments then self:error('not enough arguments') end
   return params
end

-- A name built from params (for an experiment directory, say): the
-- positional arguments in order, then the options that differ from their
-- defaults, sorted, each as key=value, joined by the argument separator
-- after `prefix`. Keys with ignore[key] true are left out; ignore[key] ==
-- false forces an option in even at its default.
function CmdLine:string(prefix, params, ignore)
   prefix = prefix or ''
   ignore = ignore or {}
   local by_name = {}
   for key, o in pairs(self.options) do by_name[strip(key)] = o end
   local args, opts = {}, {}
   for k, v in pairs(params) do
      local o = by_name[k]
      if ignore[k] then
         -- left out on request
      elseif o then
         if v ~= o.default or ignore[k] == false then
            if type(v) == 'boolean' then v = v and 't' or 'f' end
            opts[#opts + 1] = k .. self.keyseparator .. tostring(v)
         end
      else
         for n, a in ipairs(self.arguments) do
            if strip(a.key) == k then args[n] = k .. self.keyseparator .. tostring(v) end
         end
      end
   end
   table.sort(opts)
   local parts = {}
   for n = 1, #self.arguments do
      if args[n] then parts[#parts + 1] = args[n] end
   end
   for _, o in ipairs(opts) do parts[#parts + 1] = o end
   local s = table.concat(parts, self.argseparator)
   if s == '' then return prefix end
   return prefix .. self.argseparator .. s
end

-- log(file, params): from now on the global print also appends its line to
-- `file` (a path or an open file), prefixed by the date if addTime was
-- called; then writes a header with the command-line params. A second log
-- replaces the first rather than teeing twice.
local tee_to_console = setmetatable({}, { __mode = 'k' })
function CmdLine:log(file, params)
   local f = file
   if io.type(file) ~= 'file' then
      local err
      f, err = io.open(file, 'w')
      if not f then error('torch.CmdLine:log: cannot open ' .. tostring(file) .. ': ' .. tostring(err), 2) end
   end
   local console_print = tee_to_console[print] or print
   local cmd = self
   local function tee_print(...)
      if not cmd.silentio then console_print(...) end
      local parts = {}
      for i = 1, select('#', ...) do
         parts[i] = tostring((select(i, ...)))
      end
      local prefix = cmd.dateformat and os.date(cmd.dateformat) or ''
      f:write(prefix .. table.concat(parts, ' ') .. '\n')
      f:flush()
   end
   tee_to_console[tee_print] = console_print
   rawset(_G, 'print', tee_print)
   print('[program started on ' .. os.date() .. ']')
   print('[command line arguments]')
   if params then
      for k, v in pairs(params) do print(k, v) end
   end
   print('[----------------------]')
end

return CmdLine
