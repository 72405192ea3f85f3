"""How long after a saved edit the change is searchable while watching; prints JSON.

Usage: python benchmarks/watch_latency.py [--model ID] [--edits N] [--device cpu]

A temporary home and folder (a few small notes) are watched by the same LiveIndex the `watch`
command and the desktop app run. Each edit rewrites one small text file with a new sentence holding a
unique word, then times two moments from the save: the word found by keyword search, and the new
sentence found first by dense (semantic) search, i.e. re-embedded by the model. Target: ≤ 3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path

from desktop_search.core.live import LiveIndex, LiveOptions
from desktop_search.core.search import Searcher, SearchOptions
from desktop_search.embed.catalog import DEFAULT_MODEL
from desktop_search.records import LibraryRecord
from desktop_search.services import build_services
from desktop_search.settings import Settings

NOTES = {
    "groceries.txt": "Buy oat milk, rye bread, apples and a bag of coffee beans for the week.",
    "meeting.txt": "The quarterly review moved to Thursday; bring the sales figures and the hiring plan.",
    "garden.txt": "Water the tomatoes every morning and cover the lettuce when frost is forecast.",
    "car.txt": "The car needs new winter tyres and an oil change before the long drive in December.",
}
TOPICS = ("a lighthouse keeper", "a violin repair", "a mountain railway", "a beekeeping course", "a chess club")


def _until(condition: Callable[[], bool], timeout: float = 60.0) -> float:
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > timeout:
            return float("nan")
        time.sleep(0.01)
    return time.perf_counter() - start


def _found(searcher: Searcher, library: LibraryRecord, path: str, word: str, query: str, mode: str) -> bool:
    """Whether the edited file is the first hit for `query` and its passage holds the new word."""
    hits = searcher.search(query, [library], SearchOptions(mode=mode, limit=1))
    return bool(hits) and hits[0].path == path and word in hits[0].snippet


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median": round(statistics.median(ordered), 3),
        "p90": round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 3),
        "max": round(ordered[-1], 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--device", default="auto")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ds-watch-") as tmp:
        folder = Path(tmp) / "notes"
        folder.mkdir()
        for name, text in NOTES.items():
            (folder / name).write_text(text + "\n", encoding="utf-8")
        services = build_services(Settings(home=Path(tmp) / "home", device=args.device))
        services.libraries.add_folders([str(folder)], "bench", args.model)
        library = services.libraries.get("bench")
        services.embedders(library.model_id).embed_documents(["warm up the model"])
        options = LiveOptions()  # the defaults the user gets
        indexer = services.indexer()
        live = LiveIndex(services.store, indexer, None, options, services.settings.home)
        runs = []
        thread = threading.Thread(target=lambda: runs.extend(p for p in live.run() if p.phase == "done"))
        thread.start()
        _until(lambda: len(runs) >= 1)
        searcher = services.searcher()
        target = folder / "meeting.txt"
        keyword, dense = [], []
        for n in range(args.edits):
            word = "zq" + uuid.uuid4().hex[:8]
            sentence = f"Notes on {TOPICS[n % len(TOPICS)]} and the code word {word}."
            tmp_file = folder / f".meeting.txt.{n}.tmp"  # saved the way editors do: temp file, then rename
            tmp_file.write_text(sentence + "\n", encoding="utf-8")
            os.replace(tmp_file, target)
            saved = time.perf_counter()
            _until(partial(_found, searcher, library, str(target), word, word, "keyword"))
            keyword.append(time.perf_counter() - saved)
            _until(partial(_found, searcher, library, str(target), word, sentence, "dense"))
            dense.append(time.perf_counter() - saved)
            time.sleep(0.5)
        live.stop()
        thread.join(30)
        services.close()

    report = {
        "model": library.model_id,
        "device": args.device,
        "machine": f"{platform.machine()} {os.cpu_count()} cpus, load {os.getloadavg()[0]:.1f}",
        "quiet_s": options.quiet_s,
        "edits": args.edits,
        "keyword_searchable_s": _stats(keyword),
        "semantic_searchable_s": _stats(dense),
        "target_s": 3.0,
        "meets_target": max(dense) <= 3.0,
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
