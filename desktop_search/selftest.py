"""`desktop-search --self-test`: index the bundled sample into a temp home and check real searches."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from desktop_search.core.search import SearchOptions
from desktop_search.paths import resources_dir
from desktop_search.services import Services, build_services
from desktop_search.settings import Settings
from desktop_search.storage.db import value

# (query, mode, file that must come first)
CHECKS = (
    ("EXP-7731-Q2", "keyword", "expenses-2024.md"),
    ("moving our servers to another hosting company", "dense", "server-migration.rst"),
    ("how to bake a loaf at home", "hybrid", "sourdough.txt"),
)


@dataclass
class Report:
    ok: bool = True
    checks: list[dict[str, object]] = field(default_factory=list)
    timings_s: dict[str, float] = field(default_factory=dict)
    details: dict[str, object] = field(default_factory=dict)
    reason: str = ""


def _timed(report: Report, name: str, action: Callable[[], object]) -> object:
    t0 = time.perf_counter()
    result = action()
    report.timings_s[name] = round(time.perf_counter() - t0, 3)
    return result


def _run_checks(services: Services, report: Report) -> None:
    libraries = services.libraries.select(None)
    searcher = services.searcher()
    for query, mode, expected in CHECKS:
        hits = searcher.search(query, libraries, SearchOptions(mode=mode, limit=3))
        first = Path(hits[0].path).name if hits else None
        passed = first == expected
        report.checks.append({"query": query, "mode": mode, "expected": expected, "got": first, "ok": passed})
        if not passed:
            report.ok = False
            report.reason = f"{mode} search for {query!r} returned {first!r}, expected {expected!r}"


def run_self_test(device: str = "auto") -> Report:
    """Index the sample folder with the default model and run keyword, semantic and hybrid queries."""
    report = Report()
    sample = resources_dir() / "sample"
    with tempfile.TemporaryDirectory(prefix="desktop-search-selftest-") as tmp:
        folder = Path(tmp) / "sample"
        shutil.copytree(sample, folder)
        services = build_services(Settings(home=Path(tmp) / "home", device=device))
        try:
            report.details["sqlite_vec"] = value(services.store.conn, "SELECT vec_version()")
            services.libraries.add_folders([str(folder)])
            library = services.libraries.get("default")
            embedder = _timed(report, "load_model", lambda: services.embedders(library.model_id))
            report.details["model"] = library.model_id
            report.details["device"] = getattr(getattr(embedder, "plan", None), "device", "unknown")
            _timed(report, "index", lambda: list(services.indexer().run(library)))
            report.details["files"] = services.libraries.status()[0].files
            _timed(report, "queries", lambda: _run_checks(services, report))
        except Exception as exc:  # the self-test reports every failure instead of crashing
            report.ok = False
            report.reason = f"{type(exc).__name__}: {exc}"
        finally:
            services.close()
    return report


def main(device: str = "auto") -> int:
    report = run_self_test(device)
    print(json.dumps(report.__dict__, indent=2, default=str))
    print("self-test: OK" if report.ok else f"self-test: FAILED: {report.reason}", file=sys.stderr)
    return 0 if report.ok else 1
