"""The result list: a delegate painting icon, title and name, folder, date, page and a highlighted two-line snippet."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop_search.gui.icons import file_icon
from desktop_search.gui.result_menu import ResultMenuSignals, result_menu
from desktop_search.gui.result_model import HitRole, ResultModel, hit_details
from desktop_search.records import Hit

Index = QModelIndex | QPersistentModelIndex

PAD = 8
ICON = 32
SNIPPET_LINES = 2


def snippet_html(hit: Hit, mark_color: str) -> str:
    """The snippet as HTML with the query's words in bold on a tinted background."""
    out, last = [], 0
    for a, b in hit.highlights:
        out.append(html.escape(hit.snippet[last:a]))
        out.append(f'<b style="background-color:{mark_color}">{html.escape(hit.snippet[a:b])}</b>')
        last = b
    out.append(html.escape(hit.snippet[last:]))
    return "".join(out)


def mark_color(palette: QPalette, amount: float = 0.4) -> str:
    """The highlight colour blended into the base colour: readable on light and dark palettes."""
    high = palette.color(QPalette.ColorRole.Highlight)
    base = palette.color(QPalette.ColorRole.Base)
    mix = QColor(
        round(base.red() * (1 - amount) + high.red() * amount),
        round(base.green() * (1 - amount) + high.green() * amount),
        round(base.blue() * (1 - amount) + high.blue() * amount),
    )
    return mix.name()


class ResultDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        line = option.fontMetrics.lineSpacing()
        return QSize(200, PAD * 2 + line * (2 + SNIPPET_LINES) + 4)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        hit: Hit = index.data(HitRole)
        painter.save()
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            opt = QStyleOptionViewItem(option)
            self.initStyleOption(opt, index)
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        active = option.state & QStyle.StateFlag.State_Active
        group = QPalette.ColorGroup.Active if active else QPalette.ColorGroup.Inactive
        text = option.palette.color(group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        muted = text if selected else option.palette.color(group, QPalette.ColorRole.PlaceholderText)
        rect = option.rect.adjusted(PAD, PAD, -PAD, -PAD)
        file_icon(hit.path).paint(painter, QRect(rect.left(), rect.top(), ICON, ICON))
        left, width = rect.left() + ICON + PAD, rect.right() - rect.left() - ICON - PAD
        line = option.fontMetrics.lineSpacing()
        self._paint_heading(painter, option, hit, QRect(left, rect.top(), width, line), (text, muted))
        painter.setFont(option.font)
        painter.setPen(muted)
        details = option.fontMetrics.elidedText(hit_details(hit), Qt.TextElideMode.ElideMiddle, width)
        painter.drawText(QRect(left, rect.top() + line, width, line), Qt.AlignmentFlag.AlignLeft, details)
        box = QRect(left, rect.top() + 2 * line + 4, width, line * SNIPPET_LINES)
        self._paint_snippet(painter, option, hit, box, text)
        painter.restore()

    def _paint_heading(
        self, painter: QPainter, option: QStyleOptionViewItem, hit: Hit, box: QRect, colors: tuple[QColor, QColor]
    ) -> None:
        """The title in bold with the file name beside it in the muted colour; the file name alone in bold."""
        bold = QFont(option.font)
        bold.setBold(True)
        bold_metrics, name = QFontMetrics(bold), Path(hit.path).name
        name_width = min(option.fontMetrics.horizontalAdvance(name), box.width() // 3) if hit.title else 0
        heading = bold_metrics.elidedText(
            hit.title or name,
            Qt.TextElideMode.ElideRight if hit.title else Qt.TextElideMode.ElideMiddle,
            box.width() - (name_width + PAD if hit.title else 0),
        )
        painter.setFont(bold)
        painter.setPen(colors[0])
        painter.drawText(box, Qt.AlignmentFlag.AlignLeft, heading)
        if hit.title:
            shift = bold_metrics.horizontalAdvance(heading) + PAD
            painter.setFont(option.font)
            painter.setPen(colors[1])
            rest = box.adjusted(shift, 0, 0, 0)
            elided = option.fontMetrics.elidedText(name, Qt.TextElideMode.ElideMiddle, rest.width())
            painter.drawText(rest, Qt.AlignmentFlag.AlignLeft, elided)

    def _paint_snippet(
        self, painter: QPainter, option: QStyleOptionViewItem, hit: Hit, box: QRect, color: QColor
    ) -> None:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(0)
        doc.setHtml(snippet_html(hit, mark_color(option.palette)))
        doc.setTextWidth(box.width())
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, color)
        local = QRect(0, 0, box.width(), box.height())
        context.clip = local.toRectF()
        painter.save()
        painter.translate(box.topLeft())
        painter.setClipRect(local)
        doc.documentLayout().draw(painter, context)
        painter.restore()


class ResultList(QListView):
    """Keyboard-first result list: Enter opens, Ctrl+Enter reveals in the file manager; a right-click menu."""

    openRequested = Signal(object)  # Hit
    revealRequested = Signal(object)  # Hit
    leaveUp = Signal()  # Up on the first row: back to the search field

    def __init__(self, model: ResultModel) -> None:
        super().__init__()
        self.setModel(model)
        self.setItemDelegate(ResultDelegate(self))
        self.setUniformItemSizes(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setAccessibleName("Search results")
        self.activated.connect(self._on_activated)
        self.menu_signals = ResultMenuSignals()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        index = self.indexAt(event.pos())
        if not index.isValid():
            return
        self.setCurrentIndex(index)
        menu = result_menu(index.data(HitRole), self.menu_signals, self)
        menu.exec(event.globalPos())
        menu.deleteLater()  # one menu per right-click: not kept as a child of the list

    def current_hit(self) -> Hit | None:
        index = self.currentIndex()
        return index.data(HitRole) if index.isValid() else None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        hit = self.current_hit()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and hit is not None:
            if mods & Qt.KeyboardModifier.ControlModifier:
                self.revealRequested.emit(hit)
            else:
                self.openRequested.emit(hit)
            return
        if key == Qt.Key.Key_Up and self.currentIndex().row() <= 0:
            self.leaveUp.emit()
            return
        super().keyPressEvent(event)

    def _on_activated(self, index: QModelIndex) -> None:
        # Enter is handled above; this is a double-click (or a platform's single-click activation).
        hit = index.data(HitRole)
        if hit is not None:
            self.openRequested.emit(hit)
