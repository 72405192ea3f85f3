"""Content sniffing: the kind from the extension (kinds.py), confirmed or overruled by the first bytes."""

from __future__ import annotations

from pathlib import Path

from desktop_search.core.extract.kinds import BY_EXTENSION, KINDS

# Formats we recognise and deliberately do not index, so the reason a person sees is specific.
_BINARY_MAGIC = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy or password-protected Office file (not supported)"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"PK\x03\x04", "archive"),
    (b"\x1f\x8b", "compressed archive"),
    (b"7z\xbc\xaf", "compressed archive"),
    (b"Rar!", "compressed archive"),
    (b"\x7fELF", "program"),
    (b"MZ", "program"),
    (b"SQLite format 3\x00", "database"),
    (b"ID3", "audio"),
    (b"OggS", "audio"),
    (b"fLaC", "audio"),
)

_UTF_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the NUL bytes sit in every other position, as in UTF-16 English text."""
    sample = head[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def looks_binary(head: bytes) -> bool:
    """NUL bytes (outside UTF-16 text) or many control characters mean binary content."""
    if head.startswith(_UTF_BOMS) or utf16_without_bom(head):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head[:4096] if b < 0x20 and b not in (9, 10, 12, 13, 27))
    return controls > 0.1 * max(1, len(head[:4096]))


def binary_reason(head: bytes) -> str:
    """Why a file whose content is not a document is skipped."""
    for magic, what in _BINARY_MAGIC:
        if head.startswith(magic):
            return f"not a document ({what})"
    return "not a document (binary content)"


_OLE = b"\xd0\xcf\x11\xe0"
_BY_MAGIC = tuple(kind for kind in KINDS if kind.magic)
_BY_SNIFF = tuple(kind for kind in KINDS if kind.sniff)


def detect_kind(path: Path, head: bytes) -> str | None:
    """The kind's name from the extension, confirmed by the first bytes; None when not a document."""
    for kind in _BY_MAGIC:
        if any(magic.matches(head) for magic in kind.magic):
            return kind.name
    named = BY_EXTENSION.get(path.suffix.lower())
    if named is not None and not named.is_text:
        # A broken file with a document extension is that document, and fails with a reason.
        if named.zip_package and head.startswith(_OLE):
            return None
        return named.name
    # Short magics ("MZ") also begin ordinary words, so only long ones are trusted without NUL bytes.
    if any(head.startswith(magic) for magic, _ in _BINARY_MAGIC if len(magic) >= 4) or looks_binary(head):
        return None
    if named is not None:
        return named.name
    for kind in _BY_SNIFF:
        if kind.sniff is not None and kind.sniff(head):
            return kind.name
    return "text"
