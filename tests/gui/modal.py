"""Answering modal dialogs in tests as a user would: wait until one is on screen, then act on it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget


def when_shown(kind: type[QWidget], act: Callable[[QWidget], None], seen: list[QWidget]) -> Callable[[], None]:
    """Once a modal dialog of this kind is on screen, record it and act on it (as the user would). Returns what
    stops the watch, for a test where the dialog must not come (else it would answer a later test's)."""
    stopped: list[bool] = []

    def poll() -> None:
        if stopped:
            return
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget.isVisible():
            seen.append(widget)
            act(widget)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    return lambda: stopped.append(True)
