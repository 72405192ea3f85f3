"""Where the window says things: a banner for problems that need the user, a status-bar line for the rest."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStatusBar,
    QStyle,
    QToolButton,
    QWidget,
)

MESSAGE_MS = 8000  # how long a status-bar notice stays
NO_LIMIT = 16777215  # QWIDGETSIZE_MAX


class ElidedLabel(QLabel):
    """One line of plain text that gives up width gracefully: it shows as much as fits, then "…"."""

    def __init__(self, text: str = "", min_chars: int = 12) -> None:
        super().__init__(text)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.min_chars = min_chars
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().averageCharWidth() * self.min_chars, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance(self.text()) + 8, super().sizeHint().height())

    def shown_text(self) -> str:
        """The text as painted at the current width."""
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(self.contentsRect(), align, self.shown_text())


class WrappingLabel(QLabel):
    """Word-wrapped text that gets the height of all its lines at the width it is given. (A wrapped QLabel deep
    in nested layouts is sized for its unwrapped width: its last lines were cut off.)"""

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self.setWordWrap(True)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        need = self.heightForWidth(self.width())
        if need > 0 and need != self.minimumHeight():
            self.setMinimumHeight(need)


class StatusLine(ElidedLabel):
    """Passing notices ("Added …", "Loading the model …") in the status bar's own space, beside indexing."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__(min_chars=20)
        self.setAccessibleName("Notices")
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.clear)

    def show_message(self, message: str, ms: int = MESSAGE_MS) -> None:
        self.setText(message)
        self.setToolTip(message)
        if ms > 0:
            self.timer.start(ms)
        else:
            self.timer.stop()
        self.changed.emit()

    def clear(self) -> None:
        super().clear()
        self.setToolTip("")
        self.changed.emit()


class StatusBarShare(QObject):
    """While a notice shows, it gets the room it needs and the indexing status (elided, with its full text in
    the tooltip) what is left; otherwise indexing may take the whole bar."""

    def __init__(self, bar: QStatusBar, line: StatusLine, indexing: QWidget) -> None:
        super().__init__(bar)
        self.bar, self.line, self.indexing = bar, line, indexing
        bar.installEventFilter(self)
        line.changed.connect(self.fit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def fit(self) -> None:
        text = self.line.text()
        if not text:
            self.indexing.setMaximumWidth(NO_LIMIT)
            return
        need = self.line.fontMetrics().horizontalAdvance(text) + 2 * self.line.fontMetrics().averageCharWidth()
        room = self.bar.width() - need - 40  # the size grip, margins and spacing
        self.indexing.setMaximumWidth(max(self.indexing.minimumSizeHint().width(), room))


class NoticeBar(QFrame):
    """A banner above the results for a problem the user has to act on; it stays until closed or replaced."""

    def __init__(self) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, palette.color(QPalette.ColorRole.ToolTipBase))
        palette.setColor(QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.ToolTipText))
        self.setPalette(palette)
        self.setAccessibleName("Problem")
        self.icon = QLabel()
        self.icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(24, 24))
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.action = QPushButton()
        self.action.hide()
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Dismiss")
        self.close_button.clicked.connect(self.dismiss)
        self._action: Callable[[], object] | None = None
        self.action.clicked.connect(self._on_action_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.icon)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.action)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_problem(self, message: str, action: str = "", on_action: Callable[[], object] | None = None) -> None:
        self.label.setText(message)
        self._action = on_action
        self.action.setText(action)
        self.action.setVisible(bool(action and on_action))
        self.show()

    def dismiss(self) -> None:
        self.hide()
        self.label.clear()

    def _on_action_clicked(self) -> None:
        action = self._action
        self.dismiss()
        if action is not None:
            action()
