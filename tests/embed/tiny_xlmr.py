"""A tiny random XLM-RoBERTa checkpoint with a SentencePiece (Unigram) tokenizer, written by the test: the same
architecture, files and special tokens as multilingual-e5-small and paraphrase-multilingual-MiniLM-L12-v2."""

from __future__ import annotations

from pathlib import Path

from tokenizers import SentencePieceUnigramTokenizer
from tokenizers.processors import TemplateProcessing

SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]  # ids 0-3, as in XLM-RoBERTa
CORPUS = [
    "query: passage: the garden needs water and sun",
    "le jardin a besoin d'eau et de soleil",
    "der Garten braucht Wasser und Sonne",
    "el jardín necesita agua y sol",
    "сад нуждается в воде и солнце",
    "庭には水と太陽が必要です",
    "الحديقة تحتاج إلى الماء والشمس",
]


def write_tiny_xlmr(folder: Path, dim: int, max_tokens: int) -> Path:
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaModel

    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = SentencePieceUnigramTokenizer()
    tokenizer.train_from_iterator(CORPUS * 20, vocab_size=300, special_tokens=SPECIALS, unk_token="<unk>")
    tokenizer.post_processor = TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    tokenizer.save(str(folder / "tokenizer.json"))
    torch.manual_seed(0)
    config = XLMRobertaConfig(
        vocab_size=tokenizer.get_vocab_size(),
        hidden_size=dim,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=2 * dim,
        max_position_embeddings=max_tokens + 2,  # RoBERTa positions start after the pad id
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
    )
    XLMRobertaModel(config).eval().save_pretrained(folder, safe_serialization=True)
    return folder
