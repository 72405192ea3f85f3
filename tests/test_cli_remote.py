"""A GPU box on the network from the command line: opt-in, indexing through the server, pause and resume."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_search.embed.catalog import CATALOG, DEFAULT_MODEL, bundled_model_dir, set_user_models
from tests.embed.openai_server import embeddings_server
from tests.test_cli import run

pytestmark = pytest.mark.slow  # a server runs the real MiniLM


def _names(capsys: pytest.CaptureFixture[str], home: Path, query: str) -> list[str]:
    code, out, err = run(capsys, "--home", str(home), "search", query, "--mode", "dense", "--json", "--limit", "2")
    assert code == 0, err
    return [Path(h["path"]).name for h in json.loads(out)]


def test_a_library_indexed_through_a_remote_server_pauses_when_it_is_down_and_resumes(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(tmp_path / "home")
    folder = bundled_model_dir(CATALOG[DEFAULT_MODEL])
    assert folder is not None
    try:
        with embeddings_server(folder, "all-MiniLM-L6-v2") as (url, state):
            code, out, _ = run(capsys, "--home", home, "remote", "add", "gpu-box", url, "--model", "all-MiniLM-L6-v2",
                               "--dim", "384", "--max-tokens", "256")  # fmt: skip
            assert code == 0
            assert "Not agreed: it is not used until you agree." in out  # not a terminal and no --yes
            assert run(capsys, "--home", home, "add", str(docs), "--model", "gpu-box")[0] == 0
            code, _, err = run(capsys, "--home", home, "index")
            assert code == 1
            assert "you have not agreed to that yet" in err
            assert state.requests == []  # nothing was sent
            code, out, _ = run(capsys, "--home", home, "remote", "consent", "gpu-box", "--yes")
            assert f"are sent to {url}" in out
            assert run(capsys, "--home", home, "index")[0] == 0
            assert sum(state.requests) > 0
            assert _names(capsys, home, "how do I keep my vegetable plants healthy")[0] == "garden.md"
            code, out, _ = run(capsys, "--home", home, "status")
            assert f"embedded on {url}: passages and queries leave this machine for that address" in out
            code, out, _ = run(capsys, "--home", home, "models")
            assert [line for line in out.splitlines() if line.startswith("gpu-box")] == [
                f"gpu-box                 384d      0 MB  remote      agreed   ({url})"
            ]
        # The server is gone: a new file waits, the run says why and loses nothing.
        (docs / "notes" / "pond.md").write_text("The pond needs a pump and water lilies for the frogs.\n")
        code, out, err = run(capsys, "--home", home, "index")
        assert code == 1
        assert f"The embedding server at {url} is not answering" in err
        assert "nothing is lost" in err
        [status] = json.loads(run(capsys, "--home", home, "status", "--json")[1])
        assert status["pending"] > 0
        assert status["remote"] == url
        # The server is back on its address: the run continues where it stopped.
        with embeddings_server(folder, "all-MiniLM-L6-v2", port=int(url.split(":")[2].split("/")[0])) as (_, again):
            code, out, err = run(capsys, "--home", home, "index")
            assert code == 0, err
            assert 0 < sum(again.requests) <= status["pending"] + 1  # only what waited (and a query below)
            assert _names(capsys, home, "a pump for the frog pond")[0] == "pond.md"
        [status] = json.loads(run(capsys, "--home", home, "status", "--json")[1])
        assert status["pending"] == 0
    finally:
        set_user_models([])
