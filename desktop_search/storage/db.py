"""Opening the index database: apsw, sqlite-vec, WAL and migrations."""

from __future__ import annotations

import importlib.util
import os
import urllib.parse
from pathlib import Path
from typing import Any

import apsw

from desktop_search.errors import DatabaseLocked, DiskFull, ReadOnlyIndex, UserError
from desktop_search.storage import tokenizer
from desktop_search.storage.migrations import MIGRATIONS, migrate, schema_version, too_new

BUSY_TIMEOUT_MS = 5000


def vec0_path() -> str:
    """sqlite-vec's loadable extension. Found without importing the package, whose __init__ imports numpy
    and the stdlib sqlite3 for helpers this app does not use (a quarter second at every start)."""
    spec = importlib.util.find_spec("sqlite_vec")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the sqlite-vec package is not installed")
    return os.path.join(next(iter(spec.submodule_search_locations)), "vec0")


def _connect(target: str, flags: int) -> apsw.Connection:
    conn = apsw.Connection(target, flags=flags)
    conn.set_busy_timeout(BUSY_TIMEOUT_MS)
    conn.enable_load_extension(True)
    conn.load_extension(vec0_path())
    conn.enable_load_extension(False)
    tokenizer.register(conn)
    return conn


def open_database(path: Path, *, readonly: bool = False) -> apsw.Connection:
    """Open (creating and migrating if needed) the index at `path` with sqlite-vec loaded."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            f"Cannot create the data folder {path.parent}: {exc.strerror or exc}. Choose another one with --home."
        ) from exc
    flags = apsw.SQLITE_OPEN_READONLY if readonly else apsw.SQLITE_OPEN_READWRITE | apsw.SQLITE_OPEN_CREATE
    try:
        conn = _connect(str(path), flags)
    except apsw.CantOpenError as exc:
        if not readonly and not path.exists() and not os.access(path.parent, os.W_OK):
            raise ReadOnlyIndex(
                f"The data folder {path.parent} is read-only, so the index cannot be created there. Make it "
                "writable, or choose another data folder with --home."
            ) from exc
        raise UserError(f"Cannot open the index at {path}: {exc}. Check that the folder is writable.") from exc
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            if (version := schema_version(conn)) > len(MIGRATIONS):
                conn.close()
                raise too_new(version, path)
            migrate(conn)
    except (apsw.FullError, apsw.ReadOnlyError, apsw.CantOpenError) as exc:
        # CantOpen: SQLite opened the file read-only and cannot create the -wal/-shm files beside it.
        conn.close()
        raise storage_error(exc, path) from exc
    except apsw.BusyError as exc:
        conn.close()
        raise DatabaseLocked(
            f"The index at {path} is busy: another Desktop Search process is writing to it. "
            "Wait for it to finish or close it, then try again."
        ) from exc
    return conn


def open_reader(path: Path) -> apsw.Connection:
    """A read-only connection for searching: it never writes, so it also works on a read-only data folder
    or disk. A missing index is created empty, and an older one is updated first, where that is possible."""
    if not path.exists():
        open_database(path).close()
    conn = _read_only(path)
    if (version := schema_version(conn)) > len(MIGRATIONS):
        conn.close()
        raise too_new(version, path)
    if version < len(MIGRATIONS):
        conn.close()
        try:
            open_database(path).close()
        except ReadOnlyIndex as exc:
            raise ReadOnlyIndex(
                f"The index at {path} was written by an older version of Desktop Search and is on read-only "
                "storage: open it once where it can be written, so that it is updated."
            ) from exc
        conn = _read_only(path)
    return conn


def _read_only(path: Path) -> apsw.Connection:
    conn = _connect(str(path), apsw.SQLITE_OPEN_READONLY)
    try:
        schema_version(conn)  # the first read opens the WAL index (the -shm file) or fails
        return conn
    except (apsw.CantOpenError, apsw.ReadOnlyError) as exc:
        conn.close()
        # Read-only storage without the -shm file that readers of a WAL database share. SQLite reads the
        # file only as immutable then, which ignores the -wal file: fine when that holds nothing.
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise ReadOnlyIndex(
                f"The index at {path} is on read-only storage and holds changes not yet merged (its -wal file) "
                "without the -shm file needed to read them: open it once where it can be written."
            ) from exc
    uri = "file:" + urllib.parse.quote(str(path)) + "?mode=ro&immutable=1"
    return _connect(uri, apsw.SQLITE_OPEN_READONLY | apsw.SQLITE_OPEN_URI)


def storage_error(exc: apsw.Error, path: Path | None = None) -> UserError:
    """What a person can do about a write the disk refused; the transaction was rolled back, nothing is lost."""
    where = f" at {path}" if path else ""
    if isinstance(exc, apsw.FullError):
        return DiskFull(
            f"The disk holding the index{where} is full. Nothing was lost: free some space and indexing "
            "continues where it stopped."
        )
    return read_only_error(f"The index{where} is on read-only storage, or its file is read-only.")


def read_only_error(what: str) -> ReadOnlyIndex:
    """`what` could not be written, and what still works."""
    return ReadOnlyIndex(
        f"{what} Search still works; to index, make it writable or choose another data folder with --home."
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
