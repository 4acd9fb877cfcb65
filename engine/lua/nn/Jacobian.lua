-- nn/Jacobian.lua: finite-difference checks of a module's derivatives
-- (Torch7's nn.Jacobian): the full Jacobian of the output with respect to
-- the input or a parameter, from the backward pass and from central
-- differences, and their largest absolute difference.

nn.Jacobian = {}
local J = nn.Jacobian

-- Jacobian [numel(x), numel(output)] from the backward pass, one unit
-- gradOutput per output element. param/dparam: differentiate w.r.t. a
-- parameter instead of the input.
function J.backward(module, input, param, dparam)
  local doparam = param ~= nil
  param = param or input
  local out = module:forward(input)
  local dout = out.new():resizeAs(out):zero()
  local jac = torch.Tensor(param:nElement(), out:nElement()):zero()
  local flat = dout:view(-1)
  for i = 1, out:nElement() do
    flat:zero()
    flat[i] = 1
    module:zeroGradParameters()
    local din = module:updateGradInput(input, dout)
    if doparam then
      module:accGradParameters(input, dout)
      jac:select(2, i):copy(dparam)
    else
      jac:select(2, i):copy(din)
    end
  end
  return jac
end

-- The same by central differences of the output, perturbing x.
function J.forward(module, input, param, perturbation)
  param = param or input
  perturbation = perturbation or 1e-6
  local out = module:forward(input)
  local jac = torch.Tensor(param:nElement(), out:nElement())
  local flat = param:view(-1)
  for i = 1, flat:nElement() do
    local orig = flat[i]
    flat[i] = orig - perturbation
    local o1 = module:forward(input):clone()
    flat[i] = orig + perturbation
    local o2 = module:forward(input):clone()
    flat[i] = orig
    jac:select(1, i):copy(o2:add(-1, o1):div(2 * perturbation))
  end
  return jac
end

local function fill(t, minval, maxval)
  minval = minval or -2
  maxval = maxval or 2
  t:copy(torch.rand(t:nElement()):mul(maxval - minval):add(minval))
end

function J.testJacobian(module, input, minval, maxval, perturbation)
  fill(input, minval, maxval)
  local jf = J.forward(module, input, nil, perturbation)
  local jb = J.backward(module, input)
  return (jf - jb):abs():max()
end

function J.testJacobianParameters(module, input, param, dparam, minval, maxval, perturbation)
  fill(input, minval, maxval)
  fill(param, minval, maxval)
  local jb = J.backward(module, input, param, dparam)
  local jf = J.forward(module, input, param, perturbation)
  return (jf - jb):abs():max()
end

-- accUpdateGradParameters(lr) against params - lr * grad from backward.
function J.testJacobianUpdateParameters(module, input, param, minval, maxval)
  fill(input, minval, maxval)
  fill(param, minval, maxval)
  local before = param:clone()
  local out = module:forward(input)
  local go = out.new():resizeAs(out):copy(torch.rand(out:nElement()))
  module:zeroGradParameters()
  module:updateGradInput(input, go)
  module:accGradParameters(input, go)
  local _, grads = module:parameters()
  local params = module:parameters()
  local expect
  for k = 1, #params do
    if params[k] == param or torch.pointer(params[k]) == torch.pointer(param) then
      expect = before:clone():add(-0.01, grads[k])
    end
  end
  param:copy(before)
  module:forward(input)
  module:accUpdateGradParameters(input, go, 0.01)
  local err = expect and (param - expect):abs():max() or 0
  param:copy(before)
  return err
end

-- Forward/backward give the same results after a save/load round trip.
function J.testIO(module, input)
  local path = os.tmpname()
  local go = module:forward(input):clone():uniform()
  local out = module:forward(input):clone()
  local gi = module:backward(input, go):clone()
  torch.save(path, module)
  local m2 = torch.load(path)
  os.remove(path)
  local out2 = m2:forward(input)
  local gi2 = m2:backward(input, go)
  return (out - out2):abs():max(), (gi - gi2):abs():max()
end
