"""Indexing-time estimates: a folder's size from a quick look, and the catalog's measured speeds."""

from __future__ import annotations

from pathlib import Path

from desktop_search.core.estimate import LibrarySize, indexing_seconds, measure_folders, say_duration
from desktop_search.embed.catalog import CATALOG, DEFAULT_MODEL
from tests.conftest import DOCUMENTS


def test_a_look_at_the_folders_counts_what_indexing_would_read(docs: Path) -> None:
    (docs / ".git").mkdir()
    (docs / ".git" / "notes.txt").write_text("hidden " * 1000)
    (docs / "photo.png").write_bytes(b"\x89PNG" + b"\0" * 5000)
    tools = docs / "tools"  # a virtual environment under any name: a scan skips it, so indexing reads none of it
    (tools / "lib").mkdir(parents=True)
    (tools / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (tools / "lib" / "module.py").write_text("import os\n" * 1000)
    size = measure_folders([str(docs)])
    assert size.files == len(DOCUMENTS)
    assert size.complete
    text = sum(len(t.encode()) for t in DOCUMENTS.values())
    assert size.tokens == round(text / 4)


def test_a_contextual_model_is_estimated_many_times_slower_than_the_default() -> None:
    size = LibrarySize(files=1000, tokens=3_800_000)  # the README's 10,000 passages of 384 tokens
    fast = indexing_seconds(CATALOG[DEFAULT_MODEL], size, cores=2)
    slow = indexing_seconds(CATALOG["cde-small-v2"], size, cores=2)
    assert fast is not None
    assert slow is not None
    assert 5 * 60 < fast < 20 * 60  # ~12 minutes at 5,480 tokens/s
    assert 8 * 3600 < slow < 12 * 3600  # the README: 7-11 hours on this CPU
    more_cores = indexing_seconds(CATALOG["cde-small-v2"], size, cores=8)
    assert more_cores is not None
    assert more_cores < slow


def test_durations_read_as_a_person_says_them() -> None:
    assert say_duration(20) == "under a minute"
    assert say_duration(70) == "about a minute"
    assert say_duration(25 * 60) == "about 25 minutes"
    assert say_duration(3600) == "about an hour"
    assert say_duration(3 * 3600) == "about 3 hours"
    assert say_duration(2.5 * 3600) == "about 2.5 hours"
    assert say_duration(30 * 3600) == "about 30 hours"
    assert say_duration(5 * 86400) == "about 5 days"
