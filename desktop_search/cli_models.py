"""The `models` (list, download, import) and `context refresh` commands."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_search.embed.catalog import CATALOG, ModelSpec, installed_dir
from desktop_search.errors import UserError

if TYPE_CHECKING:
    from desktop_search.records import LibraryStatus
    from desktop_search.services import Services


def add_parsers(sub: Any) -> None:
    models = sub.add_parser("models", help="list the models, download or import one")
    models.add_argument("--json", action="store_true", help="print the list as JSON")
    msub = models.add_subparsers(dest="models_command", metavar="ACTION")
    download = msub.add_parser("download", help="download a model from the Hugging Face hub (pinned, verified)")
    download.add_argument("model_id", metavar="ID")
    imp = msub.add_parser("import", help="copy a model in from a folder (for machines without network)")
    imp.add_argument("model_id", metavar="ID")
    imp.add_argument("folder", metavar="FOLDER")
    context = sub.add_parser("context", help="contextual models: the per-library context")
    csub = context.add_subparsers(dest="context_command", metavar="ACTION", required=True)
    refresh = csub.add_parser("refresh", help="sample a new context and re-embed in the background, then switch")
    refresh.add_argument("--library", help="only this library (default: every library with a contextual model)")


def _backend_here(services: Services, spec: ModelSpec, device: str) -> str | None:
    """The embedding backend that would run the model on this machine, with these settings."""
    from desktop_search.embed.loader import backend_for  # imports NumPy: not at every command's start

    try:
        return backend_for(spec, device, services.settings.backend).name
    except UserError:
        return None


def _model_rows(services: Services) -> list[dict[str, object]]:
    from desktop_search.embed.device import resolve_device

    rows = []
    device = resolve_device(services.settings.device)
    for spec in CATALOG.values():
        folder = installed_dir(spec, services.settings.models_dir)
        rows.append(
            {
                "id": spec.id,
                "repo": spec.repo,
                "revision": spec.revision,
                "dim": spec.dim,
                "size_mb": spec.size_mb,
                "contextual": spec.contextual,
                "prefixes": [spec.query_prefix, spec.document_prefix],
                "max_tokens": spec.max_tokens,
                "licence": spec.licence,
                "languages": spec.languages,
                "remote": spec.endpoint.url if spec.endpoint else None,  # passages are sent there
                "agreed": spec.endpoint.consented if spec.endpoint else None,
                "installed": str(folder) if folder else None,
                "backend": _backend_here(services, spec, device),  # e.g. openvino-int8 on a CPU with VNNI
            }
        )
    return rows


def cmd_models(services: Services, args: argparse.Namespace) -> int:
    action = getattr(args, "models_command", None)
    if action == "download":
        return _download(services, args.model_id)
    if action == "import":
        from desktop_search.embed.model_import import import_model

        folder = import_model(args.model_id, Path(args.folder).expanduser(), services.settings.models_dir)
        print(f"Imported {args.model_id} into {folder}.")
        return 0
    rows = _model_rows(services)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for r in rows:
        kind = "remote" if r["remote"] else "contextual" if r["contextual"] else "bi-encoder"
        where = "installed" if r["installed"] else "not installed"
        if r["remote"]:
            where = "agreed" if r["agreed"] else "not agreed: nothing is sent until `remote consent`"
        print(f"{r['id']:<22} {r['dim']:>4}d  {r['size_mb']:>5} MB  {kind:<10}  {where}   ({r['repo']})")
        print(f"{'':<22} languages: {r['languages']}; runs on: {r['backend'] or 'nothing installed here'}")
    print("Get one with `desktop-search models download ID` or `desktop-search models import ID FOLDER`.")
    return 0


def _download(services: Services, model_id: str) -> int:
    from tqdm import tqdm

    from desktop_search.embed.download import download_model

    with tqdm(total=0, unit="B", unit_scale=True, unit_divisor=1024, desc=model_id, file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            folder = download_model(model_id, services.settings.models_dir, progress)
        except KeyboardInterrupt:
            print("Interrupted; run the same command again to resume.", file=sys.stderr)
            return 130
    print(f"Downloaded {model_id} into {folder}.")
    return 0


def cmd_context(services: Services, args: argparse.Namespace) -> int:
    from desktop_search.embed.catalog import get_spec

    libraries = [lib for lib in services.libraries.select(args.library) if get_spec(lib.model_id).contextual]
    if not libraries:
        raise UserError("No library uses a contextual model (cde-small-v2, cde-small-v1); nothing to refresh.")
    indexer = services.indexer()
    for library in libraries:
        final = None
        for progress in indexer.run(library, refresh_context=True):
            final = progress
        if final is not None and final.phase == "done":
            print(f"{library.name}: new context in use ({final.chunks_done} chunks embedded).")
    return 0


def context_json(s: LibraryStatus) -> dict[str, object]:
    """The status fields of a library's CDE context (null for bi-encoder libraries)."""
    sampled = datetime.fromtimestamp(s.context_sampled_at).isoformat() if s.context_sampled_at else None
    return {
        "context_size": s.context_size,
        "context_sampled": sampled,
        "context_files": s.context_files,
        "context_staleness": s.context_staleness,
        "rebuilding": s.rebuilding,
    }


def context_line(s: LibraryStatus) -> str | None:
    if s.context_size is None:
        return "  context: being built (new model)" if s.rebuilding else None
    when = datetime.fromtimestamp(s.context_sampled_at or 0).strftime("%Y-%m-%d %H:%M")
    stale = f"{(s.context_staleness or 0) * 100:.0f}% of files changed since"
    building = "; a new space is being built" if s.rebuilding else ""
    return f"  context: {s.context_size} chunks from {s.context_files} files, sampled {when}, {stale}{building}"


COMMANDS = {"models": cmd_models, "context": cmd_context}
