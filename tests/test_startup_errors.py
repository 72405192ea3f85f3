"""A data folder that cannot be used is one clear sentence on stderr and exit code 1, never a traceback."""

from __future__ import annotations

from pathlib import Path

import apsw
import pytest

from desktop_search.cli import main

BAD_SETTINGS = {
    "not-json": ('{"threads": 2', "is not valid JSON"),
    "wrong-kind": ('{"threads": "four"}', '"threads": "four", but it must be a whole number'),
    "not-an-object": ("[1, 2]", "must hold one JSON object"),
    "bool-for-number": ('{"max_pages": true}', "must be a whole number"),
}


@pytest.mark.parametrize("case", sorted(BAD_SETTINGS))
@pytest.mark.parametrize("command", [["status"], ["search", "invoice"], ["index"]])
def test_an_invalid_settings_file_is_one_sentence(tmp_path: Path, capsys, case: str, command: list[str]) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "data"
    home.mkdir()
    text, reason = BAD_SETTINGS[case]
    (home / "settings.json").write_text(text)
    assert main(["--home", str(home), *command]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: The settings file {home / 'settings.json'} ")
    assert reason in err
    assert "delete it" in err
    assert err.count("\n") == 1, err


@pytest.mark.parametrize("command", [["status"], ["search", "invoice"], ["index"]])
def test_an_index_from_a_newer_version_is_one_sentence(tmp_path: Path, capsys, command: list[str]) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "data"
    assert main(["--home", str(home), "status"]) == 0
    db = apsw.Connection(str(home / "index.sqlite3"))
    db.execute("PRAGMA user_version = 99")
    db.close()
    capsys.readouterr()
    assert main(["--home", str(home), *command]) == 1
    err = capsys.readouterr().err
    assert "was written by a newer version of Desktop Search (schema 99" in err
    assert err.startswith("error: ")
    assert err.count("\n") == 1, err


def test_a_data_folder_that_cannot_be_created_is_one_sentence(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["--home", str(blocker / "data"), "status"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: Cannot create the data folder {blocker / 'data'}")
    assert err.count("\n") == 1, err
