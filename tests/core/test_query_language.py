"""The query language: what each operator means, and properties that hold for any text typed."""

from __future__ import annotations

import functools
import os
from datetime import datetime

import apsw
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_search.core.filters import search_filter
from desktop_search.core.query import OPERATORS, ParsedQuery, parse_query

NOW = datetime(2025, 6, 15, 12, 0).timestamp()
DAY = 86400.0
# Examples per property come from the profile (tests/conftest.py: 150, or 25 under `make test-fast`); no deadline,
# since the machine is shared.
PROPERTIES = settings(deadline=None, database=None)


def _day(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def test_phrases_exclusions_and_or() -> None:
    q = parse_query('"annual report" OR "yearly report" budget -draft -"old numbers"')
    assert [t.words for t in q.terms] == [("annual", "report"), ("yearly", "report"), ("budget",)]
    assert q.required_fts == ('"annual report" OR "yearly report"',)  # a file must hold one of the phrases
    assert q.excluded_fts == '"draft" OR "old numbers"'
    assert q.semantic == "annual report yearly report budget"


def test_operators_become_the_filter_and_leave_the_text() -> None:
    q = parse_query("budget type:pdf ext:docx in:Projects title:plan size:>10mb", now=NOW)
    assert q.semantic == "budget"
    assert q.filter.kinds == ("pdf",)
    assert q.filter.extensions == (".docx",)
    assert q.filter.folders == ("Projects",)
    assert q.filter.titles == ("plan",)
    assert q.filter.min_size == 10 * 1024 * 1024 + 1


def test_dates_after_before_and_ages() -> None:
    q = parse_query("after:2024-01-01 before:2024-03", now=NOW)
    assert (q.filter.modified_after, q.filter.modified_before) == (_day("2024-01-01"), _day("2024-03-01"))
    assert parse_query("modified:2024-03", now=NOW).filter.modified_before == _day("2024-04-01")
    recent = parse_query("modified:<30d", now=NOW).filter  # newer than 30 days
    assert (recent.modified_after, recent.modified_before) == (NOW - 30 * DAY, None)
    old = parse_query("modified:>30d", now=NOW).filter  # older than 30 days
    assert (old.modified_after, old.modified_before) == (None, NOW - 30 * DAY)
    assert parse_query("after:7d", now=NOW).filter.modified_after == NOW - 7 * DAY


def test_family_kind_and_extension_types() -> None:
    assert parse_query("type:documents").filter.kinds == ("rtf", "docx", "odt")
    assert parse_query("type:markdown").filter.kinds == ("markdown",)
    assert parse_query("type:md").filter.extensions == (".md",)


def test_negated_operators_leave_files_out() -> None:
    q = parse_query("budget -type:pdf -in:Archive")
    assert [f.kinds for f in q.left_out] == [("pdf",), ()]
    assert [f.folders for f in q.left_out] == [(), ("Archive",)]
    assert not q.filter.narrows_files


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("colour:red", ("colour", "red")),  # not an operator
        ("type:spaceship", ("type", "spaceship")),  # an operator whose value is not a type
        ("after:tomorrow", ("after", "tomorrow")),
        ("size:10mb", ("size", "10mb")),  # a size needs > or <
        ("title:", ("title",)),
        ("https://example.com/x", ("https", "example", "com", "x")),
    ],
)
def test_what_is_not_an_operator_is_searched_as_words(typed: str, words: tuple[str, ...]) -> None:
    q = parse_query(typed, now=NOW)
    assert [w for t in q.terms for w in t.words] == list(words)
    assert not q.filter.narrows_files


def test_an_operator_value_that_cannot_be_read_says_why() -> None:
    assert parse_query("after:tomorrow").notes == (
        "after:tomorrow is searched as words: 'tomorrow' is not a date: use 2024-03-01, 2024-03, 2024 or an age "
        "like 30d",
    )


