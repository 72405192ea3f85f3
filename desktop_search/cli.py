"""The `desktop-search` command line."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from desktop_search import __version__, cli_exclude, cli_models, cli_ocr, cli_remote, cli_watch
from desktop_search.core.filters import FilterValueError, search_filter
from desktop_search.core.libraries import DEFAULT_LIBRARY
from desktop_search.core.query import SYNTAX, searchable
from desktop_search.core.search import MODES, SORTS, SearchOptions
from desktop_search.core.snippets import Snippet, mark
from desktop_search.errors import UserError
from desktop_search.records import Hit, LibraryStatus, Progress
from desktop_search.services import Services, build_services
from desktop_search.settings import Settings, resolve_home

log = logging.getLogger("desktop_search")


def _global_options(parser: argparse.ArgumentParser, default: object = None) -> None:
    """--home and --device: given before the command, or after it (argparse.SUPPRESS keeps one given before)."""
    parser.add_argument(
        "--home",
        metavar="DIR",
        default=default,
        help="data folder (default: $DESKTOP_SEARCH_HOME or the user data dir)",
    )
    parser.add_argument(
        "--device", choices=("auto", "cpu", "cuda", "mps"), default=default, help="where the model runs"
    )


def _query(text: str) -> str:
    if not searchable(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} has no letter or digit to search for" if text.strip() else "the query is empty"
        )
    return text


def _positive(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


class _Unused:
    """Takes the options of a command that is not on the command line, and keeps none of them."""

    def add_argument(self, *args: Any, **kwargs: Any) -> None:
        pass

    def add_subparsers(self, **kwargs: Any) -> _Unused:
        return self

    def add_parser(self, name: str, **kwargs: Any) -> _Unused:
        return self


class _Commands:
    """The commands' subparsers, each with its options only when its name is one of `named`.

    argparse picks a command by its exact name, so the command that runs is always named on the command line;
    the others need a name and a help line (`--help` lists them), not their options. Building every option (over
    100, each looking up its translation) was most of the time a start spent in argparse."""

    def __init__(self, sub: Any, named: Collection[str] | None) -> None:
        self.sub = sub
        self.named = named
        self.built: list[argparse.ArgumentParser] = []

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        parser = self.sub.add_parser(name, **kwargs)
        if self.named is not None and name not in self.named:
            return _Unused()
        self.built.append(parser)
        return parser


def _parser(named: Collection[str] | None = None) -> argparse.ArgumentParser:
    """Malformed command lines (an unknown option, an empty query, --limit 0) exit 2 with the usage line, as
    argparse does; an error the command meets (a missing folder, an unknown library) exits 1.

    `named`: the words of the command line; only the commands among them get their options (see _Commands).
    None: every command in full."""
    p = argparse.ArgumentParser(prog="desktop-search", description="Private, offline search of your own folders.")
    _global_options(p)
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("--self-test", action="store_true", help="index a bundled sample, run test queries, exit 0 or 1")
    sub = _Commands(p.add_subparsers(dest="command", metavar="COMMAND"), named)

    add = sub.add_parser("add", help="add folders to a library")
    add.add_argument("paths", nargs="+", metavar="PATH")
    add.add_argument("--library", default=DEFAULT_LIBRARY)
    add.add_argument("--model", help="model for a new library (see README)")
    add.add_argument(
        "--follow-links",
        action=argparse.BooleanOptionalAction,
        help="index symbolic links wherever they point (default: only links into the library's folders)",
    )

    index = sub.add_parser("index", help="bring the index up to date and exit")
    index.add_argument("--library", help="only this library (default: all)")
    index.add_argument("--retry-failed", action="store_true", help="look again at files that failed")

    search = sub.add_parser(
        "search",
        help="search the index",
        epilog="query syntax:\n" + "\n".join(f"  {typed:<40} {finds}" for typed, finds in SYNTAX),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    search.add_argument("query", type=_query)
    search.add_argument("--library", help="only this library (default: all)")
    search.add_argument("--limit", type=_positive, default=10, help="at most this many results (default 10)")
    search.add_argument("--mode", choices=MODES, default="hybrid")
    search.add_argument("--folder", action="append", default=[], help="only files below this folder (repeatable)")
    search.add_argument("--type", action="append", default=[], help="only this file type: pdf, document, docx... ")
    search.add_argument("--since", metavar="DATE", help="modified on or after: 2024-03-01, 2024-03, 30d, today")
    search.add_argument("--until", metavar="DATE", help="modified on or before: 2024-06-30, 2024, 1y")
    search.add_argument("--sort", choices=SORTS, default="relevance", help="order of the results")
    search.add_argument("--json", action="store_true", help="print a JSON list")

    status = sub.add_parser("status", help="libraries, folders, counts and failed files")
    status.add_argument("--library")
    status.add_argument("--json", action="store_true")

    remove = sub.add_parser("remove", help="stop indexing a folder and drop its data")
    remove.add_argument("path")
    remove.add_argument("--library", default=DEFAULT_LIBRARY)

    gui = sub.add_parser("gui", help="open the desktop window")
    gui.add_argument("--query", help="search for this at start")
    gui.add_argument("--screenshot", metavar="FILE.png", help="save a picture of the window when ready, then exit")
    gui.add_argument("--view", choices=("main", "libraries", "indexing"), default="main", help="--screenshot of what")
    gui.add_argument("--hidden", action="store_true", help="start in the system tray (used at login)")
    cli_watch.add_parsers(sub)
    cli_models.add_parsers(sub)
    cli_exclude.add_parsers(sub)
    cli_ocr.add_parsers(sub)
    cli_remote.add_parsers(sub)
    for command in sub.built:
        _global_options(command, argparse.SUPPRESS)
    return p


def _when(timestamp: float | None) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M") if timestamp else "never"


PAUSED = "Indexing is paused until `desktop-search resume`."


def _progress_bar(progress: Iterator[Progress], out: TextIO) -> list[Progress]:
    """Show progress on a terminal (quiet otherwise); returns each library's final report."""
    finals: list[Progress] = []
    bar = None
    show = out.isatty()
    paused = False
    for p in progress:
        if paused != (p.phase == "paused"):
            paused = not paused
            note = f"{PAUSED} Ctrl+C stops; the next run continues." if paused else "Resumed."
            if bar is None:
                print(note, file=out, flush=True)
            else:
                bar.write(note, file=out)
        if p.phase == "scan" and show:
            from tqdm import tqdm

            if bar is not None:
                bar.close()
            bar = tqdm(total=0, desc=f"{p.library}: scanning", unit="chunk", file=out, dynamic_ncols=True)
        elif p.phase == "index" and bar is not None:
            bar.total = p.chunks_total
            bar.n = p.chunks_done
            bar.set_description(f"{p.library}: {p.files_done}/{p.files_total} files", refresh=False)
            bar.set_postfix_str(f"{p.chunks_per_s:.1f} chunks/s", refresh=False)
            bar.refresh()
        elif p.phase == "done":
            finals.append(p)
    if bar is not None:
        bar.close()
    return finals


