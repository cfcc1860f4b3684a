"""Tiny binary assets built in code: PNG images and the one PDF attachment (stdlib only)."""

from __future__ import annotations

import random
import struct
import zlib


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def png_gray(rows: list[bytes]) -> bytes:
    """An 8-bit greyscale PNG from rows of pixel bytes (0 = black, 255 = white)."""
    height, width = len(rows), len(rows[0])
    raw = b"".join(b"\x00" + row for row in rows)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def qr_like_png(modules: int = 25, scale: int = 4, seed: int = 3301) -> bytes:
    """A QR-code-looking picture: three finder patterns and deterministic noise. Not decodable."""
    rng = random.Random(seed)
    grid = [[rng.random() < 0.5 for _ in range(modules)] for _ in range(modules)]
    for oy, ox in ((0, 0), (0, modules - 7), (modules - 7, 0)):
        for y in range(7):
            for x in range(7):
                ring = max(abs(y - 3), abs(x - 3))
                grid[oy + y][ox + x] = ring != 2
    quiet = 2
    size = (modules + 2 * quiet) * scale
    rows = []
    for py in range(size):
        my = py // scale - quiet
        row = bytearray(size)
        for px in range(size):
            mx = px // scale - quiet
            dark = 0 <= my < modules and 0 <= mx < modules and grid[my][mx]
            row[px] = 0 if dark else 255
        rows.append(bytes(row))
    return png_gray(rows)


def disc_png(size: int = 64) -> bytes:
    """A dark disc on white (the site logo)."""
    c, r2 = (size - 1) / 2, (size / 2 - 2) ** 2
    rows = [
        bytes(40 if (x - c) ** 2 + (y - c) ** 2 <= r2 else 255 for x in range(size))
        for y in range(size)
    ]
    return png_gray(rows)


def tiny_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF (Helvetica, ASCII text only) with a correct xref table."""
    text_ops = ["BT", "/F1 16 Tf", "72 770 Td", "20 TL"]
    for line in lines:
        safe = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        text_ops.append(f"({safe}) Tj T*")
    text_ops.append("ET")
    stream = "\n".join(text_ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>"
        ),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(out)
