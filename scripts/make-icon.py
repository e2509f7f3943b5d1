"""Draws the extension icon (images/icon.png) and one icon per task (images/tasks/<step>.png), 128x128.

Each task icon is a rounded square in its step's colour, the `branding` colour of actions/<step>/action.yml
(generated from the step manifest), with a glyph of what the step does. The drawing is deterministic.

    python3 scripts/make-icon.py           # writes the icons
    python3 scripts/make-icon.py --check   # fails when an icon on disk differs from what this draws
"""
import re
import struct
import sys
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SIZE = 128
WHITE = (255, 255, 255, 255)
y, x = np.mgrid[0:SIZE, 0:SIZE].astype(float) + 0.5

# GitHub's branding colours as the icons paint them (white glyphs stay readable on each).
COLOURS = {
    "blue": (0, 120, 212),
    "purple": (111, 66, 193),
    "green": (26, 127, 55),
    "orange": (207, 84, 0),
    "yellow": (176, 128, 0),
    "red": (191, 34, 48),
    "gray-dark": (36, 41, 46),
    "black": (0, 0, 0),
}


def rounded_square(radius: int = 22) -> np.ndarray:
    inside = np.ones((SIZE, SIZE), dtype=bool)
    for cx, cy in [(radius, radius), (SIZE - radius, radius), (radius, SIZE - radius), (SIZE - radius, SIZE - radius)]:
        corner = ((x < radius) if cx == radius else (x > SIZE - radius)) & (
            (y < radius) if cy == radius else (y > SIZE - radius)
        )
        inside &= ~corner | ((x - cx) ** 2 + (y - cy) ** 2 <= radius**2)
    return inside


def segment(x0: float, y0: float, x1: float, y1: float, width: float) -> np.ndarray:
    t = np.clip(((x - x0) * (x1 - x0) + (y - y0) * (y1 - y0)) / ((x1 - x0) ** 2 + (y1 - y0) ** 2), 0, 1)
    return np.hypot(x - (x0 + t * (x1 - x0)), y - (y0 + t * (y1 - y0))) <= width / 2


def polyline(points: list, width: float) -> np.ndarray:
    mask = np.zeros((SIZE, SIZE), dtype=bool)
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        mask |= segment(x0, y0, x1, y1, width)
    return mask


def convex_polygon(points: list) -> np.ndarray:
    """Points clockwise on screen (y down)."""
    mask = np.ones((SIZE, SIZE), dtype=bool)
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]):
        mask &= (x1 - x0) * (y - y0) - (y1 - y0) * (x - x0) >= 0
    return mask


def rect(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)


def disc(cx: float, cy: float, r: float) -> np.ndarray:
    return np.hypot(x - cx, y - cy) <= r


def bell(centre: float, top: float) -> list:
    xs = np.linspace(18, 110, 47)
    return [(float(px), float(100 - (100 - top) * np.exp(-(((px - centre) / 13) ** 2)))) for px in xs]


def train_glyph(paint):
    # A learning curve over rising bars.
    for left, top in [(30, 78), (54, 60), (78, 40)]:
        paint(rect(left, top, left + 18, 98), WHITE)


def register_model_glyph(paint):
    # Versions stacked in a registry.
    for top in (30, 54, 78):
        paint(rect(30, top, 98, top + 16), WHITE)


def deploy_glyph(paint):
    # Up and out: an arrow.
    paint(convex_polygon([(64, 24), (100, 62), (28, 62)]), WHITE)
    paint(rect(52, 60, 76, 104), WHITE)


def smoke_test_glyph(paint):
    paint(polyline([(30, 66), (54, 90), (100, 40)], 16), WHITE)


def drift_check_glyph(paint):
    # Training and production distributions, apart.
    paint(polyline(bell(50, 34), 7), WHITE)
    paint(polyline(bell(78, 50), 7), (255, 255, 255, 170))
    paint(rect(16, 100, 112, 106), WHITE)


