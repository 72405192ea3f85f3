"""The model's fast tokenizer (Hugging Face `tokenizers`, no torch) for chunking and model input."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tokenizers import Encoding, Tokenizer

from desktop_search.embed.base import padded_length

SHAPE_BUCKET = 16


class HFTokenizer:
    """Wraps a `tokenizer.json`: plain offsets for the chunker, padded batches for the model."""

    def __init__(self, path: Path, max_tokens: int) -> None:
        self._plain = Tokenizer.from_file(str(path))
        self._plain.no_truncation()
        self._plain.no_padding()
        self._model = Tokenizer.from_file(str(path))
        self._model.enable_truncation(max_length=max_tokens)
        self._model.no_padding()  # padded here, by padded_length, the rule the batcher counts with
        pad = next((t for t in ("[PAD]", "<pad>") if self._model.token_to_id(t) is not None), None)
        # XLM-RoBERTa's pad is "<pad>" (1): its position ids count the tokens that are not the pad id.
        self._pad_token = pad or "[PAD]"
        self._pad_id = (self._model.token_to_id(pad) if pad else 0) or 0
        # Padding to a multiple of 16 tokens bounds the number of batch shapes a model sees (runtimes keep
        # per-shape kernels and buffers: memory grew with every new shape) for at most 15 padded positions.
        self.pad_multiple = SHAPE_BUCKET if max_tokens % SHAPE_BUCKET == 0 else 1

    def offsets(self, text: str) -> list[tuple[int, int]]:
        encoding = self._plain.encode(text, add_special_tokens=False)
        return [span for span in encoding.offsets if span[1] > span[0]]

    def count(self, texts: Sequence[str]) -> list[int]:
        return [len(e.ids) for e in self._plain.encode_batch(list(texts), add_special_tokens=False)]

    def encode_for_model(self, texts: Sequence[str]) -> list[Encoding]:
        """Token ids with special tokens, truncated to the model's limit, padded to the longest (rounded up to 16)."""
        encodings = self._model.encode_batch(list(texts))
        width = padded_length(max((len(e.ids) for e in encodings), default=0), self.pad_multiple)
        for encoding in encodings:
            encoding.pad(width, pad_id=self._pad_id, pad_token=self._pad_token)
        return encodings
