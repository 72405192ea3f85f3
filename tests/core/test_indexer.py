"""Indexing with the fake embedder: incremental, content-addressed, and robust to bad files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop_search.core import producer
from desktop_search.core.extract.opening import open_regular
from desktop_search.core.search import SearchOptions
from desktop_search.embed.fake import HashEmbedder
from desktop_search.records import Progress
from desktop_search.services import Services
from tests.conftest import DOCUMENTS, index_all
from tests.core.extract.samples import make_pdf


def _paths(services: Services, query: str, mode: str = "hybrid") -> list[str]:
    hits = services.searcher().search(query, services.libraries.select(None), SearchOptions(mode=mode))
    return [Path(h.path).name for h in hits]


def _bump(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_indexes_every_document_and_finds_it(services: Services, docs: Path) -> None:
    services.libraries.add_folders([str(docs)])
    reports = index_all(services)
    done = [r for r in reports if isinstance(r, Progress) and r.phase == "done"]
    assert done[0].files_done == len(DOCUMENTS)
    status = services.libraries.status()[0]
    assert status.files == len(DOCUMENTS)
    assert status.pending == 0
    assert status.chunks >= len(DOCUMENTS)
    assert _paths(services, "sourdough", "keyword")[0] == "bread.txt"
    assert _paths(services, "shinkansen kyoto", "dense")[0] == "japan.md"


def test_a_second_run_with_no_changes_embeds_nothing(
    services: Services, docs: Path, fake_embedder: HashEmbedder
) -> None:
    services.libraries.add_folders([str(docs)])
    index_all(services)
    calls = fake_embedder.calls
    reports = index_all(services)
    assert fake_embedder.calls == calls
    assert reports[-1].files_done == 0  # type: ignore[attr-defined]


def test_a_new_chunk_overlap_re_embeds_nothing_unchanged_and_cuts_new_files_with_it(
    services: Services, docs: Path, fake_embedder: HashEmbedder
) -> None:
    """An update that changes a model's overlap (32 to 16 for MiniLM) must not re-cut or re-embed a library."""
    long_text = " ".join(f"Sentence {i} about gardening and watering tomatoes." for i in range(60))
    (docs / "long-old.txt").write_text(long_text, encoding="utf-8")
    fake_embedder.chunk_overlap = 16
    services.libraries.add_folders([str(docs)])
    index_all(services)
    calls, chunks_before = fake_embedder.calls, services.libraries.status()[0].chunks

    fake_embedder.chunk_overlap = 0  # the update
    (docs / "long-new.txt").write_text(long_text.replace("tomatoes", "peppers"), encoding="utf-8")
    reports = index_all(services)

    assert reports[-1].files_done == 1  # type: ignore[attr-defined]  # only the new file
    assert fake_embedder.calls == calls + 1, "unchanged files were embedded again"
    status = services.libraries.status()[0]
    assert status.pending == 0
    new_chunks = status.chunks - chunks_before
    old_file_chunks = services.store.conn.execute(
        "SELECT count(*) FROM chunks ch JOIN files f ON f.content_id = ch.content_id WHERE f.path LIKE '%long-old.txt'"
    ).fetchone()[0]
    assert new_chunks < old_file_chunks, "the new file was not cut with the new, smaller overlap"
    assert _paths(services, "peppers", "keyword") == ["long-new.txt"]


def test_an_edited_file_is_re_embedded_and_old_text_forgotten(services: Services, docs: Path) -> None:
    services.libraries.add_folders([str(docs)])
    index_all(services)
    bread = docs / "recipes/bread.txt"
    bread.write_text("Focaccia with rosemary and olive oil.\n", encoding="utf-8")
    _bump(bread)
    index_all(services)
    assert _paths(services, "focaccia", "keyword") == ["bread.txt"]
    assert _paths(services, "sourdough", "keyword") == []
    assert services.libraries.status()[0].pending == 0


def test_a_deleted_file_disappears_from_results(services: Services, docs: Path) -> None:
    services.libraries.add_folders([str(docs)])
    index_all(services)
    (docs / "recipes/bread.txt").unlink()
    index_all(services)
    assert "bread.txt" not in _paths(services, "sourdough bread dough")
    assert services.libraries.status()[0].files == len(DOCUMENTS) - 1


