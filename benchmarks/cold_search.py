"""A cold `desktop-search search` (a new process each time) on an existing index: wall time and what it imports.

Usage: python benchmarks/cold_search.py HOME [--query WORDS] [--mode hybrid] [--runs 5] [--importtime]

Runs `python -m desktop_search --home HOME search QUERY --mode MODE` `--runs` times and prints JSON with the
median and each run's wall and CPU seconds (the child's user + system time). With `--importtime` one more run
under `python -X importtime` lists the slowest imports (cumulative microseconds). One run before the timed ones
is not counted: it writes Python's bytecode caches (an installed app ships them; PYTHONDONTWRITEBYTECODE is
dropped for these runs) and brings the files into the page cache, as they are on a computer in use.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home", type=Path)
    parser.add_argument("--query", default="vitamin D deficiency and bone fractures")
    parser.add_argument("--mode", default="hybrid")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--importtime", action="store_true")
    args = parser.parse_args()
    command = [sys.executable, "-m", "desktop_search", "--home", str(args.home), "search", args.query]
    command += ["--mode", args.mode]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(command, check=True, capture_output=True, env=env)
    load = os.getloadavg()
    walls, cpus = [], []
    for _ in range(args.runs):
        c0, t0 = _child_cpu(), time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        walls.append(time.perf_counter() - t0)
        cpus.append(_child_cpu() - c0)
    report: dict[str, object] = {
        "mode": args.mode,
        "runs": args.runs,
        "wall_s_median": round(statistics.median(walls), 3),
        "wall_s": [round(w, 3) for w in walls],
        "cpu_s_median": round(statistics.median(cpus), 3),
        "cpu_s": [round(c, 3) for c in cpus],
        "load_average_before_after": [round(load[0], 2), round(os.getloadavg()[0], 2)],
    }
    if args.importtime:
        done = subprocess.run(
            [sys.executable, "-X", "importtime", *command[1:]], capture_output=True, text=True, env=env
        )
        lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
        parsed = []
        for line in lines[1:]:
            own, cumulative, name = line.removeprefix("import time:").split("|")
            parsed.append((name.rstrip(), int(cumulative)))
        top_level = [(name.strip(), us) for name, us in parsed if not name.startswith("  ")]
        report["slowest_top_level_imports_ms"] = {
            name: round(us / 1000, 1) for name, us in sorted(top_level, key=lambda r: -r[1])[:15]
        }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
