#!/usr/bin/env python3
"""make_fixtures.py: writes the small PNG and Netpbm fixtures used by
tests/test_image_io.lua, with a minimal PNG writer of our own (zlib +
struct), so that every colour type and bit depth has a file whose pixel
values are known by formula.

Sample value at channel c, row y, column x of a W x H image with bit depth
b: (7x + 13y + 29c + 3) mod 2^b. Palette images use index (x + 2y) mod 2^b
into colours (40i, 70i, 100i) mod 256, with alpha (50i + 5) mod 256 when
they carry tRNS. Run from this directory: python3 make_fixtures.py
"""
import struct
import zlib

W, H = 5, 3


def sample(c, y, x, bits):
    return (7 * x + 13 * y + 29 * c + 3) % (1 << bits)


def chunk(kind, data):
    body = kind + data
    return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body) & 0xffffffff)


def pack_row(values, bits):
    if bits == 16:
        return b''.join(struct.pack('>H', v) for v in values)
    if bits == 8:
        return bytes(values)
    out, acc, n = bytearray(), 0, 0
    for v in values:
        acc = (acc << bits) | v
        n += bits
        if n == 8:
            out.append(acc)
            acc, n = 0, 0
    if n:
        out.append(acc << (8 - n))
    return bytes(out)


def png(path, ctype, bits, channels, trns=False, width=W, height=H, raw=None):
    ihdr = struct.pack('>IIBBBBB', width, height, bits, ctype, 0, 0, 0)
    rows = b''
    if raw is None:
        for y in range(height):
            vals = []
            for x in range(width):
                if ctype == 3:
                    vals.append((x + 2 * y) % (1 << bits))
                else:
                    vals.extend(sample(c, y, x, bits) for c in range(channels))
            rows += b'\x00' + pack_row(vals, bits)
    else:
        rows = raw
    data = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr)
    if ctype == 3:
        n = 1 << bits
        pal = b''.join(bytes([(40 * i) % 256, (70 * i) % 256, (100 * i) % 256]) for i in range(n))
        data += chunk(b'PLTE', pal)
        if trns:
            data += chunk(b'tRNS', bytes((50 * i + 5) % 256 for i in range(n)))
    data += chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b'')
    with open(path, 'wb') as f:
        f.write(data)


for bits in (1, 2, 4, 8, 16):
    png('gray%d.png' % bits, 0, bits, 1)
for bits in (8, 16):
    png('graya%d.png' % bits, 4, bits, 2)
    png('rgb%d.png' % bits, 2, bits, 3)
    png('rgba%d.png' % bits, 6, bits, 4)
for bits in (1, 2, 4, 8):
    png('pal%d.png' % bits, 3, bits, 1)
png('paltrns8.png', 3, 8, 1, trns=True)

# Hostile files: a header declaring 100000x100000 pixels, a corrupt IHDR
# CRC, and one whose compressed data is garbage.
png('huge.png', 0, 8, 1, width=100000, height=100000, raw=b'\x00' * 16)
with open('gray8.png', 'rb') as f:
    good = bytearray(f.read())
bad = bytearray(good)
bad[29] ^= 0xff          # last byte of the IHDR CRC
with open('badcrc.png', 'wb') as f:
    f.write(bad)
png('badzlib.png', 0, 8, 1, raw=b'\x00' * 16)
with open('badzlib.png', 'rb') as f:
    z = bytearray(f.read())
i = z.index(b'IDAT') + 4
z[i:i + 4] = b'\xde\xad\xbe\xef'
body = bytes(z[i - 4:i + struct.unpack('>I', bytes(z[i - 8:i - 4]))[0]])
z[i + len(body) - 4:i + len(body)] = struct.pack('>I', zlib.crc32(body) & 0xffffffff)
with open('badzlib.png', 'wb') as f:
    f.write(z)


def pnm(path, magic, channels, maxval, binary, bits=8):
    vals = [[sample(c, y, x, bits) % (maxval + 1) for x in range(W) for c in range(channels)]
            for y in range(H)]
    head = ('%s\n# a comment\n%d %d\n' % (magic, W, H)).encode()
    if magic not in ('P1', 'P4'):
        head += ('%d\n' % maxval).encode()
    body = b''
    for row in vals:
        if magic == 'P4':
            body += pack_row(row, 1)
        elif binary:
            body += b''.join(struct.pack('>H', v) if maxval > 255 else bytes([v]) for v in row)
        else:
            body += (' '.join(str(v) for v in row) + '\n').encode()
    with open(path, 'wb') as f:
        f.write(head + body)


pnm('p1.pbm', 'P1', 1, 1, False, bits=1)
pnm('p4.pbm', 'P4', 1, 1, True, bits=1)
pnm('p2.pgm', 'P2', 1, 255, False)
pnm('p5.pgm', 'P5', 1, 255, True)
pnm('p3.ppm', 'P3', 3, 255, False)
pnm('p6.ppm', 'P6', 3, 255, True)
pnm('p6_16.ppm', 'P6', 3, 65535, True, bits=16)
with open('truncated.ppm', 'wb') as f:
    f.write(b'P6\n5 3\n255\n' + bytes(20))
with open('hugehdr.ppm', 'wb') as f:
    f.write(b'P6\n100000 100000\n255\n' + bytes(20))
with open('empty.png', 'wb') as f:
    pass
with open('notanimage.png', 'wb') as f:
    f.write(b'hello, this is text, not a picture\n' * 4)
