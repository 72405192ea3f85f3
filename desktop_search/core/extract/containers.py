"""Zip packages (OOXML, ODF, EPUB) read with a decompression budget, and XML parsed without entities."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator

from lxml import etree

from desktop_search.core.extract import MB, ExtractionFailed, ExtractLimits
from desktop_search.core.extract.titles import DC_TITLE

MAX_MEMBERS = 20_000
_READ_BLOCK = 1024 * 1024

# No DTDs, no entity expansion, no network: XXE and billion-laughs payloads cannot do anything.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True
)


class Package:
    """A zip archive whose members are read under one budget of decompressed bytes."""

    def __init__(self, data: bytes, kind: str, limits: ExtractLimits) -> None:
        self.kind = kind
        self.limit = limits.max_unzipped_bytes
        self.budget = limits.max_unzipped_bytes
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
            raise self.damaged("not a valid zip archive") from exc
        if len(infos) > MAX_MEMBERS:
            raise self.damaged(f"more than {MAX_MEMBERS} parts")
        self.names = {info.filename for info in infos}

    def damaged(self, why: str) -> ExtractionFailed:
        return ExtractionFailed("failed", f"damaged {self.kind.upper()} file ({why})", self.kind)

    def _bomb(self) -> ExtractionFailed:
        return ExtractionFailed(
            "failed", f"unpacks to more than the {self.limit // MB} MB limit (zip bomb?)", self.kind
        )

    def read(self, name: str) -> bytes | None:
        """A member's bytes, or None when missing; counts actual bytes, since declared sizes can lie."""
        if name not in self.names:
            return None
        info = self.zip.getinfo(name)
        if info.file_size > self.budget:
            raise self._bomb()
        out = bytearray()
        try:
            with self.zip.open(info) as member:
                while block := member.read(_READ_BLOCK):
                    out += block
                    if len(out) > self.budget:
                        raise self._bomb()
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise (MemoryError(str(exc)) if out_of_memory(exc) else self.damaged(f"{name}: {exc}")) from exc
        except NotImplementedError as exc:
            raise self.damaged(f"{name} uses an unsupported compression") from exc
        except RuntimeError as exc:  # zipfile raises this for encrypted members
            raise ExtractionFailed("failed", f"password-protected {self.kind.upper()} file", self.kind) from exc
        self.budget -= len(out)
        return bytes(out)

    def xml(self, name: str) -> etree._Element | None:
        data = self.read(name)
        return None if data is None else parse_xml(data, self)

    def title(self, part: str) -> str:
        """The Dublin Core title in a metadata part (docProps/core.xml, meta.xml, an EPUB's OPF); a damaged
        or missing part has none, and never fails the document."""
        try:
            root = self.xml(part)
        except ExtractionFailed:
            return ""
        found = root.find(f".//{DC_TITLE}") if root is not None else None
        return "".join(found.itertext()) if found is not None else ""

    def matching(self, prefix: str, suffix: str) -> Iterator[str]:
        return (n for n in sorted(self.names) if n.startswith(prefix) and n.endswith(suffix))


def parse_xml(data: bytes, package: Package) -> etree._Element:
    """Parse one XML part; entity declarations are refused outright (no office format needs them)."""
    if b"<!ENTITY" in data:
        raise package.damaged("XML with entity declarations, refused as unsafe")
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise (MemoryError(str(exc)) if out_of_memory(exc) else package.damaged(f"invalid XML: {exc}")) from exc


def out_of_memory(exc: Exception) -> bool:
    """Whether a parser failed for want of memory (the worker's cap) rather than because of the file: libxml2
    and zlib report that as a parse error ("unknown error", "insufficient memory"), which read as damage."""
    if isinstance(exc, etree.XMLSyntaxError):
        return bool(exc.code == etree.ErrorTypes.ERR_NO_MEMORY)
    return isinstance(exc, zlib.error) and "insufficient memory" in str(exc)


def local(tag: object) -> str:
    """The name of a tag without its namespace ("{ns}p" -> "p"); comments and PIs have no name."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def resolve(base: str, target: str) -> str:
    """A relationship target relative to the part `base` (both zip paths), as a zip member name."""
    from posixpath import dirname, join, normpath
    from urllib.parse import unquote

    target = unquote(target)
    if target.startswith("/"):
        return target.lstrip("/")
    return normpath(join(dirname(base), target))
