-- tests/test_nn.lua: the nn package's modules. Every module with a
-- backward pass gets a finite-difference check in double of gradInput and
-- of every parameter gradient (and accUpdateGradParameters), single sample
-- and batch; Float agrees with Double; then closed-form values. Criteria,
-- the Module API, printing, errors and training runs are in
-- tests/test_nn_training.lua.

require 'nn'

local T = {}
local EPS = 1e-6

-- ---- the Jacobian helper ----------------------------------------------
-- With a random gradOutput g, the backward pass must give d<f(x), g>/dx;
-- we compare it with central differences of <f(x), g>, element by element,
-- for the input and each parameter tensor.

local helpers = require 'helpers'
local leaves = helpers.leaves
local max_err, clone_all = helpers.max_err, helpers.clone_all

local function rand_like(x)
  if torch.isTensor(x) then return x.new(x:size()):uniform(-1, 1) end
  local r = {}
  for i = 1, #x do r[i] = rand_like(x[i]) end
  return r
end

local function numeric(m, input, go, t) return helpers.fd_gradient(m, input, go, t, EPS) end

-- input: a tensor or a table of tensors; opts.noInputGrad skips gradInput
local function jacobian(name, m, input, tol, opts)
  tol = tol or 1e-5
  opts = opts or {}
  local go = rand_like(m:forward(input))
  m:zeroGradParameters()
  local gi = leaves(clone_all(m:backward(input, go)))
  if not opts.noInputGrad then
    local ins = leaves(input)
    for k = 1, #ins do
      if torch.type(ins[k]) ~= 'torch.DoubleTensor' then break end   -- indices, masks
      local err = max_err(gi[k], numeric(m, input, go, ins[k]))
      assert(err < tol, string.format('%s: gradInput %d differs from finite differences by %g', name, k, err))
    end
  end
  local params, grads = m:parameters()
  for k = 1, params and #params or 0 do
    local err2 = max_err(grads[k], numeric(m, input, go, params[k]))
    assert(err2 < tol, string.format('%s: gradient of parameter %d differs by %g', name, k, err2))
  end
  -- accUpdateGradParameters(lr) must equal params - lr * grads
  if params and #params > 0 then
    local before, expect = {}, {}
    m:forward(input)
    m:zeroGradParameters()
    m:backward(input, go)
    for k = 1, #params do
      before[k] = params[k]:clone()
      expect[k] = params[k]:clone():add(-0.1, grads[k])
    end
    m:forward(input)
    m:accUpdateGradParameters(input, go, 0.1)
    for k = 1, #params do
      local e = max_err(params[k], expect[k])
      assert(e < tol, string.format('%s: accUpdateGradParameters on parameter %d differs by %g', name, k, e))
      params[k]:copy(before[k])
    end
  end
end

