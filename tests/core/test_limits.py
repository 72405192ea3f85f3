"""The limits' defaults are written once, in Settings (what settings.json and the README document)."""

from __future__ import annotations

from pathlib import Path

from desktop_search.core.extract import MB, ExtractLimits
from desktop_search.core.extract.workers import PoolLimits
from desktop_search.core.producer import IndexLimits
from desktop_search.settings import Settings


def test_every_default_limit_is_the_settings_default(tmp_path: Path) -> None:
    from_settings = IndexLimits.from_settings(Settings(home=tmp_path))
    assert IndexLimits() == from_settings
    assert from_settings.pool() == PoolLimits(extract=ExtractLimits())
    assert (from_settings.max_file_bytes, from_settings.max_text_bytes) == (256 * MB, 8 * MB)


def test_a_users_limits_reach_the_workers_and_the_extractors(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, max_text_mb=2, max_pages=10, extract_timeout_s=5, extract_memory_mb=300)
    pool = IndexLimits.from_settings(settings).pool()
    assert (pool.timeout_s, pool.memory_mb) == (5, 300)
    assert (pool.extract.max_text_bytes, pool.extract.max_pages) == (2 * MB, 10)
