"""E-mail: `.eml` messages and `mbox` archives (stdlib `email`), one page per message with its subject as title.

Each message reads as its headers (Subject, From, To, Cc, Date), its text body (an HTML-only body through
the HTML extractor) and the text of its attachments of a supported kind. An mbox is split at its "From "
lines one message at a time, and stops at the page and text caps with a note saying how many were read.
"""

from __future__ import annotations

import email.policy
import re
from collections.abc import Iterator
from email.message import EmailMessage, Message
from email.parser import BytesParser
from pathlib import Path

from desktop_search.core.extract import Extracted, ExtractionFailed, ExtractLimits, size_text

HEADERS = ("Subject", "From", "To", "Cc", "Date")
MAX_DEPTH = 3  # forwarded messages inside forwarded messages: deeper ones are left out
_PARSER = BytesParser(policy=email.policy.default)
_FROM_LINE = re.compile(rb"^From [^\r\n]*\r?\n", re.MULTILINE)
_QUOTED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)
NO_SUBJECT = "(no subject)"


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except (ValueError, IndexError, TypeError):  # a malformed header the policy cannot parse
        value = msg.get_all(name, failobj=[""])[0] if hasattr(msg, "get_all") else ""
    return " ".join(str(value or "").split())


def _payload(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _decoded_text(part: Message) -> str:
    data = _payload(part)
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset, "replace")
    except LookupError:  # a charset Python does not know
        from desktop_search.core.extract.text import decode_text

        return decode_text(data)


def _attachment_text(part: Message, limits: ExtractLimits) -> str:
    """The text of an attached file of a supported kind, as its own extractor reads it; '' otherwise."""
    from desktop_search.core.extract import extract_bytes

    name = part.get_filename() or ""
    data = _payload(part)
    if not name or not data:
        return ""
    try:
        extracted = extract_bytes(data, Path(name), limits)
    except ExtractionFailed:
        return ""  # images, archives, damaged files: the message is still indexed
    return f"Attachment: {name}\n\n{extracted.text}"


def _body_and_attachments(msg: Message, limits: ExtractLimits, depth: int) -> list[str]:
    plain: list[str] = []
    html: list[str] = []
    attached: list[str] = []
    parts = msg.walk() if msg.is_multipart() else iter([msg])
    for part in parts:
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        disposition = part.get_content_disposition()
        if content_type == "message/rfc822" or isinstance(part.get_payload(), list):
            continue
        if disposition == "attachment" or (part.get_filename() and content_type not in ("text/plain", "text/html")):
            if text := _attachment_text(part, limits):
                attached.append(text)
        elif content_type == "text/plain":
            plain.append(_decoded_text(part))
        elif content_type == "text/html":
            from desktop_search.core.extract.html import html_text

            html.append(html_text(_payload(part), keep_title=False))
    body = plain or html  # multipart/alternative: the plain version when there is one
    nested = []
    if depth < MAX_DEPTH:
        for part in msg.walk():
            if part.get_content_type() == "message/rfc822":
                for inner in part.get_payload() or []:
                    if isinstance(inner, Message):
                        nested.append("Forwarded message\n\n" + message_text(inner, limits, depth + 1)[1])
    return [b.strip() for b in body if b.strip()] + nested + attached


def message_text(msg: Message, limits: ExtractLimits, depth: int = 0) -> tuple[str, str]:
    """(subject, text) of one message: header lines, a blank line, the body, then its attachments."""
    subject = _header(msg, "Subject") or NO_SUBJECT
    lines = [f"{name}: {value}" for name in HEADERS if (value := _header(msg, name))]
    if not lines or not lines[0].startswith("Subject:"):
        lines.insert(0, f"Subject: {subject}")
    parts = ["\n".join(lines), *_body_and_attachments(msg, limits, depth)]
    return subject, "\n\n".join(parts)


def _parse(data: bytes) -> EmailMessage:
    msg = _PARSER.parsebytes(data)
    assert isinstance(msg, EmailMessage)
    return msg


def extract_eml(data: bytes, limits: ExtractLimits) -> Extracted:
    """One message: its subject is the title."""
    msg = _parse(data)
    if not msg.keys():
        raise ExtractionFailed("failed", "not an e-mail message (no headers)", "email")
    subject, text = message_text(msg, limits)
    return Extracted(text, "email", titles=(subject,))


def mbox_messages(data: bytes) -> Iterator[bytes]:
    """The raw bytes of each message of an mbox, in order, without its "From " separator line;
    ">From " lines quoted by the mbox format are unquoted."""
    starts = [m for m in _FROM_LINE.finditer(data) if m.start() == 0 or data[m.start() - 1 : m.start()] == b"\n"]
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(data)
        yield _QUOTED_FROM.sub(rb"\1", data[match.end() : end])


def extract_mbox(data: bytes, limits: ExtractLimits) -> Extracted:
    """Every message a page, its subject that page's title; stops at the page cap or the text cap."""
    if not data.startswith(b"From "):
        raise ExtractionFailed("failed", 'not an mbox archive (no "From " line at the start)', "mbox")
    starts: list[int] = []
    titles: list[str] = []
    parts: list[str] = []
    offset = total = 0
    stopped_by = ""
    for raw in mbox_messages(data):
        total += 1
        if not stopped_by and len(starts) >= limits.max_pages:
            stopped_by = f"{limits.max_pages} messages"
        elif not stopped_by and offset >= limits.max_text_bytes:
            stopped_by = f"{size_text(limits.max_text_bytes)} of text"
        if stopped_by:
            continue  # the rest is only counted, for the note
        subject, text = message_text(_parse(raw), limits)
        starts.append(offset)
        titles.append(subject)
        parts.append(text)
        offset += len(text) + 2
    if not parts:
        raise ExtractionFailed("failed", "empty mbox archive (no messages)", "mbox")
    note = f"only the first {len(parts)} of {total} messages indexed (limit: {stopped_by})" if stopped_by else ""
    return Extracted("\n\n".join(parts), "mbox", tuple(starts), note, titles=tuple(titles))
