"""Run the real `desktop-search` command line with a model whose forward pass never returns, for the stop tests.

Usage: python -m tests.stop_helper HOME [--hold-gil] COMMAND... The embedder announces "embedding" on stdout, then
stays in one long C call (an endless SQLite query) that, like a forward pass, runs no Python signal handler until
it returns: a stop that waits for the main thread would never come. With --hold-gil the C call (an endless sum)
also keeps the interpreter lock, as a call that never lets go does, or a low-priority thread that other programs
keep off the CPU: then no other thread of the process runs either.
"""

from __future__ import annotations

import itertools
import sys
from typing import Any

import apsw
import numpy as np

from desktop_search import cli
from desktop_search.embed.fake import HashEmbedder
from desktop_search.services import Services, build_services
from desktop_search.settings import Settings

HOLD_GIL = sys.argv[2:3] == ["--hold-gil"]
ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"


class StuckEmbedder(HashEmbedder):
    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        print("embedding", flush=True)
        apsw.Connection(":memory:").execute(ENDLESS).fetchall()  # lets other threads run meanwhile
        return super()._embed_batch(texts)


class GreedyEmbedder(HashEmbedder):
    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        print("embedding", flush=True)
        sum(itertools.repeat(1, 10**18))  # one C loop that keeps the interpreter lock for good
        return super()._embed_batch(texts)


def _services(settings: Settings, embedder: Any = None, *, readonly: bool = False) -> Services:
    stuck = GreedyEmbedder() if HOLD_GIL else StuckEmbedder()
    return build_services(settings, stuck, readonly=readonly)


if __name__ == "__main__":
    cli.build_services = _services  # type: ignore[assignment]
    raise SystemExit(cli.main(["--home", sys.argv[1], *sys.argv[2 + HOLD_GIL :]]))
