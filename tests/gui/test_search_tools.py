"""The window's search tools on a real index (real MiniLM): filters and operators narrow inside the search, the
order can change, the preview shows the whole document and moves between its matches, a right-click menu
acts on a result, the syntax help opens, and recent searches come back."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog

from desktop_search.core.recent import RecentSearches
from desktop_search.embed.base import Embedder
from desktop_search.services import Services, build_services
from desktop_search.settings import Settings
from tests.conftest import index_all, write_documents
from tests.core.extract.samples import make_pdf

pytestmark = pytest.mark.slow  # one library of 46 files embedded with the real model, shared by the module

ARCHIVE = 40


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, minilm: Embedder) -> tuple[Path, Path]:
    """(data folder, documents): invoices in an archive, one note in a small project folder, a two-page PDF."""
    root = tmp_path_factory.mktemp("tools")
    docs = {
        f"archive/invoice-{n:03}.txt": f"Invoice {n} for consulting. Payment of this invoice is due within 30 days."
        for n in range(ARCHIVE)
    }
    docs["projects/alpha/notes.md"] = "# Alpha\n\nSomeone has to send the invoice so that payment arrives in June.\n"
    docs["notes/budget-final.txt"] = "Final budget for the year: rent, salaries and new laptops.\n"
    docs["notes/budget-draft.txt"] = "Budget draft with old numbers.\n"
    folder = write_documents(root / "docs", docs)
    pages = [
        ["Annual report", "The budget grew by four percent.", "Rent stayed the same."],
        ["Invoices", "The largest invoice of the year was paid in May.", "Every invoice is archived."],
    ]
    (folder / "report.pdf").write_bytes(make_pdf(pages))
    for n, path in enumerate(sorted(p for p in folder.rglob("*") if p.is_file())):
        when = datetime(2024, 1, 1).timestamp() + n * 86400
        os.utime(path, (when, when))
    home = root / "home"
    services = build_services(Settings(home=home), embedder=minilm)
    services.libraries.add_folders([str(folder)])
    index_all(services)
    services.close()
    return home, folder


@pytest.fixture
def indexed(library: tuple[Path, Path], minilm: Embedder) -> Iterator[Services]:
    services = build_services(Settings(home=library[0]), embedder=minilm)
    yield services
    services.close()


def _search(qtbot, window, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Type a query and wait for its final results."""
    window.search.setFocus()
    window.search.clear()
    before = window.generation
    qtbot.keyClicks(window.search, text)
    qtbot.waitUntil(lambda: window.generation > before and window.final, timeout=30000)
    return _shown(window)


def _shown(window) -> list[str]:  # type: ignore[no-untyped-def]
    """The file names of the rows shown (each row's text is the title, if any, and the file name)."""
    return [Path(window.model.hit(i).path).name for i in range(window.model.rowCount())]


def _settle(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.final and window.model.mode == "hybrid", timeout=30000)


def test_a_folder_chosen_in_the_bar_finds_its_one_file_among_many(  # type: ignore[no-untyped-def]
    qtbot, make_gui, indexed, library, monkeypatch
) -> None:
    _session, window = make_gui(indexed)
    _search(qtbot, window, "invoice payment")
    _settle(qtbot, window)
    assert len(_shown(window)) > 10
    assert _shown(window).index("notes.md") > 0  # 40 invoices say it more often
    alpha = str(library[1] / "projects" / "alpha")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: alpha)
    combo = window.filters.folder
    combo.setCurrentIndex(combo.count() - 1)  # "Choose folder…"
    combo.activated.emit(combo.count() - 1)
    qtbot.waitUntil(lambda: _shown(window) == ["notes.md"] and window.model.mode == "hybrid", timeout=30000)
    assert window.summary.text().startswith("1 result")
    assert window.model.index(0).data() == "Alpha — notes.md"  # the row's text: the Markdown title, the name
    assert window.results.isVisible()


def test_typed_operators_the_type_filter_and_the_order(qtbot, make_gui, indexed) -> None:  # type: ignore[no-untyped-def]
    _session, window = make_gui(indexed)
    _search(qtbot, window, "invoice payment in:alpha")
    qtbot.waitUntil(lambda: _shown(window) == ["notes.md"], timeout=30000)
    _search(qtbot, window, "budget -draft")
    _settle(qtbot, window)
    assert "budget-draft.txt" not in _shown(window)
    assert "budget-final.txt" in _shown(window)
    window.filters.file_type.setCurrentText("PDF")
    qtbot.waitUntil(lambda: _shown(window) == ["report.pdf"], timeout=30000)
    window.filters.file_type.setCurrentIndex(0)
    window.filters.sort.setCurrentText("By name")
    _search(qtbot, window, "budget")
    _settle(qtbot, window)
    names = _shown(window)
    assert len(names) >= 3
    assert names == sorted(names, key=str.casefold)


