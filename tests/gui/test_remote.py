"""A model on a server in the window: the picker asks before anything is sent, the status bar says where to."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_search.embed.catalog import remote_spec, set_user_models
from desktop_search.gui.model_picker import ModelPicker
from desktop_search.gui.remote_indicator import RemoteIndicator
from desktop_search.records import LibraryStatus
from desktop_search.settings import Settings

URL = "http://gpu-box.local:11434/v1"
ENTRY: dict[str, object] = {"id": "gpu-box", "url": URL, "model": "nomic-embed-text", "dim": 768, "max_tokens": 512}


@pytest.fixture
def remote_home(tmp_path: Path) -> Iterator[Path]:
    home = tmp_path / "home"
    Settings(home=home, remote_models=[ENTRY]).save()
    set_user_models([remote_spec(ENTRY, [])])
    yield home
    set_user_models([])


def _click_in_dialog(answer: QMessageBox.StandardButton, seen: list[str]) -> None:
    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, click)
            return
        seen.append(box.informativeText())
        box.button(answer).click()

    QTimer.singleShot(50, click)


def test_the_picker_lists_a_remote_model_and_asks_before_using_it(qtbot, remote_home: Path) -> None:  # type: ignore[no-untyped-def]
    picker = ModelPicker(remote_home / "models", current="gpu-box")
    qtbot.addWidget(picker)
    picker.show()
    assert picker.combo.currentText() == f"gpu-box  (on {URL}, asks first) — as the server's model"
    assert "passages of this library and your queries are sent there" in picker.note.text()
    assert "Nothing is sent until you agree." in picker.note.text()
    assert not picker.is_ready()
    assert picker.download_button.isVisible()
    assert picker.download_button.text() == "Agree…"

    seen: list[str] = []
    _click_in_dialog(QMessageBox.StandardButton.No, seen)
    qtbot.mouseClick(picker.download_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 1
    assert URL in seen[0]
    assert not picker.is_ready()
    assert Settings.load(remote_home).remote_consent == []

    with qtbot.waitSignal(picker.readyChanged) as ready:
        _click_in_dialog(QMessageBox.StandardButton.Yes, seen)
        qtbot.mouseClick(picker.download_button, Qt.MouseButton.LeftButton)
    assert ready.args == [True]
    assert Settings.load(remote_home).remote_consent == [URL]
    assert picker.combo.currentText().startswith(f"gpu-box  (on {URL}, agreed)")
    assert not picker.download_button.isVisible()


def _status(name: str, model: str) -> LibraryStatus:
    return LibraryStatus(name, model, (), 0, 0, 0, 0, 0, 0, (), None)


def test_the_status_bar_names_the_server_passages_go_to(qtbot, remote_home: Path) -> None:  # type: ignore[no-untyped-def]
    indicator = RemoteIndicator()
    qtbot.addWidget(indicator)
    indicator.show_for([_status("docs", "all-minilm-l6-v2")])
    assert not indicator.isVisible()
    indicator.show_for([_status("docs", "all-minilm-l6-v2"), _status("mail", "gpu-box")])
    assert indicator.isVisible()
    assert indicator.text() == f"Passages leave this machine for {URL}"
    assert "the libraries mail" in indicator.toolTip()


def test_turning_ocr_on_in_the_library_manager_reads_the_scanned_page(  # type: ignore[no-untyped-def]
    qtbot, make_gui, services, tmp_path: Path
) -> None:
    from tests.conftest import index_all
    from tests.core.extract.ocr_samples import page_picture, scanned_pdf

    folder = tmp_path / "scans"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(scanned_pdf([page_picture()]))
    services.libraries.add_folders([str(folder)])
    index_all(services)
    session, window = make_gui(services)
    qtbot.waitUntil(lambda: bool(window.statuses) and window.statuses[0].failed == 1, timeout=30000)
    manager = session.open_library_manager(window)
    assert manager.ocr.isVisible()
    assert not manager.ocr.isChecked()
    assert "5 CPU-seconds a page" in manager.ocr.text()
    qtbot.mouseClick(manager.ocr, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.statuses[0].files == 1 and window.statuses[0].failed == 0, timeout=120000)
    assert window.statuses[0].ocr_files == ((str(folder / "scan.pdf"), 1),)
    assert Settings.load(services.settings.home).ocr is True  # the only library
    assert manager.ocr.isChecked()
