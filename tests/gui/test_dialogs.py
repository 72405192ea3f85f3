"""The library manager, the model picker's download, the settings dialog and the crash dialog."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QStyle, QWidget

from desktop_search.gui.crash import LOG_NAME, setup_log_file
from desktop_search.gui.model_picker import ModelPicker
from desktop_search.settings import Settings
from tests.conftest import index_all
from tests.gui.modal import when_shown

LEFT = Qt.MouseButton.LeftButton


def _button(parent: QWidget, text: str) -> QPushButton:
    return next(b for b in parent.findChildren(QPushButton) if b.text() == text)


def _status(window):  # type: ignore[no-untyped-def]
    return window.statuses[0] if window.statuses else None


def test_library_manager_adds_excludes_and_removes_folders(qtbot, make_gui, services, docs, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    services.libraries.add_folders([str(docs / "work")])
    index_all(services)
    session, window = make_gui(services)
    qtbot.waitUntil(lambda: _status(window) is not None, timeout=30000)
    manager = session.open_library_manager(window)
    assert manager.current() == "default"
    assert [manager.folders.item(i).text() for i in range(manager.folders.count())] == [str(docs / "work")]
    assert "2 files indexed" in manager.status.text()

    def choose_notes(dialog: QWidget) -> None:
        assert isinstance(dialog, QFileDialog)
        dialog.selectFile(str(docs / "notes"))
        dialog.accept()

    when_shown(QFileDialog, choose_notes, [])
    add = _button(manager, "Add folder…")
    qtbot.mouseClick(add, LEFT)
    qtbot.waitUntil(lambda: manager.folders.count() == 2 and _status(window).files == 3, timeout=30000)

    manager.exclusions.setPlainText("*.md")
    save = _button(manager, "Save exclusions")
    qtbot.mouseClick(save, LEFT)
    qtbot.waitUntil(lambda: _status(window).files == 1, timeout=30000)  # only minutes.rst is left
    assert session.records[0].exclusions == ("*.md",)

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    manager.folders.setCurrentRow(0)
    remove = _button(manager, "Remove folder")
    qtbot.mouseClick(remove, LEFT)
    qtbot.waitUntil(lambda: manager.folders.count() == 1, timeout=30000)


def test_changing_a_librarys_model_records_it_and_reindexes(qtbot, make_gui, services, docs) -> None:  # type: ignore[no-untyped-def]
    services.libraries.add_folders([str(docs / "work")])
    index_all(services)
    session, window = make_gui(services)
    qtbot.waitUntil(lambda: _status(window) is not None, timeout=30000)
    messages: list[str] = []
    session.index_bridge.message.connect(messages.append)
    session.commands.set_model("default", "cadet-embed-base-v1")  # the fake embedder stands in for any model
    qtbot.waitUntil(lambda: _status(window).model_id == "cadet-embed-base-v1", timeout=30000)
    qtbot.waitUntil(lambda: _status(window).pending == 0 and _status(window).files == 2, timeout=30000)
    assert any("'default' now uses cadet-embed-base-v1" in m for m in messages)


def test_the_picker_shows_each_models_languages(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    picker = ModelPicker(tmp_path / "models", current="multilingual-e5-small")
    qtbot.addWidget(picker)
    picker.show()
    assert picker.combo.currentText().endswith("— about 100 languages (those of XLM-RoBERTa)")
    shown = [picker.combo.itemText(i) for i in range(picker.combo.count())]
    assert any(t.startswith("all-minilm-l6-v2") and t.endswith("— English") for t in shown)
    assert any(t.startswith("paraphrase-multilingual-minilm-l12-v2") and "50+ languages" in t for t in shown)


def test_model_download_shows_progress_and_can_be_cancelled(qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    download = pytest.importorskip("desktop_search.embed.download")
    started = threading.Event()

    def fake_download(model_id, models_dir, progress=None, cancel=None, **_):  # type: ignore[no-untyped-def]
        progress(10_000_000, 40_000_000)
        started.set()
        if cancel.wait(10):
            raise download.DownloadCancelled("cancelled")
        return models_dir / model_id

    monkeypatch.setattr(download, "download_model", fake_download)
    picker = ModelPicker(tmp_path / "models", current="cde-small-v2")
    qtbot.addWidget(picker)
    picker.show()
    assert not picker.is_ready()
    assert picker.download_button.isVisible()
    qtbot.mouseClick(picker.download_button, LEFT)
    qtbot.waitUntil(lambda: picker.bar.value() == 250, timeout=30000)
    assert picker.download_button.text() == "Cancel"
    assert not picker.combo.isEnabled()
    qtbot.mouseClick(picker.download_button, LEFT)
    qtbot.waitUntil(lambda: picker.worker is None, timeout=30000)
    assert "cancelled" in picker.note.text()
    assert picker.combo.isEnabled()


def test_model_download_finishes_and_the_model_is_ready(qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    download = pytest.importorskip("desktop_search.embed.download")

    def fake_download(model_id, models_dir, progress=None, cancel=None, **_):  # type: ignore[no-untyped-def]
        target = models_dir / model_id
        target.mkdir(parents=True)
        (target / "config.json").write_text("{}")
        progress(5, 5)
        return target

    monkeypatch.setattr(download, "download_model", fake_download)
    picker = ModelPicker(tmp_path / "models", current="cde-small-v2")
    qtbot.addWidget(picker)
    picker.show()
    qtbot.mouseClick(picker.download_button, LEFT)
    qtbot.waitUntil(lambda: picker.worker is None, timeout=30000)
    assert picker.is_ready()
    assert "downloaded" in picker.note.text()
    assert not picker.download_button.isVisible()


def test_settings_are_saved_and_start_at_login_writes_an_autostart_entry(  # type: ignore[no-untyped-def]
    qtbot, make_gui, services, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    session, window = make_gui(services)
    dialog = session.open_settings(window)
    dialog.device.setCurrentIndex(dialog.device.findData("cpu"))
    dialog.threads.setValue(1)
    dialog.login.setChecked(True)
    dialog.tray.setChecked(False)
    assert not dialog.close_to_tray.isEnabled()
    dialog.accept()
    saved = json.loads(Settings.load(services.settings.home).settings_path.read_text())
    assert saved["device"] == "cpu"
    assert saved["threads"] == 1
    assert saved["start_at_login"] is True
    assert saved["tray_icon"] is False
    entry = tmp_path / "config" / "autostart" / "desktop-search.desktop"
    assert "gui --hidden" in entry.read_text()
    dialog = session.open_settings(window)
    dialog.login.setChecked(False)
    dialog.accept()
    assert not entry.exists()


@pytest.mark.allow_log(r"^indexing thread$|^unexpected error:", logger="desktop_search")
def test_a_bug_in_a_worker_is_logged_and_shown(qtbot, make_gui, services) -> None:  # type: ignore[no-untyped-def]
    session, window = make_gui(services)
    log_file = setup_log_file(services.settings.log_dir)
    assert log_file is not None
    assert log_file.name == LOG_NAME

    def broken(_services):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom in a library command")

    session.index_worker.run_command(broken)
    qtbot.waitUntil(lambda: bool(session.crash.reports), timeout=30000)
    assert "boom in a library command" in session.crash.reports[0]
    assert "boom in a library command" in log_file.read_text()
    session.crash.reports.clear()  # expected here; the fixture fails any other test that reports a crash


def test_the_library_manager_turns_following_links_on_and_off(qtbot, make_gui, services, docs, tmp_path) -> None:  # type: ignore[no-untyped-def]
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "plan.txt").write_text("The okapi enclosure opens in May.\n", encoding="utf-8")
    (docs / "plan.txt").symlink_to(outside / "plan.txt")
    services.libraries.add_folders([str(docs / "work")])
    services.libraries.add_folders([str(docs)])
    index_all(services)
    session, window = make_gui(services)
    qtbot.waitUntil(lambda: _status(window) is not None, timeout=30000)
    files = _status(window).files  # the link to a file outside the folders is not indexed
    manager = session.open_library_manager(window)
    assert manager.follow_links.isVisible()
    assert not manager.follow_links.isChecked()
    box = manager.follow_links
    on_the_box = QPoint(box.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth) // 2 + 1, box.height() // 2)
    qtbot.mouseClick(box, LEFT, pos=on_the_box)
    qtbot.waitUntil(lambda: _status(window).files == files + 1, timeout=30000)
    assert session.records[0].follow_links
    assert manager.follow_links.isChecked()
    qtbot.mouseClick(box, LEFT, pos=on_the_box)
    qtbot.waitUntil(lambda: _status(window).files == files, timeout=30000)
    assert not session.records[0].follow_links
