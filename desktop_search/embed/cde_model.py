"""The two-stage contextual document embedding (CDE) network on transformers' NomicBERT / ModernBERT."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file
from torch import nn
from transformers import CONFIG_MAPPING, AutoModel, PretrainedConfig

SOFT_TOKENS = 8  # the soft prompt is 8 learned vectors between the context and the text
# Each submodule of CDEModel and the prefix of its weights in the published `model.safetensors`.
CHECKPOINT_PREFIXES = {
    "first": "first_stage_model.embedder.",
    "second": "second_stage_model.backbone.",
    "first_mlp": "first_stage_model.mlp.",
    "prompt_projection": "second_stage_model.prompt_projection.",
    "output_projection": "second_stage_model.output_projection.",
}
_EPS = 1e-20  # the reference's mean-pooling epsilon


@dataclass(frozen=True)
class CDEOptions:
    """Stage-2 behaviour that the published configs do not pin down (see CDE.md, open point)."""

    residual: bool  # output = output_projection(pooled) + pooled
    ignore_instruction: bool  # pool only the tokens after the first ":" (drops [CLS] and the task prefix)

    @classmethod
    def for_kind(cls, kind: str) -> CDEOptions:
        """v1 has neither; v2 has both, per its model card, config and GitHub HEAD."""
        return cls(True, True) if kind == "modernbert" else cls(False, False)


def _mean(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(1) / (weights.sum(1) + _EPS)


def backbone_config(cde_config: dict[str, Any]) -> PretrainedConfig:
    """The tower's config: `backbone_config` when the checkpoint has one, else the published defaults."""
    given = cde_config.get("backbone_config")
    if given is not None:
        config = CONFIG_MAPPING[given["model_type"]].from_dict(given)
    elif "modernbert" in str(cde_config.get("embedder", "")).lower():
        config = CONFIG_MAPPING["modernbert"]()
    else:
        config = CONFIG_MAPPING["nomic_bert"]()
    config._attn_implementation = "eager"
    return config


def _nomic_key(key: str) -> str:
    """Map one NomicBERT key of the CDE checkpoint onto transformers' NomicBertModel names."""
    for old, new in (
        ("encoder.layers.", "layers."),
        ("emb_ln.", "embeddings.LayerNorm."),
        ("attn.out_proj.", "self_attn.o_proj."),
        ("mlp.fc11.", "mlp.up_proj."),
        ("mlp.fc12.", "mlp.gate_proj."),
        ("mlp.fc2.", "mlp.down_proj."),
        ("norm1.", "post_attention_layernorm."),
        ("norm2.", "post_mlp_layernorm."),
    ):
        key = key.replace(old, new)
    return key


def remap_backbone(state: dict[str, torch.Tensor], model_type: str) -> dict[str, torch.Tensor]:
    """Checkpoint tower weights → transformers names; NomicBERT's fused Wqkv is split into q, k, v."""
    if model_type != "nomic_bert":
        return dict(state)
    out: dict[str, torch.Tensor] = {}
    for key, tensor in state.items():
        if key.endswith("attn.Wqkv.weight"):
            base = _nomic_key(key[: -len("attn.Wqkv.weight")])
            for name, part in zip(("q_proj", "k_proj", "v_proj"), tensor.chunk(3, dim=0), strict=True):
                out[f"{base}self_attn.{name}.weight"] = part.contiguous()
        else:
            out[_nomic_key(key)] = tensor
    return out


@dataclass
class StageTwoOutput:
    """Stage-2 output with the intermediate tensors the parity tests compare."""

    output: torch.Tensor  # (batch, d), not normalised
    pooled: torch.Tensor
    pool_mask: torch.Tensor
    text_hidden: torch.Tensor  # (batch, text length, d)


