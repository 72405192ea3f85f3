"""Rich Text Format via striprtf, in the code page the document declares."""

from __future__ import annotations

import codecs
import contextlib
import re

from striprtf.striprtf import rtf_to_text

from desktop_search.core.extract import Extracted, ExtractionFailed, ExtractLimits
from desktop_search.core.extract.ooxml import tidy
from desktop_search.core.extract.text import normalise_newlines

_CODE_PAGE = re.compile(rb"\\ansicpg(\d+)")


def extract_rtf(data: bytes, limits: ExtractLimits) -> Extracted:
    if not data.lstrip().startswith(b"{\\rtf"):
        raise ExtractionFailed("failed", "not an RTF file (no {\\rtf header)", "rtf")
    match = _CODE_PAGE.search(data[:4096])
    encoding = "cp1252"
    if match:
        with contextlib.suppress(LookupError):
            encoding = codecs.lookup(f"cp{int(match.group(1))}").name
    # RTF is 7-bit ASCII with escapes; latin-1 maps every byte, striprtf decodes \'xx in `encoding`.
    text: str = rtf_to_text(data.decode("latin-1"), encoding=encoding, errors="replace")  # type: ignore[no-untyped-call]
    return Extracted(tidy(normalise_newlines(text)), "rtf")
