-- nn/Module.lua: nn.Module, the base class of every layer (Torch7's API:
-- forward/backward, parameters and getParameters, sharing, cloning, type
-- conversion, traversal).

local Module = torch.class('nn.Module')

function Module:__init()
  self.gradInput = torch.Tensor()
  self.output = torch.Tensor()
  self._type = self.output:type()
end

-- {weight, bias}, {gradWeight, gradBias} for modules that have them.
function Module:parameters()
  if self.weight and self.bias then
    return { self.weight, self.bias }, { self.gradWeight, self.gradBias }
  elseif self.weight then
    return { self.weight }, { self.gradWeight }
  elseif self.bias then
    return { self.bias }, { self.gradBias }
  end
end

function Module:updateOutput(input)
  return self.output
end

function Module:forward(input)
  return self:updateOutput(input)
end

function Module:backward(input, gradOutput, scale)
  scale = scale or 1
  self:updateGradInput(input, gradOutput)
  self:accGradParameters(input, gradOutput, scale)
  return self.gradInput
end

function Module:backwardUpdate(input, gradOutput, lr)
  self:updateGradInput(input, gradOutput)
  self:accUpdateGradParameters(input, gradOutput, lr)
  return self.gradInput
end

function Module:updateGradInput(input, gradOutput)
  return self.gradInput
end

function Module:accGradParameters(input, gradOutput, scale)
end

function Module:accUpdateGradParameters(input, gradOutput, lr)
  if self.shared then
    self:sharedAccUpdateGradParameters(input, gradOutput, lr)
  else
    self:defaultAccUpdateGradParameters(input, gradOutput, lr)
  end
end

-- Accumulate -lr * gradient straight into the parameters by pointing the
-- gradient fields at them for one accGradParameters call.
function Module:defaultAccUpdateGradParameters(input, gradOutput, lr)
  local gradWeight, gradBias = self.gradWeight, self.gradBias
  self.gradWeight, self.gradBias = self.weight, self.bias
  self:accGradParameters(input, gradOutput, -lr)
  self.gradWeight, self.gradBias = gradWeight, gradBias
end

-- With shared parameters the trick above would update through another
-- module's gradient buffers, so go the long way.
function Module:sharedAccUpdateGradParameters(input, gradOutput, lr)
  if self:parameters() then
    self:zeroGradParameters()
    self:accGradParameters(input, gradOutput, 1)
    self:updateParameters(lr)
  end
end

function Module:zeroGradParameters()
  local _, gradParams = self:parameters()
  if gradParams then
    for i = 1, #gradParams do gradParams[i]:zero() end
  end
end

function Module:updateParameters(learningRate)
  local params, gradParams = self:parameters()
  if params then
    for i = 1, #params do params[i]:add(-learningRate, gradParams[i]) end
  end
end

-- dpnn's momentum on the gradients: grad = momentum * previous + grad.
function Module:updateGradParameters(momFactor, momDamp, momNesterov)
  local params, gradParams = self:parameters()
  if not params or momFactor == 0 then return end
  momDamp = momDamp or momFactor
  self.momGradParams = self.momGradParams or {}
  for i = 1, #params do
    local m = self.momGradParams[i]
    if not m then
      m = gradParams[i].new():resizeAs(gradParams[i]):copy(gradParams[i])
      self.momGradParams[i] = m
    else
      m:mul(momFactor):add(1 - momDamp, gradParams[i])
    end
    if momNesterov then gradParams[i]:add(momFactor, m) else gradParams[i]:copy(m) end
  end
end

function Module:training()
  self.train = true
end

function Module:evaluate()
  self.train = false
end

-- Make the named fields of self point at mlp's tensors.
function Module:share(mlp, ...)
  local arg = { ... }
  for _, v in ipairs(arg) do
    if self[v] ~= nil then
      self[v]:set(mlp[v])
      self.shared = true
      mlp.shared = true
    end
  end
  return self
end

-- Deep copy keeping the internal sharing of tensors: every storage is
-- copied once and each tensor is rebuilt as the same view of the copy.
local function deepcopy(obj, seen)
  local t = type(obj)
  if t == 'cdata' and torch.isTensor(obj) then
    if seen[obj] then return seen[obj] end
    local r = obj.new()
    local s = obj:storage()
    if s then
      local key = torch.pointer(s)
      local ns = seen[key]
      if not ns then
        ns = s.new(s:size())
        if s:size() > 0 then ns:copy(s) end
        seen[key] = ns
      end
      if obj:dim() > 0 then r:set(ns, obj:storageOffset(), obj:size(), obj:stride()) end
    end
    seen[obj] = r
    return r
  elseif t == 'cdata' and torch.isStorage(obj) then
    local key = torch.pointer(obj)
    if not seen[key] then
      local ns = obj.new(obj:size())
      if obj:size() > 0 then ns:copy(obj) end
      seen[key] = ns
    end
    return seen[key]
  elseif t == 'table' then
    if seen[obj] then return seen[obj] end
    local r = {}
    seen[obj] = r
    for k, v in pairs(obj) do r[deepcopy(k, seen)] = deepcopy(v, seen) end
    return setmetatable(r, getmetatable(obj))
  end
  return obj
end
nn.utils.deepcopy = function(obj) return deepcopy(obj, {}) end

function Module:clone(...)
  local clone = deepcopy(self, {})
  if select('#', ...) > 0 then clone:share(self, ...) end
  return clone
end

function Module:type(type, tensorCache)
  if not type then return self._type end
  tensorCache = tensorCache or {}
  for key, param in pairs(self) do
    self[key] = nn.utils.recursiveType(param, type, tensorCache)
  end
  self._type = type
  return self
end

