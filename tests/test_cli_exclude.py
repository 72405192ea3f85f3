"""`desktop-search exclude`: what a library skips is listed, machine-made files included, and can be taken back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_search.cli import main
from desktop_search.core.generated import GENERATED
from tests.core.test_generated import MINIFIED


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _found(capsys: pytest.CaptureFixture[str], home: Path) -> set[str]:
    code, out, err = run(capsys, "--home", str(home), "search", "sourdough", "--mode", "keyword", "--json")
    assert code == 0, err
    return {Path(hit["path"]).name for hit in json.loads(out)}


def test_generated_files_are_listed_skipped_and_can_be_taken_back(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder, home = tmp_path / "site", tmp_path / "home"
    folder.mkdir()
    (folder / "app.js").write_text(MINIFIED, encoding="utf-8")
    (folder / "app.min.js").write_text("var sourdough = 1;\n", encoding="utf-8")
    (folder / "notes.txt").write_text("Feed the sourdough starter every morning.\n", encoding="utf-8")
    assert run(capsys, "--home", str(home), "add", str(folder))[0] == 0
    code, out, _ = run(capsys, "--home", str(home), "exclude")
    assert code == 0
    assert f"  {GENERATED}  (machine-made text" in out
    assert "  *.min.js\n" in out
    assert run(capsys, "--home", str(home), "index")[0] == 0
    assert _found(capsys, home) == {"notes.txt"}

    code, out, _ = run(capsys, "--home", str(home), "exclude", "--remove", GENERATED, "*.min.js", "nothing-*")
    assert code == 0
    assert "'default' does not skip nothing-*" in out
    assert GENERATED not in out
    assert "*.min.js" not in out
    assert run(capsys, "--home", str(home), "index")[0] == 0
    assert _found(capsys, home) == {"notes.txt", "app.js", "app.min.js"}

    code, out, _ = run(capsys, "--home", str(home), "exclude", "notes.*")
    assert "  notes.*\n" in out
    assert run(capsys, "--home", str(home), "index")[0] == 0
    assert _found(capsys, home) == {"app.js", "app.min.js"}


def test_exclude_names_an_unknown_library(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "--home", str(tmp_path / "home"), "exclude", "--library", "nope")
    assert code == 1
    assert "No library named 'nope'" in err
