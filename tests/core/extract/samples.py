"""Real sample documents built by the tests: hand-written valid PDFs and minimal ODF/EPUB/HTML files."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Sequence


def _escape_pdf(text: str) -> bytes:
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def make_pdf(
    pages: Sequence[Sequence[str]], *, xref: bool = True, flate_first: bytes | None = None, title: str | None = None
) -> bytes:
    """A valid PDF with one Helvetica text line per string; each inner sequence is one page.

    `flate_first` replaces the first page's content stream with these FlateDecode-compressed bytes; `title`
    goes into the document information dictionary.
    """
    n = len(pages)
    font_id, first_page = 3, 4
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids ["
        + b" ".join(f"{first_page + 2 * i} 0 R".encode() for i in range(n))
        + f"] /Count {n} >>".encode(),
        font_id: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    for i, lines in enumerate(pages):
        body = b"BT /F1 11 Tf 14 TL 56 780 Td " + b" ".join(b"(" + _escape_pdf(line) + b") '" for line in lines)
        body += b" ET"
        page_id, content_id = first_page + 2 * i, first_page + 2 * i + 1
        objects[page_id] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 {font_id} 0 R >> >> "
            f"/Contents {content_id} 0 R >>"
        ).encode()
        if flate_first is not None and i == 0:
            body = flate_first
            objects[content_id] = f"<< /Length {len(body)} /Filter /FlateDecode >>\nstream\n".encode()
        else:
            objects[content_id] = f"<< /Length {len(body)} >>\nstream\n".encode()
        objects[content_id] += body + b"\nendstream"
    info = ""
    if title is not None:
        objects[max(objects) + 1] = b"<< /Title (" + _escape_pdf(title) + b") /Producer (tests) >>"
        info = f" /Info {max(objects)} 0 R"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n")
    start = out.tell()
    size = max(objects) + 1
    if xref:
        out.write(f"xref\n0 {size}\n0000000000 65535 f \n".encode())
        for number in range(1, size):
            out.write(f"{offsets[number]:010d} 00000 n \n".encode())
    else:
        out.write(b"xref\n0 3\ngarbage garbage\n")
    out.write(f"trailer\n<< /Size {size} /Root 1 0 R{info} >>\nstartxref\n{start}\n%%EOF\n".encode())
    return out.getvalue()


def text_pages(n_pages: int, lines_per_page: int = 40, seed_word: str = "page") -> list[list[str]]:
    """Pages of plausible prose for benchmarks and page-number tests."""
    words = ["the", "quick", "analysis", "of", "river", "sediment", "shows", "seasonal"]
    words += ["change", "in", "nitrogen", "and", "carbon", "levels", "across", "years"]
    pages = []
    for p in range(n_pages):
        lines = [f"{seed_word} {p + 1} marker{p + 1}"]
        for line in range(lines_per_page - 1):
            lines.append(" ".join(words[(line + k + p) % len(words)] for k in range(12)))
        pages.append(lines)
    return pages


def make_zip(members: dict[str, bytes | str], *, stored_first: str | None = None) -> bytes:
    """A zip archive; `stored_first` is written first and uncompressed (the ODF/EPUB mimetype rule)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        if stored_first is not None:
            zf.writestr(zipfile.ZipInfo(stored_first), members[stored_first], zipfile.ZIP_STORED)
        for name, data in members.items():
            if name != stored_first:
                zf.writestr(name, data)
    return out.getvalue()


_ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"'
)


def make_odf(mimetype: str, body: str, title: str | None = None) -> bytes:
    """A minimal OpenDocument package whose office:body holds `body` (ODF XML), with a meta.xml `title`."""
    content = f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODF_NS} office:version="1.2">'
    content += f"<office:body>{body}</office:body></office:document-content>"
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    members: dict[str, bytes | str] = {"mimetype": mimetype, "content.xml": content, "META-INF/manifest.xml": manifest}
    if title is not None:
        members["meta.xml"] = (
            '<?xml version="1.0" encoding="UTF-8"?><office:document-meta '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.2">'
            f"<office:meta><dc:title>{title}</dc:title></office:meta></office:document-meta>"
        )
    return make_zip(members, stored_first="mimetype")


