"""The keyword index's tokenizer: unicode61 words, with scripts written without spaces cut into characters.

unicode61 takes a run of letters as one word. Chinese and Japanese (and Thai, Lao, Khmer, Myanmar) put no
spaces between words, so a whole sentence became one token and no query word could match it. Here each
character of those scripts is a token of its own; a query is tokenized the same way and FTS5 matches its
characters as a phrase, so "京都" finds "東京から京都まで". Other text goes to unicode61 untouched (in C,
as before); the Python step runs only on text that holds such characters.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import apsw

NAME = "cjk"
# Han (with extensions and compatibility forms), kana, Bopomofo, CJK radicals and symbols' letters, halfwidth
# katakana; Thai, Lao, Myanmar, Khmer.
CHARACTER_SCRIPTS = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3031-\u3035"
    "\u3038-\u303c\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\uff66-\uff9f\U00020000-\U0003134f"
)
_CHARACTER = re.compile(f"[{CHARACTER_SCRIPTS}]")
TOKENIZE = f"porter {NAME} unicode61 remove_diacritics 2"  # the `tokenize=` of chunks_fts


def _factory(con: apsw.Connection, args: list[str]) -> Callable[[bytes, int, str | None], list[Any]]:
    # The arguments name the tokenizer this one wraps and its own arguments. Looked up on the connection
    # directly: apsw.fts5's argument parser would do the same and costs every search ~15 ms of imports.
    if not args:
        raise ValueError("Expected additional tokenizer and arguments")
    inner: Any = con.fts5_tokenizer(args[0], args[1:])

    def tokenize(utf8: bytes, flags: int, locale: str | None) -> list[Any]:
        text = utf8.decode("utf-8", "replace")
        if not _CHARACTER.search(text):
            return inner(utf8, flags, locale)  # type: ignore[no-any-return]
        out: list[Any] = []
        offset = 0  # byte offset of text[done]
        done = 0
        for match in _CHARACTER.finditer(text):
            if match.start() > done:
                gap = text[done : match.start()].encode("utf-8")
                out += [(s + offset, e + offset, *rest) for s, e, *rest in inner(gap, flags, locale)]
                offset += len(gap)
            char = match.group()
            size = len(char.encode("utf-8"))
            out.append((offset, offset + size, char))
            offset += size
            done = match.end()
        if done < len(text):
            rest_bytes = text[done:].encode("utf-8")
            out += [(s + offset, e + offset, *rest) for s, e, *rest in inner(rest_bytes, flags, locale)]
        return out

    return tokenize


def register(conn: apsw.Connection) -> None:
    """Make the tokenizer known to this connection (every connection that reads or writes chunks_fts)."""
    try:
        if not conn.fts5_tokenizer_available(NAME):
            conn.register_fts5_tokenizer(NAME, _factory)
    except apsw.NoFTS5Error:
        # No FTS5 API on this connection yet (a read-only folder whose index does not exist): nothing here can
        # use the keyword index, and opening it goes on to say what is wrong.
        return


def has_character_script(text: str) -> bool:
    """Whether `text` holds characters of a script written without spaces (each character a word)."""
    return bool(_CHARACTER.search(text))
