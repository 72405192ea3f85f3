"""What the status line and the preview say, from plain data."""

from __future__ import annotations

import random

from desktop_search.core.highlight import highlight_spans
from desktop_search.core.preview import Preview
from desktop_search.core.query import parse_query
from desktop_search.gui.filters import RESULT_LIMIT
from desktop_search.gui.live_results import summary_text
from desktop_search.gui.preview_html import preview_html
from desktop_search.gui.progress_text import ProgressTracker, describe, estimate, format_eta
from desktop_search.records import Hit, Progress


def _hit(**changes: object) -> Hit:
    base = dict(path="/d/a.txt", score=1.0, snippet="the cat sat", page=None, start=0, end=0, library="x")
    base.update(changes)
    return Hit(**base)  # type: ignore[arg-type]


def test_status_line_counts_speed_eta_and_current_file() -> None:
    p = Progress("papers", "index", 10, 40, 30, 50, 5.0, 4.0, "/d/report.pdf")
    assert estimate(p) == (200, 34.0)  # 40 files at 5 chunks a file so far; 170 left at 5 a second
    line = describe(p)
    for part in (
        "'papers'",
        "10 / 40 files",
        "30 / 200 passages embedded",  # the files not read yet counted at the average so far
        "5.0 passages/s",
        "about a minute left",  # 170 passages at 5 a second
        "report.pdf",
    ):
        assert part in line


def test_preview_marks_every_term_the_passage_and_the_pages() -> None:
    text = "Intro words here. The invoice INV-7 is due.\nLater invoice text."
    start = text.index("The invoice")
    hit = _hit(start=100 + start, end=100 + text.index("\nLater"))
    spans = tuple(highlight_spans(text, parse_query("invoice")))
    page_two = text.index("Later")
    html = preview_html(Preview(hit, text, 100, spans, ((page_two, 2),), 5000), "#ff0", "#eee", "#888")
    assert html.count('<b style="background-color:#ff0">invoice</b>') == 2
    assert '<a name="hit-0"></a><b style="background-color:#ff0">invoice</b>' in html
    assert '<a name="hit-1"></a>' in html
    assert '<a name="match"></a><span style="background-color:#eee">The </span>' in html
    assert '<span style="color:#888">— page 2 —</span>\nLater' in html
    assert html.startswith('<div style="white-space: pre-wrap">… Intro')  # a window of a longer document
    assert html.endswith(" …</div>")


def test_result_count_and_ranking_say_what_the_list_is() -> None:
    assert summary_text(1, "hybrid", "hybrid", True, None) == "1 result  ·  Meaning + words"
    assert summary_text(0, "keyword", "keyword", True, None) == "0 results  ·  Words only"
    words_only = summary_text(3, "keyword", "hybrid", True, None)  # asked for meaning; the vectors are not there
    assert words_only.startswith("3 results")
    assert "not ready yet" in words_only
    assert "Meaning + words" not in words_only
    assert "ranking by meaning" in summary_text(2, "keyword", "hybrid", False, None)
    full = summary_text(RESULT_LIMIT, "hybrid", "hybrid", True, None)  # more may match: the list stops there
    assert full.startswith(f"{RESULT_LIMIT} results, the most one search lists  ·  ")
    assert "still indexing" in summary_text(2, "hybrid", "hybrid", True, "indexing")
    paused = summary_text(2, "hybrid", "hybrid", True, "paused")
    assert "indexing paused" in paused
    assert "still indexing" not in paused


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_counts_go_on_across_a_pause_instead_of_restarting() -> None:
    tracker = ProgressTracker(Clock())
    tracker.update(Progress("docs", "scan"))
    before, _ = tracker.update(Progress("docs", "index", 60, 120, 100, 400, 5.0))
    # Paused: the run ended without "done". On resume a new run finds what is left: files not read, passages
    # not embedded (here every file had been read, so the new run has no files to read at all).
    tracker.update(Progress("docs", "scan"))
    after, _ = tracker.update(Progress("docs", "index", 0, 0, 10, 300, 5.0))
    assert describe(before).startswith("Indexing 'docs': 60 / 120 files")
    line = describe(after)
    assert "0 / 0 files" not in line
    assert "110 / 400 passages embedded" in line
    done, _ = tracker.update(Progress("docs", "done", 0, 0, 300, 300))
    assert done.chunks_done == 400
    tracker.update(Progress("docs", "scan"))  # a later run starts from zero again
    fresh, _ = tracker.update(Progress("docs", "index", 2, 2, 3, 10, 1.0))
    assert "3 / 10 passages" in describe(fresh)


