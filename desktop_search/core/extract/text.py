"""Plain text in any common encoding: BOM, then strict UTF-8, then a detector, then cp1252."""

from __future__ import annotations

import codecs

import chardet

from desktop_search.core.extract.sniff import utf16_without_bom

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DETECT_SAMPLE = 64 * 1024
_MIN_CONFIDENCE = 0.2  # chardet 7 reports ~0.3 even when right on short Cyrillic text


def _decode(data: bytes, encoding: str, final: bool, errors: str = "strict") -> str:
    # An incremental decoder tolerates a character cut in half where a capped read stopped.
    return codecs.getincrementaldecoder(encoding)(errors).decode(data, final)


def _detected(data: bytes) -> str | None:
    guess = chardet.detect(data[:_DETECT_SAMPLE])
    encoding = guess.get("encoding")
    if not encoding or (guess.get("confidence") or 0.0) < _MIN_CONFIDENCE:
        return None
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return None


def decode_text(data: bytes, truncated: bool = False) -> str:
    """Decode bytes of unknown encoding; never fails (cp1252 with replacement is the last resort)."""
    final = not truncated
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode(data, encoding, final, "replace")
    utf16 = utf16_without_bom(data)
    if utf16:
        return _decode(data, utf16, final, "replace")
    try:
        return _decode(data, "utf-8", final)
    except UnicodeDecodeError:
        pass
    detected = _detected(data)
    if detected and detected != "utf-8":
        try:
            return _decode(data, detected, final)
        except UnicodeDecodeError:
            pass
    return _decode(data, "cp1252", final, "replace")


def normalise_newlines(text: str) -> str:
    """CRLF and CR become LF; NUL characters (which SQLite's text functions stop at) are dropped."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def extract_text(data: bytes, truncated: bool = False) -> str:
    return normalise_newlines(decode_text(data, truncated))
