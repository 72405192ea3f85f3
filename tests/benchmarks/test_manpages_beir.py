"""The manual-page collection asks each page's NAME description, which its document no longer holds."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import manpages_beir  # noqa: E402
from beir_data import load_collection  # noqa: E402

BODY = "SYNOPSIS\n     {name} [OPTION]... [FILE]...\n\nDESCRIPTION\n     " + "{what} in more words. " * 12


def rendered(name: str, what: str) -> str:
    """A page as `man` prints it: a header line, NAME, the rest, a footer line."""
    return f"{name.upper()}(1)    User Commands    {name.upper()}(1)\n\nNAME\n     {name} - {what}\n\n" + (
        BODY.format(name=name, what="Works on files") + "\n\nGNU coreutils 9.1    2022    " + name.upper() + "(1)\n"
    )


def test_split_page_takes_the_description_out_of_the_text() -> None:
    split = manpages_beir.split_page(rendered("ls", "list directory contents"))
    assert split is not None
    what, body = split
    assert what == "list directory contents"
    assert "list directory contents" not in body
    assert body.startswith("SYNOPSIS\nls [OPTION]")
    assert "User Commands" not in body  # the header line left out
    assert "GNU coreutils" not in body  # and the footer
    assert manpages_beir.split_page("LS(1)\n\nSYNOPSIS\n  ls\n\nfooter\n") is None  # no NAME section


def test_build_asks_only_descriptions_that_single_a_page_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = {
        "ls.1.gz": rendered("ls", "list directory contents"),
        "dir.1.gz": rendered("dir", "list directory contents"),  # shared: asked of neither
        "cp.1.gz": rendered("cp", "copy files and directories"),
        "true.1.gz": rendered("true", "do nothing"),  # two words: too vague to ask
        "stub.1.gz": "STUB(1)\n\nNAME\n     stub - see another page\n\nSEE ALSO\n     cp(1)\n\nfooter\n",
    }
    monkeypatch.setattr(manpages_beir, "pages", lambda _sections: [Path("/man/man1") / name for name in pages])
    monkeypatch.setattr(manpages_beir, "render", lambda path: pages[path.name])
    counts = manpages_beir.build(tmp_path, ["1"], queries=10, max_chars=3000, seed=17)
    assert counts == {"documents": 4, "queries": 1, "askable": 1}  # the stub is too short to be a document
    collection = load_collection(tmp_path, "test")
    assert list(collection.queries.values()) == ["copy files and directories"]
    (relevant,) = next(iter(collection.qrels.values()))
    title, text = collection.corpus[relevant]
    assert title == "cp(1)"
    assert "copy files and directories" not in text
    lines = (tmp_path / "pages.txt").read_text(encoding="utf-8").splitlines()
    assert [line.split("\t")[1] for line in lines] == ["ls(1)", "dir(1)", "cp(1)", "true(1)"]
    assert json.loads((tmp_path / "corpus.jsonl").read_text(encoding="utf-8").splitlines()[0])["title"] == "ls(1)"
