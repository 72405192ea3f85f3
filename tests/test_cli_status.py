"""`status` tells why files were skipped, not only how many: a person looking for a file learns what to do."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from desktop_search.cli import main
from desktop_search.core.extract.ocr import OCR_OFF
from desktop_search.services import Services
from tests.conftest import DOCUMENTS, index_all
from tests.core.extract.ocr_samples import page_picture, png_bytes

SKIPPED_REASONS = [("not a document (compressed archive)", 2), (OCR_OFF, 1)]


def add_files_to_skip(folder: Path) -> None:
    """Two compressed files and a picture (OCR is off by default): three files a library skips, for two reasons."""
    for name in ("notes-2023.txt.gz", "notes-2024.txt.gz"):
        (folder / name).write_bytes(gzip.compress(b"minutes of the meeting " * 50))
    (folder / "whiteboard.png").write_bytes(png_bytes(page_picture()))


def test_status_groups_skipped_files_by_reason(
    services: Services, docs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_files_to_skip(docs)
    services.libraries.add_folders([str(docs)])
    index_all(services)
    home = str(services.settings.home)

    assert main(["--home", home, "status"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"  files: {len(DOCUMENTS)} indexed, 0 failed, 3 skipped" in lines
    skipped = [line for line in lines if line.startswith("  skipped: ")]
    assert skipped == ["  skipped: 2 files: not a document (compressed archive)", f"  skipped: 1 file: {OCR_OFF}"]

    assert main(["--home", home, "status", "--json"]) == 0
    [library] = json.loads(capsys.readouterr().out)
    assert library["skipped_reasons"] == [{"reason": reason, "files": n} for reason, n in SKIPPED_REASONS]
