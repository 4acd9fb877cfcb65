-- torch/help.lua: documentation of torch's public functions, for the REPL's
-- `? name` and help(f). Loaded only when help is asked for.
--
-- Convention shared by every package (nn, optim, image, gnuplot, ...): a
-- module `<pkg>.help` returns a table mapping full names to text:
-- 'pkg.fn' for functions, 'torch.Tensor:method' for tensor methods. The
-- first line is the usage, then a blank line and the description.

local D = {}

local function doc(name, usage, text)
  D[name] = usage .. '\n\n' .. text
end

-- ---- construction ----------------------------------------------------------
doc('torch.Tensor', 'torch.Tensor([sizes...] | [storage [, offset, sizes, strides]] | table)',
    'A tensor of the default type (DoubleTensor unless setdefaulttensortype\nchanged it). With sizes its contents are uninitialised; with a (nested)\ntable it copies the numbers.')
doc('torch.zeros', '[res] torch.zeros([res,] m [, n, ...])', 'A tensor of the given size filled with zeros.')
doc('torch.ones', '[res] torch.ones([res,] m [, n, ...])', 'A tensor of the given size filled with ones.')
doc('torch.eye', '[res] torch.eye([res,] n [, m])', 'An n x m (default n x n) matrix with ones on the diagonal.')
doc('torch.rand', '[res] torch.rand([res,] [gen,] m [, n, ...])', 'Uniform random numbers in [0, 1).')
doc('torch.randn', '[res] torch.randn([res,] [gen,] m [, n, ...])', 'Normally distributed random numbers (mean 0, standard deviation 1).')
doc('torch.randperm', '[res] torch.randperm([res,] [gen,] n)', 'A random permutation of the integers 1..n.')
doc('torch.range', '[res] torch.range([res,] x, y [, step])', 'The numbers from x to y (inclusive) by step (default 1).')
doc('torch.linspace', '[res] torch.linspace([res,] x, y [, n])', 'n (default 100) equally spaced points from x to y.')
doc('torch.logspace', '[res] torch.logspace([res,] x, y [, n])', 'n (default 100) points from 10^x to 10^y, evenly spaced in log scale.')
doc('torch.diag', '[res] torch.diag([res,] x [, k])', 'Vector x: a matrix with x on its k-th diagonal. Matrix x: its k-th diagonal.')
doc('torch.cat', '[res] torch.cat([res,] x1, x2 [, dim]) / torch.cat([res,] {x1, ...} [, dim])',
    'Concatenates tensors along dimension dim (default: the last).')
doc('torch.reshape', '[res] torch.reshape([res,] x, m [, n, ...])', 'A copy of x with the given size (same number of elements).')

-- ---- element-wise math -----------------------------------------------------
for _, f in ipairs({ 'abs', 'acos', 'asin', 'atan', 'ceil', 'cos', 'cosh', 'exp', 'floor',
                     'frac', 'log', 'log1p', 'neg', 'round', 'rsqrt', 'sigmoid', 'sign',
                     'sin', 'sinh', 'sqrt', 'tan', 'tanh', 'trunc', 'cinv' }) do
  doc('torch.' .. f, '[res] torch.' .. f .. '([res,] x)',
      'Element-wise ' .. f .. ' of x, in a new tensor (or res).\nx:' .. f .. '() works in place.')
  doc('torch.Tensor:' .. f, 'x:' .. f .. '() / x:' .. f .. '(y)',
      'In place: each element of x (or of y, written into x) replaced by its ' .. f .. '.')
