"""Killing the indexer with SIGKILL at random moments never corrupts the index, loses finished work or duplicates it."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_search.storage import Store, open_database
from tests.core.watch_helpers import fresh_snapshot, snapshot

REPO = Path(__file__).resolve().parents[1]
WORDS = ("river", "stone", "garden", "ledger", "invoice", "kettle", "harbour", "meadow", "lantern", "copper", "orbit")


def _corpus(folder: Path, files: int = 60) -> Path:
    rng = random.Random(7)
    for n in range(files):
        paragraphs = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 90))) + "." for _ in range(3)]
        path = folder / f"part-{n % 4}" / f"doc-{n:03}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"Document {n}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    (folder / "copy-of-doc-001.txt").write_bytes((folder / "part-1/doc-001.txt").read_bytes())
    return folder


def _start(home: Path, folder: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.crash_helper", str(home), str(folder)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    return proc


def _assert_consistent(db: Path) -> int:
    """Integrity of SQLite and FTS5, and every chunk with exactly one vector or one queue entry; returns vectors."""
    store = Store(open_database(db))
    try:
        conn = store.conn
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.execute("INSERT INTO chunks_fts(chunks_fts, rank) VALUES ('integrity-check', 1)")  # raises if not
        duplicated = "SELECT count(*) FROM (SELECT 1 FROM chunks GROUP BY content_id, seq HAVING count(*) > 1)"
        assert conn.execute(duplicated).fetchone()[0] == 0
        vectors = 0
        for library in store.libraries():
            space = store.active_space(library.id)
            if space is None:
                continue
            table, sid = space.table, space.id
            queued = f"SELECT chunk_id FROM pending_embeds WHERE space_id = {sid}"
            neither = (
                f"SELECT count(*) FROM chunks WHERE id NOT IN (SELECT chunk_id FROM {table}) AND id NOT IN ({queued})"
            )
            both = f"SELECT count(*) FROM {table} WHERE chunk_id IN ({queued})"
            stray = f"SELECT count(*) FROM {table} WHERE chunk_id NOT IN (SELECT id FROM chunks)"
            assert [conn.execute(q).fetchone()[0] for q in (neither, both, stray)] == [0, 0, 0]
            vectors += store.vector_count(space)
        return vectors
    finally:
        store.conn.close()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_at_random_moments(tmp_path: Path) -> None:
    folder = _corpus(tmp_path / "docs")
    expected = fresh_snapshot(folder, tmp_path / "clean")
    home, db = tmp_path / "home", tmp_path / "home/index.sqlite3"
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    kills = 0
    for _ in range(5):
        proc = _start(home, folder)
        time.sleep(rng.uniform(0.0, 0.6))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.communicate(timeout=60)
        _assert_consistent(db)
    vectors_before = _assert_consistent(db)
    proc = _start(home, folder)
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0
    embedded = json.loads(out.strip().splitlines()[-1])["embedded"]
    assert _assert_consistent(db) == expected[1]
    assert snapshot(db, folder) == expected, f"seed {seed}"
    # The last run embedded only chunks that had no vector yet: finished work was kept, none redone.
    assert embedded == expected[1] - vectors_before, f"seed {seed}"
    assert kills >= 3, f"only {kills} of the runs were killed mid-way (seed {seed}); the test proved little"
