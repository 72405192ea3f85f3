"""Keyword queries against Recoll on the same folder: warm in-process p50/p95 and cold command-line times; JSON.

Usage: python benchmarks/keyword_vs_recoll.py FOLDER HOME [--recoll-conf DIR] [--rounds 5] [--cold-runs 5]

HOME holds our index of FOLDER (`benchmarks/index_folder.py FOLDER --home HOME`). Recoll (Debian: `apt-get
install recollcmd python3-recoll poppler-utils`) indexes the same folder into --recoll-conf with its default
settings unless that folder already holds an index; its indexing time is reported. Warm: every query once to
warm up, then `--rounds` rounds of all queries in one long-lived process each (ours: `Searcher.search` in
keyword mode, 10 results with snippets, as the CLI; Recoll: its Python module, 10 results with abstracts, run
by the system Python), interleaved round by round. Cold: a new `desktop-search search --mode keyword` process
against a new `recollq` process, per query, `--cold-runs` queries. Query semantics differ: Recoll ANDs the words,
we rank every document holding any of them by bm25.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from search_latency import percentiles  # this folder is on sys.path when a script here runs

from desktop_search.core.search import SearchOptions
from desktop_search.services import build_services
from desktop_search.settings import Settings

QUERIES = [
    "license",
    "copyright notice",
    "configuration file",
    "bug report",
    "compression",
    "unicode",
    "regular expression",
    "memory leak",
    "command line options",
    "installation",
    "changelog security fix",
    "password",
    "timezone",
    "protein expression",
    "randomized controlled trial",
    "vitamin D",
    "gene mutation",
    "deprecated",
    "shared library",
    "network socket",
]

RECOLL_WARM = textwrap.dedent(
    """
    import json, sys, time
    from recoll import recoll
    conf, rounds, queries = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
    db = recoll.connect(confdir=conf)
    def one(text):
        q = db.query()
        q.execute(text)
        docs = q.fetchmany(10)
        for d in docs:
            q.makedocabstract(d)
        return len(docs)
    hits = {t: one(t) for t in queries}  # warm up
    times = []
    for _ in range(rounds):
        for t in queries:
            t0 = time.perf_counter(); one(t); times.append(time.perf_counter() - t0)
    print(json.dumps({"times_s": times, "hits": hits}))
    """
)


def recoll_index(folder: Path, conf: Path) -> float | None:
    """Index with Recoll's defaults unless done; seconds, or None when the index was already there."""
    if (conf / "xapiandb").exists():
        return None
    conf.mkdir(parents=True, exist_ok=True)
    (conf / "recoll.conf").write_text(f"topdirs = {folder}\n", encoding="utf-8")
    t0 = time.perf_counter()
    subprocess.run(["recollindex", "-c", str(conf), "-z"], check=True, capture_output=True)
    return time.perf_counter() - t0


def ours_warm(home: Path, rounds: int) -> tuple[list[float], dict[str, int]]:
    services = build_services(Settings.load(home))
    searcher = services.searcher()
    libraries = services.libraries.select(None)
    options = SearchOptions(mode="keyword", limit=10)
    hits = {q: len(searcher.search(q, libraries, options)) for q in QUERIES}
    times = []
    for _ in range(rounds):
        for q in QUERIES:
            t0 = time.perf_counter()
            searcher.search(q, libraries, options)
            times.append(time.perf_counter() - t0)
    services.close()
    return times, hits


def cold(command: list[str], runs: int) -> list[float]:
    times = []
    for q in QUERIES[:runs]:
        t0 = time.perf_counter()
        subprocess.run([*command, q], check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("home", type=Path)
    parser.add_argument("--recoll-conf", type=Path, default=Path("/tmp/recoll-bench"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=5)
    args = parser.parse_args()
    index_s = recoll_index(args.folder.resolve(), args.recoll_conf)
    load = os.getloadavg()
    ours: list[float] = []
    theirs: list[float] = []
    hits_ours: dict[str, int] = {}
    hits_recoll: dict[str, int] = {}
    for _ in range(args.rounds):  # interleaved: one round each, so load falls on both alike
        t, hits_ours = ours_warm(args.home, 1)
        ours += t
        done = subprocess.run(
            ["/usr/bin/python3", "-c", RECOLL_WARM, str(args.recoll_conf), "1", json.dumps(QUERIES)],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(done.stdout)
        theirs += result["times_s"]
        hits_recoll = result["hits"]
    ours_cli = [sys.executable, "-m", "desktop_search", "--home", str(args.home), "search", "--mode", "keyword"]
    cold_ours = cold(ours_cli, args.cold_runs)
    cold_recoll = cold(["recollq", "-c", str(args.recoll_conf), "-n", "10"], args.cold_runs)
    report = {
        "folder": str(args.folder),
        "queries": len(QUERIES),
        "rounds": args.rounds,
        "load_average": [round(x, 2) for x in load],
        "recoll_index_s": round(index_s, 1) if index_s is not None else "reused",
        "warm": {"ours": percentiles(ours), "recoll": percentiles(theirs)},
        "warm_p50_ratio_ours_over_recoll": round(statistics.median(ours) / statistics.median(theirs), 2),
        "cold_cli": {"ours": percentiles(cold_ours), "recoll": percentiles(cold_recoll)},
        "hits": {q: [hits_ours.get(q), hits_recoll.get(q)] for q in QUERIES},
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
