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
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu

from desktop_search.core.recent import RecentSearches
from desktop_search.embed.base import Embedder
from desktop_search.services import Services, build_services
from desktop_search.settings import Settings
from tests.conftest import index_all, write_documents
from tests.core.extract.samples import make_pdf
from tests.gui.painted import painted_texts

pytestmark = pytest.mark.slow  # one library of 47 files embedded with the real model, shared by the module

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
    rules = "".join(f"Rule {n}: keep corridor {n} clear of boxes and chairs.\n" for n in range(1, 301))
    docs["manuals/handbook.txt"] = (
        f"Staff handbook\n\nThe invoice desk is on the second floor.\n\n{rules}\nEvery invoice is signed twice.\n"
    )
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


def _painted(widget) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.text for p in painted_texts(widget)]


def _marked(widget) -> list[str]:  # type: ignore[no-untyped-def]
    """The words painted bold in the preview, in reading order: the marked terms (the text around them is
    regular). Qt may paint a word in pieces, and the selected one twice (text, then selection)."""
    pieces = sorted({(p.y, p.x, p.text, p.bold) for p in painted_texts(widget)})
    words: list[str] = []
    line, joined = None, False
    for y, _x, text, bold in pieces:
        if bold and joined and y == line and text.strip():
            words[-1] += text
        elif bold:
            words.append(text)
        line, joined = y, bold and bool(text.strip()) and not text[-1].isspace()
    return [w.strip() for w in words if w.strip()]


