-- nn/utils.lua: helpers shared by the modules (Torch7's nn.utils) and the
-- one place where single samples become batches of one.

local ffi = require 'ffi'

nn.utils = nn.utils or {}
local utils = nn.utils

nn._C = torch._C

-- Raise the engine's last error message as a Lua error at the caller of
-- the module method (level 3: the method's caller). With a module, the
-- message names it (replacing the kernel's own prefix).
function utils.raise(level, module)
  local msg = ffi.string(torch._C.tl_error_message())
  if module then msg = tostring(module) .. ': ' .. msg:gsub('^[%w ]+: ', '') end
  error(msg, (level or 2) + 1)
end

-- A tensor argument of another type than the module's parameters or
-- buffers (a FloatTensor into a double model) is the commonest mistake:
-- say so in the module's name.
function utils.checkType(module, input, like)
  if torch.isTensor(input) and torch.typename(input) ~= torch.typename(like) then
    error(string.format('%s: input is %s but the module is %s (convert one of them with :type())',
                        tostring(module), torch.typename(input), torch.typename(like)), 3)
  end
end

-- self[name], a scratch tensor of like's type, made (or remade after a
-- type change) on first use: the modules' buffers, dropped by clearState.
function utils.buffer(self, name, like)
  local b = self[name]
  if not b or torch.typename(b) ~= torch.typename(like) then
    b = like.new()
    self[name] = b
  end
  return b
end

-- Convert every tensor reachable from param to `type`, keeping sharing:
-- tensors viewing one storage still share one (converted) storage, and a
-- tensor seen twice is converted once (tensorCache, keyed by tensor and by
-- storage pointer, may be passed along between calls).
function utils.recursiveType(param, type, tensorCache)
  tensorCache = tensorCache or {}
  if torch.type(param) == 'table' then
    for k, v in pairs(param) do param[k] = utils.recursiveType(v, type, tensorCache) end
  elseif torch.isTypeOf(param, 'nn.Module') or torch.isTypeOf(param, 'nn.Criterion') then
    param:type(type, tensorCache)
  elseif torch.isTensor(param) then
    if torch.typename(param) ~= type then
      local newparam = tensorCache[param]
      if not newparam then
        newparam = torch.Tensor():type(type)
        local storage = param:storage()
        if storage then
          local key = torch.pointer(storage)
          local new = tensorCache[key]
          if not new then
            local stype = type:gsub('Tensor', 'Storage')
            new = torch[stype:match('torch%.(.*)')](storage:size())
            if storage:size() > 0 then new:copy(storage) end
            tensorCache[key] = new
          end
          if param:dim() > 0 then
            newparam:set(new, param:storageOffset(), param:size(), param:stride())
          end
        end
        tensorCache[param] = newparam
      end
      param = newparam
    end
  end
  return param
end

function utils.recursiveResizeAs(t1, t2)
  if torch.type(t2) == 'table' then
    t1 = torch.type(t1) == 'table' and t1 or {}
    for k, v in ipairs(t2) do t1[k], t2[k] = utils.recursiveResizeAs(t1[k], v) end
    for k = #t2 + 1, #t1 do t1[k] = nil end
  elseif torch.isTensor(t2) then
    t1 = torch.isTensor(t1) and t1 or t2.new()
    t1:resizeAs(t2)
  else
    error('expecting nested tensors or tables. Got ' .. torch.type(t1) .. ' and ' .. torch.type(t2) .. ' instead')
  end
  return t1, t2
end

function utils.recursiveFill(t2, val)
  if torch.type(t2) == 'table' then
    for k, v in pairs(t2) do t2[k] = utils.recursiveFill(v, val) end
  elseif torch.isTensor(t2) then
    t2:fill(val)
  else
    error('expecting tensor or table thereof. Got ' .. torch.type(t2) .. ' instead')
  end
  return t2
end

function utils.recursiveAdd(t1, val, t2)
  if not t2 then t2, val = val, 1 end
  if torch.type(t2) == 'table' then
    t1 = torch.type(t1) == 'table' and t1 or {}
    for k, v in pairs(t2) do t1[k], t2[k] = utils.recursiveAdd(t1[k], val, v) end
  elseif torch.isTensor(t1) and torch.isTensor(t2) then
    t1:add(val, t2)
  else
    error('expecting nested tensors or tables. Got ' .. torch.type(t1) .. ' and ' .. torch.type(t2) .. ' instead')
  end
  return t1, t2
end

function utils.recursiveCopy(t1, t2)
  if torch.type(t2) == 'table' then
    t1 = torch.type(t1) == 'table' and t1 or {}
    for k, v in pairs(t2) do t1[k] = utils.recursiveCopy(t1[k], v) end
  elseif torch.isTensor(t2) then
    t1 = torch.isTensor(t1) and t1 or t2.new()
    t1:resizeAs(t2):copy(t2)
  else
    error('expecting nested tensors or tables. Got ' .. torch.type(t1) .. ' and ' .. torch.type(t2) .. ' instead')
  end
  return t1
end

function utils.addSingletonDimension(...)
  local view, t, dim
  if select('#', ...) < 3 then t, dim = select(1, ...) else view, t, dim = select(1, ...) end
  dim = dim or 1
  local size = t:size():totable()
  table.insert(size, dim, 1)
  local stride = t:stride():totable()
  table.insert(stride, dim, 1)
  view = view or t.new()
  view:set(t:storage(), t:storageOffset(), torch.LongStorage(size), torch.LongStorage(stride))
  return view
end

function utils.contiguousView(output, input, ...)
  output = output or input.new()
  if input:isContiguous() then
    output:view(input, ...)
  else
    output:resize(input:size()):copy(input)
    output:view(output, ...)
  end
  return output
end

-- Empty the named fields of self (tensors keep their type; tables become
-- empty), as clearState does before saving.
function utils.clear(self, ...)
  local arg = { ... }
  if #arg > 0 and type(arg[1]) == 'table' then arg = arg[1] end
  local function clear(f)
    if self[f] then
      if torch.isTensor(self[f]) then
        self[f]:set()
      elseif type(self[f]) == 'table' then
        self[f] = {}
      else
        self[f] = nil
      end
    end
  end
  for _, f in ipairs(arg) do clear(f) end
  return self
end

-- ---- single sample vs batch -------------------------------------------
-- A module whose sample has `dims` dimensions calls batchIn(input, dims,
-- name) to get a contiguous batch view ([1, ...] for a single sample) and
-- batchOut(t, single) after computing into t to drop the batch dimension
-- again. Nothing is copied for contiguous inputs.
local function sizes_str(t)
  local s = {}
  for i = 1, t:dim() do s[i] = tostring(t:size(i)) end
  return '[' .. table.concat(s, ' x ') .. ']'
end
utils.sizeString = sizes_str

function utils.batchIn(input, dims, module)
  if not torch.isTensor(input) then
    error(string.format('%s: expected a tensor input, got %s', tostring(module), torch.type(input)), 3)
  end
  local nd = input:dim()
  if nd == dims then
    -- a view with a leading 1 (one tensor header, no size table)
    local r = torch._alias(input:contiguous())
    torch._check(torch._C.tl_tensor_unsqueeze(r._c, 0), 3)
    return r, true
  elseif nd == dims + 1 then
    return input:contiguous(), false
  end
  error(string.format('%s: expected a %dD (single sample) or %dD (batch) input, got %dD %s',
                      tostring(module), dims, dims + 1, nd, sizes_str(input)), 3)
end

function utils.batchOut(t, single)
  -- drop the leading 1 in place
  if single and t:dim() > 1 then torch._check(torch._C.tl_tensor_squeeze(t._c, 0), 3) end
  return t
end

-- ---- helpers shared between nn's own files ----------------------------------
-- Underscored: internal to the package, not part of nn.utils' public API.

-- The branching printout of Concat, Parallel (nn/containers.lua),
-- ConcatTable and ParallelTable (nn/containers_table.lua). `lastArrow` is
-- the arrow before the last child.
function utils._branchString(self, lastArrow)
  local tab, line = '  ', '\n'
  local next, ext, extlast, last = '  |`-> ', '  |    ', '       ', '   ... -> '
  local str = torch.type(self) .. ' {' .. line .. tab .. 'input'
  for i = 1, #self.modules do
    local s = tostring(self.modules[i])
    if i == #self.modules then
      str = str .. line .. tab .. lastArrow .. '(' .. i .. '): ' .. (s:gsub(line, line .. tab .. extlast))
    else
      str = str .. line .. tab .. next .. '(' .. i .. '): ' .. (s:gsub(line, line .. tab .. ext))
    end
  end
  return str .. line .. tab .. last .. 'output' .. line .. '}'
end

-- The criteria's input and target must have as many elements; the error
-- is raised at the caller of the criterion's method.
function utils._checkSame(self, input, target)
  if not torch.isTensor(input) or not torch.isTensor(target) or input:nElement() ~= target:nElement() then
    error(string.format('%s: input %s and target %s must have the same number of elements',
                        torch.type(self), torch.isTensor(input) and sizes_str(input) or torch.type(input),
                        torch.isTensor(target) and sizes_str(target) or torch.type(target)), 3)
  end
end

-- A criterion's scratch tensor sized like `like` (utils.buffer).
function utils._sizedBuffer(self, name, like)
  return utils.buffer(self, name, like):resizeAs(like)
end

return utils