def test_the_preview_shows_the_whole_document_and_f3_goes_from_match_to_match(  # type: ignore[no-untyped-def]
    qtbot, make_gui, indexed
) -> None:
    _session, window = make_gui(indexed)
    _search(qtbot, window, "invoice type:pdf")
    qtbot.waitUntil(lambda: _shown(window) == ["report.pdf"], timeout=30000)
    preview = window.preview
    qtbot.waitUntil(lambda: preview.hit is not None and preview.position.text() != "", timeout=30000)
    text = preview.text.toPlainText()
    assert "Annual report" in text  # page 1, not part of the passage on page 2
    assert "— page 2 —" in text
    assert "archived" in text
    total = len(preview.preview.highlights)
    assert total >= 3  # "Invoices" (a form of the word), "invoice" twice
    assert preview.position.text() == f"1 of {total}"
    first = preview.text.textCursor().selectionStart()
    assert preview.text.textCursor().selectedText().lower().startswith("invoice")
    qtbot.keyClick(window.results, Qt.Key.Key_F3)
    assert preview.position.text() == f"2 of {total}"
    assert preview.text.textCursor().selectionStart() > first
    assert preview.text.textCursor().selectedText().lower().startswith("invoice")
    qtbot.keyClick(window.results, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert preview.position.text() == f"1 of {total}"
    assert preview.text.textCursor().selectionStart() == first


def test_the_right_click_menu_and_enter_open_a_pdf_at_its_page(  # type: ignore[no-untyped-def]
    qtbot, make_gui, indexed, opener, library
) -> None:
    _session, window = make_gui(indexed)
    _search(qtbot, window, "largest invoice paid in May type:pdf")
    qtbot.waitUntil(lambda: _shown(window) == ["report.pdf"], timeout=30000)
    pdf = str(library[1] / "report.pdf")
    assert window.model.hit(0).page == 2
    seen: list[list[str]] = []

    def choose(text: str) -> None:
        menu = window.results.menu
        assert menu is not None
        assert menu.isVisible()
        seen.append([a.text() for a in menu.actions()])
        next(a for a in menu.actions() if a.text().startswith(text)).trigger()
        menu.close()

    for choice in ("Open at page 2", "Copy path", "Show in folder"):
        QTimer.singleShot(300, lambda c=choice: choose(c))
        row = window.results.visualRect(window.model.index(0)).center()
        event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, row, window.results.viewport().mapToGlobal(row))
        QApplication.sendEvent(window.results.viewport(), event)
    assert seen[0] == [
        "Open at page 2\tEnter",
        "Open from the first page",
        "Show in folder\tCtrl+Enter",
        "Copy path",
        "Copy passage",
    ]
    assert opener.opened_at == [(pdf, 2)]
    assert QGuiApplication.clipboard().text() == pdf
    assert opener.revealed == [pdf]
    window.results.setFocus()
    qtbot.keyClick(window.results, Qt.Key.Key_Return)
    assert opener.opened_at == [(pdf, 2), (pdf, 2)]
    assert opener.opened == []


def test_f1_shows_the_search_syntax(qtbot, make_gui, indexed) -> None:  # type: ignore[no-untyped-def]
    _session, window = make_gui(indexed)
    window.search.setFocus()
    qtbot.keyClick(window.search, Qt.Key.Key_F1)
    qtbot.waitUntil(window.query_help.isVisible, timeout=5000)
    shown = window.query_help.label.text()
    for part in ("Search syntax", "type:pdf", "in:Projects", "after:2024-01-01", "-word"):
        assert part in shown


def test_recent_searches_come_back_and_settings_clear_them(qtbot, make_gui, indexed) -> None:  # type: ignore[no-untyped-def]
    session, window = make_gui(indexed)
    RecentSearches(indexed.settings.home).clear()  # the data folder is shared with the other tests here
    window.recent.reload()
    _search(qtbot, window, "budget")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)  # opening a result counts the search as made
    window.search.clear()
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    popup = window.recent.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    assert [popup.model().index(i, 0).data() for i in range(popup.model().rowCount())] == ["budget"]
    popup.hide()
    dialog = session.open_settings(window)
    qtbot.mouseClick(dialog.clear_recent, Qt.MouseButton.LeftButton)
    assert dialog.clear_recent.text() == "Recent searches cleared"
    dialog.reject()
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    assert not popup.isVisible()
    assert window.recent.model.stringList() == []


def test_the_preview_highlights_whole_terms_only(qtbot, make_gui, indexed) -> None:  # type: ignore[no-untyped-def]
    """'in' and a lone letter are not marked; 'invoice' marks 'Invoices' (its stem), never part of a word."""
    _session, window = make_gui(indexed)
    _search(qtbot, window, "invoice in a pdf type:pdf")
    qtbot.waitUntil(lambda: window.preview.preview is not None, timeout=30000)
    preview = window.preview.preview
    marked = {preview.text[a:b] for a, b in preview.highlights}
    assert marked == {"Invoices", "invoice"}
