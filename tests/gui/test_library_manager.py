"""The library manager describes a library as LibraryService does: a contextual model's context, "rebuilding"."""

from __future__ import annotations

from pathlib import Path

from desktop_search.gui.library_manager import status_text
from desktop_search.records import LibraryStatus
from desktop_search.services import Services
from tests.conftest import index_all
from tests.core.test_cde_pipeline import cde_services, tiny_folder  # noqa: F401 - the tiny CDE model's fixtures
from tests.test_cli_status import SKIPPED_REASONS, add_files_to_skip


def test_the_manager_shows_a_contextual_models_context_and_rebuilding(
    qtbot,
    make_gui,
    cde_services: Services,  # noqa: F811 - the fixture imported above
    docs: Path,
) -> None:  # type: ignore[no-untyped-def]
    cde_services.libraries.add_folders([str(docs)], model_id="tiny-cde")
    index_all(cde_services)
    session, window = make_gui(cde_services)
    qtbot.waitUntil(lambda: bool(window.statuses), timeout=30000)
    manager = session.open_library_manager(window)
    qtbot.waitUntil(lambda: "Context: 16 passages from" in manager.status.text(), timeout=30000)
    assert manager.status.isVisible()
    assert "Rebuilding" not in manager.status.text()
    assert manager.refresh.isEnabled()

    # A context refresh under way (as a pause or a quit leaves it): a new space is being built.
    library = cde_services.libraries.get("default")
    active = cde_services.store.active_space(library.id)
    assert active is not None
    cde_services.store.create_space(
        library.id, active.model_id, active.revision, active.chunker, active.dim, context_version=2, state="building"
    )
    session.search_worker.request_statuses()
    qtbot.waitUntil(lambda: "Rebuilding" in manager.status.text(), timeout=30000)
    assert "Context: 16 passages" in manager.status.text()


def test_library_changes_from_the_gui_go_through_the_library_service(qtbot, make_gui, services, docs) -> None:  # type: ignore[no-untyped-def]
    services.libraries.add_folders([str(docs)])
    session, window = make_gui(services)
    session.commands.set_exclusions("default", ["  *.tmp ", "", "drafts/"])
    qtbot.waitUntil(lambda: "Exclusions of 'default' saved" in window.status_line.text(), timeout=30000)
    assert window.status_line.isVisible()
    assert services.libraries.get("default").exclusions == ("*.tmp", "drafts/")
    session.commands.set_model("default", "all-minilm-l6-v2")
    qtbot.waitUntil(lambda: "already uses all-minilm-l6-v2" in window.status_line.text(), timeout=30000)


def test_the_manager_says_why_files_were_skipped(qtbot, make_gui, services, docs) -> None:  # type: ignore[no-untyped-def]
    add_files_to_skip(docs)
    services.libraries.add_folders([str(docs)])
    index_all(services)
    session, window = make_gui(services)
    qtbot.waitUntil(lambda: bool(window.statuses), timeout=30000)
    manager = session.open_library_manager(window)
    qtbot.waitUntil(lambda: "3 skipped" in manager.status.text(), timeout=30000)
    assert manager.status.isVisible()
    shown = manager.status.text().splitlines()
    for reason, n in SKIPPED_REASONS:
        assert f"  skipped: {n} {reason}" in shown
    # The whole text is painted: the label is as tall as its lines and as wide as its longest one.
    metrics = manager.status.fontMetrics()
    assert manager.status.height() >= len(shown) * metrics.lineSpacing()
    assert manager.status.width() >= max(metrics.horizontalAdvance(line) for line in shown)


def test_the_manager_lists_the_four_commonest_skip_reasons_and_points_to_the_rest() -> None:
    reasons = tuple((f"reason {n}", 10 - n) for n in range(6))
    status = LibraryStatus("lib", "all-minilm-l6-v2", ("/docs",), 1, 1, 1, 0, 0, 45, (), None, skipped_reasons=reasons)
    shown = [line for line in status_text(status).splitlines() if line.startswith("  ")]
    assert shown == [
        "  skipped: 10 reason 0",
        "  skipped: 9 reason 1",
        "  skipped: 8 reason 2",
        "  skipped: 7 reason 3",
        "  and for other reasons: `desktop-search status` lists them all",
    ]
