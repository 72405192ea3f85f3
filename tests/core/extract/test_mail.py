"""E-mail: a message's headers, body, HTML body, attachments and forwards; an mbox's messages as pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_search.core.extract import ExtractionFailed, ExtractLimits
from desktop_search.core.extract.mail import extract_eml, extract_mbox
from tests.core.extract.mail_samples import forwarding, message, with_attachments, write_mbox


def test_a_message_reads_as_its_headers_then_its_body_with_the_subject_as_title() -> None:
    msg = message("Greenhouse heating", "The boiler needs a service before winter.\nCall Tom on Friday.")
    extracted = extract_eml(msg.as_bytes(), ExtractLimits())
    assert extracted.kind == "email"
    assert extracted.titles == ("Greenhouse heating",)
    assert extracted.text.splitlines()[:4] == [
        "Subject: Greenhouse heating",
        "From: Alice Martin <alice@example.org>",
        "To: Bob Stone <bob@example.org>",
        "Date: Tue, 04 Mar 2025 10:15:00 +0100",
    ]
    assert "The boiler needs a service before winter.\nCall Tom on Friday." in extracted.text


def test_an_html_only_body_is_read_as_visible_text() -> None:
    html = "<html><head><style>p{color:red}</style></head><body><p>Invoice <b>INV-77</b> is due.</p></body></html>"
    extracted = extract_eml(message("Your invoice", "", html=html).as_bytes(), ExtractLimits())
    assert "Invoice INV-77 is due." in extracted.text
    assert "color" not in extracted.text
    assert "<p>" not in extracted.text


def test_a_plain_and_html_message_is_read_once() -> None:
    msg = message("Both", "Plain version of the minutes.", html="<p>HTML version of the minutes.</p>")
    text = extract_eml(msg.as_bytes(), ExtractLimits()).text
    assert "Plain version of the minutes." in text
    assert "HTML version" not in text


def test_attached_documents_are_read_and_pictures_left_out() -> None:
    msg = with_attachments(message("Q1 report", "Report attached."))
    text = extract_eml(msg.as_bytes(), ExtractLimits()).text
    assert "Attachment: report-q1.docx\n\nQuarterly report: the greenhouse heating cost 1,840 EUR." in text
    assert "photo.png" not in text


def test_a_forwarded_message_is_read_inside_the_one_that_forwards_it() -> None:
    inner = message("Original plan", "Move the database on Saturday night.")
    text = extract_eml(forwarding("Fwd: Original plan", inner).as_bytes(), ExtractLimits()).text
    assert text.startswith("Subject: Fwd: Original plan")
    assert "Forwarded message\n\nSubject: Original plan" in text
    assert "Move the database on Saturday night." in text


def test_encoded_subjects_and_latin1_bodies_are_decoded() -> None:
    raw = (
        "Subject: =?utf-8?q?R=C3=A9union_=C3=A0_Z=C3=BCrich?=\r\nFrom: a@example.org\r\n"
        "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        "Caf=E9 cr=E8me apr=E8s la r=E9union.\r\n"
    ).encode("ascii")
    extracted = extract_eml(raw, ExtractLimits())
    assert extracted.titles == ("Réunion à Zürich",)
    assert "Café crème après la réunion." in extracted.text


def test_text_without_headers_is_not_a_message() -> None:
    with pytest.raises(ExtractionFailed, match="not an e-mail"):
        extract_eml(b"\n\njust some words\n", ExtractLimits())


def test_an_mbox_is_one_page_per_message_each_titled_by_its_subject(tmp_path: Path) -> None:
    messages = [
        message("Tickets for Kyoto", "The rail pass paid for itself."),
        with_attachments(message("Q1 report", "Report attached.")),
        message("From the bakery", "From now on the shop opens at seven.\nFrom Monday too."),
    ]
    data = write_mbox(tmp_path / "Inbox", messages).read_bytes()
    extracted = extract_mbox(data, ExtractLimits())
    assert extracted.kind == "mbox"
    assert extracted.titles == ("Tickets for Kyoto", "Q1 report", "From the bakery")
    ends = [*extracted.page_starts[1:], None]
    pages = [extracted.text[a:b].strip() for a, b in zip(extracted.page_starts, ends, strict=True)]
    assert pages[0].startswith("Subject: Tickets for Kyoto")
    assert pages[0].endswith("The rail pass paid for itself.")
    assert "Quarterly report: the greenhouse heating cost 1,840 EUR." in pages[1]
    # Body lines starting with "From " are quoted as ">From " in the archive and read back as written.
    assert "From now on the shop opens at seven.\nFrom Monday too." in pages[2]
    assert extracted.note == ""


def test_a_large_mbox_stops_at_the_caps_and_says_how_many_messages_were_read(tmp_path: Path) -> None:
    messages = [message(f"Weekly note {i}", f"Note number {i}: " + "words " * 200) for i in range(12)]
    data = write_mbox(tmp_path / "archive.mbox", messages).read_bytes()
    by_pages = extract_mbox(data, ExtractLimits(max_pages=5))
    assert by_pages.titles == tuple(f"Weekly note {i}" for i in range(5))
    assert by_pages.note == "only the first 5 of 12 messages indexed (limit: 5 messages)"
    by_text = extract_mbox(data, ExtractLimits(max_text_bytes=4000))
    assert 1 < len(by_text.titles) < 12
    assert by_text.note == f"only the first {len(by_text.titles)} of 12 messages indexed (limit: 3 KB of text)"


def test_a_file_that_is_not_an_mbox_fails_with_a_reason() -> None:
    with pytest.raises(ExtractionFailed, match="not an mbox"):
        extract_mbox(b"Hello\n", ExtractLimits())
