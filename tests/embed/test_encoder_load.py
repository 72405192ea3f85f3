"""Loading a bi-encoder's weights: silent when only the unused pooler is absent, a clear error when more is."""

from __future__ import annotations

from pathlib import Path

import pytest
from safetensors.torch import load_file, save_file
from transformers import BertConfig, BertModel

from desktop_search.embed.biencoder import load_encoder
from desktop_search.errors import ModelNotAvailable

CONFIG = BertConfig(vocab_size=64, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64)


def test_a_checkpoint_without_pooler_loads_without_a_report(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    # The logfail fixture fails this test on any WARNING that reaches logging (as it does where CI is set).
    BertModel(CONFIG, add_pooling_layer=False).save_pretrained(tmp_path, safe_serialization=True)
    capfd.readouterr()
    load_encoder(tmp_path)
    assert capfd.readouterr().err == ""


def test_a_checkpoint_missing_encoder_weights_is_refused(tmp_path: Path) -> None:
    BertModel(CONFIG).save_pretrained(tmp_path, safe_serialization=True)
    weights = load_file(tmp_path / "model.safetensors")
    save_file({k: v for k, v in weights.items() if ".layer.1." not in k}, tmp_path / "model.safetensors")
    with pytest.raises(ModelNotAvailable, match=r"incomplete: its weights lack encoder\.layer\.1\..* more\. Download"):
        load_encoder(tmp_path)
