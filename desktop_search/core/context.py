"""A library's CDE context: a stratified, seeded sample of its chunks embedded by stage 1."""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Sequence

import numpy as np

from desktop_search.embed.base import ContextualEmbedder, Embedder
from desktop_search.records import ContextRecord, LibraryRecord, SpaceRecord
from desktop_search.storage import Store

CONTEXT_SEED = 4  # fixed, so the same library state always yields the same context
STALE_THRESHOLD = 0.2  # share of files added, changed or removed since sampling that triggers a refresh


def _quotas(sizes: dict[tuple[str, str], int], n: int) -> dict[tuple[str, str], int]:
    """Split n samples over strata in proportion to their sizes (largest remainder, ties by name)."""
    total = sum(sizes.values())
    exact = {key: n * size / total for key, size in sizes.items()}
    quotas = {key: int(value) for key, value in exact.items()}
    by_remainder = sorted(sizes, key=lambda key: (-(exact[key] - quotas[key]), key))
    for key in by_remainder[: n - sum(quotas.values())]:
        quotas[key] += 1
    return quotas


def sample_chunks(candidates: Sequence[tuple[int, str, str]], n: int, seed: int = CONTEXT_SEED) -> list[int]:
    """n chunk ids stratified by (folder, file type); when there are fewer than n, each repeated evenly."""
    if not candidates or n <= 0:
        return []
    rng = random.Random(seed)
    if len(candidates) <= n:
        every = [chunk_id for chunk_id, _, _ in candidates]
        # With replacement, but evenly: each chunk n // total times, a random few once more.
        picked = every * (n // len(every)) + rng.sample(every, n % len(every))
    else:
        strata: dict[tuple[str, str], list[int]] = {}
        for chunk_id, path, kind in candidates:
            strata.setdefault((os.path.dirname(path), kind), []).append(chunk_id)
        quotas = _quotas({key: len(ids) for key, ids in strata.items()}, n)
        picked = [c for key in sorted(strata) for c in rng.sample(strata[key], quotas[key])]
    rng.shuffle(picked)
    return picked


def build_context(store: Store, library: LibraryRecord, embedder: ContextualEmbedder) -> ContextRecord | None:
    """Sample the library, run stage 1 (each distinct chunk once) and store the context; None if empty."""
    candidates = store.context_candidates(library.id)
    chunk_ids = sample_chunks(candidates, embedder.context_size)
    if not chunk_ids:
        return None
    distinct = list(dict.fromkeys(chunk_ids))
    infos = store.chunk_infos(distinct)
    vectors = embedder.embed_context([infos[c].text for c in distinct])
    row_of = {chunk_id: i for i, chunk_id in enumerate(distinct)}
    ordered = np.ascontiguousarray(vectors[[row_of[c] for c in chunk_ids]], dtype=np.float32)
    sampled = set(chunk_ids)
    files = len({path for chunk_id, path, _ in candidates if chunk_id in sampled})
    return store.save_context(
        library.id,
        embedder.model_id,
        embedder.revision,
        ordered.tobytes(),
        ordered.shape[1],
        chunk_ids,
        files,
        store.indexed_file_count(library.id),
    )


def context_vectors(context: ContextRecord) -> np.ndarray:
    return np.frombuffer(context.vectors, dtype=np.float32).reshape(context.size, context.dim)


def space_embedder(store: Store, embedder_for: Callable[[str], Embedder], space: SpaceRecord) -> Embedder:
    """The embedder that made a space's vectors: its model, under its context for a contextual model."""
    embedder = embedder_for(space.model_id)
    if not isinstance(embedder, ContextualEmbedder):
        return embedder
    context = store.context(space.library_id, space.context_version)
    if context is None:
        raise RuntimeError(f"space {space.id} has no stored context {space.context_version}")
    return embedder.with_context(context_vectors(context), f"{space.library_id}/{context.version}/{space.model_id}")
