"""The real desktop app (`desktop-search gui`) with a model whose forward pass never returns, for the Quit test.

Usage: python -m tests.gui.stuck_app HOME. The embedder says "embedding" on stdout, then stays in one long C call
(tests/stop_helper.py), as a batch does for many seconds on a busy machine: Quit must not wait for it.
"""

from __future__ import annotations

import sys
from typing import Any

from desktop_search import cli
from desktop_search.gui import startup
from desktop_search.services import Services, build_services
from desktop_search.settings import Settings
from tests.stop_helper import StuckEmbedder


def _services(settings: Settings, embedder: Any = None, *, readonly: bool = False) -> Services:
    return build_services(settings, StuckEmbedder(), readonly=readonly)


if __name__ == "__main__":
    startup.build_services = _services  # type: ignore[assignment]
    raise SystemExit(cli.main(["--home", sys.argv[1], "gui"]))
