"""A cold `desktop-search search` (a new process each time) on an existing index: wall time and what it imports.

Usage: python benchmarks/cold_search.py HOME [--query WORDS] [--mode hybrid] [--runs 5] [--importtime]
                                             [--tree DIR --tree DIR2 ...]

Runs `python -m desktop_search --home HOME search QUERY --mode MODE` `--runs` times and prints JSON with the
median and each run's wall and CPU seconds (the child's user + system time). With `--importtime` one more run
under `python -X importtime` lists the slowest imports: top-level ones with all they import in turn, and single
modules by their own time (milliseconds). One run before the timed ones is not counted: it writes Python's
bytecode caches (an installed app ships them; PYTHONDONTWRITEBYTECODE is dropped for these runs) and brings the
files into the page cache, as they are on a computer in use.

With `--tree`, each DIR holding a `desktop_search` package (a checkout, or `git archive REV desktop_search`
unpacked) is the working folder and first on PYTHONPATH (`python -m` looks in the working folder first), and the
trees take turns run by run (interleaved, so a change in the machine's load hits all of them alike): before and
after measured side by side, one report per tree.
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


def _environment(tree: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if tree is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(tree.resolve()), *filter(None, [env.get("PYTHONPATH")])])
    return env


def _slowest_imports(command: list[str], env: dict[str, str], cwd: Path | None) -> dict[str, dict[str, float]]:
    """The slowest top-level imports (with what they import in turn), and the slowest modules by their own time."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *command[1:]], capture_output=True, text=True, env=env, cwd=cwd
    )
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    parsed = []
    for line in lines[1:]:
        own, cumulative, name = line.removeprefix("import time:").split("|")
        parsed.append((name.rstrip(), int(own), int(cumulative)))
    top_level = [(name.strip(), us) for name, _, us in parsed if not name.startswith("  ")]
    own_time = [(name.strip(), us) for name, us, _ in parsed]
    return {
        "top_level_ms": {name: round(us / 1000, 1) for name, us in sorted(top_level, key=lambda r: -r[1])[:15]},
        "own_ms": {name: round(us / 1000, 1) for name, us in sorted(own_time, key=lambda r: -r[1])[:15]},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home", type=Path)
    parser.add_argument("--query", default="vitamin D deficiency and bone fractures")
    parser.add_argument("--mode", default="hybrid")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--importtime", action="store_true")
    parser.add_argument("--tree", type=Path, action="append", help="put DIR first on PYTHONPATH (repeatable)")
    args = parser.parse_args()
    command = [sys.executable, "-m", "desktop_search", "--home", str(args.home.resolve()), "search", args.query]
    command += ["--mode", args.mode]
    trees: list[Path | None] = list(args.tree or [None])
    envs = [_environment(tree) for tree in trees]
    for tree, env in zip(trees, envs, strict=True):
        subprocess.run(command, check=True, capture_output=True, env=env, cwd=tree)
    load = os.getloadavg()
    walls: list[list[float]] = [[] for _ in trees]
    cpus: list[list[float]] = [[] for _ in trees]
    for _ in range(args.runs):
        for n, (tree, env) in enumerate(zip(trees, envs, strict=True)):
            c0, t0 = _child_cpu(), time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env=env, cwd=tree)
            walls[n].append(time.perf_counter() - t0)
            cpus[n].append(_child_cpu() - c0)
    load_after = os.getloadavg()
    reports: list[dict[str, object]] = []
    for n, tree in enumerate(trees):
        report: dict[str, object] = {
            "mode": args.mode,
            "runs": args.runs,
            "wall_s_median": round(statistics.median(walls[n]), 3),
            "wall_s": [round(w, 3) for w in walls[n]],
            "cpu_s_median": round(statistics.median(cpus[n]), 3),
            "cpu_s": [round(c, 3) for c in cpus[n]],
            "load_average_before_after": [round(load[0], 2), round(load_after[0], 2)],
        }
        if tree is not None:
            report = {"tree": str(tree), **report}
        if args.importtime:
            report["slowest_imports"] = _slowest_imports(command, envs[n], tree)
        reports.append(report)
    print(json.dumps(reports[0] if args.tree is None else reports, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
