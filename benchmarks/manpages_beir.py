"""Build a second BEIR-format collection offline from this machine's manual pages (known-item search).

Usage: python benchmarks/manpages_beir.py DEST [--sections 1 5 7 8] [--queries 300] [--max-chars 3000] [--seed 17]

Each page (gcloud's 16k generated pages and links left out) becomes a document: its name as the title and
its rendered text after the NAME section, cut at --max-chars. A query is a page's one-line description from
NAME ("list directory contents" for ls), which the document no longer holds, so neither mode finds it by
copying; the page is its one relevant document. Descriptions shared by several pages or shorter than three
words are not asked. The set of pages depends on the installed packages: DEST/pages.txt lists them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

MAN = Path("/usr/share/man")
NAME_LINE = re.compile(r"^\s*(?P<names>[^ ].*?)\s+[-\u2010\u2013\u2014]+\s+(?P<what>.+)$")


def render(path: Path) -> str:
    """The page as a terminal shows it, without overstrikes; '' when it does not render."""
    env = {**os.environ, "MANWIDTH": "100", "MAN_KEEP_FORMATTING": "0"}
    run = subprocess.run(
        ["man", "--nh", "--nj", "-E", "UTF-8", "-P", "cat", "-l", str(path)],
        capture_output=True,
        env=env,
        check=False,
    )
    return re.sub(r".\x08", "", run.stdout.decode("utf-8", "replace"))


def split_page(rendered: str) -> tuple[str, str] | None:
    """(description from NAME, the rest of the page) or None when the page has no usable NAME section."""
    lines = rendered.splitlines()[1:-1]  # the header and footer lines name the page
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == "NAME")
    except StopIteration:
        return None
    end = next((i for i in range(start + 1, len(lines)) if lines[i] and not lines[i][0].isspace()), len(lines))
    name = " ".join(" ".join(lines[start + 1 : end]).split())
    match = NAME_LINE.match(name)
    if match is None:
        return None
    body = "\n".join(lines[:start] + lines[end:])
    body = re.sub(r"\n\s*\n+", "\n\n", "\n".join(line.strip() for line in body.splitlines())).strip()
    return match.group("what").strip(), body


def pages(sections: list[str]) -> list[Path]:
    found = []
    for section in sections:
        for path in sorted((MAN / f"man{section}").iterdir()):
            if not path.is_symlink() and not path.name.startswith("gcloud"):
                found.append(path)
    return found


def page_name(path: Path) -> str:
    stem = path.name.removesuffix(".gz")
    name, _, section = stem.rpartition(".")
    return f"{name}({section})"


def build(dest: Path, sections: list[str], queries: int, max_chars: int, seed: int) -> dict[str, int]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        rendered = list(pool.map(render, pages(sections)))
    docs: dict[str, tuple[str, str, str]] = {}  # id -> (title, text, description)
    seen_bodies: set[str] = set()
    for path, text in zip(pages(sections), rendered, strict=True):
        split = split_page(text)
        if split is None or len(split[1]) < 200 or split[1] in seen_bodies:  # a page that only points elsewhere
            continue
        seen_bodies.add(split[1])
        docs[f"man-{len(docs)}"] = (page_name(path), split[1][:max_chars], split[0])
    counts: dict[str, int] = {}
    for _, _, what in docs.values():
        counts[what.casefold()] = counts.get(what.casefold(), 0) + 1
    askable = [d for d, (_, _, what) in docs.items() if len(what.split()) >= 3 and counts[what.casefold()] == 1]
    asked = sorted(random.Random(seed).sample(askable, min(queries, len(askable))), key=lambda d: int(d[4:]))
    (dest / "qrels").mkdir(parents=True, exist_ok=True)
    with (dest / "corpus.jsonl").open("w", encoding="utf-8") as f:
        for doc_id, (title, text, _) in docs.items():
            f.write(json.dumps({"_id": doc_id, "title": title, "text": text}) + "\n")
    with (dest / "queries.jsonl").open("w", encoding="utf-8") as f:
        for n, doc_id in enumerate(asked):
            f.write(json.dumps({"_id": f"q{n}", "text": docs[doc_id][2]}) + "\n")
    qrels = "".join(f"q{n}\t{doc_id}\t1\n" for n, doc_id in enumerate(asked))
    (dest / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\n" + qrels, encoding="utf-8")
    (dest / "pages.txt").write_text("".join(f"{d}\t{t}\n" for d, (t, _, _) in docs.items()), encoding="utf-8")
    return {"documents": len(docs), "queries": len(asked), "askable": len(askable)}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dest", type=Path)
    p.add_argument("--sections", nargs="+", default=["1", "5", "7", "8"])
    p.add_argument("--queries", type=int, default=300)
    p.add_argument("--max-chars", type=int, default=3000)
    p.add_argument("--seed", type=int, default=17)
    args = p.parse_args()
    print(json.dumps(build(args.dest, args.sections, args.queries, args.max_chars, args.seed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
