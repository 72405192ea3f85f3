"""The CDE embedder: stage 1 for contexts, stage 2 under a context, batching and the per-context query cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_search.embed.catalog import ModelSpec
from desktop_search.embed.cde import CDEEmbedder, colon_id
from desktop_search.embed.tokenizer import HFTokenizer
from tests.conftest import DOCUMENTS
from tests.embed.precision import cpu_plan
from tests.embed.tiny_cde import make_tiny_cde

pytestmark = pytest.mark.slow  # a CDE model in torch, two stages over a context

TEXTS = list(DOCUMENTS.values())


def tiny_spec(model_id: str = "tiny-cde") -> ModelSpec:
    return ModelSpec(
        id=model_id,
        repo="test/tiny-cde",
        revision="r1",
        size_mb=1,
        dim=64,
        max_tokens=64,
        chunk_tokens=24,
        chunk_overlap=4,
        licence="test",
        architecture="cde-v2",
        backend="cde",
        query_prefix="search_query: ",
        document_prefix="search_document: ",
    )


@pytest.fixture(scope="module")
def cde(tmp_path_factory: pytest.TempPathFactory) -> CDEEmbedder:
    folder = make_tiny_cde(tmp_path_factory.mktemp("tiny") / "tiny-cde", TEXTS, corpus_size=4)
    return CDEEmbedder(tiny_spec(), folder, cpu_plan())  # float32: compared at 1e-5


def test_colon_comes_from_the_tokenizer(cde: CDEEmbedder, tmp_path: Path) -> None:
    assert cde.model.colon_token_id == 4
    assert cde.context_size == 4


def test_context_vectors_do_not_depend_on_batching(cde: CDEEmbedder) -> None:
    together = cde.embed_context(TEXTS[:6])
    alone = np.concatenate([cde.embed_context([t]) for t in TEXTS[:6]])
    assert together.shape == (6, 64)
    np.testing.assert_allclose(together, alone, atol=1e-5)


def test_documents_under_a_context_are_normalised_and_order_independent(cde: CDEEmbedder) -> None:
    bound = cde.with_context(cde.embed_context(TEXTS[:4]), "ctx-1")
    vectors = bound.embed_documents(TEXTS)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    reversed_order = bound.embed_documents(TEXTS[::-1])[::-1]
    np.testing.assert_allclose(vectors, reversed_order, atol=1e-5)
    assert bound.overhead_tokens >= cde.context_size + 8  # the prefix counts against the token budget


def test_a_new_context_gives_new_vectors_and_its_own_query_cache(cde: CDEEmbedder) -> None:
    first = cde.with_context(cde.embed_context(TEXTS[:4]), "ctx-1")
    second = cde.with_context(cde.embed_context(TEXTS[4:8]), "ctx-2")
    q1, q2 = first.embed_query("tomato garden"), second.embed_query("tomato garden")
    assert np.abs(q1 - q2).max() > 1e-3
    assert first.embed_query("tomato garden") is q1  # cached per context
    assert cde.with_context(np.zeros((4, 64), np.float32), "ctx-1") is first


def test_the_bare_model_refuses_to_embed_without_a_context(cde: CDEEmbedder) -> None:
    with pytest.raises(RuntimeError, match="context"):
        cde.embed_query("anything")


def test_colon_id_of_a_tokenizer_file(cde: CDEEmbedder, tmp_path: Path) -> None:
    folder = make_tiny_cde(tmp_path / "m", ["a b c"], corpus_size=2)
    assert colon_id(folder / "tokenizer.json") == 4


@settings(max_examples=40, deadline=None)
@given(words=st.lists(st.integers(0, 80), min_size=1, max_size=40), budget=st.sampled_from([100, 300, 1000]))
def test_stage_two_batches_count_the_context_prefix_and_the_padding(
    cde: CDEEmbedder, words: list[int], budget: int
) -> None:
    bound = cde.with_context(cde.embed_context(TEXTS[:4]), "ctx-budget")
    bound.token_budget = budget
    texts = [" ".join(["tomato"] * n) for n in words]
    tokenizer = cde.tokenizer
    assert isinstance(tokenizer, HFTokenizer)
    for batch in bound.batches(tokenizer.count(texts)):
        encodings = tokenizer.encode_for_model([bound.document_prefix + texts[i] for i in batch])
        row = len(encodings[0].ids) + cde.context_size + 8  # the context vectors and the soft prompt before the text
        assert len(batch) == 1 or len(batch) * row <= budget, (len(batch), row)


def test_a_text_longer_than_the_model_takes_is_embedded_whole_under_the_context(cde: CDEEmbedder) -> None:
    """64 tokens a pass (the context and soft prompt before each): a 200-token text goes in windows, each with the
    document prefix under the context; its vector is their mean, and its tail, past one pass, changes it."""
    bound = cde.with_context(cde.embed_context(TEXTS[:4]), "ctx-1")
    head = " ".join(TEXTS) * 2
    cut = bound.tokenizer.offsets(head)[bound.window_tokens + 10][0]  # well past what one pass takes
    text, other = head[:cut] + " tomato garden watering", head[:cut] + " invoice tax receipt"
    windows = bound.windows(text)
    assert len(windows) >= 2
    assert max(bound.tokenizer.count(windows)) <= bound.window_tokens
    vectors = bound.embed_documents([TEXTS[0], text, other])
    weights = np.asarray(bound.tokenizer.count(windows), dtype=np.float32)[:, None]
    mean = (bound.embed_documents(windows) * weights).sum(0)
    np.testing.assert_allclose(vectors[1], mean / np.linalg.norm(mean), atol=1e-5)
    assert np.abs(vectors[1] - vectors[2]).max() > 1e-3  # before windows both were their first 64 tokens: equal
    np.testing.assert_allclose(vectors[0], bound.embed_documents([TEXTS[0]])[0], atol=1e-6)
