"""Searching from the window: results as you type, the passage previewed, Enter opens, empty states help."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop_search.services import Services, build_services
from desktop_search.settings import Settings
from tests.conftest import index_all


@pytest.fixture
def indexed(services: Services, docs: Path) -> Services:
    services.libraries.add_folders([str(docs)])
    index_all(services)
    return services


def _type(qtbot, window, text: str) -> None:  # type: ignore[no-untyped-def]
    window.search.setFocus()
    qtbot.keyClicks(window.search, text)


def test_typing_shows_keyword_then_fused_results(qtbot, make_gui, indexed) -> None:  # type: ignore[no-untyped-def]
    session, window = make_gui(indexed)
    assert window.search.hasFocus()
    modes: list[str] = []
    session.search_bridge.results.connect(lambda _g, mode, _h, _f: modes.append(mode))
    _type(qtbot, window, "INV-2023-0042")
    qtbot.waitUntil(lambda: window.model.mode == "hybrid" and window.final, timeout=30000)
    top = window.model.hit(0)
    assert top is not None
    assert top.path.endswith("invoice-march.txt")
    assert modes.index("keyword") < modes.index("hybrid"), modes
    assert "results" in window.summary.text()
    assert window.stack.currentWidget() is window.results
    qtbot.waitUntil(lambda: window.preview.hit is not None, timeout=30000)
    assert "Amount due" in window.preview.text.toPlainText()


def test_typing_is_debounced_into_one_search(qtbot, make_gui, indexed) -> None:  # type: ignore[no-untyped-def]
    session, window = make_gui(indexed)
    submitted: list[str] = []
    real_submit = session.search_worker.submit
    session.search_worker.submit = lambda request: (submitted.append(request.text), real_submit(request))
    _type(qtbot, window, "sourdough")
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=30000)
    assert submitted == ["sourdough"]


def test_stale_results_are_ignored(qtbot, make_gui, indexed) -> None:  # type: ignore[no-untyped-def]
    _session, window = make_gui(indexed)
    _type(qtbot, window, "bread")
    qtbot.waitUntil(lambda: window.final and window.model.rowCount() > 0, timeout=30000)
    before = [window.model.hit(i) for i in range(window.model.rowCount())]
    window._on_results(window.generation - 1, "hybrid", [], True)
    assert [window.model.hit(i) for i in range(window.model.rowCount())] == before


def test_enter_opens_and_ctrl_enter_reveals(qtbot, make_gui, indexed, opener) -> None:  # type: ignore[no-untyped-def]
    _session, window = make_gui(indexed)
    _type(qtbot, window, "tomatoes basil")
    qtbot.waitUntil(lambda: window.final and window.model.rowCount() > 0, timeout=30000)
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert opener.opened
    assert opener.opened[-1].endswith("garden.md")
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    assert window.results.hasFocus()
    qtbot.keyClick(window.results, Qt.Key.Key_Return)
    qtbot.keyClick(window.results, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(opener.opened) == 2
    assert opener.revealed == [opener.opened[0]]


def test_enter_typed_ahead_of_the_results_searches_and_never_opens_the_last_querys_file(  # type: ignore[no-untyped-def]
    qtbot, make_gui, indexed, opener
) -> None:
    _session, window = make_gui(indexed)
    _type(qtbot, window, "tomatoes basil")
    qtbot.waitUntil(lambda: window.final and window.model.rowCount() > 0, timeout=30000)
    window.search.selectAll()
    _type(qtbot, window, "sourdough")  # garden.md, the last query's best, is still the selected row on screen
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.keyClick(window.search, Qt.Key.Key_Return)  # still ahead of the results: nothing to open yet
    assert opener.opened == []
    qtbot.waitUntil(lambda: window.final and window.results.current_hit() is not None, timeout=30000)
    assert window.results.current_hit().path.endswith("bread.txt")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)  # now the list is the query's: Enter opens its best file
    assert [Path(p).name for p in opener.opened] == ["bread.txt"]


def test_shortcuts_focus_the_search_field(qtbot, make_gui, indexed) -> None:  # type: ignore[no-untyped-def]
    _session, window = make_gui(indexed)
    window.results.setFocus()
    assert not window.search.hasFocus()
    qtbot.keyClick(window.results, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()
    window.results.setFocus()
    qtbot.keyClick(window.results, Qt.Key.Key_Slash)
    assert window.search.hasFocus()


def test_no_libraries_invites_to_add_folders(qtbot, make_gui, services) -> None:  # type: ignore[no-untyped-def]
    _session, window = make_gui(services)
    qtbot.waitUntil(lambda: window.empty.kind == "no-libraries", timeout=30000)
    assert window.stack.currentWidget() is window.empty
    assert window.empty.add_button.isVisible()
    assert window.empty.picker.isVisible()
    assert window.empty.picker.is_ready()


def test_no_results_suggests_words_only_and_clear_filters(qtbot, make_gui, indexed) -> None:  # type: ignore[no-untyped-def]
    _session, window = make_gui(indexed)
    qtbot.waitUntil(lambda: window.empty.kind == "type-to-search", timeout=30000)
    window.filters.file_type.setCurrentText("PDF")
    _type(qtbot, window, "tomatoes")
    qtbot.waitUntil(lambda: window.empty.kind == "no-results", timeout=30000)
    assert window.empty.keyword_button.isVisible()
    assert window.empty.clear_button.isVisible()
    qtbot.mouseClick(window.empty.keyword_button, Qt.MouseButton.LeftButton)
    assert window.filters.mode_key() == "keyword"
    qtbot.mouseClick(window.empty.clear_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=30000)
    assert window.model.hit(0).path.endswith("garden.md")


def test_punctuation_alone_says_there_is_nothing_to_search_for(qtbot, make_gui, indexed) -> None:  # type: ignore[no-untyped-def]
    """Not 'No results, try exact words only' with a button that finds nothing either."""
    _session, window = make_gui(indexed)
    qtbot.waitUntil(lambda: window.empty.isVisible() and "looking for" in window.empty.title.text(), timeout=30000)
    _type(qtbot, window, "?!")
    qtbot.waitUntil(lambda: window.empty.title.text() == "Nothing to search for in “?!”", timeout=30000)
    assert window.empty.isVisible()
    assert window.empty.body.isVisible()
    assert "letters or digits" in window.empty.body.text()
    assert not window.empty.keyword_button.isVisible()


def test_folder_and_library_filters(qtbot, make_gui, indexed, docs) -> None:  # type: ignore[no-untyped-def]
    _session, window = make_gui(indexed)
    qtbot.waitUntil(lambda: window.filters.folder.count() > 2, timeout=30000)
    window.filters._select_folder(str(docs / "finance"))
    _type(qtbot, window, "the")
    qtbot.waitUntil(lambda: window.final and window.model.rowCount() > 0, timeout=30000)
    paths = [window.model.hit(i).path for i in range(window.model.rowCount())]
    assert paths
    assert all("/finance/" in p for p in paths)


@pytest.mark.slow
def test_real_model_finds_a_paraphrase(qtbot, make_gui, settings: Settings, docs: Path, minilm) -> None:  # type: ignore[no-untyped-def]
    services = build_services(settings, embedder=minilm)
    services.libraries.add_folders([str(docs)])
    index_all(services)
    _session, window = make_gui(services)
    _type(qtbot, window, "moving our servers to another hosting company")
    qtbot.waitUntil(lambda: window.model.mode == "hybrid" and window.final, timeout=30000)
    assert window.model.hit(0).path.endswith("minutes.rst")
