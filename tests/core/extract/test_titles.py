"""Each format's own title is found (HTML, PDF, Word, PowerPoint, Excel, OpenDocument, EPUB, Markdown), and
the titles tools write by themselves are not shown as if an author had written them."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pptx
import pytest

from desktop_search.core.extract import ExtractLimits, extract_bytes
from desktop_search.core.extract.titles import MAX_TITLE_CHARS, clean_title
from tests.core.extract.samples import make_docx, make_epub, make_odf, make_pdf


def _pptx(title: str) -> bytes:
    deck = pptx.Presentation()
    deck.core_properties.title = title
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Quarterly numbers"
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _xlsx(title: str) -> bytes:
    book = openpyxl.Workbook()
    book.properties.title = title
    book.active.append(["Tomatoes", 12])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_HTML = (
    "<html><head><title>\n  Banana   bread, the easy way </title></head>"
    "<body><h1>Recipe</h1><p>Mash three bananas.</p></body></html>"
)
_ODT_BODY = "<office:text><text:p>Minutes of the rowing club.</text:p></office:text>"


@pytest.mark.parametrize(
    ("name", "data", "title"),
    [
        ("x34.html", _HTML.encode(), "Banana bread, the easy way"),
        (
            "scan0042.pdf",
            make_pdf([["Sediment in the Rhine"]], title="River Sediment Survey 2023"),
            "River Sediment Survey 2023",
        ),
        ("doc1.docx", make_docx(["The lease ends in May."], title="Flat lease (signed)"), "Flat lease (signed)"),
        ("deck.pptx", _pptx("Q3 Review for the Board"), "Q3 Review for the Board"),
        ("book1.xlsx", _xlsx("Garden harvest log"), "Garden harvest log"),
        (
            "minutes.odt",
            make_odf("application/vnd.oasis.opendocument.text", _ODT_BODY, "Rowing club AGM"),
            "Rowing club AGM",
        ),
        (
            "9781234.epub",
            make_epub([("One", "It was a dark night.")], title="The Lighthouse Keeper"),
            "The Lighthouse Keeper",
        ),
        ("notes.md", b"\n# Trip to Norway\n\nFjords and ferries.\n", "Trip to Norway"),
    ],
)
def test_a_documents_own_title_is_found(name: str, data: bytes, title: str) -> None:
    assert extract_bytes(data, Path(name)).title == title


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("page.html", b"<html><body><p>No head at all.</p></body></html>"),
        ("plain.pdf", make_pdf([["No information dictionary"]])),
        ("plain.docx", make_docx(["No title property"])),
        ("plain.epub", make_epub([("One", "No metadata.")])),
        ("plain.odt", make_odf("application/vnd.oasis.opendocument.text", _ODT_BODY)),
        ("plain.md", b"Some text first.\n\n# A heading further down\n"),
        ("plain.txt", b"# Not markdown, so not a title\n"),
    ],
)
def test_a_document_without_a_title_has_none(name: str, data: bytes) -> None:
    assert extract_bytes(data, Path(name)).title == ""


def test_a_title_survives_the_text_cap() -> None:
    html = f"<html><head><title>Long page</title></head><body><p>{'word ' * 5000}</p></body></html>".encode()
    capped = extract_bytes(html, Path("long.html"), ExtractLimits(max_text_bytes=1000))
    assert capped.note
    assert capped.title == "Long page"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Microsoft Word - Annual report 2023", "Annual report 2023"),
        ("Microsoft Word - report_final.docx", ""),  # only the file name: the result shows it anyway
        ("report_final.pdf", ""),
        ("Untitled", ""),
        ("  ", ""),
        (None, ""),
        ("Line one\nline\ttwo", "Line one line two"),
    ],
)
def test_titles_written_by_tools_are_tidied_or_dropped(raw: str | None, shown: str) -> None:
    assert clean_title(raw) == shown


def test_a_runaway_title_is_cut() -> None:
    title = clean_title("word " * 200)
    assert len(title) == MAX_TITLE_CHARS
    assert title.endswith("…")
