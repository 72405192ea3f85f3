"""The one table of file kinds: extensions, content signature, family and extractor of every format we index.

Adding a format is one extractor module, one small loader function and one row of `KINDS` here (and a
`Family` row when it starts a new family). `sniff.detect_kind`, the extraction dispatch, the GUI's type
filter and its icons all read this table.

Each loader imports its extractor inside the function, so that reading the table (the search's type
filter, the GUI) loads no parser; the import is still a plain `from ... import`, which PyInstaller and
`modulefinder` follow. Nothing is imported by name at run time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop_search.core.extract import Extracted, ExtractLimits

Extractor = Callable[[bytes, "ExtractLimits"], "Extracted"]


@dataclass(frozen=True)
class Family:
    """A group of kinds a person thinks of as one type: one entry of the type filter, one icon."""

    name: str  # stable id, for a `type:` filter in queries
    label: str  # what the GUI's type filter shows
    icon: str  # resources/icons/<icon>.svg


@dataclass(frozen=True)
class Magic:
    """Bytes that identify a kind whatever the file's extension: at the start, or within the first `within`."""

    prefix: bytes
    within: int = 0

    def matches(self, head: bytes) -> bool:
        return self.prefix in head[: self.within] if self.within else head.startswith(self.prefix)


@dataclass(frozen=True)
class Kind:
    """One format. `extract` None means plain text: decoded by `text.py` and capped at the text limit."""

    name: str  # stored in the index (files.kind)
    family: str  # a Family.name
    extensions: tuple[str, ...]
    extract: Extractor | None = None
    magic: tuple[Magic, ...] = ()  # content that is this kind whatever the extension says
    sniff: Callable[[bytes], bool] | None = None  # recognises it in a file whose extension names no kind
    zip_package: bool = False  # an OLE file with this extension is a legacy or encrypted Office file

    @property
    def is_text(self) -> bool:
        return self.extract is None


FAMILIES: tuple[Family, ...] = (
    Family("pdf", "PDF", "file-pdf"),
    Family("document", "Documents", "file-doc"),
    Family("spreadsheet", "Spreadsheets", "file-sheet"),
    Family("presentation", "Presentations", "file-slides"),
    Family("ebook", "E-books", "file-book"),
    Family("web", "Web pages", "file-web"),
    Family("text", "Text and Markdown", "file-text"),
    Family("code", "Source code and data", "file-code"),
    Family("email", "E-mail", "file-mail"),
    Family("image", "Pictures (OCR)", "file-image"),
)


# -- loaders: each imports one extractor when a file of its kind is first read --------------------------


def _pdf(data: bytes, limits: ExtractLimits) -> Extracted:
    from desktop_search.core.extract.pdf import extract_pdf

    return extract_pdf(data, limits)


def _docx(data: bytes, limits: ExtractLimits) -> Extracted:
    from desktop_search.core.extract.ooxml import extract_docx

    return extract_docx(data, limits)


def _pptx(data: bytes, limits: ExtractLimits) -> Extracted:
    from desktop_search.core.extract.ooxml import extract_pptx

    return extract_pptx(data, limits)


def _xlsx(data: bytes, limits: ExtractLimits) -> Extracted:
    from desktop_search.core.extract.ooxml import extract_xlsx

    return extract_xlsx(data, limits)


def _odf(data: bytes, limits: ExtractLimits) -> Extracted:
    from desktop_search.core.extract.odf import extract_odf

    return extract_odf(data, limits)


def _epub(data: bytes, limits: ExtractLimits) -> Extracted:
    from desktop_search.core.extract.epub import extract_epub

    return extract_epub(data, limits)


def _html(data: bytes, limits: ExtractLimits) -> Extracted:
    from desktop_search.core.extract.html import extract_html

    return extract_html(data, limits)


def _rtf(data: bytes, limits: ExtractLimits) -> Extracted:
    from desktop_search.core.extract.rtf import extract_rtf

    return extract_rtf(data, limits)


def _eml(data: bytes, limits: ExtractLimits) -> Extracted:
    from desktop_search.core.extract.mail import extract_eml

    return extract_eml(data, limits)


def _mbox(data: bytes, limits: ExtractLimits) -> Extracted:
    from desktop_search.core.extract.mail import extract_mbox

    return extract_mbox(data, limits)


def _image(data: bytes, limits: ExtractLimits) -> Extracted:
    from desktop_search.core.extract.ocr import extract_image

    return extract_image(data, limits)


_MAIL_HEADER = re.compile(
    rb"^(Return-Path|Received|From|Date|Subject|Message-ID|Delivered-To|X-Mozilla-Status):", re.MULTILINE | re.I
)


