"""Draws images/icon.png (128x128): the extension and task icon. Run: python3 scripts/make-icon.py"""
import struct
import zlib
from pathlib import Path

import numpy as np

SIZE = 128
y, x = np.mgrid[0:SIZE, 0:SIZE].astype(float) + 0.5
image = np.zeros((SIZE, SIZE, 4), dtype=np.uint8)

# Rounded square in Azure blue.
radius = 22
inside = np.ones((SIZE, SIZE), dtype=bool)
for cx, cy in [(radius, radius), (SIZE - radius, radius), (radius, SIZE - radius), (SIZE - radius, SIZE - radius)]:
    corner = ((x < radius) if cx == radius else (x > SIZE - radius)) & ((y < radius) if cy == radius else (y > SIZE - radius))
    inside &= ~corner | ((x - cx) ** 2 + (y - cy) ** 2 <= radius**2)
image[inside] = (0, 120, 212, 255)

# A rising pipeline of three nodes joined by a line: train -> test -> production.
nodes = [(34, 86), (64, 58), (94, 34)]
for (x0, y0), (x1, y1) in zip(nodes, nodes[1:]):
    t = np.clip(((x - x0) * (x1 - x0) + (y - y0) * (y1 - y0)) / ((x1 - x0) ** 2 + (y1 - y0) ** 2), 0, 1)
    distance = np.hypot(x - (x0 + t * (x1 - x0)), y - (y0 + t * (y1 - y0)))
    image[(distance <= 4) & inside] = (255, 255, 255, 255)
for index, (cx, cy) in enumerate(nodes):
    disc = np.hypot(x - cx, y - cy)
    image[disc <= 13] = (255, 255, 255, 255)
    image[disc <= 8] = (80, 230, 140, 255) if index == len(nodes) - 1 else (0, 120, 212, 255)


def png(pixels: np.ndarray) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + row.tobytes() for row in pixels)
    header = struct.pack(">IIBBBBB", pixels.shape[1], pixels.shape[0], 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


Path(__file__).resolve().parent.parent.joinpath("images", "icon.png").write_bytes(png(image))