def _selection_on_screen(preview) -> bool:  # type: ignore[no-untyped-def]
    """Whether the selected term is inside the visible part of the preview."""
    text = preview.text
    return text.viewport().rect().contains(text.cursorRect(text.textCursor()))


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
    assert window.results.isVisible()
    painted = _painted(window.results.viewport())
    assert "Alpha" in painted  # the row: the Markdown title, the file name beside it
    assert "notes.md" in painted
    assert not [t for t in painted if t.startswith("invoice-")]


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
    qtbot.waitUntil(lambda: preview.position.text() != "", timeout=30000)
    assert preview.text.isVisible()
    painted = "".join(_painted(preview.text.viewport()))
    assert "Annual report" in painted  # page 1, not part of the passage on page 2
    assert "— page 2 —" in painted
    assert "archived" in painted
    assert [w.lower() for w in _marked(preview.text.viewport())] == ["invoices", "invoice", "invoice"]
    assert preview.position.isVisible()
    assert preview.position.text() == "1 of 3"
    first = preview.text.textCursor().selectionStart()
    assert preview.text.textCursor().selectedText().lower().startswith("invoice")
    qtbot.keyClick(window.results, Qt.Key.Key_F3)
    assert preview.position.text() == "2 of 3"
    assert preview.text.textCursor().selectionStart() > first
    assert preview.text.textCursor().selectedText().lower().startswith("invoice")
    qtbot.keyClick(window.results, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert preview.position.text() == "1 of 3"
    assert preview.text.textCursor().selectionStart() == first


def test_f3_scrolls_a_long_document_to_each_match(qtbot, make_gui, indexed) -> None:  # type: ignore[no-untyped-def]
    """The handbook says "invoice" 300 lines apart: the preview opens at the passage that answers the query
    (the last line), and Shift+F3 / F3 bring each match into view, selected."""
    _session, window = make_gui(indexed)
    _search(qtbot, window, "every invoice signed twice")
    _settle(qtbot, window)
    assert _shown(window)[0] == "handbook.txt"
    preview = window.preview
    qtbot.waitUntil(lambda: preview.position.text() != "", timeout=30000)
    assert preview.position.text() == "2 of 5"  # "invoice" at the top, then the last line's four words
    bar = preview.text.verticalScrollBar()
    assert bar.isVisible()
    at_end = bar.value()
    assert at_end > bar.maximum() // 2
    assert _selection_on_screen(preview)
    assert preview.text.textCursor().selectedText() == "Every"
    painted = "".join(_painted(preview.text.viewport()))
    assert "Every invoice is signed twice." in painted
    assert "Staff handbook" not in painted
    assert _marked(preview.text.viewport()) == ["Every", "invoice", "signed", "twice"]
    qtbot.keyClick(window.results, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert preview.position.text() == "1 of 5"
    assert bar.value() < at_end
    assert _selection_on_screen(preview)
    assert preview.text.textCursor().selectedText() == "invoice"
    painted = "".join(_painted(preview.text.viewport()))
    assert "The invoice desk is on the second floor." in painted
    assert "Every invoice is signed twice." not in painted
    qtbot.mouseClick(preview.next_button, Qt.MouseButton.LeftButton)
    assert preview.position.text() == "2 of 5"
    assert abs(bar.value() - at_end) <= bar.singleStep()  # back where it opened (give or take a pixel)
    assert _selection_on_screen(preview)


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
        menu = QApplication.activePopupWidget()  # the menu on screen
        assert isinstance(menu, QMenu)
        assert menu.isVisible()
        seen.append([a.text() for a in menu.actions()])
        next(a for a in menu.actions() if a.text().startswith(text)).trigger()
        menu.close()

    for choice in ("Open at page 2", "Open from the first page", "Copy path", "Show in folder", "Copy passage"):
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
    assert len(seen) == 5
    qtbot.waitUntil(lambda: not window.results.findChildren(QMenu), timeout=30000)  # closed menus are not kept
    assert opener.opened_at == [(pdf, 2)]
    assert opener.opened == [pdf]
    assert opener.revealed == [pdf]
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() != pdf, timeout=30000)  # the passage, after the path
    assert "The largest invoice of the year was paid in May." in QGuiApplication.clipboard().text()
    assert "Annual report" not in QGuiApplication.clipboard().text()  # the passage, not the whole document
    window.results.setFocus()
    qtbot.keyClick(window.results, Qt.Key.Key_Return)
    assert opener.opened_at == [(pdf, 2), (pdf, 2)]
    assert opener.opened == [pdf]


def test_f1_shows_the_search_syntax(qtbot, make_gui, indexed) -> None:  # type: ignore[no-untyped-def]
    _session, window = make_gui(indexed)
    window.search.setFocus()
    qtbot.keyClick(window.search, Qt.Key.Key_F1)
    qtbot.waitUntil(window.query_help.isVisible, timeout=30000)
    shown = _painted(window.query_help)
    for part in ("Search syntax", "type:pdf", "in:Projects", "after:2024-01-01", "-word"):
        assert any(part in text for text in shown), part
    field = window.search.geometry()
    assert window.query_help.geometry().top() >= window.search.mapToGlobal(field.bottomLeft()).y() - field.y() - 1
    qtbot.keyClick(window.query_help, Qt.Key.Key_Escape)
    assert not window.query_help.isVisible()


def test_recent_searches_come_back_and_settings_clear_them(qtbot, make_gui, indexed) -> None:  # type: ignore[no-untyped-def]
    session, window = make_gui(indexed)
    RecentSearches(indexed.settings.home).clear()  # the data folder is shared with the other tests here
    window.recent.reload()
    _search(qtbot, window, "budget")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)  # opening a result counts the search as made
    window.search.clear()
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    popup = window.recent.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=30000)
    assert [t for t in _painted(popup.viewport()) if t.strip()] == ["budget"]
    row = popup.visualRect(popup.model().index(0, 0)).center()
    qtbot.mouseClick(popup.viewport(), Qt.MouseButton.LeftButton, pos=row)  # picking it searches again
    qtbot.waitUntil(lambda: window.search.text() == "budget" and window.final, timeout=30000)
    assert "budget-final.txt" in _painted(window.results.viewport())
    window.search.clear()
    dialog = session.open_settings(window)
    qtbot.mouseClick(dialog.clear_recent, Qt.MouseButton.LeftButton)
    assert dialog.clear_recent.text() == "Recent searches cleared"
    dialog.reject()
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    assert not popup.isVisible()


def test_the_preview_highlights_whole_terms_only(qtbot, make_gui, indexed) -> None:  # type: ignore[no-untyped-def]
    """'in' and a lone letter are not marked; 'invoice' marks 'Invoices' (its stem), never part of a word."""
    _session, window = make_gui(indexed)
    _search(qtbot, window, "invoice in a pdf type:pdf")
    qtbot.waitUntil(lambda: window.preview.position.text() != "", timeout=30000)
    painted = "".join(_painted(window.preview.text.viewport()))
    assert "The largest invoice of the year was paid in May." in painted
    assert set(_marked(window.preview.text.viewport())) == {"Invoices", "invoice"}
