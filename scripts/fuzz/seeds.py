"""Writes the fuzz seeds from the models in FOLDER (see make_seeds) into the repository ROOT.

Usage: python3 seeds.py FOLDER ROOT
"""

import gzip
import os
import random
import struct
import sys

folder, root = sys.argv[1], sys.argv[2]
core = os.path.join(root, "whittle-core/src/test/resources/dev/whittle")
onnx = os.path.join(root, "whittle-onnx/src/test/resources/dev/whittle/onnx")
# .wtl encoding tag -> CodecFuzzTest selector (sparse, quant, codebook, sparse quant)
CODEC = {3: 0, 4: 1, 5: 2, 6: 3}
SEPARATOR = b"\n--whittle-part--\n"  # IdxFuzzTest.SEPARATOR


def sections(b):
    assert b[:8] == b"WHITTLE\0"
    p = 12
    while p < len(b):
        tag, n = b[p:p + 4], struct.unpack("<Q", b[p + 4:p + 12])[0]
        yield tag, b[p + 12:p + 12 + n]
        p += 12 + n + 4


def tensors(s):
    count, p = struct.unpack("<I", s[:4])[0], 4
    for _ in range(count):
        n = struct.unpack("<I", s[p:p + 4])[0]
        name = s[p + 4:p + 4 + n].decode()
        p += 4 + n
        enc, rank = struct.unpack("<H", s[p:p + 2])[0], s[p + 2]
        p += 3
        dims = struct.unpack("<%dI" % rank, s[p:p + 4 * rank])
        p += 4 * rank
        n = struct.unpack("<Q", s[p:p + 8])[0]
        yield name, enc, dims, s[p + 8:p + 8 + n]
        p += 8 + n


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


for m in ["dense", "sparse", "quant", "sparsequant", "codebook", "conv", "dyn", "bin"]:
    b = open(os.path.join(folder, m + ".wtl"), "rb").read()
    write(f"{core}/io/WtlFuzzTestInputs/model/{m}.wtl", b)
    for tag, s in sections(b):
        if tag == b"TENS":
            for name, enc, dims, payload in tensors(s):
                if enc in CODEC:
                    elements = 1
                    for d in dims:
                        elements *= d
                    write(f"{core}/io/CodecFuzzTestInputs/codecs/{m}-{name}.bin",
                          bytes([CODEC[enc]]) + struct.pack("<I", elements) + payload)
for m in ["dense", "conv", "quant", "dyn"]:
    write(f"{onnx}/OnnxFuzzTestInputs/model/{m}.onnx",
          open(os.path.join(folder, m + ".onnx"), "rb").read())


def images(n, rows, cols, seed):
    r = random.Random(seed)
    return struct.pack(">IIII", 0x803, n, rows, cols) + bytes(
        r.randrange(256) for _ in range(n * rows * cols))


def labels(n, classes, seed):
    r = random.Random(seed)
    return struct.pack(">II", 0x801, n) + bytes(r.randrange(classes) for _ in range(n))


idx = f"{core}/data/IdxFuzzTestInputs/folder"
parts = [images(6, 4, 4, 1), labels(6, 3, 2), images(3, 4, 4, 3), labels(3, 3, 4)]
write(f"{idx}/raw-4x4.bin", SEPARATOR.join(parts))
write(f"{idx}/gzip-4x4.bin", SEPARATOR.join(gzip.compress(p, mtime=0) for p in parts))
write(f"{idx}/raw-2x3.bin",
      SEPARATOR.join([images(4, 2, 3, 5), labels(4, 2, 6), images(2, 2, 3, 7), labels(2, 2, 8)]))
csv = f"{core}/data/CsvFuzzTestInputs/csv"  # first byte: CsvFuzzTest's reading mode
write(f"{csv}/header-label.csv", b"\x00a,b,c,label\n0.5,1,-2,0\n1e-3,2.5,3,1\n0,0,0,2\n")
write(f"{csv}/no-header.csv", b"\x011,2,3,0\n4,5,6,1\n\n7,8,9,1\n")
write(f"{csv}/auto-index.csv", b"\x02x1,x2,y\r\n0.25,-1.5e2,1\r\n3,4,0\r\n")
write(f"{csv}/gzip.csv", b"\x00" + gzip.compress(b"f0,f1,label\n1,2,0\n3,4,1\n", mtime=0))
