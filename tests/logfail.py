"""A test fails when something logs a WARNING (or worse) that the test did not declare.

A warning in the log is what a user or a bug report would see; a test that causes one without saying so
hides a problem. Declare the expected ones with `@pytest.mark.allow_log(r"regex", logger="name")` (the
pattern is searched in the message; without `logger`, any logger), or read them yourself through the
`caplog` fixture, which makes the test responsible for the log. Records are collected from every thread
and checked when the test's call phase ends, so a warning from a worker thread fails its test too.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Generator
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class Allowed:
    pattern: re.Pattern[str]
    logger: str | None

    def covers(self, record: logging.LogRecord) -> bool:
        if self.logger is not None and not (record.name == self.logger or record.name.startswith(self.logger + ".")):
            return False
        return self.pattern.search(record.getMessage()) is not None


class LogFailHandler(logging.Handler):
    """Keeps the WARNING-and-above records of the running test (from any thread)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self._lock = threading.Lock()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        with self._lock:
            self.records.append(record)

    def take(self) -> list[logging.LogRecord]:
        with self._lock:
            taken, self.records = self.records, []
        return taken


_HANDLER = pytest.StashKey[LogFailHandler]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "allow_log(pattern, logger=None): this test expects WARNING+ log messages matching the regex pattern",
    )
    config.stash[_HANDLER] = LogFailHandler()
    logging.getLogger().addHandler(config.stash[_HANDLER])


def pytest_unconfigure(config: pytest.Config) -> None:
    logging.getLogger().removeHandler(config.stash[_HANDLER])


# Expected anywhere: watchdog logs this when an observer is stopped (as every watcher is at its end) while
# inotify still hands it events, a race inside watchdog that loses nothing of ours.
ANYWHERE = (Allowed(re.compile(r"queue_events\(\) called when the thread is inactive"), "watchdog"),)


def unexpected(item: pytest.Item, records: list[logging.LogRecord]) -> list[logging.LogRecord]:
    """The records that no `allow_log` marker of the test, nor ANYWHERE, covers."""
    allowed = [Allowed(re.compile(mark.args[0]), mark.kwargs.get("logger")) for mark in item.iter_markers("allow_log")]
    allowed += ANYWHERE
    return [r for r in records if not any(a.covers(r) for a in allowed)]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    item.config.stash[_HANDLER].take()  # what earlier tests' leftovers logged is not this test's
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    result = yield
    records = item.config.stash[_HANDLER].take()
    if "caplog" in getattr(item, "fixturenames", ()):
        return result
    bad = unexpected(item, records)
    if bad:
        lines = "\n".join(f"  {r.levelname} {r.name}: {r.getMessage()}" for r in bad)
        pytest.fail(f"unexpected log message(s) (declare with @pytest.mark.allow_log):\n{lines}", pytrace=False)
    return result
