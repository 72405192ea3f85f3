"""How long `watch` and `index` take to end after SIGTERM or SIGINT while other programs keep every core busy,
with the stop guard, with the guard but without its freeing of the command's memory, and without the guard (the
stop thread alone), interleaved in one run; prints JSON.

Usage: python benchmarks/stop_time.py [--cycles 8] [--files 60] [--commands watch index]

Each cycle starts the real command (watch at its default, lowered priority) with the offline default model on
benchmarks/corpus.py's folder, waits a random 8-14 s (embedding is under way by then), sends the signal and
times the process's own end (what a service manager waits for). "forced" counts ends by the guard.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus import library_of_corpus  # this folder is on sys.path when a script here runs
from search_latency import percentiles

# The command line as `python -m desktop_search` runs it, with the guard switched off when asked (the stop
# thread then listens to the signal handler itself, as before the guard existed), or its memory release.
RUN = """
import sys
from desktop_search import cli, cli_stop
if sys.argv[1] == "off":
    cli_stop._start_guard = lambda *args: None
if sys.argv[1] == "no-release":
    cli_stop._memory_release = lambda: None
raise SystemExit(cli.main(sys.argv[2:]))
"""
GUARDS = ("on", "no-release", "off")
HANG_S = 60.0


def _cycle(home: Path, command: str, guard: str, signum: int, delay: float) -> dict[str, object]:
    proc = subprocess.Popen(
        [sys.executable, "-c", RUN, guard, "--home", str(home), command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    sent = time.monotonic()
    proc.send_signal(signum)
    try:
        code = proc.wait(HANG_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = proc.wait()
    return {"stop_s": time.monotonic() - sent, "exit": code, "load": os.getloadavg()[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=8, help="per command and guard setting")
    parser.add_argument("--files", type=int, default=60)
    parser.add_argument("--commands", nargs="+", default=["watch", "index"], choices=["watch", "index"])
    args = parser.parse_args()
    # Started as a background job of a script, this process and so the commands it starts would ignore SIGINT,
    # and a command keeps a SIGINT ignored at its start ignored: the commands get the default.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    rng = random.Random(1)
    results: dict[str, list[dict[str, object]]] = {}
    with tempfile.TemporaryDirectory(prefix="ds-stop-") as tmp:
        home, _, _ = library_of_corpus(Path(tmp), args.files, 6)
        hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 2)]
        try:
            for n in range(args.cycles):
                for command in args.commands:
                    for guard in GUARDS[n % 3 :] + GUARDS[: n % 3]:  # interleaved, order rotating
                        signum = (signal.SIGTERM, signal.SIGINT)[n % 2]
                        cycle = _cycle(home, command, guard, signum, rng.uniform(8, 14))
                        results.setdefault(f"{command}, guard {guard}", []).append(cycle)
        finally:
            for hog in hogs:
                hog.kill()
                hog.wait()
    report: dict[str, object] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "cpu_hogs": len(hogs),
        "load_avg": round(sum(c["load"] for cs in results.values() for c in cs) / sum(map(len, results.values())), 1),  # type: ignore[misc]
    }
    for name, cycles in results.items():
        stops = [float(c["stop_s"]) for c in cycles]  # type: ignore[arg-type]
        report[name] = {
            "stops": len(stops),
            "stop_ms": percentiles(stops),
            "over_2_s": sum(1 for s in stops if s > 2.0),
            "hung": sum(1 for s in stops if s >= HANG_S),
            "forced": sum(1 for c in cycles if c["exit"] == -signal.SIGKILL),
        }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
