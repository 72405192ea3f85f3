"""EPUB e-books: the XHTML chapters in spine (reading) order."""

from __future__ import annotations

import posixpath

from desktop_search.core.extract import Extracted, ExtractLimits
from desktop_search.core.extract.containers import Package, local, resolve
from desktop_search.core.extract.html import html_text

_HTML_TYPES = {"application/xhtml+xml", "text/html"}


def _opf_name(package: Package) -> str | None:
    container = package.xml("META-INF/container.xml")
    if container is None:
        return None
    for el in container.iter():
        full_path = el.get("full-path") if local(el.tag) == "rootfile" else None
        if full_path:
            return str(full_path)
    return None


def _spine(package: Package) -> list[str]:
    """Chapter member names in reading order; every HTML member by name when the package file is broken."""
    opf_name = _opf_name(package)
    opf = package.xml(opf_name) if opf_name else None
    if opf is None or opf_name is None:
        return [n for n in sorted(package.names) if n.lower().endswith((".xhtml", ".html", ".htm"))]
    manifest = {
        el.get("id"): resolve(opf_name, el.get("href") or "")
        for el in opf.iter()
        if local(el.tag) == "item" and el.get("media-type") in _HTML_TYPES
    }
    order = [
        manifest[el.get("idref")] for el in opf.iter() if local(el.tag) == "itemref" and el.get("idref") in manifest
    ]
    return [name for name in order if name in package.names]


def extract_epub(data: bytes, limits: ExtractLimits) -> Extracted:
    package = Package(data, "epub", limits)
    chapters = []
    for name in _spine(package):
        chapter = package.read(name)
        if chapter:
            chapters.append(html_text(chapter, keep_title=False))
    if not chapters and not any(posixpath.basename(n) == "container.xml" for n in package.names):
        raise package.damaged("no META-INF/container.xml")
    opf_name = _opf_name(package)
    title = package.title(opf_name) if opf_name else ""
    return Extracted("\n\n".join(c for c in chapters if c), "epub", title=title)
