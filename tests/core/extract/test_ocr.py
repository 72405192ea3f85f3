"""OCR: a scanned PDF page and a picture the test draws itself, and a real photograph of text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from desktop_search.core.extract import ExtractionFailed, ExtractLimits, extract_bytes
from desktop_search.core.extract.ocr import unglue
from desktop_search.core.extract.pdf import NO_TEXT_LAYER
from desktop_search.core.query import words_of
from tests.core.extract.ocr_samples import SCANNED_LINES, page_picture, png_bytes, real_photo, scanned_pdf
from tests.core.extract.samples import make_pdf

OCR = ExtractLimits(ocr=True)
# What a search needs from the drawn page. The recognizer (PP-OCRv4, mostly Chinese) sometimes drops the
# spaces between Latin words, all lower-case runs ("Oakstaircaserepair") stay glued; `unglue` splits where case
# or digits change. So the test asks for the names, numbers and identifiers, which always come back.
WORDS = {"Invoice", "INV", "2024", "0317", "Harbour", "Joinery", "1", "250", "00"}


def words(text: str) -> set[str]:
    """The words keyword search sees (letters and digits; anything else separates)."""
    return set(words_of(text))


def test_lines_that_lost_their_spaces_get_most_back() -> None:
    assert unglue("InvoiceINV-2024-0317fromHarbourJoineryLtd.") == "Invoice INV-2024-0317 from Harbour Joinery Ltd."
    assert unglue("Totaldue:1,250.00EURwithin30days.") == "Totaldue:1,250.00 EURwithin 30 days."
    assert unglue("InvoiceINV-2024-0317 fromHarbourJoinery Ltd.") == "Invoice INV-2024-0317 from Harbour Joinery Ltd."
    assert unglue("iPhone 15 Pro and PowerPoint") == "iPhone 15 Pro and PowerPoint"


@pytest.mark.slow  # the real OCR models
def test_a_scanned_pdf_page_is_read_with_ocr_only_when_it_is_on() -> None:
    data = scanned_pdf([page_picture()])
    with pytest.raises(ExtractionFailed, match=re.escape(NO_TEXT_LAYER)):
        extract_bytes(data, Path("scan.pdf"), ExtractLimits())
    extracted = extract_bytes(data, Path("scan.pdf"), OCR)
    assert len(extracted.text.splitlines()) == len(SCANNED_LINES)
    assert words(extracted.text) >= WORDS
    assert extracted.ocr_pages == 1
    assert extracted.page_starts == (0,)


@pytest.mark.slow  # the real OCR models
def test_in_a_mixed_pdf_only_the_pages_without_text_are_read_by_ocr() -> None:
    text_page = make_pdf([["A typed cover letter about the staircase."]])
    import pypdfium2 as pdfium

    merged = pdfium.PdfDocument(text_page)
    merged.import_pages(pdfium.PdfDocument(scanned_pdf([page_picture()])))
    import io

    out = io.BytesIO()
    merged.save(out)
    extracted = extract_bytes(out.getvalue(), Path("mixed.pdf"), OCR)
    first, second = extracted.text[: extracted.page_starts[1]], extracted.text[extracted.page_starts[1] :]
    assert first.strip() == "A typed cover letter about the staircase."
    assert {"1", "250", "Harbour"} <= words(second)
    assert extracted.ocr_pages == 1


@pytest.mark.slow  # the real OCR models
def test_a_picture_is_skipped_without_ocr_and_read_with_it() -> None:
    data = png_bytes(page_picture())
    with pytest.raises(ExtractionFailed, match="turn on OCR") as off:
        extract_bytes(data, Path("note.png"), ExtractLimits())
    assert off.value.status == "skipped"
    assert words(extract_bytes(data, Path("note.png"), OCR).text) >= WORDS


@pytest.mark.slow  # the real OCR models
def test_a_picture_without_text_is_skipped_with_a_reason() -> None:
    from PIL import Image

    with pytest.raises(ExtractionFailed, match="no text found") as blank:
        extract_bytes(png_bytes(Image.new("L", (400, 300), 255)), Path("blank.png"), OCR)
    assert blank.value.status == "skipped"


def test_a_damaged_picture_fails_with_a_reason() -> None:
    with pytest.raises(ExtractionFailed, match="damaged image"):
        extract_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, Path("broken.png"), OCR)


@pytest.mark.slow
def test_a_real_photograph_of_text_is_read() -> None:
    photo = real_photo()
    if photo is None:
        pytest.skip("the Embedded Rust Book's photo of the STM32F3DISCOVERY board is not on this machine")
    text = extract_bytes(photo.read_bytes(), photo, OCR).text
    # The board's printed words; OCR of a photo is not perfect ("DISC0VERY" with a zero), so a few suffice.
    assert {"ST", "LINK", "DISCOVERY", "GND"} <= words(text)
