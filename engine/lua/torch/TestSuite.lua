-- torch/TestSuite.lua: torch.TestSuite(), a table of named test functions.
--
-- Assigning a name twice is an error (a copy-pasted test would otherwise
-- silently replace the first one), and only functions are accepted.
-- torch.Tester:add recognises a suite by its __isTestSuite field.

local torch = torch

local suite_mt = {
   __index = function(self, key)
      return rawget(self, '__tests')[key]
   end,
   __newindex = function(self, key, value)
      local tests = rawget(self, '__tests')
      if tests[key] ~= nil then
         error('Test ' .. tostring(key) .. ' is already defined.', 2)
      end
      if type(value) ~= 'function' then
         if type(value) == 'table' then
            error('Nested tables of tests are not supported', 2)
         end
         error('Only functions are supported as members of a TestSuite', 2)
      end
      tests[key] = value
   end,
}

function torch.TestSuite()
   return setmetatable({ __tests = {}, __isTestSuite = true }, suite_mt)
end

return torch.TestSuite
