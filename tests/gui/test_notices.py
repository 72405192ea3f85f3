"""Errors and notices are seen: a banner for problems that need the user, room in the status bar for the rest."""

from __future__ import annotations

import socket
from pathlib import Path

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
    qtbot.waitUntil(lambda: "Added" in window.status_line.text(), timeout=10000)
    busy = Progress(
        "default", "index", 95, 121, 34, 190, 4.6, 30.0, str(docs / "a-rather-long-file-name-being-read.pdf")
    )
    window.indexing.set_progress(busy)  # the longest line indexing shows
    window.status_line.show_message(message := f"Added {docs} to library 'default'.")
    qtbot.wait(50)  # a layout pass

    assert fully_shown(window.status_line, message), (window.status_line.width(), window.statusBar().width())
    assert window.indexing.label.isVisible()
    assert window.indexing.label.width() > 150
    assert window.indexing.pause_button.isVisible()
    line, indexing = window.status_line.geometry(), window.indexing.geometry()
    assert line.right() < indexing.left(), "the notice and the indexing status overlap"
    assert inside(window.indexing.pause_button, window)


def test_opening_a_deleted_file_says_so_in_a_banner(qtbot, make_gui, services, docs) -> None:  # type: ignore[no-untyped-def]
    services.libraries.add_folders([str(docs)])
    index_all(services)
    session, window = make_gui(services)
    window.opener = SystemOpener()
    window.search.setText("invoice")
    window.run_search()
    qtbot.waitUntil(lambda: window.final and window.model.rowCount() > 0, timeout=10000)
    Path(window.results.current_hit().path).unlink()
    assert not window.notice.isVisible()

    qtbot.keyClick(window.search, Qt.Key.Key_Return)

    qtbot.waitUntil(window.notice.isVisible, timeout=2000)
    assert "no longer exists" in window.notice.label.text()
    assert window.notice.label.isVisible()
    assert window.notice.label.width() > 200
    assert window.notice.height() >= window.notice.label.fontMetrics().height()
    assert inside(window.notice, window)
    qtbot.mouseClick(window.notice.close_button, LEFT)
    assert not window.notice.isVisible()


def test_a_model_download_that_cannot_reach_the_hub_says_so(qtbot, make_gui, services, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from huggingface_hub import constants

    with socket.socket() as s:  # a port with nothing listening: as unreachable as huggingface.co offline
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "ENDPOINT", f"http://127.0.0.1:{port}")
    session, window = make_gui(services)
    picker = window.empty.picker
    qtbot.waitUntil(picker.isVisible, timeout=5000)  # the first-run page offers the models
    picker.combo.setCurrentIndex(picker.combo.findData("cde-small-v2"))
    qtbot.mouseClick(picker.download_button, LEFT)

    qtbot.waitUntil(window.notice.isVisible, timeout=10000)
    assert "Cannot reach 127.0.0.1" in window.notice.label.text()
    assert window.notice.label.width() > 200
    assert inside(window.notice, window)