-- Modules to check: constructor, single-sample input size, batch dims.
-- batch = false: the module has no batch form (same input shape rule).
local cases = {
  { 'Linear', function() return nn.Linear(5, 3) end, { 5 } },
  { 'LinearNoBias', function() return nn.Linear(5, 3, false) end, { 5 } },
  { 'Tanh', function() return nn.Tanh() end, { 4, 3 } },
  { 'Sigmoid', function() return nn.Sigmoid() end, { 6 } },
  { 'ReLU', function() return nn.ReLU() end, { 7 } },
  { 'ReLU6', function() return nn.ReLU6() end, { 7 }, scale = 8 },
  { 'Threshold', function() return nn.Threshold(0.1, -2) end, { 7 } },
  { 'LeakyReLU', function() return nn.LeakyReLU(0.1) end, { 7 } },
  { 'ELU', function() return nn.ELU(0.7) end, { 7 } },
  { 'SoftPlus', function() return nn.SoftPlus(2) end, { 7 } },
  { 'HardTanh', function() return nn.HardTanh() end, { 7 }, scale = 2 },
  { 'SoftSign', function() return nn.SoftSign() end, { 7 } },
  { 'LogSigmoid', function() return nn.LogSigmoid() end, { 7 } },
  { 'TanhShrink', function() return nn.TanhShrink() end, { 7 } },
  { 'HardShrink', function() return nn.HardShrink(0.3) end, { 7 } },
  { 'SoftShrink', function() return nn.SoftShrink(0.3) end, { 7 } },
  { 'SoftMax', function() return nn.SoftMax() end, { 6 } },
  { 'LogSoftMax', function() return nn.LogSoftMax() end, { 6 } },
  { 'SoftMin', function() return nn.SoftMin() end, { 6 } },
  { 'SoftMaxSpatial', function() return nn.SoftMax() end, { 3, 2, 2 } },
  { 'LogSoftMaxSpatial', function() return nn.LogSoftMax() end, { 3, 2, 2 } },
  { 'Identity', function() return nn.Identity() end, { 4 } },
  { 'Reshape', function() return nn.Reshape(2, 3) end, { 6 } },
  { 'View', function() return nn.View(3, 2) end, { 2, 3 } },
  { 'Narrow', function() return nn.Narrow(1, 2, 3) end, { 6 }, batch = false },
  { 'Select', function() return nn.Select(1, 2) end, { 3, 4 }, batch = false },
  { 'Transpose', function() return nn.Transpose({ 1, 2 }) end, { 3, 4 }, batch = false },
  { 'Add', function() return nn.Add(4) end, { 4 } },
  { 'Mul', function() return nn.Mul() end, { 4 } },
  { 'CMul', function() return nn.CMul(4) end, { 4 } },
  { 'AddConstant', function() return nn.AddConstant(3) end, { 4 } },
  { 'MulConstant', function() return nn.MulConstant(-2) end, { 4 } },
  { 'Exp', function() return nn.Exp() end, { 4 } },
  { 'Log', function() return nn.Log() end, { 4 }, positive = true },
  { 'Abs', function() return nn.Abs() end, { 4 } },
  { 'Square', function() return nn.Square() end, { 4 } },
  { 'Sqrt', function() return nn.Sqrt() end, { 4 }, positive = true },
  { 'Power', function() return nn.Power(3) end, { 4 } },
  { 'Sum', function() return nn.Sum(1, 1) end, { 4 } },
  { 'Mean', function() return nn.Mean(1, 1) end, { 4 } },
  { 'Collapse', function() return nn.Collapse(2) end, { 2, 3 } },
  { 'SpatialConvolution', function() return nn.SpatialConvolution(2, 3, 3, 2) end, { 2, 5, 4 } },
  { 'SpatialConvolutionPadStride', function() return nn.SpatialConvolution(2, 3, 3, 3, 2, 1, 1, 2) end, { 2, 5, 6 } },
  { 'SpatialConvolutionMM', function() return nn.SpatialConvolutionMM(1, 2, 2, 2, 1, 1, 1, 1) end, { 1, 4, 4 } },
  { 'SpatialDilatedConvolution', function() return nn.SpatialDilatedConvolution(2, 3, 3, 2, 1, 2, 1, 1, 2, 2) end, { 2, 7, 6 } },
  { 'SpatialFullConvolution', function() return nn.SpatialFullConvolution(2, 3, 3, 3) end, { 2, 3, 4 } },
  { 'SpatialFullConvolutionStride', function() return nn.SpatialFullConvolution(2, 3, 3, 2, 2, 2, 1, 0, 1, 1) end, { 2, 3, 3 } },
  { 'SpatialMaxPooling', function() return nn.SpatialMaxPooling(2, 2, 2, 2) end, { 2, 4, 6 } },
  { 'SpatialMaxPoolingOverlapPad', function() return nn.SpatialMaxPooling(3, 3, 2, 2, 1, 1) end, { 2, 5, 5 } },
  { 'SpatialMaxPoolingCeil', function() return nn.SpatialMaxPooling(2, 2, 2, 2):ceil() end, { 1, 5, 5 } },
  { 'SpatialDilatedMaxPooling', function() return nn.SpatialDilatedMaxPooling(2, 2, 1, 1, 1, 0, 2, 2) end, { 2, 5, 5 } },
  { 'SpatialAveragePooling', function() return nn.SpatialAveragePooling(2, 2, 2, 2) end, { 2, 4, 6 } },
  { 'SpatialAveragePoolingPad', function() return nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1) end, { 2, 5, 5 } },
  { 'SpatialAveragePoolingExcludePad', function()
      return nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1):setCountExcludePad() end, { 2, 5, 5 } },
  { 'BatchNormalization', function() return nn.BatchNormalization(3) end, { 3 }, batchOnly = 4 },
  { 'BatchNormalizationEval', function()
      local m = nn.BatchNormalization(3)
      m.running_mean:uniform(-1, 1); m.running_var:uniform(0.5, 2)
      m:evaluate()
      return m end, { 3 } },
  { 'SpatialBatchNormalization', function() return nn.SpatialBatchNormalization(2) end, { 2, 3, 3 } },
  { 'Sequential', function()
      return nn.Sequential():add(nn.Linear(4, 6)):add(nn.Tanh()):add(nn.Linear(6, 3)):add(nn.LogSoftMax()) end, { 4 } },
  { 'PReLU', function() return nn.PReLU() end, { 5 } },
  { 'PReLUPlanes', function() local m = nn.PReLU(3); m.weight:uniform(0.1, 0.5); return m end, { 3, 2, 2 } },
  { 'PReLUVectors', function() local m = nn.PReLU(4); m.weight:uniform(0.1, 0.5); return m end, { 4 } },
  { 'RReLUEval', function() local m = nn.RReLU(); m:evaluate(); return m end, { 6 } },
  { 'GatedLinearUnit', function() return nn.GatedLinearUnit() end, { 6 } },
  { 'SpatialSoftMax', function() return nn.SpatialSoftMax() end, { 3, 2, 2 } },
  { 'SpatialLogSoftMax', function() return nn.SpatialLogSoftMax() end, { 3, 2, 2 } },
  { 'Max', function() return nn.Max(1, 2) end, { 3, 4 } },
  { 'Min', function() return nn.Min(2, 2) end, { 3, 4 } },
  { 'Replicate', function() return nn.Replicate(3, 1, 1) end, { 4 } },
  { 'Padding', function() return nn.Padding(1, 2, 1, -1) end, { 4 } },
  { 'PaddingBefore', function() return nn.Padding(1, -2, 1) end, { 4 } },
  { 'Euclidean', function() return nn.Euclidean(4, 3) end, { 4 } },
  { 'Normalize2', function() return nn.Normalize(2) end, { 5 } },
  { 'Normalize3', function() return nn.Normalize(3) end, { 5 } },
  { 'TemporalConvolution', function() return nn.TemporalConvolution(3, 4, 2) end, { 5, 3 } },
  { 'TemporalConvolutionStride', function() return nn.TemporalConvolution(3, 2, 3, 2) end, { 7, 3 } },
  { 'TemporalMaxPooling', function() return nn.TemporalMaxPooling(2) end, { 6, 3 } },
  { 'SpatialZeroPadding', function() return nn.SpatialZeroPadding(1, 2, -1, 1) end, { 2, 4, 4 } },
  { 'SpatialUpSamplingNearest', function() return nn.SpatialUpSamplingNearest(2) end, { 2, 3, 3 } },
  { 'Bottle', function() return nn.Bottle(nn.Linear(3, 2)) end, { 4, 3 } },
  { 'Decorator', function() return nn.Decorator(nn.Linear(3, 2)) end, { 3 } },
  { 'Serial', function() return nn.Serial(nn.Sequential():add(nn.Linear(3, 2)):add(nn.Tanh())) end, { 3 } },
  { 'VolumetricBatchNormalization', function() return nn.VolumetricBatchNormalization(2) end, { 2, 2, 2, 2 } },
  { 'SpatialCrossMapLRN', function() return nn.SpatialCrossMapLRN(3, 0.5, 0.75, 2) end, { 4, 2, 2 } },
  { 'SpatialReflectionPadding', function() return nn.SpatialReflectionPadding(2, 1, 1, 2) end, { 2, 3, 4 } },
  { 'SpatialReplicationPadding', function() return nn.SpatialReplicationPadding(2, 1, 3, 0) end, { 2, 3, 4 } },
  { 'SpatialAdaptiveMaxPooling', function() return nn.SpatialAdaptiveMaxPooling(2, 3) end, { 2, 5, 5 } },
  { 'SpatialAdaptiveAveragePooling', function() return nn.SpatialAdaptiveAveragePooling(3, 2) end, { 2, 5, 4 } },
  { 'CReLU', function() return nn.CReLU() end, { 5 } },
  { 'CReLUSpatial', function() return nn.CReLU() end, { 2, 2, 3 } },
  { 'WhiteNoiseEval', function() local m = nn.WhiteNoise(); m:evaluate(); return m end, { 5 } },
  { 'SpatialSubSampling', function() return nn.SpatialSubSampling(2, 2, 3, 2, 1) end, { 2, 5, 4 } },
  { 'PixelShuffle', function() return nn.PixelShuffle(2) end, { 8, 2, 3 } },
  { 'CAdd', function() return nn.CAdd(4) end, { 4 } },
  { 'CAdd2D', function() return nn.CAdd(2, 3) end, { 2, 3 } },
  { 'Cosine', function() return nn.Cosine(4, 3) end, { 4 } },
  { 'Maxout', function() return nn.Maxout(4, 3, 2) end, { 4 } },
  { 'NaN', function() return nn.NaN(nn.Linear(3, 2)) end, { 3 } },
  { 'Squeeze', function() return nn.Squeeze(2, 2) end, { 3, 1 } },
  { 'Unsqueeze', function() return nn.Unsqueeze(1, 1) end, { 3 } },
  { 'Contiguous', function() return nn.Contiguous() end, { 3, 2 } },
  { 'Copy', function() return nn.Copy('torch.DoubleTensor', 'torch.DoubleTensor', true) end, { 3 } },
  { 'TemporalSubSampling', function() return nn.TemporalSubSampling(3, 2, 2) end, { 6, 3 } },
  { 'DepthConcat', function()
      return nn.DepthConcat(1):add(nn.SpatialConvolution(2, 2, 1, 1)):add(nn.SpatialConvolution(2, 3, 3, 3)) end,
    { 2, 5, 5 }, batch = false },
  { 'VolumetricConvolution', function() return nn.VolumetricConvolution(2, 3, 2, 2, 2) end, { 2, 3, 4, 3 } },
  { 'VolumetricConvolutionPadStride', function() return nn.VolumetricConvolution(1, 2, 3, 2, 2, 2, 1, 2, 1, 1, 0) end,
    { 1, 4, 3, 5 } },
  { 'VolumetricMaxPooling', function() return nn.VolumetricMaxPooling(2, 2, 2) end, { 2, 4, 4, 4 } },
  { 'VolumetricMaxPoolingOverlap', function() return nn.VolumetricMaxPooling(2, 2, 2, 1, 1, 1) end, { 1, 3, 3, 3 } },
  { 'VolumetricAveragePooling', function() return nn.VolumetricAveragePooling(2, 2, 2, 1, 2, 1) end, { 2, 3, 4, 3 } },
  { 'LayerNormalization', function() return nn.LayerNormalization(5) end, { 5 } },
  { 'SpatialUpSamplingBilinear', function() return nn.SpatialUpSamplingBilinear(2) end, { 2, 3, 4 } },
  { 'SpatialUpSamplingBilinearSize', function() return nn.SpatialUpSamplingBilinear({ oheight = 5, owidth = 4 }) end, { 1, 3, 3 } },
  { 'SpatialDepthWiseConvolution', function() return nn.SpatialDepthWiseConvolution(2, 2, 3, 2, 1, 1, 1, 0) end, { 2, 4, 4 } },
  { 'GPU', function() return nn.GPU(nn.Linear(3, 2), 1) end, { 3 } },
  { 'SpatialConvolutionMap', function() return nn.SpatialConvolutionMap(nn.tables.random(3, 2, 2), 2, 2) end, { 3, 4, 4 } },
  { 'SpatialConvolutionMapFull', function() return nn.SpatialConvolutionMap(nn.tables.full(2, 2), 3, 2, 2, 1) end, { 2, 5, 4 } },
  { 'SpatialConvolutionMapOneToOne', function() return nn.SpatialConvolutionMap(nn.tables.oneToOne(2), 2, 2) end, { 2, 3, 3 } },
  { 'SpatialLPPooling', function() return nn.SpatialLPPooling(2, 2, 2, 2) end, { 2, 4, 4 }, positive = true },
  { 'SpatialLPPooling3', function() return nn.SpatialLPPooling(2, 3, 2, 2, 1, 1) end, { 2, 3, 3 }, positive = true },
  { 'LinearWeightNorm', function() return nn.LinearWeightNorm(4, 3) end, { 4 } },
  { 'SpatialSubtractiveNormalization', function() return nn.SpatialSubtractiveNormalization(2, torch.ones(3, 3)) end, { 2, 4, 5 } },
  { 'SpatialSubtractiveNormalization1D', function() return nn.SpatialSubtractiveNormalization(2, torch.ones(3)) end, { 2, 4, 4 } },
  { 'SpatialDivisiveNormalization', function() return nn.SpatialDivisiveNormalization(2, torch.ones(3, 3)) end, { 2, 4, 5 } },
  { 'SpatialContrastiveNormalization', function() return nn.SpatialContrastiveNormalization(1, torch.ones(3, 3)) end, { 1, 5, 5 } },
  { 'WeightNormLinear', function() return nn.WeightNorm(nn.Linear(4, 3)) end, { 4 } },
  { 'WeightNormConv', function() return nn.WeightNorm(nn.SpatialConvolution(2, 3, 2, 2)) end, { 2, 3, 3 } },
  { 'WeightNormDim2', function() return nn.WeightNorm(nn.Linear(4, 3), 2) end, { 4 } },
  { 'Concat', function() return nn.Concat(1):add(nn.Linear(4, 2)):add(nn.Tanh()) end, { 4 }, batch = false },
  { 'ConcatBatch', function() return nn.Concat(2):add(nn.Linear(4, 2)):add(nn.Linear(4, 3)) end, { 3, 4 }, batch = false },
}

