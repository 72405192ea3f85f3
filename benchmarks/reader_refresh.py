"""What a search pays to catch up with the writer: the reader's vector refresh after the writer replaced a few
vectors (an edited file re-indexed), incremental against the full reload it used to do; prints JSON.

Usage: python benchmarks/reader_refresh.py [--vectors 200000] [--dim 384] [--rounds 5]

One vec0 table of random int8 codes in a temporary index; each round the writer deletes 20 vectors and adds
100, then the same reader state is brought up to date both ways (interleaved, so load affects both alike).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from desktop_search.storage import open_database, open_reader
from desktop_search.storage.spaces import vec_table_sql
from desktop_search.storage.vector_index import VectorIndex


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vectors", type=int, default=200_000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory(prefix="ds-refresh-") as tmp:
        path = Path(tmp) / "index.sqlite3"
        writer = open_database(path)
        writer.execute(vec_table_sql("vec_1", args.dim))
        insert = "INSERT INTO vec_1(chunk_id, embedding) VALUES (?, vec_int8(?))"
        writer.execute("BEGIN")
        for i in range(1, args.vectors + 1):
            writer.execute(insert, (i, rng.integers(-127, 128, args.dim, dtype=np.int8).tobytes()))
        writer.execute("COMMIT")
        reader = open_reader(path)
        incremental, full = VectorIndex("vec_1", args.dim), VectorIndex("vec_1", args.dim)
        incremental.refresh(reader)
        full.refresh(reader)
        next_id, times = args.vectors + 1, {"incremental": [], "full_reload": []}
        cpu = {"incremental": 0.0, "full_reload": 0.0}
        for _ in range(args.rounds):
            writer.execute("BEGIN")
            for victim in rng.choice(np.arange(1, next_id), 20, replace=False).tolist():
                writer.execute("DELETE FROM vec_1 WHERE chunk_id = ?", (victim,))
            for _ in range(100):
                writer.execute(insert, (next_id, rng.integers(-127, 128, args.dim, dtype=np.int8).tobytes()))
                next_id += 1
            writer.execute("COMMIT")
            for name, index in (("incremental", incremental), ("full_reload", full)):
                t, c = time.perf_counter(), _cpu()
                if name == "full_reload":  # what refresh did after any deletion before
                    index._clear()
                index.refresh(reader)
                times[name].append(time.perf_counter() - t)
                cpu[name] += _cpu() - c
        assert sorted(incremental.ids.tolist()) == sorted(full.ids.tolist())
        report = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}",
            "vectors": args.vectors,
            "dim": args.dim,
            "rounds": args.rounds,
            **{f"{name}_ms": [round(t * 1000, 1) for t in ts] for name, ts in times.items()},
            **{f"{name}_cpu_s": round(c, 2) for name, c in cpu.items()},
        }
        print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
