"""Which embedding spaces one indexing run fills, and the build-then-switch of a new space."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from desktop_search.core.context import STALE_THRESHOLD, build_context, space_embedder
from desktop_search.embed.base import ContextualEmbedder, Embedder
from desktop_search.records import LibraryRecord, SpaceRecord, SpaceState
from desktop_search.storage import Store

EmbedBatch = Callable[[Embedder, SpaceRecord], int]


@dataclass(frozen=True)
class _Target:
    space: SpaceRecord
    embedder: Embedder


class SpacePlan:
    """The live space is filled first (search stays current); a new one is built beside it, then swapped in.

    A new space comes from a model change, a first index with a contextual model, or a context refresh
    (asked for, or the library changed beyond STALE_THRESHOLD). It is built in state 'building' while
    searches keep using the active space; an interrupted run finds it again and resumes its queue.
    """

    def __init__(
        self,
        store: Store,
        library: LibraryRecord,
        embedder: Embedder,
        embedder_for: Callable[[str], Embedder],
        refresh: bool = False,
    ) -> None:
        self.store, self.library, self.embedder, self.embedder_for = store, library, embedder, embedder_for
        self.refresh = refresh
        self.targets: list[_Target] = []
        self._prepare()

    def _matches(self, space: SpaceRecord) -> bool:
        return (space.model_id, space.revision) == (self.embedder.model_id, self.embedder.revision)

    def _target(self, space: SpaceRecord) -> _Target:
        return _Target(space, space_embedder(self.store, self.embedder_for, space))

    def _create(self, state: SpaceState, context_version: int = 0) -> SpaceRecord:
        e = self.embedder
        return self.store.create_space(
            self.library.id, e.model_id, e.revision, e.chunker_key, e.dim, context_version=context_version, state=state
        )

    def _prepare(self) -> None:
        active = self.store.active_space(self.library.id)
        building = self.store.spaces(self.library.id, ("building",))
        for stale in building[:-1] + [b for b in building[-1:] if not self._matches(b)]:
            self.store.retire_space(stale)  # an abandoned build for another model or an older context
        building = [b for b in building[-1:] if self._matches(b)]
        if active is not None and self._matches(active):
            self.targets.append(self._target(active))
        elif not isinstance(self.embedder, ContextualEmbedder) and not building:
            building = [self._create("active" if active is None else "building")]
        self.targets += [self._target(b) for b in building]

    def after_scan(self) -> None:
        """Once the library's chunks are stored: sample a context when a contextual model needs a new one."""
        if not isinstance(self.embedder, ContextualEmbedder) or any(t.space.state == "building" for t in self.targets):
            return
        current = next((t.space for t in self.targets if t.space.state == "active"), None)
        if current is not None and not self.refresh:
            context = self.store.context(self.library.id, current.context_version)
            if context is None or self.store.context_staleness(context) <= STALE_THRESHOLD:
                return
        record = build_context(self.store, self.library, self.embedder)
        if record is None:
            return  # nothing indexed yet: no context to sample
        state: SpaceState = "active" if self.store.active_space(self.library.id) is None else "building"
        self.targets.append(self._target(self._create(state, record.version)))

    def pending(self) -> int:
        return sum(self.store.pending_count(t.space.id) for t in self.targets)

    def embed_batch(self, embed: EmbedBatch) -> int:
        """Embed one batch into the first space that still has a queue."""
        for target in self.targets:
            if self.store.pending_count(target.space.id):
                return embed(target.embedder, target.space)
        return 0

    def finish(self) -> None:
        """Switch to a space that is fully built; the old one and its context are dropped."""
        for target in self.targets:
            if target.space.state == "building" and not self.store.pending_count(target.space.id):
                old = self.store.active_space(self.library.id)
                self.store.activate_space(target.space, old if old and old.id != target.space.id else None)
                self.store.drop_unused_contexts(self.library.id)
