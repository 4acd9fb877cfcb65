-- torch/random.lua: random numbers as Torch7 draws them (API.md section 5).
--
-- The engine (engine/src/random.c) holds the MT19937 generator and every
-- formula; this file is the Lua face: torch.Generator, the default
-- generator torch._gen (seeded from /dev/urandom at load), the RNG
-- control functions (seed, initialSeed, manualSeed, getRNGState,
-- setRNGState), scalar draws (torch.uniform(), ...), tensor fills
-- (t:uniform(), ...) and torch.rand/randn/randperm.
--
-- Every function takes an optional Generator first (after the tensor for
-- methods). The default generator is read from torch._gen at each call,
-- as in Torch7, so replacing torch._gen redirects all default draws.

local torch = torch
local ffi = torch._ffi or require('ffi')
local C = torch._C

local type, select, format, floor, ceil = type, select, string.format, math.floor, math.ceil
local getmetatable = getmetatable

-- Distribution ids: the tl_dist enum of torchlight.h.
local DIST = {
   uniform = C.TL_DIST_UNIFORM, normal = C.TL_DIST_NORMAL,
   exponential = C.TL_DIST_EXPONENTIAL, cauchy = C.TL_DIST_CAUCHY,
   logNormal = C.TL_DIST_LOGNORMAL, geometric = C.TL_DIST_GEOMETRIC,
   bernoulli = C.TL_DIST_BERNOULLI, random = C.TL_DIST_RANDOM,
   random_range = C.TL_DIST_RANDOM_RANGE,
}

local STATE_BYTES = ffi.sizeof('tl_generator')   -- 5048, Torch7's THGenerator

---------------------------------------------------------------------------
-- Argument helpers. Errors raised at level 3 point at the caller of the
-- public function that called the helper.

local function engine_error(level)
   error(ffi.string(C.tl_error_message()), level + 1)
end

local function check(rc)
   if rc ~= 0 then engine_error(3) end
end

local function argerror(fname, n, msg)
   error(format("bad argument #%d to '%s' (%s)", n, fname, msg), 4)
end

local tensor_test = torch._is_tensor or torch.isTensor   -- the binding's fast test
local function is_tensor(x)
   return type(x) == 'cdata' and tensor_test(x)
end

-- An optional number (nil default: required).
local function number_arg(x, default, fname, n)
   if x == nil then
      if default == nil then argerror(fname, n, 'number expected, got no value') end
      return default
   end
   if type(x) ~= 'number' then argerror(fname, n, 'number expected, got ' .. torch.type(x)) end
   return x
end

local function trunc(x)
   return x >= 0 and floor(x) or ceil(x)
end

-- An integer argument; Torch7's C side truncates `long` arguments.
local function long_arg(x, fname, n)
   if type(x) ~= 'number' then
      argerror(fname, n, 'number expected, got ' .. (x == nil and 'no value' or torch.type(x)))
   end
   if x ~= x then argerror(fname, n, 'number expected, got nan') end
   return trunc(x)
end

local function no_more(x, fname, n)
   if x ~= nil then argerror(fname, n, 'unexpected argument of type ' .. torch.type(x)) end
end

---------------------------------------------------------------------------
-- torch.Generator

-- torch.class returns the method table, which is also the instances'
-- metatable (how is_gen recognises them).
local Generator = torch.class('torch.Generator')

-- A new generator is seeded from /dev/urandom (THGenerator_new does so).
function Generator:__init()
   local g = C.tl_generator_new()
   if g == nil then engine_error(2) end
   self._c = ffi.gc(g, C.tl_generator_free)
end

local function is_gen(x)
   return type(x) == 'table' and getmetatable(x) == Generator
end

torch._gen = torch.Generator()

---------------------------------------------------------------------------
-- RNG control

-- Seeds travel as Lua numbers, converted like Torch7's C `long`:
-- truncated, negative values wrapping to 2^64 + s. An int64/uint64 cdata
-- passes through unchanged (to reach every 64-bit seed exactly).
local function seed_arg(s, fname, n)
   if type(s) == 'cdata' then return ffi.cast('uint64_t', s) end
   local v = type(s) == 'string' and tonumber(s) or s
   if type(v) ~= 'number' or v ~= v or v >= 2^64 or v < -2^63 then
      argerror(fname, n, 'number expected, got ' .. (s == nil and 'no value' or
                                                     type(v) == 'number' and tostring(v) or
                                                     torch.type(s)))
   end
   s = trunc(v)
   if s < 0 then return ffi.cast('uint64_t', ffi.cast('int64_t', s)) end
   return ffi.cast('uint64_t', s)
