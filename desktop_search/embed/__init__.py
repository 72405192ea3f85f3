"""Embedding models: catalog, loading, device choice and backends (the only place torch is used)."""
