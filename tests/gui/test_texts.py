"""What the status line and the preview say, from plain data."""

from __future__ import annotations

from desktop_search.gui.filters import Filters, highlight_words, useful_highlights
from desktop_search.gui.indexing_status import describe, estimate
from desktop_search.gui.preview import preview_html
from desktop_search.gui.search_worker import PreviewText
from desktop_search.records import Hit, Progress


def _hit(**changes: object) -> Hit:
    base = dict(path="/d/a.txt", score=1.0, snippet="the cat sat", page=None, start=0, end=0, library="x")
    base.update(changes)
    return Hit(**base)  # type: ignore[arg-type]


def test_status_line_counts_speed_eta_and_current_file() -> None:
    p = Progress("papers", "index", 10, 40, 30, 50, 5.0, 4.0, "/d/report.pdf")
    assert estimate(p) == (200, 34.0)  # 40 files at 5 chunks a file so far; 170 left at 5 a second
    line = describe(p)
    for part in (
        "'papers'",
        "10 / 40 files",
        "30 / 50 chunks",
        "5.0 chunks/s",
        "less than a minute left",
        "report.pdf",
    ):
        assert part in line


def test_preview_marks_the_passage_and_the_words_around_it() -> None:
    text = "Intro words here. The invoice INV-7 is due. Later invoice text."
    start = text.index("The invoice")
    hit = _hit(start=100 + start, end=100 + text.index(" Later"))
    html = preview_html(PreviewText(hit, text, 100), ("invoice",), "#ff0", "#eee")
    assert html.count('<b style="background-color:#ff0">invoice</b>') == 2
    assert '<a name="match"></a><span style="background-color:#eee">The <b' in html
    assert html.startswith('<div style="white-space: pre-wrap">… words here.')  # cut at a word


def test_stop_words_are_not_highlighted_unless_alone() -> None:
    assert highlight_words("the cat") == ("cat",)
    assert highlight_words("the") == ("the",)
    hit = _hit(highlights=((0, 3), (4, 7)))
    assert useful_highlights(hit, ("cat",)).highlights == ((4, 7),)


def test_filters_accept_by_folder_type_and_date() -> None:
    hit = _hit(path="/d/sub/report.pdf", mtime_ns=int(1000 * 86400 * 1e9))
    now = 1001 * 86400.0
    assert Filters(folder="/d/sub").accepts(hit, now)
    assert not Filters(folder="/d/su").accepts(hit, now)
    assert Filters(file_type="PDF").accepts(hit, now)
    assert not Filters(file_type="Web pages").accepts(hit, now)
    assert Filters(modified_within_s=2 * 86400).accepts(hit, now)
    assert not Filters(modified_within_s=3600).accepts(hit, now)