end

-- Torch7 returns seeds through a C `long`, hence signed.
local function seed_number(u)
   return tonumber(ffi.cast('int64_t', u))
end

function torch.seed(gen)
   gen = gen or torch._gen
   if not is_gen(gen) then argerror('seed', 1, 'torch.Generator expected') end
   return seed_number(C.tl_generator_seed(gen._c))
end

function torch.initialSeed(gen)
   gen = gen or torch._gen
   if not is_gen(gen) then argerror('initialSeed', 1, 'torch.Generator expected') end
   return seed_number(gen._c.initial_seed)
end

function torch.manualSeed(a, b)
   local gen = torch._gen
   if is_gen(a) then gen, a = a, b else no_more(b, 'manualSeed', 2) end
   C.tl_generator_manual_seed(gen._c, seed_arg(a, 'manualSeed', 1))
end

local function check_state_tensor(state, fname, n)
   if torch.typename(state) ~= 'torch.ByteTensor' then
      argerror(fname, n, 'torch.ByteTensor expected, got ' .. torch.type(state))
   end
end

local state_size = ffi.new('int64_t[1]', STATE_BYTES)

-- The generator's 5048 bytes, as Torch7 lays them out, in a ByteTensor
-- (a new one, or `state` resized).
function torch.getRNGState(a, b)
   local gen = torch._gen
   if is_gen(a) then gen, a = a, b end
   local state = a
   if state == nil then state = torch.ByteTensor() end
   check_state_tensor(state, 'getRNGState', 1)
   check(C.tl_tensor_resize(state._c, 1, state_size))
   ffi.copy(C.tl_tensor_data(state._c), gen._c, STATE_BYTES)
   return state
end

-- Restores bytes from getRNGState after the engine's sanity checks.
function torch.setRNGState(a, b)
   local gen = torch._gen
   if is_gen(a) then gen, a = a, b end
   local state = a
   check_state_tensor(state, 'setRNGState', 1)
   local c = state._c
   if C.tl_tensor_numel(c) ~= STATE_BYTES then
      error(format('setRNGState: RNG state is wrong size (%d bytes, expected %d)',
                   tonumber(C.tl_tensor_numel(c)), STATE_BYTES), 2)
   end
   if C.tl_tensor_is_contiguous(c) == 0 then
      error('setRNGState: RNG state needs to be contiguous', 2)
   end
   local tmp = ffi.new('tl_generator')
   ffi.copy(tmp, C.tl_tensor_data(c), STATE_BYTES)
   check(C.tl_generator_set_state(gen._c, tmp))
   return state
end

---------------------------------------------------------------------------
-- Tensor fills: t:uniform([gen,] [a, b]) and friends. Each returns t.

-- A fill taking up to two numeric parameters with Torch7's defaults
-- (nil default = required).
local function make_fill(name, dist, nparams, d0, d1)
   return function(self, a, b, c)
      local gen = torch._gen
      if is_gen(a) then gen, a, b, c = a, b, c, nil end
      local p0, p1 = 0, 0
      if nparams >= 1 then p0 = number_arg(a, d0, name, 1) else no_more(a, name, 1) end
      if nparams >= 2 then p1 = number_arg(b, d1, name, 2) else no_more(b, name, 2) end
      no_more(c, name, 3)
      check(C.tl_tensor_random_fill(gen._c, self._c, dist, p0, p1))
      return self
   end
end

local fill = {
   uniform = make_fill('uniform', DIST.uniform, 2, 0, 1),
   normal = make_fill('normal', DIST.normal, 2, 0, 1),
   exponential = make_fill('exponential', DIST.exponential, 1, 1),
   cauchy = make_fill('cauchy', DIST.cauchy, 2, 0, 1),
   logNormal = make_fill('logNormal', DIST.logNormal, 2, 1, 2),
   geometric = make_fill('geometric', DIST.geometric, 1, nil),
}

-- t:random() reduces each 32-bit draw per type; random(b) gives 1..b and
-- random(a, b) gives a..b.
function fill.random(self, a, b, c)
   local gen = torch._gen
   if is_gen(a) then gen, a, b, c = a, b, c, nil end
   no_more(c, 'random', 3)
   local rc
   if a == nil then
      rc = C.tl_tensor_random_fill(gen._c, self._c, DIST.random, 0, 0)
   elseif b == nil then
      local hi = long_arg(a, 'random', 1)
      if hi <= 0 then error(format('random: upper bound must be positive, got %.14g', hi), 2) end
      rc = C.tl_tensor_random_fill(gen._c, self._c, DIST.random_range, 1, hi)
   else
      rc = C.tl_tensor_random_fill(gen._c, self._c, DIST.random_range,
                                   long_arg(a, 'random', 1), long_arg(b, 'random', 2))
   end
   check(rc)
   return self
