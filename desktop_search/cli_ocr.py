"""The `ocr` command: read pictures and scanned PDF pages of a library with OCR, or stop."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from desktop_search.settings import OCR_COST

if TYPE_CHECKING:
    from desktop_search.services import Services


def add_parsers(sub: Any) -> None:
    ocr = sub.add_parser("ocr", help="read pictures and scanned PDF pages with OCR (per library; off by default)")
    ocr.add_argument("state", choices=("on", "off"))
    ocr.add_argument("--library", help="only this library (default: every library)")


def cmd_ocr(services: Services, args: argparse.Namespace) -> int:
    for message in services.set_ocr(args.library, args.state == "on"):
        print(message)
    if args.state == "on":
        print(f"Run `desktop-search index` to read them. OCR is slow: {OCR_COST} on a 2-core CPU.")
    return 0


COMMANDS = {"ocr": cmd_ocr}