end
doc('torch.add', '[res] torch.add([res,] x, value) / torch.add([res,] x, [value,] y)', 'x + value, or x + value * y.')
doc('torch.mul', '[res] torch.mul([res,] x, value)', 'x * value, element-wise.')
doc('torch.div', '[res] torch.div([res,] x, value)', 'x / value, element-wise.')
doc('torch.cmul', '[res] torch.cmul([res,] x, y)', 'Element-wise product of x and y.')
doc('torch.cdiv', '[res] torch.cdiv([res,] x, y)', 'Element-wise quotient of x and y.')
doc('torch.pow', '[res] torch.pow([res,] x, n)', 'Each element of x to the power n (or n to the power of each element).')
doc('torch.clamp', '[res] torch.clamp([res,] x, min, max)', 'x with every element clipped to [min, max].')
doc('torch.Tensor:add', 'x:add(value) / x:add([value,] y)', 'In place: x = x + value, or x = x + value * y.')
doc('torch.Tensor:mul', 'x:mul(value)', 'In place: x = x * value.')
doc('torch.Tensor:fill', 'x:fill(value)', 'Sets every element of x to value.')
doc('torch.Tensor:zero', 'x:zero()', 'Sets every element of x to 0.')
doc('torch.Tensor:copy', 'x:copy(y)', 'Copies the elements of y (same number of elements, any type) into x.')

-- ---- reductions ------------------------------------------------------------
for name, what in pairs({ sum = 'sum', prod = 'product', mean = 'mean', max = 'maximum',
                          min = 'minimum', std = 'standard deviation', var = 'variance',
                          median = 'median', cumsum = 'cumulative sum', cumprod = 'cumulative product' }) do
  doc('torch.' .. name, 'torch.' .. name .. '(x) / [res] torch.' .. name .. '([res,] x, dim)',
      'The ' .. what .. ' of all elements of x (a number), or along dimension dim (a tensor).')
end
doc('torch.norm', 'torch.norm(x [, p]) / [res] torch.norm([res,] x, p, dim)', 'The p-norm (default 2) of x, or along dimension dim.')
doc('torch.dist', 'torch.dist(x, y [, p])', 'The p-norm (default 2) of x - y.')
doc('torch.dot', 'torch.dot(x, y)', 'The dot product of x and y (same number of elements).')
doc('torch.sort', '[y, i] torch.sort([y, i,] x [, dim] [, descending])', 'x sorted along dim (default: last), with the indices of the sorted elements.')
doc('torch.topk', '[y, i] torch.topk([y, i,] x, k [, dim] [, dir] [, sort])', 'The k smallest (dir true: largest) elements along dim, with their indices.')

-- ---- linear algebra --------------------------------------------------------
doc('torch.mm', '[res] torch.mm([res,] A, B)', 'Matrix product of the 2D tensors A (n x m) and B (m x p).')
doc('torch.mv', '[res] torch.mv([res,] A, x)', 'Matrix-vector product.')
doc('torch.bmm', '[res] torch.bmm([res,] A, B)', 'Batched matrix products of the 3D tensors A (b x n x m) and B (b x m x p).')
doc('torch.addmm', '[res] torch.addmm([res,] [v1,] M, [v2,] A, B)', 'v1 * M + v2 * (A x B).')
doc('torch.ger', '[res] torch.ger([res,] x, y)', 'The outer product of vectors x and y.')
doc('torch.inverse', '[res] torch.inverse([res,] A)', 'The inverse of the square matrix A.')
doc('torch.gesv', '[X, LU] torch.gesv([X, LU,] B, A)', 'Solves A X = B for a square A (LU factorisation).')
doc('torch.svd', '[U, S, V] torch.svd([U, S, V,] A [, "S" | "A"])', 'Singular value decomposition A = U diag(S) V\'.')
doc('torch.eig', '[e, V] torch.eig([e, V,] A [, "N" | "V"])', 'Eigenvalues (and vectors with "V") of a general square matrix.')
doc('torch.symeig', '[e, V] torch.symeig([e, V,] A [, "N" | "V"] [, "U" | "L"])', 'Eigenvalues (and vectors) of a symmetric matrix.')
doc('torch.trace', 'torch.trace(A)', 'The sum of the diagonal of A.')