end

-- t:bernoulli([gen,] [p = 0.5 | pTensor]): pTensor is a Float or Double
-- tensor with one probability per element.
function fill.bernoulli(self, a, b, c)
   local gen = torch._gen
   if is_gen(a) then gen, a, b = a, b, c end
   no_more(b, 'bernoulli', 2)
   if is_tensor(a) then
      check(C.tl_tensor_bernoulli_tensor(gen._c, self._c, a._c))
   else
      check(C.tl_tensor_random_fill(gen._c, self._c, DIST.bernoulli,
                                    number_arg(a, 0.5, 'bernoulli', 1), 0))
   end
   return self
end

---------------------------------------------------------------------------
-- Sized fills: rand, randn, randperm.

local sizebuf = ffi.new('int64_t[?]', C.TL_MAXDIM)

-- Reads sizes from the arguments i..n: numbers, or one LongStorage.
-- Returns the dimension count (sizes land in sizebuf).
local function read_sizes(fname, i, n, ...)
   local first = select(i, ...)
   if n - i == 0 and torch.typename(first) == 'torch.LongStorage' then
      local s = first._c
      local nd = tonumber(s.size)
      if nd > C.TL_MAXDIM then error(format('%s: too many dimensions (%d)', fname, nd), 3) end
      local data = ffi.cast('int64_t *', s.data)
      for d = 0, nd - 1 do sizebuf[d] = data[d] end
      return nd
   end
   local nd = n - i + 1
   if nd > C.TL_MAXDIM then error(format('%s: too many dimensions (%d)', fname, nd), 3) end
   for d = 0, nd - 1 do
      local v = select(i + d, ...)
      if type(v) ~= 'number' then
         argerror(fname, i + d, 'number or torch.LongStorage expected, got ' .. torch.type(v))
      end
      sizebuf[d] = v
   end
   return nd
end

