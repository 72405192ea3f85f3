"""The text a widget actually paints, read back from an SVG rendering of it (font weight and position kept)."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QWidget


@dataclass(frozen=True)
class Painted:
    text: str
    x: float
    y: float
    bold: bool


def painted_texts(widget: QWidget) -> list[Painted]:
    """Every string drawn when `widget` paints itself, in painting order."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(widget.size())
    widget.render(generator)
    buffer.close()
    root = etree.fromstring(bytes(buffer.data()))
    out = []
    for el in root.iter("{http://www.w3.org/2000/svg}text"):
        weight = el.get("font-weight") or "400"
        out.append(Painted("".join(el.itertext()), float(el.get("x", 0)), float(el.get("y", 0)), int(weight) >= 600))
    return out
