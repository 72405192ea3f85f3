"""Rebuild `desktop_search/resources/calibration/passages.json`: the real passages int8 models are calibrated on.

Usage: python benchmarks/calibration_set.py ../shared/data/scifact

A fixed, seeded mix, so the file is reproducible: 40 SciFact abstracts that no SciFact query judges (train or
test, so the quality check on SciFact never sees its own documents), 24 sections of Python's reference manual
(`pydoc_data.topics`: prose with code and symbols), and 16 short query-like claims made from the first sentence
of further unjudged abstracts. Licences: SciFact CC BY 4.0, Python documentation PSF License.
"""

from __future__ import annotations

import json
import pydoc_data.topics
import random
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "desktop_search" / "resources" / "calibration" / "passages.json"


def main() -> int:
    data = Path(sys.argv[1])
    judged = set()
    for split in ("train", "test"):
        for line in (data / "qrels" / f"{split}.tsv").read_text(encoding="utf-8").splitlines()[1:]:
            judged.add(line.split("\t")[1])
    docs = [json.loads(line) for line in (data / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    free = [d for d in docs if d["_id"] not in judged and len(d["text"]) > 400]
    rng = random.Random(16)
    picked = rng.sample(free, 56)
    abstracts = [f"{d['title']}\n\n{d['text']}"[:2000] for d in picked[:40]]
    claims = [re.split(r"(?<=[.!?])\s", d["text"], maxsplit=1)[0][:200] for d in picked[40:]]
    topics = sorted(pydoc_data.topics.topics.items())
    sections = [" ".join(text.split())[:1500] for _, text in rng.sample(topics, 24)]
    passages = {"passages": abstracts + sections, "queries": claims}
    OUT.write_text(json.dumps(passages, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(passages['passages'])} passages, {len(claims)} queries")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
