"""cadet-embed-base-v1 runs as a plain bi-encoder: `query: ` / `passage: ` prefixes, mean pooling, L2."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import torch
from transformers import BertConfig, BertModel

from desktop_search.embed.biencoder import BiEncoder
from desktop_search.embed.catalog import CATALOG
from tests.embed.precision import BF16_FLAGS, NO_BF16_FLAGS, cpu_plan
from tests.embed.tiny_cde import make_tokenizer, words_of


@pytest.mark.parametrize(
    ("flags", "dtype", "atol"),
    [
        (NO_BF16_FLAGS, torch.float32, 1e-5),
        # bfloat16 keeps 8 bits of mantissa: this model's unit vectors differ from float32 by 1-2e-3 per
        # component (5 seeds; 9.8e-4 was seen on a bf16 CPU), so 1e-2 leaves room without hiding a real error.
        (BF16_FLAGS, torch.bfloat16, 1e-2),
    ],
    ids=["float32-plan", "bf16-plan"],
)
def test_cadet_prefixes_and_mean_pooling(tmp_path: Path, flags: str, dtype: torch.dtype, atol: float) -> None:
    texts = ["Tomatoes need full sun.", "Invoice INV-42 is due."]
    tokenizer = make_tokenizer(words_of(texts + ["query: passage:"]), tmp_path / "tokenizer.json")
    torch.manual_seed(0)
    config = BertConfig(vocab_size=64, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64)
    BertModel(config, add_pooling_layer=False).save_pretrained(tmp_path, safe_serialization=True)
    spec = dataclasses.replace(CATALOG["cadet-embed-base-v1"], dim=32)
    plan = cpu_plan(flags)  # the plan this CPU would get, simulated: the test passes whatever this machine has
    assert plan.dtype == dtype
    encoder = BiEncoder(spec, tmp_path, plan)
    model = BertModel.from_pretrained(tmp_path, add_pooling_layer=False).eval()  # the float32 reference

    def manual(text: str) -> np.ndarray:
        ids = torch.tensor([tokenizer.encode(text).ids])
        with torch.inference_mode():
            hidden = model(input_ids=ids).last_hidden_state[0]
        pooled = hidden.mean(0)  # every token, [CLS] and [SEP] included
        return (pooled / pooled.norm()).numpy()

    query, document = encoder.embed_query(texts[0]), encoder.embed_documents(texts)[1]
    assert query.dtype == document.dtype == np.float32  # stored as float32 whatever the model ran in
    np.testing.assert_allclose(query, manual("query: " + texts[0]), atol=atol)
    np.testing.assert_allclose(document, manual("passage: " + texts[1]), atol=atol)
    assert float(query @ manual("query: " + texts[0])) > 1 - atol / 10  # the same direction
    assert np.abs(manual("query: " + texts[0]) - manual("passage: " + texts[0])).max() > 1e-3
