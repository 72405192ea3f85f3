"""Indexing throughput through an OpenAI-compatible server against local embedding, side by side; JSON.

    python benchmarks/remote_throughput.py [--docs 150] [--rounds 2]

Both index the same SciFact abstracts into fresh homes, alternating local and remote runs. The server is the
test server (tests/embed/openai_server.py: sentence-transformers serving the bundled MiniLM) in its own process
on 127.0.0.1, so this measures the protocol's overhead on one machine: on a real network the server is a GPU
box and the local CPU only tokenizes and chunks. CPU seconds are this process's (client) and the server's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desktop_search.services import build_services  # noqa: E402
from desktop_search.settings import Settings  # noqa: E402

SERVER = """
import sys, time
from pathlib import Path
from desktop_search.embed.catalog import CATALOG, DEFAULT_MODEL, bundled_model_dir
from tests.embed.openai_server import embeddings_server
with embeddings_server(bundled_model_dir(CATALOG[DEFAULT_MODEL]), "all-MiniLM-L6-v2") as (url, _):
    print(url, flush=True)
    sys.stdin.read()
"""


def _docs(folder: Path, n: int) -> None:
    corpus = ROOT.parent / "shared" / "data" / "scifact" / "corpus.jsonl"
    with corpus.open(encoding="utf-8") as f:
        for i, line in zip(range(n), f, strict=False):
            row = json.loads(line)
            (folder / f"{i:04d}.txt").write_text(f"{row['title']}\n\n{row['text']}\n", encoding="utf-8")


def _index(folder: Path, settings: Settings, model: str) -> dict[str, float]:
    services = build_services(settings)
    services.libraries.add_folders([str(folder)], "bench", model)
    library = services.libraries.get("bench")
    services.embedders(library.model_id).embed_documents(["warm up"])
    wall, cpu = time.perf_counter(), time.process_time()
    final = list(services.indexer().run(library))[-1]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    services.close()
    return {"chunks": final.chunks_done, "wall_s": wall, "cpu_s": cpu}


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    try:
        assert server.stdout is not None
        url = server.stdout.readline().decode().strip()
        runs: dict[str, list[dict[str, float]]] = {"local": [], "remote": []}
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "docs"
            folder.mkdir()
            _docs(folder, args.docs)
            for r in range(args.rounds):
                for kind in ("local", "remote") if r % 2 == 0 else ("remote", "local"):
                    home = Path(tmp) / f"home-{kind}-{r}"
                    entry = {
                        "id": "gpu-box",
                        "url": url,
                        "model": "all-MiniLM-L6-v2",
                        "dim": 384,
                        "max_tokens": 256,
                        "timeout_s": 600,
                    }
                    settings = Settings(home=home, device="cpu", remote_models=[entry], remote_consent=[url])
                    before = _server_cpu(server.pid)
                    result = _index(folder, settings, "gpu-box" if kind == "remote" else "all-minilm-l6-v2")
                    result["server_cpu_s"] = _server_cpu(server.pid) - before
                    runs[kind].append(result)
        best = {k: min(v, key=lambda x: x["wall_s"]) for k, v in runs.items()}
        print(
            json.dumps(
                {
                    "docs": args.docs,
                    "runs": runs,
                    "chunks_per_s": {k: round(v["chunks"] / v["wall_s"], 2) for k, v in best.items()},
                    "remote_over_local_wall": round(best["remote"]["wall_s"] / best["local"]["wall_s"], 3),
                    "load_average": os.getloadavg(),
                    "cores": os.cpu_count(),
                },
                indent=1,
            )
        )
    finally:
        server.stdin.close()  # type: ignore[union-attr]
        server.wait(timeout=30)


def _server_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
