"""The whole pipeline with a tiny random CDE model: context sampled and stored, spaces built then switched."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from desktop_search.core import indexer as indexer_module
from desktop_search.core.context import context_vectors, sample_chunks
from desktop_search.core.search import SearchOptions
from desktop_search.embed import catalog
from desktop_search.embed.cde import CDEEmbedder
from desktop_search.services import Services, build_services
from desktop_search.settings import Settings
from tests.conftest import DOCUMENTS, index_all, write_documents
from tests.embed.precision import cpu_plan
from tests.embed.tiny_cde import make_tiny_cde

pytestmark = pytest.mark.slow  # several index runs through a CDE model in torch

EXTRA = {f"more/note{i}.txt": f"Extra note {i} about tomatoes, invoices and trains number {i}.\n" for i in range(6)}


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    texts = list(DOCUMENTS.values()) + list(EXTRA.values())
    return make_tiny_cde(tmp_path_factory.mktemp("m") / "tiny-cde", texts, corpus_size=16)


@pytest.fixture
def cde_services(settings: Settings, tiny_folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    spec = dataclasses.replace(
        catalog.CATALOG["cde-small-v2"], id="tiny-cde", revision="r1", dim=64, chunk_tokens=24, chunk_overlap=4
    )
    monkeypatch.setitem(catalog.CATALOG, spec.id, spec)
    monkeypatch.setattr(indexer_module, "PROGRESS_INTERVAL_S", 0.0)  # a report after every step
    embedder = CDEEmbedder(spec, tiny_folder, cpu_plan())
    embedder.token_budget = 400  # a few chunks per batch, so a run has many steps to observe and interrupt
    services = build_services(settings, embedder=embedder)
    yield services
    services.close()


def _dense(services: Services, query: str) -> list[str]:
    libraries = services.libraries.select(None)
    return [h.path for h in services.searcher().search(query, libraries, SearchOptions(mode="dense", limit=50))]


def test_first_index_samples_a_context_and_tags_every_vector(cde_services: Services, docs: Path) -> None:
    cde_services.libraries.add_folders([str(docs)], model_id="tiny-cde")
    index_all(cde_services)
    store, library = cde_services.store, cde_services.libraries.get("default")
    context, staleness, building = store.context_status(library.id) or (None, 1.0, True)
    assert context is not None
    assert (context.size, context.dim, len(context.chunk_ids)) == (16, 64, 16)
    assert (staleness, building) == (0.0, False)
    assert context.files_total == len(DOCUMENTS)
    space = store.active_space(library.id)
    assert space is not None
    assert space.context_version == context.version
    status = cde_services.libraries.status("default")[0]
    assert status.embedded == status.chunks == store.vector_count(space)
    assert (status.context_size, status.context_files) == (16, context.files_sampled)
    # A stored vector is the chunk embedded under exactly this context.
    chunk_id = context.chunk_ids[0]
    text = store.chunk_infos([chunk_id])[chunk_id].text
    bound = cde_services.embedders("tiny-cde").with_context(context_vectors(context), "check")
    nearest = store.nearest_chunks(space, bound.embed_documents([text])[0], 1)
    assert nearest[0][0] == chunk_id
    assert nearest[0][1] < 1e-5
    assert len(set(_dense(cde_services, "tomatoes need sun"))) == len(DOCUMENTS)


def test_refresh_builds_beside_the_old_space_and_switches_without_a_gap(cde_services: Services, docs: Path) -> None:
    cde_services.libraries.add_folders([str(docs)], model_id="tiny-cde")
    index_all(cde_services)
    store, library = cde_services.store, cde_services.libraries.get("default")
    old_space = store.active_space(library.id)
    assert old_space is not None
    write_documents(docs, EXTRA)
    saw_building = False
    for _ in cde_services.indexer().run(library, refresh_context=True):
        assert _dense(cde_services, "invoice"), "search returned nothing during the rebuild"
        saw_building |= bool(store.spaces(library.id, ("building",)))
    assert saw_building
    new_space = store.active_space(library.id)
    assert new_space is not None
    assert new_space.id != old_space.id
    assert new_space.context_version > old_space.context_version
    assert store.spaces(library.id, ("building",)) == []
    assert store.context(library.id, old_space.context_version) is None  # dropped with its space
    assert len(set(_dense(cde_services, "invoice"))) == len(DOCUMENTS) + len(EXTRA)


def test_an_interrupted_rebuild_resumes_and_staleness_triggers_it(cde_services: Services, docs: Path) -> None:
    cde_services.libraries.add_folders([str(docs)], model_id="tiny-cde")
    index_all(cde_services)
    store, library = cde_services.store, cde_services.libraries.get("default")
    write_documents(docs, EXTRA)  # 6 new files on 8: far beyond the staleness threshold
    cancel = threading.Event()
    for _ in cde_services.indexer().run(library, cancel=cancel):
        building = store.spaces(library.id, ("building",))
        if building and store.vector_count(building[0]) > 0:
            cancel.set()
    (building_space,) = store.spaces(library.id, ("building",))
    assert store.pending_count(building_space.id) > 0
    assert cde_services.libraries.status("default")[0].rebuilding
    index_all(cde_services)
    active = store.active_space(library.id)
    assert active is not None
    assert active.id == building_space.id  # the same space was finished, not started again
    assert store.pending_count(active.id) == 0


def test_sampling_is_stratified_seeded_and_repeats_only_when_short() -> None:
    candidates = [(i, f"/lib/{'a' if i < 80 else 'b'}/f{i // 10}.txt", "text") for i in range(100)]
    sample = sample_chunks(candidates, 10)
    assert sample == sample_chunks(candidates, 10)  # fixed seed
    assert len(set(sample)) == 10
    assert sum(1 for c in sample if c >= 80) == 2  # folder b holds 20 % of the chunks
    short = sample_chunks(candidates[:3], 8)
    assert len(short) == 8
    assert set(short) == {0, 1, 2}
    assert np.bincount(short).min() >= 2
