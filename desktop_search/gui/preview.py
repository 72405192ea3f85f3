"""The preview pane: the matched passage in its surrounding text, highlighted, with its page."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QTextBrowser, QVBoxLayout, QWidget

from desktop_search.core.snippets import find_words
from desktop_search.gui.result_model import hit_details, hit_heading
from desktop_search.gui.results_view import mark_color
from desktop_search.gui.search_worker import PreviewText
from desktop_search.records import Hit


def _marked(text: str, spans: list[tuple[int, int]], color: str) -> str:
    out, last = [], 0
    for a, b in spans:
        if a < last:
            continue
        out += [html.escape(text[last:a]), f'<b style="background-color:{color}">{html.escape(text[a:b])}</b>']
        last = b
    out.append(html.escape(text[last:]))
    return "".join(out)


def preview_html(preview: PreviewText, words: tuple[str, ...], word_color: str, passage_color: str) -> str:
    """The excerpt as HTML: the passage on a tinted background, the query's words marked everywhere."""
    text, hit = preview.text, preview.hit
    if preview.offset < 0:
        a, b = 0, len(text)
    else:
        a = max(0, min(len(text), hit.start - preview.offset))
        b = max(a, min(len(text), hit.end - preview.offset))
    lead = ""
    if preview.offset > 0:  # the excerpt starts mid-text: begin at a word
        space = text.find(" ", 0, min(a, 40))
        text, a, b = text[space + 1 :], a - space - 1, b - space - 1
        lead = "… "
    parts = []
    for start, end, inside in ((0, a, False), (a, b, True), (b, len(text), False)):
        piece = text[start:end]
        marked = _marked(piece, find_words(piece, words), word_color)
        if inside:
            marked = f'<a name="match"></a><span style="background-color:{passage_color}">{marked}</span>'
        parts.append(marked)
    return f'<div style="white-space: pre-wrap">{lead}{"".join(parts)}</div>'


class PreviewPane(QWidget):
    """Shows the current hit; Open and Reveal act on it."""

    openRequested = Signal(object)  # Hit
    revealRequested = Signal(object)  # Hit

    def __init__(self) -> None:
        super().__init__()
        self.hit: Hit | None = None
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.details = QLabel()
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        for label in (self.title, self.details):  # a long file name must not widen the pane
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.text.setAccessibleName("Preview of the matched passage")
        self.open_button = QPushButton("Open")
        self.open_button.setToolTip("Open in its application (Enter)")
        self.reveal_button = QPushButton("Show in folder")
        self.reveal_button.setToolTip("Reveal in the file manager (Ctrl+Enter)")
        self.open_button.clicked.connect(lambda: self.hit and self.openRequested.emit(self.hit))
        self.reveal_button.clicked.connect(lambda: self.hit and self.revealRequested.emit(self.hit))
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.reveal_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)
        self.clear()

    def clear(self) -> None:
        self.hit = None
        self.title.setText("")
        self.details.setText("")
        self.text.setPlainText("")
        self.open_button.setEnabled(False)
        self.reveal_button.setEnabled(False)

    def show_preview(self, preview: PreviewText, words: tuple[str, ...]) -> None:
        hit = preview.hit
        self.hit = hit
        self.title.setText(hit_heading(hit))
        self.title.setToolTip(hit.path)
        self.details.setText(hit_details(hit) + f"  ·  library {hit.library}")
        palette = self.palette()
        passage = mark_color(palette, 0.14)
        self.text.setHtml(preview_html(preview, words, mark_color(palette), passage))
        self.text.scrollToAnchor("match")
        self.open_button.setEnabled(True)
        self.reveal_button.setEnabled(True)
