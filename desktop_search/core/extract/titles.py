"""A document's own title (HTML <title>, PDF metadata, Office/ODF/EPUB Dublin Core, a Markdown heading), tidied."""

from __future__ import annotations

import re

MAX_TITLE_CHARS = 200
DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"  # Dublin Core: OOXML core.xml, ODF meta.xml, EPUB OPF

# Titles that say nothing: what authoring tools write when the author wrote none.
_EMPTY_TITLES = frozenset({"untitled", "untitled document", "title", "document", "no title", "(anonymous)", "slide 1"})
# "Microsoft Word - report.docx", "report.pdf": the file's own name, which the result already shows.
_TOOL_PREFIX = re.compile(r"^(microsoft (word|powerpoint|excel) - )", re.IGNORECASE)
_FILE_NAME = re.compile(r"^[^\s/\\]*\.(docx?|pdf|pptx?|xlsx?|odt|rtf|txt|html?|indd|tex|dvi|ps|qxd)$", re.IGNORECASE)
_MARKDOWN_HEADING = re.compile(r"\A(?:[ \t]*\n)*[ \t]{0,3}#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


def clean_title(raw: str | None) -> str:
    """One line, at most MAX_TITLE_CHARS; empty when it names nothing but the tool or the file."""
    title = " ".join((raw or "").replace("\x00", "").split())
    if not title or title.lower() in _EMPTY_TITLES:
        return ""
    if _TOOL_PREFIX.match(title):
        title = _TOOL_PREFIX.sub("", title)
    if _FILE_NAME.match(title):
        return ""
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1].rstrip() + "…"
    return title


def markdown_title(text: str) -> str:
    """The level-1 heading a Markdown file starts with ("# Trip notes"), else empty."""
    found = _MARKDOWN_HEADING.match(text[:4096])
    return found.group(1) if found else ""