-- ---- random numbers --------------------------------------------------------
doc('torch.manualSeed', 'torch.manualSeed([gen,] seed)', 'Seeds the (default) random generator, for reproducible results.')
doc('torch.seed', 'torch.seed([gen])', 'Seeds the generator from the clock; returns the seed.')
doc('torch.initialSeed', 'torch.initialSeed([gen])', 'The seed the generator started from.')
doc('torch.uniform', 'torch.uniform([gen,] [a, b])', 'A random number uniform in [a, b) (default [0, 1)).')
doc('torch.normal', 'torch.normal([gen,] [mean, stdv])', 'A normally distributed random number.')
doc('torch.random', 'torch.random([gen,] [a [, b]])', 'A random integer: in [1, a], in [a, b], or a 32-bit one.')
doc('torch.getRNGState', 'torch.getRNGState([gen])', 'A copy of the generator state (a ByteTensor), for setRNGState.')
doc('torch.setRNGState', 'torch.setRNGState([gen,] state)', 'Restores a state returned by getRNGState.')
doc('torch.Tensor:uniform', 'x:uniform([a, b])', 'Fills x with numbers uniform in [a, b) (default [0, 1)).')
doc('torch.Tensor:normal', 'x:normal([mean, stdv])', 'Fills x with normally distributed numbers.')

-- ---- shapes, types and utilities -------------------------------------------
doc('torch.Tensor:size', 'x:size([dim])', 'The sizes of x as a LongStorage, or the size of dimension dim.')
doc('torch.Tensor:dim', 'x:dim()', 'The number of dimensions of x.')
doc('torch.Tensor:nElement', 'x:nElement()', 'The number of elements of x.')
doc('torch.Tensor:view', 'x:view(m [, n, ...])', 'A tensor sharing x\'s storage with the given size (x must be contiguous).')
doc('torch.Tensor:transpose', 'x:transpose(d1, d2)', 'A view of x with dimensions d1 and d2 swapped.')
doc('torch.Tensor:t', 'x:t()', 'The transpose of the 2D tensor x (a view).')
doc('torch.Tensor:narrow', 'x:narrow(dim, index, size)', 'A view of x restricted to size slices of dim starting at index.')
doc('torch.Tensor:select', 'x:select(dim, index)', 'A view of the slice index of dimension dim (one dimension fewer).')
doc('torch.Tensor:sub', 'x:sub(d1s, d1e [, d2s, d2e, ...])', 'A view of x restricted to the given ranges (negative counts from the end).')
doc('torch.Tensor:clone', 'x:clone()', 'A contiguous copy of x.')
doc('torch.Tensor:contiguous', 'x:contiguous()', 'x if it is contiguous, else a contiguous copy.')
doc('torch.Tensor:resize', 'x:resize(m [, n, ...])', 'Resizes x in place (contents unspecified when it grows).')
doc('torch.typename', 'torch.typename(obj)', 'The class name of a torch object ("torch.DoubleTensor"), or nil.')
doc('torch.type', 'torch.type(obj)', 'torch.typename(obj) for torch objects, type(obj) otherwise.')
doc('torch.class', 'torch.class(name [, parent] [, module])', 'Creates a class; returns its metatable (methods) and parent metatable.')
doc('torch.isTensor', 'torch.isTensor(obj)', 'True when obj is a tensor of any type.')
doc('torch.setdefaulttensortype', 'torch.setdefaulttensortype(name)', 'Sets the type torch.Tensor and the constructors make, e.g. "torch.FloatTensor".')
doc('torch.getdefaulttensortype', 'torch.getdefaulttensortype()', 'The name of the default tensor type.')
doc('torch.save', 'torch.save(filename, object [, format])', 'Writes object to a file (format "binary" (default) or "ascii").')
doc('torch.load', 'torch.load(filename [, format])', 'Reads an object written by torch.save.')
doc('torch.serialize', 'torch.serialize(object [, format])', 'The object serialized to a string.')
doc('torch.deserialize', 'torch.deserialize(str [, format])', 'The object of a string made by torch.serialize.')
doc('torch.tic', 'torch.tic()', 'The current time, for torch.toc.')
doc('torch.toc', 'torch.toc(t)', 'Seconds elapsed since t = torch.tic().')
doc('torch.setnumthreads', 'torch.setnumthreads(n)', 'Number of threads used by the parallel loops and BLAS.')
doc('torch.getnumthreads', 'torch.getnumthreads()', 'Number of threads used by the parallel loops and BLAS.')
doc('torch.setprintoptions', 'torch.setprintoptions{precision=, threshold=, edgeitems=, linewidth=}', 'How tensors print; large tensors print as a summary.')
doc('torch.printfull', 'torch.printfull(x)', 'Prints a tensor in full, whatever its size.')
doc('torch.isequal', 'torch.isequal(a, b)', 'True when a and b have the same type, sizes and elements.')

