-- nn/temporal.lua: 1-D convolution and pooling over sequences of frames:
-- input [nFrame, frameSize] (single) or [n, nFrame, frameSize] (batch).
-- TemporalConvolution unfolds the windows into rows [nOut, kW*frameSize]
-- (frame-major, Torch7's weight layout) and runs one GEMM.

local utils = nn.utils

local TC, parent = torch.class('nn.TemporalConvolution', 'nn.Module')

function TC:__init(inputFrameSize, outputFrameSize, kW, dW)
  parent.__init(self)
  dW = dW or 1
  self.inputFrameSize = inputFrameSize
  self.outputFrameSize = outputFrameSize
  self.kW = kW
  self.dW = dW
  self.weight = torch.Tensor(outputFrameSize, inputFrameSize * kW)
  self.bias = torch.Tensor(outputFrameSize)
  self.gradWeight = torch.Tensor(outputFrameSize, inputFrameSize * kW)
  self.gradBias = torch.Tensor(outputFrameSize)
  self:reset()
end

function TC:reset(stdv)
  if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.kW * self.inputFrameSize) end
  self.weight:uniform(-stdv, stdv)
  self.bias:uniform(-stdv, stdv)
end

-- Rows of the unfolded windows of x [n, nFrame, fs] -> [n * nOut, kW * fs].
function TC:_columns(x)
  local n, nFrame, fs = x:size(1), x:size(2), x:size(3)
  if fs ~= self.inputFrameSize then
    error(string.format('%s: frames have %d features, expected %d', torch.type(self), fs,
                        self.inputFrameSize), 4)
  end
  if nFrame < self.kW then
    error(string.format('%s: input sequence (%d frames) is shorter than the kernel (%d)',
                        torch.type(self), nFrame, self.kW), 4)
  end
  local nOut = math.floor((nFrame - self.kW) / self.dW) + 1
  -- unfold gives [n, nOut, fs, kW]; the weight wants [kW, fs] per window
  local win = x:unfold(2, self.kW, self.dW):transpose(3, 4)
  self._cols = self._cols or x.new()
  self._cols:resize(n, nOut, self.kW, fs):copy(win)
  return self._cols:view(n * nOut, self.kW * fs), n, nOut
end

function TC:updateOutput(input)
  local x, single = utils.batchIn(input, 2, self)
  local cols, n, nOut = self:_columns(x)
  local o = self.outputFrameSize
  self.output:resize(n * nOut, o)
  self.output:copy(self.bias:view(1, o):expand(n * nOut, o))
  self.output:addmm(1, self.output, 1, cols, self.weight:t())
  self.output:resize(n, nOut, o)
  return utils.batchOut(self.output, single)
end

function TC:updateGradInput(input, gradOutput)
  local x, single = utils.batchIn(input, 2, self)
  local n, nFrame, fs = x:size(1), x:size(2), x:size(3)
  local nOut = math.floor((nFrame - self.kW) / self.dW) + 1
  local g = gradOutput:contiguous():view(n * nOut, self.outputFrameSize)
  self._gcols = self._gcols or x.new()
  self._gcols:resize(n * nOut, self.kW * fs):mm(g, self.weight)
  local gc = self._gcols:view(n, nOut, self.kW, fs)
  self.gradInput:resize(n, nFrame, fs):zero()
  -- add each window's gradient back onto its frames
  for k = 1, self.kW do
    for t = 1, nOut do
      local f = (t - 1) * self.dW + k
      self.gradInput:select(2, f):add(gc:select(2, t):select(2, k))
    end
  end
  return utils.batchOut(self.gradInput, single)
end

function TC:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local x = utils.batchIn(input, 2, self)
  local cols, n, nOut = self:_columns(x)
  local g = gradOutput:contiguous():view(n * nOut, self.outputFrameSize)
  self.gradWeight:addmm(scale, g:t(), cols)
  self._ones = self._ones or x.new()
  if self._ones:nElement() ~= n * nOut then self._ones:resize(n * nOut):fill(1) end
  self.gradBias:addmv(scale, g:t(), self._ones)
end

function TC:clearState()
  nn.utils.clear(self, '_cols', '_gcols', '_ones')
  return parent.clearState(self)
end

-- TemporalMaxPooling: max over windows of kW frames, per feature.
local TMP, tmparent = torch.class('nn.TemporalMaxPooling', 'nn.Module')

function TMP:__init(kW, dW)
  tmparent.__init(self)
  self.kW = kW
  self.dW = dW or kW
end