def test_moves_and_copies_reuse_vectors(services: Services, docs: Path, fake_embedder: HashEmbedder) -> None:
    services.libraries.add_folders([str(docs)])
    index_all(services)
    calls = fake_embedder.calls
    (docs / "recipes/bread.txt").rename(docs / "bread-moved.txt")
    (docs / "copy-of-japan.md").write_text(DOCUMENTS["travel/japan.md"], encoding="utf-8")
    index_all(services)
    assert fake_embedder.calls == calls
    assert _paths(services, "sourdough", "keyword") == ["bread-moved.txt"]
    assert sorted(_paths(services, "shinkansen", "keyword")) == ["copy-of-japan.md", "japan.md"]


def test_bad_files_are_reported_and_good_ones_still_indexed(
    services: Services, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (docs / "latin1.txt").write_bytes("caf\xe9 cr\xe8me br\xfbl\xe9e".encode("latin-1"))
    (docs / "image.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    (docs / "empty.txt").write_bytes(b"")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 4)
    secret = docs / "secret.txt"
    secret.write_text("classified", encoding="utf-8")

    def denying_open(path: str) -> object:
        if Path(path).name == "secret.txt":  # the tests run as root, where chmod cannot deny a read
            raise PermissionError(13, "Permission denied", str(path))
        return open_regular(path)

    monkeypatch.setattr(producer, "open_regular", denying_open)
    services.libraries.add_folders([str(docs)])
    index_all(services)
    status = services.libraries.status()[0]
    reasons = {Path(f.path).name: f.error for f in status.failed_files}
    assert set(reasons) == {"broken.pdf", "secret.txt"}
    assert "Permission denied" in reasons["secret.txt"]
    assert "damaged PDF" in reasons["broken.pdf"]
    assert status.skipped == 1  # the binary file
    assert _paths(services, "sourdough", "keyword") == ["bread.txt"]
    assert _paths(services, "crème brûlée", "keyword") == ["latin1.txt"]  # cp1252/Latin-1 is decoded, not lost
    assert services.store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_failed_files_are_retried_only_on_request_or_change(
    services: Services, docs: Path, fake_embedder: HashEmbedder
) -> None:
    bad = docs / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 truncated")
    services.libraries.add_folders([str(docs)])
    index_all(services)
    assert index_all(services)[-1].files_done == 0  # type: ignore[attr-defined]
    library = services.libraries.select(None)[0]
    assert list(services.indexer().run(library, retry_failed=True))[-1].files_done == 1
    bad.write_bytes(make_pdf([["now it is fine"]]))
    _bump(bad)
    index_all(services)
    assert services.libraries.status()[0].failed == 0


def test_excluded_and_hidden_folders_are_not_indexed(services: Services, docs: Path) -> None:
    for hidden in (".git/config.txt", "node_modules/pkg/readme.md", "venv/lib/x.txt"):
        (docs / hidden).parent.mkdir(parents=True, exist_ok=True)
        (docs / hidden).write_text("sourdough secrets", encoding="utf-8")
    (docs / "venv/pyvenv.cfg").write_text("home = /usr", encoding="utf-8")
    services.libraries.add_folders([str(docs)])
    index_all(services)
    assert _paths(services, "sourdough", "keyword") == ["bread.txt"]


def test_a_missing_folder_keeps_its_index(services: Services, docs: Path, tmp_path: Path) -> None:
    services.libraries.add_folders([str(docs)])
    index_all(services)
    docs.rename(tmp_path / "unplugged")
    reports = index_all(services)
    assert any("folder not found" in m for m in reports[-1].messages)  # type: ignore[attr-defined]
    assert services.libraries.status()[0].files == len(DOCUMENTS)


def test_removing_a_folder_drops_its_data(services: Services, docs: Path) -> None:
    services.libraries.add_folders([str(docs)])
    index_all(services)
    services.libraries.remove_folder(str(docs))
    status = services.libraries.status()[0]
    assert (status.files, status.chunks) == (0, 0)
    assert _paths(services, "sourdough") == []


def test_adding_a_parent_folder_keeps_the_child_index(
    services: Services, docs: Path, fake_embedder: HashEmbedder
) -> None:
    services.libraries.add_folders([str(docs / "recipes")])
    index_all(services)
    before = fake_embedder.texts_embedded
    services.libraries.add_folders([str(docs)])
    index_all(services)
    assert services.libraries.status()[0].folders == (str(docs.resolve()),)
    assert services.libraries.status()[0].files == len(DOCUMENTS)
    assert fake_embedder.texts_embedded - before == len(DOCUMENTS) - 1  # the bread recipe was not embedded again
