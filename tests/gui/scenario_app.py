"""The first hour of a new user, run inside the real app (`desktop-search gui`, the bundled MiniLM) on a real
X desktop: empty home → add a folder → type a query while indexing → a file written meanwhile appears without
retyping → its preview → an error shown where it is seen. Each step prints "ok STEP" or "fail STEP: why";
then "ready to quit", and the test quits the app with Ctrl+Q through the window manager (tests/gui/test_scenario.py).

Usage: python -m tests.gui.scenario_app DATA_HOME FOLDER_NAME
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDir, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

from desktop_search.cli import main
from desktop_search.gui.app import application
from desktop_search.gui.main_window import MainWindow

QUERY = "kayak fjord"
KAYAK = "# Kayak trip\n\nPaddling the fjord at dawn, with seals on the rocks and rain coming in from the west.\n"

Check = Callable[[], object]


def say(line: str) -> None:
    print(line, flush=True)


class Scenario:
    """Steps run one after another from the event loop; each waits (polling) for what a person would see."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.window: MainWindow | None = None
        self.steps: list[tuple[str, Callable[[], None], Check, float]] = [
            ("first-run page", lambda: None, self._first_run_page, 60),
            ("tray icon", lambda: None, self._tray_shown, 20),
            ("folder dialog at home", self._click_add_folders, self._dialog_at_home, 10),
            ("indexing under way", self._choose_folder, self._indexing, 60),
            ("nothing found for it yet", self._type_query, self._nothing_yet, 30),
            ("the right file without retyping", self._write_kayak, self._kayak_first, 90),
            ("its preview", lambda: None, self._preview_shows_kayak, 15),
            ("a visible error", self._open_deleted_file, self._banner_says_gone, 10),
        ]
        self.deadline = 0.0

    def start(self) -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        if not windows:
            QTimer.singleShot(100, self.start)
            return
        self.window = windows[0]
        self._next()

    def _next(self) -> None:
        if not self.steps:
            say("ready to quit")
            return
        name, action, check, timeout = self.steps[0]
        try:
            action()
        except Exception as exc:  # the step cannot even start: say why
            say(f"fail {name}: {exc!r}")
            return
        self.deadline = time.monotonic() + timeout
        self._poll()

    def _poll(self) -> None:
        name, _, check, timeout = self.steps[0]
        try:
            done = check()
        except Exception as exc:
            say(f"fail {name}: {exc!r}")
            return
        if done:
            say(f"ok {name}")
            self.steps.pop(0)
            QTimer.singleShot(0, self._next)
        elif time.monotonic() > self.deadline:
            say(f"fail {name}: not seen within {timeout:.0f} s")
        else:
            QTimer.singleShot(100, self._poll)

    @property
    def w(self) -> MainWindow:
        assert self.window is not None
        return self.window

    # -- what is done ------------------------------------------------------------------------

    def _click_add_folders(self) -> None:
        # A click on the button: it opens a modal dialog, whose own event loop keeps running these checks.
        QTimer.singleShot(0, lambda: QTest.mouseClick(self.w.empty.add_button, Qt.MouseButton.LeftButton))

    def _choose_folder(self) -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QFileDialog)
        name = dialog.findChild(QLineEdit, "fileNameEdit")
        QTest.keyClicks(name, self.folder.name)
        QTest.keyClick(name, Qt.Key.Key_Return)

    def _type_query(self) -> None:
        QTest.keyClick(self.w, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClicks(self.w.search, QUERY)

    def _write_kayak(self) -> None:
        (self.folder / "trips").mkdir()
        (self.folder / "trips" / "kayak.md").write_text(KAYAK, encoding="utf-8")

    def _open_deleted_file(self) -> None:
        (self.folder / "trips" / "kayak.md").unlink()  # moved away by the user meanwhile
        QTest.keyClick(self.w.search, Qt.Key.Key_Return)  # Enter opens the selected result

    # -- what is seen ------------------------------------------------------------------------

    def _first_run_page(self) -> bool:
        w = self.w
        return w.isVisible() and w.empty.isVisible() and w.empty.add_button.isVisible()

    def _tray_shown(self) -> bool:
        tray = self.w.session.tray
        return tray is not None and tray.isVisible()

    def _dialog_at_home(self) -> bool:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog) or not dialog.isVisible():
            return False
        if dialog.directory().absolutePath() != QDir.homePath():
            raise AssertionError(f"the dialog opened at {dialog.directory().absolutePath()}, not {QDir.homePath()}")
        return True

    def _indexing(self) -> bool:
        return self.w.indexing.state == "indexing" and self.w.indexing.label.isVisible()

    def _nothing_yet(self) -> bool:
        """The page in place of results says indexing is under way while it is; once done, that nothing matched.
        (Which one is seen depends on the machine's speed: on a quick one the run may end before the query's
        meaning is ranked. The page must never say the other thing.)"""
        w, empty = self.w, self.w.empty
        if not (empty.isVisible() and w.final):
            return False
        title, body = empty.title.text(), empty.body.text()
        if w.indexing.state == "indexing":
            return "Nothing found yet" in title and "under way" in body
        return w.indexing.state == "idle" and title.startswith("No results for")

    def _kayak_first(self) -> bool:
        w = self.w
        if w.search.text() != QUERY:
            raise AssertionError(f"the search field says {w.search.text()!r}")
        hit = w.model.hit(0)
        return w.results.isVisible() and hit is not None and hit.path.endswith("kayak.md")

    def _preview_shows_kayak(self) -> bool:
        preview = self.w.preview
        return preview.isVisible() and "Paddling the fjord" in preview.text.toPlainText()

    def _banner_says_gone(self) -> bool:
        notice = self.w.notice
        return notice.isVisible() and "no longer exists" in notice.label.text() and notice.label.width() > 200


if __name__ == "__main__":
    application()  # the app's own QApplication, which gui_main then uses: the steps need its event loop
    home, folder = Path(sys.argv[1]), Path(QDir.homePath()) / sys.argv[2]
    scenario = Scenario(folder)
    QTimer.singleShot(0, scenario.start)  # runs once the app's event loop does
    sys.exit(main(["--home", str(home), "gui"]))
