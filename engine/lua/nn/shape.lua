-- nn/shape.lua: layers that reshape, slice or copy their input without
-- learned parameters: Reshape, View, Collapse, Narrow, Select, Index,
-- MaskedSelect, Squeeze, Unsqueeze, Transpose, Replicate, Padding, and the
-- copies Copy, Contiguous and Convert.

local sizes_str = nn.utils.sizeString

-- ---- Reshape and View -------------------------------------------------

local function size_of(args)
  if #args == 1 and torch.typename(args[1]) == 'torch.LongStorage' then
    return args[1]:totable()
  end
  local r = {}
  for i, v in ipairs(args) do
    if type(v) ~= 'number' then error('nn.Reshape/View: sizes must be numbers') end
    r[i] = v
  end
  return r
end

local Reshape, rparent = torch.class('nn.Reshape', 'nn.Module')

function Reshape:__init(...)
  rparent.__init(self)
  local arg = { ... }
  if type(arg[#arg]) == 'boolean' then
    self.batchMode = table.remove(arg)
  end
  local sz = size_of(arg)
  self.size = torch.LongStorage(sz)
  self.batchsize = torch.LongStorage(#sz + 1)
  self.nelement = 1
  for i = 1, #sz do
    self.nelement = self.nelement * sz[i]
    self.batchsize[i + 1] = sz[i]
  end
end

function Reshape:updateOutput(input)
  if not input:isContiguous() then
    self._input = self._input or input.new()
    self._input:resizeAs(input):copy(input)
    input = self._input
  end
  if (self.batchMode == false) or ((self.batchMode == nil) and
      (input:nElement() == self.nelement and input:size(1) ~= 1)) then
    self.output:view(input, self.size)
  else
    self.batchsize[1] = input:size(1)
    if input:nElement() ~= self.batchsize[1] * self.nelement then
      error(string.format('%s: input %s has %d elements, expected %d per sample', tostring(self),
                          sizes_str(input), input:nElement(), self.nelement), 2)
    end
    self.output:view(input, self.batchsize)
  end
  return self.output
end

function Reshape:updateGradInput(input, gradOutput)
  if not gradOutput:isContiguous() then
    self._gradOutput = self._gradOutput or gradOutput.new()
    self._gradOutput:resizeAs(gradOutput):copy(gradOutput)
    gradOutput = self._gradOutput
  end
  self.gradInput:viewAs(gradOutput, input)
  return self.gradInput
end

function Reshape:clearState()
  nn.utils.clear(self, '_input', '_gradOutput')
  return rparent.clearState(self)
end

function Reshape:__tostring__()
  return torch.type(self) .. '(' .. table.concat(self.size:totable(), 'x') .. ')'
end

local View, vparent = torch.class('nn.View', 'nn.Module')

function View:__init(...)
  vparent.__init(self)
  self:resetSize(...)
  self.numInputDims = nil
end

function View:resetSize(...)
  local sz = size_of({ ... })
  self.size = torch.LongStorage(sz)
  self.numElements = 1
  local inferdim = false
  for i = 1, #sz do
    if sz[i] >= 0 then
      self.numElements = self.numElements * sz[i]
    else
      assert(sz[i] == -1, 'size should be positive or -1')
      assert(not inferdim, 'only one dimension can be at -1')
      inferdim = true
    end
  end
  return self
end

function View:setNumInputDims(numInputDims)
  self.numInputDims = numInputDims
  return self
end

local function batch_size(input, size, numInputDims, numElements)
  local ind = input:dim()
  local maxdim = numInputDims and numInputDims or ind
  local ine = 1
  for i = ind, ind - maxdim + 1, -1 do ine = ine * input:size(i) end
  if ine % numElements ~= 0 then
    error(string.format('nn.View: input %s cannot be viewed as %s', sizes_str(input),
                        table.concat(size:totable(), 'x')), 3)
  end
  -- the batch is what is left before the sample dimensions
  if ine ~= numElements then
    for i = 1, #size do
      if size[i] == -1 then return nil end
    end
    -- more elements than a sample: the leading dims are the batch
    local bse = ine / numElements
    return bse
  end
  return nil
end

function View:updateOutput(input)
  self.output = self.output or input.new()
  local bse = nil
  if self.numInputDims and input:dim() > self.numInputDims then
    bse = 1
    for i = 1, input:dim() - self.numInputDims do bse = bse * input:size(i) end
  elseif not self.numInputDims then
    bse = batch_size(input, self.size, nil, self.numElements)
  end
  local inp = input:isContiguous() and input or input:contiguous()
  if bse and bse > 1 or (self.numInputDims and input:dim() > self.numInputDims) then
    -- the sizes as numbers: a LongStorage per call cost more than the view
    local sz = { bse }
    for i = 1, #self.size do sz[i + 1] = self.size[i] end
    self.output:view(inp, unpack(sz))
  else
    self.output:view(inp, self.size)
  end
  return self.output
end

function View:updateGradInput(input, gradOutput)
  self.gradInput = self.gradInput or gradOutput.new()
  local g = gradOutput:isContiguous() and gradOutput or gradOutput:contiguous()
  self.gradInput:viewAs(g, input)
  return self.gradInput
end

function View:__tostring__()
  return torch.type(self) .. '(' .. table.concat(self.size:totable(), ', ') .. ')'
end

-- ---- Collapse, Convert (dpnn) ---------------------------------------

local Collapse, colparent = torch.class('nn.Collapse', 'nn.Module')

-- Flatten the last nInputDim dimensions into one, keeping the batch.
function Collapse:__init(nInputDim)
  colparent.__init(self)
  self.nInputDim = nInputDim
end

function Collapse:updateOutput(input)
  local inp = input:isContiguous() and input or input:contiguous()
  if input:dim() > self.nInputDim then
    self.output:view(inp, input:size(1), -1)
  else
    self.output:view(inp, -1)
  end
  return self.output
end

function Collapse:updateGradInput(input, gradOutput)
  local g = gradOutput:isContiguous() and gradOutput or gradOutput:contiguous()
  self.gradInput:view(g, input:size())
  return self.gradInput
end

function Collapse:__tostring__()
  return torch.type(self) .. '(' .. self.nInputDim .. ')'
end

-- Converts between tensor types (and the bhwd/bchw shapes are left out).
local Convert, convparent = torch.class('nn.Convert', 'nn.Module')

function Convert:__init(inputShape, outputShape)
  convparent.__init(self)
  self.inputShape = inputShape
  self.outputShape = outputShape
end

function Convert:updateOutput(input)
  if torch.typename(input) == torch.typename(self.output) then
    self.output = input
  else
    self.output = torch.isTensor(self.output) and torch.typename(self.output) == self._type
      and self.output or torch.Tensor():type(self._type)
    self.output:resize(input:size()):copy(input)
  end
  return self.output
end

function Convert:updateGradInput(input, gradOutput)
  if torch.typename(input) == torch.typename(gradOutput) then
    self.gradInput = gradOutput
  else
    self.gradInput = torch.typename(self.gradInput) == torch.typename(input) and self.gradInput
      or input.new()
    self.gradInput:resize(gradOutput:size()):copy(gradOutput)
  end
  return self.gradInput
end

function Convert:type(type, tensorCache)
  self._type = type
  self.output = torch.Tensor():type(type)
  return self
end

-- ---- Narrow, Select -------------------------------------------------

local Narrow, nparent = torch.class('nn.Narrow', 'nn.Module')

function Narrow:__init(dimension, offset, length)
  nparent.__init(self)
  self.dimension = dimension
  self.index = offset
  self.length = length or 1
  if not dimension or not offset then error('nn.Narrow(dimension, offset, length)') end
end

function Narrow:updateOutput(input)
  local dim = self.dimension < 0 and input:dim() + self.dimension + 1 or self.dimension
  local length = self.length
  if length < 0 then length = input:size(dim) - self.index + self.length + 2 end
  local index = self.index
  if index < 0 then index = input:size(dim) + index + 1 end
  local output = input:narrow(dim, index, length)
  self.output = self.output:typeAs(output)
  self.output:resizeAs(output):copy(output)
  return self.output
end

function Narrow:updateGradInput(input, gradOutput)
  local dim = self.dimension < 0 and input:dim() + self.dimension + 1 or self.dimension
  local length = self.length
  if length < 0 then length = input:size(dim) - self.index + self.length + 2 end
  local index = self.index
  if index < 0 then index = input:size(dim) + index + 1 end
  self.gradInput = self.gradInput:typeAs(input)
  self.gradInput:resizeAs(input):zero()
  self.gradInput:narrow(dim, index, length):copy(gradOutput)
  return self.gradInput
end

local Select, sparent = torch.class('nn.Select', 'nn.Module')

function Select:__init(dimension, index)
  sparent.__init(self)
  self.dimension = dimension
  self.index = index
end

function Select:updateOutput(input)
  local dim = self.dimension < 0 and input:dim() + self.dimension + 1 or self.dimension
  local index = self.index < 0 and input:size(dim) + self.index + 1 or self.index
  local output = input:select(dim, index)
  self.output:resizeAs(output)
  return self.output:copy(output)
end

function Select:updateGradInput(input, gradOutput)
  local dim = self.dimension < 0 and input:dim() + self.dimension + 1 or self.dimension
  local index = self.index < 0 and input:size(dim) + self.index + 1 or self.index
  self.gradInput:resizeAs(input):zero()
  self.gradInput:select(dim, index):copy(gradOutput)
  return self.gradInput
end

-- ---- Index, MaskedSelect --------------------------------------------------

local Index, idxparent = torch.class('nn.Index', 'nn.Module')

-- input {t, indices}: t:index(dimension, indices)
function Index:__init(dimension)
  idxparent.__init(self)
  self.dimension = dimension
  self.gradInput = { self.gradInput, torch.LongTensor() }
end

function Index:updateOutput(input)
  local t, index = input[1], input[2]
  self.output:index(t, self.dimension, index)
  return self.output
end

function Index:updateGradInput(input, gradOutput)
  local t, index = input[1], input[2]
  self.gradInput[2]:resize(index:size()):zero()
  local gi = self.gradInput[1]
  gi:resizeAs(t):zero()
  gi:indexAdd(self.dimension, index, gradOutput)
  return self.gradInput
end

local MaskedSelect, msparent = torch.class('nn.MaskedSelect', 'nn.Module')

-- input {t, mask}: the elements of t where mask is 1, as a vector
function MaskedSelect:__init()
  msparent.__init(self)
  self._maskIndices = torch.LongTensor()
  self._maskIndexBuffer = torch.LongTensor()
  self._maskIndexBufferCPU = torch.FloatTensor()
  self._gradBuffer = torch.Tensor()
  self._gradMask = torch.ByteTensor()
end

function MaskedSelect:updateOutput(input)
  local t, mask = input[1], input[2]
  self.output:maskedSelect(t, mask)
  return self.output
end

function MaskedSelect:updateGradInput(input, gradOutput)
  local t, mask = input[1], input[2]
  self._gradBuffer = self._gradBuffer:typeAs(t)
  self._gradBuffer:resizeAs(t):zero()
  self._gradBuffer:maskedCopy(mask, gradOutput)
  self.gradInput = { self._gradBuffer, self._gradMask:resizeAs(mask):zero() }
  return self.gradInput
end

function MaskedSelect:type(type, tensorCache)
  if not type then return self._type end
  self._gradBuffer = self._gradBuffer:type(type)
  self.gradInput = self.gradInput:type(type)
  self.output = self.output:type(type)
  self._type = type
  return self
end

-- ---- Copy, Contiguous, Squeeze, Unsqueeze, Transpose --------------------

local Copy, cpparent = torch.class('nn.Copy', 'nn.Module')

function Copy:__init(intype, outtype, forceCopy, dontCast)
  intype = intype or torch.Tensor.__typename
  outtype = outtype or torch.Tensor.__typename
  self.dontCast = dontCast
  cpparent.__init(self)
  self.gradInput = torch.getmetatable(intype).new()
  self.output = torch.getmetatable(outtype).new()
  if (not forceCopy) and intype == outtype then
    self.updateOutput = function(_, input)
      self.output:set(input)
      return input
    end
    self.updateGradInput = function(_, _, gradOutput)
      self.gradInput:set(gradOutput)
      return gradOutput
    end
  end
end

function Copy:updateOutput(input)
  self.output:resize(input:size()):copy(input)
  return self.output
end

function Copy:updateGradInput(input, gradOutput)
  self.gradInput:resize(gradOutput:size()):copy(gradOutput)
  return self.gradInput
end

function Copy:type(type, tensorCache)
  if type and self.dontCast then return self end
  return cpparent.type(self, type, tensorCache)
end

local Contiguous = torch.class('nn.Contiguous', 'nn.Module')

function Contiguous:updateOutput(input)
  if not input:isContiguous() then
    self.output:resizeAs(input):copy(input)
  else
    self.output:set(input)
  end
  return self.output
end

function Contiguous:updateGradInput(input, gradOutput)
  if not gradOutput:isContiguous() then
    self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  else
    self.gradInput:set(gradOutput)
  end
  return self.gradInput
end

local Squeeze, sqparent = torch.class('nn.Squeeze', 'nn.Module')

function Squeeze:__init(dim, numInputDims)
  sqparent.__init(self)
  self.dim = dim
  self.numInputDims = numInputDims
end

function Squeeze:updateOutput(input)
  local dim = self.dim
  if dim and self.numInputDims and input:dim() > self.numInputDims then
    dim = dim + (input:dim() - self.numInputDims)
  end
  self.output:set(input)
  if dim then self.output = self.output:squeeze(dim) else self.output = self.output:squeeze() end
  return self.output
end

function Squeeze:updateGradInput(input, gradOutput)
  self.gradInput = gradOutput:contiguous():view(input:size())
  return self.gradInput
end

local Unsqueeze, usparent = torch.class('nn.Unsqueeze', 'nn.Module')

function Unsqueeze:__init(pos, numInputDims)
  usparent.__init(self)
  self.pos = pos or error('the position to insert singleton dim not specified')
  self.numInputDims = numInputDims
end

function Unsqueeze:updateOutput(input)
  local pos = self.pos
  if self.numInputDims and input:dim() > self.numInputDims then
    pos = pos + (input:dim() - self.numInputDims)
  end
  self.output = nn.utils.addSingletonDimension(self.output, input, pos)
  return self.output
end

function Unsqueeze:updateGradInput(input, gradOutput)
  self.gradInput = gradOutput:contiguous():view(input:size())
  return self.gradInput
end

function Unsqueeze:__tostring__()
  return torch.type(self) .. '(dim ' .. self.pos .. ')'
end

local Transpose, tparent = torch.class('nn.Transpose', 'nn.Module')

function Transpose:__init(...)
  tparent.__init(self)
  self.permutations = { ... }
end

function Transpose:updateOutput(input)
  for _, perm in ipairs(self.permutations) do input = input:transpose(perm[1], perm[2]) end
  self.output:resizeAs(input):copy(input)
  return self.output
end

function Transpose:updateGradInput(input, gradOutput)
  for i = #self.permutations, 1, -1 do
    local perm = self.permutations[i]
    gradOutput = gradOutput:transpose(perm[1], perm[2])
  end
  self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  return self.gradInput
end

-- ---- Replicate, Padding -----------------------------------------------

local Replicate, repparent = torch.class('nn.Replicate', 'nn.Module')

function Replicate:__init(nf, dim, ndim)
  repparent.__init(self)
  self.nfeatures = nf
  self.dim = dim or 1
  self.ndim = ndim
  assert(self.dim > 0, 'Can only replicate across positive integer dimensions.')
end

function Replicate:updateOutput(input)
  local rdim = self.dim
  if self.ndim and input:dim() == self.ndim + 1 then rdim = rdim + 1 end
  local sz = input:size():totable()
  local expand = {}
  local view = {}
  for i = 1, rdim - 1 do view[i] = sz[i]; expand[i] = sz[i] end
  view[rdim] = 1
  expand[rdim] = self.nfeatures
  for i = rdim, #sz do view[i + 1] = sz[i]; expand[i + 1] = sz[i] end
  local v = input:contiguous():view(torch.LongStorage(view))
  self.output:resize(torch.LongStorage(expand)):copy(v:expand(torch.LongStorage(expand)))
  return self.output
end

function Replicate:updateGradInput(input, gradOutput)
  local rdim = self.dim
  if self.ndim and input:dim() == self.ndim + 1 then rdim = rdim + 1 end
  self.gradInput:resizeAs(input)
  local s = torch.sum(gradOutput, rdim)
  self.gradInput:copy(s:viewAs(input))
  return self.gradInput
end

local Padding, padparent = torch.class('nn.Padding', 'nn.Module')

-- pad > 0 adds after, pad < 0 before, along dim; index moves the insertion.
function Padding:__init(dim, pad, nInputDim, value, index)
  self.value = value or 0
  self.index = index or 1
  self.dim = dim
  self.pad = pad
  self.nInputDim = nInputDim
  padparent.__init(self)
end

function Padding:updateOutput(input)
  local dim = self.dim
  if self.nInputDim and input:dim() ~= self.nInputDim then dim = dim + 1 end
  local sz = input:size():totable()
  sz[dim] = sz[dim] + math.abs(self.pad)
  self.output:resize(torch.LongStorage(sz)):fill(self.value)
  local index = self.index
  local pad = self.pad
  if pad > 0 then
    index = input:size(dim) - index + 2
  else
    pad = -pad
  end
  if index == 1 then
    self.output:narrow(dim, 1 + pad, input:size(dim)):copy(input)
  elseif index == input:size(dim) + 1 then
    self.output:narrow(dim, 1, input:size(dim)):copy(input)
  else
    self.output:narrow(dim, 1, index - 1):copy(input:narrow(dim, 1, index - 1))
    self.output:narrow(dim, index + pad, input:size(dim) - (index - 1))
      :copy(input:narrow(dim, index, input:size(dim) - (index - 1)))
  end
  return self.output
end

function Padding:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input)
  local dim = self.dim
  if self.nInputDim and input:dim() ~= self.nInputDim then dim = dim + 1 end
  local index = self.index
  local pad = self.pad
  if pad > 0 then index = input:size(dim) - index + 2 else pad = -pad end
  if index == 1 then
    self.gradInput:copy(gradOutput:narrow(dim, 1 + pad, input:size(dim)))
  elseif index == input:size(dim) + 1 then
    self.gradInput:copy(gradOutput:narrow(dim, 1, input:size(dim)))
  else
    self.gradInput:narrow(dim, 1, index - 1):copy(gradOutput:narrow(dim, 1, index - 1))
    self.gradInput:narrow(dim, index, input:size(dim) - (index - 1))
      :copy(gradOutput:narrow(dim, index + pad, input:size(dim) - (index - 1)))
  end
  return self.gradInput
end
