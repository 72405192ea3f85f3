"""The result model follows Qt's item-model rules and shows what a result row needs."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_search.gui.result_model import HitRole, ResultModel, hit_details
from desktop_search.records import Hit


def _hit(name: str, page: int | None = None) -> Hit:
    return Hit(
        path=f"/data/docs/{name}",
        score=0.5,
        snippet=f"text of {name}",
        page=page,
        start=0,
        end=10,
        library="default",
        mtime_ns=1_700_000_000 * 10**9,
        highlights=((0, 4),),
    )


def test_model_passes_qt_model_tester(qtmodeltester: object) -> None:
    model = ResultModel()
    model.set_hits([_hit("a.txt"), _hit("b.pdf", page=3), _hit("c.md")], "keyword")
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    model.set_hits([_hit("d.txt")], "hybrid")
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_rows_show_name_path_and_page() -> None:
    model = ResultModel()
    model.set_hits([_hit("a.txt"), _hit("report.pdf", page=3)], "hybrid")
    assert model.rowCount() == 2
    second = model.index(1)
    assert second.data(Qt.ItemDataRole.DisplayRole) == "report.pdf"
    assert second.data(Qt.ItemDataRole.ToolTipRole) == "/data/docs/report.pdf"
    assert second.data(HitRole).page == 3
    assert "page 3" in hit_details(second.data(HitRole))
    assert "2023-11-1" in hit_details(second.data(HitRole))
    assert model.row_of("/data/docs/report.pdf") == 1
    assert model.row_of("/nowhere") == -1


def test_a_row_shows_the_documents_title_in_bold_with_the_file_name_beside_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from desktop_search.gui.results_view import ResultList
    from tests.gui.painted import painted_texts

    model = ResultModel()
    model.set_hits([replace(_hit("x34.html"), title="Banana bread for beginners"), _hit("notes.txt")], "hybrid")
    view = ResultList(model)
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    texts = painted_texts(view.viewport())
    title = next(t for t in texts if t.text == "Banana bread for beginners")
    name = next(t for t in texts if t.text == "x34.html")
    assert title.bold
    assert not name.bold
    assert (name.y, name.x > title.x) == (title.y, True), "the file name is beside the title, on its line"
    plain = next(t for t in texts if t.text == "notes.txt")
    assert plain.bold, "without a title the file name is the heading"
    assert model.index(0).data(Qt.ItemDataRole.DisplayRole) == "Banana bread for beginners — x34.html"


def test_a_message_of_an_mbox_is_named_by_its_subject_and_numbered() -> None:
    from dataclasses import replace

    model = ResultModel()
    mail = replace(_hit("Inbox", page=3), kind="mbox", title="Heating again")
    model.set_hits([mail], "keyword")
    assert model.data(model.index(0), Qt.ItemDataRole.DisplayRole) == "Heating again — Inbox"
    assert hit_details(mail).endswith("message 3")


def test_the_preview_heading_wraps_a_long_title_and_keeps_the_file_name_in_view(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Clipped at the pane's edge, a long title hid the file name after it ('… therapeutics. -')."""
    from dataclasses import replace

    from desktop_search.core.preview import Preview
    from desktop_search.gui.preview import PreviewPane
    from tests.gui.painted import painted_texts

    title = "Chemical approaches to stem cell biology and therapeutics in regenerative medicine"
    hit = replace(_hit("x100.html"), title=title)
    pane = PreviewPane()
    qtbot.addWidget(pane)
    pane.resize(420, 500)
    pane.show()
    qtbot.waitExposed(pane)
    pane.show_preview(Preview(hit, "text of x100.html", 0, ()))

    def laid_out() -> bool:  # the heading has the height of its lines, and the line under it starts below it
        title = pane.title
        return title.height() >= title.heightForWidth(title.width()) and pane.details.y() >= title.geometry().bottom()

    qtbot.waitUntil(laid_out, timeout=30000)

    lines = [t for t in painted_texts(pane.title) if t.text.strip()]
    assert len({t.y for t in lines}) >= 2, "the heading is on one clipped line"
    assert "x100.html" in " ".join(t.text for t in lines)
    assert all(t.bold for t in lines)
