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
import os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, os.getcwd())
from pathlib import Path
from desktop_search.embed.fake import HashEmbedder
from desktop_search.gui import search_worker
from desktop_search.gui.app import application, build_window
from desktop_search.services import build_services
from desktop_search.settings import Settings, resolve_home
from tests.conftest import index_all, write_documents

settings = Settings(home=resolve_home())
indexing = build_services(settings, embedder=HashEmbedder())
indexing.libraries.add_folders([str(write_documents(Path(sys.argv[1])))])
index_all(indexing)
indexing.close()

seen = []
keyword_search = search_worker.SearchWorker._search_mode
def spy(self, searcher, request, libraries, mode):
    hits = keyword_search(self, searcher, request, libraries, mode)
    if mode == "keyword":
        seen.append(("torch" in sys.modules or "openvino" in sys.modules, len(hits)))  # a model runtime
    return hits
search_worker.SearchWorker._search_mode = spy

app = application()
session, window = build_window(build_services(settings))
window.show()
session.start(index_at_start=False)
window.search.setText("invoice")
window.run_search()
deadline = time.monotonic() + 60
while not seen and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.01)
session.shutdown()
assert seen, "no keyword results"
torch_loaded, hits = seen[0]
assert hits > 0, seen
assert not torch_loaded, "a model runtime was imported before the first keyword results"
"""


def test_window_starts_without_torch(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-c", NO_TORCH, str(tmp_path / "docs")], check=True, timeout=180, env=dict(os.environ)
    )


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
