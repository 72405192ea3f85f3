"""Index a folder with a slow fake embedder, for the crash test to kill at random moments.

Usage: python -m tests.crash_helper HOME FOLDER. Prints "ready" once it holds the writer lock, and at
the end one JSON line with the number of texts it embedded.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from desktop_search.embed.fake import HashEmbedder
from desktop_search.services import build_services
from desktop_search.settings import Settings


class SlowEmbedder(HashEmbedder):
    """Small batches and a pause per batch, so that a kill lands in every stage of the pipeline."""

    token_budget = 256

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        time.sleep(0.01)
        return super()._embed_batch(texts)


def main(home: Path, folder: Path) -> int:
    embedder = SlowEmbedder()
    services = build_services(Settings(home=home), embedder=embedder)
    services.become_writer()  # as the real commands do, before anything is written
    print("ready", flush=True)
    if not services.libraries.select(None):
        services.libraries.add_folders([str(folder)])
    for library in services.libraries.select(None):
        for _ in services.indexer().run(library):
            pass
    print(json.dumps({"embedded": embedder.texts_embedded}), flush=True)
    services.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]), Path(sys.argv[2])))
