"""A data folder the window cannot use: a dialog says why in one sentence and offers another folder or quit."""

from __future__ import annotations

from pathlib import Path

import apsw
import pytest
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop_search.embed.fake import HashEmbedder
from desktop_search.gui import startup
from desktop_search.gui.crash import setup_log_file
from desktop_search.gui.startup import DataFolderProblem, open_or_ask
from desktop_search.services import Services, build_services
from tests.conftest import index_all
from tests.gui.modal import when_shown
from tests.test_cli_clean_exits import _read_only as read_only

# Each test shows a data folder that cannot be used, which the app logs as a warning.
pytestmark = pytest.mark.allow_log(r"^cannot use the data folder", logger="desktop_search.gui.startup")


def problem_text(problem: QWidget) -> str:
    assert isinstance(problem, DataFolderProblem)
    return problem.text()


def bad_settings(home: Path) -> str:
    home.mkdir(parents=True)
    (home / "settings.json").write_text('{"tray_icon": "yes"}')
    return '"tray_icon": "yes", but it must be true or false'


def newer_index(home: Path) -> str:
    home.mkdir(parents=True)
    db = apsw.Connection(str(home / "index.sqlite3"))
    db.execute("PRAGMA user_version = 99")
    db.close()
    return "written by a newer version of Desktop Search"


def uncreatable(home: Path) -> str:
    home.parent.mkdir(parents=True)
    home.parent.joinpath("data").write_text("a file where the folder should be")
    return "Cannot create the data folder"


def open_choosing(home: Path, other: Path) -> tuple[str, list[type[QWidget]]]:
    """Open `home` as the app does, answering its dialog with "Choose another folder…" and `other`; returns
    what the dialog said and the dialogs seen, after checking the app opened on `other`."""
    seen: list[QWidget] = []
    texts: list[str] = []

    def choose_another(box: QWidget) -> None:
        texts.append(problem_text(box))
        when_shown(QFileDialog, pick_other, seen)
        box.choose_button.click()  # type: ignore[attr-defined]

    def pick_other(dialog: QWidget) -> None:
        assert isinstance(dialog, QFileDialog)
        dialog.selectFile(str(other))
        dialog.accept()

    when_shown(DataFolderProblem, choose_another, seen)
    services = open_or_ask(home)
    assert services is not None
    try:
        assert services.settings.home == other.resolve()
        assert (other / "index.sqlite3").exists()
    finally:
        services.close()
    return texts[0], [type(w) for w in seen]


@pytest.mark.parametrize("problem", [bad_settings, newer_index, uncreatable])
def test_the_dialog_says_why_and_another_folder_can_be_chosen(qtbot, tmp_path: Path, problem) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "blocked" / "data"
    reason = problem(home)
    (other := tmp_path / "other").mkdir()
    said, dialogs = open_choosing(home, other)
    assert reason in said
    assert said.count(". ") <= 2  # a sentence or two, not a traceback
    assert dialogs == [DataFolderProblem, QFileDialog]


def test_a_read_only_data_folder_asks_for_another(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "data"
    home.mkdir()
    (other := tmp_path / "other").mkdir()
    with read_only(home):
        said, dialogs = open_choosing(home, other)
    assert "read-only" in said
    assert dialogs == [DataFolderProblem, QFileDialog]


def test_quit_in_the_dialog_opens_nothing(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "data"
    bad_settings(home)
    seen: list[QWidget] = []
    when_shown(DataFolderProblem, lambda box: box.quit_button.click(), seen)  # type: ignore[attr-defined]
    assert open_or_ask(home) is None
    assert len(seen) == 1
    assert not (home / "index.sqlite3").exists()


def test_a_read_only_data_folder_with_an_index_is_searched_and_says_why_it_is_not_indexed(  # type: ignore[no-untyped-def]
    qtbot, make_gui, services: Services, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.libraries.add_folders([str(docs)])
    index_all(services)
    services.close()
    home = services.settings.home
    embedder = HashEmbedder()
    monkeypatch.setattr(startup, "build_services", lambda *a, **k: build_services(*a, embedder=embedder, **k))
    with read_only(home):
        opened = startup.open_services(home)  # no UserError, so open_or_ask shows no dialog
        assert setup_log_file(opened.settings.log_dir) is None  # the log goes to stderr only, without a traceback
        session, window = make_gui(opened, index_at_start=True)
        window.search.setText("invoice")
        window.run_search()
        qtbot.waitUntil(lambda: window.final and window.model.rowCount() > 0, timeout=30000)
        assert Path(window.results.current_hit().path).name == "invoice-march.txt"
        qtbot.waitUntil(window.notice.isVisible, timeout=30000)  # the indexing thread could not take the lock
        said = window.notice.label.text()
        assert "read-only" in said.lower() or "permission denied" in said.lower(), said
        assert "Search still works" in said
        assert window.notice.label.isVisible()
        assert session.shutdown()
