"""Contextual document embedders (cde-small-v1/v2): stage 1 for a library's context, stage 2 per text."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from transformers.utils import logging as hf_logging

from desktop_search.embed.base import ContextualEmbedder, Embedder, TextTokenizer
from desktop_search.embed.catalog import ModelSpec
from desktop_search.embed.cde_model import SOFT_TOKENS, CDEModel, CDEOptions, load_cde_model
from desktop_search.embed.device import DevicePlan
from desktop_search.embed.tokenizer import HFTokenizer

BOUND_CACHE = 4  # contexts kept ready at once: one per library in use, plus one being built


def colon_id(tokenizer_file: Path) -> int:
    """The id that plays ':' for instruction-token exclusion: first id of ': ' without special tokens."""
    from tokenizers import Tokenizer

    ids = Tokenizer.from_file(str(tokenizer_file)).encode(": ", add_special_tokens=False).ids
    if not ids:
        raise ValueError(f"{tokenizer_file} has no token for ':'")
    return int(ids[0])


class CDEEmbedder(ContextualEmbedder):
    """Holds the two-stage model; `with_context` gives the embedder that actually embeds chunks and queries."""

    def __init__(self, spec: ModelSpec, folder: Path, plan: DevicePlan, options: CDEOptions | None = None) -> None:
        super().__init__()
        self._take_spec(spec)
        self.token_budget = plan.token_budget
        self.plan = plan
        tokenizer_file = folder / "tokenizer.json"
        self._tokenizer = HFTokenizer(tokenizer_file, spec.max_tokens)
        self.pad_multiple = self._tokenizer.pad_multiple
        torch.set_num_threads(plan.threads)
        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        colon = colon_id(tokenizer_file)
        model, config = load_cde_model(folder, options, colon)
        self.model: CDEModel = model.to(device=plan.device, dtype=plan.dtype)
        self.context_size = int(config["transductive_corpus_size"])
        self.dim = self.model.dim
        self._bound: OrderedDict[str, BoundCDE] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def tokenizer(self) -> TextTokenizer:
        return self._tokenizer

    @property
    def prefix_tokens(self) -> int:
        """Positions every stage-2 pass carries before the text: the context vectors and the soft prompt."""
        return self.context_size + SOFT_TOKENS

    def _inputs(self, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        encodings = self._tokenizer.encode_for_model(texts)
        ids = torch.tensor([e.ids for e in encodings], device=self.plan.device)
        mask = torch.tensor([e.attention_mask for e in encodings], device=self.plan.device)
        return ids, mask

    def _stage_one(self, texts: list[str]) -> np.ndarray:
        ids, mask = self._inputs(texts)
        with torch.inference_mode():
            vectors = self.model.first_stage(ids, mask).float()
        return vectors.cpu().numpy().astype(np.float32)

    def embed_context(self, texts: Sequence[str]) -> np.ndarray:
        """Stage 1 over context documents (with the document prefix), in token-budgeted batches."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for batch in self.batches(self._tokenizer.count(texts)):
            out[batch] = self._stage_one([self.document_prefix + texts[i] for i in batch])
        return out

    def with_context(self, vectors: np.ndarray, key: str) -> Embedder:
        """The stage-2 embedder for one context; kept so a context's query cache outlives one search."""
        with self._lock:  # the indexing thread and a search thread may ask at once
            bound = self._bound.get(key)
            if bound is None:
                bound = BoundCDE(self, vectors, key)
                self._bound[key] = bound
                if len(self._bound) > BOUND_CACHE:
                    self._bound.popitem(last=False)
            self._bound.move_to_end(key)
            return bound


class BoundCDE(Embedder):
    """A CDE model conditioned on one context; its query cache is therefore per context version."""

    def __init__(self, parent: CDEEmbedder, vectors: np.ndarray, key: str) -> None:
        super().__init__()
        self.parent = parent
        self.context_key = key
        for name in ("model_id", "revision", "dim", "max_tokens", "chunk_tokens", "chunk_overlap", "relevance"):
            setattr(self, name, getattr(parent, name))
        self.query_prefix, self.document_prefix = parent.query_prefix, parent.document_prefix
        self.backend, self.pad_multiple = parent.backend, parent.pad_multiple
        # row_tokens counts the context prefix, so the budget holds fewer texts per batch than a bi-encoder's.
        self.token_budget = parent.token_budget
        plan = parent.plan
        self._context = torch.tensor(np.asarray(vectors, dtype=np.float32)).to(plan.device, plan.dtype)

    @property
    def tokenizer(self) -> TextTokenizer:
        return self.parent.tokenizer

    @property
    def pass_prefix_tokens(self) -> int:
        return self.parent.prefix_tokens

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        ids, mask = self.parent._inputs(texts)
        with torch.inference_mode():
            out = self.parent.model.second_stage(ids, mask, self._context).output.float()
            out = torch.nn.functional.normalize(out, dim=-1)
        return out.cpu().numpy().astype(np.float32)
