"""Builds a tiny random CDE checkpoint (ModernBERT towers) and a small word tokenizer, in hub layout."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import torch
from safetensors.torch import save_file
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

from desktop_search.embed.cde_model import CHECKPOINT_PREFIXES, CDEModel, CDEOptions

FIXTURE_CONFIG = Path(__file__).parent.parent / "fixtures" / "cde" / "v2" / "config.json"
SPECIALS = ["[PAD]", "[CLS]", "[SEP]", "[UNK]", ":"]


def make_tokenizer(words: Iterable[str], path: Path) -> Tokenizer:
    """A lower-casing word-level tokenizer with [CLS] … [SEP], like a BERT tokenizer but tiny."""
    vocab = {token: i for i, token in enumerate(SPECIALS)}
    for word in sorted(set(words)):
        vocab.setdefault(word, len(vocab))
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 1), ("[SEP]", 2)]
    )
    tokenizer.save(str(path))
    return tokenizer


def words_of(texts: Iterable[str]) -> list[str]:
    return [w.lower() for t in texts for w in re.findall(r"\w+|[^\w\s]", t)]


def checkpoint_keys(model: CDEModel) -> dict[str, torch.Tensor]:
    """The model's weights under the original CDE checkpoint names (ModernBERT names need no mapping)."""
    names = {f"{name}.": prefix for name, prefix in CHECKPOINT_PREFIXES.items()}
    out = {}
    for key, tensor in model.state_dict().items():
        prefix = next(p for p in names if key.startswith(p))
        out[names[prefix] + key.removeprefix(prefix)] = tensor.contiguous()
    return out


def make_tiny_cde(folder: Path, texts: Iterable[str], corpus_size: int = 16, seed: int = 0) -> Path:
    """A random two-tower CDE checkpoint in the layout of jxm/cde-small-v2 plus a tokenizer.json."""
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = make_tokenizer(
        words_of(texts) + words_of(["search_query: search_document:"]), folder / "tokenizer.json"
    )
    config = json.loads(FIXTURE_CONFIG.read_text())
    config["transductive_corpus_size"] = corpus_size
    config["backbone_config"]["vocab_size"] = max(128, tokenizer.get_vocab_size())
    config["backbone_config"]["pad_token_id"] = 0
    config.pop("colon_token_id")
    torch.manual_seed(seed)
    model = CDEModel(config, CDEOptions(residual=True, ignore_instruction=True), colon_token_id=4)
    with torch.no_grad():  # larger than normal init, as in the fixtures, so that the context visibly matters
        for param in model.parameters():
            if param.dim() > 1:
                param.normal_(0.0, 0.2)
    save_file(checkpoint_keys(model), str(folder / "model.safetensors"), metadata={"format": "pt"})
    (folder / "config.json").write_text(json.dumps(config, indent=2))
    return folder
