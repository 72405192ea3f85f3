"""What goes wrong around watching: watch limits, lost events, vanishing folders, full disks, two writers."""

from __future__ import annotations

import errno
import subprocess
import sys
import time
from pathlib import Path

import pytest
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

from desktop_search.core import inotify
from desktop_search.core.events import Debouncer
from desktop_search.core.indexer import Indexer
from desktop_search.core.instance import WriterLock
from desktop_search.core.live import LiveOptions
from desktop_search.core.mounts import drive_kind
from desktop_search.core.scanner import DEFAULT_EXCLUSIONS, Exclusions, excluded_below
from desktop_search.core.watcher import Watcher
from desktop_search.errors import AlreadyRunning, DiskFull, ReadOnlyIndex
from desktop_search.records import RootRecord
from desktop_search.services import Services
from desktop_search.storage import Store, open_database
from tests.conftest import DOCUMENTS, index_all
from tests.core.watch_helpers import fresh_snapshot, running, snapshot, wait_until


class _LimitedObserver(Observer):  # type: ignore[misc,valid-type]
    """A real inotify observer on a system whose watch limit is used up (as when an IDE holds them all)."""

    def schedule(self, *args: object, **kwargs: object) -> ObservedWatch:
        raise OSError(errno.ENOSPC, "inotify watch limit reached")


def _limited_watcher(*args: object) -> Watcher:
    return Watcher(*args, observer_factory=_LimitedObserver)  # type: ignore[arg-type]


def test_watch_limit_says_how_to_fix_it_and_falls_back_to_scans(services: Services, docs: Path, tmp_path: Path) -> None:
    services.libraries.add_folders([str(docs)])
    options = LiveOptions(quiet_s=0.2, tick_s=0.2, poll_interval_s=0.5)
    with running(services, options, watcher_factory=_limited_watcher) as live:
        assert any("fs.inotify.max_user_watches" in m for m in live.messages())
        (docs / "polled.txt").write_text("Found by a periodic scan, not an event.\n", encoding="utf-8")
        expected = fresh_snapshot(docs, tmp_path / "fresh")
        wait_until(lambda: snapshot(services.settings.db_path, docs) == expected, what="the periodic scan")


def test_a_folder_that_vanishes_keeps_its_index_and_is_watched_when_back(
    services: Services, docs: Path, tmp_path: Path
) -> None:
    services.libraries.add_folders([str(docs)])
    with running(services) as live:
        indexed = snapshot(services.settings.db_path, docs)
        docs.rename(tmp_path / "unplugged")
        wait_until(lambda: any("now missing" in m for m in live.messages()), what="the folder to be missed")
        wait_until(lambda: live.done_runs() >= 2, what="the rescan of the missing folder")
        assert snapshot(services.settings.db_path, docs) == indexed  # an unplugged drive keeps its index
        (tmp_path / "unplugged").rename(docs)
        wait_until(lambda: any("now events" in m for m in live.messages()), what="the folder to be watched again")
        (docs / "back.txt").write_text("Written after the drive came back.\n", encoding="utf-8")
        expected = fresh_snapshot(docs, tmp_path / "fresh")
        wait_until(lambda: snapshot(services.settings.db_path, docs) == expected, what="the new file")


def test_a_full_disk_is_a_clear_error_and_indexing_recovers(services: Services, docs: Path, tmp_path: Path) -> None:
    services.libraries.add_folders([str(docs)])
    index_all(services)
    conn = services.store.conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite now answers SQLITE_FULL, as on a full disk
    for n in range(20):
        (docs / f"big-{n}.txt").write_text(f"Chapter {n}. " + "lorem ipsum dolor " * 400, encoding="utf-8")
    with pytest.raises(DiskFull, match="full"):
        index_all(services)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.execute("PRAGMA max_page_count = 1073741823")  # space is back
    index_all(services)
    assert snapshot(services.settings.db_path, docs) == fresh_snapshot(docs, tmp_path / "fresh")


def test_watching_survives_a_full_disk(services: Services, docs: Path, tmp_path: Path) -> None:
    services.libraries.add_folders([str(docs)])
    with running(services, LiveOptions(quiet_s=0.2, tick_s=0.2, retry_s=0.5)) as live:
        conn = services.store.conn
        conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
        (docs / "big.txt").write_text("lorem ipsum dolor " * 2000, encoding="utf-8")
        wait_until(lambda: any("full" in m for m in live.messages()), what="the disk-full message")
        conn.execute("PRAGMA max_page_count = 1073741823")
        expected = fresh_snapshot(docs, tmp_path / "fresh")
        wait_until(lambda: snapshot(services.settings.db_path, docs) == expected, what="recovery")