function TMP:updateOutput(input)
  local x, single = utils.batchIn(input, 2, self)
  local n, nFrame, fs = x:size(1), x:size(2), x:size(3)
  if nFrame < self.kW then
    error(string.format('%s: input sequence (%d frames) is shorter than the kernel (%d)',
                        torch.type(self), nFrame, self.kW), 2)
  end
  local win = x:unfold(2, self.kW, self.dW)   -- [n, nOut, fs, kW]
  self._values = self._values or x.new()
  if torch.type(self.indices) ~= 'torch.LongTensor' then self.indices = torch.LongTensor() end
  torch.max(self._values, self.indices, win, 4)
  local nOut = win:size(2)
  self.output:resize(n, nOut, fs):copy(self._values:view(n, nOut, fs))
  return utils.batchOut(self.output, single)
end

function TMP:updateGradInput(input, gradOutput)
  local x, single = utils.batchIn(input, 2, self)
  local n, nFrame, fs = x:size(1), x:size(2), x:size(3)
  local nOut = self.indices:size(2)
  local g = gradOutput:contiguous():view(n, nOut, fs)
  self.gradInput:resize(n, nFrame, fs):zero()
  local idx = self.indices
  for b = 1, n do
    local gib, gb, ib = self.gradInput[b], g[b], idx[b]
    for t = 1, nOut do
      local gt, it = gb[t], ib[t]
      for f = 1, fs do
        local frame = (t - 1) * self.dW + it[f][1]
        gib[frame][f] = gib[frame][f] + gt[f]
      end
    end
  end
  return utils.batchOut(self.gradInput, single)
end

-- TemporalSubSampling: per-feature weight times the sum of kW frames, plus bias.
local TSS, tssparent = torch.class('nn.TemporalSubSampling', 'nn.Module')

function TSS:__init(inputFrameSize, kW, dW)
  tssparent.__init(self)
  self.inputFrameSize = inputFrameSize
  self.kW = kW
  self.dW = dW or 1
  self.weight = torch.Tensor(inputFrameSize)
  self.bias = torch.Tensor(inputFrameSize)
  self.gradWeight = torch.Tensor(inputFrameSize)
  self.gradBias = torch.Tensor(inputFrameSize)
  self:reset()
end

function TSS:reset(stdv)
  if stdv then stdv = stdv * math.sqrt(3) else stdv = 1 / math.sqrt(self.kW) end
  self.weight:uniform(-stdv, stdv)
  self.bias:uniform(-stdv, stdv)
end

-- window sums [n, nOut, fs]
function TSS:_sums(x)
  local win = x:unfold(2, self.kW, self.dW)      -- [n, nOut, fs, kW]
  self._sum = self._sum or x.new()
  torch.sum(self._sum, win, 4)
  return self._sum:view(x:size(1), win:size(2), x:size(3))
end

function TSS:updateOutput(input)
  local x, single = utils.batchIn(input, 2, self)
  local s = self:_sums(x)
  local n, nOut, fs = s:size(1), s:size(2), s:size(3)
  self.output:resize(n, nOut, fs):copy(s)
  self.output:cmul(self.weight:view(1, 1, fs):expand(n, nOut, fs)):add(self.bias:view(1, 1, fs):expand(n, nOut, fs))
  return utils.batchOut(self.output, single)
end

function TSS:updateGradInput(input, gradOutput)
  local x, single = utils.batchIn(input, 2, self)
  local n, nFrame, fs = x:size(1), x:size(2), x:size(3)
  local nOut = math.floor((nFrame - self.kW) / self.dW) + 1
  local g = gradOutput:contiguous():view(n, nOut, fs)
  self.gradInput:resize(n, nFrame, fs):zero()
  local w = self.weight:view(1, fs):expand(n, fs)
  for t = 1, nOut do
    local gt = g:select(2, t)
    for k = 1, self.kW do
      self.gradInput:select(2, (t - 1) * self.dW + k):addcmul(1, gt, w)
    end
  end
  return utils.batchOut(self.gradInput, single)
end

function TSS:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local x = utils.batchIn(input, 2, self)
  local s = self:_sums(x)
  local n, nOut, fs = s:size(1), s:size(2), s:size(3)
  local g = gradOutput:contiguous():view(n, nOut, fs)
  self.gradBias:add(scale, g:view(-1, fs):sum(1):view(fs))
  self._gs = self._gs or x.new()
  self._gs:resizeAs(g):copy(g):cmul(s)
  self.gradWeight:add(scale, self._gs:view(-1, fs):sum(1):view(fs))
end
