"""Which contents a search may return, as SQL: filters on files, phrases a file must hold, words it must not."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_search.records import SearchFilter

# The file name of files.path: everything after the last separator (rtrim strips the name's own characters
# from the end of the path, leaving the folder).
_NAME = "substr(f.path, length(rtrim(f.path, replace(f.path, ?, ''))) + 1)"
_TITLE = "(SELECT c.title FROM contents c WHERE c.id = f.content_id)"  # the document's own title, or ''
_HOLDS = "SELECT ch.content_id FROM chunks ch WHERE ch.id IN (SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ?)"


@dataclass(frozen=True)
class Scope:
    """What a search is restricted to: files passing every filter and none of `left_out`, whose text holds
    a match of each `required` FTS5 expression and none of `excluded`."""

    filters: tuple[SearchFilter, ...] = ()
    left_out: tuple[SearchFilter, ...] = ()
    required: tuple[str, ...] = ()
    excluded: str = ""

    @property
    def restricts(self) -> bool:
        return bool(any(f.narrows_files for f in self.filters) or self.left_out or self.required or self.excluded)


def _below(folder: str) -> tuple[str, list[object]]:
    below = folder.rstrip(os.sep) + os.sep  # paths inside: the range [below, below-with-next-separator)
    return "(f.path >= ? AND f.path < ?)", [below, below[:-1] + chr(ord(os.sep) + 1)]


def file_conditions(flt: SearchFilter) -> tuple[str, list[object]]:
    """One SQL condition over `files f` that holds for the files the filter lets through ('1' for all)."""
    parts: list[str] = []
    params: list[object] = []
    if flt.folders:
        either = []
        for folder in flt.folders:
            if os.path.isabs(folder):
                sql, args = _below(folder)
            else:  # a folder's name anywhere in the path (ASCII case ignored, as SQLite's lower() does)
                sql, args = "instr(lower(f.path), ?) > 0", [(os.sep + folder + os.sep).lower()]
            either.append(sql)
            params += args
        parts.append("(" + " OR ".join(either) + ")")
    if flt.kinds or flt.extensions:
        either = []
        if flt.kinds:
            either.append(f"f.kind IN ({','.join('?' * len(flt.kinds))})")
            params += list(flt.kinds)
        for extension in flt.extensions:
            either.append("substr(lower(f.path), -?) = ?")
            params += [len(extension), extension.lower()]
        parts.append("(" + " OR ".join(either) + ")")
    for column, bound, op in (
        ("f.mtime_ns", flt.modified_after, ">="),
        ("f.mtime_ns", flt.modified_before, "<"),
    ):
        if bound is not None:
            parts.append(f"{column} {op} ?")
            params.append(int(bound * 1e9))
    if flt.min_size is not None:
        parts.append("f.size >= ?")
        params.append(flt.min_size)
    if flt.max_size is not None:
        parts.append("f.size <= ?")
        params.append(flt.max_size)
    for title in flt.titles:
        parts.append(f"(instr(lower({_NAME}), ?) > 0 OR instr(lower({_TITLE}), ?) > 0)")
        params += [os.sep, title.lower(), title.lower()]
    return (" AND ".join(parts) or "1"), params


def scope_conditions(scope: Scope) -> tuple[str, list[object]]:
    """One SQL condition over `files f` for the whole scope (file filters and what the text must hold)."""
    sql, params = file_scope_conditions(scope)
    parts = [sql]
    for expression in scope.required:
        parts.append(f"f.content_id IN ({_HOLDS})")
        params.append(expression)
    if scope.excluded:
        parts.append(f"f.content_id NOT IN ({_HOLDS})")
        params.append(scope.excluded)
    return " AND ".join(parts), params


def file_scope_conditions(scope: Scope) -> tuple[str, list[object]]:
    """The part of the scope about files (not their text), as one SQL condition over `files f`."""
    parts: list[str] = []
    params: list[object] = []
    for flt in scope.filters:
        sql, args = file_conditions(flt)
        parts.append(sql)
        params += args
    for flt in scope.left_out:
        sql, args = file_conditions(flt)
        parts.append(f"NOT ({sql})")
        params += args
    return (" AND ".join(parts) or "1"), params


def id_list(ids: Sequence[int]) -> str:
    """Ids as one SQL parameter, read back with json_each: one statement whatever their number."""
    return json.dumps(list(ids))
