"""Each distinct passage text is embedded once per space: files sharing passages, and an edited long file."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from desktop_search.core.search import SearchOptions
from desktop_search.embed.fake import HashEmbedder
from desktop_search.services import Services
from desktop_search.storage.vector_index import encode
from tests.conftest import index_all

LICENCE = "\n\n".join(
    f"Clause {i}. Permission is hereby granted to copy, modify and distribute copies of the software, "
    f"provided that notice number {i} and this permission notice appear in all copies."
    for i in range(12)
)


def _paragraphs(topic: str, n: int) -> str:
    """Paragraphs of varied length, as in real text (chunks end at paragraph breaks: after an edit the new
    cutting meets the old one again at a break both end on; text of one repeated length may never)."""
    return "\n\n".join(
        f"Paragraph {i} of the {topic} notes: the {topic} team measured {i * 7} samples"
        + " and checked them again" * (i * 7 % 5)
        + "."
        for i in range(n)
    )


def _dense(services: Services, query: str) -> list[str]:
    hits = services.searcher().search(query, services.libraries.select(None), SearchOptions(mode="dense"))
    return [Path(h.path).name for h in hits]


def _chunk_texts(services: Services, name: str) -> list[str]:
    return [
        str(r[0])
        for r in services.store.conn.execute(
            """SELECT ch.text FROM chunks ch JOIN files f ON f.content_id = ch.content_id
               WHERE f.path LIKE ? ORDER BY ch.seq""",
            (f"%{name}",),
        )
    ]


def _consistent(services: Services) -> None:
    """Every chunk has a vector and a residual in the active space, and nothing is left queued."""
    store = services.store
    library = services.libraries.select(None)[0]
    space = store.active_space(library.id)
    assert space is not None
    status = services.libraries.status()[0]
    assert status.pending == 0
    assert store.vector_count(space) == status.chunks
    residuals = store.conn.execute("SELECT count(*) FROM vector_residuals WHERE space_id = ?", (space.id,))
    assert residuals.fetchone()[0] == status.chunks


def _stored_codes_equal_fresh_embeddings(services: Services, embedder: HashEmbedder) -> None:
    """The vector each chunk holds (copied or not) is the one embedding its text gives."""
    store = services.store
    space = store.active_space(services.libraries.select(None)[0].id)
    assert space is not None
    rows = store.conn.execute(
        f"SELECT ch.text, v.embedding FROM chunks ch JOIN {space.table} v ON v.chunk_id = ch.id"
    ).fetchall()
    codes, _ = encode(embedder.embed_documents([str(r[0]) for r in rows]))
    assert [bytes(r[1]) for r in rows] == [c.tobytes() for c in codes]


def test_two_files_sharing_passages_embed_them_once_and_both_are_found(
    services: Services, tmp_path: Path, fake_embedder: HashEmbedder
) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "gardening.txt").write_text(LICENCE + "\n\n" + _paragraphs("tomato", 4), encoding="utf-8")
    (folder / "baking.txt").write_text(LICENCE + "\n\n" + _paragraphs("sourdough", 4), encoding="utf-8")
    services.libraries.add_folders([str(folder)])
    index_all(services)

    texts = _chunk_texts(services, "gardening.txt") + _chunk_texts(services, "baking.txt")
    assert len(set(texts)) < len(texts) - 3, "the test needs passages that repeat"
    assert fake_embedder.texts_embedded == len(set(texts))
    _consistent(services)
    _stored_codes_equal_fresh_embeddings(services, fake_embedder)
    found = _dense(services, "permission notice appear in all copies")
    assert {"gardening.txt", "baking.txt"} <= set(found[:2])

    (folder / "gardening.txt").unlink()  # the other file keeps the vectors of the passages they shared
    index_all(services)
    _consistent(services)
    assert _dense(services, "permission notice appear in all copies")[0] == "baking.txt"


def test_editing_one_paragraph_of_a_long_file_re_embeds_only_the_changed_passages(
    services: Services, tmp_path: Path, fake_embedder: HashEmbedder
) -> None:
    folder = tmp_path / "long"
    folder.mkdir()
    long_file = folder / "report.txt"
    long_file.write_text(_paragraphs("harvest", 90), encoding="utf-8")
    services.libraries.add_folders([str(folder)])
    index_all(services)
    before = _chunk_texts(services, "report.txt")
    embedded = fake_embedder.texts_embedded
    assert embedded == len(set(before)) > 20

    edited = long_file.read_text(encoding="utf-8").replace("Paragraph 30 of", "Paragraph thirty, rewritten, of")
    long_file.write_text(edited, encoding="utf-8")
    index_all(services)

    after = _chunk_texts(services, "report.txt")
    changed = set(after) - set(before)
    assert 1 <= len(changed) <= 3
    assert fake_embedder.texts_embedded - embedded == len(changed)
    _consistent(services)
    _stored_codes_equal_fresh_embeddings(services, fake_embedder)
    assert _dense(services, "Paragraph thirty rewritten harvest")[0] == "report.txt"


def test_a_queue_holding_twins_of_embedded_passages_copies_their_vectors(
    services: Services, tmp_path: Path, fake_embedder: HashEmbedder
) -> None:
    """A queue left from before (a killed run, an index of an older version) may hold chunks whose text has a
    vector already: they take it at embed time."""
    folder = tmp_path / "queued"
    folder.mkdir()
    (folder / "a.txt").write_text(LICENCE, encoding="utf-8")
    services.libraries.add_folders([str(folder)])
    index_all(services)
    store = services.store
    space = store.active_space(services.libraries.select(None)[0].id)
    assert space is not None
    (folder / "b.txt").write_text(LICENCE + "\n\nOne line of its own.", encoding="utf-8")
    index_all(services)
    b_chunks = [
        int(r[0]) for r in store.conn.execute("SELECT id FROM chunks WHERE content_id = (SELECT max(id) FROM contents)")
    ]
    with store.write():  # as an older version left it: b's chunks all queued, none with a vector
        for chunk_id in b_chunks:
            store.conn.execute(f"DELETE FROM {space.table} WHERE chunk_id = ?", (chunk_id,))
            store.conn.execute("DELETE FROM vector_residuals WHERE chunk_id = ?", (chunk_id,))
        store.conn.execute(
            "INSERT INTO pending_embeds(space_id, chunk_id, n_tokens) SELECT ?, id, n_tokens FROM chunks WHERE id IN "
            "(SELECT value FROM json_each(?))",
            (space.id, str(b_chunks)),
        )
    embedded = fake_embedder.texts_embedded
    indexer = services.indexer()
    list(indexer.run(services.libraries.select(None)[0]))
    assert fake_embedder.texts_embedded - embedded == 1  # the line of its own
    _consistent(services)
    _stored_codes_equal_fresh_embeddings(services, fake_embedder)


def test_an_interrupted_run_leaves_vectors_and_queue_agreeing_and_resumes_without_embedding_twice(
    services: Services, tmp_path: Path, fake_embedder: HashEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(12):
        (folder / f"package-{i}.txt").write_text(_paragraphs(f"package{i}", 6) + "\n\n" + LICENCE, encoding="utf-8")
    services.libraries.add_folders([str(folder)])
    library = services.libraries.select(None)[0]
    store = services.store
    fake_embedder.token_budget = 300  # a few chunks per forward pass
    cancel = threading.Event()
    forward = fake_embedder._embed_batch

    def stop_after_this_batch(texts: list[str]) -> np.ndarray:
        cancel.set()  # as a stop asked for while the model works: this batch is written, then the run ends
        return forward(texts)

    monkeypatch.setattr(fake_embedder, "_embed_batch", stop_after_this_batch)
    list(services.indexer().run(library, cancel=cancel))
    monkeypatch.undo()
    space = store.active_space(library.id)
    assert space is not None
    assert store.pending_count(space.id) > 0, "the run was not interrupted half-way"
    assert store.vector_count(space) > 0
    status = services.libraries.status()[0]
    assert store.vector_count(space) + status.pending == status.chunks

    index_all(services)
    texts = [str(r[0]) for r in store.conn.execute("SELECT text FROM chunks")]
    assert len(set(texts)) < len(texts)
    assert fake_embedder.texts_embedded == len(set(texts))
    _consistent(services)
    _stored_codes_equal_fresh_embeddings(services, fake_embedder)
