"""Scanned pages made by the test itself: text drawn into a picture, and that picture as an image-only PDF."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SCANNED_LINES = (
    "Invoice INV-2024-0317 from Harbour Joinery Ltd.",
    "Oak staircase repair and a new handrail.",
    "Total due: 1,250.00 EUR within 30 days.",
)
# A real photograph of text, where this machine has it: the STM32F3DISCOVERY board in the Embedded Rust Book
# that rustup installs with its documentation (silkscreen and a printed label, photographed at an angle).
PHOTO_GLOB = ".rustup/toolchains/*/share/doc/rust/html/embedded-book/assets/f3.jpg"


def page_picture(lines: Sequence[str] = SCANNED_LINES, size: tuple[int, int] = (900, 300)) -> Image.Image:
    """Black text on a white page, as a flatbed scanner at 150 dpi gives it (a small part of a page)."""
    picture = Image.new("L", size, 255)
    draw = ImageDraw.Draw(picture)
    font = ImageFont.load_default(size=26)  # Pillow's own font: no system font needed
    for n, line in enumerate(lines):
        draw.text((40, 40 + 70 * n), line, fill=0, font=font)
    return picture


def png_bytes(picture: Image.Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def scanned_pdf(pictures: Sequence[Image.Image]) -> bytes:
    """An image-only PDF (no text layer), one picture per page, as a scanner writes it."""
    out = io.BytesIO()
    first, *rest = [p.convert("RGB") for p in pictures]
    first.save(out, "PDF", resolution=150.0, quality=95, save_all=True, append_images=rest)
    return out.getvalue()


def real_photo() -> Path | None:
    return next(iter(sorted(Path.home().glob(PHOTO_GLOB))), None)