def cmd_index(services: Services, args: argparse.Namespace) -> int:
    from desktop_search.cli_stop import StopOnSignal  # signal handling loads only for the commands that stop

    indexer = services.indexer()
    cancel = threading.Event()
    libraries = services.libraries.select(args.library)
    if not libraries:
        raise UserError("No libraries yet. Add a folder first: desktop-search add PATH")

    def runs() -> Iterator[Progress]:
        for library in libraries:
            yield from indexer.run(library, cancel=cancel, retry_failed=args.retry_failed)

    interrupted = "Interrupted; the index is consistent and the next run continues."
    # SIGINT/SIGTERM end the run within moments (services.indexer() made this process the one writer).
    with StopOnSignal(cancel.set, interrupted, 130, sys.stderr):
        finals = _progress_bar(runs(), sys.stderr)
    for p in finals:
        for message in p.messages:
            print(f"warning: {message}", file=sys.stderr)
        print(f"{p.library}: {p.files_done} files looked at, {p.chunks_done} chunks embedded, {p.failed} failed.")
    return 0


def _modified(hit: Hit) -> datetime:
    return datetime.fromtimestamp(hit.mtime_ns / 1e9)


def _hit_json(hit: Hit) -> dict[str, object]:
    return {
        "path": hit.path,
        "title": hit.title or None,
        "score": round(hit.score, 6),
        "snippet": mark(Snippet(hit.snippet, hit.highlights)),
        "page": hit.page,
        "start": hit.start,
        "end": hit.end,
        "library": hit.library,
        "kind": hit.kind,
        "modified": _modified(hit).isoformat(timespec="seconds"),
    }


