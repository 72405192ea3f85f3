"""Choosing the part of a passage to show and where the query's words are in it."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_search.core.highlight import highlight_spans
from desktop_search.core.query import ParsedQuery

SNIPPET_CHARS = 240


@dataclass(frozen=True)
class Snippet:
    text: str
    highlights: tuple[tuple[int, int], ...]  # spans within `text`


def make_snippet(passage: str, query: ParsedQuery, width: int = SNIPPET_CHARS) -> Snippet:
    """A window of about `width` characters holding as many of the query's terms as possible, cut at word
    edges, with the terms marked (core/highlight.py)."""
    passage = " ".join(passage.split())  # snippets are one flowing line
    spans = highlight_spans(passage, query)
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
