"""Token-budgeted batches: every forward pass's rows × padded row length stays within the budget, counted the way
the real tokenizer pads (to a multiple of 16) plus any per-row prefix, and vectors come back in input order. A text
longer than the model takes in one pass goes in windows that fit, through the same batches."""

from __future__ import annotations

import re
from functools import cache

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


@cache  # loading tokenizer.json takes a tenth of a second: once per limit, not once per example
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
        self.rows: list[str] = []

    @property
    def pass_prefix_tokens(self) -> int:
        return self._prefix_tokens  # as a CDE's context and soft prompt before every row

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        assert isinstance(self._tokenizer, HFTokenizer)
        widths = {len(e.ids) for e in self._tokenizer.encode_for_model(texts)}
        assert len(widths) == 1
        self.passes.append((len(texts), widths.pop() + self._prefix_tokens))
        self.rows.extend(texts)
        return super()._embed_batch(texts)

    def windowed(self, text: str) -> np.ndarray:
        """The vector `embed_documents` should give a long text: its windows' vectors, mean weighted by tokens."""
        windows = self.windows(text)
        weights = np.asarray(self.tokenizer.count(windows), dtype=np.float32)[:, None]
        mean = (np.stack([self._vector(self.document_prefix + w) for w in windows]) * weights).sum(0)
        return mean / np.linalg.norm(mean)


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
    fits = [n <= embedder.window_tokens for n in embedder.tokenizer.count(texts)]
    windows = sum(len(embedder.windows(t)) for t, fit in zip(texts, fits, strict=True) if not fit)
    assert sum(rows for rows, _ in embedder.passes) == sum(fits) + windows
    tokenizer = embedder._tokenizer
    assert isinstance(tokenizer, HFTokenizer)
    assert max(tokenizer.count(embedder.rows), default=0) + 2 <= max_tokens  # no row is cut off by the model
    pairs = zip(texts, fits, strict=True)
    expected = np.stack([embedder._vector(document_prefix + t) if fit else embedder.windowed(t) for t, fit in pairs])
    np.testing.assert_allclose(vectors, expected, atol=1e-6)  # in input order


@given(text=st.lists(st.sampled_from(WORDS), max_size=900).map(" ".join), max_tokens=st.sampled_from([16, 128, 250]))
def test_windows_fit_one_pass_and_hold_every_token_once(text: str, max_tokens: int) -> None:
    """The real MiniLM tokenizer: the fewest windows, each within the model's limit with the prefix, of about equal
    length, and together the whole text in order (whitespace aside)."""
    embedder = RecordingEmbedder(max_tokens, 8192, "search_document: ", 0)
    windows = embedder.windows(text)
    counts = embedder.tokenizer.count(windows)
    total = embedder.tokenizer.count([text])[0]
    assert max(counts, default=0) <= embedder.window_tokens
    assert len(windows) == max(1, -(-total // embedder.window_tokens)) or min(counts) > embedder.window_tokens // 2
    assert re.sub(r"\s", "", "".join(windows)) == re.sub(r"\s", "", text)


def test_a_long_text_is_embedded_in_windows_in_input_order_and_short_ones_as_before() -> None:
    """Three texts of 600 tokens between short ones, budget 512 at 128 tokens a pass: each long one is five windows
    of at most 126 tokens, all in passes of at most 512 padded positions; the short texts' vectors are bit for bit
    those they get alone, and every row is where its text was."""
    long_texts = [" ".join([word] * 600) for word in ("protein", "cell", "1998")]
    short = ["the cell", "mitochondrial protein of the cell", "Zürich"]
    texts = [short[0], long_texts[0], short[1], long_texts[1], long_texts[2], short[2]]
    embedder = RecordingEmbedder(128, 512, "", 0)
    vectors = embedder.embed_documents(texts)
    assert [embedder.tokenizer.count(embedder.windows(t)) for t in long_texts] == [[120] * 5] * 3
    assert all(rows * width <= 512 for rows, width in embedder.passes)
    assert sum(rows for rows, _ in embedder.passes) == 3 + 15
    alone = RecordingEmbedder(128, 512, "", 0).embed_documents(short)
    np.testing.assert_array_equal(vectors[[0, 2, 5]], alone)
    for row, text in ((1, long_texts[0]), (3, long_texts[1]), (4, long_texts[2])):
        np.testing.assert_allclose(vectors[row], embedder._vector(text.split()[0]), atol=1e-6)


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


def test_texts_that_fit_get_the_vectors_they_always_had(minilm: Embedder) -> None:
    """The real model: texts within its limit are embedded in the batches and with the bits of one pass per text
    as before windows (here recomputed that way), a long text beside them changing none of them."""
    texts = [" ".join(WORDS[: 1 + i % len(WORDS)] * (1 + i % 9)) for i in range(40)]
    before = np.zeros((len(texts), minilm.dim), dtype=np.float32)
    for batch in minilm.batches(minilm.tokenizer.count(texts)):
        before[batch] = minilm._embed_batch([minilm.document_prefix + texts[i] for i in batch])
    np.testing.assert_array_equal(minilm.embed_documents(texts), before)
    mixed = minilm.embed_documents([*texts, " ".join(WORDS * 40)])
    np.testing.assert_array_equal(mixed[:-1], before)
