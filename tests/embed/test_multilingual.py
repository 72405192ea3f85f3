"""Multilingual catalog models load through the XLM-RoBERTa path: a tiny random checkpoint written by the test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from desktop_search.embed.catalog import CATALOG, get_spec
from desktop_search.embed.loader import load_embedder
from tests.embed.tiny_xlmr import write_tiny_xlmr

MULTILINGUAL = ["multilingual-e5-small", "paraphrase-multilingual-minilm-l12-v2"]


def _reference(folder: Path, text: str) -> np.ndarray:
    """The model's vector for one text computed directly: tokens, XLM-R forward, mean over the mask, L2."""
    import torch
    from tokenizers import Tokenizer
    from transformers import XLMRobertaModel

    ids = Tokenizer.from_file(str(folder / "tokenizer.json")).encode(text).ids
    model = XLMRobertaModel.from_pretrained(folder, use_safetensors=True).eval()
    with torch.inference_mode():
        hidden = model(input_ids=torch.tensor([ids])).last_hidden_state[0]
    pooled = hidden.mean(0)
    return (pooled / pooled.norm()).numpy()


@pytest.mark.parametrize("model_id", MULTILINGUAL)
def test_a_multilingual_model_loads_and_embeds_with_its_prefixes(tmp_path: Path, model_id: str) -> None:
    spec = get_spec(model_id)
    folder = write_tiny_xlmr(tmp_path / "models" / spec.id, spec.dim, spec.max_tokens)
    embedder = load_embedder(model_id, tmp_path / "models", device="cpu")
    assert embedder.backend == "transformers"
    assert embedder.dim == spec.dim
    texts = ["le jardin a besoin d'eau et de soleil", "сад", "庭には水と太陽が必要です ああ"]
    vectors = embedder.embed_documents(texts)  # one padded batch of three lengths
    for text, vector in zip(texts, vectors, strict=True):
        np.testing.assert_allclose(vector, _reference(folder, spec.document_prefix + text), atol=2e-5)
    query = embedder.embed_query("der Garten braucht Wasser")
    np.testing.assert_allclose(query, _reference(folder, spec.query_prefix + "der Garten braucht Wasser"), atol=2e-5)


def test_the_multilingual_entries_say_their_languages_and_e5_prefixes() -> None:
    assert CATALOG["multilingual-e5-small"].query_prefix == "query: "
    assert CATALOG["multilingual-e5-small"].document_prefix == "passage: "
    assert "100 languages" in CATALOG["multilingual-e5-small"].languages
    assert CATALOG["paraphrase-multilingual-minilm-l12-v2"].languages == "50+ languages"
    assert CATALOG["all-minilm-l6-v2"].languages == "English"
    assert get_spec("intfloat/multilingual-e5-small").id == "multilingual-e5-small"
