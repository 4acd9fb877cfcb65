-- torch/print.lua: tostring() and print() of tensors and storages.
--
-- The output is Torch7's, byte for byte (API.md section 4): the values go
-- through a contiguous double copy, one format is chosen from all of them
-- (integer `%<w>d`, fixed `%<w>.4f` with an optional `<scale> *` line, or
-- `%11.4e`/`%12.4e`; `%f` once a NaN is present), 1D tensors and storages
-- print one value per line, 2D tensors wrap at 80 columns into
-- `Columns a to b` chunks, and ND tensors print one `(i,j,.,.) = ` slice
-- per combination of leading indices, the first index varying fastest.
-- The footer names the original type: `[torch.FloatTensor of size 2x3]`.
--
-- Beyond Torch7, large tensors are summarised as numpy does: above
-- `threshold` elements (default 1000) only the first and last `edgeitems`
-- (default 3) rows, columns and leading-dimension slices are shown, with
-- `...` in place of the rest. The format is still chosen from every
-- element and the footer still gives the full size. To see everything:
--
--   torch.printfull(t)                          -- print one tensor in full
--   torch.setprintoptions{threshold = math.huge} -- never summarise
--   torch.setprintoptions{edgeitems = 5}         -- wider summaries
--   torch.getprintoptions()                     -- a copy of the options

local ffi = require 'ffi'
local C = torch._C

local floor, ceil, log10, abs, min, huge = math.floor, math.ceil, math.log10, math.abs, math.min, math.huge
local sformat, concat = string.format, table.concat
local double_ptr = ffi.typeof('double*')

local DEFAULTS = { threshold = 1000, edgeitems = 3 }
local options = { threshold = DEFAULTS.threshold, edgeitems = DEFAULTS.edgeitems }

---------------------------------------------------------------------------
-- The format rule

-- Torch7's decimal exponent of a magnitude: floor(log10(v)) + 1, and 1 for
-- zero (so 0.5 -> 0, 5 -> 1, 123456 -> 6; inf stays inf).
local function exponent(v)
  if v == 0 then return 1 end
  return floor(log10(v)) + 1
end

-- One pass over n > 0 doubles at p. Returns a format record:
--   fmt    the element format for string.format;
--   scale  the divisor printed as `<scale> *`, or nil;
--   width  the field width, or nil when a NaN forced `%f` (Torch7's width
--          is then NaN, which disables column wrapping).
local function choose_format(p, n)
  local int_mode, lo, hi = true, huge, 0
  for i = 0, n - 1 do
    local x = p[i]
    -- NaN fails the integer test and poisons min/max: Torch7 ends up with
    -- a format like "%nan.4f" and replaces it by "%f".
    if x ~= x then return { fmt = '%f' } end
    if int_mode and x ~= ceil(x) then int_mode = false end
    if x < 0 then x = -x end
    if x < lo then lo = x end
    if x > hi then hi = x end
  end
  local emin, emax = exponent(lo), exponent(hi)
  if int_mode then
    -- ±inf counts as an integer and lands here with emax = inf
    if emax > 9 then return { fmt = '%11.4e', width = 11 } end
    return { fmt = '%' .. (emax + 1) .. 'd', width = emax + 1 }
  end
  if emax - emin > 4 then
    if abs(emax) > 99 or abs(emin) > 99 then return { fmt = '%12.4e', width = 12 } end
    return { fmt = '%11.4e', width = 11 }
  end
  if emax > 5 or emax < 0 then
    return { fmt = '%7.4f', width = 7, scale = 10 ^ (emax - 1) }
  end
  local w = emax == 0 and 7 or emax + 6
  return { fmt = '%' .. w .. '.4f', width = w }
end

local function cell(F, v)
  if F.scale then v = v / F.scale end
  return sformat(F.fmt, v)
end

local function scale_line(F)
  return sformat('%g', F.scale) .. ' *\n'
end

---------------------------------------------------------------------------
-- Layout. `buf` collects pieces; `view` is { summarize =, edge = }.

