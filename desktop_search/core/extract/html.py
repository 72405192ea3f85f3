"""HTML and XHTML: visible text with block elements on their own lines; scripts and styles dropped."""

from __future__ import annotations

import codecs
import html
import re

import lxml.html
from lxml import etree

from desktop_search.core.extract import Extracted, ExtractLimits
from desktop_search.core.extract.containers import out_of_memory
from desktop_search.core.extract.ooxml import tidy
from desktop_search.core.extract.text import decode_text, normalise_newlines

_INVISIBLE = ("script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object")
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tr",
        "ul",
        "caption",
        "summary",
        "details",
    ]
)
_CELLS = frozenset({"td", "th"})
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_INVISIBLE_BLOCK = re.compile(r"(?is)<(script|style|noscript|template)\b.*?</\1\s*>")
_TAG = re.compile(r"(?s)<[^>]*>")


def _stripped(source: str) -> str:
    """Tags removed by pattern: the fallback for documents libxml2 refuses (nesting deeper than 256)."""
    return html.unescape(_TAG.sub(" ", _INVISIBLE_BLOCK.sub(" ", source)))


def _clean(body: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in normalise_newlines(body).split("\n"))
    return tidy("\n".join(lines))


def _decode(data: bytes) -> str:
    """The declared <meta charset> when it names a real codec, else the plain-text detector."""
    match = _CHARSET.search(data[:4096])
    if match and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode(codecs.lookup(match.group(1).decode("ascii")).name, "replace")
        except LookupError:
            pass
    return decode_text(data)


def html_text(data: bytes, keep_title: bool = True) -> str:
    """The visible text of an HTML document, its <title> first."""
    return _html(data, keep_title)[0]


def _html(data: bytes, keep_title: bool) -> tuple[str, str]:
    """(visible text, <title>)."""
    source = _XML_DECLARATION.sub("", _decode(data), count=1)  # lxml refuses str input that declares a codec
    if not source.strip():
        return "", ""
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = lxml.html.document_fromstring(source, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        if out_of_memory(exc):
            raise MemoryError(str(exc)) from exc
        return _clean(_stripped(source)), ""
    page_title = " ".join((root.findtext(".//title") or "").split())
    title = page_title if keep_title else ""
    for el in [el for el in root.iter(*_INVISIBLE)]:
        el.drop_tree()
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _BLOCKS:
            el.tail = "\n" + (el.tail or "")
            if tag != "br":
                el.text = "\n" + (el.text or "")
        elif tag in _CELLS:
            el.tail = "\t" + (el.tail or "")
    text = _clean("".join(root.itertext()))
    if not text:
        text = _clean(_stripped(source))
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    return text, page_title


def extract_html(data: bytes, limits: ExtractLimits) -> Extracted:
    text, title = _html(data, keep_title=True)
    return Extracted(text, "html", title=title)