def test_the_current_file_shows_while_files_are_read_not_while_passages_are_embedded() -> None:
    reading = describe(Progress("docs", "index", 5, 10, 20, 40, 2.0, None, "/d/now-reading.pdf"))
    embedding = describe(Progress("docs", "index", 10, 10, 20, 80, 2.0, None, "/d/last-read.pdf"))
    assert "now-reading.pdf" in reading
    assert "last-read.pdf" not in embedding
    assert describe(Progress("docs", "done")) == "'docs' is up to date."
    assert "1 new or changed file indexed" in describe(Progress("docs", "done", 1, 1))


def _indexing_run(rng: random.Random) -> list[tuple[float, Progress]]:
    """Reports as the indexer makes them, one a second: files read ahead of embedding (their passage counts vary,
    so the total is extrapolated), the speed averaged since the start, and passages embedded shortest first, so
    the speed falls from about 15 to 3 a second over the run, in batches of uneven speed."""
    sizes = [rng.randint(5, 60) for _ in range(100)]
    reports, t, done, files = [], 0.0, 0, 0
    while True:
        t += 1.0
        files = min(100, files + 2)
        total = sum(sizes[:files])
        speed = max(1, round((15 - 12 * done / sum(sizes)) * rng.uniform(0.6, 1.4)))
        done = min(total, done + speed)
        reports.append((t, Progress("docs", "index", files, 100, done, total, done / t)))
        if files == 100 and done == total:
            return reports


def test_time_left_moves_smoothly_and_says_under_a_minute_only_when_it_is() -> None:
    for seed in range(3):
        clock = Clock()
        tracker = ProgressTracker(clock)
        tracker.update(Progress("docs", "scan"))
        reports = _indexing_run(random.Random(seed))
        end = reports[-1][0]
        naive_too_soon, shown = False, []
        for t, progress in reports:
            clock.now = t
            _, eta = tracker.update(progress)
            if "less than a minute" in format_eta(eta):
                assert end - t < 60, f"said less than a minute with {end - t:.0f} s left"
            if eta is not None:
                shown.append(eta / 60)
            naive = estimate(progress)[1]
            naive_too_soon = naive_too_soon or (naive is not None and naive < 30 and end - t >= 60)
        assert naive_too_soon  # the run's own estimate (speed since the start) says under half a minute too soon
        rises = [b - a for a, b in zip(shown, shown[1:], strict=False)]
        assert max(rises) < 0.5, "the time left went up by minutes at once"


def test_a_pause_counts_neither_in_the_speed_nor_against_the_time_left() -> None:
    clock = Clock()
    tracker = ProgressTracker(clock)
    tracker.update(Progress("docs", "scan"))
    eta = None
    for second in range(1, 41):  # 2 passages a second, 1,000 in all
        clock.now = second
        _, eta = tracker.update(Progress("docs", "index", 100, 100, 2 * second, 1000, 2.0))
    assert eta is not None
    assert 400 < eta < 500
    tracker.hold()
    clock.now += 600  # ten minutes' pause
    assert tracker.time_left() == eta, "the time left ran down while paused"
    tracker.go_on()
    clock.now += 1
    _, after = tracker.update(Progress("docs", "index", 100, 100, 82, 1000, 2.0))
    assert after is not None
    assert abs(after - (eta - 1)) < 10, (eta, after)
    assert "about 8 min left" in describe(Progress("docs", "index", 100, 100, 82, 1000, 2.0), after)
