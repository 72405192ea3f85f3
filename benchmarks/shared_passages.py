"""Tokens embedding each distinct passage once saves: a whole folder, then one paragraph of a long file edited.

Usage: python benchmarks/shared_passages.py FOLDER --edit FILE [--model ID] [--home DIR]

The folder is indexed with the model's tokenizer and chunker but hash vectors (`index_folder.py --count`),
so a large folder takes minutes. `FILE` (a text or Markdown file inside FOLDER) then gets one sentence added
to its middle paragraph and the folder is indexed again. Printed as JSON for both runs: the tokens the model
was given (`tokens_embedded`) and the tokens of every chunk stored (`tokens_every_chunk`, what was embedded
before passages were shared: each new chunk once, repeated text or not). FILE is edited in place: use a copy.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from index_folder import counting_embedder  # noqa: E402

from desktop_search.embed.catalog import DEFAULT_MODEL  # noqa: E402
from desktop_search.services import Services, build_services  # noqa: E402
from desktop_search.settings import Settings  # noqa: E402


def _cpu_s() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _chunk_tokens(services: Services, overhead: int, since_chunk: int = 0) -> tuple[int, int, int]:
    """(chunks, distinct texts, tokens with special tokens) of the chunks with an id above `since_chunk`."""
    row = services.store.conn.execute(
        "SELECT count(*), count(DISTINCT text), coalesce(sum(n_tokens), 0) FROM chunks WHERE id > ?", (since_chunk,)
    ).fetchone()
    return int(row[0]), int(row[1]), int(row[2]) + overhead * int(row[0])


def _edit_middle_paragraph(path: Path) -> None:
    paragraphs = path.read_text(encoding="utf-8").split("\n\n")
    middle = len(paragraphs) // 2
    paragraphs[middle] += " This paragraph was edited."
    path.write_text("\n\n".join(paragraphs), encoding="utf-8")


def _index(services: Services) -> dict[str, object]:
    indexer = services.indexer()
    library = services.libraries.get("bench")
    before = indexer.times.tokens_embedded
    last_chunk = services.store.conn.execute("SELECT coalesce(max(id), 0) FROM chunks").fetchone()[0]
    c0, t0 = _cpu_s(), time.perf_counter()
    for progress in indexer.run(library):
        final = progress
    wall, cpu = time.perf_counter() - t0, _cpu_s() - c0
    embedder = services.embedders(library.model_id)
    chunks, distinct, every = _chunk_tokens(services, embedder.overhead_tokens, int(last_chunk))
    embedded = indexer.times.tokens_embedded - before
    return {
        "files": final.files_done,
        "new_chunks": chunks,
        "distinct_texts_among_them": distinct,
        "tokens_every_chunk": every,
        "tokens_embedded": embedded,
        "tokens_saved": f"{(every - embedded) / every:.1%}" if every else None,
        "seconds": {"wall": round(wall, 1), "cpu": round(cpu, 1)},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--edit", type=Path, required=True, help="a long text file inside FOLDER (edited in place)")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--home", type=Path, help="keep the index here (default: a temporary folder)")
    args = parser.parse_args()

    with ExitStack() as stack:
        home = args.home or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ds-shared-")))
        settings = Settings(home=home, device="cpu")
        services = build_services(settings, counting_embedder(args.model, settings.models_dir))
        stack.callback(services.close)
        services.libraries.add_folders([str(args.folder)], "bench", args.model)
        load = os.getloadavg()[0]
        folder = _index(services)
        _edit_middle_paragraph(args.edit)
        edit = _index(services)
        edit["file"] = str(args.edit)
        report = {
            "folder": str(args.folder),
            "model": args.model + " (counted, hash vectors)",
            "load_average_before_after": [round(load, 1), round(os.getloadavg()[0], 1)],
            "folder_run": folder,
            "edit_run": edit,
        }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
