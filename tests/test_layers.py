"""The core and storage stay free of Qt and torch, so the CLI and keyword search start fast."""

from __future__ import annotations

import subprocess
import sys


def test_core_storage_and_cli_import_neither_qt_nor_torch() -> None:
    code = (
        "import sys\n"
        "import desktop_search.cli, desktop_search.core.indexer, desktop_search.core.search, desktop_search.storage\n"
        "bad = [m for m in ('torch', 'transformers', 'PySide6') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