def looks_like_mbox(head: bytes) -> bool:
    """A "From " separator line followed by mail headers: Thunderbird's and mutt's mailboxes have no extension."""
    first, _, rest = head.partition(b"\n")
    return first.startswith(b"From ") and len(_MAIL_HEADER.findall(rest[:4096])) >= 2


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:256].lower()
    return start.startswith((b"<!doctype html", b"<html"))


CODE_EXTENSIONS = (
    ".py", ".pyi", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".java", ".kt", ".kts", ".scala", ".groovy",
    ".c", ".h", ".cc", ".cpp", ".cxx", ".hh", ".hpp", ".cs", ".go", ".rs", ".rb", ".php", ".swift", ".m", ".mm",
    ".sh", ".bash", ".zsh", ".fish", ".ps1", ".bat", ".cmd", ".sql", ".r", ".lua", ".pl", ".pm", ".hs", ".ml",
    ".mli", ".ex", ".exs", ".erl", ".clj", ".dart", ".jl", ".vue", ".svelte", ".css", ".scss", ".sass", ".less",
    ".el", ".vim", ".f90", ".zig", ".nim", ".proto", ".gradle", ".cmake", ".mk", ".dockerfile",
)  # fmt: skip

KINDS: tuple[Kind, ...] = (
    # documents, read by their extractor
    Kind("pdf", "pdf", (".pdf",), _pdf, magic=(Magic(b"%PDF-", within=1024),)),
    Kind("rtf", "document", (".rtf",), _rtf, magic=(Magic(b"{\\rtf"),)),
    Kind("docx", "document", (".docx", ".docm", ".dotx"), _docx, zip_package=True),
    Kind("odt", "document", (".odt", ".ott"), _odf, zip_package=True),
    Kind("xlsx", "spreadsheet", (".xlsx", ".xlsm"), _xlsx, zip_package=True),
    Kind("ods", "spreadsheet", (".ods",), _odf, zip_package=True),
    Kind("pptx", "presentation", (".pptx", ".pptm", ".ppsx"), _pptx, zip_package=True),
    Kind("odp", "presentation", (".odp",), _odf, zip_package=True),
    Kind("epub", "ebook", (".epub",), _epub, zip_package=True),
    Kind("html", "web", (".html", ".htm", ".xhtml"), _html, sniff=_looks_like_html),
    Kind("email", "email", (".eml",), _eml),
    Kind("mbox", "email", (".mbox", ".mbx"), _mbox, sniff=looks_like_mbox),
    # read only with OCR on (the library's `ocr` setting); skipped with that reason otherwise
    Kind(
        "image",
        "image",
        (".png", ".jpg", ".jpeg", ".tif", ".tiff"),
        _image,
        magic=(Magic(b"\x89PNG"), Magic(b"\xff\xd8\xff"), Magic(b"II*\x00"), Magic(b"MM\x00*")),
    ),
    # plain text, decoded by text.py; "text" is also what a text file with an unknown extension is
    Kind("text", "text", (".txt", ".text", ".log", ".ini", ".cfg", ".conf")),
    Kind("markdown", "text", (".md", ".markdown")),
    Kind("rst", "text", (".rst",)),
    Kind("latex", "text", (".tex", ".bib")),
    Kind("csv", "spreadsheet", (".csv",)),
    Kind("tsv", "spreadsheet", (".tsv",)),
    Kind("json", "code", (".json", ".jsonl")),
    Kind("yaml", "code", (".yaml", ".yml")),
    Kind("toml", "code", (".toml",)),
    Kind("xml", "code", (".xml", ".svg")),
    Kind("code", "code", CODE_EXTENSIONS),
)

BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}
BY_EXTENSION: dict[str, Kind] = {ext: kind for kind in KINDS for ext in kind.extensions}
FAMILY_BY_NAME: dict[str, Family] = {family.name: family for family in FAMILIES}
TEXT_KINDS = frozenset(kind.name for kind in KINDS if kind.is_text)


def kind_of_path(path: str | PurePath) -> Kind | None:
    """The kind a file's extension names (content may overrule it: see sniff.detect_kind)."""
    return BY_EXTENSION.get(PurePath(path).suffix.lower())


def family_of_path(path: str | PurePath) -> Family | None:
    """The family of a file by its extension; None for extensions we do not index."""
    kind = kind_of_path(path)
    return None if kind is None else FAMILY_BY_NAME[kind.family]


def family_of_kind(name: str) -> Family | None:
    """The family of a kind as stored in the index."""
    kind = BY_NAME.get(name)
    return None if kind is None else FAMILY_BY_NAME[kind.family]


def extensions_of(family: str) -> tuple[str, ...]:
    """Every extension whose kind belongs to `family`, in table order."""
    return tuple(ext for kind in KINDS if kind.family == family for ext in kind.extensions)


def kinds_of(family: str) -> tuple[str, ...]:
    """The names of the kinds in `family` (for filtering on files.kind)."""
    return tuple(kind.name for kind in KINDS if kind.family == family)