def cmd_search(services: Services, args: argparse.Namespace) -> int:
    libraries = services.libraries.select(args.library)
    try:
        folders = [str(Path(f).expanduser().resolve()) for f in args.folder]
        flt = search_filter(folders=folders, types=args.type, since=args.since, until=args.until)
    except FilterValueError as exc:
        raise UserError(str(exc)) from exc
    options = SearchOptions(mode=args.mode, limit=args.limit, filter=flt, sort=args.sort)
    results = services.searcher().run(args.query, libraries, options)
    hits = results.hits
    for note in results.query.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.json:
        print(json.dumps([_hit_json(h) for h in hits], indent=2, ensure_ascii=False))
        return 0
    if not hits:
        why = {
            "keyword": "no indexed file contains its words",
            "dense": "no indexed file comes close to it in meaning",
            "hybrid": "no indexed file contains its words or comes close to it in meaning",
        }[args.mode]
        print(f"Nothing found for {args.query!r}: {why}.")
        return 0
    bold, plain = ("\033[1;33m", "\033[0m") if sys.stdout.isatty() else ("**", "**")
    for n, hit in enumerate(hits, start=1):
        page = f"  {'message' if hit.kind == 'mbox' else 'page'} {hit.page}" if hit.page else ""
        title = f"{hit.title} — " if hit.title else ""
        # the date shows why --sort date put a file where it is
        print(f"{n}. {title}{hit.path}{page}  (score {hit.score:.4f}, modified {_modified(hit):%Y-%m-%d})")
        print(f"   {mark(Snippet(hit.snippet, hit.highlights), bold, plain)}")
    return 0


def _status_json(s: LibraryStatus) -> dict[str, object]:
    return {
        "library": s.name,
        "model": s.model_id,
        "folders": list(s.folders),
        "files": s.files,
        "chunks": s.chunks,
        "embedded": s.embedded,
        "pending": s.pending,
        "failed": s.failed,
        "skipped": s.skipped,
        "skipped_reasons": [{"reason": reason, "files": n} for reason, n in s.skipped_reasons],
        "failed_files": [{"path": f.path, "reason": f.error} for f in s.failed_files],
        "partial_files": [{"path": f.path, "note": f.error} for f in s.partial_files],
        "ocr_files": [{"path": path, "pages": pages} for path, pages in s.ocr_files],
        "last_indexed": datetime.fromtimestamp(s.last_indexed_at).isoformat() if s.last_indexed_at else None,
        "follow_links": s.follow_links,
        **cli_models.context_json(s),
    }


