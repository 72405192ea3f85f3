"""A tiny Hugging Face hub on 127.0.0.1 for download tests: metadata API, commit list, ranged file downloads."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Repo:
    commit: str
    files: dict[str, bytes]
    lfs: set[str] = field(default_factory=set)  # files described by sha256, as the hub does for large ones


@dataclass
class Hub:
    repos: dict[str, Repo]
    cut_after: dict[str, int] = field(default_factory=dict)  # file name -> bytes sent before dropping (once)
    requests: list[str] = field(default_factory=list)
    url: str = ""

    def sibling(self, name: str, data: bytes, lfs: bool) -> dict[str, object]:
        blob = hashlib.sha1(f"blob {len(data)}\0".encode() + data).hexdigest()
        entry: dict[str, object] = {"rfilename": name, "size": len(data), "blobId": blob}
        if lfs:
            entry["lfs"] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "pointerSize": 134}
        return entry


def _handler(hub: Hub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _json(self, payload: object, status: int = 200) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            hub.requests.append(self.path)
            path = self.path.split("?")[0]
            if m := re.fullmatch(r"/api/models/([^/]+/[^/]+)/revision/([^/]+)", path):
                repo = hub.repos.get(m[1])
                if repo is None or m[2] not in (repo.commit, "main"):
                    return self._json({"error": "Repository not found"}, 404)
                siblings = [hub.sibling(n, d, n in repo.lfs) for n, d in repo.files.items()]
                return self._json({"id": m[1], "sha": repo.commit, "siblings": siblings})
            if m := re.fullmatch(r"/api/models/([^/]+/[^/]+)/commits/main", path):
                repo = hub.repos[m[1]]
                commit = {"id": repo.commit, "authors": [{"user": "t"}], "date": "2024-01-01T00:00:00.000Z"}
                return self._json([commit | {"title": "t", "message": ""}])
            if m := re.fullmatch(r"/([^/]+/[^/]+)/resolve/([^/]+)/(.+)", path):
                return self._file(hub.repos[m[1]], m[2], m[3])
            return self._json({"error": "not found"}, 404)

        def _file(self, repo: Repo, commit: str, name: str) -> None:
            if commit != repo.commit or name not in repo.files:
                return self._json({"error": "Entry not found"}, 404)
            data = repo.files[name]
            start = 0
            if r := re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", "")):
                start = int(r[1])
            self.send_response(206 if start else 200)
            self.send_header("Content-Length", str(len(data) - start))
            if start:
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            self.end_headers()
            cut = hub.cut_after.pop(name, None)
            if cut is not None:
                self.wfile.write(data[start : start + cut])
                self.wfile.flush()
                self.close_connection = True
                return None
            self.wfile.write(data[start:])
            return None

    return Handler


@contextmanager
def serve(hub: Hub) -> Iterator[Hub]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(hub))
    server.timeout = 5
    hub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
