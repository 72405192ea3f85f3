"""The command line end to end with the real offline model on a folder of real-looking documents."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
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
    assert "**INV-2023-0042**" in str(hits[0]["snippet"])


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


def _folder_of_own(home: Path, folder: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Add a folder this test owns to the home's library (the shared documents stay unchanged)."""
    folder.mkdir(exist_ok=True)
    assert run(capsys, "--home", str(home), "add", str(folder))[0] == 0
    return folder


def test_results_show_a_documents_title_beside_its_path(
    own_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = _folder_of_own(own_copy, tmp_path / "saved", capsys) / "x34.html"
    page.write_text(
        "<html><head><title>Banana bread for beginners</title></head>"
        "<body><p>Mash three ripe bananas with melted butter.</p></body></html>",
        encoding="utf-8",
    )
    assert run(capsys, "--home", str(own_copy), "index")[0] == 0
    [hit] = _search(capsys, own_copy, "bananas", "--mode", "keyword")
    assert (hit["title"], hit["path"]) == ("Banana bread for beginners", str(page))
    assert _search(capsys, own_copy, "INV-2023-0042", "--mode", "keyword")[0]["title"] is None  # a text file has none
    code, out, _ = run(capsys, "--home", str(own_copy), "search", "bananas", "--mode", "keyword")
    assert code == 0
    assert out.splitlines()[0].startswith(f"1. Banana bread for beginners — {page}  (score ")


@pytest.mark.skipif(os.name != "posix", reason="POSIX file names are bytes")
def test_names_that_are_not_utf8_are_listed_as_failed(
    own_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(own_copy)
    folder = _folder_of_own(own_copy, tmp_path / "old-cd", capsys)
    raw = os.fsencode(folder)
    with open(raw + b"/r\xe9sum\xe9.txt", "wb") as f:  # Latin-1 names, as an old zip or CD leaves them
        f.write(b"curriculum vitae")
    os.mkdir(raw + b"/f\xfcr-later")
    with open(raw + b"/f\xfcr-later/notes.txt", "wb") as f:
        f.write(b"inside a folder whose name is not UTF-8")
    code, out, _ = run(capsys, "--home", home, "index")
    assert (code, out.strip().endswith("2 failed.")) == (0, True), out
    code, out, _ = run(capsys, "--home", home, "status")
    assert f"  files: {len(DOCUMENTS)} indexed, 2 failed, 0 skipped" in out.splitlines()
    assert f"  failed: {folder}/r\\xe9sum\\xe9.txt: name is not valid UTF-8; rename it to index it" in out.splitlines()
    assert (
        f"  failed: {folder}/f\\xfcr-later: folder name is not valid UTF-8; rename it to index the files in it" in out
    )
    code, out, _ = run(capsys, "--home", home, "status", "--json")
    [library] = json.loads(out)
    assert library["failed"] == 2
    assert {Path(f["path"]).name for f in library["failed_files"]} == {"r\\xe9sum\\xe9.txt", "f\\xfcr-later"}
    code, out, _ = run(capsys, "--home", home, "index")  # nothing changed: nothing new to report
    assert out.strip().endswith("0 files looked at, 0 chunks embedded, 0 failed."), out
    os.remove(raw + b"/r\xe9sum\xe9.txt")
    run(capsys, "--home", home, "index")
    code, out, _ = run(capsys, "--home", home, "status", "--json")
    assert json.loads(out)[0]["failed"] == 1, "a deleted file stays listed"


def _index_in_a_new_process(home: Path) -> tuple[str, bool]:
    """`index` run as its own process: what it prints, and whether it loaded a model runtime (torch or OpenVINO)."""
    script = (
        "import sys\nfrom desktop_search.cli import main\n"
        f"code = main(['--home', {str(home)!r}, 'index'])\n"
        "print('model loaded' if {'torch', 'openvino'} & set(sys.modules) else 'no model', code)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True)
    *lines, verdict = done.stdout.strip().splitlines()
    assert verdict.endswith(" 0"), done.stdout + done.stderr
    return "\n".join(lines), verdict.startswith("model loaded")


def test_index_with_nothing_to_embed_does_not_load_the_model(
    own_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, loaded = _index_in_a_new_process(own_copy)
    assert "0 files looked at, 0 chunks embedded, 0 failed." in out
    assert not loaded, "a no-op index loaded the model"
    folder = _folder_of_own(own_copy, tmp_path / "mine", capsys)
    (folder / "shins.txt").write_text("Shin splints come from running too far too soon.\n", encoding="utf-8")
    (folder / "garden.md").write_text("# Garden\n\nCourgettes need space.\n", encoding="utf-8")
    assert run(capsys, "--home", str(own_copy), "index")[0] == 0
    (folder / "shins.txt").unlink()  # a deletion needs no model either
    out, loaded = _index_in_a_new_process(own_copy)
    assert not loaded
    assert "shins.txt" not in {
        Path(str(h["path"])).name for h in _search(capsys, own_copy, "splints", "--mode", "keyword")
    }
    (folder / "garden.md").write_text("# Garden\n\nCourgettes need room to spread.\n", encoding="utf-8")
    out, loaded = _index_in_a_new_process(own_copy)  # an edit does: the check above can tell
    assert ("1 files looked at" in out, loaded) == (True, True)


def test_home_and_device_work_after_the_command_too(
    indexed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "search", "sourdough", "--home", str(indexed), "--device", "cpu", "--json")
    assert code == 0, err
    assert Path(json.loads(out)[0]["path"]).name == "bread.txt"
    code, out, _ = run(capsys, "--home", str(tmp_path / "elsewhere"), "status", "--home", str(indexed))
    assert f"  files: {len(DOCUMENTS)} indexed, 0 failed, 0 skipped" in out.splitlines()  # the later one counts
    assert not (tmp_path / "elsewhere").exists()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["search", ""], "argument query: the query is empty"),
        (["search", "   "], "argument query: the query is empty"),
        (["search", "?! -- ..."], "argument query: '?! -- ...' has no letter or digit to search for"),
        (["search", "bread", "--limit", "0"], "argument --limit: '0' is not a whole number of 1 or more"),
        (["search", "bread", "--limit", "-5"], "argument --limit: '-5' is not a whole number of 1 or more"),
    ],
)
def test_a_malformed_search_is_refused_with_the_usage_and_exit_code_2(
    args: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(args)
    _, err = capsys.readouterr()
    assert exited.value.code == 2
    assert err.startswith("usage: desktop-search search")
    assert err.strip().endswith(f"desktop-search search: error: {says}")
