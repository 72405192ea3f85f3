"""Indexing a folder of good, malformed and hostile files: every file gets the right status, the run finishes."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from desktop_search.core.extract import MB
from desktop_search.core.extract.pdf import NO_TEXT_LAYER
from desktop_search.core.indexer import Indexer
from desktop_search.core.producer import IndexLimits
from desktop_search.core.search import SearchOptions
from desktop_search.records import Hit
from desktop_search.services import Services
from tests.core.extract.hooks import misbehaving
from tests.core.extract.samples import (
    blank_pdf,
    docx_with_document_xml,
    encrypted_pdf,
    make_docx,
    make_epub,
    make_odf,
    make_pdf,
    text_pages,
)

pytestmark = pytest.mark.slow  # hundreds of hostile files through the extraction workers


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["inventory", "pelican crates", 17])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = {
    "report.pdf": make_pdf(text_pages(3, 5, "hydrology")),
    "open-secret.pdf": encrypted_pdf(make_pdf([["the walrus protocol"]]), ""),
    "xref.pdf": make_pdf([["salvaged zeppelin notes"]], xref=False),
    "letter.docx": make_docx(["Dear committee, the marmalade budget is approved."]),
    "stock.xlsx": _xlsx(),
    "minutes.odt": make_odf(
        "application/vnd.oasis.opendocument.text", "<office:text><text:p>kayak regatta minutes</text:p></office:text>"
    ),
    "novel.epub": make_epub([("One", "the lighthouse keeper"), ("Two", "a quiet harbour")]),
    "page.html": b"<html><head><title>Origami</title><script>x()</script></head><body><p>paper crane</p></body></html>",
    "deep.html": b"<html><body>" + b"<div>" * 20_000 + b"labyrinth text" + b"</div>" * 20_000 + b"</body></html>",
    "menu.rtf": rb"{\rtf1\ansi{\fonttbl\f0 Times;}\f0 Quiche lorraine\par}",
    "latin1.txt": "Rösti und Käsespätzle".encode("latin-1"),
    "invalid-utf8.txt": b"ocelot \xff\xfe sighting \xc3",
    "crlf.md": b"# Notes\r\n\r\nbadger sett\r\n",
    "script.py": b"def wombat():\n    return 42\n",
    "empty.txt": b"",
}
FAILED = {
    "truncated.pdf": (make_pdf([["cut"]])[:180], "damaged PDF"),
    "random.pdf": (b"%PDF-1.5\n" + bytes(range(256)) * 16, "damaged PDF"),
    "locked.pdf": (encrypted_pdf(make_pdf([["hidden"]]), "hunter2"), "password-protected PDF"),
    "scan.pdf": (blank_pdf(), NO_TEXT_LAYER),
    "bomb.docx": (docx_with_document_xml(b"<w:document>" + b" " * (16 * MB) + b"</w:document>"), "zip bomb"),
    "zero.pdf": (b"", "empty file"),
    "crash.txt": (b"makes the worker abort", "worker crashed"),
    "hang.txt": (b"makes the worker sleep", "timed out after 3 s"),
    "hog.txt": (b"makes the worker allocate", "ran out of memory (limit 512 MB)"),
}
SKIPPED = {
    "photo.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(300),
    "archive.zip": b"PK\x03\x04" + bytes(300),
    "program": b"\x7fELF\x02\x01\x01" + bytes(300),
    "legacy.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(300),
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    files = GOOD | {name: data for name, (data, _) in FAILED.items()} | SKIPPED
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def _indexer(services: Services) -> Indexer:
    limits = IndexLimits(timeout_s=3, memory_mb=512, max_unzipped_bytes=4 * MB, workers=2)
    return Indexer(services.store, services.embedders, services.settings.home, limits, extract=misbehaving)


def _search(services: Services, query: str) -> list[Hit]:
    return services.searcher().search(query, services.libraries.select(None), SearchOptions(mode="keyword"))


@pytest.mark.allow_log(r"worker crashed|timed out after", logger="desktop_search.core.extract.workers")
def test_a_hostile_folder_indexes_to_the_end_with_a_reason_for_every_failure(services: Services, corpus: Path) -> None:
    services.libraries.add_folders([str(corpus)])
    [library] = services.libraries.select(None)
    reports = list(_indexer(services).run(library))
    assert reports[-1].phase == "done"
    rows = services.store.conn.execute("SELECT path, status, kind, page_count, error FROM files").fetchall()
    files = {Path(r[0]).name: r[1:] for r in rows}
    assert len(files) == len(GOOD) + len(FAILED) + len(SKIPPED)
    assert {n for n, r in files.items() if r[0] == "indexed"} == set(GOOD)
    assert {n for n, r in files.items() if r[0] == "skipped"} == set(SKIPPED)
    for name, (_, reason) in FAILED.items():
        assert files[name][0] == "failed", name
        assert reason in files[name][3], name
    assert files["report.pdf"][1:3] == ("pdf", 3)
    assert files["stock.xlsx"][1] == "xlsx"
    assert files["hang.txt"][1] == "text"  # the detected type is kept for a file whose worker was killed
    assert files["legacy.doc"][3] == "not a document (legacy or password-protected Office file (not supported))"
    assert services.store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    status = services.libraries.status()[0]
    assert status.failed == len(FAILED)
    assert status.pending == 0


SEARCHABLE = {
    "walrus": "open-secret.pdf",
    "zeppelin": "xref.pdf",
    "marmalade": "letter.docx",
    "pelican": "stock.xlsx",
    "kayak": "minutes.odt",
    "lighthouse": "novel.epub",
    "crane": "page.html",
    "labyrinth": "deep.html",
    "quiche": "menu.rtf",
    "Käsespätzle": "latin1.txt",
    "ocelot": "invalid-utf8.txt",
    "badger": "crlf.md",
    "wombat": "script.py",
}


def test_every_good_file_is_searchable(services: Services, corpus: Path) -> None:
    for bad in ("crash.txt", "hang.txt", "hog.txt"):  # keep this one fast: no waiting for the timeout
        (corpus / bad).unlink()
    services.libraries.add_folders([str(corpus)])
    [library] = services.libraries.select(None)
    list(_indexer(services).run(library))
    found = {query: [Path(h.path).name for h in _search(services, query)] for query in SEARCHABLE}
    assert found == {query: [name] for query, name in SEARCHABLE.items()}


def test_pdf_hits_carry_their_page_and_failures_are_not_retried(services: Services, tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    pages = text_pages(4, 40, "hydrology")
    for number, page in enumerate(pages, 1):
        page[20] = f"mid-page word quasar{number}"  # far from page breaks, so the chunk starts on this page
    (folder / "report.pdf").write_bytes(make_pdf(pages))
    (folder / "random.pdf").write_bytes(FAILED["random.pdf"][0])
    services.libraries.add_folders([str(folder)])
    [library] = services.libraries.select(None)
    list(_indexer(services).run(library))
    [hit] = _search(services, "quasar3")
    assert hit.page == 3
    again = list(_indexer(services).run(library))
    assert again[-1].files_done == 0  # the damaged PDF waits until it changes
    retried = list(_indexer(services).run(library, retry_failed=True))
    assert (retried[-1].files_done, retried[-1].failed) == (1, 1)
