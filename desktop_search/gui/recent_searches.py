"""Recent searches in the search field: listed with Down in the empty field (or its clock button), picked to
search again; remembered when a search's results stay on screen a few seconds; cleared from Settings."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QStringListModel, Qt, QTimer
from PySide6.QtWidgets import QCompleter

from desktop_search.core.recent import RecentSearches
from desktop_search.gui.search_field import SearchField

log = logging.getLogger(__name__)

SETTLE_MS = 2500  # a query left this long with its results shown counts as a search made


class RecentSearchesMenu(QObject):
    def __init__(self, field: SearchField, store: RecentSearches) -> None:
        super().__init__(field)
        self.field = field
        self.store = store
        self.model = QStringListModel(store.load())
        # Not the field's own completer: that one pops up at every keystroke, over the results as they arrive.
        self.completer = QCompleter(self.model, field)
        self.completer.setWidget(field)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        popup = self.completer.popup()
        if popup is not None:
            popup.setAccessibleName("Recent searches")
        self.completer.activated.connect(self._on_picked)
        field.downPressed.connect(self._on_down)
        field.textEdited.connect(self.typing)
        self.settle = QTimer(self)
        self.settle.setSingleShot(True)
        self.settle.setInterval(SETTLE_MS)
        self.settle.timeout.connect(self.remember)

    def show_all(self) -> None:
        """The whole list under the empty field (Down, or a click into it)."""
        self.reload()
        if self.model.rowCount():
            self.completer.setCompletionPrefix("")
            self.completer.complete()

    def _on_down(self) -> None:
        if not self.field.text().strip():
            self.show_all()

    def _on_picked(self, text: str) -> None:
        self.field.setText(text)
        self.field.textEdited.emit(text)  # searched as if typed

    def reload(self) -> None:
        """Read the list again (Settings may have cleared it)."""
        self.model.setStringList(self.store.load())

    def results_shown(self) -> None:
        """A query's final results are on screen: remember it if it stays a while."""
        self.settle.start()

    def typing(self, _text: str = "") -> None:
        self.settle.stop()

    def remember(self, *_args: object) -> None:
        self.settle.stop()
        text = self.field.text()
        if not text.strip():
            return
        try:
            self.model.setStringList(self.store.add(text))
        except OSError as exc:  # a read-only data folder: searching goes on, the list just is not kept
            log.warning("recent searches not saved: %s", exc)