class CDEModel(nn.Module):
    """Stage 1 embeds context documents; stage 2 embeds texts conditioned on those context vectors."""

    def __init__(self, config: dict[str, Any], options: CDEOptions, colon_token_id: int | None) -> None:
        super().__init__()
        first, second = backbone_config(config), backbone_config(config)
        self.kind: str = first.model_type
        self.corpus_size = int(config["transductive_corpus_size"])
        self.options = options
        self.colon_token_id = colon_token_id
        d = int(first.hidden_size)
        self.dim = d
        self.first: Any = AutoModel.from_config(first)  # type: ignore[no-untyped-call]
        self.second: Any = AutoModel.from_config(second)  # type: ignore[no-untyped-call]
        self.first_mlp = nn.Sequential(nn.Linear(d, d), nn.GELU(), nn.Linear(d, d))
        self.prompt_projection = nn.Sequential(nn.Linear(d, d), nn.ReLU(), nn.Linear(d, SOFT_TOKENS * d))
        self.output_projection = nn.Sequential(nn.Linear(d, d), nn.ReLU(), nn.Linear(d, d))
        if options.ignore_instruction and colon_token_id is None:
            raise ValueError("instruction-token exclusion needs the id of ':'")

    def load_checkpoint(self, state: dict[str, torch.Tensor]) -> None:
        """Load a CDE `model.safetensors` state dict by its original key names; every key must match."""
        parts: dict[str, dict[str, torch.Tensor]] = {name: {} for name in CHECKPOINT_PREFIXES}
        unknown = []
        for key, tensor in state.items():
            name = next((n for n, prefix in CHECKPOINT_PREFIXES.items() if key.startswith(prefix)), None)
            if name is None:
                unknown.append(key)
            else:
                parts[name][key.removeprefix(CHECKPOINT_PREFIXES[name])] = tensor
        if unknown:
            raise ValueError(f"unexpected keys in the CDE checkpoint: {unknown[:5]}")
        for name, part in parts.items():
            weights = remap_backbone(part, self.kind) if name in ("first", "second") else part
            getattr(self, name).load_state_dict(weights, strict=True)

    def first_stage(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Context documents → (n, d) dataset embeddings (mean over every real token, then the MLP)."""
        hidden = self.first(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        result: torch.Tensor = self.first_mlp(_mean(hidden, attention_mask))
        return result

    def soft_prompt(self) -> torch.Tensor:
        """The 8 soft-prompt vectors: prompt_projection of an all-ones vector, reshaped to (8, d)."""
        weight = self.output_projection[2].bias
        assert isinstance(weight, torch.Tensor)
        ones = torch.ones(self.dim, dtype=weight.dtype, device=weight.device)
        prompt: torch.Tensor = self.prompt_projection(ones)
        return prompt.reshape(SOFT_TOKENS, self.dim)

    def _text_embeddings(self, input_ids: torch.Tensor) -> torch.Tensor:
        """The text's own embedding step; the backbone applies its embedding step once more after concat."""
        emb = self.second.embeddings
        if self.kind == "nomic_bert":
            words: torch.Tensor = emb.word_embeddings(input_ids)
            type0: torch.Tensor = emb.token_type_embeddings.weight[0]
            return words + type0  # the backbone adds type 0 once more
        normed: torch.Tensor = emb.norm(emb.tok_embeddings(input_ids))  # normed; the backbone norms again
        return normed

    def pool_mask(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Text positions averaged into the embedding; drops [CLS]..first ':' when excluding instructions."""
        if not self.options.ignore_instruction:
            return attention_mask.clone()
        colon = (input_ids == self.colon_token_id) & (attention_mask == 1)
        colon[:, 0] = False
        has = colon.any(dim=1)
        first = torch.where(has, colon.int().argmax(dim=1), torch.full_like(has, -1, dtype=torch.long))
        positions = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0)
        return attention_mask * (positions > first.unsqueeze(1)).to(attention_mask.dtype)

    def second_stage(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, context: torch.Tensor
    ) -> StageTwoOutput:
        """Texts conditioned on the context vectors: [context | soft prompt | text] through backbone 2."""
        if context.dim() == 3:
            context = context[0]
        context = context[: self.corpus_size].to(self.soft_prompt().dtype)
        batch = input_ids.shape[0]
        prefix = torch.cat([context, self.soft_prompt()], dim=0)
        embeds = torch.cat([prefix.unsqueeze(0).expand(batch, -1, -1), self._text_embeddings(input_ids)], dim=1)
        ones = torch.ones(batch, prefix.shape[0], dtype=attention_mask.dtype, device=attention_mask.device)
        full_mask = torch.cat([ones, attention_mask], dim=1)
        hidden = self.second(inputs_embeds=embeds, attention_mask=full_mask).last_hidden_state
        text_hidden = hidden[:, prefix.shape[0] :]
        mask = self.pool_mask(input_ids, attention_mask)
        pooled = _mean(text_hidden, mask)
        output = self.output_projection(pooled)
        if self.options.residual:
            output = output + pooled
        return StageTwoOutput(output, pooled, mask, text_hidden)


def load_cde_model(
    folder: Path, options: CDEOptions | None = None, colon_token_id: int | None = None
) -> tuple[CDEModel, dict[str, Any]]:
    """Build the network from `config.json` and load `model.safetensors` (never pickles, never remote code)."""
    config: dict[str, Any] = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    kind = backbone_config(config).model_type
    options = options or CDEOptions.for_kind(kind)
    colon = colon_token_id if colon_token_id is not None else config.get("colon_token_id")
    from transformers.initialization import no_init_weights

    with no_init_weights():  # every weight is overwritten next; random init of 300M parameters costs minutes
        model = CDEModel(config, options, colon if options.ignore_instruction else None)
    model.load_checkpoint(load_file(str(folder / "model.safetensors")))
    return model.eval(), config
