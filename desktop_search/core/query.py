"""The query language, parsed in this one place: words and phrases to rank by, what a file must or must not
hold, and the filters typed as operators.

    "exact phrase"        a file must hold the phrase (in both search modes)
    -word  -"a phrase"    files holding it are left out (-type:, -in: ... leave out what the operator selects)
    A OR B                either one will do (for phrases: a file must hold one of them)
    type:pdf  ext:docx    file type (a family, a kind or an extension); several: any of them
    in:Projects           a folder of that name anywhere in the path, or an absolute folder
    after:2024-01-01  before:2024-06  modified:>30d  modified:2024-03   dates (see core/filters.py)
    size:>10mb  size:<1mb
    title:budget          the document's title (or its file name) holds the word or "phrase"

Anything else with a colon, and an operator whose value cannot be read, is searched as words. The text
searched by meaning is the words and phrases without operators and exclusions.
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from desktop_search.core import filters
from desktop_search.records import SearchFilter

# Function words that match almost every passage; dropped from the keyword query unless quoted or alone.
STOP_WORDS = frozenset(
    [
        *("a", "an", "and", "are", "as", "at", "be", "but", "by", "do", "does", "for", "from", "had", "has"),
        *("have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "no", "not", "of", "on", "or"),
        *("our", "so", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this"),
        *("to", "was", "we", "were", "what", "when", "where", "which", "who", "why", "will", "with", "you", "your"),
    ]
)
OPERATORS = ("type", "ext", "in", "after", "before", "modified", "size", "title")

# The syntax as the search field's help and `search --help` show it: (what to type, what it finds).
SYNTAX = (
    ("words", "files with these words or close in meaning; more of them rank higher"),
    ('"exact phrase"', "only files holding the phrase"),
    ('-word   -"a phrase"', "leave out files holding it"),
    ('"a b" OR "c d"', "either phrase"),
    ("type:pdf   type:document   ext:md", "type: pdf, document, spreadsheet, presentation, ebook, web, text, code"),
    ("in:Projects   in:~/Work", "a folder of that name anywhere in the path, or below a folder"),
    ("after:2024-01-01   before:2024-06", "modified on or after / before (a day, month or year)"),
    ("after:7d   modified:<30d   modified:>1y", "ages: newer than 7 or 30 days, older than a year (h d w m y)"),
    ("size:>10mb   size:<500kb", "file size"),
    ("title:budget", "the title or file name holds the word"),
    ("-type:pdf   -in:Archive", "leave out what an operator selects"),
)

_WORD = re.compile(r"[^\W_]+")
# One piece of the query: an optional "-", then a quoted phrase, or an operator with a quoted value, or a run of
# anything but spaces (an unclosed quote runs to the end).
_PIECE = re.compile(r'(?P<neg>-)?(?:"(?P<quoted>[^"]*)"?|(?P<key>[A-Za-z]+):"(?P<qvalue>[^"]*)"?|(?P<bare>[^\s"]+))')
_COMPARE = re.compile(r"(>=|<=|>|<|=)?(.*)", re.DOTALL)


def fold(text: str) -> str:
    """Lower-case and strip diacritics, the way the keyword index compares words."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words_of(text: str) -> list[str]:
    """The words of a text as the query parser sees them (letters and digits; anything else separates)."""
    return _WORD.findall(text)


