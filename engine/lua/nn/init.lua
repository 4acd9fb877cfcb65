-- nn/init.lua: the nn package (Torch7's torch/nn): modules, containers
-- and criteria, loaded family by family.
--
-- Heavy kernels (convolution, pooling, batch normalization, transfer
-- functions, softmax) are C functions of the engine declared under
-- "nn kernels" in torchlight.h and reached through torch._C; the rest is
-- Lua over tensor methods. Single samples and batches are normalised in one
-- place (nn.utils.batchIn / batchOut), not in each module.

require 'torch'

nn = nn or {}

require 'nn.utils'
require 'nn.Module'
require 'nn.Criterion'
require 'nn.containers'
require 'nn.containers_table'
require 'nn.decorators'
require 'nn.linear'
require 'nn.arith'
require 'nn.shape'
require 'nn.misc'
require 'nn.transfer'
require 'nn.spatial_conv'
require 'nn.spatial_conv_planes'
require 'nn.spatial_pool'
require 'nn.spatial_misc'
require 'nn.temporal'
require 'nn.volumetric'
require 'nn.conv_extra'
require 'nn.pool_extra'
require 'nn.normalization'
require 'nn.table'
require 'nn.criteria_regression'
require 'nn.criteria_class'
require 'nn.criteria_embedding'
require 'nn.criteria_containers'
require 'nn.sparse'
require 'nn.extra'
require 'nn.StochasticGradient'
require 'nn.Jacobian'

return nn
