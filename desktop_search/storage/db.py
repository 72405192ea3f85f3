"""Opening the index database: apsw, sqlite-vec, WAL and migrations."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

import apsw

from desktop_search.errors import DatabaseLocked, DiskFull, ReadOnlyIndex, UserError
from desktop_search.storage.migrations import migrate

BUSY_TIMEOUT_MS = 5000


def vec0_path() -> str:
    """sqlite-vec's loadable extension. Found without importing the package, whose __init__ imports numpy
    and the stdlib sqlite3 for helpers this app does not use (a quarter second at every start)."""
    spec = importlib.util.find_spec("sqlite_vec")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the sqlite-vec package is not installed")
    return os.path.join(next(iter(spec.submodule_search_locations)), "vec0")


def open_database(path: Path, *, readonly: bool = False) -> apsw.Connection:
    """Open (creating and migrating if needed) the index at `path` with sqlite-vec loaded."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = apsw.SQLITE_OPEN_READONLY if readonly else apsw.SQLITE_OPEN_READWRITE | apsw.SQLITE_OPEN_CREATE
    try:
        conn = apsw.Connection(str(path), flags=flags)
    except apsw.CantOpenError as exc:
        raise UserError(f"Cannot open the index at {path}: {exc}. Check that the folder is writable.") from exc
    conn.set_busy_timeout(BUSY_TIMEOUT_MS)
    conn.enable_load_extension(True)
    conn.load_extension(vec0_path())
    conn.enable_load_extension(False)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            migrate(conn)
    except (apsw.FullError, apsw.ReadOnlyError) as exc:
        raise storage_error(exc, path) from exc
    except apsw.BusyError as exc:
        raise DatabaseLocked(
            f"The index at {path} is busy: another Desktop Search process is writing to it. "
            "Wait for it to finish or close it, then try again."
        ) from exc
    return conn


def storage_error(exc: apsw.FullError | apsw.ReadOnlyError, path: Path | None = None) -> UserError:
    """What a person can do about a write the disk refused; the transaction was rolled back, nothing is lost."""
    where = f" at {path}" if path else ""
    if isinstance(exc, apsw.FullError):
        return DiskFull(
            f"The disk holding the index{where} is full. Nothing was lost: free some space and indexing "
            "continues where it stopped."
        )
    return ReadOnlyIndex(
        f"The index{where} is on read-only storage, or its file is read-only. Search still works; to index, "
        "make it writable or choose another data folder with --home."
    )


Row = tuple[Any, ...]


def one(conn: apsw.Connection, sql: str, params: tuple[Any, ...] = ()) -> Row | None:
    """The first row of a query, or None."""
    row = conn.execute(sql, params).fetchone()
    return tuple(row) if row is not None else None


def value(conn: apsw.Connection, sql: str, params: tuple[Any, ...] = ()) -> Any:
    """The first column of the first row of a query that always returns one (count(*), RETURNING)."""
    row = conn.execute(sql, params).fetchone()
    assert row is not None, sql
    return row[0]


def rows(conn: apsw.Connection, sql: str, params: tuple[Any, ...] = ()) -> list[Row]:
    return [tuple(r) for r in conn.execute(sql, params)]