@dataclass(frozen=True)
class Term:
    """A word, an identifier's parts (INV-2023-0042: they must stand together) or a quoted phrase."""

    words: tuple[str, ...]
    quoted: bool = False
    text: str = ""  # as typed, without quotes

    @property
    def fts(self) -> str:
        """The term as an FTS5 phrase: only letters, digits and spaces inside the quotes."""
        return '"' + " ".join(self.words) + '"'

    @property
    def is_stop_word(self) -> bool:
        return len(self.words) == 1 and fold(self.words[0]) in STOP_WORDS


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # as typed
    terms: tuple[Term, ...] = ()  # what ranks the results, in the order typed
    required: tuple[tuple[Term, ...], ...] = ()  # a file must hold one term of each group
    excluded: tuple[Term, ...] = ()  # a file holding any of these is left out
    filter: SearchFilter = field(default_factory=SearchFilter)  # from type:, in:, after: ...
    left_out: tuple[SearchFilter, ...] = ()  # from -type:, -in: ...: files any of these select are left out
    notes: tuple[str, ...] = ()  # operators that were searched as words, and why

    @property
    def phrases(self) -> tuple[tuple[str, ...], ...]:
        return tuple(t.words for t in self.terms)

    @property
    def semantic(self) -> str:
        """The text to embed for a search by meaning: the terms as typed, without operators, exclusions or
        quotes. Empty when no word has two characters or more (a lone letter or digit, punctuation only),
        whose nearest passages would be noise."""
        meaningful = any(len(w) > 1 or not w.isascii() for t in self.terms for w in t.words)
        return " ".join(t.text for t in self.terms) if meaningful else ""

    @property
    def fts_phrases(self) -> tuple[str, ...]:
        """One FTS5 phrase expression per term. Single stop words are left out unless the query has
        nothing else (or quoted them)."""
        useful = [t for t in self.terms if t.quoted or not t.is_stop_word] or list(self.terms)
        return tuple(dict.fromkeys(t.fts for t in useful))

    @property
    def fts(self) -> str:
        """Any term may match (bm25 ranks passages with more of them higher). Empty when nothing to match."""
        return " OR ".join(self.fts_phrases)

    @property
    def required_fts(self) -> tuple[str, ...]:
        """One FTS5 expression per required group: a file must match each."""
        return tuple(" OR ".join(t.fts for t in group) for group in self.required)

    @property
    def excluded_fts(self) -> str:
        """One FTS5 expression matching what a file must not hold; empty when nothing is excluded."""
        return " OR ".join(t.fts for t in self.excluded)


@dataclass
class _Builder:
    """Collects the parts of a query while its pieces are read."""

    now: float
    terms: list[Term] = field(default_factory=list)
    groups: list[list[Term]] = field(default_factory=list)  # terms joined by OR, in typed order
    excluded: list[Term] = field(default_factory=list)
    parts: dict[str, object] = field(default_factory=dict)
    left_out: list[SearchFilter] = field(default_factory=list)  # negated operators, one filter each
    notes: list[str] = field(default_factory=list)

    def add_term(self, text: str, quoted: bool, join: bool, negated: bool = False) -> None:
        words = tuple(words_of(text))
        if not words:
            return
        term = Term(words, quoted, " ".join(words) if quoted else text)
        if negated:
            self.excluded.append(term)
            return
        self.terms.append(term)
        if join and self.groups:
            self.groups[-1].append(term)
        else:
            self.groups.append([term])

    def add_operator(self, key: str, value: str, negated: bool) -> bool:
        """Apply an operator (negated: leave out the files it selects); False when it has no value or the
        value cannot be read, and the caller searches the piece as words."""
        if not value.strip():
            return False
        target = _Builder(self.now) if negated else self
        try:
            _OPERATOR_READERS[key](target, value)
        except filters.FilterValueError as exc:
            self.notes.append(f"{key}:{value} is searched as words: {exc}")
            return False
        if negated:
            self.left_out.append(SearchFilter(**target.parts))  # type: ignore[arg-type]
        return True

    def extend(self, name: str, values: tuple[str, ...]) -> None:
        current = self.parts.get(name, ())
        assert isinstance(current, tuple)
        self.parts[name] = tuple(dict.fromkeys((*current, *values)))

    def tighten(self, name: str, value: float, keep: Literal["max", "min"]) -> None:
        """A bound that a second operator can only narrow: the later start, the earlier end."""
        current = self.parts.get(name)
        if isinstance(current, (int, float)):
            value = max(current, value) if keep == "max" else min(current, value)
        self.parts[name] = value

    def build(self, text: str) -> ParsedQuery:
        required = tuple(tuple(g) for g in self.groups if any(t.quoted for t in g))
        return ParsedQuery(
            text,
            tuple(self.terms),
            required,
            tuple(self.excluded),
            SearchFilter(**self.parts),  # type: ignore[arg-type]
            tuple(self.left_out),
            tuple(self.notes),
        )


