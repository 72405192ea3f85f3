"""Results follow the index as it fills: a query typed while indexing finds files added later without retyping,
the empty page says indexing is under way, a refresh keeps the user's place, and the counts on screen go on."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt

from desktop_search.records import Progress
from desktop_search.services import build_services
from tests.conftest import index_all
from tests.gui.test_indexing import SlowEmbedder, write_folder


def visible_text(window) -> str:  # type: ignore[no-untyped-def]
    """The words of the page shown in place of results (title and body), if it is on screen."""
    empty = window.empty
    return f"{empty.title.text()} {empty.body.text()}" if empty.isVisible() else ""


def shown_paths(window) -> list[str]:  # type: ignore[no-untyped-def]
    return [window.model.hit(row).path for row in range(window.model.rowCount())] if window.results.isVisible() else []


class HeldIndexing(SlowEmbedder):
    """The slow fake model, embedding passages only once the test lets it (queries at once): indexing stays under way
    for as long as the test needs, however loaded the machine (with a delay alone, a loaded one could finish first)."""

    def __init__(self) -> None:
        super().__init__(0.05)
        self.go = threading.Event()

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.go.wait(60)
        return super().embed_documents(texts)


def test_a_query_typed_while_indexing_shows_files_added_later_without_retyping(  # type: ignore[no-untyped-def]
    qtbot, make_gui, settings, tmp_path
) -> None:
    embedder = HeldIndexing()
    services = build_services(settings, embedder=embedder)
    folder = write_folder(tmp_path / "notes", 60)
    session, window = make_gui(services, index_at_start=True)
    window.add_folders([str(folder)])
    qtbot.waitUntil(lambda: window.indexing.state == "indexing", timeout=30000)
    window.search.setFocus()
    qtbot.keyClicks(window.search, "kayak fjord")

    qtbot.waitUntil(lambda: "Nothing found yet" in visible_text(window), timeout=30000)
    assert "Indexing is under way" in visible_text(window)
    assert "try exact words" not in visible_text(window)
    embedder.go.set()
    (folder / "trips").mkdir()
    (folder / "trips" / "kayak.md").write_text("# Kayak trip\n\nPaddling the fjord at dawn with seals.\n")

    # First found by its words, then by meaning too once its passage is embedded: then it leads the list (before,
    # another note close to it by the fake model's hashing may lead; which comes first depends on the machine's load).
    qtbot.waitUntil(lambda: any(p.endswith("kayak.md") for p in shown_paths(window)[:1]), timeout=60000)
    assert window.search.text() == "kayak fjord"
    assert window.summary.isVisible()
    assert re.match(r"\d+ results?  ·  ", window.summary.text())


def test_a_refresh_keeps_the_selected_file_and_the_scroll_position(qtbot, make_gui, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    services = build_services(settings, embedder=SlowEmbedder(0.0))
    folder = tmp_path / "notes"
    folder.mkdir()
    for n in range(30):
        (folder / f"river-{n:02d}.txt").write_text(f"Note {n} about the river and its {n} bridges.\n")
    session, window = make_gui(services, index_at_start=True)
    window.add_folders([str(folder)])
    qtbot.waitUntil(lambda: bool(window.statuses) and window.statuses[0].files == 30, timeout=30000)
    window.filters.set_mode("keyword")
    window.search.setText("river")
    window.run_search()
    qtbot.waitUntil(lambda: window.final and window.model.rowCount() == 30, timeout=30000)
    window.results.setFocus()
    for _ in range(8):
        qtbot.keyClick(window.results, Qt.Key.Key_Down)
    chosen = window.results.current_hit().path
    bar = window.results.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    scroll = bar.value()
    assert scroll > 0

    for n in range(30, 36):
        (folder / f"river-{n:02d}.txt").write_text(f"Note {n} about the river and its {n} bridges.\n")

    qtbot.waitUntil(lambda: window.model.rowCount() == 36, timeout=60000)
    assert window.summary.text().startswith("36 results")
    assert window.results.current_hit().path == chosen
    assert window.preview.title.text() == Path(chosen).name
    assert bar.value() == scroll


def test_counts_on_screen_go_on_after_pause_and_resume(qtbot, make_gui, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    embedder = SlowEmbedder(0.05)
    services = build_services(settings, embedder=embedder)
    session, window = make_gui(services)
    shown: list[str] = []
    window.indexing.summaryChanged.connect(shown.append)
    window.add_folders([str(write_folder(tmp_path / "many", 80))])
    qtbot.waitUntil(lambda: window.indexing.state == "indexing" and embedder.texts_embedded > 20, timeout=30000)
    qtbot.mouseClick(window.indexing.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.indexing.state == "paused", timeout=30000)
    before = [int(m.group(1)) for m in map(re.compile(r"([\d,]+) / [\d,]+ passages").search, shown) if m]
    shown.clear()
    qtbot.mouseClick(window.indexing.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.indexing.state == "idle", timeout=60000)

    assert not any("0 / 0 files" in line for line in shown), shown
    after = [int(m.group(1)) for m in map(re.compile(r"([\d,]+) / [\d,]+ passages").search, shown) if m]
    assert after, shown
    assert min(after) >= max(before), "the passage count started again after Resume"
    qtbot.waitUntil(lambda: window.indexing.label.text() == "80 files indexed", timeout=30000)
    assert window.indexing.label.isVisible()


class GatedEmbedder(SlowEmbedder):
    """Once gated, embeds a batch only when the test lets one through, so a test can know no batch ran."""

    def __init__(self) -> None:
        super().__init__(0.2)
        self.gated = False
        self.waiting = False  # a batch waits at the gate
        self.permits = threading.Semaphore(0)

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        if self.gated:
            self.waiting = True
            self.permits.acquire(timeout=120)
            self.waiting = False
        return super()._embed_batch(texts)

    def open(self) -> None:
        self.gated = False
        self.permits.release(1000)


def test_pause_and_resume_show_at_once_though_a_batch_takes_seconds(qtbot, make_gui, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    embedder = GatedEmbedder()
    services = build_services(settings, embedder=embedder)
    session, window = make_gui(services)
    status = window.indexing
    window.add_folders([str(write_folder(tmp_path / "many", 100))])
    # Every file read: from here on only embedded batches report progress (~30 batches of 0.2 s are left).
    qtbot.waitUntil(lambda: "100 / 100 files" in status.label.text(), timeout=60000)
    embedder.gated = True
    window.filters.set_mode("keyword")
    window.search.setText("invoice")
    window.run_search()
    qtbot.waitUntil(lambda: window.summary.isVisible() and "still indexing" in window.summary.text(), timeout=30000)
    try:
        qtbot.waitUntil(lambda: embedder.waiting, timeout=30000)  # a batch is under way (held at the gate)
        reports: list[Progress] = []
        session.index_bridge.progress.connect(reports.append)

        qtbot.mouseClick(status.pause_button, Qt.MouseButton.LeftButton)

        assert status.pause_button.text() == "Resume"  # at once: the batch under way has not ended
        assert status.label.text().startswith("Indexing paused")
        assert "indexing paused" in window.summary.text()
        embedder.permits.release()  # the batch ends and reports; then the run holds at the pause
        qtbot.waitUntil(lambda: any(r.phase == "index" for r in reports), timeout=30000)
        assert status.label.text().startswith("Indexing paused"), "the batch's report said indexing went on"
        assert status.pause_button.text() == "Resume"
        assert "still indexing" not in window.summary.text()
        window.search.setText("zeppelin")
        window.run_search()
        qtbot.waitUntil(lambda: "Indexing is paused (100 of 100 files read" in visible_text(window), timeout=30000)
        window.search.setText("invoice")
        window.run_search()
        qtbot.waitUntil(lambda: "indexing paused" in window.summary.text(), timeout=30000)
        embedded = embedder.texts_embedded

        qtbot.mouseClick(status.pause_button, Qt.MouseButton.LeftButton)

        qtbot.waitUntil(lambda: status.pause_button.text() == "Pause", timeout=30000)
        assert re.search(r"[\d,]+ / [\d,]+ passages embedded", status.label.text()), status.label.text()
        assert "paused" not in status.label.text()
        assert status.label.isVisible()
        assert embedder.texts_embedded == embedded, "the window said it resumed only once a batch was done"
        assert "still indexing" in window.summary.text()
    finally:
        embedder.open()
    qtbot.waitUntil(lambda: status.label.text() == "100 files indexed", timeout=60000)


def test_the_start_page_counts_files_while_a_folder_is_indexed(qtbot, make_gui, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    services = build_services(settings, embedder=SlowEmbedder(0.1))
    session, window = make_gui(services)
    window.add_folders([str(write_folder(tmp_path / "many", 300))])
    qtbot.waitUntil(lambda: window.indexing.state == "indexing", timeout=30000)

    def files_on_page() -> int:
        shown = window.empty.body.text() if window.empty.isVisible() else ""
        found = re.match(r"([\d,]+) files? in 1 library", shown)
        return int(found.group(1).replace(",", "")) if found else 0

    # Files are stored long before their passages are embedded: the page counts them while indexing runs.
    qtbot.waitUntil(lambda: files_on_page() > 0, timeout=30000)
    assert window.indexing.state == "indexing"
    qtbot.waitUntil(lambda: files_on_page() == 300, timeout=60000)


def test_escape_leaves_no_stale_result_line(qtbot, make_gui, services, docs) -> None:  # type: ignore[no-untyped-def]
    services.libraries.add_folders([str(docs)])
    index_all(services)
    session, window = make_gui(services)
    window.search.setFocus()
    qtbot.keyClicks(window.search, "invoice")
    qtbot.waitUntil(lambda: window.final and window.model.rowCount() > 0, timeout=30000)
    assert window.summary.text().startswith(f"{window.model.rowCount()} result")
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.empty.isVisible(), timeout=30000)
    qtbot.wait(300)  # the empty query's answer arrives after the page changed
    assert window.summary.text() == ""
    assert "What are you looking for?" in window.empty.title.text()
