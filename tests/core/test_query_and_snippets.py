"""What the user typed becomes the right FTS5 expression, and snippets mark the right words."""

from __future__ import annotations

from desktop_search.core.query import parse_query
from desktop_search.core.snippets import Snippet, make_snippet, mark


def test_identifiers_become_phrases_and_stop_words_are_dropped() -> None:
    q = parse_query("the invoice INV-2023-0042")
    assert q.fts == '"invoice" OR "INV 2023 0042"'


def test_quoted_text_stays_one_phrase() -> None:
    assert parse_query('"load tests" before').fts == '"load tests" OR "before"'


def test_a_query_of_only_stop_words_still_searches() -> None:
    assert parse_query("to be or not to be").fts
    assert parse_query("  -- ").fts == ""


def test_snippet_marks_words_ignoring_case_and_accents() -> None:
    snippet = make_snippet("Le Café de Zürich est ouvert.", parse_query("cafe zurich").words)
    assert mark(snippet) == "Le **Café** de **Zürich** est ouvert."


def test_marks_stay_on_the_original_characters_when_folding_changes_lengths() -> None:
    # "ﬁ" folds to two letters and "e" + a combining accent to one: spans must still point at the original.
    text = "The ﬁnal Cafe\u0301 menu, then ﬁnal notes on µ-opioid receptors."
    snippet = make_snippet(text, parse_query("final cafe µ opioid").words)
    assert mark(snippet) == "The **ﬁnal** **Cafe\u0301** menu, then **ﬁnal** notes on **µ**-**opioid** receptors."


def test_long_passages_are_cut_around_the_matches() -> None:
    passage = "filler words " * 60 + "the needle is here " + "more filler " * 60
    snippet = make_snippet(passage, parse_query("needle").words, width=120)
    assert len(snippet.text) <= 122
    assert "**needle**" in mark(snippet)
    assert snippet.text.startswith("…")
    assert snippet.text.endswith("…")


def test_words_inside_other_words_are_not_marked() -> None:
    assert mark(make_snippet("cartoon cart", parse_query("cart").words)) == "cartoon **cart**"
    assert mark(Snippet("abc", ())) == "abc"


def test_function_words_are_marked_only_when_the_query_has_nothing_else() -> None:
    assert parse_query("money for the consulting").highlight_words == ("money", "consulting")
    assert parse_query("to be or not to be").highlight_words == ("to", "be", "or", "not")
