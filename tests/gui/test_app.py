"""The app as started from the command line: no torch at start, and the screenshot mode used for the README."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from desktop_search.services import build_services
from tests.conftest import index_all

NO_TORCH = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from desktop_search.gui.app import application, build_window
from desktop_search.services import build_services
from desktop_search.settings import Settings, resolve_home
app = application()
session, window = build_window(build_services(Settings(home=resolve_home())))
window.show()
session.start()
window.search.setText("invoice")
window.run_search()
bad = [m for m in ("torch", "transformers") if m in sys.modules]
assert session.shutdown()
assert not bad, bad
"""


def test_window_starts_without_torch(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-c", NO_TORCH], check=True, timeout=120, env=dict(os.environ))


@pytest.mark.slow
def test_screenshot_of_results(settings, docs: Path, minilm, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    services = build_services(settings, embedder=minilm)
    services.libraries.add_folders([str(docs)])
    index_all(services)
    services.close()
    out = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    command = [sys.executable, "-m", "desktop_search", "--home", str(settings.home), "gui", "--query", "invoice"]
    done = subprocess.run([*command, "--screenshot", str(out)], env=env, timeout=300, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert image.width() >= 800
    assert image.height() >= 500
