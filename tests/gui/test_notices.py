"""Errors and notices are seen: a banner for problems that need the user, room in the status bar for the rest."""

from __future__ import annotations

import os
import socket
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from desktop_search.gui.opener import SystemOpener
from desktop_search.records import Progress
from tests.conftest import index_all

LEFT = Qt.MouseButton.LeftButton


def fully_shown(label: QWidget, text: str) -> bool:
    """The whole text fits in the label as laid out, and the label is on screen."""
    return label.isVisible() and label.width() >= label.fontMetrics().horizontalAdvance(text)  # type: ignore[attr-defined]


def inside(child: QWidget, parent: QWidget) -> bool:
    top_left = child.mapTo(parent, child.rect().topLeft())
    return parent.rect().contains(top_left) and parent.rect().contains(child.mapTo(parent, child.rect().bottomRight()))


def test_notices_have_room_beside_a_busy_indexing_status(qtbot, make_gui, services, docs) -> None:  # type: ignore[no-untyped-def]
    session, window = make_gui(services)
    window.add_folders([str(docs)])
    qtbot.waitUntil(lambda: "Added" in window.status_line.text(), timeout=30000)
    # The real run ends first, so that its own reports do not replace the line set below.
    qtbot.waitUntil(lambda: window.indexing.label.text() == "8 files indexed", timeout=30000)
    busy = Progress(
        "default", "index", 95, 121, 34, 190, 4.6, 30.0, str(docs / "a-rather-long-file-name-being-read.pdf")
    )
    window.indexing.set_state("indexing")
    window.indexing.set_progress(busy)  # the longest line indexing shows
    window.status_line.show_message(message := f"Added {docs} to library 'default'.")

    # Once laid out (a pass or two of the event loop): the whole notice, and room left for indexing.
    qtbot.waitUntil(lambda: fully_shown(window.status_line, message) and window.indexing.label.width() > 150)
    assert window.indexing.label.text().startswith("Indexing 'default': 95 / 121 files")
    assert window.indexing.label.isVisible()
    assert window.indexing.pause_button.isVisible()
    line, indexing = window.status_line.geometry(), window.indexing.geometry()
    assert line.right() < indexing.left(), "the notice and the indexing status overlap"
    assert inside(window.indexing.pause_button, window)


def results_for_invoice(qtbot, make_gui, services, docs):  # type: ignore[no-untyped-def]
    """A window with the system's opener, showing the results for "invoice"."""
    services.libraries.add_folders([str(docs)])
    index_all(services)
    session, window = make_gui(services)
    window.opener = SystemOpener()
    window.search.setText("invoice")
    window.run_search()
    qtbot.waitUntil(lambda: window.final and window.model.rowCount() > 0, timeout=30000)
    return window


def test_opening_a_deleted_file_says_so_in_a_banner(qtbot, make_gui, services, docs) -> None:  # type: ignore[no-untyped-def]
    window = results_for_invoice(qtbot, make_gui, services, docs)
    Path(window.results.current_hit().path).unlink()
    assert not window.notice.isVisible()

    qtbot.keyClick(window.search, Qt.Key.Key_Return)

    qtbot.waitUntil(window.notice.isVisible, timeout=30000)
    assert "no longer exists" in window.notice.label.text()
    assert window.notice.label.isVisible()
    assert window.notice.label.width() > 200
    assert window.notice.height() >= window.notice.label.fontMetrics().height()
    assert inside(window.notice, window)
    qtbot.mouseClick(window.notice.close_button, LEFT)
    assert not window.notice.isVisible()


def unreachable_hub(monkeypatch: pytest.MonkeyPatch) -> None:
    """Downloads go to a port with nothing listening: as unreachable as huggingface.co offline."""
    from huggingface_hub import constants

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "ENDPOINT", f"http://127.0.0.1:{port}")


