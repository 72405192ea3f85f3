"""Render desktop_search/resources/icons/app.svg into the PNG sizes, .ico and macOS iconset the installers need."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSize  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SIZES = (16, 32, 48, 64, 128, 256, 512, 1024)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(QSize(size, size), QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    app = QGuiApplication(sys.argv)  # noqa: F841 (Qt needs an application for painting)
    renderer = QSvgRenderer(str(ROOT / "desktop_search" / "resources" / "icons" / "app.svg"))
    out = ROOT / "packaging" / "build-icons"
    iconset = out / "desktop-search.iconset"
    iconset.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        render(renderer, size).save(str(out / f"desktop-search-{size}.png"))
        if size <= 512:
            render(renderer, size).save(str(iconset / f"icon_{size}x{size}.png"))
            render(renderer, size * 2).save(str(iconset / f"icon_{size}x{size}@2x.png"))
    render(renderer, 256).save(str(ROOT / "packaging" / "windows" / "desktop-search.ico"))
    print(f"icons written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