def make_epub(chapters: Sequence[tuple[str, str]], title: str | None = None) -> bytes:
    """A minimal EPUB 3 with one XHTML file per (title, paragraph) chapter, spine in the given order; `title`
    is the book's, in the package metadata."""
    container = (
        '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
        '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
        "</rootfiles></container>"
    )
    items = "".join(
        f'<item id="c{i}" href="text/ch%20{i}.xhtml" media-type="application/xhtml+xml"/>' for i in range(len(chapters))
    )
    # The spine lists chapters in reverse file order, to prove reading order follows the spine.
    spine = "".join(f'<itemref idref="c{i}"/>' for i in range(len(chapters)))
    opf = (
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
        + (
            f'<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title></metadata>'
            if title is not None
            else ""
        )
        + f"<manifest>{items}</manifest><spine>{spine}</spine></package>"
    )
    members: dict[str, bytes | str] = {
        "mimetype": "application/epub+zip",
        "META-INF/container.xml": container,
        "OEBPS/content.opf": opf,
    }
    for i, (title, paragraph) in reversed(list(enumerate(chapters))):
        members[f"OEBPS/text/ch {i}.xhtml"] = (
            '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
            f"<head><title>{title}</title></head><body><h1>{title}</h1><p>{paragraph}</p></body></html>"
        )
    return make_zip(members, stored_first="mimetype")


def make_docx(paragraphs: Sequence[str], title: str | None = None) -> bytes:
    """A real Word document written by python-docx, with `title` in its core properties."""
    import docx

    document = docx.Document()
    if title is not None:
        document.core_properties.title = title
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_with_document_xml(document_xml: bytes, *, declared_size: int | None = None) -> bytes:
    """A python-docx package whose word/document.xml is replaced (zip bombs, hostile XML).

    `declared_size` overwrites the uncompressed size recorded in the zip headers, as a lying bomb does.
    """
    source = zipfile.ZipFile(io.BytesIO(make_docx(["placeholder"])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            data = document_xml if info.filename == "word/document.xml" else source.read(info)
            zf.writestr(info.filename, data, compresslevel=9)
    raw = out.getvalue()
    if declared_size is None:
        return raw
    patched = bytearray(raw)
    info = zipfile.ZipFile(io.BytesIO(raw)).getinfo("word/document.xml")
    local = info.header_offset
    patched[local + 22 : local + 26] = declared_size.to_bytes(4, "little")
    start = 0
    while (central := raw.find(b"PK\x01\x02", start)) != -1:
        name_len = int.from_bytes(raw[central + 28 : central + 30], "little")
        if raw[central + 46 : central + 46 + name_len] == b"word/document.xml":
            patched[central + 24 : central + 28] = declared_size.to_bytes(4, "little")
        start = central + 4
    return bytes(patched)


def encrypted_pdf(plain: bytes, user_password: str) -> bytes:
    """`plain` encrypted by pypdf (AES-256); an empty user password opens without asking."""
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(plain)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def blank_pdf(pages: int = 2) -> bytes:
    """Pages with no text at all, as a scan without OCR looks to a text extractor."""
    import pypdf

    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def deflate_bomb(megabytes: int) -> bytes:
    """A zlib stream that inflates to `megabytes` MB of spaces, built in milliseconds.

    One MB is compressed once and its block repeated: a full flush makes every block independent of
    the ones before, and the Adler-32 trailer is computed for the whole expansion.
    """
    chunk = b" " * (1 << 20)
    z = zlib.compressobj(9)
    first = z.compress(chunk) + z.flush(zlib.Z_FULL_FLUSH)
    block = z.compress(chunk) + z.flush(zlib.Z_FULL_FLUSH)
    final = z.flush()[:-4]  # the last (empty) block, without the trailer for two megabytes
    checksum = 1
    for _ in range(megabytes):
        checksum = zlib.adler32(chunk, checksum)
    return first + block * (megabytes - 1) + final + checksum.to_bytes(4, "big")
