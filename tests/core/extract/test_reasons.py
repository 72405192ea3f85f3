"""Failure reasons name what happened, in words, whatever file the worker read before."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_search.core.extract import Extracted, ExtractLimits
from desktop_search.core.extract.pdf import PASSWORD_PROTECTED
from desktop_search.core.extract.workers import Failure, Job, Outcome, PoolLimits, WorkerPool, extract_in_process
from tests.core.extract.samples import docx_with_document_xml, encrypted_pdf, make_pdf


def _job(key: int, path: Path) -> Job:
    st = path.stat()
    return Job(key, str(path), st.st_size, st.st_mtime_ns)


def _in_one_worker(paths: list[Path], limits: PoolLimits | None = None) -> list[Outcome]:
    """Extract the files in this order, all in one worker process."""
    pool = WorkerPool(limits or PoolLimits(workers=1))
    results: dict[int, Outcome] = {}
    try:
        for key, path in enumerate(paths):
            pool.submit(_job(key, path))
        while pool.busy:
            results.update((job.key, outcome) for job, outcome in pool.collect(0.5))
    finally:
        pool.close()
    return [results[key] for key in range(len(paths))]


def test_a_damaged_pdf_read_after_an_encrypted_one_is_not_called_password_protected(tmp_path: Path) -> None:
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(encrypted_pdf(make_pdf([["a secret"]]), "pw"))
    # The page tree's object is unreadable: pdfium opens the file, finds no page, and sets no error of its
    # own, so its last error is whatever the file before left ("incorrect password" here).
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(make_pdf([["one"], ["two"]]).replace(b"2 0 obj", b"2 0 oXj"))
    after_locked = _in_one_worker([locked, broken, locked])
    alone = _in_one_worker([broken])
    assert after_locked == [Failure("failed", PASSWORD_PROTECTED, "pdf"), alone[0], after_locked[0]]
    assert isinstance(alone[0], Extracted)  # pypdf repairs it: the text is not lost either
    assert alone[0].text == "one\n\ntwo"


@pytest.mark.allow_log(r".", logger="pypdf")  # pypdf narrates its repairs of a damaged file
def test_pypdf_errors_of_any_type_read_as_a_damaged_pdf(tmp_path: Path) -> None:
    # pdfium cannot find the catalog (no /Root); pypdf can, and then meets the abbreviated filter name /A85
    # in a page's stream, which it refuses with its own DeprecationError.
    data = (
        make_pdf([["hello"]]).replace(b"/Root 1 0 R", b"/Rot 1 0 R").replace(b"<< /Length", b"<< /Filter /A85 /Length")
    )
    path = tmp_path / "a85.pdf"
    path.write_bytes(data)
    assert extract_in_process(_job(0, path), ExtractLimits()) == Failure(
        "failed", "damaged PDF (page 1 cannot be read)", "pdf"
    )


@pytest.mark.allow_log(r"^extracting .* failed", logger="desktop_search.core.extract.workers")
def test_an_unexpected_error_without_a_message_still_says_what_happened(tmp_path: Path) -> None:
    path = tmp_path / "odd.txt"
    path.write_text("text", encoding="utf-8")

    def failing(data: bytes, path: Path, limits: ExtractLimits, truncated: bool) -> Extracted:
        raise AssertionError  # as parsers' bare `assert`s do

    outcome = extract_in_process(_job(0, path), ExtractLimits(), failing)
    assert outcome == Failure("failed", "could not be read: damaged or unusual content (AssertionError)")


def test_a_valid_document_over_the_memory_cap_is_reported_as_out_of_memory(tmp_path: Path) -> None:
    ns = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = b"".join(
        b"<w:p><w:r><w:t>Paragraph %d of the quarterly report.</w:t></w:r></w:p>" % i for i in range(500_000)
    )
    xml = b"<?xml version='1.0' encoding='UTF-8'?><w:document " + ns + b"><w:body>" + body + b"</w:body></w:document>"
    path = tmp_path / "report.docx"
    path.write_bytes(docx_with_document_xml(xml))  # 40 MB of well-formed XML: its tree needs far more than 300 MB
    limits = PoolLimits(workers=1, memory_mb=300, extract=ExtractLimits(max_unzipped_bytes=1024**3))
    assert _in_one_worker([path], limits) == [Failure("failed", "ran out of memory (limit 300 MB)")]
