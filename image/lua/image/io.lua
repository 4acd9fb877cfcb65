-- image/io.lua: load/save, getSize and the PNG, JPEG and Netpbm codecs
-- (files and in-memory ByteTensors). Decoding happens in C
-- (image/src/img_png.c, img_jpeg.c, img_ppm.c); this file picks formats,
-- tensor types and Torch7's depth conversions.
local ffi = require 'ffi'
local image = image
local C = image._C
local U = require 'image.util'
local fail, check, is_tensor = U.fail, U.check, U.is_tensor
local need_image, need_number, chw = U.need_image, U.need_number, U.chw
local new_like, same_storage = U.new_like, U.same_storage

-- ---- types --------------------------------------------------------------

local type2class = {byte = 'torch.ByteTensor', float = 'torch.FloatTensor',
                    double = 'torch.DoubleTensor'}

local function new_tensor(fn, tensortype)
  if tensortype == nil then return torch.Tensor() end
  local cls = type2class[tensortype]
  if not cls then fail(fn, "tensor type must be 'byte', 'float' or 'double' (got " ..
                       tostring(tensortype) .. ')', 3) end
  return torch.getmetatable(cls).new()
end

-- Byte copy of a tensor for the encoders: Byte as is, others clamped to
-- [0,1] and scaled to 0..255 with rounding.
local function to_bytes(t)
  if torch.typename(t) == 'torch.ByteTensor' then return t end
  local c, h, w = chw(t)
  local b = c == 0 and torch.ByteTensor(h, w) or torch.ByteTensor(c, h, w)
  check(C.tli_convert(b._c, t._c, 0, 1, 255), 'save')
  return b
end

-- Torch7's depth conversion after loading: 1 -> grey (1xHxW), 3 -> RGB.
local function todepth(fn, img, depth)
  if depth == nil then return img end
  local c = img:size(1)
  if depth == 1 then
    if c == 3 or c == 4 then
      return image.rgb2y(img:narrow(1, 1, 3))
    elseif c == 2 then
      return img:narrow(1, 1, 1)
    end
    return img
  elseif depth == 3 then
    if c == 3 then return img end
    if c == 4 then return img:narrow(1, 1, 3) end
    local rgb = img.new(3, img:size(2), img:size(3))
    for i = 1, 3 do rgb:select(1, i):copy(img:select(1, 1)) end
    return rgb
  end
  fail(fn, 'depth must be 1 or 3 (got ' .. tostring(depth) .. ')', 3)
end

local function need_path(fn, path)
  if type(path) ~= 'string' then
    fail(fn, 'file name must be a string (got ' .. type(path) .. ')', 3)
  end
  return path
end

local function need_bytes(fn, t)
  if torch.typename(t) ~= 'torch.ByteTensor' then
    fail(fn, 'input must be a ByteTensor holding the compressed image (got ' ..
         torch.type(t) .. ')', 3)
  end
  local data = t:contiguous()
  return data, ffi.cast('const uint8_t *', torch._C.tl_tensor_data(data._c)), data:nElement()
end

-- ---- PNG ---------------------------------------------------------------

function image.loadPNG(path, depth, tensortype)
  need_path('loadPNG', path)
  local t = new_tensor('loadPNG', tensortype)
  local bits = ffi.new('int32_t[1]')
  check(C.tli_png_decode(path, nil, 0, t._c, bits), 'loadPNG')
  return todepth('loadPNG', t, depth), bits[0]
end

function image.decompressPNG(bytes, depth, tensortype)
  local keep, ptr, n = need_bytes('decompressPNG', bytes)
  local t = new_tensor('decompressPNG', tensortype)
  local bits = ffi.new('int32_t[1]')
  check(C.tli_png_decode(nil, ptr, n, t._c, bits), 'decompressPNG')
  local _ = keep
  return todepth('decompressPNG', t, depth), bits[0]
end

function image.savePNG(path, t)
  need_path('savePNG', path)
  need_image('savePNG', t)
  check(C.tli_png_encode(to_bytes(t)._c, path, nil), 'savePNG')
end

function image.compressPNG(t)
  need_image('compressPNG', t)
  local out = torch.ByteTensor()
  check(C.tli_png_encode(to_bytes(t)._c, nil, out._c), 'compressPNG')
  return out
end

local function sizer(fn, cfun)
  return function(path)
    need_path(fn, path)
    local s = ffi.new('int64_t[3]')
    check(cfun(path, s), fn)
    return tonumber(s[0]), tonumber(s[1]), tonumber(s[2])
  end
end
image.getPNGsize = sizer('getPNGsize', C.tli_png_size)
image.getJPGsize = sizer('getJPGsize', C.tli_jpeg_size)
image.getPPMsize = sizer('getPPMsize', C.tli_ppm_size)

-- ---- JPEG --------------------------------------------------------------

function image.loadJPG(path, depth, tensortype)
  need_path('loadJPG', path)
  local t = new_tensor('loadJPG', tensortype)
  check(C.tli_jpeg_decode(path, nil, 0, t._c), 'loadJPG')
  return todepth('loadJPG', t, depth)
