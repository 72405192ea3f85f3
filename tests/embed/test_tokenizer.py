"""Batches for the model: padded to a multiple of 16 tokens, so a runtime sees few shapes, never past the limit."""

from __future__ import annotations

from desktop_search.embed.catalog import CATALOG, DEFAULT_MODEL, bundled_model_dir
from desktop_search.embed.tokenizer import HFTokenizer


def _tokenizer(max_tokens: int) -> HFTokenizer:
    folder = bundled_model_dir(CATALOG[DEFAULT_MODEL])
    assert folder is not None
    return HFTokenizer(folder / "tokenizer.json", max_tokens)


def test_batches_are_padded_to_a_multiple_of_16_and_never_past_the_limit() -> None:
    tokenizer = _tokenizer(256)
    widths = set()
    for words in range(1, 400, 7):
        short, long = "word " * max(1, words // 3), "word " * words
        encodings = tokenizer.encode_for_model([short, long])
        width = len(encodings[0].ids)
        assert all(len(e.ids) == width for e in encodings)
        assert width % 16 == 0
        assert width <= 256
        real = min(words + 2, 256)  # [CLS] and [SEP] around the words, cut at the model's limit
        assert sum(encodings[1].attention_mask) == real
        assert width - real < 16
        widths.add(width)
    assert len(widths) == 16  # 57 different lengths gave 16 shapes


def test_a_limit_that_is_not_a_multiple_of_16_pads_to_the_longest_text() -> None:
    tokenizer = _tokenizer(250)
    encodings = tokenizer.encode_for_model(["word " * 3, "word " * 400])
    assert [len(e.ids) for e in encodings] == [250, 250]
    assert [len(e.ids) for e in tokenizer.encode_for_model(["word " * 3])] == [5]
