"""Choosing the part of a passage to show and where the query's words are in it."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_search.core.query import fold
from desktop_search.storage.tokenizer import has_character_script

SNIPPET_CHARS = 240


@dataclass(frozen=True)
class Snippet:
    text: str
    highlights: tuple[tuple[int, int], ...]  # spans within `text`


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _folded_with_map(text: str) -> tuple[str, list[int] | None]:
    """Fold text, remembering which original character each folded one came from (None: the same index).
    ASCII runs fold one to one in a single call each; only the other characters are folded one by one."""
    if text.isascii():
        return text.lower(), None  # the common case, and one character stays one character
    out: list[str] = []
    index: list[int] = []
    done = 0
    for match in _NON_ASCII.finditer(text):
        i = match.start()
        out.append(text[done:i].lower())
        index.extend(range(done, i))
        folded = _fold_char(text[i])
        out.append(folded)
        index.extend([i] * len(folded))
        done = i + 1
    out.append(text[done:].lower())
    index.extend(range(done, len(text)))
    return "".join(out), index


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    return ch.lower() if ch.isascii() else fold(ch)


def find_words(text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    """Spans in `text` of whole-word occurrences of the (folded) words, sorted."""
    if not words:
        return []
    folded, index = _folded_with_map(text)
    pattern = re.compile("|".join(_word_pattern(w) for w in sorted(words, key=len, reverse=True)))
    if index is None:
        return [m.span() for m in pattern.finditer(folded)]
    return [(index[m.start()], _past_marks(text, index[m.end() - 1] + 1)) for m in pattern.finditer(folded)]


def _word_pattern(word: str) -> str:
    """A whole word; in scripts written without spaces (Chinese, Japanese, Thai) every character is a word,
    as in the keyword index, so the query's characters match wherever they stand together."""
    if has_character_script(word):
        return re.escape(word)
    return r"(?<![^\W_])" + re.escape(word) + r"(?![^\W_])"


def _past_marks(text: str, end: int) -> int:
    """`end` moved past combining marks, which fold to nothing but belong to the letter before them."""
    while end < len(text) and unicodedata.combining(text[end]):
        end += 1
    return end


def make_snippet(passage: str, words: Sequence[str], width: int = SNIPPET_CHARS) -> Snippet:
    """A window of about `width` characters holding as many query words as possible, cut at word edges."""
    passage = " ".join(passage.split())  # snippets are one flowing line
    spans = find_words(passage, words)
    if len(passage) <= width:
        return Snippet(passage, tuple(spans))
    best_start, best_count = 0, -1
    for s, _ in spans or [(0, 0)]:
        start = max(0, s - width // 4)
        count = sum(1 for a, b in spans if a >= start and b <= start + width)
        if count > best_count:
            best_start, best_count = start, count
    start = best_start
    if start > 0:
        space = passage.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = min(len(passage), start + width)
    if end < len(passage):
        space = passage.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(passage) else ""
    shift = len(prefix) - start
    text = prefix + passage[start:end] + suffix
    inside = tuple((a + shift, b + shift) for a, b in spans if a >= start and b <= end)
    return Snippet(text, inside)


def mark(snippet: Snippet, before: str = "**", after: str = "**") -> str:
    """The snippet's text with its highlights wrapped in markers."""
    out, last = [], 0
    for a, b in snippet.highlights:
        out += [snippet.text[last:a], before, snippet.text[a:b], after]
        last = b
    out.append(snippet.text[last:])
    return "".join(out)
