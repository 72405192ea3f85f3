"""A real OpenAI-compatible embeddings server on 127.0.0.1, started by the tests.

infinity-emb 0.0.78 does not install next to this app: it requires numpy<2, transformers<5 and
sentence-transformers<4 (this app has numpy 2.4, transformers 5.24, sentence-transformers 6.2) and would
downgrade all three. The smallest honest alternative is what Infinity's torch backend does: sentence-transformers
(an independent implementation of tokenizing, pooling and normalising, not our backend) serving the bundled
all-MiniLM-L6-v2 folder, behind `POST /v1/embeddings` as the OpenAI API defines it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class ServerState:
    model: Any  # sentence_transformers.SentenceTransformer
    name: str
    key: str | None = None  # the API key it wants, if any
    fail_next: int = 0  # answer this many requests with HTTP 503 first
    requests: list[int] = field(default_factory=list)  # texts per request received


def _handler(state: ServerState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def _send(self, code: int, payload: object) -> None:
            body = json.dumps(payload).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
            data = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path != "/v1/embeddings":
                return self._send(404, {"error": {"message": "not found"}})
            if state.key and self.headers.get("Authorization") != f"Bearer {state.key}":
                return self._send(401, {"error": {"message": "invalid api key"}})
            if state.fail_next > 0:
                state.fail_next -= 1
                return self._send(503, {"error": {"message": "overloaded"}})
            if data.get("model") != state.name:
                return self._send(400, {"error": {"message": f"model {data.get('model')} not served"}})
            texts = data["input"] if isinstance(data["input"], list) else [data["input"]]
            state.requests.append(len(texts))
            vectors = state.model.encode(texts, batch_size=64, normalize_embeddings=False, convert_to_numpy=True)
            rows = [{"object": "embedding", "index": i, "embedding": v.tolist()} for i, v in enumerate(vectors)]
            rows.reverse()  # the API gives each row its index; clients must not rely on the order
            return self._send(200, {"object": "list", "data": rows, "model": state.name, "usage": {}})

    return Handler


@contextmanager
def embeddings_server(
    model_folder: Path, name: str, key: str | None = None, port: int = 0
) -> Iterator[tuple[str, ServerState]]:
    """(base URL ending in /v1, its state) while the block runs; the server stops after it."""
    from sentence_transformers import SentenceTransformer

    state = ServerState(SentenceTransformer(str(model_folder), device="cpu"), name, key)
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
