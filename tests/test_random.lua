-- tests/test_random.lua: random numbers identical to Torch7 (API.md 5).
--
-- Reference values are compared bit for bit through '%.17g'; the other
-- tests check state save/restore, independent generators, fill order on
-- views, Box-Muller caching, per-type reductions and the error paths.

local tests = {}

local function fmt(x) return string.format('%.17g', x) end

local function expect_values(t, want, what)
   assert(t:nElement() == #want, what .. ': expected ' .. #want .. ' elements, got ' .. t:nElement())
   for i = 1, #want do
      local got = fmt(t[i])
      if got ~= want[i] then
         error(string.format('%s[%d]: got %s, want %s', what, i, got, want[i]), 2)
      end
   end
end

local function expect_eq(got, want, what)
   if got ~= want then error(string.format('%s: got %s, want %s', what, fmt(got), fmt(want)), 2) end
end

-- Runs f, which must fail with a message containing every given piece.
local function expect_error(f, ...)
   local ok, msg = pcall(f)
   if ok then error('expected an error', 2) end
   msg = tostring(msg)
   for _, piece in ipairs({ ... }) do
      if not msg:find(piece, 1, true) then
         error(string.format('error %q does not mention %q', msg, piece), 2)
      end
   end
end

-- Element-wise equality of two tensors read in logical order.
local function same_values(a, b, what)
   local av, bv = a:clone():view(-1), b:clone():view(-1)
   assert(av:nElement() == bv:nElement(), what .. ': sizes differ')
   for i = 1, av:nElement() do
      if av[i] ~= bv[i] then
         error(string.format('%s: element %d differs: %s vs %s', what, i, fmt(av[i]), fmt(bv[i])), 2)
      end
   end
end

local all_types = { 'Byte', 'Char', 'Short', 'Int', 'Long', 'Float', 'Double' }

---------------------------------------------------------------------------
-- API.md 5.4, bit for bit

function tests.reference_random()
   torch.manualSeed(1)
   expect_eq(torch.random(), 1791095845, 'random 1')
   expect_eq(torch.random(), 4282876139, 'random 2')
   expect_eq(torch.random(), 3093770124, 'random 3')
end

function tests.reference_rand()
   torch.manualSeed(1)
   expect_values(torch.rand(4), { '0.41702199843712151', '0.99718480813317001',
                                  '0.72032448928803205', '0.93255736120045185' }, 'rand(4)')
end

function tests.reference_randn()
   torch.manualSeed(1)
   expect_values(torch.randn(4), { '-2.9718290309304063', '1.7069510634116105',
                                   '-0.43049897103891599', '-2.2820224170301482' }, 'randn(4)')
end

function tests.reference_float_uniform()
   torch.manualSeed(1)
   expect_values(torch.FloatTensor(4):uniform(), { '0.4170219898223877', '0.99718481302261353',
                                                   '0.72032451629638672', '0.93255734443664551' },
                 'FloatTensor(4):uniform()')
end

function tests.reference_randperm()
   torch.manualSeed(1)
   local p = torch.randperm(5)
   assert(torch.type(p) == torch.getdefaulttensortype(), 'randperm result type')
   expect_values(p, { '1', '5', '3', '4', '2' }, 'randperm(5)')
end

function tests.reference_bernoulli()
   torch.manualSeed(1)
   expect_values(torch.Tensor(6):bernoulli(0.5), { '1', '0', '0', '0', '1', '1' }, 'bernoulli(0.5)')
end

function tests.reference_scalars()
   torch.manualSeed(1)
   expect_eq(fmt(torch.uniform()), '0.41702199843712151', 'uniform()')
   expect_eq(fmt(torch.normal()), '1.5960743299281841', 'normal() 1')
   expect_eq(fmt(torch.normal()), '-0.028234901525426508', 'normal() 2')
end

function tests.reference_random_bounds()
   torch.manualSeed(1)
   expect_eq(torch.random(10), 6, 'random(10)')
   expect_eq(torch.random(3, 7), 7, 'random(3,7)')
end

function tests.reference_int_random()
   torch.manualSeed(1)
   expect_values(torch.IntTensor(3):random(), { '1791095845', '2135392491', '946286476' },
                 'IntTensor(3):random()')
end

function tests.reference_exponential()
   torch.manualSeed(1)
   expect_values(torch.Tensor(2):exponential(1), { '0.53960582651186306', '5.8727248609813936' },
                 'exponential(1)')
end

function tests.reference_seeds()
   torch.manualSeed(5489)
   expect_eq(torch.random(), 3499211612, 'seed 5489')
   torch.manualSeed(7)
   expect_eq(torch.random(), 327741615, 'seed 7')
   torch.manualSeed(2^40 + 7)
   expect_eq(torch.random(), 327741615, 'seed 2^40+7')
   expect_eq(torch.initialSeed(), 2^40 + 7, 'initialSeed')
end

---------------------------------------------------------------------------
-- Generator state

function tests.state_roundtrip()
   torch.manualSeed(123)
   torch.randn(3)                            -- leaves half a Box-Muller pair
   local state = torch.getRNGState()
   assert(torch.type(state) == 'torch.ByteTensor', 'getRNGState gives a ByteTensor')
   assert(state:nElement() == 5048, 'state is 5048 bytes, got ' .. state:nElement())
   local a = torch.randn(5)
   local b = torch.rand(3)
   local r = torch.random()
   assert(torch.setRNGState(state) == state, 'setRNGState returns the state')
   same_values(torch.randn(5), a, 'randn after restore')
   same_values(torch.rand(3), b, 'rand after restore')
   expect_eq(torch.random(), r, 'random after restore')
   -- the bytes are Torch7's layout: initial_seed at offset 0 (little-endian)
   torch.manualSeed(258)
   local s = torch.getRNGState()
   assert(s[1] == 2 and s[2] == 1 and s[3] == 0, 'initial_seed bytes')
   assert(s[13] == 1, 'seeded flag at offset 12')
   -- getRNGState can fill a given tensor
   local dst = torch.ByteTensor(3)
   assert(torch.getRNGState(dst) == dst and dst:nElement() == 5048, 'getRNGState(dst)')
end

function tests.manual_seed_resets_normal_cache()
   torch.manualSeed(9)
   local first = torch.normal()
   torch.manualSeed(9)
   torch.normal()                            -- cache now holds the sine half
   torch.manualSeed(9)
   expect_eq(torch.normal(), first, 'normal after reseeding')
end

function tests.seed_and_initial_seed()
   local s = torch.seed()
   assert(type(s) == 'number', 'seed returns a number')
   expect_eq(torch.initialSeed(), s, 'initialSeed after seed')
   local g = torch.Generator()
   torch.manualSeed(g, -1)                   -- wraps like a C long: low word 0xffffffff
   local a = torch.random(g)
   torch.manualSeed(g, 4294967295)
   expect_eq(torch.random(g), a, 'seed -1 uses the low 32 bits 0xffffffff')
   expect_eq(torch.initialSeed(g), 4294967295, 'initialSeed(g)')
end

function tests.generator_independence()
   local g = torch.Generator()
   assert(torch.type(g) == 'torch.Generator', 'Generator type')
   torch.manualSeed(g, 1)
   torch.manualSeed(42)
   local fromg, fromdefault = {}, {}
   for i = 1, 5 do
      fromg[i] = torch.random(g)
      fromdefault[i] = torch.random()
   end
   torch.manualSeed(1)
   for i = 1, 5 do expect_eq(fromg[i], torch.random(), 'generator stream ' .. i) end
   torch.manualSeed(42)
   for i = 1, 5 do expect_eq(fromdefault[i], torch.random(), 'default stream ' .. i) end

   -- every form accepts a generator and leaves the default one alone
   torch.manualSeed(1)
   local before = torch.getRNGState()
   torch.manualSeed(g, 1)
   local u = torch.rand(g, 4)
   local n = torch.Tensor(3):normal(g, 2, 3)
   local p = torch.randperm(g, 5)
   local v = torch.uniform(g, 1, 2)
   local f = torch.FloatTensor(2):random(g, 5)
   same_values(torch.getRNGState(), before, 'default generator untouched')
   torch.manualSeed(1)
   same_values(u, torch.rand(4), 'rand(g, 4)')
   same_values(n, torch.Tensor(3):normal(2, 3), 'normal(g, 2, 3)')
   same_values(p, torch.randperm(5), 'randperm(g, 5)')
   expect_eq(v, torch.uniform(1, 2), 'uniform(g, 1, 2)')
   same_values(f, torch.FloatTensor(2):random(5), 'random(g, 5)')

   -- getRNGState/setRNGState with a generator
   local st = torch.getRNGState(g)
   local x = torch.random(g)
   torch.setRNGState(g, st)
   expect_eq(torch.random(g), x, 'setRNGState(g, state)')
end

---------------------------------------------------------------------------
-- Fill order and distributions

-- Filling a transposed or narrowed view gives the values a fresh tensor
-- of the view's shape would get, in logical row-major order.
function tests.fill_order_views()
   local fills = {
      { 'uniform', { 2, 5 } }, { 'normal', { 1, 2 } }, { 'exponential', { 2 } },
      { 'cauchy', { 0, 1 } }, { 'logNormal', { 1, 0.5 } }, { 'geometric', { 0.3 } },
      { 'bernoulli', { 0.4 } }, { 'random', {} }, { 'random', { 50 } }, { 'random', { -3, 9 } },
   }
   for _, tname in ipairs({ 'Float', 'Double', 'Int', 'Byte' }) do
      local ctor = torch[tname .. 'Tensor']
      for _, f in ipairs(fills) do
         local name, args = f[1], f[2]
         local lo = args[1]
         local has = rawget(torch.getmetatable('torch.' .. tname .. 'Tensor'), name) ~= nil
         if has and not (tname == 'Byte' and lo and lo < 0) then
            local what = tname .. 'Tensor:' .. name
            torch.manualSeed(77)
            local fresh = ctor(3, 4)
            fresh[name](fresh, unpack(args))
            torch.manualSeed(77)
            local base = ctor(4, 3):zero()
            local view = base:t()
            view[name](view, unpack(args))
            same_values(view, fresh, what .. ' on a transposed view')
            torch.manualSeed(77)
            local wide = ctor(3, 7):zero()
            local narrow = wide:narrow(2, 2, 4)
            narrow[name](narrow, unpack(args))
            same_values(narrow, fresh, what .. ' on a narrowed view')
            -- elements outside the view are untouched
            for i = 1, 3 do assert(wide[i][1] == 0 and wide[i][6] == 0, what .. ' wrote outside') end
         end
      end
   end
end

function tests.box_muller_pairs_shared_across_calls()
   torch.manualSeed(5)
   local whole = torch.randn(4)
   torch.manualSeed(5)
   local a, b = torch.randn(3), torch.randn(1)
   for i = 1, 3 do expect_eq(a[i], whole[i], 'randn(3)[' .. i .. ']') end
   expect_eq(b[1], whole[4], 'randn(1) takes the cached half')
   -- scalars share the cache with tensors
   torch.manualSeed(5)
   torch.randn(1)
   expect_eq(torch.normal(), whole[2], 'normal() after randn(1)')
end

function tests.random_per_type()
   local mods = { Byte = 256, Char = 128, Short = 32768, Int = 2^31, Long = 2^63,
                  Float = 2^24 + 1, Double = 2^53 + 1 }
   for _, tname in ipairs(all_types) do
      torch.manualSeed(3)
      local t = torch[tname .. 'Tensor'](100):random()
      torch.manualSeed(3)
      for i = 1, 100 do
         expect_eq(t[i], torch.random() % mods[tname], tname .. 'Tensor:random()[' .. i .. ']')
      end
      torch.manualSeed(4)
      t:random(6)
      torch.manualSeed(4)
      for i = 1, 100 do expect_eq(t[i], torch.random(6), tname .. 'Tensor:random(6)') end
      local lo = tname == 'Byte' and 2 or -4
      torch.manualSeed(4)
      t:random(lo, 7)
      torch.manualSeed(4)
      for i = 1, 100 do expect_eq(t[i], torch.random(lo, 7), tname .. 'Tensor:random(a,b)') end
   end
end

function tests.bernoulli_geometric_all_types()
   for _, tname in ipairs(all_types) do
      local t = torch[tname .. 'Tensor'](50)
      torch.manualSeed(8)
      assert(t:bernoulli(0.3) == t, 'bernoulli returns self')
      torch.manualSeed(8)
      for i = 1, 50 do expect_eq(t[i], torch.bernoulli(0.3), tname .. ' bernoulli') end
      torch.manualSeed(8)
      assert(t:geometric(0.4) == t, 'geometric returns self')
      torch.manualSeed(8)
      for i = 1, 50 do expect_eq(t[i], torch.geometric(0.4), tname .. ' geometric') end
   end
end

function tests.bernoulli_probability_tensor()
   for _, ptype in ipairs({ 'Float', 'Double' }) do
      local p = torch[ptype .. 'Tensor'](2, 3)
      local probs = { 0, 1, 0.25, 0.5, 0.75, 1 }
      for i = 1, 6 do p:view(-1)[i] = probs[i] end
      torch.manualSeed(12)
      local t = torch.IntTensor(6):bernoulli(p)
      torch.manualSeed(12)
      for i = 1, 6 do expect_eq(t[i], torch.bernoulli(probs[i]), ptype .. ' p tensor ' .. i) end
      assert(t[1] == 0 and t[2] == 1 and t[6] == 1, 'p = 0 and p = 1 are exact')
      -- a transposed p is read in its logical order
      local pt = p:t()
      torch.manualSeed(12)
      local u = torch.DoubleTensor(3, 2):bernoulli(pt)
      torch.manualSeed(12)
      local ref = torch.DoubleTensor(3, 2):bernoulli(pt:clone())
      same_values(u, ref, 'bernoulli with a transposed p')
   end
end

function tests.distribution_defaults()
   local function same_as(a, b, what)
      torch.manualSeed(21)
      local x = a()
      torch.manualSeed(21)
      same_values(x, b(), what)
   end
   same_as(function() return torch.Tensor(5):uniform() end,
           function() return torch.Tensor(5):uniform(0, 1) end, 'uniform defaults')
   same_as(function() return torch.Tensor(5):uniform(0.5) end,
           function() return torch.Tensor(5):uniform(0.5, 1) end, 'uniform(a) keeps b = 1')
   same_as(function() return torch.Tensor(5):normal() end,
           function() return torch.Tensor(5):normal(0, 1) end, 'normal defaults')
   torch.manualSeed(21)
   local ln = torch.Tensor(5):logNormal()
   torch.manualSeed(21)
   local nn = torch.Tensor(5):normal(1, 2)
   for i = 1, 5 do expect_eq(ln[i], math.exp(nn[i]), 'logNormal = exp(normal(1, 2))') end
   same_as(function() return torch.Tensor(5):exponential() end,
           function() return torch.Tensor(5):exponential(1) end, 'exponential default')
   same_as(function() return torch.Tensor(5):cauchy() end,
           function() return torch.Tensor(5):cauchy(0, 1) end, 'cauchy defaults')
   same_as(function() return torch.Tensor(5):bernoulli() end,
           function() return torch.Tensor(5):bernoulli(0.5) end, 'bernoulli default')
   -- torch.X(tensor, ...) is the method
   same_as(function() return torch.uniform(torch.Tensor(5), 2, 3) end,
           function() return torch.Tensor(5):uniform(2, 3) end, 'torch.uniform(t, a, b)')
   -- scalar forms follow the same streams
   torch.manualSeed(21)
   local u = torch.Tensor(3):cauchy(1, 2)
   torch.manualSeed(21)
   for i = 1, 3 do expect_eq(torch.cauchy(1, 2), u[i], 'cauchy scalar') end
   torch.manualSeed(21)
   u = torch.Tensor(3):logNormal(0.5, 0.25)
   torch.manualSeed(21)
   for i = 1, 3 do expect_eq(torch.logNormal(0.5, 0.25), u[i], 'logNormal scalar') end
   torch.manualSeed(21)
   u = torch.Tensor(3):exponential(3)
   torch.manualSeed(21)
   for i = 1, 3 do expect_eq(torch.exponential(3), u[i], 'exponential scalar') end
   -- uniform stays in [a, b)
   local r = torch.Tensor(1000):uniform(-2, 3)
   for i = 1, 1000 do assert(r[i] >= -2 and r[i] < 3, 'uniform range') end
end

function tests.rand_forms()
   torch.manualSeed(2)
   local a = torch.rand(3, 4)
   assert(a:dim() == 2 and a:size(1) == 3 and a:size(2) == 4, 'rand(3, 4) shape')
   torch.manualSeed(2)
   local b = torch.rand(torch.LongStorage({ 3, 4 }))
   same_values(b, a, 'rand(LongStorage)')
   torch.manualSeed(2)
   local c = torch.FloatTensor()
   assert(c:rand(3, 4) == c, 'method rand returns self')
   same_values(c:double(), a:float():double(), 'FloatTensor:rand')
   torch.manualSeed(2)
   local d = torch.rand(3, 4, 'torch.FloatTensor')
   assert(torch.type(d) == 'torch.FloatTensor', 'trailing type name')
   same_values(d, c, 'rand with type name')
   torch.manualSeed(2)
   local res = torch.DoubleTensor(7)
   assert(torch.randn(res, 2, 2) == res and res:dim() == 2, 'randn(res, sizes)')
   assert(torch.rand(0):nElement() == 0, 'rand(0) is empty')
end

function tests.randperm_is_permutation()
   for _, tname in ipairs({ 'Short', 'Int', 'Long', 'Float', 'Double' }) do
      local p = torch[tname .. 'Tensor']():randperm(1000)
      assert(p:dim() == 1 and p:size(1) == 1000, 'randperm size')
      local seen = {}
      for i = 1, 1000 do
         local v = p[i]
         assert(v >= 1 and v <= 1000 and not seen[v], tname .. ' randperm is not a permutation')
         seen[v] = true
      end
   end
   torch.manualSeed(1)
   local a = torch.LongTensor():randperm(5)
   expect_values(a, { '1', '5', '3', '4', '2' }, 'LongTensor:randperm(5)')
end

---------------------------------------------------------------------------
-- Errors name the function and the problem

function tests.errors()
   local t = torch.Tensor(4)
   expect_error(function() t:bernoulli(1.5) end, 'bernoulli', 'p must be in [0,1], got 1.5')
   expect_error(function() torch.bernoulli(-0.1) end, 'bernoulli', 'p must be in [0,1]')
   expect_error(function() t:geometric(1) end, 'geometric', 'p must be in (0,1)')
   expect_error(function() t:geometric() end, 'geometric', 'number expected')
   expect_error(function() torch.geometric(0) end, 'geometric')
   expect_error(function() t:normal(0, -1) end, 'normal', 'std must be positive')
   expect_error(function() torch.normal(0, 0) end, 'normal', 'std must be positive')
   expect_error(function() torch.logNormal(1, -2) end, 'logNormal')
   expect_error(function() t:uniform('a') end, 'uniform', 'number expected')
   expect_error(function() t:random(0) end, 'random', 'upper bound')
   expect_error(function() torch.random(5, 3) end, 'random', 'upper bound')
   expect_error(function() t:random(5, 3) end, 'random', 'upper bound')
   expect_error(function() torch.randperm(0) end, 'randperm', 'positive')
   -- the failed calls drew nothing and changed nothing
   torch.manualSeed(1)
   t:fill(7)
   pcall(function() t:bernoulli(2) end)
   pcall(function() torch.normal(0, -1) end)
   expect_eq(t[1], 7, 'tensor unchanged after a failed fill')
   expect_eq(torch.random(), 1791095845, 'no draw consumed by failed calls')

   -- probability tensors
   expect_error(function() t:bernoulli(torch.LongTensor(4):fill(0)) end, 'bernoulli', 'FloatTensor')
   expect_error(function() t:bernoulli(torch.DoubleTensor(5):fill(0.5)) end, 'bernoulli', 'sizes')
   expect_error(function() t:bernoulli(torch.FloatTensor(4):fill(1.25)) end, 'bernoulli',
                'p must be in [0,1]')

   -- Half has no math
   expect_error(function() torch.uniform(torch.HalfTensor(3)) end, 'uniform', 'HalfTensor')
   expect_error(function() torch.random(torch.HalfTensor(3)) end, 'random', 'HalfTensor')
   assert(rawget(torch.getmetatable('torch.HalfTensor'), 'uniform') == nil,
          'HalfTensor has no uniform method')

   -- RNG state checks
   local state = torch.getRNGState()
   local bad = state:clone()
   bad[9] = 0; bad[10] = 0; bad[11] = 0; bad[12] = 0        -- left = 0
   expect_error(function() torch.setRNGState(bad) end, 'setRNGState', 'invalid RNG state')
   bad = state:clone()
   bad[13] = 0                                               -- seeded = 0
   expect_error(function() torch.setRNGState(bad) end, 'setRNGState', 'invalid RNG state')
   expect_error(function() torch.setRNGState(torch.ByteTensor(100)) end, 'setRNGState', 'size')
   expect_error(function() torch.setRNGState(torch.FloatTensor(5048)) end, 'setRNGState',
                'ByteTensor')
   expect_error(function() torch.manualSeed('x') end, 'manualSeed')
   -- a rejected state leaves the generator as it was
   torch.manualSeed(1)
   pcall(torch.setRNGState, bad)
   expect_eq(torch.random(), 1791095845, 'generator unchanged by a rejected state')
end

return tests
