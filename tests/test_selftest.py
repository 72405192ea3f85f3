"""The installation self-test really indexes every format and searches, and reports a failed check."""

from __future__ import annotations

import subprocess
import sys

import pytest

from desktop_search import selftest
from desktop_search.core.extract.kinds import BY_EXTENSION
from desktop_search.paths import resources_dir

pytestmark = pytest.mark.slow  # the bundled model, really loaded


def test_the_sample_holds_a_file_of_every_document_format_the_issue_names() -> None:
    kinds = {BY_EXTENSION[p.suffix].name for p in (resources_dir() / "sample").iterdir()}
    assert {"pdf", "docx", "pptx", "xlsx", "odt", "epub", "html", "rtf", "markdown", "rst", "text", "image"} <= kinds


def test_the_self_test_passes_and_prints_one_line_per_check() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "desktop_search", "--self-test", "--device", "cpu"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == f"self-test: OK ({len(selftest.QUERIES) + 7} checks)"
    checks = lines[:-1]
    assert all(line.startswith("ok  ") for line in checks), checks
    pdf = "ok    PDF: 'octopus and hermit crabs in the tide pool' -> field-survey.pdf, page 2"
    assert any(line.startswith(pdf) for line in checks)  # a slow check adds its time
    assert any(line.startswith("ok    index: 14 files") and "2 read by OCR" in line for line in checks)
    scan = "ok    scanned PDF (OCR): 'Harbour Joinery invoice' -> scanned-invoice.pdf, page 1"
    assert any(line.startswith(scan) for line in checks)
    # The default backend on a CPU is OpenVINO's (int8 where the CPU has int8 dot products), and it says so.
    assert any(line.startswith("ok    model: all-minilm-l6-v2 by the openvino") for line in checks), checks
    assert any(line.startswith("ok    CPU backend: openvino") and "CPU plugin on" in line for line in checks)
    assert any(line.startswith("ok    CDE backend: CDEEmbedder, ModernBertModel, NomicBertModel") for line in checks)
    assert any(line.startswith("ok    sqlite-vec: extension v") for line in checks)
    assert any(line.startswith("ok    command-line start: no Qt loaded") for line in checks), checks


def test_the_self_test_fails_a_start_that_loaded_qt() -> None:
    """What a frozen build with PyInstaller's PySide6 run-time hook does: Qt is imported before main runs."""
    code = "import PySide6.QtCore; from desktop_search import selftest; selftest._light_start()"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert "AssertionError: Qt (PySide6.QtCore) was loaded before any window" in result.stderr


def test_a_wrong_result_fails_its_line_and_the_run() -> None:
    wrong = selftest.Query("PDF", "octopus and hermit crabs", "hybrid", "field-survey.pdf", page=1)
    report = selftest.run_self_test(device="cpu", queries=(wrong,))
    assert not report.ok
    (failure,) = report.failures
    assert failure.line() == (
        "FAIL  PDF: AssertionError: 'octopus and hermit crabs' found field-survey.pdf, page 2, "
        "expected field-survey.pdf, page 1"
    )
