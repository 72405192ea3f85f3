"""Office Open XML: Word (.docx), PowerPoint (.pptx, one page per slide) and Excel (.xlsx) via zip + lxml."""

from __future__ import annotations

import io
import posixpath
import re

from lxml import etree

from desktop_search.core.extract import Extracted, ExtractLimits
from desktop_search.core.extract.containers import Package, local, out_of_memory, resolve

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CORE = "docProps/core.xml"  # the core properties: title, author, dates
_BLANK_LINES = re.compile(r"\n{3,}")
_LINE_END_SPACE = re.compile(r"[ \t]+\n")


def tidy(text: str) -> str:
    """Trailing blanks go and runs of empty lines shrink to one; the text is stripped."""
    return _BLANK_LINES.sub("\n\n", _LINE_END_SPACE.sub("\n", text)).strip()


def flatten(root: etree._Element) -> str:
    """Text of WordprocessingML or DrawingML in document order: paragraphs as lines, table rows as lines."""
    out: list[str] = []
    in_cell = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        name = local(el.tag)
        if event == "start":
            if name == "t":
                out.append(el.text or "")
            elif name in ("br", "cr"):
                out.append("\n")
            elif name == "tab" and local(el.getparent().tag) == "r":  # not a tab stop definition
                out.append("\t")
            elif name == "tc":
                in_cell += 1
        elif name == "p":
            out.append(" " if in_cell else "\n")
        elif name == "tc":
            in_cell -= 1
            if out and out[-1] == " ":
                out.pop()
            out.append("\t")
        elif name == "tr":
            out.append("\n")
    return tidy("".join(out))


def relationships(package: Package, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id -> (type suffix, member name)."""
    rels_name = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    root = package.xml(rels_name)
    if root is None:
        return {}
    out = {}
    for rel in root:
        target, rel_id = rel.get("Target"), rel.get("Id")
        if target and rel_id and rel.get("TargetMode") != "External":
            out[rel_id] = ((rel.get("Type") or "").rpartition("/")[2], resolve(part, target))
    return out


def extract_docx(data: bytes, limits: ExtractLimits) -> Extracted:
    """The body, then footnotes and endnotes; headers and footers repeat on every page and are left out."""
    package = Package(data, "docx", limits)
    body = package.xml("word/document.xml")
    if body is None:
        raise package.damaged("no word/document.xml")
    parts = [flatten(body)]
    for extra in ("word/footnotes.xml", "word/endnotes.xml"):
        root = package.xml(extra)
        if root is not None:
            parts.append(flatten(root))
    return Extracted("\n\n".join(p for p in parts if p), "docx", title=package.title(_CORE))


def _slide_names(package: Package) -> list[str]:
    """Slides in presentation order (from presentation.xml), else by their file number."""
    presentation = package.xml("ppt/presentation.xml")
    rels = relationships(package, "ppt/presentation.xml")
    if presentation is not None:
        ids = [el.get(f"{{{_REL_NS}}}id") for el in presentation.iter() if local(el.tag) == "sldId"]
        ordered = [rels[i][1] for i in ids if i in rels and rels[i][1] in package.names]
        if ordered:
            return ordered
    numbered = [n for n in package.matching("ppt/slides/slide", ".xml")]
    return sorted(numbered, key=lambda n: int(re.sub(r"\D", "", posixpath.basename(n)) or 0))


def extract_pptx(data: bytes, limits: ExtractLimits) -> Extracted:
    """One page per slide: the slide's text followed by its speaker notes."""
    package = Package(data, "pptx", limits)
    pages: list[str] = []
    for name in _slide_names(package):
        slide = package.xml(name)
        texts = [flatten(slide)] if slide is not None else []
        for rel_type, target in relationships(package, name).values():
            notes = package.xml(target) if rel_type == "notesSlide" else None
            if notes is not None:
                texts.append(flatten(notes))
        pages.append("\n".join(t for t in texts if t))
    starts, offset = [], 0
    for text in pages:
        starts.append(offset)
        offset += len(text) + 2
    return Extracted("\n\n".join(pages), "pptx", tuple(starts), title=package.title(_CORE))


def _shared_strings(package: Package) -> list[str]:
    root = package.xml("xl/sharedStrings.xml")
    if root is None:
        return []
    # Phonetic runs (rPh) are reading aids for East Asian text, not part of the cell's value.
    return [
        "".join(t.text or "" for t in si.iter() if local(t.tag) == "t" and local(t.getparent().tag) != "rPh")
        for si in root
        if local(si.tag) == "si"
    ]


def _cell_value(cell: etree._Element, shared: list[str]) -> str:
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(cell.itertext("{*}t"))
    value = cell.findtext("{*}v") or ""
    if kind == "s":
        index = int(value) if value.isdigit() else -1
        return shared[index] if 0 <= index < len(shared) else ""
    if kind == "b":
        return "TRUE" if value == "1" else "FALSE"
    return value


def _sheet_text(package: Package, name: str, shared: list[str], budget: int) -> str:
    """Rows as tab-separated lines, streamed (a sheet's tree can be ten times its XML) and cut at `budget`."""
    data = package.read(name)
    if data is None:
        return ""
    if b"<!ENTITY" in data:
        raise package.damaged("XML with entity declarations, refused as unsafe")
    lines, size = [], 0
    rows = etree.iterparse(
        io.BytesIO(data), tag="{*}row", resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        for _, row in rows:
            line = "\t".join([_cell_value(c, shared) for c in row.iterchildren("{*}c")]).rstrip("\t")
            row.clear(keep_tail=False)
            while row.getprevious() is not None:  # drop finished rows, so memory stays flat
                del row.getparent()[0]
            if line.strip():
                lines.append(line)
                size += len(line) + 1
                if size > budget:
                    break
    except etree.XMLSyntaxError as exc:
        if out_of_memory(exc):
            raise MemoryError(str(exc)) from exc
        raise package.damaged(f"invalid XML in {name}: {exc}") from exc
    return "\n".join(lines)


def extract_xlsx(data: bytes, limits: ExtractLimits) -> Extracted:
    """Each sheet as its name followed by one tab-separated line per non-empty row."""
    package = Package(data, "xlsx", limits)
    workbook = package.xml("xl/workbook.xml")
    if workbook is None:
        raise package.damaged("no xl/workbook.xml")
    rels = relationships(package, "xl/workbook.xml")
    shared = _shared_strings(package)
    parts: list[str] = []
    for sheet in (el for el in workbook.iter() if local(el.tag) == "sheet"):
        rel = rels.get(sheet.get(f"{{{_REL_NS}}}id") or "")
        budget = limits.max_text_bytes - sum(map(len, parts))
        if rel and budget > 0:
            parts.append(f"{sheet.get('name', '')}\n{_sheet_text(package, rel[1], shared, budget)}".strip())
    return Extracted("\n\n".join(p for p in parts if p), "xlsx", title=package.title(_CORE))
