"""Turning what the user typed into an FTS5 expression and the words to highlight."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Function words that match almost every passage; dropped from the keyword query unless quoted or alone.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "so",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
    ]
)

_QUOTED = re.compile(r'"([^"]*)"')
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower-case and strip diacritics, the way the keyword index compares words."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    phrases: tuple[tuple[str, ...], ...]  # each a run of words that must appear together

    @property
    def semantic(self) -> str:
        """The text to embed for a search by meaning: empty when the query has no word of two characters or
        more (a lone letter or digit, punctuation only), whose nearest passages would be noise."""
        meaningful = any(len(w) > 1 or not w.isascii() for phrase in self.phrases for w in phrase)
        return self.text.strip() if meaningful else ""

    @property
    def words(self) -> tuple[str, ...]:
        """Every distinct folded word of the query, for highlighting."""
        seen: dict[str, None] = {}
        for phrase in self.phrases:
            for word in phrase:
                seen.setdefault(fold(word))
        return tuple(seen)

    @property
    def highlight_words(self) -> tuple[str, ...]:
        """The words worth marking in a snippet: function words only when the query has nothing else."""
        return tuple(w for w in self.words if w not in STOP_WORDS) or self.words

    @property
    def fts_phrases(self) -> tuple[str, ...]:
        """One FTS5 phrase expression per phrase. Single stop words are left out unless the query has
        nothing else."""
        useful = [p for p in self.phrases if len(p) > 1 or fold(p[0]) not in STOP_WORDS] or list(self.phrases)
        return tuple('"' + " ".join(phrase) + '"' for phrase in useful)

    @property
    def fts(self) -> str:
        """Any phrase may match (bm25 ranks passages with more of them higher). Empty when nothing to match."""
        return " OR ".join(self.fts_phrases)


def words_of(text: str) -> list[str]:
    """The words of a text as the query parser sees them (letters and digits; anything else separates)."""
    return _WORD.findall(text)


def parse_query(text: str) -> ParsedQuery:
    """Quoted text stays a phrase; every other whitespace-separated piece is a phrase of its words,
    so an identifier like INV-2023-0042 matches only where its parts stand together."""
    phrases: list[tuple[str, ...]] = []
    rest = _QUOTED.sub(lambda m: phrases.append(tuple(_WORD.findall(m.group(1)))) or " ", text)  # type: ignore[func-returns-value]
    for piece in rest.split():
        words = tuple(_WORD.findall(piece))
        if words:
            phrases.append(words)
    return ParsedQuery(text, tuple(p for p in phrases if p))
