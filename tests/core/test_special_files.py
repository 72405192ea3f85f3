"""Named pipes, sockets and devices are never opened, never waited on, and skipped with a reason."""

from __future__ import annotations

import os
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_search.core.extract import ExtractLimits, opening
from desktop_search.core.extract.workers import Failure, Job, extract_in_process
from desktop_search.core.indexer import Indexer
from desktop_search.services import Services
from tests.conftest import DOCUMENTS, index_all

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="named pipes and sockets in folders are POSIX")

HANG_S = 60.0  # only a hang detector: every call here returns in milliseconds when it works


def _without_hanging(call: Callable[[], Any], fifos: list[Path]) -> Any:
    """Run `call` in a thread; if it is still blocked after HANG_S, release it by writing to the FIFOs, and fail."""
    result: list[Any] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            result.append(call())
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(HANG_S)
    if thread.is_alive():
        for fifo in fifos:  # a reader blocked in open() waits for a writer: be one, so the thread ends
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(HANG_S)
        pytest.fail(f"blocked for {HANG_S:g} s reading a named pipe")
    if errors:
        raise errors[0]
    return result[0]


def _rows(services: Services) -> dict[str, tuple[str, str | None]]:
    rows = services.store.conn.execute("SELECT path, status, error FROM files")
    return {Path(r[0]).name: (r[1], r[2]) for r in rows}


def test_a_file_replaced_by_a_named_pipe_after_the_scan_is_skipped_not_waited_on(
    services: Services, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.libraries.add_folders([str(docs)])
    victim = docs / "finance" / "budget.txt"
    scanned = Indexer._reconcile

    def reconcile_then_swap(self: Indexer, *args: Any, **kwargs: Any) -> Any:
        found = scanned(self, *args, **kwargs)
        victim.unlink()
        os.mkfifo(victim)  # the scan saw a regular file; hashing finds a pipe with no writer
        return found

    monkeypatch.setattr(Indexer, "_reconcile", reconcile_then_swap)
    _without_hanging(lambda: index_all(services), [victim])
    rows = _rows(services)
    assert rows["budget.txt"] == ("skipped", "not a document (named pipe)")
    assert services.libraries.status()[0].files == len(DOCUMENTS) - 1


def test_a_pipe_socket_and_device_in_a_folder_are_listed_as_skipped_with_a_reason(
    services: Services, docs: Path
) -> None:
    os.mkfifo(docs / "pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(docs / "socket.txt"))
    try:
        services.libraries.add_folders([str(docs)])
        _without_hanging(lambda: index_all(services), [docs / "pipe.txt"])
    finally:
        sock.close()
    rows = _rows(services)
    assert rows["pipe.txt"] == ("skipped", "not a document (named pipe)")
    assert rows["socket.txt"] == ("skipped", "not a document (socket)")
    status = services.libraries.status()[0]
    assert (status.files, status.skipped, status.failed) == (len(DOCUMENTS), 2, 0)


@pytest.fixture
def special(tmp_path: Path) -> Iterator[dict[str, Path]]:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "socket"))
    os.mkfifo(tmp_path / "pipe")
    yield {"named pipe": tmp_path / "pipe", "socket": tmp_path / "socket", "device": Path(os.devnull)}
    sock.close()


def test_a_worker_given_a_special_file_skips_it_without_waiting(special: dict[str, Path]) -> None:
    # The path was a regular file when the producer hashed it and has become something else since.
    for what, path in special.items():
        job = Job(0, str(path), 0, 0)
        outcome = _without_hanging(lambda job=job: extract_in_process(job, ExtractLimits()), [special["named pipe"]])
        assert outcome == Failure("skipped", f"not a document ({what})")


def test_a_pipe_swapped_in_between_the_check_and_the_open_is_caught_on_the_descriptor(
    tmp_path: Path, special: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    regular = tmp_path / "regular.txt"
    regular.write_text("text", encoding="utf-8")
    real_stat = os.stat
    # The race: the path's check sees a regular file; by the time it is opened, it is a pipe.
    monkeypatch.setattr(opening.os, "stat", lambda path: real_stat(regular))
    with pytest.raises(opening.NotRegularFile, match="named pipe"):
        _without_hanging(lambda: opening.open_regular(str(special["named pipe"])), [special["named pipe"]])
    monkeypatch.undo()
    with opening.open_regular(str(regular)) as f:
        assert f.read() == b"text"
