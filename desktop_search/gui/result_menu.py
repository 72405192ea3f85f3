"""The right-click menu of a result: open, open at page, open from the start, show in folder, copy."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, SignalInstance
from PySide6.QtWidgets import QMenu, QWidget

from desktop_search.gui.result_model import opens_at_page
from desktop_search.records import Hit


class ResultMenuSignals(QObject):
    """What the menu asks for; the window connects these to its ResultActions."""

    openRequested = Signal(object)  # Hit
    openAtPageRequested = Signal(object)
    openFromStartRequested = Signal(object)
    revealRequested = Signal(object)
    copyPathRequested = Signal(object)
    copyPassageRequested = Signal(object)


def result_menu(hit: Hit, signals: ResultMenuSignals, parent: QWidget) -> QMenu:
    """The menu for one hit; a PDF passage offers its page, and Open goes there."""
    menu = QMenu(parent)
    entries: list[tuple[str, SignalInstance]] = []
    if opens_at_page(hit):
        entries += [
            (f"Open at page {hit.page}\tEnter", signals.openAtPageRequested),
            ("Open from the first page", signals.openFromStartRequested),
        ]
    else:
        entries.append(("Open\tEnter", signals.openRequested))
    entries += [
        ("Show in folder\tCtrl+Enter", signals.revealRequested),
        ("Copy path", signals.copyPathRequested),
        ("Copy passage", signals.copyPassageRequested),
    ]
    for text, signal in entries:
        action = menu.addAction(text)
        action.triggered.connect(lambda _checked=False, s=signal: s.emit(hit))
    return menu
