"""The command line builds only the options of the command it runs (a cold start is faster): what it shows,
accepts and refuses is the same as with every command built."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_search.cli import COMMANDS, _parser, main

NESTED = [["models", "download"], ["models", "import"], ["context", "refresh"]]
NESTED += [["remote", action] for action in ("add", "consent", "remove", "key")]
COMMAND_LINES = [[], *([name] for name in sorted({*COMMANDS, "gui"})), *NESTED]


def _exit(
    capsys: pytest.CaptureFixture[str], call: Callable[[list[str]], object], words: list[str]
) -> tuple[object, str, str]:
    """Exit code, stdout and stderr of a command line that ends in argparse's exit (help or a refusal)."""
    with pytest.raises(SystemExit) as exited:
        call(words)
    out, err = capsys.readouterr()
    return exited.value.code, out, err


@pytest.mark.parametrize("words", COMMAND_LINES, ids=lambda words: " ".join(words) or "desktop-search")
def test_help_is_the_same_as_with_every_command_built(
    words: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")  # both helps wrapped alike, whatever the terminal
    shown = _exit(capsys, main, [*words, "--help"])
    assert shown == _exit(capsys, _parser().parse_args, [*words, "--help"])
    assert shown[0] == 0
    assert "usage: desktop-search" in shown[1]
    if len(words) == 1:
        assert "--home DIR" in shown[1], "a command's help lists the global options too"


@pytest.mark.parametrize(
    "words",
    [["serch", "bread"], ["search"], ["search", "bread", "--limit", "0"], ["models", "--bogus"], ["remote"]],
    ids=" ".join,
)
def test_malformed_command_lines_are_refused_as_with_every_command_built(
    words: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    refused = _exit(capsys, main, words)
    assert refused == _exit(capsys, _parser().parse_args, words)
    assert refused[0] == 2
    assert "usage: desktop-search" in refused[2]


def test_a_command_name_given_as_a_folder_does_not_change_which_command_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--home index status`: the data folder is ./index, the command is status (with its own --json)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DESKTOP_SEARCH_HOME", raising=False)
    assert main(["--home", "index", "status", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"
    assert os.path.isdir(tmp_path / "index")
