"""Bi-encoder models (all-MiniLM-L6-v2, cadet-embed-base-v1): transformer, mean pooling, L2."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from transformers import AutoModel
from transformers.utils import logging as hf_logging

from desktop_search.embed.base import Embedder, TextTokenizer
from desktop_search.embed.catalog import ModelSpec
from desktop_search.embed.device import DevicePlan
from desktop_search.embed.tokenizer import HFTokenizer
from desktop_search.errors import ModelNotAvailable


def load_encoder(folder: Path) -> torch.nn.Module:
    """The encoder in `folder`, without transformers' load report: only the pooler (a head for next-sentence
    training that mean pooling never uses) may be missing; any other missing weight is an error, since the model
    would run with random weights. (Where the environment variable CI is set, transformers sends its report to
    the root logger as a WARNING; elsewhere it prints it to stderr. Users saw a table for the pooler.)"""
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    level = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    try:
        model, info = AutoModel.from_pretrained(
            folder, local_files_only=True, use_safetensors=True, output_loading_info=True
        )
    finally:
        hf_logging.set_verbosity(level)
    missing = sorted(key for key in info.get("missing_keys", ()) if not key.startswith("pooler."))
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise ModelNotAvailable(f"The model in {folder} is incomplete: its weights lack {shown}. Download it again.")
    return model  # type: ignore[no-any-return]


class BiEncoder(Embedder):
    """Embeds each text on its own: mean of the last hidden states over the attention mask."""

    def __init__(self, spec: ModelSpec, folder: Path, plan: DevicePlan) -> None:
        super().__init__()
        self._take_spec(spec)
        self.token_budget = plan.token_budget
        self.plan = plan
        self._tokenizer = HFTokenizer(folder / "tokenizer.json", spec.max_tokens)
        self.pad_multiple = self._tokenizer.pad_multiple  # so batches() counts rows as the tokenizer pads them
        torch.set_num_threads(plan.threads)
        self._model = load_encoder(folder).to(device=plan.device, dtype=plan.dtype).eval()

    @property
    def tokenizer(self) -> TextTokenizer:
        return self._tokenizer

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_for_model(texts)
        ids = torch.tensor([e.ids for e in encodings], device=self.plan.device)
        mask = torch.tensor([e.attention_mask for e in encodings], device=self.plan.device)
        with torch.inference_mode():
            hidden = self._model(input_ids=ids, attention_mask=mask).last_hidden_state.float()
            weights = mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(pooled, dim=-1)
        return pooled.cpu().numpy().astype(np.float32)