def cmd_status(services: Services, args: argparse.Namespace) -> int:
    statuses = services.libraries.status(args.library)
    if args.json:
        shown = [
            {**_status_json(s), "ocr": services.settings.ocr_on(s.name), "remote": cli_remote.remote_url(s.model_id)}
            for s in statuses
        ]
        print(json.dumps(shown, indent=2, ensure_ascii=False))
        return 0
    if not statuses:
        print("No libraries yet. Add a folder: desktop-search add PATH")
    elif services.pause.paused:
        print(PAUSED)
    for s in statuses:
        ocr = "  OCR on" if services.settings.ocr_on(s.name) else ""
        print(f"Library '{s.name}'  model {s.model_id}  last indexed {_when(s.last_indexed_at)}{ocr}")
        print(f"  folders: {', '.join(s.folders) or 'none'}")
        if s.follow_links:
            print("  follows symbolic links wherever they point")
        print(f"  files: {s.files} indexed, {s.failed} failed, {s.skipped} skipped")
        print(f"  chunks: {s.chunks} ({s.embedded} embedded, {s.pending} waiting)")
        if url := cli_remote.remote_url(s.model_id):
            print(f"  embedded on {url}: passages and queries leave this machine for that address")
        if line := cli_models.context_line(s):
            print(line)
        for f in s.failed_files:
            print(f"  failed: {f.path}: {f.error}")
        for f in s.partial_files:
            print(f"  partly indexed: {f.path}: {f.error}")
        for reason, n in s.skipped_reasons:
            print(f"  skipped: {n} file{'s' if n > 1 else ''}: {reason}")
        for path, pages in s.ocr_files:
            print(f"  read by OCR: {path} ({pages} page{'s' if pages > 1 else ''})")
    return 0


def cmd_add(services: Services, args: argparse.Namespace) -> int:
    for message in services.libraries.add_folders(args.paths, args.library, args.model, args.follow_links):
        print(message)
    print("Run `desktop-search index` to index it.")
    return 0


def cmd_remove(services: Services, args: argparse.Namespace) -> int:
    print(services.libraries.remove_folder(args.path, args.library))
    return 0


def cmd_gui(home: Path, args: argparse.Namespace) -> int:
    """The window opens its data folder itself: when it cannot, it asks for another one instead of failing."""
    from desktop_search.gui.app import GuiOptions, gui_main  # Qt is imported only for the window

    screenshot = getattr(args, "screenshot", None)  # absent when `desktop-search` runs with no command
    options = GuiOptions(
        query=getattr(args, "query", None),
        screenshot=Path(screenshot) if screenshot else None,
        view=getattr(args, "view", "main"),
        hidden=getattr(args, "hidden", False),
    )
    return gui_main(home, args.device, options)


READ_ONLY_COMMANDS = {"search", "status"}  # these open the index read-only, so a read-only data folder works
COMMANDS = {
    "add": cmd_add,
    "index": cmd_index,
    "search": cmd_search,
    "status": cmd_status,
    "remove": cmd_remove,
    **cli_watch.COMMANDS,
    **cli_models.COMMANDS,
    **cli_exclude.COMMANDS,
    **cli_ocr.COMMANDS,
    **cli_remote.COMMANDS,
}


def main(argv: Sequence[str] | None = None) -> int:
    if getattr(sys, "frozen", False):  # extraction workers re-enter a frozen app's main; a no-op otherwise
        import multiprocessing

        multiprocessing.freeze_support()
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser(set(argv)).parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if (args.command or "gui") == "gui" and not args.self_test:
        return cmd_gui(resolve_home(args.home), args)
    try:
        settings = Settings.load(resolve_home(args.home))
        if args.device:
            settings = settings.with_changes(device=args.device)
        if args.self_test:
            from desktop_search.selftest import main as self_test

            return self_test(settings.device)
        services = build_services(settings, readonly=args.command in READ_ONLY_COMMANDS)
        try:
            code = COMMANDS[args.command](services, args)
            sys.stdout.flush()  # a closed pipe shows here rather than in the interpreter's last flush
            return code
        finally:
            services.close()
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl+C while starting, before a command listens for it
        return 130
    except BrokenPipeError:  # `search --json | head`: the reader has what it wanted
        # Later writes (the final flush at exit) would fail again: send them nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + 13  # as a command killed by SIGPIPE, which is what a shell reports for other tools