-- A trailing 'torch.XTensor' picks the result type (Torch7's dispatcher).
local function new_result(typename)
   if typename then
      local short = typename:match('^torch%.(%a+Tensor)$')
      local ctor = short and torch[short]
      if not ctor then error('unknown tensor type ' .. typename, 3) end
      return ctor()
   end
   return torch.Tensor()
end

-- rand/randn([res,] [gen,] sizes... [, typename]): res (or a new tensor)
-- resized, then filled.
local function sized_fill(name, dist, p0, p1, res, ...)
   local n = select('#', ...)
   local i = 1
   local gen = torch._gen
   if is_gen((...)) then gen, i = (...), 2 end
   local typename = n >= i and select(n, ...)
   if type(typename) == 'string' and typename:match('^torch%.%a+Tensor$') then
      n = n - 1
   else
      typename = nil
   end
   if res == nil then res = new_result(typename) end
   local nd = read_sizes(name, i, n, ...)
   check(C.tl_tensor_resize(res._c, nd, sizebuf))
   check(C.tl_tensor_random_fill(gen._c, res._c, dist, p0, p1))
   return res
end

function fill.rand(self, ...)
   return sized_fill('rand', DIST.uniform, 0, 1, self, ...)
end

function fill.randn(self, ...)
   return sized_fill('randn', DIST.normal, 0, 1, self, ...)
end

-- randperm([res,] [gen,] n): a 1-based random permutation of 1..n.
local function randperm(res, a, b, c)
   local gen = torch._gen
   if is_gen(a) then gen, a, b = a, b, c end
   local n = long_arg(a, 'randperm', 1)
   if res == nil and type(b) == 'string' and b:match('^torch%.%a+Tensor$') then
      res = new_result(b)
   else
      no_more(b, 'randperm', 2)
   end
   res = res or torch.Tensor()
   check(C.tl_tensor_randperm(gen._c, res._c, n))
   return res
end

function fill.randperm(self, ...)
   return randperm(self, ...)
end

-- Methods per type, following Torch7's availability table.
local all_types = { 'Byte', 'Char', 'Short', 'Int', 'Long', 'Float', 'Double' }
local all_methods = { 'random', 'geometric', 'bernoulli', 'randperm' }
local real_methods = { 'uniform', 'normal', 'exponential', 'cauchy', 'logNormal', 'rand', 'randn' }

for _, tname in ipairs(all_types) do
   local mt = torch.getmetatable('torch.' .. tname .. 'Tensor')
   if mt then
      for _, m in ipairs(all_methods) do rawset(mt, m, fill[m]) end
      if tname == 'Float' or tname == 'Double' then
         for _, m in ipairs(real_methods) do rawset(mt, m, fill[m]) end
      end
   end
end

---------------------------------------------------------------------------
-- torch.* functions: a tensor first means the fill (torch.uniform(t) is
-- t:uniform()); otherwise a scalar draw.

-- The method `name` of tensor t, or an error naming its type.
local function tensor_method(t, name)
   local f = rawget(torch.getmetatable(torch.type(t)), name)
   if f == nil then
      error(format('%s: not available for %s', name, torch.type(t)), 3)
   end
   return f
end

-- Scalar draws whose parameters the engine checks: it returns a sentinel
-- (NaN, or -1 for integer results) and records a message.
local function draw_checked(v)
   if v ~= v or v == -1 then
      local msg = ffi.string(C.tl_error_message())
      if msg ~= '' then error(msg, 3) end
   end
   return v
end

local function make_scalar(name, cfn, nparams, d0, d1, checked)
   return function(a, b, c, d)
      if is_tensor(a) then return tensor_method(a, name)(a, b, c, d) end
      local gen = torch._gen
      if is_gen(a) then gen, a, b, c = a, b, c, nil end
      local p0, p1 = 0, 0
      if nparams >= 1 then p0 = number_arg(a, d0, name, 1) else no_more(a, name, 1) end
      if nparams >= 2 then p1 = number_arg(b, d1, name, 2) else no_more(b, name, 2) end
      no_more(c, name, 3)
      if checked then
         C.tl_error_clear()
         local v = draw_checked(tonumber(cfn(gen._c, p0, p1)))   -- not a tail call:
         return v                                                 -- keeps error levels
      end
      return cfn(gen._c, p0, p1)
   end
end

-- Adapters to one (gen, p0, p1) signature.
local function c1(f) return function(g, p0) return f(g, p0) end end

torch.uniform = make_scalar('uniform', C.tl_random_uniform, 2, 0, 1)
torch.normal = make_scalar('normal', C.tl_random_normal, 2, 0, 1, true)
torch.exponential = make_scalar('exponential', c1(C.tl_random_exponential), 1, 1)
torch.cauchy = make_scalar('cauchy', C.tl_random_cauchy, 2, 0, 1)
torch.logNormal = make_scalar('logNormal', C.tl_random_lognormal, 2, 1, 2, true)
torch.geometric = make_scalar('geometric', c1(C.tl_random_geometric), 1, nil, nil, true)
torch.bernoulli = make_scalar('bernoulli', c1(C.tl_random_bernoulli), 1, 0.5, nil, true)

-- torch.random([gen,] [a [, b]]): the 32-bit draw r, r % b + 1, or
-- r % (b + 1 - a) + a. Bounds are checked before drawing.
function torch.random(a, b, c, d)
   if is_tensor(a) then return tensor_method(a, 'random')(a, b, c, d) end
   local gen = torch._gen
   if is_gen(a) then gen, a, b, c = a, b, c, nil end
   no_more(c, 'random', 3)
   if a == nil then return C.tl_random32(gen._c) end
   if b == nil then
      local hi = long_arg(a, 'random', 1)
      if hi <= 0 then error(format('random: upper bound must be positive, got %.14g', hi), 2) end
      return C.tl_random32(gen._c) % hi + 1
   end
   local lo, hi = long_arg(a, 'random', 1), long_arg(b, 'random', 2)
   if hi < lo then
      error(format('random: upper bound must be >= lower bound, got [%.14g, %.14g]', lo, hi), 2)
   end
   return C.tl_random32(gen._c) % (hi + 1 - lo) + lo
end

function torch.rand(...)
   local a = ...
   if is_tensor(a) then return sized_fill('rand', DIST.uniform, 0, 1, a, select(2, ...)) end
   return sized_fill('rand', DIST.uniform, 0, 1, nil, ...)
end

function torch.randn(...)
   local a = ...
   if is_tensor(a) then return sized_fill('randn', DIST.normal, 0, 1, a, select(2, ...)) end
   return sized_fill('randn', DIST.normal, 0, 1, nil, ...)
end

function torch.randperm(a, b, c, d)
   if is_tensor(a) then return randperm(a, b, c, d) end
   return randperm(nil, a, b, c)
end

return torch
