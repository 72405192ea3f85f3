"""The embedder interfaces: a plain embedder, a contextual one, and token-budget batching (here, once)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Sequence
from functools import cached_property
from typing import Protocol

import numpy as np

from desktop_search.embed.catalog import ModelSpec, RelevanceFloor


def padded_length(tokens: int, multiple: int) -> int:
    """`tokens` rounded up to a multiple of `multiple`: how wide the model tokenizer pads a batch whose longest
    text has `tokens` tokens, and so what the batcher counts for each of its rows (the one place of the rule)."""
    return -(-tokens // multiple) * multiple


class TextTokenizer(Protocol):
    """The model's tokenizer as the chunker needs it."""

    def offsets(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the tokens of `text`, without special tokens."""

    def count(self, texts: Sequence[str]) -> list[int]:
        """Number of tokens of each text, without special tokens."""


class Embedder(ABC):
    """Turns texts into L2-normalised float32 vectors of `dim` dimensions."""

    model_id: str
    revision: str
    dim: int
    max_tokens: int  # the model's limit per text, special tokens and prefix included
    chunk_tokens: int  # how long a chunk should be for this model
    chunk_overlap: int
    query_prefix: str = ""
    document_prefix: str = ""
    token_budget: int = 8192  # padded tokens per forward pass
    pad_multiple: int = 1  # the model tokenizer pads each batch to a multiple of this many tokens (HFTokenizer's)
    query_cache_size: int = 256
    relevance: RelevanceFloor | None = None  # the model's calibrated relevance floor, from its catalog entry
    backend: str = ""  # the registered backend that made this embedder (embed/registry.py)

    def __init__(self) -> None:
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def _take_spec(self, spec: ModelSpec) -> None:
        """The catalog entry's identity, sizes and prefixes, as every backend's embedder carries them."""
        self.model_id, self.revision, self.dim = spec.id, spec.revision, spec.dim
        self.max_tokens = spec.max_tokens
        self.chunk_tokens, self.chunk_overlap = spec.chunk_tokens, spec.chunk_overlap
        self.query_prefix, self.document_prefix = spec.query_prefix, spec.document_prefix
        self.relevance = spec.relevance

    @property
    @abstractmethod
    def tokenizer(self) -> TextTokenizer: ...

    @property
    def chunker_key(self) -> str:
        """Identifies how chunks are cut for this model; contents chunked differently are re-chunked."""
        return f"{self.model_id}@{self.revision}:{self.chunk_tokens}/{self.chunk_overlap}"

    @abstractmethod
    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        """Embed texts that already carry their prefix; one forward pass. Returns (n, dim) normalised."""

    def batches(self, lengths: Sequence[int]) -> list[list[int]]:
        """Group indices into batches of similar length whose rows × padded row length stays within the token
        budget (a text whose row alone is longer than the budget makes a batch of its own)."""
        order = sorted(range(len(lengths)), key=lambda i: lengths[i])
        batches: list[list[int]] = []
        current: list[int] = []
        for i in order:
            row = self.row_tokens(lengths[i])  # sorted, so the longest of the batch so far
            if current and row * (len(current) + 1) > self.token_budget:
                batches.append(current)
                current = []
            current.append(i)
        if current:
            batches.append(current)
        return batches

    def row_tokens(self, length: int) -> int:
        """Positions one row of a forward pass takes when the batch's longest text has `length` tokens of its own:
        special tokens and document prefix added, cut at the model's limit, padded as the tokenizer pads, and any
        per-row prefix before it."""
        text = min(length + self.text_overhead_tokens, self.max_tokens)
        return padded_length(text, self.pad_multiple) + self.pass_prefix_tokens

    @property
    def pass_prefix_tokens(self) -> int:
        """Positions every row of a forward pass carries before its text (a CDE's context and soft prompt)."""
        return 0

    @cached_property
    def text_overhead_tokens(self) -> int:
        """Tokens each document's text costs beyond its own: special tokens and the document prefix."""
        prefix = self.tokenizer.count([self.document_prefix])[0] if self.document_prefix else 0
        return 2 + prefix

    @property
    def overhead_tokens(self) -> int:
        """Tokens each document costs in a forward pass beyond its own, padding aside."""
        return self.text_overhead_tokens + self.pass_prefix_tokens

    @property
    def window_tokens(self) -> int:
        """The most tokens of its own a document text may have to be embedded in one pass (the model's limit less
        the special tokens and the document prefix); a longer text is embedded in windows of at most this many."""
        return self.max_tokens - self.text_overhead_tokens

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed documents in length-sorted, token-budgeted batches; rows keep the input order.

        Lengths are counted here by the model's own tokenizer, not taken from the caller: a library's passages are
        cut once, by the model it had then, and after a change of model their stored counts are another
        tokenizer's (WordPiece and SentencePiece count the same text differently, either way), while truncation,
        padding and the budget follow this model's. Counting costs about 0.6 % of the embedding's CPU time.

        A text that fits the model is embedded in one pass, exactly as it always was (its own batches, so a long
        text beside it changes none of its bits). A longer one (passages cut for a model with a longer limit) is
        embedded whole, not cut off at the limit: in windows (`windows`), each with the document prefix and, in a
        CDE, the context before it, batched by the same token budget; its vector is the mean of theirs."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        counts = self.tokenizer.count(texts)
        fits = [i for i, n in enumerate(counts) if n <= self.window_tokens]
        for batch in self.batches([counts[i] for i in fits]):
            rows = [fits[j] for j in batch]
            out[rows] = self._embed_batch([self.document_prefix + texts[i] for i in rows])
        long = [i for i, n in enumerate(counts) if n > self.window_tokens]
        if long:
            out[long] = self._embed_windowed([texts[i] for i in long])
        return out

    def _embed_windowed(self, texts: list[str]) -> np.ndarray:
        """Each text's vector from its windows: all windows of all texts share the token-budgeted batches."""
        pieces: list[str] = []
        owner: list[int] = []
        for i, text in enumerate(texts):
            for piece in self.windows(text):
                pieces.append(piece)
                owner.append(i)
        lengths = self.tokenizer.count(pieces)
        vectors = np.zeros((len(pieces), self.dim), dtype=np.float32)
        for batch in self.batches(lengths):
            vectors[batch] = self._embed_batch([self.document_prefix + pieces[j] for j in batch])
        # Pooling: the mean of the windows' vectors, each weighted by its tokens, then L2-normalised: the usual way
        # to embed an input longer than a bi-encoder takes (OpenAI's cookbook does it for its long texts). Measured
        # against MiniLM's own vector of a 389-token passage in one 512-position pass, the mean is the closest
        # (cosine 0.90; the cut-off vector 0.86, a per-dimension maximum 0.73) and it scores a query about the
        # passage's last third highest (docs/performance.md). Windows are of about equal length, so no scrap of a
        # window weighs as much as a whole one.
        weights = np.asarray(lengths, dtype=np.float32)[:, None]
        sums = np.zeros((len(texts), self.dim), dtype=np.float32)
        np.add.at(sums, np.asarray(owner), vectors * weights)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        pooled: np.ndarray = sums / np.maximum(norms, 1e-12)
        return pooled

    def windows(self, text: str) -> list[str]:
        """`text` cut on token boundaries of the model's own tokenizer into the fewest windows of about equal
        length that each fit one pass (`window_tokens`); a cut moves to the nearest word start when one is a few
        tokens away. Windows do not overlap and together hold every token of the text."""
        spans = self.tokenizer.offsets(text)
        size = self.window_tokens
        n = len(spans)
        k = max(1, -(-n // size))
        while True:
            bounds = [0]
            for j in range(1, k):
                bounds.append(_word_start(text, spans, round(j * n / k), bounds[-1], n - (k - j) * size, size))
            bounds.append(n)
            pieces = [text[spans[a][0] : spans[b - 1][1]] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
            # A piece may tokenize a little differently alone (a word cut at its pieces): counted again, to be sure.
            if k >= n or max(self.tokenizer.count(pieces)) <= size:
                return pieces or [text]
            k += 1

    def embed_query(self, text: str) -> np.ndarray:
        """Embed a search query; recent queries are cached."""
        cached = self._query_cache.get(text)
        if cached is not None:
            self._query_cache.move_to_end(text)
            return cached
        vector: np.ndarray = self._embed_batch([self.query_prefix + text])[0]
        self._query_cache[text] = vector
        if len(self._query_cache) > self.query_cache_size:
            self._query_cache.popitem(last=False)
        return vector


WORD_SNAP = 8  # tokens a window's cut may move to fall between words rather than inside one


def _word_start(text: str, spans: list[tuple[int, int]], at: int, start: int, lowest: int, size: int) -> int:
    """The token index nearest `at` (within WORD_SNAP) that starts a word, keeping the window from `start` within
    `size` tokens and the cut at or after `lowest` (so the windows after it can still hold the rest); else `at`."""
    for step in range(WORD_SNAP + 1):
        for b in (at - step, at + step):
            if max(start + 1, lowest) <= b <= start + size and b < len(spans):
                begin = spans[b][0]
                if begin == 0 or text[begin - 1].isspace():
                    return b
    return at


class ContextualEmbedder(Embedder):
    """A model that embeds only under a per-library context (CDE): stage 1 makes the context from sampled
    passages, `with_context` gives the plain embedder that embeds chunks and queries under it."""

    context_size: int  # how many context texts stage 1 takes (512 for the real CDE models)

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        raise RuntimeError(f"{self.model_id} embeds only under a library context; call with_context() first")

    @abstractmethod
    def embed_context(self, texts: Sequence[str]) -> np.ndarray:
        """Stage-1 vectors of context documents, (n, dim), in input order."""

    @abstractmethod
    def with_context(self, vectors: np.ndarray, key: str) -> Embedder:
        """An embedder conditioned on `vectors`; `key` names that context."""
