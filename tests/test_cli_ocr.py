"""OCR from the command line: off by default, `ocr on` reads the scanned PDF and the picture, `status` says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_search.core.extract.pdf import NO_TEXT_LAYER
from desktop_search.settings import Settings
from tests.core.extract.ocr_samples import page_picture, png_bytes, scanned_pdf
from tests.test_cli import run

pytestmark = pytest.mark.slow  # the CLI runs the real OCR and embedding models


def _search(capsys: pytest.CaptureFixture[str], home: Path, query: str) -> list[str]:
    code, out, err = run(capsys, "--home", str(home), "search", query, "--mode", "keyword", "--json")
    assert code == 0, err
    return sorted(Path(h["path"]).name for h in json.loads(out))


def test_ocr_is_off_until_turned_on_for_the_library_then_scans_and_pictures_are_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "scans"
    folder.mkdir()
    (folder / "invoice-scan.pdf").write_bytes(scanned_pdf([page_picture()]))
    (folder / "whiteboard.png").write_bytes(png_bytes(page_picture(["Harbour Joinery quote for the attic"])))
    home = tmp_path / "home"
    assert run(capsys, "--home", str(home), "add", str(folder), "--library", "scans")[0] == 0
    assert run(capsys, "--home", str(home), "add", str(tmp_path / "scans"), "--library", "other")[0] == 0
    assert run(capsys, "--home", str(home), "index", "--library", "scans")[0] == 0
    assert _search(capsys, home, "Harbour") == []
    [status] = json.loads(run(capsys, "--home", str(home), "status", "--library", "scans", "--json")[1])
    assert status["ocr"] is False
    assert [f["reason"] for f in status["failed_files"]] == [NO_TEXT_LAYER]

    code, out, _ = run(capsys, "--home", str(home), "ocr", "on", "--library", "scans")
    assert code == 0
    assert "OCR on for library 'scans': 2 pictures and PDFs to look at again." in out
    assert Settings.load(home).ocr == ["scans"]
    assert run(capsys, "--home", str(home), "index", "--library", "scans")[0] == 0
    assert _search(capsys, home, "Harbour Joinery") == ["invoice-scan.pdf", "whiteboard.png"]
    assert _search(capsys, home, "INV-2024-0317") == ["invoice-scan.pdf"]

    code, out, _ = run(capsys, "--home", str(home), "status")
    assert code == 0
    assert f"  read by OCR: {folder / 'invoice-scan.pdf'} (1 page)" in out
    assert f"  read by OCR: {folder / 'whiteboard.png'} (1 page)" in out
    assert "Library 'scans'" in out
    [scans] = json.loads(run(capsys, "--home", str(home), "status", "--library", "scans", "--json")[1])
    assert scans["ocr"] is True
    assert scans["failed"] == 0
    [other] = json.loads(run(capsys, "--home", str(home), "status", "--library", "other", "--json")[1])
    assert other["ocr"] is False
