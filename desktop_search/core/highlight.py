"""Where a query's terms stand in a text: whole terms and their stems, as the keyword index matches them.

Marked: each term of the query (a word, an identifier such as INV-2023-0917, a quoted phrase) wherever its
words stand together with the same stems ("running" marks "runs"). Not marked: part of a longer identifier
("INV" inside INV-2023-0917, "2023" inside 3.2023), a lone letter or digit, and stop words unless the query
has nothing else. Parts of hyphenated words are words ("opioid" in "µ-opioid").
"""

from __future__ import annotations

import unicodedata

from desktop_search.core.query import ParsedQuery, Term
from desktop_search.storage.tokenizer import has_character_script
from desktop_search.storage.tokens import Token, stems, tokens

Span = tuple[int, int]
JOINERS = frozenset("-_./:@#+~\\&='’")  # what binds the parts of an identifier or a compound word


def marked_terms(query: ParsedQuery) -> list[tuple[str, ...]]:
    """The stem sequences to mark: no lone letters (a Chinese or Japanese character is a word); stop words only
    when the query has nothing else."""
    terms: list[Term] = [
        t for t in query.terms if len(t.words) > 1 or len(t.words[0]) > 1 or has_character_script(t.words[0])
    ]
    useful = [t for t in terms if not t.is_stop_word] or terms
    found = [tuple(stems(" ".join(t.words))) for t in useful]
    return list(dict.fromkeys(s for s in found if s))


def _runs(text: str, toks: list[Token]) -> list[tuple[int, int, bool]]:
    """For each token, its run (first and last token index) and whether that run is an identifier: tokens
    joined by JOINERS without spaces (INV-2023-0917, parse_config_file, example.com) are one identifier,
    unless they are letters joined by single hyphens or apostrophes (e-mail, µ-opioid, don't)."""
    runs: list[tuple[int, int, bool]] = []
    i = 0
    while i < len(toks):
        j = i
        words_only = not any(c.isdigit() for c in text[toks[i][0] : toks[i][1]])
        while j + 1 < len(toks):
            gap = text[toks[j][1] : toks[j + 1][0]]
            if not gap or len(gap) > 2 or any(c not in JOINERS for c in gap):
                break
            words_only &= gap in ("-", "'", "’") and not any(c.isdigit() for c in text[toks[j + 1][0] : toks[j + 1][1]])
            j += 1
        runs += [(i, j, j > i and not words_only)] * (j - i + 1)
        i = j + 1
    return runs


def highlight_spans(text: str, query: ParsedQuery) -> list[Span]:
    """Sorted, non-overlapping spans of `text` where the query's terms stand."""
    terms = marked_terms(query)
    if not terms or not text:
        return []
    toks = tokens(text)
    runs = _runs(text, toks)
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for term in terms:
        by_first.setdefault(term[0], []).append(term)
    spans: list[Span] = []
    for i, (_, _, stem) in enumerate(toks):
        for term in by_first.get(stem, ()):
            last = i + len(term) - 1
            if last >= len(toks) or tuple(t[2] for t in toks[i : last + 1]) != term:
                continue
            first_run, last_run = runs[i], runs[last]
            if (first_run[2] and first_run[0] != i) or (last_run[2] and last_run[1] != last):
                continue  # a part of an identifier, not the whole of it
            spans.append((toks[i][0], _past_marks(text, toks[last][1])))
    return _merged(spans)


def _past_marks(text: str, end: int) -> int:
    """`end` moved past combining marks (a Thai tone mark is no word character, but belongs to its letter)."""
    while end < len(text) and unicodedata.combining(text[end]):
        end += 1
    return end


def _merged(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out
