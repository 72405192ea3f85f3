"""The `ocr` command: read pictures and scanned PDF pages of a library with OCR, or stop."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from desktop_search.settings import with_ocr

if TYPE_CHECKING:
    from desktop_search.services import Services

# benchmarks/ocr_speed.py on the 2-core development machine: an A4 page of 24 lines at 150 dpi, one thread.
COST = "about 5 CPU-seconds a page"


def add_parsers(sub: Any) -> None:
    ocr = sub.add_parser("ocr", help="read pictures and scanned PDF pages with OCR (per library; off by default)")
    ocr.add_argument("state", choices=("on", "off"))
    ocr.add_argument("--library", help="only this library (default: every library)")


def set_ocr(services: Services, library: str | None, enabled: bool) -> list[str]:
    """Turn OCR on or off for a library (or all), save the setting and queue the affected files; messages."""
    chosen = services.libraries.select(library)
    every = [lib.name for lib in services.libraries.select(None)]
    setting = services.settings.ocr
    messages = []
    for lib in chosen:
        setting = with_ocr(setting, lib.name, enabled, every)
        files = services.store.look_again_for_ocr(lib.id)
        state = "on" if enabled else "off"
        messages.append(f"OCR {state} for library '{lib.name}': {files} pictures and PDFs to look at again.")
    services.settings = services.settings.with_changes(ocr=setting)
    services.settings.save()
    return messages


def cmd_ocr(services: Services, args: argparse.Namespace) -> int:
    for message in set_ocr(services, args.library, args.state == "on"):
        print(message)
    if args.state == "on":
        print(f"Run `desktop-search index` to read them. OCR is slow: {COST} on a 2-core CPU.")
    return 0


COMMANDS = {"ocr": cmd_ocr}