-- Table-input modules: a function making {module, input} per case.
local function rt(...) return torch.DoubleTensor(...):uniform(-1, 1) end
local table_cases = {
  CAddTable = function() return nn.CAddTable(), { rt(3, 4), rt(3, 4), rt(3, 4) } end,
  CSubTable = function() return nn.CSubTable(), { rt(3, 4), rt(3, 4) } end,
  CMulTable = function() return nn.CMulTable(), { rt(3, 4), rt(3, 4), rt(3, 4) } end,
  CDivTable = function() return nn.CDivTable(), { rt(3, 4), rt(3, 4):add(3) } end,
  CMaxTable = function() return nn.CMaxTable(), { rt(3, 4), rt(3, 4) } end,
  CMinTable = function() return nn.CMinTable(), { rt(3, 4), rt(3, 4) } end,
  JoinTable = function() return nn.JoinTable(2), { rt(3, 4), rt(3, 2) } end,
  JoinTableNInputDims = function() return nn.JoinTable(1, 1), { rt(3, 4), rt(3, 2) } end,
  SplitTable = function() return nn.SplitTable(1), rt(3, 4) end,
  SelectTable = function() return nn.SelectTable(2), { rt(3), rt(4), rt(2) } end,
  SelectTableNeg = function() return nn.SelectTable(-1), { rt(3), rt(4) } end,
  NarrowTable = function() return nn.NarrowTable(2, 2), { rt(3), rt(4), rt(2) } end,
  FlattenTable = function() return nn.FlattenTable(), { rt(3), { rt(2), { rt(4) } } } end,
  DotProduct = function() return nn.DotProduct(), { rt(3, 4), rt(3, 4) } end,
  DotProductSingle = function() return nn.DotProduct(), { rt(4), rt(4) } end,
  PairwiseDistance = function() return nn.PairwiseDistance(2), { rt(3, 4), rt(3, 4) } end,
  PairwiseDistanceL1 = function() return nn.PairwiseDistance(1), { rt(4), rt(4) } end,
  CosineDistance = function() return nn.CosineDistance(), { rt(3, 4), rt(3, 4) } end,
  CosineDistanceSingle = function() return nn.CosineDistance(), { rt(4), rt(4) } end,
  Index = function() return nn.Index(1), { rt(4, 3), torch.LongTensor { 2, 4, 2 } } end,
  Bilinear = function() return nn.Bilinear(3, 4, 2), { rt(5, 3), rt(5, 4) } end,
  ZipTable = function() return nn.ZipTable(), { { rt(2), rt(3) }, { rt(4), rt(1) } } end,
  ZipTableOneToMany = function() return nn.ZipTableOneToMany(), { rt(3), { rt(2), rt(4) } } end,
  CAddTensorTable = function() return nn.CAddTensorTable(), { rt(3), { rt(3), rt(3) } } end,
  MixtureTableTable = function() return nn.MixtureTable(), { rt(3, 2), { rt(3, 4), rt(3, 4) } } end,
  MixtureTableTensor = function() return nn.MixtureTable(), { rt(3, 2), rt(3, 2, 4) } end,
  MixtureTableSingle = function() return nn.MixtureTable(), { rt(3), { rt(4), rt(4), rt(4) } } end,
  MM = function() return nn.MM(), { rt(3, 4), rt(4, 2) } end,
  MMTrans = function() return nn.MM(true, true), { rt(4, 3), rt(2, 4) } end,
  MMBatch = function() return nn.MM(false, true), { rt(2, 3, 4), rt(2, 5, 4) } end,
  MV = function() return nn.MV(), { rt(3, 4), rt(4) } end,
  MVTransBatch = function() return nn.MV(true), { rt(2, 4, 3), rt(2, 4) } end,
  ConcatTable = function() return nn.ConcatTable():add(nn.Linear(4, 2)):add(nn.Tanh()), rt(4) end,
  ParallelTable = function() return nn.ParallelTable():add(nn.Linear(4, 2)):add(nn.Tanh()), { rt(4), rt(3) } end,
  MapTable = function() return nn.MapTable(nn.Linear(3, 2)), { rt(3), rt(3) } end,
  Parallel = function() return nn.Parallel(1, 1):add(nn.Linear(4, 2)):add(nn.Linear(4, 3)), rt(2, 4) end,
}

