"""The test suite's own rules: a WARNING nobody declared fails its test (tests/logfail.py), and tests that
start other processes are sorted out of `make test-fast` (tests/conftest.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import starts_processes


def _python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def _through_a_helper() -> str:
    return _python("print(1)")


class _Runner:
    def run(self) -> str:
        return _through_a_helper()


def _in_process() -> int:
    return sum(range(3))


def test_a_test_that_starts_a_process_is_found_even_through_helpers() -> None:
    assert starts_processes(_python)  # type: ignore[arg-type]
    assert starts_processes(_through_a_helper)  # type: ignore[arg-type]
    assert starts_processes(lambda: _Runner().run())  # type: ignore[arg-type]
    assert not starts_processes(_in_process)  # type: ignore[arg-type]


INNER = """
import logging

import pytest

log = logging.getLogger("desktop_search.inner")


def test_undeclared():
    log.warning("inner warning nobody expected")


@pytest.mark.allow_log(r"inner warning \\d+", logger="desktop_search")
def test_declared():
    log.warning("inner warning 42")


@pytest.mark.allow_log(r"inner warning \\d+", logger="some.other.logger")
def test_declared_for_another_logger():
    log.warning("inner warning 43")


def test_info_is_fine():
    log.info("inner information")


def test_read_through_caplog(caplog):
    log.warning("inner warning the test reads")
    assert "reads" in caplog.text
"""


@pytest.mark.allow_log(r"^inner warning", logger="desktop_search.inner")  # the inner run's records reach us too
def test_an_undeclared_warning_fails_its_test_and_a_declared_one_does_not(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('pytest_plugins = ["tests.logfail"]\n')
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*FAILED test_inner.py::test_undeclared*",
            "*FAILED test_inner.py::test_declared_for_another_logger*",
        ]
    )
    result.stdout.fnmatch_lines(["*WARNING desktop_search.inner: inner warning nobody expected*"])
