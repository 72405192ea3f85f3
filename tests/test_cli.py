"""The command line end to end with the real offline model on a folder of real-looking documents."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from desktop_search.cli import main
from desktop_search.settings import HOME_ENV
from tests.conftest import DOCUMENTS, write_documents

pytestmark = pytest.mark.slow  # the real model, through the command line


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data folder indexed once for the module: the tests below only read it (see `own_copy`)."""
    base = tmp_path_factory.mktemp("cli")
    docs = write_documents(base / "docs")
    home = base / "cli-home"
    with pytest.MonkeyPatch.context() as env:  # the autouse temp home is per test; this one outlives it
        env.setenv(HOME_ENV, str(home))
        assert main(["--home", str(home), "add", str(docs)]) == 0
        assert main(["--home", str(home), "index"]) == 0
    return home


@pytest.fixture
def own_copy(indexed: Path, tmp_path: Path) -> Path:
    """A copy of the indexed data folder for a test that changes it (the documents stay shared, unchanged)."""
    return Path(shutil.copytree(indexed, tmp_path / "cli-home"))


def _search(capsys: pytest.CaptureFixture[str], home: Path, query: str, *extra: str) -> list[dict[str, object]]:
    code, out, err = run(capsys, "--home", str(home), "search", query, "--json", *extra)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("how do I keep my vegetable plants healthy", "garden.md"),
        ("what do new staff get when they start", "onboarding.md"),
        ("moving our servers to another hosting company", "minutes.rst"),
        ("baking a loaf at home", "bread.txt"),
        ("train journey between cities abroad", "japan.md"),
    ],
)
def test_a_paraphrased_query_finds_the_right_file_first(
    indexed: Path, capsys: pytest.CaptureFixture[str], query: str, expected: str
) -> None:
    hits = _search(capsys, indexed, query)
    assert Path(str(hits[0]["path"])).name == expected


def test_an_exact_identifier_finds_its_file_first(indexed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hits = _search(capsys, indexed, "INV-2023-0042")
    assert Path(str(hits[0]["path"])).name == "invoice-march.txt"
    assert "**INV**-**2023**-**0042**" in str(hits[0]["snippet"])


def test_json_results_have_the_documented_fields(indexed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hits = _search(capsys, indexed, "budget", "--limit", "3")
    assert 1 <= len(hits) <= 3
    for hit in hits:
        assert {"path", "score", "snippet", "page", "start", "end"} <= hit.keys()
        assert isinstance(hit["score"], float)
        assert isinstance(hit["start"], int)
        assert isinstance(hit["end"], int)
        text = (Path(str(hit["path"]))).read_text(encoding="utf-8")
        assert 0 <= hit["start"] < hit["end"] <= len(text)  # type: ignore[operator]
    assert len({h["path"] for h in hits}) == len(hits)  # one result per file


def test_status_json_counts_files_and_chunks(indexed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--home", str(indexed), "status", "--json")
    assert code == 0
    [library] = json.loads(out)
    assert library["files"] == len(DOCUMENTS)
    assert library["chunks"] >= len(DOCUMENTS)
    assert library["failed"] == 0
    assert library["failed_files"] == []
    assert library["partial_files"] == []
    assert library["pending"] == 0


def test_errors_give_a_message_and_exit_code_1(
    own_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(own_copy)
    code, _, err = run(capsys, "--home", home, "add", str(tmp_path / "missing"))
    assert (code, "No such folder" in err) == (1, True)
    (tmp_path / "notes.txt").write_text("a file, not a folder", encoding="utf-8")
    code, _, err = run(capsys, "--home", home, "add", str(tmp_path / "notes.txt"))
    assert (code, "is a file" in err) == (1, True)
    code, _, err = run(capsys, "--home", home, "search", "bread", "--library", "nope")
    assert (code, "No library named 'nope'" in err) == (1, True)
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "broken.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 4)
    assert run(capsys, "--home", home, "add", str(damaged))[0] == 0
    code, _, _ = run(capsys, "--home", home, "index")
    assert code == 0
    code, out, _ = run(capsys, "--home", home, "status", "--json")
    [library] = json.loads(out)
    assert library["failed"] == 1
    assert library["failed_files"][0]["path"].endswith("broken.pdf")
    assert "damaged PDF" in library["failed_files"][0]["reason"]
    assert Path(str(_search(capsys, own_copy, "sourdough")[0]["path"])).name == "bread.txt"  # still usable


def test_remove_drops_a_folder(own_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    [library] = json.loads(run(capsys, "--home", str(own_copy), "status", "--json")[1])
    [folder] = library["folders"]
    code, out, _ = run(capsys, "--home", str(own_copy), "remove", folder)
    assert code == 0
    assert "Removed" in out
    assert _search(capsys, own_copy, "sourdough") == []
