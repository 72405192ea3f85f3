"""The search field's help: the query language (core.query.SYNTAX) in a popup under the field (F1 or "?")."""

from __future__ import annotations

import html

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QStyle, QVBoxLayout, QWidget

from desktop_search.core.query import SYNTAX


def help_html() -> str:
    rows = "".join(
        f'<tr><td style="padding-right:16px"><code>{html.escape(typed)}</code></td><td>{html.escape(finds)}</td></tr>'
        for typed, finds in SYNTAX
    )
    return (
        "<b>Search syntax</b><table>" + rows + "</table>"
        "<p>Operators of one kind are alternatives; different kinds must all hold. Operators alone list the "
        "newest files they allow. Anything else with a colon is searched as words.</p>"
    )


class QueryHelp(QFrame):
    """A popup that closes on a click elsewhere or Esc."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel(help_html())
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAccessibleName("Search syntax")
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)

    def show_under(self, field: QLineEdit) -> None:
        self.adjustSize()
        self.move(field.mapToGlobal(QPoint(0, field.height())))
        self.show()


def add_help(field: QLineEdit) -> QueryHelp:
    """A "?" button inside the field and F1 open the help; the field's tooltip says so."""
    popup = QueryHelp(field)
    icon = field.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxQuestion)
    action = QAction(icon, "Search syntax (F1)", field)
    action.triggered.connect(lambda: popup.show_under(field))
    field.addAction(action, QLineEdit.ActionPosition.TrailingPosition)
    QShortcut(QKeySequence("F1"), field, lambda: popup.show_under(field), context=Qt.ShortcutContext.WindowShortcut)
    field.setToolTip('Words, "exact phrases", -exclusions, type:pdf, in:Folder, after:2024-01-01 … (F1 for all)')
    return popup
