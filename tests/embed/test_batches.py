"""Token-budgeted batches: every forward pass's rows × padded row length stays within the budget, counted the way
the real tokenizer pads (to a multiple of 16) plus any per-row prefix, and vectors come back in input order."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_search.embed.base import Embedder
from desktop_search.embed.catalog import CATALOG, DEFAULT_MODEL, bundled_model_dir
from desktop_search.embed.fake import HashEmbedder
from desktop_search.embed.tokenizer import HFTokenizer

# Common words (one token each), rare ones (several word pieces) and punctuation, so lengths vary finely.
WORDS = ["the", "cell", "of", "protein", "mitochondrial", "phosphorylation", "a", "1998", "—", "Zürich", "(", ")"]
TEXTS = st.lists(st.lists(st.sampled_from(WORDS), max_size=300).map(" ".join), min_size=1, max_size=80)
BUDGETS = st.sampled_from([256, 700, 2048, 8192])


def _minilm_tokenizer(max_tokens: int) -> HFTokenizer:
    folder = bundled_model_dir(CATALOG[DEFAULT_MODEL])
    assert folder is not None
    return HFTokenizer(folder / "tokenizer.json", max_tokens)


class RecordingEmbedder(HashEmbedder):
    """Hash vectors (the model is not the point here) for texts tokenized by the real MiniLM tokenizer: each
    pass records the rows and the width the tokenizer really padded them to."""

    def __init__(self, max_tokens: int, budget: int, document_prefix: str, prefix_tokens: int) -> None:
        super().__init__()
        self.max_tokens, self.token_budget, self.document_prefix = max_tokens, budget, document_prefix
        self._tokenizer = _minilm_tokenizer(max_tokens)  # type: ignore[assignment]
        self.pad_multiple = self._tokenizer.pad_multiple
        self._prefix_tokens = prefix_tokens
        self.passes: list[tuple[int, int]] = []

    @property
    def pass_prefix_tokens(self) -> int:
        return self._prefix_tokens  # as a CDE's context and soft prompt before every row

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        assert isinstance(self._tokenizer, HFTokenizer)
        widths = {len(e.ids) for e in self._tokenizer.encode_for_model(texts)}
        assert len(widths) == 1
        self.passes.append((len(texts), widths.pop() + self._prefix_tokens))
        return super()._embed_batch(texts)


@given(
    texts=TEXTS,
    budget=BUDGETS,
    max_tokens=st.sampled_from([128, 256, 250]),  # 250 is no multiple of 16: padded to the longest text only
    document_prefix=st.sampled_from(["", "search_document: "]),
    prefix_tokens=st.sampled_from([0, 12, 520]),
)
def test_every_pass_stays_within_the_token_budget_as_the_tokenizer_pads_it(
    texts: list[str], budget: int, max_tokens: int, document_prefix: str, prefix_tokens: int
) -> None:
    embedder = RecordingEmbedder(max_tokens, budget, document_prefix, prefix_tokens)
    vectors = embedder.embed_documents(texts)
    for rows, width in embedder.passes:
        assert rows == 1 or rows * width <= budget, (rows, width)
    assert sum(rows for rows, _ in embedder.passes) == len(texts)
    expected = np.stack([embedder._vector(document_prefix + t) for t in texts])
    np.testing.assert_array_equal(vectors, expected)  # in input order


def test_short_texts_fill_the_budget_with_their_padded_length() -> None:
    """17 tokens with [CLS] and [SEP] are padded to 32: 256 rows fill 8,192 tokens, not 481."""
    embedder = RecordingEmbedder(256, 8192, "", 0)
    texts = [" ".join(["protein"] * 15)] * 600
    embedder.embed_documents(texts)
    assert embedder.passes == [(256, 32), (256, 32), (88, 32)]


def _check_batches(embedder: Embedder, texts: list[str]) -> None:
    """The embedder's own batches, against the width its real tokenizer pads each to."""
    tokenizer = embedder.tokenizer
    assert isinstance(tokenizer, HFTokenizer)
    batches = embedder.batches(tokenizer.count(texts))
    assert sorted(i for batch in batches for i in batch) == list(range(len(texts)))
    for batch in batches:
        encodings = tokenizer.encode_for_model([embedder.document_prefix + texts[i] for i in batch])
        width = len(encodings[0].ids) + embedder.pass_prefix_tokens
        assert len(batch) == 1 or len(batch) * width <= embedder.token_budget, (len(batch), width)


@pytest.mark.parametrize("fixture", ["minilm", "minilm_fp32"])
def test_the_real_backends_count_padded_rows(fixture: str, request: pytest.FixtureRequest) -> None:
    embedder: Embedder = request.getfixturevalue(fixture)  # OpenVINO, then torch
    assert embedder.pad_multiple == 16

    @settings(max_examples=40, deadline=None)
    @given(texts=TEXTS)
    def check(texts: list[str]) -> None:
        _check_batches(embedder, texts)

    check()
    texts = [" ".join(WORDS[: 1 + i % len(WORDS)] * (1 + i % 9)) for i in range(40)]
    whole = embedder.embed_documents(texts)
    saved = embedder.token_budget
    embedder.token_budget = 300  # many small passes: the same vectors, in the same order
    try:
        np.testing.assert_allclose(embedder.embed_documents(texts), whole, atol=1e-5)
    finally:
        embedder.token_budget = saved
