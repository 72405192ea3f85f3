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


class BiEncoder(Embedder):
    """Embeds each text on its own: mean of the last hidden states over the attention mask."""

    def __init__(self, spec: ModelSpec, folder: Path, plan: DevicePlan) -> None:
        super().__init__()
        self.model_id = spec.id
        self.revision = spec.revision
        self.dim = spec.dim
        self.max_tokens = spec.max_tokens
        self.chunk_tokens = spec.chunk_tokens
        self.chunk_overlap = spec.chunk_overlap
        self.query_prefix = spec.query_prefix
        self.document_prefix = spec.document_prefix
        self.relevance = spec.relevance
        self.token_budget = plan.token_budget
        self.plan = plan
        self._tokenizer = HFTokenizer(folder / "tokenizer.json", spec.max_tokens)
        torch.set_num_threads(plan.threads)
        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        model = AutoModel.from_pretrained(folder, local_files_only=True, use_safetensors=True)
        self._model = model.to(device=plan.device, dtype=plan.dtype).eval()

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
