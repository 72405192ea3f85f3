"""Live watching with real observers on real temp folders: the index converges to a fresh index."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from desktop_search.embed.fake import HashEmbedder
from desktop_search.services import Services
from tests.conftest import DOCUMENTS
from tests.core.watch_helpers import LiveThread, fresh_snapshot, running, snapshot, wait_until


def _converges(services: Services, folder: Path, tmp_path: Path, live: LiveThread) -> None:
    """The live index ends up holding exactly what a fresh index of the folder holds, everything embedded."""
    expected = fresh_snapshot(folder, tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}")
    assert (expected[2], expected[3]) == (expected[1], 0)  # the reference is complete
    db = services.settings.db_path

    def same() -> bool:
        assert live.error is None, live.error
        return snapshot(db, folder) == expected

    wait_until(same, what=f"the index to match a fresh one: {expected[0]}")


def test_created_modified_and_deleted_files_follow(services: Services, docs: Path, tmp_path: Path) -> None:
    services.libraries.add_folders([str(docs)])
    with running(services) as live:
        (docs / "new.txt").write_text("A note about compost heaps and worms.\n", encoding="utf-8")
        (docs / "recipes/bread.txt").write_text("Focaccia with rosemary.\n", encoding="utf-8")
        (docs / "health/running.txt").unlink()
        _converges(services, docs, tmp_path, live)


def test_renames_and_moves_keep_vectors(
    services: Services, docs: Path, tmp_path: Path, fake_embedder: HashEmbedder
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "incoming.md").write_text("# Incoming\n\nA letter about the annual sailing regatta.\n")
    services.libraries.add_folders([str(docs)])
    with running(services) as live:
        embedded = fake_embedder.texts_embedded
        (docs / "recipes/bread.txt").rename(docs / "recipes/sourdough.txt")
        (docs / "travel/japan.md").rename(docs / "notes/japan-trip.md")
        (docs / "finance/budget.txt").rename(outside / "budget.txt")  # moved out: gone from the index
        _converges(services, docs, tmp_path, live)
        assert fake_embedder.texts_embedded == embedded  # renamed files were not embedded again
        (outside / "incoming.md").rename(docs / "incoming.md")  # moved in
        _converges(services, docs, tmp_path, live)


def test_folders_created_renamed_and_deleted(services: Services, docs: Path, tmp_path: Path) -> None:
    services.libraries.add_folders([str(docs)])
    with running(services) as live:
        deep = docs / "projects/alpha/specs"
        deep.mkdir(parents=True)
        (deep / "spec.md").write_text("# Spec\n\nThe alpha widget shall be blue.\n", encoding="utf-8")
        (docs / "projects/alpha/todo.txt").write_text("Order more blue paint.\n", encoding="utf-8")
        _converges(services, docs, tmp_path, live)
        (docs / "projects").rename(docs / "archive")
        (docs / "work").rename(docs / "old-work")
        _converges(services, docs, tmp_path, live)
        shutil.rmtree(docs / "archive")
        shutil.rmtree(docs / "finance")
        _converges(services, docs, tmp_path, live)


def test_editor_style_saves_and_temp_files(services: Services, docs: Path, tmp_path: Path) -> None:
    services.libraries.add_folders([str(docs)])
    with running(services) as live:
        target = docs / "notes/garden.md"
        # Atomic save: write a hidden temp file, then rename it over the document.
        temp = docs / "notes/.garden.md.tmp1234"
        temp.write_text("# Garden notes\n\nPlant garlic in October.\n", encoding="utf-8")
        os.replace(temp, target)
        # vim: move the original to a backup, write the new file, delete the backup.
        minutes = docs / "work/minutes.rst"
        backup = docs / "work/minutes.rst~"
        minutes.rename(backup)
        minutes.write_text("Meeting minutes\n===============\n\nThe move is postponed.\n", encoding="utf-8")
        backup.unlink()
        # Lock and swap files that come and go are never indexed.
        (docs / "work/~$report.docx").write_bytes(b"lock")
        (docs / "work/.minutes.rst.swp").write_bytes(b"swap")
        (docs / "download.part").write_text("half a file", encoding="utf-8")
        _converges(services, docs, tmp_path, live)
    files = [p for p, _ in snapshot(services.settings.db_path, docs)[0]]
    assert not any(name.endswith((".swp", ".part", ".docx")) for name in files)


def test_a_thousand_files_created_at_once(services: Services, docs: Path, tmp_path: Path) -> None:
    services.libraries.add_folders([str(docs)])
    with running(services) as live:
        bulk = docs / "bulk"
        bulk.mkdir()
        for n in range(1000):
            (bulk / f"note-{n:04}.txt").write_text(f"Note number {n} about topic {n % 37}.\n", encoding="utf-8")
        _converges(services, docs, tmp_path, live)
    assert len(snapshot(services.settings.db_path, docs)[0]) == len(DOCUMENTS) + 1000


def test_changes_made_while_not_watching_are_found_at_start(services: Services, docs: Path, tmp_path: Path) -> None:
    services.libraries.add_folders([str(docs)])
    with running(services):
        pass
    (docs / "offline.txt").write_text("Written while the app was closed.\n", encoding="utf-8")
    (docs / "recipes/bread.txt").unlink()
    (docs / "travel").rename(docs / "journeys")
    with running(services) as live:
        _converges(services, docs, tmp_path, live)


def test_pause_holds_indexing_until_resume(services: Services, docs: Path, tmp_path: Path) -> None:
    services.libraries.add_folders([str(docs)])
    with running(services) as live:
        live.live.pause()
        wait_until(lambda: any(r.phase == "paused" for r in live.reports), what="the pause")
        runs = live.done_runs()
        (docs / "later.txt").write_text("Indexed only after resuming.\n", encoding="utf-8")
        wait_until(lambda: len(live.live.debouncer) == 1, what="the change to be queued")
        time.sleep(1.0)  # well past the quiet period: a negative cannot be polled for
        assert live.done_runs() == runs
        assert "later.txt" not in {path for path, _ in snapshot(services.settings.db_path, docs)[0]}
        live.live.resume()
        _converges(services, docs, tmp_path, live)


def test_a_name_that_is_not_utf8_made_while_watching_is_listed_as_failed(
    services: Services, docs: Path, tmp_path: Path
) -> None:
    services.libraries.add_folders([str(docs)])
    with running(services) as live:
        with open(os.fsencode(docs) + b"/na\xefve.txt", "wb") as f:  # a Latin-1 name, saved while watching
            f.write(b"a note whose name is not UTF-8")
        _converges(services, docs, tmp_path, live)
        wait_until(lambda: bool(services.libraries.status()[0].failed_files), what="the name to be listed")
    [failed] = services.libraries.status()[0].failed_files
    assert failed.path == f"{docs}/na\\xefve.txt"
