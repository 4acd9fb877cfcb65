-- tests/test_cmdline.lua: torch.CmdLine (API.md 1.1.5).

local tests = {}

local function check(cond, msg)
   if not cond then error(msg or 'check failed', 2) end
end

local function check_eq(got, want, msg)
   if got ~= want then
      error(string.format('%s: expected %s, got %s', msg or 'value', tostring(want), tostring(got)), 2)
   end
end

-- Runs f with io.write captured; returns the text written and f's results.
local function capture(f)
   local out = {}
   local saved = io.write
   io.write = function(...)
      for i = 1, select('#', ...) do out[#out + 1] = tostring((select(i, ...))) end
   end
   local ok, err = pcall(f)
   io.write = saved
   if not ok then error(err, 0) end
   return table.concat(out)
end

local function check_error(f, pattern)
   local ok, err = pcall(f)
   if ok then error('expected an error matching ' .. pattern, 2) end
   if not tostring(err):find(pattern) then
      error('error "' .. tostring(err) .. '" does not match ' .. pattern, 2)
   end
   return err
end

local function make()
   local cmd = torch.CmdLine()
   cmd:text('Train a model')
   cmd:text()
   cmd:argument('-data', 'training file')
   cmd:option('-lr', 0.1, 'learning rate')
   cmd:option('-name', 'run', 'experiment name')
   cmd:option('-cuda', false, 'use the GPU')
   cmd:option('--epochs', 10, 'number of epochs')
   return cmd
end

function tests.cmdline_defaults()
   local cmd = make()
   local d = cmd:default()
   check_eq(d.lr, 0.1, 'lr')
   check_eq(d.name, 'run', 'name')
   check_eq(d.cuda, false, 'cuda')
   check_eq(d.epochs, 10, 'dashes stripped')
   local p = cmd:parse({ 'file.t7' })
   check_eq(p.data, 'file.t7', 'argument')
   check_eq(p.lr, 0.1, 'default kept')
end

function tests.cmdline_parse_options()
   local cmd = make()
   local p = cmd:parse({ '-lr', '0.5', 'train.t7', '-cuda', '--epochs', '3', '-name', 'x' })
   check_eq(p.lr, 0.5, 'number option converted')
   check_eq(type(p.lr), 'number', 'number type')
   check_eq(p.data, 'train.t7', 'argument between options')
   check_eq(p.cuda, true, 'boolean flag flips its default')
   check_eq(p.epochs, 3, 'double-dash option')
   check_eq(p.name, 'x', 'string option')
end

function tests.cmdline_typed_arguments()
   local cmd = torch.CmdLine()
   cmd:argument('-n', 'a count', 'number')
   cmd:argument('-what', 'a word')
   local p = cmd:parse({ '-3', 'apples' })
   check_eq(p.n, -3, 'number argument (negative numbers are not options)')
   check_eq(p.what, 'apples', 'string argument')
   check_error(function() cmd:parse({ 'three', 'apples' }) end, 'invalid argument type')
end

function tests.cmdline_errors()
   local cmd = make()
   local err = check_error(function() cmd:parse({ 'f', '-bogus' }) end, 'unknown option %-bogus')
   check(err:find('Usage:'), 'the error carries the usage text')
   check_error(function() cmd:parse({}) end, 'not enough arguments')
   check_error(function() cmd:parse({ 'a', 'b' }) end, 'invalid argument: b')
   check_error(function() cmd:parse({ 'a', '-lr' }) end, 'missing argument for option %-lr')
   check_error(function() cmd:parse({ 'a', '-lr', 'fast' }) end, 'invalid type for option %-lr')
   check_error(function() cmd:option('-x') end, 'has no default value')
   check_error(function() cmd:option('-y', 1, 'help', 'string') end, 'wrong default type')
   check_error(function() cmd:error('custom problem') end, 'custom problem')
end

function tests.cmdline_help()
   local cmd = make()
   local text = capture(function() cmd:help({ [0] = 'train.lua' }) end)
   check(text:find('^Usage: train.lua %[options%] <data>\n'), 'usage line: ' .. text)
   check(text:find('Train a model\n'), 'text lines')
   local want = table.concat({
      'Usage: train.lua [options] <data>',
      'Train a model',
      '',
      '  <data>   training file',
      '  -lr      learning rate [0.1]',
      '  -name    experiment name [run]',
      '  -cuda    use the GPU [false]',
      '  --epochs number of epochs [10]',
      '' }, '\n')
   check_eq(text, want, 'help text')
end

function tests.cmdline_string()
   local cmd = make()
   local p = cmd:parse({ 'data.t7', '-lr', '0.5', '-cuda' })
   check_eq(cmd:string('exp', p, {}), 'exp,data=data.t7,cuda=t,lr=0.5', 'arguments then changed options, sorted')
   check_eq(cmd:string('exp', p, { lr = true }), 'exp,data=data.t7,cuda=t', 'ignored key')
   check_eq(cmd:string('exp', p, { name = false }), 'exp,data=data.t7,cuda=t,lr=0.5,name=run',
            'ignore=false forces a default in')
   local q = cmd:parse({ 'd' })
   check_eq(cmd:string('exp', q, { data = true }), 'exp', 'nothing to add')
   local c2 = torch.CmdLine('_', ':')
   c2:option('-a', 1)
   check_eq(c2:string('p', { a = 2 }), 'p_a:2', 'custom separators')
end

function tests.cmdline_log()
   local file = os.tmpname()
   local saved = print
   local console = {}
   rawset(_G, 'print', function(...) console[#console + 1] = table.concat({ ... }, ' ') end)
   local ok, err = pcall(function()
      local cmd = make()
      cmd:addTime('tl', '%Y')
      cmd:log(file, { lr = 0.1 })
      print('hello', 42)
   end)
   local logged_print = print
   rawset(_G, 'print', saved)
   if not ok then os.remove(file) error(err, 0) end
   check(logged_print ~= saved, 'log replaces print')
   local f = assert(io.open(file))
   local text = f:read('*a')
   f:close()
   os.remove(file)
   local year = os.date('%Y')
   check(text:find(year .. '%[tl%]: %[program started on'), 'header with the date prefix: ' .. text)
   check(text:find('%[command line arguments%]'), 'arguments header')
   check(text:find('lr 0.1\n'), 'params logged')
   check(text:find(year .. '%[tl%]: hello 42\n'), 'print goes to the log: ' .. text)
   check(console[#console] == 'hello 42', 'and to the console')
end

function tests.cmdline_silent()
   local file = os.tmpname()
   local saved = print
   local console = 0
   rawset(_G, 'print', function() console = console + 1 end)
   local ok, err = pcall(function()
      local cmd = torch.CmdLine()
      cmd:silent()
      cmd:log(file)
      print('quiet')
   end)
   rawset(_G, 'print', saved)
   local f = io.open(file)
   local text = f and f:read('*a') or ''
   if f then f:close() end
   os.remove(file)
   if not ok then error(err, 0) end
   check_eq(console, 0, 'silent: nothing on the console')
   check(text:find('quiet\n'), 'but logged')
end

return tests
