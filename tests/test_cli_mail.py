"""E-mail from the command line: an .eml file and a Thunderbird-style mbox, one result per message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.core.extract.mail_samples import message, with_attachments, write_mbox
from tests.test_cli import run

pytestmark = pytest.mark.slow  # the CLI indexes with the real MiniLM


@pytest.fixture
def mail_home(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    folder = tmp_path / "mail"
    (folder / "Mail" / "Local Folders").mkdir(parents=True)
    write_mbox(
        folder / "Mail" / "Local Folders" / "Inbox",  # Thunderbird: no extension
        [
            message("Tickets for Kyoto", "The shinkansen tickets are booked for the 12th."),
            with_attachments(message("Q1 report", "Report attached, see the heating costs.")),
            message("Heating again", "The greenhouse heating broke down on Sunday.", sender="Tom <tom@example.org>"),
        ],
    )
    html = "<p>Your parcel <b>PKG-4471</b> leaves the depot today.</p>"
    (folder / "parcel.eml").write_bytes(message("Parcel on its way", "", html=html).as_bytes())
    home = tmp_path / "home"
    assert run(capsys, "--home", str(home), "add", str(folder))[0] == 0
    assert run(capsys, "--home", str(home), "index")[0] == 0
    return home


def _search(capsys: pytest.CaptureFixture[str], home: Path, query: str) -> list[dict[str, object]]:
    code, out, err = run(capsys, "--home", str(home), "search", query, "--mode", "keyword", "--json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_each_message_of_an_mbox_is_a_result_titled_by_its_subject(
    mail_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hits = _search(capsys, mail_home, "heating")
    assert sorted((h["title"], h["page"], Path(str(h["path"])).name, h["kind"]) for h in hits) == [
        ("Heating again", 3, "Inbox", "mbox"),
        ("Q1 report", 2, "Inbox", "mbox"),
    ]
    code, out, _ = run(capsys, "--home", str(mail_home), "search", "greenhouse heating broke", "--mode", "keyword")
    assert code == 0
    assert out.splitlines()[0].startswith("1. Heating again — ")
    assert out.splitlines()[0].split("  (score")[0].endswith("Inbox  message 3")


def test_an_attachment_and_an_html_message_are_found_by_their_words(
    mail_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert [(h["title"], h["page"]) for h in _search(capsys, mail_home, "1,840 EUR")] == [("Q1 report", 2)]
    parcel = _search(capsys, mail_home, "PKG-4471")
    assert [(h["title"], Path(str(h["path"])).name, h["kind"]) for h in parcel] == [
        ("Parcel on its way", "parcel.eml", "email")
    ]
    assert "**PKG-4471**" in str(parcel[0]["snippet"])  # an identifier is marked whole
    code, out, _ = run(capsys, "--home", str(mail_home), "status", "--json")
    assert json.loads(out)[0]["files"] == 2
    assert json.loads(out)[0]["failed"] == 0


def test_the_preview_of_a_message_shows_that_message_only(mail_home: Path) -> None:
    from desktop_search.core.search import SearchOptions
    from desktop_search.services import build_services
    from desktop_search.settings import Settings

    services = build_services(Settings.load(mail_home))
    try:
        [hit] = services.searcher().search("shinkansen", services.libraries.select(None), SearchOptions("keyword"))
        context = services.store.chunk_context(hit.chunk_id, 2000)
    finally:
        services.close()
    assert context is not None
    assert context[0].startswith("Subject: Tickets for Kyoto")
    assert "Q1 report" not in context[0]
