"""Machine-made files are left out by default, by name and by content, and a library can take them back."""

from __future__ import annotations

import json
from pathlib import Path

from desktop_search.core.generated import GENERATED, looks_generated
from desktop_search.core.search import SearchOptions
from desktop_search.services import Services
from tests.conftest import index_all

MINIFIED = "function zq(a,b){return a.sourdough+b};var k=[" + ",".join(f'"sourdough{i}"' for i in range(400)) + "];"
PROSE = " ".join(["The sourdough starter needs feeding every morning with flour and water."] * 40)  # one long line
CJK = "酸面包的发酵需要时间" * 60  # a long line without spaces that is prose


def _indexed_names(services: Services) -> set[str]:
    hits = services.searcher().search("sourdough", services.libraries.select(None), SearchOptions(mode="keyword"))
    return {Path(h.path).name for h in hits}


def _write_folder(folder: Path) -> Path:
    folder.mkdir()
    (folder / "app.js").write_text(MINIFIED, encoding="utf-8")  # minified, though not named .min.js
    (folder / "searchindex.js").write_text('Search.setIndex({"terms":{"sourdough":[0]}})', encoding="utf-8")
    (folder / "package-lock.json").write_text(json.dumps({"name": "sourdough"}, indent=2), encoding="utf-8")
    (folder / "notes.txt").write_text(PROSE + "\n", encoding="utf-8")
    (folder / "wide.csv").write_text(",".join(["sourdough"] * 300) + "\n", encoding="utf-8")
    (folder / "code.js").write_text("// sourdough timer\nfunction bake(minutes) {\n  return minutes * 60;\n}\n")
    return folder


def test_generated_files_are_skipped_with_their_reason_and_prose_is_kept(services: Services, tmp_path: Path) -> None:
    services.libraries.add_folders([str(_write_folder(tmp_path / "site"))])
    index_all(services)
    assert _indexed_names(services) == {"notes.txt", "wide.csv", "code.js"}
    library = services.libraries.get("default")
    assert GENERATED in library.exclusions
    assert "searchindex.js" in library.exclusions
    status = services.libraries.status()[0]
    assert status.skipped == 1  # app.js, by content; the others never reach the index (excluded by name)
    reason = services.store.conn.execute("SELECT error FROM files WHERE path LIKE '%app.js'").fetchone()[0]
    assert GENERATED in reason
    assert "minified" in reason


def test_removing_the_exclusion_lines_indexes_them(services: Services, tmp_path: Path) -> None:
    services.libraries.add_folders([str(_write_folder(tmp_path / "site"))])
    library = services.libraries.get("default")
    services.store.set_library_exclusions(library.id, [p for p in library.exclusions if p.startswith(".")])
    index_all(services)
    everything = {"notes.txt", "wide.csv", "code.js", "app.js", "searchindex.js", "package-lock.json"}
    assert _indexed_names(services) == everything


def test_the_content_rule_follows_the_exclusions_for_files_already_seen(services: Services, tmp_path: Path) -> None:
    services.libraries.add_folders([str(_write_folder(tmp_path / "site"))])
    library = services.libraries.get("default")
    services.libraries.set_exclusions("default", [p for p in library.exclusions if p != GENERATED])
    index_all(services)
    assert "app.js" in _indexed_names(services)
    services.libraries.set_exclusions("default", [*services.libraries.get("default").exclusions, GENERATED])
    index_all(services)  # app.js is unchanged on disk, yet it is now skipped
    assert _indexed_names(services) == {"notes.txt", "wide.csv", "code.js"}
    services.libraries.set_exclusions("default", [p for p in library.exclusions if p != GENERATED])
    index_all(services)
    assert "app.js" in _indexed_names(services)


def test_content_rule() -> None:
    assert looks_generated(MINIFIED.encode(), "code")
    assert not looks_generated(PROSE.encode(), "text")
    assert not looks_generated(CJK.encode(), "text")
    assert not looks_generated(",".join(["1.25"] * 400).encode(), "csv")
    assert looks_generated(json.dumps({"k": list(range(400))}, separators=(",", ":")).encode(), "json")
    assert not looks_generated(b"short line\n" * 500, "text")
