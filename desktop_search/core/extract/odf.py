"""OpenDocument text, spreadsheets and presentations (.odt, .ods, .odp; one page per ODP slide)."""

from __future__ import annotations

from lxml import etree

from desktop_search.core.extract import Extracted, ExtractLimits
from desktop_search.core.extract.containers import Package, local
from desktop_search.core.extract.ooxml import tidy

_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_PARAGRAPHS = {"p", "h"}
_SKIPPED = {"tracked-changes", "sequence-decls", "variable-decls", "user-field-decls"}


def _spaces(el: etree._Element) -> int:
    """text:s stands for c spaces; a hostile count cannot blow up the text."""
    count = el.get(f"{{{_TEXT_NS}}}c", "1") or "1"
    return min(int(count), 64) if count.isdigit() else 1


class _Walker:
    """Collects mixed-content text: an element's text on start, its tail when it closes inside a paragraph."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.page_starts: list[int] = []
        self.length = 0
        self.depth = 0  # paragraphs open
        self.cells = 0  # table cells open
        self.skipping = 0

    def add(self, text: str | None) -> None:
        if text:
            self.out.append(text)
            self.length += len(text)

    def start(self, el: etree._Element, name: str) -> None:
        if name in _SKIPPED or self.skipping:
            self.skipping += 1
            return
        if name == "page" and self.depth == 0:  # draw:page, one presentation slide
            if self.length:
                self.add("\n\n")
            self.page_starts.append(self.length)
        elif name in _PARAGRAPHS:
            self.depth += 1
            self.add(el.text)
        elif self.depth:
            self.add({"s": " " * _spaces(el), "tab": "\t", "line-break": "\n"}.get(name))
            self.add(el.text)
        if name == "table-cell":
            self.cells += 1

    def end(self, el: etree._Element, name: str) -> None:
        if self.skipping:  # inside tracked changes (deleted text) or declarations
            self.skipping -= 1
            return
        if name in _PARAGRAPHS:
            self.depth -= 1
            self.add(" " if self.cells else "\n")
        elif self.depth:
            self.add(el.tail)
        if name == "table-cell":
            self.cells -= 1
            if self.out and self.out[-1] == " ":
                self.out.pop()
                self.length -= 1
            self.add("\t")
        elif name == "table-row":
            self.add("\n")


def extract_odf(data: bytes, limits: ExtractLimits) -> Extracted:
    package = Package(data, "odf", limits)
    mimetype = (package.read("mimetype") or b"").decode("ascii", "replace").strip()
    kind = {"presentation": "odp", "spreadsheet": "ods"}.get(mimetype.rpartition(".")[2], "odt")
    package.kind = kind
    content = package.xml("content.xml")
    if content is None:
        raise package.damaged("no content.xml")
    walker = _Walker()
    for event, el in etree.iterwalk(content, events=("start", "end")):
        (walker.start if event == "start" else walker.end)(el, local(el.tag))
    text = "".join(walker.out)
    title = package.title("meta.xml")
    if kind != "odp":
        return Extracted(tidy(text), kind, title=title)
    # Tidying would move page offsets, so slides are tidied one by one and re-joined.
    bounds = [*walker.page_starts, len(text)]
    pages = [tidy(text[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
    starts, offset = [], 0
    for page in pages:
        starts.append(offset)
        offset += len(page) + 2
    return Extracted("\n\n".join(pages), kind, tuple(starts), title=title)
