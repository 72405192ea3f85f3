"""The installation self-test really indexes and searches, and reports a failed check."""

from __future__ import annotations

import pytest

from desktop_search import selftest


def test_self_test_passes_on_a_working_installation() -> None:
    report = selftest.run_self_test(device="cpu")
    assert report.ok, report.reason
    assert [c["ok"] for c in report.checks] == [True, True, True]
    assert report.details["files"] == 4
    assert str(report.details["sqlite_vec"]).startswith("v")


def test_self_test_reports_a_wrong_result(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selftest, "CHECKS", (("EXP-7731-Q2", "keyword", "sourdough.txt"),))
    report = selftest.run_self_test(device="cpu")
    assert not report.ok
    assert "expected 'sourdough.txt'" in report.reason
