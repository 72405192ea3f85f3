"""cadet-embed-base-v1 runs as a plain bi-encoder: `query: ` / `passage: ` prefixes, mean pooling, L2."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import torch
from transformers import BertConfig, BertModel

from desktop_search.embed.biencoder import BiEncoder
from desktop_search.embed.catalog import CATALOG
from desktop_search.embed.device import plan_device
from tests.embed.tiny_cde import make_tokenizer, words_of


def test_cadet_prefixes_and_mean_pooling(tmp_path: Path) -> None:
    texts = ["Tomatoes need full sun.", "Invoice INV-42 is due."]
    tokenizer = make_tokenizer(words_of(texts + ["query: passage:"]), tmp_path / "tokenizer.json")
    torch.manual_seed(0)
    config = BertConfig(vocab_size=64, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64)
    BertModel(config, add_pooling_layer=False).save_pretrained(tmp_path, safe_serialization=True)
    spec = dataclasses.replace(CATALOG["cadet-embed-base-v1"], dim=32)
    encoder = BiEncoder(spec, tmp_path, plan_device("cpu"))
    model = BertModel.from_pretrained(tmp_path).eval()

    def manual(text: str) -> np.ndarray:
        ids = torch.tensor([tokenizer.encode(text).ids])
        with torch.inference_mode():
            hidden = model(input_ids=ids).last_hidden_state[0]
        pooled = hidden.mean(0)  # every token, [CLS] and [SEP] included
        return (pooled / pooled.norm()).numpy()

    np.testing.assert_allclose(encoder.embed_query(texts[0]), manual("query: " + texts[0]), atol=1e-5)
    np.testing.assert_allclose(encoder.embed_documents(texts)[1], manual("passage: " + texts[1]), atol=1e-5)
    assert np.abs(manual("query: " + texts[0]) - manual("passage: " + texts[0])).max() > 1e-3
