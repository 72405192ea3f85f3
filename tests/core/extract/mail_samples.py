"""Real e-mail files written with the stdlib: messages with HTML, attachments and forwards, and mbox archives."""

from __future__ import annotations

import mailbox
from email.message import EmailMessage
from pathlib import Path

from tests.core.extract.samples import make_docx


def message(
    subject: str,
    body: str,
    *,
    sender: str = "Alice Martin <alice@example.org>",
    to: str = "Bob Stone <bob@example.org>",
    date: str = "Tue, 04 Mar 2025 10:15:00 +0100",
    html: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = date
    if body:
        msg.set_content(body)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    elif html is not None:
        msg.set_content(html, subtype="html")
    return msg


def with_attachments(msg: EmailMessage) -> EmailMessage:
    """A Word report (indexed) and a PNG picture (not a document) attached."""
    msg.add_attachment(
        make_docx(["Quarterly report: the greenhouse heating cost 1,840 EUR."]),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename="report-q1.docx",
    )
    msg.add_attachment(b"\x89PNG\r\n\x1a\n" + bytes(64), maintype="image", subtype="png", filename="photo.png")
    return msg


def forwarding(outer_subject: str, inner: EmailMessage) -> EmailMessage:
    msg = message(outer_subject, "See the message below.")
    msg.add_attachment(inner)
    return msg


def write_mbox(path: Path, messages: list[EmailMessage]) -> Path:
    box = mailbox.mbox(str(path), create=True)
    try:
        for msg in messages:
            box.add(msg)
        box.flush()
    finally:
        box.close()
    return path
