"""`desktop-search models` and `context refresh` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_search.cli import main
from tests.embed.tiny_cde import make_tiny_cde


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_models_lists_the_catalog_with_what_is_installed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "--home", str(tmp_path / "h"), "models", "--json")
    rows = {r["id"]: r for r in json.loads(out)}
    assert code == 0
    assert set(rows) >= {"all-minilm-l6-v2", "cde-small-v2", "cde-small-v1", "cadet-embed-base-v1"}
    assert rows["all-minilm-l6-v2"]["installed"]  # ships with the app
    assert rows["cde-small-v2"]["installed"] is None
    assert rows["cde-small-v2"]["contextual"]
    assert not rows["cadet-embed-base-v1"]["contextual"]
    assert rows["cadet-embed-base-v1"]["prefixes"] == ["query: ", "passage: "]
    assert rows["multilingual-e5-small"]["prefixes"] == ["query: ", "passage: "]
    assert rows["multilingual-e5-small"]["languages"] == "about 100 languages (those of XLM-RoBERTa)"
    assert rows["all-minilm-l6-v2"]["languages"] == "English"
    assert rows["all-minilm-l6-v2"]["backend"] in {"openvino", "openvino-int8"}  # a CPU: int8 with VNNI
    assert rows["cde-small-v2"]["backend"] == "cde"
    code, out, _ = run(capsys, "--home", str(tmp_path / "h"), "models")
    assert "languages: 50+ languages" in out


def test_import_installs_and_the_list_shows_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = make_tiny_cde(tmp_path / "usb", ["one two: three"], corpus_size=2)
    home = str(tmp_path / "h")
    code, out, err = run(capsys, "--home", home, "models", "import", "cde-small-v2", str(source))
    assert code == 0, err
    code, out, _ = run(capsys, "--home", home, "models")
    line = next(x for x in out.splitlines() if x.startswith("cde-small-v2"))
    assert "installed" in line
    assert "not installed" not in line


def test_a_missing_model_says_how_to_get_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    home = str(tmp_path / "h")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("some words here")
    assert run(capsys, "--home", home, "add", str(folder), "--model", "cde-small-v1")[0] == 0
    code, _, err = run(capsys, "--home", home, "index")
    assert code == 1
    assert "models download cde-small-v1" in err


def test_context_refresh_without_a_contextual_library_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "--home", str(tmp_path / "h"), "context", "refresh")
    assert code == 1
    assert "contextual" in err


@pytest.mark.slow  # the CLI indexes and searches through a CDE model
def test_a_contextual_library_end_to_end(capsys: pytest.CaptureFixture[str], tmp_path: Path, docs: Path) -> None:
    """Import a (tiny) CDE model, index with it, see the context in status, refresh it."""
    from tests.conftest import DOCUMENTS

    home = str(tmp_path / "h")
    source = make_tiny_cde(tmp_path / "usb", list(DOCUMENTS.values()), corpus_size=16)
    assert run(capsys, "--home", home, "models", "import", "cde-small-v2", str(source))[0] == 0
    assert run(capsys, "--home", home, "add", str(docs), "--model", "cde-small-v2")[0] == 0
    code, _, err = run(capsys, "--home", home, "--device", "cpu", "index")
    assert code == 0, err
    code, out, _ = run(capsys, "--home", home, "status", "--json")
    (status,) = json.loads(out)
    assert (status["model"], status["context_size"], status["rebuilding"]) == ("cde-small-v2", 16, False)
    assert status["context_staleness"] == 0.0
    assert status["embedded"] == status["chunks"] > 0
    code, out, _ = run(capsys, "--home", home, "status")
    assert "context: 16 chunks from" in out
    code, out, err = run(capsys, "--home", home, "--device", "cpu", "context", "refresh")
    assert code == 0, err
    assert "new context in use" in out
    code, out, _ = run(capsys, "--home", home, "search", "tomatoes", "--mode", "dense", "--json")
    assert len(json.loads(out)) > 0
