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
    snippet = make_snippet("Le Café de Zürich est ouvert.", parse_query("cafe zurich"))
    assert mark(snippet) == "Le **Café** de **Zürich** est ouvert."


def test_marks_stay_on_the_original_characters_when_folding_changes_lengths() -> None:
    # "ﬁ" folds to two letters and "e" + a combining accent to one: spans must still point at the original.
    # "µ" alone is a single letter, not marked; "opioid" is a word of the hyphenated "µ-opioid".
    text = "The ﬁnal Cafe\u0301 menu, then ﬁnal notes on µ-opioid receptors."
    snippet = make_snippet(text, parse_query("final cafe µ opioid"))
    assert mark(snippet) == "The **ﬁnal** **Cafe\u0301** menu, then **ﬁnal** notes on µ-**opioid** receptors."


def test_long_passages_are_cut_around_the_matches() -> None:
    passage = "filler words " * 60 + "the needle is here " + "more filler " * 60
    snippet = make_snippet(passage, parse_query("needle"), width=120)
    assert len(snippet.text) <= 122
    assert "**needle**" in mark(snippet)
    assert snippet.text.startswith("…")
    assert snippet.text.endswith("…")


def test_words_inside_other_words_are_not_marked() -> None:
    assert mark(make_snippet("cartoon cart", parse_query("cart"))) == "cartoon **cart**"
    assert mark(Snippet("abc", ())) == "abc"


def _marked(text: str, query: str) -> str:
    return mark(make_snippet(text, parse_query(query)))


def test_function_words_are_marked_only_when_the_query_has_nothing_else() -> None:
    text = "money for the consulting, or not"
    assert _marked(text, "money for the consulting") == "**money** for the **consulting**, or not"
    assert _marked(text, "to be or not to be") == "money for the consulting, **or** **not**"


def test_identifiers_are_marked_whole_never_in_part() -> None:
    text = "Invoice INV-2023-0917 replaces INV-2023-0916; see inv notes."
    assert _marked(text, "INV-2023-0917") == "Invoice **INV-2023-0917** replaces INV-2023-0916; see inv notes."
    assert _marked(text, "inv") == "Invoice INV-2023-0917 replaces INV-2023-0916; see **inv** notes."
    assert _marked(text, "2023") == text  # only inside identifiers
    assert _marked("call parse_config_file() or config", "config") == "call parse_config_file() or **config**"


def test_stems_of_the_terms_are_marked_as_the_index_matches_them() -> None:
    assert _marked("She runs; they ran; running helps.", "running") == "She **runs**; they ran; **running** helps."
    assert _marked("Two invoices, one invoice.", "invoice") == "Two **invoices**, one **invoice**."


def test_single_letters_and_stop_words_are_not_marked() -> None:
    assert _marked("A plan B for a vitamin D study", "plan b vitamin d") == ("A **plan** B for a **vitamin** D study")
    assert _marked("the plan for the year", "the plan") == "the **plan** for the year"
    assert _marked("to be or not to be", "to be") == "**to** **be** or not **to** **be**"  # stop words only


def test_a_quoted_phrase_is_marked_as_one_where_its_words_stand_together() -> None:
    text = "load tests before switching; tests of load later"
    assert _marked(text, '"load tests"') == "**load tests** before switching; tests of load later"
