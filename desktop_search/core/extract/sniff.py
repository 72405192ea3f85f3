"""Content sniffing: the document type from the extension, confirmed or overruled by the first bytes."""

from __future__ import annotations

from pathlib import Path

CODE_EXTENSIONS = frozenset(
    [
        ".py",
        ".pyi",
        ".js",
        ".mjs",
        ".cjs",
        ".ts",
        ".tsx",
        ".jsx",
        ".java",
        ".kt",
        ".kts",
        ".scala",
        ".groovy",
        ".c",
        ".h",
        ".cc",
        ".cpp",
        ".cxx",
        ".hh",
        ".hpp",
        ".cs",
        ".go",
        ".rs",
        ".rb",
        ".php",
        ".swift",
        ".m",
        ".mm",
        ".sh",
        ".bash",
        ".zsh",
        ".fish",
        ".ps1",
        ".bat",
        ".cmd",
        ".sql",
        ".r",
        ".lua",
        ".pl",
        ".pm",
        ".hs",
        ".ml",
        ".mli",
        ".ex",
        ".exs",
        ".erl",
        ".clj",
        ".dart",
        ".jl",
        ".vue",
        ".svelte",
        ".css",
        ".scss",
        ".sass",
        ".less",
        ".el",
        ".vim",
        ".f90",
        ".zig",
        ".nim",
        ".proto",
        ".gradle",
        ".cmake",
        ".mk",
        ".dockerfile",
    ]
)

TEXT_EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".log": "text",
    ".ini": "text",
    ".cfg": "text",
    ".conf": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".rst": "rst",
    ".tex": "latex",
    ".bib": "latex",
    ".csv": "csv",
    ".tsv": "tsv",
    ".json": "json",
    ".jsonl": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "toml",
    ".xml": "xml",
    ".svg": "xml",
} | {ext: "code" for ext in CODE_EXTENSIONS}

TEXT_KINDS = frozenset(TEXT_EXTENSIONS.values()) | {"text"}

ZIP_EXTENSIONS = {
    ".docx": "docx",
    ".docm": "docx",
    ".dotx": "docx",
    ".pptx": "pptx",
    ".pptm": "pptx",
    ".ppsx": "pptx",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".odt": "odt",
    ".ott": "odt",
    ".ods": "ods",
    ".odp": "odp",
    ".epub": "epub",
}

DOCUMENT_EXTENSIONS = {".pdf": "pdf", ".html": "html", ".htm": "html", ".xhtml": "html", ".rtf": "rtf"} | ZIP_EXTENSIONS

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


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:256].lower()
    return start.startswith((b"<!doctype html", b"<html"))


def detect_kind(path: Path, head: bytes) -> str | None:
    """The document type from the extension, confirmed by the first bytes; None when not a document."""
    suffix = path.suffix.lower()
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if suffix in DOCUMENT_EXTENSIONS:
        # A broken file with a document extension is that document, and fails with a reason.
        if head.startswith(b"\xd0\xcf\x11\xe0") and suffix in ZIP_EXTENSIONS:
            return None
        return DOCUMENT_EXTENSIONS[suffix]
    # Short magics ("MZ") also begin ordinary words, so only long ones are trusted without NUL bytes.
    if any(head.startswith(magic) for magic, _ in _BINARY_MAGIC if len(magic) >= 4) or looks_binary(head):
        return None
    if suffix in TEXT_EXTENSIONS:
        return TEXT_EXTENSIONS[suffix]
    if _looks_like_html(head):
        return "html"
    return "text"
