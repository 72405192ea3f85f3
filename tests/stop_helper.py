"""Run the real `desktop-search` command line with a model whose forward pass never returns, for the stop tests.

Usage: python -m tests.stop_helper HOME COMMAND... The embedder announces "embedding" on stdout, then stays in
one long C call (an endless SQLite query) that, like a forward pass, runs no Python signal handler until it
returns: a stop that waits for the main thread would never come.
"""

from __future__ import annotations

import sys
from typing import Any

import apsw
import numpy as np

from desktop_search import cli
from desktop_search.embed.fake import HashEmbedder
from desktop_search.services import Services, build_services
from desktop_search.settings import Settings

ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"


class StuckEmbedder(HashEmbedder):
    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        print("embedding", flush=True)
        apsw.Connection(":memory:").execute(ENDLESS).fetchall()
        return super()._embed_batch(texts)


def _services(settings: Settings, embedder: Any = None, *, readonly: bool = False) -> Services:
    return build_services(settings, StuckEmbedder(), readonly=readonly)


if __name__ == "__main__":
    cli.build_services = _services  # type: ignore[assignment]
    raise SystemExit(cli.main(["--home", sys.argv[1], *sys.argv[2:]]))