-- ---- the rest of torch.*, one line each: {name, usage, description} ------
for _, e in ipairs({
  { 'addbmm', '[res] torch.addbmm([res,] [v1,] M, [v2,] b1, b2)', 'v1 * M + v2 * (sum over i of b1[i] x b2[i]) for 3D batches b1, b2.' },
  { 'baddbmm', '[res] torch.baddbmm([res,] [v1,] M, [v2,] b1, b2)', 'Batched: res[i] = v1 * M[i] + v2 * (b1[i] x b2[i]).' },
  { 'addcdiv', '[res] torch.addcdiv([res,] x, [value,] t1, t2)', 'x + value * t1 / t2, element-wise.' },
  { 'addcmul', '[res] torch.addcmul([res,] x, [value,] t1, t2)', 'x + value * t1 * t2, element-wise.' },
  { 'addmv', '[res] torch.addmv([res,] [v1,] vec, [v2,] M, x)', 'v1 * vec + v2 * (M x x).' },
  { 'addr', '[res] torch.addr([res,] [v1,] M, [v2,] x, y)', 'v1 * M + v2 * (outer product of x and y).' },
  { 'all', 'torch.all(x)', 'True when every element of the ByteTensor x is non-zero.' },
  { 'any', 'torch.any(x)', 'True when some element of the ByteTensor x is non-zero.' },
  { 'atan2', '[res] torch.atan2([res,] y, x)', 'Element-wise arc tangent of y / x, in the quadrant of (x, y).' },
  { 'bernoulli', 'torch.bernoulli([gen,] [p])', 'A random 0 or 1, 1 with probability p (default 0.5).' },
  { 'bhistc', '[res] torch.bhistc([res,] x [, nbins, min, max])', 'Histogram of each row of the 2D tensor x.' },
  { 'bitand', '[res] torch.bitand([res,] x, value)', 'Bitwise and of each element of an integer tensor with value.' },
  { 'bitor', '[res] torch.bitor([res,] x, value)', 'Bitwise or of each element of an integer tensor with value.' },
  { 'bitxor', '[res] torch.bitxor([res,] x, value)', 'Bitwise xor of each element of an integer tensor with value.' },
  { 'cbitand', '[res] torch.cbitand([res,] x, y)', 'Element-wise bitwise and of integer tensors.' },
  { 'cbitor', '[res] torch.cbitor([res,] x, y)', 'Element-wise bitwise or of integer tensors.' },
  { 'cbitxor', '[res] torch.cbitxor([res,] x, y)', 'Element-wise bitwise xor of integer tensors.' },
  { 'cauchy', 'torch.cauchy([gen,] [median, sigma])', 'A Cauchy-distributed random number.' },
  { 'cfmod', '[res] torch.cfmod([res,] x, y)', 'Element-wise C fmod of x by y (the sign of x).' },
  { 'chunk', 'torch.chunk([result,] x, n [, dim])', 'Splits x into n nearly equal views along dim (default: first); returns a table.' },
  { 'clshift', '[res] torch.clshift([res,] x, y)', 'Element-wise left shift of x by y.' },
  { 'crshift', '[res] torch.crshift([res,] x, y)', 'Element-wise right shift of x by y.' },
  { 'lshift', '[res] torch.lshift([res,] x, n)', 'Each element of x shifted left by n bits.' },
  { 'rshift', '[res] torch.rshift([res,] x, n)', 'Each element of x shifted right by n bits.' },
  { 'cmax', '[res] torch.cmax([res,] x, y | value)', 'Element-wise maximum of x and y (or a number).' },
  { 'cmin', '[res] torch.cmin([res,] x, y | value)', 'Element-wise minimum of x and y (or a number).' },
  { 'cmod', '[res] torch.cmod([res,] x, y)', 'Element-wise fmod of x by y.' },
  { 'cremainder', '[res] torch.cremainder([res,] x, y)', 'Element-wise remainder of x by y (the sign of y).' },
  { 'cpow', '[res] torch.cpow([res,] x, y)', 'Element-wise x to the power y.' },
  { 'csub', '[res] torch.csub([res,] x, [value,] y)', 'x - value * y (or x - value).' },
  { 'conv2', '[res] torch.conv2([res,] x, k [, "V" | "F"])', '2D convolution of x with kernel k, valid (default) or full.' },
  { 'conv3', '[res] torch.conv3([res,] x, k [, "V" | "F"])', '3D convolution of x with kernel k, valid (default) or full.' },
  { 'xcorr2', '[res] torch.xcorr2([res,] x, k [, "V" | "F"])', '2D cross-correlation of x with kernel k.' },
  { 'xcorr3', '[res] torch.xcorr3([res,] x, k [, "V" | "F"])', '3D cross-correlation of x with kernel k.' },
  { 'cross', '[res] torch.cross([res,] a, b [, dim])', 'Cross product of 3-vectors along dim (default: the first of size 3).' },
  { 'eq', '[res] torch.eq([res,] x, y | value)', 'ByteTensor: 1 where x == y.' },
  { 'ne', '[res] torch.ne([res,] x, y | value)', 'ByteTensor: 1 where x ~= y.' },
  { 'lt', '[res] torch.lt([res,] x, y | value)', 'ByteTensor: 1 where x < y.' },
  { 'le', '[res] torch.le([res,] x, y | value)', 'ByteTensor: 1 where x <= y.' },
  { 'gt', '[res] torch.gt([res,] x, y | value)', 'ByteTensor: 1 where x > y.' },
  { 'ge', '[res] torch.ge([res,] x, y | value)', 'ByteTensor: 1 where x >= y.' },
  { 'equal', 'torch.equal(x, y)', 'True when x and y have the same size and elements.' },
  { 'expand', 'torch.expand(x, m [, n, ...])', 'A view of x with singleton dimensions repeated (stride 0).' },
  { 'expandAs', 'torch.expandAs(x, y)', 'x expanded to the size of y.' },
  { 'exponential', 'torch.exponential([gen,] lambda)', 'An exponentially distributed random number.' },
  { 'geometric', 'torch.geometric([gen,] p)', 'A geometrically distributed random integer.' },
  { 'logNormal', 'torch.logNormal([gen,] [mean, stdv])', 'A log-normally distributed random number.' },
  { 'fill', '[res] torch.fill([res,] x, value)', 'Fills x with value.' },
  { 'zero', 'torch.zero(x)', 'Fills x with zeros.' },
  { 'fmod', '[res] torch.fmod([res,] x, value)', 'fmod of each element of x by value (the sign of x).' },
  { 'mod', '[res] torch.mod([res,] x, value)', 'Same as torch.fmod.' },
  { 'remainder', '[res] torch.remainder([res,] x, value)', 'Remainder of each element of x by value (the sign of value).' },
  { 'gather', '[res] torch.gather([res,] x, dim, index)', 'res[i][j] = x[index[i][j]][j] for dim 1 (and likewise for other dims).' },
  { 'scatter', 'x:scatter(dim, index, src | value)', 'Writes src (or value) into x at the positions given by index along dim.' },
  { 'index', '[res] torch.index([res,] x, dim, index)', 'The slices of x along dim listed in the LongTensor index (a copy).' },
  { 'indexAdd', 'x:indexAdd(dim, index, src)', 'Adds the slices of src to x at the positions index along dim.' },
  { 'indexCopy', 'x:indexCopy(dim, index, src)', 'Copies the slices of src into x at the positions index along dim.' },
  { 'indexFill', 'x:indexFill(dim, index, value)', 'Fills the slices of x listed in index along dim with value.' },
  { 'gels', '[X] torch.gels([X,] B, A)', 'Least-squares (or minimum-norm) solution of A X = B.' },
  { 'geqrf', '[a, tau] torch.geqrf([a, tau,] A)', 'QR factorisation in LAPACK form (see orgqr, ormqr).' },
  { 'orgqr', '[Q] torch.orgqr([Q,] a, tau)', 'The Q of a QR factorisation from geqrf.' },
  { 'ormqr', '[res] torch.ormqr([res,] a, tau, C [, side, trans])', 'Multiplies C by the Q of geqrf without forming it.' },
  { 'qr', '[Q, R] torch.qr([Q, R,] A)', 'QR decomposition A = Q R.' },
  { 'potrf', '[U] torch.potrf([U,] A [, "U" | "L"])', 'Cholesky factor of the positive definite matrix A.' },
  { 'potri', '[inv] torch.potri([inv,] U [, "U" | "L"])', 'Inverse of A from its Cholesky factor.' },
  { 'potrs', '[X] torch.potrs([X,] B, U [, "U" | "L"])', 'Solves A X = B from the Cholesky factor of A.' },
  { 'pstrf', '[U, piv] torch.pstrf([U, piv,] A [, "U" | "L"] [, tol])', 'Cholesky factorisation with pivoting.' },
  { 'trtrs', '[X] torch.trtrs([X,] B, A [, uplo, trans, diag])', 'Solves A X = B for triangular A.' },
  { 'histc', '[res] torch.histc([res,] x [, nbins, min, max])', 'Histogram of x with nbins (default 100) bins over [min, max].' },
  { 'kthvalue', '[y, i] torch.kthvalue([y, i,] x, k [, dim])', 'The k-th smallest element along dim, with its index.' },
  { 'mode', '[y, i] torch.mode([y, i,] x [, dim])', 'The most frequent value along dim, with its index.' },
  { 'lerp', '[res] torch.lerp([res,] a, b, weight)', 'Linear interpolation a + weight * (b - a).' },
  { 'multinomial', '[res] torch.multinomial([res,] [gen,] p, n [, replacement])', 'n indices drawn from the distribution(s) p.' },
  { 'multinomialAliasSetup', 'torch.multinomialAliasSetup(p [, state])', 'Tables for fast sampling with multinomialAlias.' },
  { 'multinomialAliasSetup_', 'torch.multinomialAliasSetup_(p, state)', 'multinomialAliasSetup writing into state.' },
  { 'multinomialAlias', 'torch.multinomialAlias([res,] state)', 'Samples using the tables of multinomialAliasSetup.' },
  { 'multinomialAlias_', 'torch.multinomialAlias_(res, state)', 'multinomialAlias writing into res.' },
  { 'nonzero', '[res] torch.nonzero([res,] x)', 'LongTensor of the indices (one row each) of the non-zero elements of x.' },
  { 'numel', 'torch.numel(x)', 'The number of elements of x.' },
  { 'permute', 'torch.permute(x, d1, d2, ...)', 'A view of x with its dimensions reordered.' },
  { 'renorm', '[res] torch.renorm([res,] x, p, dim, maxnorm)', 'Each slice along dim rescaled so that its p-norm is at most maxnorm.' },
  { 'repeatTensor', '[res] torch.repeatTensor([res,] x, m [, n, ...])', 'x tiled m (n, ...) times along each dimension.' },
  { 'split', 'torch.split([result,] x, size [, dim])', 'Views of x of the given size along dim (the last may be smaller); a table.' },
  { 'squeeze', '[res] torch.squeeze([res,] x [, dim])', 'x without its singleton dimensions (or only dim).' },
  { 'tril', '[res] torch.tril([res,] x [, k])', 'The lower triangle of the matrix x (below diagonal k).' },
  { 'triu', '[res] torch.triu([res,] x [, k])', 'The upper triangle of the matrix x (above diagonal k).' },
  { 'view', '[res] torch.view([res,] x, m [, n, ...])', 'A view of x with another size.' },
  { 'viewAs', '[res] torch.viewAs([res,] x, y)', 'A view of x with the size of y.' },
  { 'totable', 'torch.totable(x)', 'The elements of a tensor or storage as nested Lua tables.' },
  { 'tostringfull', 'torch.tostringfull(x)', 'The string of a tensor in full, with no summary.' },
  { 'getprintoptions', 'torch.getprintoptions()', 'The current printing options (see setprintoptions).' },
  { 'isStorage', 'torch.isStorage(obj)', 'True when obj is a storage of any type.' },
  { 'isTypeOf', 'torch.isTypeOf(obj, name | class)', 'True when obj is of that class or a subclass.' },
  { 'isatty', 'torch.isatty(file)', 'True when the Lua file is a terminal.' },
  { 'getmetatable', 'torch.getmetatable(name)', 'The method table of a class, e.g. "torch.FloatTensor".' },
  { 'setmetatable', 'torch.setmetatable(table, name)', 'Makes a table an instance of the class name.' },
  { 'newmetatable', 'torch.newmetatable(name, parent, ...)', 'Low-level class creation used by torch.class.' },
  { 'metatype', 'torch.metatype(name, mt [, ctype])', 'Registers an FFI ctype as the torch class name.' },
  { 'getconstructortable', 'torch.getconstructortable(name)', 'The callable table that constructs the class name.' },
  { 'factory', 'torch.factory(name)', 'A function creating an empty instance of the class name.' },
  { 'pointer', 'torch.pointer(obj)', 'The address of an object, as a number.' },
  { 'pushudata', 'torch.pushudata(ptr, name)', 'Wraps a raw pointer as an object of the class name.' },
  { 'version', 'torch.version(obj)', 'The class version of obj, for serialization.' },
  { 'typename_of_dtype', 'torch.typename_of_dtype(d)', 'The tensor class name of an engine dtype code.' },
  { 'getnumcores', 'torch.getnumcores()', 'The number of processor cores.' },
  { 'getenv', 'torch.getenv(f)', 'The environment (fenv) of function f.' },
  { 'setenv', 'torch.setenv(f, env)', 'Sets the environment (fenv) of function f.' },
  { 'include', 'torch.include(pkg, file)', 'Runs file from package pkg\'s directory.' },
  { 'packageLuaPath', 'torch.packageLuaPath(name)', 'The directory of the Lua package name.' },
  { 'match', 'torch.match(x, y [, gain])', 'Matrix of squared distances (times gain) between the rows of x and y.' },
  { 'setheaptracking', 'torch.setheaptracking(enabled)', 'Accepted for compatibility; the engine tracks its memory itself.' },
  { 'updateerrorhandlers', 'torch.updateerrorhandlers()', 'Accepted for compatibility (errors need no per-thread handlers).' },
  { 'updatethreadlocals', 'torch.updatethreadlocals()', 'Accepted for compatibility.' },
}) do
  if D['torch.' .. e[1]] == nil then doc('torch.' .. e[1], e[2], e[3]) end
end

return D
