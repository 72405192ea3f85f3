"""The search field: Down moves into the results, Escape clears, Ctrl+Enter reveals the current result."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit


class SearchField(QLineEdit):
    downPressed = Signal()
    revealPressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
            self.downPressed.emit()
        elif key == Qt.Key.Key_Escape and self.text():
            self.clear()
            self.textEdited.emit("")
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and mods & Qt.KeyboardModifier.ControlModifier:
            self.revealPressed.emit()
        else:
            super().keyPressEvent(event)