for name, make in pairs(table_cases) do
  T['jacobian_' .. name] = function()
    local m, input = make()
    jacobian(name, m, input)
  end
end

T.jacobian_LookupTable_parameters = function()
  local m = nn.LookupTable(5, 3)
  jacobian('LookupTable', m, torch.Tensor { 1, 3, 3, 5 }, 1e-5, { noInputGrad = true })
  jacobian('LookupTable (batch)', m, torch.Tensor { { 1, 2 }, { 4, 2 } }, 1e-5, { noInputGrad = true })
  assert_near(m:forward(torch.Tensor { 2 })[1], m.weight[2], 0)
end

T.gradient_only_modules = function()
  local x, g = torch.randn(4), torch.randn(4)
  local r = nn.GradientReversal(0.5)
  assert_near(r:forward(x), x, 0)
  assert_near(r:backward(x, g), g * -0.5, 1e-15)
  assert_near(nn.ZeroGrad():backward(x, g), torch.zeros(4), 0)
  local l1 = nn.L1Penalty(0.1)
  l1:forward(x)
  assert_near(l1.loss, 0.1 * x:norm(1), 1e-12)
  assert_near(l1:backward(x, g), torch.sign(x):mul(0.1):add(g), 1e-15)
  local c = nn.Constant(torch.Tensor { 1, 2 }, 1)
  assert_eq(c:forward(torch.randn(3, 5)):size():totable(), { 3, 2 })
  local oh = nn.OneHot(4)
  assert_near(oh:forward(torch.Tensor { 2, 4 }), { { 0, 1, 0, 0 }, { 0, 0, 0, 1 } }, 0)
