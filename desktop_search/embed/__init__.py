"""Embedding models: catalog, loading, device choice and backends (the only place torch is used)."""

from desktop_search.embed.base import Embedder, TextTokenizer

__all__ = ["Embedder", "TextTokenizer"]
