"""`desktop-search --self-test`: index the bundled sample into a temp home and check real searches.

The sample (`resources/sample`, written by `packaging/make_sample.py`) holds one file of every format we
index, a scanned page and a picture among them (read by OCR, turned on for the test); each search below asks
for words only its file contains. It also checks what a frozen build can lose without failing the searches:
the sqlite-vec extension, which embedding backend ran (on a CPU it must be OpenVINO, whose plugins a frozen
build loads by file name), the model-download code and the CDE backend.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class Query:
    label: str  # what is being checked: a format, or a search mode
    text: str
    mode: str
    expected: str  # the file that must come first
    page: int | None = None  # the page its passage must be on


QUERIES = (
    Query("keyword search", "EXP-7731-Q2", "keyword", "expenses-2024.md"),
    Query("semantic search", "moving our servers to another hosting company", "dense", "server-migration.rst"),
    Query("hybrid search", "how to bake a loaf at home", "hybrid", "sourdough.txt"),
    Query("PDF", "octopus and hermit crabs in the tide pool", "hybrid", "field-survey.pdf", page=2),
    Query("DOCX", "marzipan figurines", "hybrid", "quarterly-report.docx"),
    Query("PPTX", "glacier telescope", "hybrid", "product-roadmap.pptx"),
    Query("XLSX", "saffron threads", "hybrid", "warehouse-inventory.xlsx"),
    Query("ODT", "harpsichord concerto", "hybrid", "choir-minutes.odt"),
    Query("EPUB", "brass lantern clockwork", "hybrid", "lighthouse-keeper.epub"),
    Query("HTML", "zigzag path Falcon Ridge", "hybrid", "trail-guide.html"),
    Query("RTF", "damsons with cinnamon", "hybrid", "plum-jam.rtf"),
    Query("scanned PDF (OCR)", "Harbour Joinery invoice", "hybrid", "scanned-invoice.pdf", page=1),
    Query("picture (OCR)", "Marigold Cottage Ottoline Fairweather", "hybrid", "parcel-label.png"),
)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.name}: {self.detail}"


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    echo: Callable[[Check], None] | None = None  # called as each check ends

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    def run(self, name: str, action: Callable[[], str]) -> bool:
        """Run one check; its result (or the exception it raised) becomes one line of the report."""
        t0 = time.perf_counter()
        try:
            detail, ok = action(), True
        except Exception as exc:  # the self-test reports every failure instead of crashing
            detail, ok = f"{type(exc).__name__}: {exc}", False
        if ok and time.perf_counter() - t0 >= 0.5:
            detail += f" ({time.perf_counter() - t0:.1f} s)"
        check = Check(name, ok, detail)
        self.checks.append(check)
        if self.echo is not None:
            self.echo(check)
        return ok


def _search(services: Services, query: Query) -> str:
    options = SearchOptions(mode=query.mode, limit=3)
    hits = services.searcher().search(query.text, services.libraries.select(None), options)
    want = query.expected + (f", page {query.page}" if query.page else "")
    if not hits:
        raise AssertionError(f"{query.text!r} found nothing, expected {want}")
    first = hits[0]
    found = Path(first.path).name + (f", page {first.page}" if first.page else "")
    if Path(first.path).name != query.expected or (query.page and first.page != query.page):
        raise AssertionError(f"{query.text!r} found {found}, expected {want}")
    return f"{query.text!r} -> {found}"


def _index(services: Services) -> str:
    library = services.libraries.get("default")
    list(services.indexer().run(library))
    status = services.libraries.status()[0]
    if status.failed or status.skipped:
        problems = "; ".join(f"{Path(f.path).name}: {f.error}" for f in status.failed_files)
        raise AssertionError(f"{status.failed} failed, {status.skipped} skipped: {problems}")
    return f"{status.files} files, {status.chunks} passages, {len(status.ocr_files)} read by OCR"


def _model(services: Services) -> str:
    library = services.libraries.get("default")
    embedder = services.embedders(library.model_id)
    plan = getattr(embedder, "plan", None)  # torch's device plan; OpenVINO runs on the CPU only
    device = getattr(plan, "device", "cpu")
    precision = getattr(embedder, "precision", "") or str(getattr(plan, "dtype", "")).removeprefix("torch.")
    return f"{library.model_id} by the {embedder.backend} backend ({precision}) on {device}"


def _cpu_backend(services: Services) -> str:
    from desktop_search.embed.selfcheck import openvino_cpu

    model_id = services.libraries.get("default").model_id
    return openvino_cpu(model_id, services.settings.models_dir, services.embedders(model_id).backend)


def _download_client() -> str:
    from desktop_search.embed.selfcheck import download_client

    return f"huggingface_hub {download_client()}"


def _cde_backend() -> str:
    from desktop_search.embed.selfcheck import cde_towers

    return ", ".join(cde_towers())


def _light_start() -> str:
    """A command-line start loads no Qt: a search from a terminal must not pay for the window's libraries. A frozen
    build whose packager imports Qt at start (PyInstaller's PySide6 run-time hook) fails here, except the macOS
    bundle, which keeps that hook (packaging/desktop_search.spec: its layout was not checked without it)."""
    if "PySide6.QtCore" in sys.modules:
        if getattr(sys, "frozen", False) and sys.platform == "darwin":
            return "Qt loaded at start by PyInstaller's PySide6 run-time hook, kept for the macOS bundle"
        raise AssertionError("Qt (PySide6.QtCore) was loaded before any window: every command pays ~0.2 CPU-s for it")
    return f"no Qt loaded ({len(sys.modules)} modules)"


def run_self_test(
    device: str = "auto",
    queries: tuple[Query, ...] = QUERIES,
    echo: Callable[[Check], None] | None = None,
    command_line: bool = False,
) -> Report:
    """Index the sample folder with the default model and run one search per format and mode. `command_line`: run
    as `desktop-search --self-test`, in a process of its own, so what its start loaded is checked too."""
    report = Report(echo=echo)
    if command_line:
        report.run("command-line start", _light_start)
    with tempfile.TemporaryDirectory(prefix="desktop-search-selftest-") as tmp:
        folder = Path(tmp) / "sample"
        shutil.copytree(resources_dir() / "sample", folder)
        services = build_services(Settings(home=Path(tmp) / "home", device=device, ocr=True))
        try:
            report.run("sqlite-vec", lambda: f"extension {value(services.store.conn, 'SELECT vec_version()')} loaded")
            services.libraries.add_folders([str(folder)])
            if report.run("model", lambda: _model(services)) and report.run("index", lambda: _index(services)):
                for query in queries:
                    report.run(query.label, lambda q=query: _search(services, q))  # type: ignore[misc]
            report.run("CPU backend", lambda: _cpu_backend(services))
        finally:
            services.close()
    report.run("download", _download_client)
    report.run("CDE backend", _cde_backend)
    return report


def main(device: str = "auto") -> int:
    report = run_self_test(device, echo=lambda check: print(check.line(), flush=True), command_line=True)
    if report.ok:
        print(f"self-test: OK ({len(report.checks)} checks)")
        return 0
    print(f"self-test: FAILED ({len(report.failures)} of {len(report.checks)} checks)", file=sys.stderr)
    return 1
