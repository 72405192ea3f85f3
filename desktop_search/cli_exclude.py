"""The `exclude` command: list what a library skips, add patterns, or remove them (the library manager's Skip box)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from desktop_search.core.generated import GENERATED

if TYPE_CHECKING:
    from desktop_search.services import Services

MEANING = {GENERATED: "machine-made text: a long line of code or data with hardly any spaces (minified files)"}


def add_parsers(sub: Any) -> None:
    exclude = sub.add_parser("exclude", help="list, add or remove what a library skips (name patterns, <generated>)")
    exclude.add_argument("patterns", nargs="*", metavar="PATTERN", help="file or folder name patterns to skip")
    exclude.add_argument("--remove", nargs="+", default=[], metavar="PATTERN", help="stop skipping these")
    exclude.add_argument("--library", help="only this library (default: every library)")


def cmd_exclude(services: Services, args: argparse.Namespace) -> int:
    libraries = services.libraries.select(args.library)
    if not libraries:
        print("No libraries yet. Add a folder: desktop-search add PATH")
    for library in libraries:
        if args.patterns or args.remove:
            unknown = [p for p in args.remove if p not in library.exclusions]
            if unknown:
                print(f"'{library.name}' does not skip {', '.join(unknown)}")
            kept = [p for p in library.exclusions if p not in args.remove]
            print(services.libraries.set_exclusions(library.name, kept + [p for p in args.patterns if p not in kept]))
            library = services.libraries.get(library.name)
        print(f"Library '{library.name}' skips:")
        for pattern in library.exclusions:
            print(f"  {pattern}" + (f"  ({MEANING[pattern]})" if pattern in MEANING else ""))
    if (args.patterns or args.remove) and libraries:
        print("Run `desktop-search index` to apply them: files now skipped leave the index, others are added.")
    return 0


COMMANDS = {"exclude": cmd_exclude}