def release_gate_glyph(paint, colour):
    paint(convex_polygon([(30, 26), (98, 26), (98, 66), (64, 106), (30, 66)]), WHITE)
    paint(polyline([(46, 62), (60, 76), (84, 48)], 10), colour)


GLYPHS = {
    "train": train_glyph,
    "register-model": register_model_glyph,
    "deploy": deploy_glyph,
    "smoke-test": smoke_test_glyph,
    "drift-check": drift_check_glyph,
    "release-gate": release_gate_glyph,
}


def extension_icon() -> np.ndarray:
    image = np.zeros((SIZE, SIZE, 4), dtype=np.uint8)
    inside = rounded_square()
    image[inside] = (0, 120, 212, 255)
    # A rising pipeline of three nodes joined by a line: train -> test -> production.
    nodes = [(34, 86), (64, 58), (94, 34)]
    image[polyline(nodes, 8) & inside] = WHITE
    for index, (cx, cy) in enumerate(nodes):
        image[disc(cx, cy, 13)] = WHITE
        image[disc(cx, cy, 8)] = (80, 230, 140, 255) if index == len(nodes) - 1 else (0, 120, 212, 255)
    return image


def branding_colour(step: str) -> tuple:
    action = (ROOT / "actions" / step / "action.yml").read_text()
    match = re.search(r"^branding:\n(?:  .*\n)*?  color: ([\w-]+)$", action, re.MULTILINE)
    if not match or match.group(1) not in COLOURS:
        sys.exit(f"actions/{step}/action.yml: no branding color this script paints (run npm run generate).")
    return COLOURS[match.group(1)] + (255,)


def task_icon(step: str) -> np.ndarray:
    image = np.zeros((SIZE, SIZE, 4), dtype=np.uint8)
    inside = rounded_square()
    colour = branding_colour(step)
    image[inside] = colour

    def paint(mask, rgba):
        image[mask & inside] = rgba

    glyph = GLYPHS[step]
    if glyph is release_gate_glyph:
        glyph(paint, colour)
    else:
        glyph(paint)
    return image


def png(pixels: np.ndarray) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", pixels.shape[1], pixels.shape[0], 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw(pixels), 9)) + chunk(b"IEND", b"")


def raw(pixels: np.ndarray) -> bytes:
    return b"".join(b"\x00" + row.tobytes() for row in pixels)


def pixels_of(path: Path) -> bytes:
    """The raw rows of a PNG this script wrote (one IDAT), whatever zlib level compressed them."""
    data = path.read_bytes()
    at, idat = 8, b""
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        if data[at + 4 : at + 8] == b"IDAT":
            idat += data[at + 8 : at + 8 + length]
        at += 12 + length
    return zlib.decompress(idat)


def icons() -> dict:
    steps = sorted(path.name for path in (ROOT / "actions").iterdir() if (path / "action.yml").exists())
    unknown = [step for step in steps if step not in GLYPHS]
    if unknown:
        sys.exit(f"No glyph for step(s) {', '.join(unknown)}: add one to GLYPHS in scripts/make-icon.py.")
    drawn = {Path("images/icon.png"): extension_icon()}
    drawn.update({Path("images/tasks") / f"{step}.png": task_icon(step) for step in steps})
    return drawn


def main() -> None:
    drawn = icons()
    if "--check" in sys.argv:
        stale = [str(path) for path, image in drawn.items() if not (ROOT / path).exists() or pixels_of(ROOT / path) != raw(image)]
        if stale:
            sys.exit("Icons are stale; run python3 scripts/make-icon.py and commit:\n  " + "\n  ".join(stale))
        print("Icons are current.")
        return
    for path, image in drawn.items():
        (ROOT / path).parent.mkdir(parents=True, exist_ok=True)
        (ROOT / path).write_bytes(png(image))
        print(f"wrote {path}")


main()