function Module:float(...) return self:type('torch.FloatTensor', ...) end
function Module:double(...) return self:type('torch.DoubleTensor', ...) end
function Module:cuda(...) return self:type('torch.CudaTensor', ...) end

function Module:reset()
end

function Module:write(file)
  local var = {}
  for k, v in pairs(self) do var[k] = v end
  file:writeObject(var)
end

function Module:read(file)
  local var = file:readObject()
  for k, v in pairs(var) do self[k] = v end
end

-- Torch7's flattening: put every parameter tensor into one contiguous
-- tensor, keeping the sharing among them (tensors on one storage stay on
-- one region), storages laid out in order of first appearance, and the
-- parts of storages no tensor uses squeezed out. The tensors are then
-- re-pointed into the result.
function Module.flatten(parameters)
  if not parameters or #parameters == 0 then return torch.Tensor() end
  local Tensor = parameters[1].new
  local storages, order, total = {}, {}, 0
  local meta = {}
  for k = 1, #parameters do
    local p = parameters[k]
    local s = p:storage()
    local key = s and torch.pointer(s) or ('empty' .. k)
    if not storages[key] then
      storages[key] = { storage = s, offset = total }
      order[#order + 1] = key
      total = total + (s and s:size() or 0)
    end
    meta[k] = { offset = p:storageOffset() + storages[key].offset, size = p:size(), stride = p:stride(),
                numel = p:nElement() }
  end
  local flat = Tensor(total):zero()
  -- mark the elements some tensor uses
  local used = flat.new(total):zero()
  for k = 1, #parameters do
    local m = meta[k]
    if m.numel > 0 then
      Tensor():set(used:storage(), m.offset, m.size, m.stride):fill(1)
    end
  end
  for _, key in ipairs(order) do
    local e = storages[key]
    if e.storage and e.storage:size() > 0 then
      flat:narrow(1, e.offset + 1, e.storage:size()):copy(Tensor():set(e.storage))
    end
  end
  for k = 1, #parameters do parameters[k]:set(Tensor()) end
  -- compact: new index of each used element (1-based), Lua loop over the mask
  local nused = used:sum()
  if nused ~= total then
    local map, j = {}, 0
    local u = used:data()
    for i = 0, total - 1 do
      if u[i] ~= 0 then j = j + 1; map[i + 1] = j end
    end
    local compact = Tensor(nused)
    local src, dst = flat:data(), compact:data()
    for i = 0, total - 1 do
      if u[i] ~= 0 then dst[map[i + 1] - 1] = src[i] end
    end
    for k = 1, #parameters do
      local m = meta[k]
      -- the tensor must cover a hole-free region for its strides to stay valid
      if m.numel > 0 then
        local newoff = map[m.offset]
        local last = m.offset
        for d = 1, #m.size do last = last + (m.size[d] - 1) * m.stride[d] end
        if not newoff or map[last] - newoff ~= last - m.offset then
          error('flatten: cannot gather tensors that are not compact')
        end
        m.offset = newoff
      else
        m.offset = 1
      end
    end
    flat = compact
  end
  for k = 1, #parameters do
    local m = meta[k]
    if m.numel > 0 then
      parameters[k]:set(flat:storage(), m.offset, m.size, m.stride)
    else
      parameters[k]:set(flat:storage(), 1, torch.LongStorage({ 0 }))
    end
  end
  return flat
end

function Module:getParameters()
  local parameters, gradParameters = self:parameters()
  local p = Module.flatten(parameters)
  local g = Module.flatten(gradParameters)
  assert(p:nElement() == g:nElement(),
         'check that you are sharing parameters and gradParameters')
  if parameters then
    for i = 1, #parameters do
      assert(parameters[i]:storageOffset() == gradParameters[i]:storageOffset(),
             'misaligned parameter at ' .. tostring(i))
    end
  end
  return p, g
end

function Module:__call__(input, gradOutput)
  self:forward(input)
  if gradOutput then
    self:backward(input, gradOutput)
    return self.output, self.gradInput
  end
  return self.output
end

-- Depth-first search for modules of a type (the containers too).
function Module:findModules(typename, container)
  container = container or self
  local nodes, containers = {}, {}
  if torch.typename(self) == typename then
    nodes[#nodes + 1] = self
    containers[#containers + 1] = container
  end
  if self.modules then
    for i = 1, #self.modules do
      local n, c = self.modules[i]:findModules(typename, self)
      for j = 1, #n do
        nodes[#nodes + 1] = n[j]
        containers[#containers + 1] = c[j]
      end
    end
  end
  return nodes, containers
end

function Module:listModules()
  local modules = { self }
  if self.modules then
    for i = 1, #self.modules do
      for _, m in ipairs(self.modules[i]:listModules()) do modules[#modules + 1] = m end
    end
  end
  return modules
end

function Module:clearState()
  return nn.utils.clear(self, 'output', 'gradInput')
end

function Module:apply(callback)
  callback(self)
  if self.modules then
    for _, m in ipairs(self.modules) do m:apply(callback) end
  end
end

function Module:replace(callback)
  local out = callback(self)
  if self.modules then
    for i, m in ipairs(self.modules) do self.modules[i] = m:replace(callback) end
  end
  return out
end

-- dpnn: the output size for an input size (a table or LongStorage of a
-- single sample), found by running a zero input through a clone.
function Module:outside(insize)
  local sz = torch.type(insize) == 'table' and insize or insize:totable()
  local batch = { 1 }
  for i = 1, #sz do batch[i + 1] = sz[i] end
  local m = self:clone()
  m:evaluate()
  local out = m:forward(torch.Tensor(torch.LongStorage(batch)):type(self._type or torch.getdefaulttensortype()):zero())
  local r = out:size():totable()
  table.remove(r, 1)
  return torch.LongStorage(r)
end

function Module:__tostring__()
  return torch.type(self)
end

return Module
