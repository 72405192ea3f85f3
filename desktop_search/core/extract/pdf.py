"""PDF text with page offsets: pypdfium2 first (fast, keeps column order), pypdf as the fallback."""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections.abc import Callable

from desktop_search.core.extract import Extracted, ExtractionFailed, ExtractLimits

log = logging.getLogger(__name__)

PASSWORD_PROTECTED = "password-protected PDF"
NO_TEXT_LAYER = "no text layer: a scanned PDF? (turn on OCR for this library to read it)"

# Ligatures (U+FB00-FB06) become their letters; pdfium marks a hyphen it removed at a line end with U+FFFE.
_TRANSLATE: dict[int, str | None] = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0xFB00, 0xFB07)}
_TRANSLATE |= {0xFFFE: None, 0x00: None, 0x02: None}
_HYPHENATED = re.compile(r"(?<=[^\W\d_])[-\u00ad]\n(?=[^\W\d_A-Z])")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


def normalise_page(text: str) -> str:
    """Unify line ends, expand ligatures and rejoin words hyphenated at a line end ("exam-\\nple")."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_TRANSLATE)
    text = _TRAILING_SPACE.sub("\n", text)
    return _HYPHENATED.sub("", text).strip()


def _pdfium_pages(data: bytes, max_pages: int, ocr: bool = False) -> tuple[list[str], int, str, int]:
    """The text of each page, the page count, the title and how many pages were read by OCR (those without
    text, with `ocr` on)."""
    import pypdfium2 as pdfium

    # PdfiumError's err_code is not trusted: pdfium keeps one last error per process and leaves it unset on
    # some failures, so a damaged file after an encrypted one read as "password-protected". pypdf decides.
    pdf = pdfium.PdfDocument(data)
    try:
        total = len(pdf)
        title = _title(lambda: pdf.get_metadata_dict().get("Title"))
        pages = []
        read_by_ocr = 0
        for index in range(min(total, max_pages)):
            page = pdf[index]
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            textpage.close()
            if ocr and not text.strip():
                from desktop_search.core.extract.ocr import PDF_DPI, read_picture

                text = read_picture(page.render(scale=PDF_DPI / 72).to_pil())
                read_by_ocr += 1 if text.strip() else 0
            pages.append(text)
            page.close()
        return pages, total, title, read_by_ocr
    finally:
        pdf.close()


def _title(read: Callable[[], object]) -> str:
    """The title in the document information; damaged metadata is no title, never a failed file."""
    try:
        return str(read() or "")
    except MemoryError:
        raise
    except Exception as exc:
        log.info("PDF metadata unreadable: %s: %s", exc.__class__.__name__, exc)
        return ""


def _damaged(what: str, exc: Exception) -> ExtractionFailed:
    # pypdf reports damage through any exception type (AssertionError, its DeprecationError for a filter
    # name it dropped, KeyError...); all mean the same to a person, and the details go to the log.
    log.info("pypdf: %s: %s: %s", what, exc.__class__.__name__, exc)
    return ExtractionFailed("failed", f"damaged PDF ({what})", "pdf")


def _pypdf_pages(data: bytes, max_pages: int) -> tuple[list[str], int, str]:
    """The fallback for a file pdfium cannot open: it also tells a password-protected file from a damaged one."""
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED:
            raise ExtractionFailed("failed", PASSWORD_PROTECTED, "pdf")
        total = len(reader.pages)
    except (ExtractionFailed, MemoryError):
        raise
    except Exception as exc:
        raise _damaged("cannot be opened", exc) from exc
    pages = []
    for index in range(min(total, max_pages)):
        try:
            pages.append(reader.pages[index].extract_text() or "")
        except MemoryError:
            raise
        except Exception as exc:
            raise _damaged(f"page {index + 1} cannot be read", exc) from exc
    return pages, total, _title(lambda: reader.metadata.title if reader.metadata else None)


def _assemble(pages: list[str], total: int, max_pages: int, title: str, read_by_ocr: int = 0) -> Extracted:
    texts = [normalise_page(p) for p in pages]
    if total == 0:
        raise ExtractionFailed("failed", "PDF has no pages", "pdf")
    if not any(texts):
        raise ExtractionFailed("failed", NO_TEXT_LAYER if not read_by_ocr else "no text found by OCR", "pdf")
    starts, parts, offset = [], [], 0
    for text in texts:
        starts.append(offset)
        parts.append(text)
        offset += len(text) + 2
    note = f"only the first {max_pages} of {total} pages indexed" if total > max_pages else ""
    return Extracted("\n\n".join(parts), "pdf", tuple(starts), note, title, ocr_pages=read_by_ocr)


def extract_pdf(data: bytes, limits: ExtractLimits) -> Extracted:
    """Text per page; password-protected and image-only PDFs fail with a reason a person understands."""
    if b"%PDF-" not in data[:1024]:
        raise ExtractionFailed("failed", "not a PDF file (no %PDF header)", "pdf")
    import pypdfium2 as pdfium

    try:
        pages, total, title, read_by_ocr = _pdfium_pages(data, limits.max_pages, limits.ocr)
    except pdfium.PdfiumError as exc:
        log.info("pdfium could not read the PDF (%s); trying pypdf", exc)
        pages, total, title = _pypdf_pages(data, limits.max_pages)
        read_by_ocr = 0
    return _assemble(pages, total, limits.max_pages, title, read_by_ocr)
