"""The keyword index's tokenizer outside the index: the words and stems FTS5 sees, and where they are.

Highlighting asks the same tokenizer the index uses, so a word is marked exactly when the keyword search
counts it (its Porter stem, accents folded), and never where the index sees a different word.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable

import apsw

from desktop_search.storage import tokenizer as index_tokenizer

Token = tuple[int, int, str]  # start, end (characters of the text), stem
_local = threading.local()


def _tokenizer() -> Callable[[bytes, int, str | None], list[tuple[int, int, str]]]:
    """One in-memory connection and tokenizer per thread (the search thread, the GUI's tests)."""
    found = getattr(_local, "tokenizer", None)
    if found is None:
        _local.conn = conn = apsw.Connection(":memory:")
        index_tokenizer.register(conn)
        name, *args = index_tokenizer.TOKENIZE.split()  # chunks_fts's own `tokenize=`
        found = _local.tokenizer = conn.fts5_tokenizer(name, args)
    return found  # type: ignore[return-value]


def tokens(text: str) -> list[Token]:
    """The index's tokens of `text` with character offsets. A token the index keeps unnormalised (the
    ligature in "ﬁnal", full-width letters) gets the stem of its compatibility form, as a reader sees it."""
    data = text.encode("utf-8")
    found = _tokenizer()(data, apsw.FTS5_TOKENIZE_DOCUMENT, None)
    if text.isascii():
        return [(start, end, stem) for start, end, stem in found]
    out = []
    byte = char = 0  # byte offset -> character offset, counted on from token to token (no table per character)
    for start, end, stem in found:
        a = char + len(data[byte:start].decode("utf-8"))
        b = a + len(data[start:end].decode("utf-8"))
        byte, char = end, b
        if not stem.isascii():
            compatible = unicodedata.normalize("NFKC", text[a:b])
            if compatible != text[a:b]:
                again = _tokenizer()(compatible.encode("utf-8"), apsw.FTS5_TOKENIZE_DOCUMENT, None)
                stem = again[0][2] if len(again) == 1 else stem
        out.append((a, b, stem))
    return out


def stems(text: str) -> list[str]:
    """The stems of a query's words, as the index would match them."""
    return [stem for _, _, stem in tokens(text)]
