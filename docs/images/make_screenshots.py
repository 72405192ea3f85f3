"""Rebuild the README screenshots: a demo folder (SciFact abstracts and a few notes), indexed, then `gui --screenshot`.

Usage: python docs/images/make_screenshots.py [WORKDIR]   (on Linux without a display: under `xvfb-run -a`)
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCIFACT = REPO.parent / "shared" / "data" / "scifact"
IMAGES = REPO / "docs" / "images"
QUERY = "does vitamin D supplementation prevent fractures in older people"

NOTES = {
    "Notes/meeting-2024-03-12.md": "# Team meeting\n\nWe agreed to move the database cluster to the new cloud provider "
    "after the load tests. Anna drafts the migration plan; rollback stays possible for two weeks.\n",
    "Notes/reading-list.md": "# Reading list\n\n- Bone health in older adults (review)\n"
    "- Sleep and memory consolidation\n- Statins for primary prevention: who benefits?\n",
    "Notes/invoice-INV-2023-0042.txt": "Invoice INV-2023-0042\n\nBilled to ACME Corporation for consulting services "
    "delivered in March. Amount due: 4,200 EUR. Payment within 30 days.\n",
}


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:70] or "untitled"


def write_abstracts(folder: Path, count: int, skip: int = 0) -> None:
    relevant = set()
    with open(SCIFACT / "qrels" / "test.tsv", encoding="utf-8") as f:
        relevant = {row["corpus-id"] for row in csv.DictReader(f, delimiter="\t")}
    written = 0
    with open(SCIFACT / "corpus.jsonl", encoding="utf-8") as f:
        for n, line in enumerate(f):
            doc = json.loads(line)
            if n < skip or (doc["_id"] not in relevant and n % 7):
                continue
            path = folder / f"{slug(doc['title'])}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"{doc['title']}\n\n{doc['text']}\n", encoding="utf-8")
            written += 1
            if written >= count:
                return


def cli(home: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "desktop_search", "--home", str(home), *args], check=True)


def main() -> int:
    work = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/desktop-search-demo").resolve()
    shutil.rmtree(work, ignore_errors=True)
    docs, home = work / "Documents", work / "home"
    write_abstracts(docs / "Papers", 200)
    for relative, text in NOTES.items():
        (docs / relative).parent.mkdir(parents=True, exist_ok=True)
        (docs / relative).write_text(text, encoding="utf-8")
    cli(home, "add", str(docs), "--library", "Documents")
    cli(home, "index")
    cli(home, "gui", "--query", QUERY, "--screenshot", str(IMAGES / "main-window.png"))
    write_abstracts(work / "Archive", 300, skip=2000)
    cli(home, "add", str(work / "Archive"), "--library", "Old papers")
    cli(home, "gui", "--view", "libraries", "--screenshot", str(IMAGES / "library-manager.png"))
    shot = str(IMAGES / "indexing.png")
    cli(home, "gui", "--view", "indexing", "--query", "sleep and memory", "--screenshot", shot)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