def _read_type(b: _Builder, value: str) -> None:
    kinds, extensions = filters.file_types(value)
    b.extend("kinds", kinds)
    b.extend("extensions", extensions)


def _read_dates(b: _Builder, key: str, value: str) -> None:
    compare, rest = _COMPARE.fullmatch(value.strip()).groups()  # type: ignore[union-attr]
    start, end = filters.date_span(rest, b.now)
    if key == "after" or (key == "modified" and compare in (">", ">=")):
        if filters.is_age(rest) and key == "modified":  # an age: more than 30 days old is before its start
            b.tighten("modified_before", start, "min")
        else:
            b.tighten("modified_after", end if compare == ">" else start, "max")
    elif key == "before" or (key == "modified" and compare in ("<", "<=")):
        if filters.is_age(rest) and key == "modified":  # an age: less than 30 days old is after its start
            b.tighten("modified_after", start, "max")
        else:
            b.tighten("modified_before", end if compare == "<=" else start, "min")
    else:  # modified:2024-03 (that month), modified:30d (the last 30 days)
        b.tighten("modified_after", start, "max")
        if not filters.is_age(rest):
            b.tighten("modified_before", end, "min")


def _read_size(b: _Builder, value: str) -> None:
    compare, rest = _COMPARE.fullmatch(value.strip()).groups()  # type: ignore[union-attr]
    if compare not in (">", ">=", "<", "<="):
        raise filters.FilterValueError("say size:>10mb or size:<1mb")
    n = filters.size_bytes(rest)
    if compare.startswith(">"):
        b.tighten("min_size", n + (compare == ">"), "max")
    else:
        b.tighten("max_size", n - (compare == "<"), "min")


def _read_title(b: _Builder, value: str) -> None:
    words = words_of(value)
    if not words:
        raise filters.FilterValueError("a title operator needs a word")
    b.extend("titles", (" ".join(words),))


_OPERATOR_READERS = {
    "type": _read_type,
    "ext": lambda b, v: b.extend("extensions", (filters.extension(v),)),
    "in": lambda b, v: b.extend("folders", (filters.folder(v),)),
    "after": lambda b, v: _read_dates(b, "after", v),
    "before": lambda b, v: _read_dates(b, "before", v),
    "modified": lambda b, v: _read_dates(b, "modified", v),
    "size": _read_size,
    "title": _read_title,
}


def searchable(text: str) -> bool:
    """Whether a query has a letter or digit: punctuation alone (or nothing) finds nothing in any mode."""
    return any(ch.isalnum() for ch in text)


def parse_query(text: str, now: float | None = None) -> ParsedQuery:
    """Read a query; never fails: what is not understood is searched as words. `now` anchors ages (30d)."""
    b = _Builder(time.time() if now is None else now)
    join = False  # the previous piece was OR: the next term joins the last group
    for m in _PIECE.finditer(text):
        negated, bare = bool(m.group("neg")), m.group("bare")
        if bare == "OR" and not negated:
            join = bool(b.groups)
            continue
        if m.group("quoted") is not None:
            b.add_term(m.group("quoted"), True, join, negated)
        elif m.group("key") is not None:  # key:"value"
            key, value = m.group("key").lower(), m.group("qvalue")
            if not (key in OPERATORS and b.add_operator(key, value, negated)):
                b.add_term(key, False, join, negated)
                b.add_term(value, True, False, negated)
        else:
            key, colon, value = bare.partition(":")
            if not (colon and key.lower() in OPERATORS and b.add_operator(key.lower(), value, negated)):
                b.add_term(bare, False, join, negated)
        join = False
    return b.build(text)