def test_the_cli_and_the_gui_build_the_same_filter_as_the_operators() -> None:
    flags = search_filter(folders=["/data/projects"], types=["pdf"], since="2024-01-01", until="2024-02", now=NOW)
    typed = parse_query("in:/data/projects type:pdf after:2024-01-01 before:2024-03", now=NOW).filter
    assert flags == typed


# -- properties for any text -------------------------------------------------------------------------------

WORD = st.text(alphabet=st.characters(categories=["L", "Nd"]), min_size=1, max_size=8)
_ANY_CHARS = st.characters(blacklist_categories=["Cs"])


@functools.cache
def _fts_table() -> apsw.Connection:
    conn = apsw.Connection(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='porter unicode61 remove_diacritics 2')")
    conn.execute("INSERT INTO t(text) VALUES ('a small text about reports and budgets')")
    return conn


def _expressions(q: ParsedQuery) -> list[str]:
    return [e for e in (q.fts, " AND ".join(q.fts_phrases), q.excluded_fts, *q.required_fts) if e]


@PROPERTIES
@given(st.text(_ANY_CHARS, max_size=80))
def test_any_text_parses_into_expressions_fts5_accepts(text: str) -> None:
    q = parse_query(text, now=NOW)
    conn = _fts_table()
    for expression in _expressions(q):
        conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", (expression,)).fetchone()
    assert all(w for t in (*q.terms, *q.excluded) for w in t.words)


@PROPERTIES
@given(st.lists(st.text(alphabet='ab:-"()*^ OR\t', max_size=12), max_size=6).map(" ".join))
def test_operator_like_noise_never_breaks_the_parser(text: str) -> None:
    conn = _fts_table()
    for expression in _expressions(parse_query(text, now=NOW)):
        conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", (expression,)).fetchone()


@st.composite
def _structured(draw: st.DrawFn) -> tuple[str, list[tuple[str, ...]], list[tuple[str, ...]], list[str]]:
    """A query assembled from parts: words, quoted phrases, exclusions and folder operators, shuffled."""
    words = draw(st.lists(WORD.filter(lambda w: w != "OR"), max_size=4))
    phrases = draw(st.lists(st.lists(WORD, min_size=2, max_size=3).map(tuple), max_size=2))
    excluded = draw(st.lists(WORD, max_size=2))
    folders = draw(st.lists(WORD.filter(lambda w: ":" not in w), max_size=2))
    pieces = (
        [(w, ("w", (w,))) for w in words]
        + [('"' + " ".join(p) + '"', ("p", p)) for p in phrases]
        + [("-" + w, ("x", (w,))) for w in excluded]
        + [("in:" + f, ("f", (f,))) for f in folders]
    )
    order = draw(st.permutations(pieces))
    text = " ".join(piece for piece, _ in order)
    terms = [tuple(v) for piece, (kind, v) in order if kind in "wp"]
    left = [tuple(v) for piece, (kind, v) in order if kind == "x"]
    return text, terms, left, [v[0] for piece, (kind, v) in order if kind == "f"]


@PROPERTIES
@given(_structured())
def test_a_query_built_from_parts_is_read_back_into_those_parts(
    built: tuple[str, list[tuple[str, ...]], list[tuple[str, ...]], list[str]],
) -> None:
    text, terms, excluded, folders = built
    q = parse_query(text, now=NOW)
    assert [t.words for t in q.terms] == terms
    assert [t.words for t in q.excluded] == excluded
    assert q.filter.folders == tuple(dict.fromkeys(folders))
    assert all(t.quoted == (len(t.words) > 1) for t in q.terms)
    assert not any(op + ":" in q.semantic for op in OPERATORS)  # operators never reach the model


@PROPERTIES
@given(st.sampled_from(OPERATORS), WORD)
def test_an_unknown_operator_is_searched_as_its_words(known: str, value: str) -> None:
    unknown = known + "x"
    q = parse_query(f"{unknown}:{value}", now=NOW)
    assert [w for t in q.terms for w in t.words] == [unknown, value]


def test_folder_values_expand_the_home_folder() -> None:
    assert parse_query("in:~/Notes").filter.folders == (os.path.join(os.path.expanduser("~"), "Notes"),)