end

local function random_input(sz, case)
  local x = torch.DoubleTensor(torch.LongStorage(sz))
  if case.positive then x:uniform(0.5, 2) else x:uniform(-1, 1):mul(case.scale or 1) end
  -- keep away from kinks (|x| ~ threshold) where differences are wrong
  x:apply(function(v)
    if math.abs(v) < 0.02 then return v + 0.05 end
    return v
  end)
  return x
end

-- Elements held by a module's own tensor fields (not submodules'), apart
-- from its parameters and their gradients.
local function buffered_elements(m)
  local params, grads = m:parameters()
  local own = {}
  for _, list in ipairs({ params or {}, grads or {} }) do
    for _, t in ipairs(list) do own[t] = true end
  end
  local n = 0
  for _, v in pairs(m) do
    if torch.isTensor(v) and not own[v] then n = n + v:nElement() end
  end
  return n
end

-- After forward and backward on a batch, clearState leaves no buffer
-- bigger than the module's parameters (running statistics and the like
-- stay), so saved models stay small.
T.clearState_drops_every_buffer = function()
  local bad = {}
  for _, case in ipairs(cases) do
    local name, make, sz = case[1], case[2], case[3]
    local m = make()
    local bsz = { case.batchOnly or 3 }
    for i = 1, #sz do bsz[i + 1] = sz[i] end
    local x = case.batch == false and random_input(sz, case) or random_input(bsz, case)
    local y = m:forward(x)
    m:backward(x, rand_like(y))
    m:clearState()
    local params = m:parameters()
    local pn = 0
    for _, p in ipairs(params or {}) do pn = pn + p:nElement() end
    local left = buffered_elements(m)
    if left > math.max(64, pn) then bad[#bad + 1] = name .. ' keeps ' .. left end
  end
  assert(#bad == 0, 'after clearState: ' .. table.concat(bad, ', '))
  -- inner modules that are fields, not children: Contrastive holds a Sequential
  local m = nn.SpatialContrastiveNormalization(3, torch.ones(3, 3))
  local x = torch.rand(3, 3, 6, 6)
  m:backward(x, m:forward(x):clone())
  local before = torch.serialize(m):len()
  m:clearState()
  local after = torch.serialize(m):len()
  assert(after < before / 4, string.format('SpatialContrastiveNormalization: %d -> %d bytes', before, after))
  assert_near(m:forward(x), nn.SpatialContrastiveNormalization(3, torch.ones(3, 3)):forward(x), 0)
end

for _, case in ipairs(cases) do
  local name, make, sz = case[1], case[2], case[3]
  if not case.batchOnly then
    T['jacobian_' .. name .. '_single'] = function()
      jacobian(name, make(), random_input(sz, case))
    end
  end
  if case.batch ~= false then
    T['jacobian_' .. name .. '_batch'] = function()
      local bsz = { case.batchOnly or 3 }
      for i = 1, #sz do bsz[i + 1] = sz[i] end
      jacobian(name .. ' (batch)', make(), random_input(bsz, case))
    end
  end
end

-- Float agrees with double within float precision.
T.float_matches_double = function()
  for _, case in ipairs(cases) do
    local m = case[2]()
    local bsz = { case.batchOnly or 2 }
    for i = 1, #case[3] do bsz[i + 1] = case[3][i] end
    if case.batch == false then bsz = case[3] end
    local x = random_input(bsz, case)
    local yd = m:forward(x):clone()
    local mf = m:clone():float()
    local yf = mf:forward(x:float())
    local err = max_err(yf:double(), yd)
    assert(err < 1e-4, case[1] .. ': float output differs from double by ' .. err)
  end
end

-- ---- closed forms ---------------------------------------------------------

T.transfer_values = function()
  local x = torch.Tensor { -2, -0.5, 0.5, 2 }
  assert_near(nn.ReLU():forward(x), { 0, 0, 0.5, 2 }, 0)
  assert_near(nn.Tanh():forward(x), { math.tanh(-2), math.tanh(-0.5), math.tanh(0.5), math.tanh(2) }, 1e-15)
  assert_near(nn.Sigmoid():forward(x)[4], 1 / (1 + math.exp(-2)), 1e-15)
  assert_near(nn.HardTanh():forward(x), { -1, -0.5, 0.5, 1 }, 0)
  assert_near(nn.LeakyReLU(0.1):forward(x), { -0.2, -0.05, 0.5, 2 }, 1e-15)
  assert_near(nn.ELU():forward(x)[1], math.exp(-2) - 1, 1e-15)
  local sm = nn.SoftMax():forward(torch.Tensor { 1, 2, 3 })
  local z = math.exp(1) + math.exp(2) + math.exp(3)
  assert_near(sm, { math.exp(1) / z, math.exp(2) / z, math.exp(3) / z }, 1e-15)
  local y = nn.Linear(2, 1)
  y.weight:copy(torch.Tensor { { 2, 3 } }); y.bias:fill(1)
  assert_near(y:forward(torch.Tensor { 1, 1 }), { 6 }, 0)
  assert_near(y:forward(torch.Tensor { { 1, 1 }, { 0, 1 } }), { { 6 }, { 4 } }, 0)
end

T.conv_matches_direct_loop = function()
  local m = nn.SpatialConvolution(2, 3, 3, 2, 2, 1, 1, 0)
  local x = torch.randn(2, 2, 5, 6)
  local y = m:forward(x)
  local oH, oW = y:size(3), y:size(4)
  assert(oH == 4 and oW == 3, 'output size ' .. oH .. 'x' .. oW)
  for n = 1, 2 do
    for o = 1, 3 do
      for i = 1, oH do
        for j = 1, oW do
          local s = m.bias[o]
          for c = 1, 2 do
            for ki = 1, 2 do
              for kj = 1, 3 do
                local yy, xx = (i - 1) * 1 + ki, (j - 1) * 2 - 1 + kj
                if xx >= 1 and xx <= 6 then s = s + m.weight[o][c][ki][kj] * x[n][c][yy][xx] end
              end
            end
          end
          assert_near(y[n][o][i][j], s, 1e-12)
        end
      end
    end
  end
end

T.full_convolution_is_conv_adjoint = function()
  -- <conv(x), y> = <x, full(y)> with the same weight and no bias
  local conv = nn.SpatialConvolution(2, 3, 3, 3, 2, 2, 1, 1):noBias()
  local full = nn.SpatialFullConvolution(3, 2, 3, 3, 2, 2, 1, 1):noBias()
  full.weight:copy(conv.weight)
  local x, y = torch.randn(1, 2, 7, 7), torch.randn(1, 3, 4, 4)
  local a = conv:forward(x):view(-1):dot(y:view(-1))
  local fy = full:forward(y)
  assert_eq(fy:size():totable(), { 1, 2, 7, 7 })
  assert_near(x:view(-1):dot(fy:view(-1)), a, 1e-10)
  assert_eq(tostring(nn.SpatialFullConvolution(3, 2, 3, 3, 2, 2, 1, 1, 1, 1)),
            'nn.SpatialFullConvolution(3 -> 2, 3x3, 2,2, 1,1, 1,1)')
end

T.max_unpooling_and_masked_select = function()
  local pool = nn.SpatialMaxPooling(2, 2)
  local unpool = nn.SpatialMaxUnpooling(pool)
  local x = torch.randn(2, 4, 4)
  local y = unpool:forward(pool:forward(x))
  assert_eq(y:size():totable(), { 2, 4, 4 })
  assert_near(y:sum(), pool.output:sum(), 1e-12)
  assert_near(pool:forward(y), pool.output, 0)
  local g = unpool:backward(pool.output, torch.randn(2, 4, 4))
  assert_eq(g:size():totable(), { 2, 2, 2 })
  local ms = nn.MaskedSelect()
  local t = torch.Tensor { { 1, -2 }, { 3, -4 } }
  local out = ms:forward({ t, t:gt(0) })
  assert_near(out, { 1, 3 }, 0)
  assert_near(ms:backward({ t, t:gt(0) }, torch.Tensor { 5, 6 })[1], { { 5, 0 }, { 6, 0 } }, 0)
end

T.upsampling_bilinear_values = function()
  local y = nn.SpatialUpSamplingBilinear(2):forward(torch.Tensor { { { 0, 2 }, { 4, 6 } } })
  assert_near(y, { { { 0, 1, 2 }, { 2, 3, 4 }, { 4, 5, 6 } } }, 1e-15)
  local ln = nn.LayerNormalization(4):forward(torch.Tensor { 1, 2, 3, 4 })
  assert_near(ln:sum(), 0, 1e-12)
  assert_near(ln:dot(ln), 4, 1e-9)
end

T.maxpool_values = function()
  local x = torch.Tensor { { { 1, 2, 3, 4 }, { 5, 6, 7, 8 }, { 9, 10, 11, 12 }, { 13, 14, 15, 16 } } }
  assert_near(nn.SpatialMaxPooling(2, 2):forward(x), { { { 6, 8 }, { 14, 16 } } }, 0)
  assert_near(nn.SpatialAveragePooling(2, 2, 2, 2):forward(x), { { { 3.5, 5.5 }, { 11.5, 13.5 } } }, 0)
  local c = nn.SpatialMaxPooling(3, 3, 2, 2):ceil():forward(x)
  assert(c:size(2) == 2 and c:size(3) == 2)
end

T.dropout = function()
  local d = nn.Dropout(0.5)
  local x = torch.ones(1000)
  local y = d:forward(x)
  local zeros = y:eq(0):sum()
  assert(zeros > 400 and zeros < 600, 'dropped ' .. zeros)
  assert_near(y:sum() / 1000, 1, 0.15)
  local g = d:backward(x, torch.ones(1000))
  assert_near(g, y, 0)
  d:evaluate()
  assert_near(d:forward(x), x, 0)
  assert(tostring(d) == 'nn.Dropout(0.500000)')
end

return T