end

function image.decompressJPG(bytes, depth, tensortype)
  local keep, ptr, n = need_bytes('decompressJPG', bytes)
  local t = new_tensor('decompressJPG', tensortype)
  check(C.tli_jpeg_decode(nil, ptr, n, t._c), 'decompressJPG')
  local _ = keep
  return todepth('decompressJPG', t, depth)
end

local function jpeg_image(fn, t)
  need_image(fn, t)
  if t:dim() == 3 and t:size(1) == 4 then t = t:narrow(1, 1, 3) end
  return to_bytes(t)
end

function image.saveJPG(path, t, quality)
  need_path('saveJPG', path)
  check(C.tli_jpeg_encode(jpeg_image('saveJPG', t)._c, quality or 75, path, nil), 'saveJPG')
end

function image.compressJPG(t, quality)
  local b = jpeg_image('compressJPG', t)
  local out = torch.ByteTensor()
  check(C.tli_jpeg_encode(b._c, quality or 75, nil, out._c), 'compressJPG')
  return out
end

-- ---- PPM / PGM -----------------------------------------------------------

function image.loadPPM(path, depth, tensortype)
  need_path('loadPPM', path)
  local t = new_tensor('loadPPM', tensortype)
  check(C.tli_ppm_decode(path, t._c, nil), 'loadPPM')
  return todepth('loadPPM', t, depth)
end

function image.savePPM(path, t)
  need_path('savePPM', path)
  need_image('savePPM', t)
  if t:dim() ~= 3 or t:size(1) ~= 3 then fail('savePPM', 'can only save 3xHxW images as PPM') end
  check(C.tli_ppm_encode(to_bytes(t)._c, path), 'savePPM')
end

function image.savePGM(path, t)
  need_path('savePGM', path)
  need_image('savePGM', t)
  if t:dim() == 3 and t:size(1) ~= 1 then
    fail('savePGM', 'can only save 1xHxW or HxW images as PGM')
  end
  check(C.tli_ppm_encode(to_bytes(t)._c, path), 'savePGM')
end

-- ---- generic I/O ---------------------------------------------------------

local filetypes = {
  jpg = {loader = image.loadJPG, saver = image.saveJPG, sizer = image.getJPGsize},
  png = {loader = image.loadPNG, saver = image.savePNG, sizer = image.getPNGsize},
  ppm = {loader = image.loadPPM, saver = image.savePPM, sizer = image.getPPMsize},
  pgm = {loader = image.loadPPM, saver = image.savePGM, sizer = image.getPPMsize},
  pbm = {loader = image.loadPPM, sizer = image.getPPMsize},
}
filetypes.jpeg = filetypes.jpg
for _, k in ipairs {'jpg', 'jpeg', 'png', 'ppm', 'pgm', 'pbm'} do filetypes[k:upper()] = filetypes[k] end
image.supported_filetypes = filetypes

function image.is_supported(suffix)
  return filetypes[suffix] ~= nil
end

-- The format from the file's first bytes, else from its extension.
local function sniff(fn, path)
  local f, err = io.open(path, 'rb')
  if not f then fail(fn, err, 3) end
  local hdr = f:read(4) or ''
  f:close()
  if hdr:sub(1, 3) == '\255\216\255' then return 'jpg' end
  if hdr == '\137PNG' then return 'png' end
  if hdr:match('^P[14]') then return 'pbm' end
  if hdr:match('^P[25]') then return 'pgm' end
  if hdr:match('^P[36]') then return 'ppm' end
  local ext = path:match('%.(%a+)$')
  if not ext or not filetypes[ext] then
    fail(fn, "unknown image type of '" .. path .. "'", 3)
  end
  return ext
end

function image.load(path, depth, tensortype)
  need_path('load', path)
  return filetypes[sniff('load', path)].loader(path, depth, tensortype)
end

function image.getSize(path)
  need_path('getSize', path)
  return torch.LongTensor({filetypes[sniff('getSize', path)].sizer(path)})
end

function image.save(path, t)
  need_path('save', path)
  local ext = path:match('%.(%a+)$')
  if not ext or not filetypes[ext] or not filetypes[ext].saver then
    fail('save', "unknown image type (extension) of '" .. path .. "'")
  end
  return filetypes[ext].saver(path, t)
end

function image.decompress(bytes, depth, tensortype)
  if torch.typename(bytes) ~= 'torch.ByteTensor' then
    fail('decompress', 'input must be a ByteTensor (got ' .. torch.type(bytes) .. ')')
  end
  if bytes:nElement() >= 3 and bytes[1] == 0xFF and bytes[2] == 0xD8 and bytes[3] == 0xFF then
    return image.decompressJPG(bytes, depth, tensortype)
  elseif bytes:nElement() >= 4 and bytes[1] == 0x89 and bytes[2] == 0x50
      and bytes[3] == 0x4E and bytes[4] == 0x47 then
    return image.decompressPNG(bytes, depth, tensortype)
  end
  fail('decompress', 'input must be either jpg or png format')
end

return image