def test_a_model_download_that_cannot_reach_the_hub_says_so(qtbot, make_gui, services, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    unreachable_hub(monkeypatch)
    session, window = make_gui(services)
    picker = window.empty.picker
    qtbot.waitUntil(picker.isVisible, timeout=30000)  # the first-run page offers the models
    picker.combo.setCurrentIndex(picker.combo.findData("cde-small-v2"))
    qtbot.mouseClick(picker.download_button, LEFT)

    qtbot.waitUntil(window.notice.isVisible, timeout=30000)
    assert "Cannot reach 127.0.0.1" in window.notice.label.text()
    assert window.notice.label.width() > 200
    assert inside(window.notice, window)


def test_the_library_manager_says_why_a_download_failed_and_keeps_the_chosen_model(  # type: ignore[no-untyped-def]
    qtbot, make_gui, services, docs, monkeypatch
) -> None:
    """The manager is a dialog over the window, whose banner it hides: the reason is said beside its Download
    button. The model chosen there stays chosen while statuses refresh (they did every few seconds while indexing,
    and put the library's model back, note and all)."""
    unreachable_hub(monkeypatch)
    services.libraries.add_folders([str(docs)])
    session, window = make_gui(services)
    manager = session.open_library_manager(window)
    qtbot.waitUntil(lambda: manager.status.text().startswith("0 files indexed"), timeout=30000)
    picker = manager.picker
    picker.combo.setCurrentIndex(picker.combo.findData("cde-small-v2"))

    session.index_worker.index()  # indexing ends with new statuses for the manager
    qtbot.waitUntil(lambda: manager.status.text().startswith(f"{len(list(docs.rglob('*.*')))} files"), timeout=20000)
    assert picker.combo.currentText().startswith("cde-small-v2")
    assert picker.download_button.isVisible()

    qtbot.mouseClick(picker.download_button, LEFT)
    qtbot.waitUntil(lambda: "Cannot reach 127.0.0.1" in picker.note.text(), timeout=30000)
    assert picker.note.isVisible()
    assert picker.note.text().startswith("Download failed:")
    assert picker.note.height() >= picker.note.heightForWidth(picker.note.width())  # every line of the reason
    assert inside(picker.note, manager)
    assert picker.combo.currentText().startswith("cde-small-v2")


def fake_xdg_open(folder: Path, code: int) -> Path:
    """An xdg-open that notes the path it was asked to open and exits with `code`: 3 is what xdg-open says when
    no application is set up for the file's type (a desktop without one, as under Xvfb)."""
    folder.mkdir()
    tool = folder / "xdg-open"
    tool.write_text(f'#!/bin/sh\necho "$1" >> "{folder / "asked"}"\nexit {code}\n')
    tool.chmod(0o755)
    return folder / "asked"


def open_first_result(qtbot, make_gui, services, docs):  # type: ignore[no-untyped-def]
    window = results_for_invoice(qtbot, make_gui, services, docs)
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    return window, window.results.current_hit().path


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="xdg-open opens files on Linux and BSD")
def test_a_file_no_application_can_open_says_so_in_a_banner(  # type: ignore[no-untyped-def]
    qtbot, make_gui, services, docs, tmp_path, monkeypatch
) -> None:
    asked = fake_xdg_open(tmp_path / "bin", 3)
    monkeypatch.setenv("PATH", f"{asked.parent}{os.pathsep}{os.environ['PATH']}")
    window, path = open_first_result(qtbot, make_gui, services, docs)

    qtbot.waitUntil(window.notice.isVisible, timeout=15000)
    assert asked.read_text().splitlines() == [path]
    assert f"No application is set up to open {Path(path).name}" in window.notice.label.text()
    assert window.notice.label.width() > 200
    assert inside(window.notice, window)


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="xdg-open opens files on Linux and BSD")
def test_a_file_that_opens_shows_no_banner(qtbot, make_gui, services, docs, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    asked = fake_xdg_open(tmp_path / "bin", 0)
    monkeypatch.setenv("PATH", f"{asked.parent}{os.pathsep}{os.environ['PATH']}")
    window, path = open_first_result(qtbot, make_gui, services, docs)

    qtbot.waitUntil(lambda: asked.exists() and not any(t.name == "open-watch" for t in threading.enumerate()))
    qtbot.wait(100)  # the watcher's word, had it one, would be on its way to the window
    assert asked.read_text().splitlines() == [path]
    assert not window.notice.isVisible()
