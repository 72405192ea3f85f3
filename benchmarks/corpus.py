"""A real folder for the robustness benchmarks: files from /usr/share/doc, plus generated PDFs and Word files.

Usage: python benchmarks/corpus.py DEST [--files 400] [--generated 40]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the generators live with the tests

from tests.core.extract.samples import make_docx, make_pdf  # noqa: E402

SOURCE = Path("/usr/share/doc")
TEXT_SUFFIXES = {"", ".txt", ".md", ".rst", ".html", ".htm", ".c", ".h", ".py", ".pl", ".sh", ".Debian", ".xml"}
MAX_BYTES = 200_000

# Questions a person might put to a folder of software documentation.
QUERIES = [
    "license terms for redistribution",
    "copyright",
    "how do I configure it",
    "reporting a bug",
    "what changed in this release",
    "installation instructions",
    "GNU General Public License",
    "example usage",
    "security vulnerability fix",
    "upstream author contact",
    "compile from source",
    "character encoding",
    "network protocol",
    "memory leak",
    "command line options",
    "deprecated function",
    "thread safety",
    "unicode",
    "documentation for developers",
    "warranty disclaimer",
]


def build_corpus(dest: Path, files: int = 400, generated: int = 40, seed: int = 0) -> dict[str, int]:
    """Copy a fixed sample of `files` text files from /usr/share/doc into `dest` and write `generated`
    PDFs and Word documents made of their lines; returns the counts."""
    rng = random.Random(seed)
    candidates = sorted(
        p
        for p in SOURCE.rglob("*")
        if p.is_file() and not p.is_symlink() and p.suffix in TEXT_SUFFIXES and 0 < p.stat().st_size <= MAX_BYTES
    )
    chosen = rng.sample(candidates, min(files, len(candidates)))
    lines: list[str] = []
    for path in chosen:
        target = dest / "doc" / path.relative_to(SOURCE)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        text = path.read_bytes().decode("utf-8", "replace")
        lines += [line.strip() for line in text.splitlines() if 20 <= len(line.strip()) <= 90 and line.isprintable()]
    pdfs = docx = 0
    for n in range(generated):
        picked = [rng.choice(lines) for _ in range(60)] if lines else [f"generated document {n}"] * 60
        folder = dest / "generated"
        folder.mkdir(parents=True, exist_ok=True)
        if n % 2:
            pages = [
                [line.encode("cp1252", "replace").decode("cp1252") for line in picked[i : i + 20]] for i in (0, 20, 40)
            ]
            (folder / f"report-{n:03d}.pdf").write_bytes(make_pdf(pages))
            pdfs += 1
        else:
            (folder / f"notes-{n:03d}.docx").write_bytes(make_docx(picked))
            docx += 1
    return {"copied": len(chosen), "pdf": pdfs, "docx": docx}


def library_of_corpus(tmp: Path, files: int, generated: int) -> tuple[Path, Path, dict[str, int]]:
    """A data folder whose one library holds a fresh corpus: (home, folder, counts)."""
    from desktop_search.services import build_services
    from desktop_search.settings import Settings

    home, folder = tmp / "home", tmp / "folder"
    counts = build_corpus(folder, files, generated)
    services = build_services(Settings(home=home))
    services.libraries.add_folders([str(folder)])
    services.close()
    return home, folder, counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--generated", type=int, default=40)
    args = parser.parse_args()
    print(json.dumps(build_corpus(args.dest, args.files, args.generated)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
