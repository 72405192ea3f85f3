"""The table of file kinds: every row is consistent, reachable from its extension and extracts a real file."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pptx
import pytest

from desktop_search.core.extract import ExtractLimits, extract_bytes
from desktop_search.core.extract.kinds import (
    BY_EXTENSION,
    FAMILIES,
    FAMILY_BY_NAME,
    KINDS,
    TEXT_KINDS,
    extensions_of,
    family_of_kind,
    family_of_path,
    kinds_of,
)
from desktop_search.gui.filters import FILE_TYPES
from desktop_search.paths import resources_dir
from tests.core.extract.mail_samples import message
from tests.core.extract.ocr_samples import page_picture, png_bytes
from tests.core.extract.samples import make_docx, make_epub, make_odf, make_pdf


def _pptx(text: str) -> bytes:
    deck = pptx.Presentation()
    deck.slides.add_slide(deck.slide_layouts[1]).shapes.title.text = text
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _xlsx(text: str) -> bytes:
    book = openpyxl.Workbook()
    book.active.append([text])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _odf(kind: str, text: str) -> bytes:
    mimetype = {"odt": "text", "ods": "spreadsheet", "odp": "presentation"}[kind]
    body = {
        "odt": f"<office:text><text:p>{text}</text:p></office:text>",
        "ods": f"<office:spreadsheet><table:table><table:table-row><table:table-cell><text:p>{text}</text:p>"
        "</table:table-cell></table:table-row></table:table></office:spreadsheet>",
        "odp": f"<office:presentation><draw:page><draw:frame><draw:text-box><text:p>{text}</text:p>"
        "</draw:text-box></draw:frame></draw:page></office:presentation>",
    }[kind]
    return make_odf(f"application/vnd.oasis.opendocument.{mimetype}", body)


# One real file per document kind: a row added to KINDS without a sample here fails the test below.
SAMPLES = {
    "pdf": lambda t: make_pdf([[t]]),
    "rtf": lambda t: rb"{\rtf1\ansi{\fonttbl\f0 Times;}\f0 " + t.encode() + rb"\par}",
    "docx": lambda t: make_docx([t]),
    "odt": lambda t: _odf("odt", t),
    "xlsx": _xlsx,
    "ods": lambda t: _odf("ods", t),
    "pptx": _pptx,
    "odp": lambda t: _odf("odp", t),
    "epub": lambda t: make_epub([("Chapter", t)]),
    "html": lambda t: f"<!doctype html><title>Page</title><p>{t}</p>".encode(),
    "email": lambda t: message("Note", t).as_bytes(),
    "mbox": lambda t: b"From alice@example.org Tue Mar  4 10:15:00 2025\n" + message("Note", t).as_bytes(),
    "image": lambda t: png_bytes(page_picture([t], size=(600, 120))),  # read with OCR
}


def test_every_document_kind_has_a_sample() -> None:
    assert set(SAMPLES) == {kind.name for kind in KINDS if not kind.is_text}


@pytest.mark.parametrize(
    "kind",
    [pytest.param(k, marks=pytest.mark.slow) if k.name == "image" else k for k in KINDS if not k.is_text],  # OCR
    ids=lambda k: k.name,
)
def test_each_document_kind_extracts_a_real_file_under_each_extension(kind) -> None:  # type: ignore[no-untyped-def]
    data = SAMPLES[kind.name]("marmalade expedition")
    for ext in kind.extensions:
        result = extract_bytes(data, Path(f"sample{ext}"), ExtractLimits(ocr=kind.name == "image"))
        assert result.kind == kind.name
        assert "marmalade expedition" in result.text


@pytest.mark.parametrize("kind", [k for k in KINDS if k.is_text], ids=lambda k: k.name)
def test_each_text_kind_is_read_as_text_under_each_extension(kind) -> None:  # type: ignore[no-untyped-def]
    for ext in kind.extensions:
        assert extract_bytes(b"marmalade expedition\n", Path(f"sample{ext}")).kind == kind.name


def test_no_extension_belongs_to_two_kinds() -> None:
    every = [ext for kind in KINDS for ext in kind.extensions]
    assert len(every) == len(set(every)) == len(BY_EXTENSION)
    assert all(ext == ext.lower() and ext.startswith(".") for ext in every)


def test_every_kind_has_a_family_and_every_family_an_icon_and_a_kind() -> None:
    assert {kind.family for kind in KINDS} == set(FAMILY_BY_NAME)
    for family in FAMILIES:
        assert (resources_dir() / "icons" / f"{family.icon}.svg").is_file(), family
        assert extensions_of(family.name), family
    assert len({family.icon for family in FAMILIES}) == len(FAMILIES)  # a picture does not look like a text file
    assert "text" in TEXT_KINDS  # what a text file with an unknown extension is


def test_families_by_path_and_by_stored_kind() -> None:
    assert family_of_path("/d/Report.PDF").name == "pdf"  # type: ignore[union-attr]
    assert family_of_path("slides.odp").label == "Presentations"  # type: ignore[union-attr]
    assert family_of_path("data.csv").name == "spreadsheet"  # type: ignore[union-attr]
    assert family_of_path("archive.zip") is None
    assert family_of_kind("docx").name == "document"  # type: ignore[union-attr]
    assert family_of_kind("nonsense") is None
    assert kinds_of("presentation") == ("pptx", "odp")


def test_the_type_filter_offers_one_entry_per_family_with_its_extensions() -> None:
    assert list(FILE_TYPES) == [family.label for family in FAMILIES]
    assert extensions_of(FILE_TYPES["Documents"]) == (".rtf", ".docx", ".docm", ".dotx", ".odt", ".ott")
    offered = [ext for family in FILE_TYPES.values() for ext in extensions_of(family)]
    assert ".doc" not in offered  # legacy Word files are not indexed, so not offered


def test_reading_the_table_loads_no_parser() -> None:
    """The search's type filter and the GUI read the table; parsers load only when a file is extracted."""
    code = (
        "import sys\n"
        "from desktop_search.core.extract.kinds import family_of_path\n"
        "from desktop_search.core.extract.sniff import detect_kind\n"
        "from pathlib import Path\n"
        "assert family_of_path('a.pdf').name == 'pdf' and detect_kind(Path('a.docx'), b'PK') == 'docx'\n"
        "heavy = ('lxml', 'chardet', 'pypdfium2', 'pypdf', 'striprtf', 'desktop_search.core.extract.pdf')\n"
        "loaded = [m for m in heavy if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
