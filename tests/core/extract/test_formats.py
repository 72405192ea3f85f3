"""Each format's extractor on real files made by real libraries (or hand-written to the spec)."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import openpyxl
import pptx
import pytest

from desktop_search.core.extract import MB, ExtractionFailed, ExtractLimits, extract_bytes
from desktop_search.core.extract.pdf import NO_TEXT_LAYER, PASSWORD_PROTECTED, _pypdf_pages, normalise_page
from tests.core.extract.samples import (
    blank_pdf,
    docx_with_document_xml,
    encrypted_pdf,
    make_docx,
    make_epub,
    make_odf,
    make_pdf,
    make_zip,
)


def _failure(data: bytes, name: str, limits: ExtractLimits | None = None) -> ExtractionFailed:
    with pytest.raises(ExtractionFailed) as info:
        extract_bytes(data, Path(name), limits)
    return info.value


def _page_of(text: str, starts: tuple[int, ...], needle: str) -> int:
    at = text.index(needle)
    return max(i for i, s in enumerate(starts) if s <= at) + 1


# -- PDF ---------------------------------------------------------------------------------------


def test_pdf_pages_keep_their_numbers_and_rejoin_hyphenated_words() -> None:
    pdf = make_pdf([["Hydrology report", "the measure-", "ments were taken"], ["Second page about sediment"]])
    result = extract_bytes(pdf, Path("report.pdf"))
    assert result.kind == "pdf"
    assert "measurements were taken" in result.text
    assert len(result.page_starts) == 2
    assert _page_of(result.text, result.page_starts, "sediment") == 2
    assert _page_of(result.text, result.page_starts, "Hydrology") == 1


def test_ligatures_and_soft_line_breaks_are_normalised() -> None:
    assert normalise_page("\ufb01nal e\ufb00ort\r\nthe ﬂow of work-\nﬂows") == "final effort\nthe flow of workflows"
    assert normalise_page("state-\nOf-the-art") == "state-\nOf-the-art"  # a capital after the break: keep it


def test_an_empty_password_pdf_opens_and_a_protected_one_is_reported() -> None:
    plain = make_pdf([["Confidential budget forecast"]])
    opened = extract_bytes(encrypted_pdf(plain, ""), Path("open.pdf"))
    assert "budget forecast" in opened.text
    failure = _failure(encrypted_pdf(plain, "hunter2"), "locked.pdf")
    assert (failure.status, failure.reason, failure.kind) == ("failed", PASSWORD_PROTECTED, "pdf")


def test_the_pypdf_fallback_reads_text_and_recognises_passwords() -> None:
    plain = make_pdf([["Fallback path works"], ["page two"]], title="Fallback Report")
    pages, total, title = _pypdf_pages(plain, 10)
    assert (total, title) == (2, "Fallback Report")
    assert "Fallback path works" in pages[0]
    with pytest.raises(ExtractionFailed, match=PASSWORD_PROTECTED):
        _pypdf_pages(encrypted_pdf(plain, "hunter2"), 10)


def test_a_pdf_without_a_text_layer_says_so() -> None:
    failure = _failure(blank_pdf(), "scan.pdf")
    assert (failure.status, failure.reason) == ("failed", NO_TEXT_LAYER)


def test_a_pdf_beyond_the_page_cap_is_indexed_from_the_start_with_a_note() -> None:
    pdf = make_pdf([[f"page {i} marker{i}"] for i in range(1, 8)])
    result = extract_bytes(pdf, Path("long.pdf"), ExtractLimits(max_pages=3))
    assert len(result.page_starts) == 3
    assert "marker3" in result.text
    assert "marker4" not in result.text
    assert result.note == "only the first 3 of 7 pages indexed"


@pytest.mark.allow_log(r"EOF marker not found", logger="pypdf")  # pypdf notes what it repairs
@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (make_pdf([["cut short"]])[:200], "damaged PDF"),
        (b"%PDF-1.7\n" + bytes(range(256)) * 8, "damaged PDF"),
        (b"%PDF-1.4\n%%EOF", "damaged PDF"),
    ],
    ids=["truncated", "random-bytes", "header-only"],
)
def test_damaged_pdfs_fail_with_a_reason(data: bytes, reason: str) -> None:
    failure = _failure(data, "broken.pdf")
    assert failure.status == "failed"
    assert reason in failure.reason


def test_a_pdf_with_a_broken_xref_is_repaired() -> None:
    result = extract_bytes(make_pdf([["Recovered despite the xref"]], xref=False), Path("xref.pdf"))
    assert "Recovered despite the xref" in result.text


# -- Office Open XML ---------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_reading_order() -> None:
    document = docx.Document()
    document.add_heading("Quarterly report", 1)
    document.add_paragraph("Revenue grew in the northern region.")
    table = document.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "Product", (0, 1): "Units", (1, 0): "Widgets", (1, 1): "42"}.items():
        table.cell(r, c).text = text
    document.add_paragraph("Closing remarks.")
    out = io.BytesIO()
    document.save(out)
    result = extract_bytes(out.getvalue(), Path("report.docx"))
    assert result.kind == "docx"
    assert (
        result.text
        == "Quarterly report\nRevenue grew in the northern region.\nProduct\tUnits\nWidgets\t42\nClosing remarks."
    )


def test_pptx_one_page_per_slide_with_speaker_notes() -> None:
    deck = pptx.Presentation()
    for title, body, notes in [("Roadmap", "Ship search", "mention the budget"), ("Risks", "Hiring", "")]:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = body
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
    out = io.BytesIO()
    deck.save(out)
    result = extract_bytes(out.getvalue(), Path("deck.pptx"))
    assert len(result.page_starts) == 2
    assert _page_of(result.text, result.page_starts, "mention the budget") == 1
    assert _page_of(result.text, result.page_starts, "Hiring") == 2


def test_xlsx_sheets_rows_shared_strings_and_numbers() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Costs"
    sheet.append(["item", "price", "paid"])
    sheet.append(["lumber", 12.5, True])
    book.create_sheet("Notes")["B3"] = "remember the nails"
    out = io.BytesIO()
    book.save(out)
    result = extract_bytes(out.getvalue(), Path("costs.xlsx"))
    assert result.text == "Costs\nitem\tprice\tpaid\nlumber\t12.5\tTRUE\n\nNotes\nremember the nails"


# -- OpenDocument, EPUB, HTML, RTF -------------------------------------------------------------


def test_odt_mixed_content_spaces_and_headings() -> None:
    body = (
        "<office:text><text:h>Field notes</text:h><text:p>Heron <text:span>spotted</text:span> at dawn"
        '<text:s text:c="2"/>near the weir</text:p><text:tracked-changes><text:p>deleted</text:p>'
        "</text:tracked-changes></office:text>"
    )
    result = extract_bytes(make_odf("application/vnd.oasis.opendocument.text", body), Path("notes.odt"))
    assert (result.kind, result.text) == ("odt", "Field notes\nHeron spotted at dawn  near the weir")


def test_ods_rows_and_odp_slides() -> None:
    cells = "".join(f"<table:table-cell><text:p>{v}</text:p></table:table-cell>" for v in ("apples", "3"))
    ods = make_odf(
        "application/vnd.oasis.opendocument.spreadsheet",
        f"<office:spreadsheet><table:table><table:table-row>{cells}</table:table-row></table:table></office:spreadsheet>",
    )
    assert extract_bytes(ods, Path("a.ods")).text == "apples\t3"
    pages = "".join(
        f"<draw:page><draw:frame><draw:text-box><text:p>{t}</text:p></draw:text-box></draw:frame></draw:page>"
        for t in ("Opening slide", "Closing slide")
    )
    odp = extract_bytes(
        make_odf(
            "application/vnd.oasis.opendocument.presentation", f"<office:presentation>{pages}</office:presentation>"
        ),
        Path("talk.odp"),
    )
    assert (odp.kind, odp.text, odp.page_starts) == ("odp", "Opening slide\n\nClosing slide", (0, 15))


def test_epub_chapters_follow_the_spine() -> None:
    book = make_epub([("Chapter One", "It was a dark night."), ("Chapter Two", "The keeper woke.")])
    result = extract_bytes(book, Path("novel.epub"))
    assert result.text.index("dark night") < result.text.index("keeper woke")


def test_html_keeps_title_and_visible_text_only() -> None:
    page = (
        b"<!DOCTYPE html><html><head><title>Trip &amp; plans</title><style>p{color:red}</style>"
        b"<script>var secret = 'tracking';</script></head><body><h1>Kyoto</h1><p>Temples and <b>ramen</b>.</p>"
        b"<noscript>enable js</noscript><table><tr><td>day 1</td><td>Nara</td></tr></table></body></html>"
    )
    result = extract_bytes(page, Path("trip.html"))
    assert result.text == "Trip & plans\n\nKyoto\n\nTemples and ramen.\n\nday 1 Nara"
    assert "tracking" not in result.text
    assert "color" not in result.text


def test_html_declared_charset_and_xhtml_declaration() -> None:
    cyrillic = '<html><head><meta charset="windows-1251"></head><body><p>Привет, мир</p></body></html>'
    assert extract_bytes(cyrillic.encode("cp1251"), Path("ru.htm")).text == "Привет, мир"
    xhtml = '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><body><p>café</p></body></html>'
    assert extract_bytes(xhtml.encode(), Path("page.xhtml")).text == "café"


def test_deeply_nested_html_still_yields_its_text() -> None:
    deep = b"<html><body>" + b"<div>" * 50_000 + b"buried treasure" + b"</div>" * 50_000 + b"</body></html>"
    assert "buried treasure" in extract_bytes(deep, Path("deep.html")).text


def test_rtf_with_code_page_escapes() -> None:
    rtf = rb"{\rtf1\ansi\ansicpg1252{\fonttbl\f0 Times;}\f0 Caf\'e9 cr\'e8me\par Second line}"
    assert extract_bytes(rtf, Path("menu.rtf")).text == "Café crème\nSecond line"


# -- Text, encodings and sniffing --------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("naïve café\r\nline two\rthree".encode(), "naïve café\nline two\nthree"),
        (b"\xef\xbb\xbfwith a BOM", "with a BOM"),
        ("UTF-16 with BOM: über".encode("utf-16"), "UTF-16 with BOM: über"),
        ("UTF-16 without a BOM, little endian".encode("utf-16-le"), "UTF-16 without a BOM, little endian"),
        ("Grüße aus Köln, schöne Straße".encode("cp1252"), "Grüße aus Köln, schöne Straße"),
        ("Le cœur a ses raisons — déjà vu".encode("cp1252"), "Le cœur a ses raisons — déjà vu"),
        ("Привет мир, как дела у тебя сегодня".encode("cp1251"), "Привет мир, как дела у тебя сегодня"),
    ],
    ids=["utf8-crlf", "utf8-bom", "utf16-bom", "utf16le", "cp1252", "cp1252-quotes", "cp1251"],
)
def test_text_in_common_encodings(data: bytes, expected: str) -> None:
    assert extract_bytes(data, Path("note.txt")).text == expected


def test_invalid_utf8_is_decoded_not_lost() -> None:
    result = extract_bytes(b"price: 10 \x80 and \xff\xfe\xfd bytes \xc3", Path("odd.txt"))
    assert result.text.startswith("price: 10 ")
    assert "bytes" in result.text


def test_text_kinds_by_extension() -> None:
    kinds = {name: extract_bytes(b"x = 1\n", Path(name)).kind for name in ("a.py", "b.tex", "c.csv", "d.yaml", "e")}
    assert kinds == {"a.py": "code", "b.tex": "latex", "c.csv": "csv", "d.yaml": "yaml", "e": "text"}


def test_a_truncated_text_file_says_so_and_ends_on_a_whole_character() -> None:
    data = ("ü" * 10).encode()[:-1]  # cut inside the last character, as a capped read may
    result = extract_bytes(data, Path("big.log"), ExtractLimits(max_text_bytes=MB), truncated=True)
    assert (result.text, result.note) == ("ü" * 9, "only the first 1 MB indexed")


def test_binary_files_are_skipped_by_content_not_extension() -> None:
    png = _failure(b"\x89PNG\r\n\x1a\n" + bytes(100), "holiday.txt")
    assert (png.status, png.reason) == ("skipped", "image (turn on OCR for this library to read text in pictures)")
    elf = _failure(b"\x7fELF\x02\x01\x01" + bytes(100), "tool")
    assert elf.status == "skipped"
    legacy = _failure(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old.docx")
    assert "legacy or password-protected Office" in legacy.reason
    assert extract_bytes(make_pdf([["sniffed"]]), Path("download.bin")).kind == "pdf"
    assert extract_bytes(b"<!doctype html><title>t</title><p>hi</p>", Path("page")).kind == "html"


def test_zero_byte_files() -> None:
    assert extract_bytes(b"", Path("empty.md")).text == ""
    assert _failure(b"", "empty.pdf").reason == "empty file"
    assert _failure(b"", "empty.docx").status == "failed"


# -- hostile packages --------------------------------------------------------------------------


def test_a_zip_that_is_not_a_zip() -> None:
    failure = _failure(b"PK\x03\x04 this is not really a zip", "fake.docx")
    assert failure.reason == "damaged DOCX file (not a valid zip archive)"


def test_an_odt_with_an_xml_bomb_is_refused() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0">&lol2;'
        "</office:document-content>"
    )
    package = make_zip(
        {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": bomb}, stored_first="mimetype"
    )
    assert "entity declarations" in _failure(package, "lol.odt").reason


def _bomb_xml(mb: int) -> bytes:
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    return (
        f"<w:document {ns}><w:body><w:p><w:r><w:t>".encode()
        + b" " * (mb * MB)
        + b"</w:t></w:r></w:p></w:body></w:document>"
    )


def test_a_zip_bomb_inside_a_docx_is_stopped_at_the_cap() -> None:
    bomb = docx_with_document_xml(_bomb_xml(24))
    assert len(bomb) < 200_000  # 24 MB of spaces squeeze into a small file
    failure = _failure(bomb, "bomb.docx", ExtractLimits(max_unzipped_bytes=4 * MB))
    assert failure.reason == "unpacks to more than the 4 MB limit (zip bomb?)"


def test_a_zip_bomb_that_lies_about_its_size_is_still_stopped() -> None:
    liar = docx_with_document_xml(_bomb_xml(24), declared_size=1000)
    failure = _failure(liar, "liar.docx", ExtractLimits(max_unzipped_bytes=4 * MB))
    assert failure.status == "failed"
    assert "zip bomb" in failure.reason or "damaged DOCX" in failure.reason


def test_a_docx_with_external_entities_is_refused() -> None:
    xxe = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><w:document>&x;</w:document>'
    assert "entity declarations" in _failure(docx_with_document_xml(xxe), "xxe.docx").reason


def test_a_truncated_docx_fails_cleanly() -> None:
    whole = make_docx(["Minutes of the meeting"])
    assert "Minutes of the meeting" in extract_bytes(whole, Path("ok.docx")).text
    assert _failure(whole[: len(whole) // 2], "cut.docx").reason.startswith("damaged DOCX file")


def test_a_huge_sheet_stops_at_the_text_cap() -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("log")
    for row in range(5000):
        sheet.append([f"entry {row}", row])
    out = io.BytesIO()
    book.save(out)
    result = extract_bytes(out.getvalue(), Path("log.xlsx"), ExtractLimits(max_text_bytes=MB // 16))
    assert result.text.startswith("log\nentry 0\t0\nentry 1\t1")
    assert len(result.text) == MB // 16
    assert result.note == "only the first 64 KB of text indexed"
