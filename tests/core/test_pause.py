"""Pausing reaches every indexer: a run in progress stops embedding where it is and goes on after resume."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from desktop_search.cli import main
from desktop_search.core.pause import PauseSwitch
from desktop_search.embed.fake import HashEmbedder
from desktop_search.records import Progress
from desktop_search.services import build_services
from desktop_search.settings import Settings
from tests.core.watch_helpers import wait_until


class PausingEmbedder(HashEmbedder):
    """The fake model in small batches; during its first batch the user presses Pause."""

    def __init__(self, switch: PauseSwitch) -> None:
        super().__init__(chunk_tokens=48, chunk_overlap=4)
        self.token_budget = 48 * 4
        self.switch = switch

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        if self.calls == 0:
            self.switch.pause()
        return super()._embed_batch(texts)


def _folder(folder: Path, files: int) -> Path:
    for i in range(files):
        path = folder / f"note-{i:03d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"Note {i}. " + " ".join(f"word{(i * 7 + k) % 97}" for k in range(120)) + "\n")
    return folder


def test_a_paused_index_run_stops_embedding_and_resumes_where_it_was(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    embedder = PausingEmbedder(PauseSwitch(settings.home))
    services = build_services(settings, embedder=embedder)
    services.libraries.add_folders([str(_folder(tmp_path / "notes", 30))])
    [library] = services.libraries.select(None)
    reports: list[Progress] = []
    calls_at_resume: list[int] = []

    def user_resumes() -> None:
        wait_until(lambda: any(r.phase == "paused" for r in reports), what="the pause")
        time.sleep(1.0)  # time for the run to go on, if it wrongly did: a negative cannot be polled for
        calls_at_resume.append(embedder.calls)
        assert main(["--home", str(settings.home), "resume"]) == 0  # the command a user types

    thread = threading.Thread(target=user_resumes)
    thread.start()
    for report in services.indexer().run(library):
        reports.append(report)
    thread.join()
    assert "Resumed." in capsys.readouterr().out
    assert calls_at_resume == [1], "embedding went on while paused"
    phases = [r.phase for r in reports]
    assert phases.count("paused") == 1
    assert phases[phases.index("paused") + 1] == "resumed"  # said at once, not with the next batch
    before, after = reports[phases.index("paused") - 1], reports[phases.index("paused") + 2]
    assert after.files_total == before.files_total == 30, "the run went on; it did not start over"
    assert after.files_done >= before.files_done
    assert reports[-1].phase == "done"
    status = services.libraries.status()[0]
    assert (status.files, status.pending) == (30, 0)
    assert embedder.texts_embedded == status.chunks, "a chunk was embedded twice"
    services.close()


def test_pause_and_resume_are_one_switch_for_the_data_folder(settings: Settings, tmp_path: Path) -> None:
    other_process = PauseSwitch(settings.home)  # what `desktop-search pause` in another terminal turns
    services = build_services(settings, embedder=HashEmbedder())
    assert not services.pause.paused
    other_process.pause()
    assert services.pause.paused
    assert services.indexer().pause.paused
    services.pause.resume()
    assert not other_process.paused
    assert not PauseSwitch(None).paused  # no data folder (tests of other layers): never paused
    services.close()
