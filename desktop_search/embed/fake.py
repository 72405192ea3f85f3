"""A deterministic, dependency-free embedder for tests of the layers above the model."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from desktop_search.embed.base import Embedder, TextTokenizer

_WORD = re.compile(r"\w+|[^\w\s]")


class WordTokenizer:
    """Words and punctuation marks as tokens."""

    def offsets(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for m in _WORD.finditer(text)]

    def count(self, texts: Sequence[str]) -> list[int]:
        return [sum(1 for _ in _WORD.finditer(t)) for t in texts]


class HashEmbedder(Embedder):
    """Bag of hashed lower-cased words: texts sharing words get similar vectors. Same input, same output."""

    def __init__(self, dim: int = 64, chunk_tokens: int = 64, chunk_overlap: int = 8, model_id: str = "fake") -> None:
        super().__init__()
        self.model_id = model_id
        self.revision = "1"
        self.dim = dim
        self.max_tokens = 512
        self.chunk_tokens = chunk_tokens
        self.chunk_overlap = chunk_overlap
        self._tokenizer = WordTokenizer()
        self.calls = 0  # forward passes and texts embedded, so tests can see that nothing was re-embedded
        self.texts_embedded = 0

    @property
    def tokenizer(self) -> TextTokenizer:
        return self._tokenizer

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            vector[int.from_bytes(digest[:4], "little") % self.dim] += 1.0 if digest[4] & 1 else -1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        self.texts_embedded += len(texts)
        return np.stack([self._vector(t) for t in texts])
