"""A keyword search from the CLI starts fast: it loads no model, GUI, indexing, extraction or numpy code, and
nothing only other commands need.

Which package may import which is declared in pyproject.toml ([tool.importlinter]) and checked by
`lint-imports` in `make test`; this checks what actually gets loaded at run time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from desktop_search.services import Services
from tests.conftest import index_all


def test_a_keyword_search_loads_no_model_indexing_or_numpy_code(services: Services, docs: Path) -> None:
    """The first keyword result must not wait for numpy, extraction workers, watchers or torch, nor for the
    extractors' tables, signal handling (index, watch), apsw's FTS5 helpers (HTML, difflib) or platformdirs."""
    services.libraries.add_folders([str(docs)])
    index_all(services)
    code = (
        "import sys\n"
        "from desktop_search.cli import main\n"
        f"assert main(['--home', {str(services.settings.home)!r}, 'search', 'sourdough', '--mode', 'keyword']) == 0\n"
        "heavy = ('numpy', 'torch', 'transformers', 'PySide6', 'multiprocessing', 'watchdog', 'lxml',\n"
        "         'desktop_search.core.indexer', 'desktop_search.core.extract', 'desktop_search.core.scanner',\n"
        "         'desktop_search.cli_stop', 'desktop_search.embed.device', 'apsw.fts5', 'socket',\n"
        "         'platformdirs')  # the last: --home is given, so the default data folder is not looked up\n"
        "loaded = [m for m in heavy if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "bread.txt" in result.stdout