def test_one_writer_at_a_time_and_a_killed_writer_frees_the_lock(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from desktop_search.core.instance import WriterLock; "
            "lock = WriterLock(Path(sys.argv[1])); lock.acquire(); print('held', flush=True); time.sleep(120)",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(AlreadyRunning, match=f"pid {holder.pid}"):
            WriterLock(tmp_path).acquire()
    finally:
        holder.kill()
        holder.communicate()
    with WriterLock(tmp_path):  # the OS released the dead process's lock
        pass


def test_debouncer_waits_for_quiet_files_and_keeps_a_move_together(tmp_path: Path) -> None:
    now = [0.0]
    debouncer = Debouncer(quiet_s=1.0, max_wait_s=5.0, clock=lambda: now[0])
    old, new, log = tmp_path / "old.txt", tmp_path / "new.txt", tmp_path / "log.txt"
    new.write_text("moved here")
    log.write_text("a")
    debouncer.add(str(old), str(new))  # one move event: the source no longer exists
    debouncer.add(str(log))
    now[0] = 0.5
    new.write_text("moved here, still being written")
    assert debouncer.take_ready() == []  # nothing is quiet yet
    now[0] = 1.2
    assert debouncer.take_ready() == [str(log)]  # the move waits for its destination to settle
    now[0] = 1.6
    assert sorted(debouncer.take_ready()) == sorted([str(new), str(old)])
    debouncer.add(str(log))
    for step in range(1, 7):  # a file written without pause goes out anyway after max_wait_s
        now[0] = 1.6 + step
        log.write_text("a" * step)
        if step < 5:
            assert debouncer.take_ready() == []
    assert debouncer.take_ready() == [str(log)]


def test_network_and_removable_file_systems_are_polled() -> None:
    mountinfo = (
        "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
        "40 22 0:50 / /mnt/share rw - nfs4 server:/export rw\n"
        "41 22 8:17 / /media/usb\\040stick rw - vfat /dev/sdb1 rw\n"
    )
    assert drive_kind("/home/me/docs", mountinfo) == "local"
    assert drive_kind("/mnt/share/reports", mountinfo) == "network"
    assert drive_kind("/media/usb stick/photos", mountinfo) == "removable"


@pytest.mark.skipif(not inotify.available(), reason="Linux inotify only")
def test_excluded_folders_get_no_inotify_watch(docs: Path) -> None:
    for excluded in (".git/objects/ab", "node_modules/pkg/lib", "venv/lib/site"):
        (docs / excluded).mkdir(parents=True)
    (docs / "venv/pyvenv.cfg").write_text("home = /usr\n", encoding="utf-8")
    root = RootRecord(1, 1, str(docs))
    exclusions = Exclusions(DEFAULT_EXCLUSIONS)
    watcher = Watcher(Debouncer(), lambda p: p == root.path or not excluded_below(root.path, p, exclusions))
    watcher.start()
    try:
        watcher.set_roots([str(docs)])
        observer = watcher._observer
        assert isinstance(observer, inotify.PrunedInotifyObserver)
        assert observer.watch_count() == 7  # docs and its six document folders; none of the nine excluded ones
        (docs / "notes/.cache").mkdir()  # excluded, created under a watched folder: its event comes first
        (docs / "letters").mkdir()
        wait_until(lambda: observer.watch_count() == 8, what="a watch for letters only")
    finally:
        watcher.stop()


def test_waking_from_sleep_triggers_a_full_rescan(services: Services, docs: Path) -> None:
    services.libraries.add_folders([str(docs)])
    offset = [0.0]
    with running(services, wall_clock=lambda: time.time() + offset[0]) as live:
        runs = live.done_runs()
        offset[0] = 3600.0  # the wall clock jumps an hour while the monotonic clock does not: a suspend
        wait_until(lambda: any("sleep" in m for m in live.messages()), what="the wake-up to be noticed")
        wait_until(lambda: live.done_runs() > runs, what="the rescan")


def test_a_read_only_index_is_a_clear_error_and_stays_intact(services: Services, docs: Path) -> None:
    services.libraries.add_folders([str(docs)])
    index_all(services)
    (docs / "new.txt").write_text("Written while the index is on read-only media.\n", encoding="utf-8")
    reader = Store(open_database(services.settings.db_path, readonly=True))
    try:
        indexer = Indexer(reader, services.embedders, services.settings.home)
        with pytest.raises(ReadOnlyIndex, match="read-only"):
            list(indexer.run(services.libraries.select(None)[0]))
    finally:
        reader.conn.close()
    assert services.store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert services.libraries.status()[0].files == len(DOCUMENTS)


@pytest.mark.skipif(not inotify.available(), reason="Linux inotify only")
@pytest.mark.allow_log(r"queue overflowed", logger="watchdog")
def test_a_kernel_queue_overflow_triggers_a_rescan(services: Services, docs: Path) -> None:
    import inspect
    import logging

    from watchdog.observers import inotify_c

    # watchdog reports an overflow only by this log warning; make sure it still does before relying on it.
    assert "Inotify queue overflowed" in inspect.getsource(inotify_c)
    services.libraries.add_folders([str(docs)])
    with running(services) as live:
        runs = live.done_runs()
        logging.getLogger(inotify_c.__name__).warning("Inotify queue overflowed; filesystem events were lost")
        wait_until(lambda: any("events were lost" in m for m in live.messages()), what="the overflow")
        wait_until(lambda: live.done_runs() > runs, what="the rescan")
