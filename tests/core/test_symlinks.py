"""Symbolic links: by default only those into the library's own folders are indexed; a per-library option
follows them anywhere (as Recoll's followLinks), folders included, without looping."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from desktop_search.cli import main
from desktop_search.core.search import SearchOptions
from desktop_search.services import Services
from tests.conftest import index_all

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")


@pytest.fixture
def linked(docs: Path, tmp_path: Path) -> Path:
    """The documents, plus links: to a private file outside, to a document inside, to a folder outside,
    and one back to the folder itself (a loop)."""
    outside = tmp_path / "outside"
    (outside / "dotfiles").mkdir(parents=True)
    (outside / "bashrc").write_text("export SECRET_TOKEN=quetzalcoatl\n", encoding="utf-8")
    (outside / "dotfiles" / "notes.txt").write_text("The axolotl regrows its limbs.\n", encoding="utf-8")
    (docs / "bashrc.txt").symlink_to(outside / "bashrc")
    (docs / "garden-link.md").symlink_to(docs / "notes" / "garden.md")
    (docs / "dotfiles").symlink_to(outside / "dotfiles", target_is_directory=True)
    (docs / "loop").symlink_to(docs, target_is_directory=True)
    return docs


def _found(services: Services, word: str) -> list[str]:
    hits = services.searcher().search(word, services.libraries.select(None), SearchOptions(mode="keyword"))
    return sorted(Path(h.path).name for h in hits)


def test_by_default_only_links_into_the_library_are_indexed(services: Services, linked: Path) -> None:
    services.libraries.add_folders([str(linked)])
    index_all(services)
    assert _found(services, "quetzalcoatl") == []  # a link to a private file elsewhere is not followed
    assert _found(services, "axolotl") == []  # nor a symlinked folder
    assert _found(services, "tomatoes") == ["garden-link.md", "garden.md"]  # a link to a document inside is
    # A watcher reporting the link itself changes nothing.
    library = services.libraries.select(None)[0]
    list(services.indexer().run(library, paths=[str(linked / "bashrc.txt"), str(linked / "dotfiles" / "notes.txt")]))
    assert _found(services, "quetzalcoatl") == []
    assert _found(services, "axolotl") == []


def test_a_library_that_follows_links_indexes_them_anywhere_and_can_stop(services: Services, linked: Path) -> None:
    services.libraries.add_folders([str(linked)], follow_links=True)
    index_all(services)  # the loop back to the folder itself is walked once
    assert _found(services, "quetzalcoatl") == ["bashrc.txt"]
    assert _found(services, "axolotl") == ["notes.txt"]
    assert services.libraries.status()[0].follow_links
    services.libraries.add_folders([str(linked)], follow_links=False)
    index_all(services)
    assert _found(services, "quetzalcoatl") == []
    assert _found(services, "axolotl") == []
    assert _found(services, "tomatoes") == ["garden-link.md", "garden.md"]


def test_the_option_is_set_from_the_command_line(
    linked: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(tmp_path / "cli-home")
    assert main(["--home", home, "add", str(linked), "--follow-links"]) == 0
    assert "follows symbolic links wherever they point" in capsys.readouterr().out
    assert main(["--home", home, "status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["follow_links"] is True
    assert main(["--home", home, "add", str(linked), "--no-follow-links"]) == 0
    assert "only into the library's own folders" in capsys.readouterr().out
    assert main(["--home", home, "status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["follow_links"] is False


def test_a_link_loop_in_a_library_that_follows_links_ends(services: Services, tmp_path: Path) -> None:
    folder = tmp_path / "loops"
    (folder / "a").mkdir(parents=True)
    (folder / "a" / "doc.txt").write_text("A pangolin rolls into a ball.\n", encoding="utf-8")
    (folder / "a" / "up").symlink_to(folder, target_is_directory=True)
    os.symlink("b", folder / "b")  # a link to itself: resolving it fails, it is skipped
    services.libraries.add_folders([str(folder)], follow_links=True)
    index_all(services)
    assert _found(services, "pangolin") == ["doc.txt"]
