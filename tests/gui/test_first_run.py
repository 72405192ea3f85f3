"""First run: "Add folders…" opens at home and takes several folders; a slow model says how long indexing these
folders takes on this computer before anything is added."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QLineEdit, QMessageBox, QPushButton, QWidget

from desktop_search.core.estimate import measure_folders
from desktop_search.embed.catalog import CATALOG
from desktop_search.gui.add_folders import time_text
from tests.conftest import index_all
from tests.gui.modal import when_shown

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def user_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "user"
    for name, text in (("Notes/garden.md", "Tomatoes need sun."), ("Papers/rail.txt", "The rail pass paid off.")):
        (home / name).parent.mkdir(parents=True, exist_ok=True)
        (home / name).write_text(text)
    monkeypatch.setenv("HOME", str(home))
    return home


def folders_in_filter(window) -> list[str]:  # type: ignore[no-untyped-def]
    combo = window.filters.folder
    return [combo.itemText(i) for i in range(combo.count())]


def test_add_folders_opens_at_home_and_takes_several(qtbot, make_gui, services, user_home: Path) -> None:  # type: ignore[no-untyped-def]
    session, window = make_gui(services)
    qtbot.waitUntil(lambda: window.empty.add_button.isVisible(), timeout=30000)
    seen: list[QWidget] = []
    where: list[str] = []

    def choose_two(dialog: QWidget) -> None:
        assert isinstance(dialog, QFileDialog)
        where.append(dialog.directory().absolutePath())
        views = [v for v in dialog.findChildren(QAbstractItemView) if v.isVisible()]
        assert views
        assert all(v.selectionMode() == QAbstractItemView.SelectionMode.ExtendedSelection for v in views)
        name = dialog.findChild(QLineEdit, "fileNameEdit")
        name.setText('"Notes" "Papers"')  # what Ctrl+clicking two folders puts there
        dialog.accept()

    when_shown(QFileDialog, choose_two, seen)
    qtbot.mouseClick(window.empty.add_button, LEFT)

    assert where == [str(user_home)]
    qtbot.waitUntil(lambda: len(folders_in_filter(window)) == 4, timeout=20000)  # Any folder, 2 folders, Choose…
    assert {str(user_home / "Notes"), str(user_home / "Papers")} <= set(folders_in_filter(window))
    qtbot.waitUntil(lambda: not window.findChildren(QFileDialog), timeout=30000)  # the closed dialog is not kept


def _pretend_downloaded(models_dir: Path, model_id: str) -> None:
    folder = models_dir / model_id
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}")
    (folder / "tokenizer.json").write_text("{}")


def _choose(picker, model_id: str) -> None:  # type: ignore[no-untyped-def]
    picker.combo.setCurrentIndex(picker.combo.findData(model_id))


def test_a_contextual_model_says_how_long_these_folders_take_before_adding(qtbot, make_gui, services, docs) -> None:  # type: ignore[no-untyped-def]
    _pretend_downloaded(services.settings.models_dir, "cde-small-v2")
    session, window = make_gui(services)
    picker = window.empty.picker
    qtbot.waitUntil(picker.isVisible, timeout=30000)
    _choose(picker, "cde-small-v2")
    assert "slower than all-minilm-l6-v2" in picker.note.text()
    assert picker.note.isVisible()
    said: list[str] = []

    def switch_to_default(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        said.append(box.text())
        default = next(b for b in box.findChildren(QPushButton) if b.text() == "Use all-minilm-l6-v2")
        default.click()

    when_shown(QMessageBox, switch_to_default, [])
    window.add_folders([str(docs)])

    assert said, "no estimate was shown"
    assert "Indexing these folders (8 files) with cde-small-v2 takes " in said[0]
    assert "; with all-minilm-l6-v2, " in said[0]
    qtbot.waitUntil(lambda: not window.findChildren(QMessageBox), timeout=30000)  # the answered box is not kept
    qtbot.waitUntil(lambda: bool(window.statuses), timeout=30000)
    assert window.statuses[0].model_id == "all-minilm-l6-v2"


def test_cancelling_at_the_estimate_adds_nothing(qtbot, make_gui, services, docs) -> None:  # type: ignore[no-untyped-def]
    _pretend_downloaded(services.settings.models_dir, "cde-small-v1")
    session, window = make_gui(services)
    qtbot.waitUntil(window.empty.picker.isVisible, timeout=30000)
    _choose(window.empty.picker, "cde-small-v1")
    when_shown(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Cancel).click(), [])  # type: ignore[attr-defined]
    window.add_folders([str(docs)])
    qtbot.wait(500)
    assert services.libraries.select(None) == []
    assert window.empty.add_button.isVisible()  # still the first-run page


def test_a_model_not_downloaded_is_said_before_folders_are_picked(qtbot, make_gui, services) -> None:  # type: ignore[no-untyped-def]
    session, window = make_gui(services)
    qtbot.waitUntil(window.empty.picker.isVisible, timeout=30000)
    _choose(window.empty.picker, "cde-small-v2")  # not on this computer
    dialogs: list[QWidget] = []
    stop_watching = when_shown(QFileDialog, lambda dialog: dialog.reject(), dialogs)  # type: ignore[attr-defined]

    qtbot.mouseClick(window.empty.add_button, LEFT)  # a folder dialog would be shown (modal) before this returns

    stop_watching()
    assert dialogs == []
    qtbot.waitUntil(window.notice.isVisible, timeout=30000)
    assert window.notice.label.text() == "Download cde-small-v2 first, or choose the offline default model."


def test_the_library_manager_says_how_long_another_model_takes(qtbot, make_gui, services, docs) -> None:  # type: ignore[no-untyped-def]
    services.libraries.add_folders([str(docs)])
    index_all(services)
    session, window = make_gui(services)
    qtbot.waitUntil(lambda: bool(window.statuses), timeout=30000)
    manager = session.open_library_manager(window)
    qtbot.waitUntil(lambda: manager.status.text() != "", timeout=30000)
    assert manager.estimate.text() == ""  # the library's own model: nothing to estimate
    _choose(manager.picker, "cde-small-v2")
    assert manager.estimate.isVisible()
    assert "Indexing 'default' again (8 files) with cde-small-v2 takes " in manager.estimate.text()


def test_an_unmeasured_speed_is_said_to_be_reckoned(docs: Path) -> None:
    size = measure_folders([str(docs)])
    assert "not measured" in time_text(CATALOG["cadet-embed-base-v1"], size, "cpu")
    assert "not measured" not in time_text(CATALOG["cde-small-v2"], size, "cpu")


def test_a_slow_models_note_on_the_first_run_page_shows_every_line(qtbot, make_gui, services) -> None:  # type: ignore[no-untyped-def]
    session, window = make_gui(services)
    picker = window.empty.picker
    qtbot.waitUntil(picker.isVisible, timeout=30000)
    picker.combo.setCurrentIndex(picker.combo.findData("cde-small-v2"))
    note = picker.note

    button = window.empty.add_button

    def whole() -> bool:  # as tall as its wrapped lines at its width (it was given two of three), above the button
        below = note.mapTo(window, note.rect().bottomLeft()).y() < button.mapTo(window, button.rect().topLeft()).y()
        return note.isVisible() and note.height() >= note.heightForWidth(note.width()) and below

    qtbot.waitUntil(whole, timeout=30000)  # once laid out
    assert note.heightForWidth(note.width()) > note.fontMetrics().lineSpacing() * 2  # three lines at this width
    assert "slower than all-minilm-l6-v2" in note.text()
    assert button.isVisible()