-- The 1-based indices shown along a dimension of `size`, with `false`
-- marking the elided middle when summarising.
local function picks(size, view)
  local r = {}
  local e = view.edge
  if view.summarize and size > 2 * e then
    for i = 1, e do r[i] = i end
    r[e + 1] = false
    for i = 1, e do r[e + 1 + i] = size - e + i end
  else
    for i = 1, size do r[i] = i end
  end
  return r
end

-- 1D tensors and storages: one value per line, the scale line first.
local function put_vector(buf, p, n, F, view)
  if F.scale then buf[#buf + 1] = scale_line(F) end
  for _, i in ipairs(picks(n, view)) do
    buf[#buf + 1] = i and cell(F, p[i - 1]) .. '\n' or '...\n'
  end
end

-- First and last real column index among cols[a..b] (skipping the gap).
local function column_range(cols, a, b)
  local first, last
  for k = a, b do
    if cols[k] then
      first = first or cols[k]
      last = cols[k]
    end
  end
  return first or '...', last or '...'
end

-- A (nrow, ncol) row-major matrix at p + off. Rows are prefixed by
-- `indent`, plus one space under a scale. Torch7 indents the `Columns`
-- header of the first chunk only; we keep that quirk.
local function put_matrix(buf, p, off, nrow, ncol, indent, F, view)
  local rows, cols = picks(nrow, view), picks(ncol, view)
  local ncols = #cols
  local per_line = ncols
  if F.width then per_line = floor((80 - #indent) / (F.width + 1)) end
  if per_line < 1 then per_line = 1 end
  local wrap = per_line < ncols
  local prefix = indent .. (F.scale and ' ' or '')
  local line = {}
  for c0 = 1, ncols, per_line do
    local c1 = min(c0 + per_line - 1, ncols)
    if wrap then
      buf[#buf + 1] = c0 == 1 and indent or '\n'
      local a, b = column_range(cols, c0, c1)
      buf[#buf + 1] = 'Columns ' .. a .. ' to ' .. b .. '\n'
    end
    if F.scale then buf[#buf + 1] = indent .. scale_line(F) end
    for _, r in ipairs(rows) do
      if r then
        local base = off + (r - 1) * ncol - 1
        for k = c0, c1 do
          local c = cols[k]
          line[k - c0 + 1] = c and cell(F, p[base + c]) or '...'
        end
        buf[#buf + 1] = prefix .. concat(line, ' ', 1, c1 - c0 + 1) .. '\n'
      else
        buf[#buf + 1] = prefix .. '...\n'
      end
    end
  end
end

-- ND (nd >= 3) contiguous tensor: a `(i,j,.,.) = ` header and an indented
-- matrix per combination of the leading nd-2 indices, first index
-- fastest, blocks separated by an empty line. When summarising, each run
-- of elided combinations shows as a single `...` block.
local function put_slices(buf, p, sizes, F, view)
  local nd = #sizes
  local lead = nd - 2
  local nrow, ncol = sizes[nd - 1], sizes[nd]
  local stride = { [nd] = 1 }
  for d = nd - 1, 1, -1 do stride[d] = stride[d + 1] * sizes[d + 1] end
  local lists, pos = {}, {}
  for d = 1, lead do
    lists[d] = picks(sizes[d], view)
    pos[d] = 1
  end
  local first, last_was_gap = true, false
  local head = {}
  while true do
    local off, gap = 0, false
    for d = 1, lead do
      local i = lists[d][pos[d]]
      if not i then gap = true; break end
      off = off + (i - 1) * stride[d]
      head[d] = i
    end
    if not (gap and last_was_gap) then
      if not first then buf[#buf + 1] = '\n' end
      first = false
      if gap then
        buf[#buf + 1] = '...\n'
      else
        buf[#buf + 1] = '(' .. concat(head, ',', 1, lead) .. ',.,.) = \n'
        put_matrix(buf, p, off, nrow, ncol, ' ', F, view)
      end
    end
    last_was_gap = gap
    -- odometer step, first index fastest
    local d = 1
    while d <= lead do
      pos[d] = pos[d] + 1
      if pos[d] <= #lists[d] then break end
      pos[d] = 1
      d = d + 1
    end
    if d > lead then break end
  end
end

---------------------------------------------------------------------------
-- tostring

local function view_for(n, threshold)
  return { summarize = n > threshold, edge = options.edgeitems }
end

local function tensor_tostring(self, threshold)
  local t = self._c
  local name = torch.typename(self)
  if t.ndim == 0 then return '[' .. name .. ' with no dimension]\n' end
  local sizes = {}
  for d = 1, t.ndim do sizes[d] = tonumber(t.size[d - 1]) end
  local footer = '[' .. name .. ' of size ' .. concat(sizes, 'x') .. ']\n'
  local n = tonumber(C.tl_tensor_numel(t))
  if n == 0 then return footer end

  -- x owns the doubles p points into; it is used again at the end so the
  -- collector cannot free it while we read p.
  local x = self:double():contiguous()
  local p = ffi.cast(double_ptr, C.tl_tensor_data(x._c))
  local F = choose_format(p, n)
  local view = view_for(n, threshold or options.threshold)
  local buf = {}
  if #sizes == 1 then
    put_vector(buf, p, n, F, view)
  elseif #sizes == 2 then
    put_matrix(buf, p, 0, sizes[1], sizes[2], '', F, view)
  else
    put_slices(buf, p, sizes, F, view)
  end
  buf[#buf + 1] = footer
  local s = concat(buf)
  if x._c == nil then error('tostring: tensor lost its data') end
  return s
end

local function storage_tostring(self, threshold)
  local n = tonumber(self._c.size)
  local footer = '[' .. torch.typename(self) .. ' of size ' .. n .. ']\n'
  if n == 0 then return footer end
  local src = self
  if self._c.dtype ~= 6 then src = torch.DoubleStorage(n):copy(self) end
  local p = ffi.cast(double_ptr, src._c.data)
  local F = choose_format(p, n)
  local buf = {}
  put_vector(buf, p, n, F, view_for(n, threshold or options.threshold))
  buf[#buf + 1] = footer
  local s = concat(buf)
  if src._c == nil then error('tostring: storage lost its data') end
  return s
end

local function tostring_tensor_default(self) return tensor_tostring(self) end
local function tostring_storage_default(self) return storage_tostring(self) end

for d = 0, 7 do
  local M, S = torch._mts[d], torch._storage_mts[d]
  M.__tostring, M.__tostring__ = tostring_tensor_default, tostring_tensor_default
  S.__tostring, S.__tostring__ = tostring_storage_default, tostring_storage_default
end

---------------------------------------------------------------------------
-- Options and printfull

-- torch.setprintoptions{threshold = n, edgeitems = k}: every field is
-- optional; all are checked before any is applied.
function torch.setprintoptions(opts)
  if type(opts) ~= 'table' then
    error('setprintoptions: expected a table of options, got ' .. torch.type(opts), 2)
  end
  for k, v in pairs(opts) do
    if k == 'threshold' then
      if type(v) ~= 'number' or v ~= v or v < 0 then
        error('setprintoptions: threshold must be a number >= 0 (math.huge: never summarise), got '
              .. tostring(v), 2)
      end
    elseif k == 'edgeitems' then
      if type(v) ~= 'number' or v < 1 or v ~= floor(v) or v == huge then
        error('setprintoptions: edgeitems must be an integer >= 1, got ' .. tostring(v), 2)
      end
    else
      error("setprintoptions: unknown option '" .. tostring(k) .. "' (expected threshold or edgeitems)", 2)
    end
  end
  for k, v in pairs(opts) do options[k] = v end
end

-- A copy of the current options; torch.setprintoptions(torch.getprintoptions())
-- restores them. torch.getprintoptions(true) gives the defaults instead.
function torch.getprintoptions(defaults)
  local src = defaults and DEFAULTS or options
  return { threshold = src.threshold, edgeitems = src.edgeitems }
end

-- The full text of a tensor or storage, never summarised.
function torch.tostringfull(x)
  local _, kind = torch._dtype_of(x)
  if kind == 'tensor' then return tensor_tostring(x, huge) end
  if kind == 'storage' then return storage_tostring(x, huge) end
  error('printfull: expected a tensor or a storage, got ' .. torch.type(x), 2)
end

function torch.printfull(x)
  local _, kind = torch._dtype_of(x)
  if not kind then error('printfull: expected a tensor or a storage, got ' .. torch.type(x), 2) end
  print(torch.tostringfull(x))
end
