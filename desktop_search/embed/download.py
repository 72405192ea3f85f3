"""Getting catalog models onto this machine: a pinned, verified, resumable download from the Hugging Face hub."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_search.embed.catalog import ModelSpec, get_spec
from desktop_search.errors import UserError

Progress = Callable[[int, int], None]
CHUNK_BYTES = 1 << 20
MANIFEST = "download.json"
CONNECT_TIMEOUT_S = 10


class DownloadError(UserError):
    """A download could not be completed; the message says why and what to do."""


class DownloadCancelled(DownloadError):
    """The user cancelled; what arrived so far is kept and the next download resumes from it."""


@dataclass(frozen=True)
class RemoteFile:
    repo: str
    commit: str
    name: str
    size: int
    sha256: str | None  # large (LFS) files
    blob_id: str | None  # git blob id (sha1 of "blob <size>\0" + bytes) of small files
    url: str


def _api(endpoint: str | None) -> Any:
    from huggingface_hub import HfApi

    return HfApi(endpoint=endpoint)


def _full_commit(api: Any, repo: str, revision: str) -> str:
    """The hub accepts only full commit hashes: resolve a short one through the repo's history."""
    if re.fullmatch(r"[0-9a-f]{40}", revision) or not re.fullmatch(r"[0-9a-f]{7,39}", revision):
        return revision
    for commit in api.list_repo_commits(repo):
        if commit.commit_id.startswith(revision):
            return str(commit.commit_id)
    raise DownloadError(f"{repo} has no commit {revision}; the catalog pin may be wrong.")


def remote_files(repo: str, revision: str, names: tuple[str, ...], endpoint: str | None) -> list[RemoteFile]:
    """Sizes and hashes of `names` at a pinned commit, from the hub's metadata."""
    from huggingface_hub import hf_hub_url

    api = _api(endpoint)
    info = api.model_info(repo, revision=_full_commit(api, repo, revision), files_metadata=True)
    siblings = {s.rfilename: s for s in info.siblings or []}
    missing = [n for n in names if n not in siblings]
    if missing:
        raise DownloadError(f"{repo} at {info.sha[:7]} has no {', '.join(missing)}; it cannot be used here.")
    out = []
    for name in names:
        s = siblings[name]
        size = s.lfs.size if s.lfs else s.size
        url = hf_hub_url(repo, name, revision=info.sha, endpoint=api.endpoint)
        out.append(RemoteFile(repo, info.sha, name, int(size), s.lfs.sha256 if s.lfs else None, s.blob_id, url))
    return out


def _digest_ok(path: Path, file: RemoteFile) -> bool:
    if path.stat().st_size != file.size:
        return False
    if file.sha256 is not None:
        digest = hashlib.sha256()
    elif file.blob_id is not None:
        digest = hashlib.sha1(f"blob {file.size}\0".encode(), usedforsecurity=False)
    else:
        return True
    with path.open("rb") as f:
        while block := f.read(CHUNK_BYTES):
            digest.update(block)
    return digest.hexdigest() == (file.sha256 or file.blob_id)


def _fetch(file: RemoteFile, dest: Path, advance: Callable[[int], None], cancel: threading.Event) -> None:
    """Download one file into `dest`, continuing a `.part` left by an interrupted run."""
    from huggingface_hub import get_session

    part = dest.with_name(dest.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    if have > file.size:
        part.unlink()
        have = 0
    if have < file.size:
        headers = {"Range": f"bytes={have}-"} if have else {}
        with get_session().stream("GET", file.url, headers=headers, follow_redirects=True, timeout=30) as r:
            r.raise_for_status()
            if have and r.status_code != 206:  # the server ignored the range: start over
                part.unlink()
                advance(-have)
            with part.open("ab") as out:
                for block in r.iter_bytes():  # as it arrives, so an interruption keeps every byte
                    if cancel.is_set():
                        raise DownloadCancelled("Download cancelled; run it again to resume.")
                    out.write(block)
                    advance(len(block))
    if not _digest_ok(part, file):
        part.unlink()
        raise DownloadError(f"{file.name} from {file.repo} failed verification (size or hash); run it again.")
    part.replace(dest)


def _check_reachable(endpoint: str | None) -> None:
    """Fail fast and clearly when offline, instead of the hub client's half a minute of retries."""
    from urllib.parse import urlparse

    from huggingface_hub import constants

    if constants.is_offline_mode():
        raise DownloadError("Downloads are switched off (HF_HUB_OFFLINE is set). Unset it, or use `models import`.")
    url = urlparse(endpoint or constants.ENDPOINT)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.hostname or "", port), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        raise DownloadError(
            f"Cannot reach {url.hostname} ({exc.strerror or exc}). Check the network connection, or copy the "
            "model in with `desktop-search models import ID FOLDER`."
        ) from exc


def _plan(spec: ModelSpec, endpoint: str | None) -> list[RemoteFile]:
    _check_reachable(endpoint)
    files = remote_files(spec.repo, spec.revision, spec.files, endpoint)
    if spec.tokenizer_repo:  # the CDE repos ship no tokenizer: take the backbone's
        files += remote_files(spec.tokenizer_repo, spec.tokenizer_revision, ("tokenizer.json",), endpoint)
    return files


def _explain(exc: Exception, spec: ModelSpec) -> DownloadError:
    from huggingface_hub.errors import OfflineModeIsEnabled, RepositoryNotFoundError, RevisionNotFoundError

    if isinstance(exc, OfflineModeIsEnabled):
        return DownloadError("Downloads are switched off (HF_HUB_OFFLINE is set). Unset it, or use `models import`.")
    if isinstance(exc, RepositoryNotFoundError | RevisionNotFoundError):
        return DownloadError(f"{spec.repo} at {spec.revision} is not on the hub: {exc}")
    return DownloadError(
        f"Cannot download {spec.id}: {exc.__class__.__name__}: {exc}. Check the network connection, or copy the "
        f"files in with `desktop-search models import {spec.id} FOLDER`. What arrived is kept and resumed."
    )


def download_model(
    model_id: str,
    models_dir: Path,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    *,
    endpoint: str | None = None,
) -> Path:
    """Download a catalog model (and its backbone tokenizer) into `models_dir / id`; progress(done, total) bytes."""
    spec = get_spec(model_id)
    if spec.bundled_package:
        raise DownloadError(f"{spec.id} ships with the app; there is nothing to download.")
    cancel = cancel or threading.Event()
    staging = models_dir / f".{spec.id}.partial"
    staging.mkdir(parents=True, exist_ok=True)
    try:
        files = _plan(spec, endpoint)
        total = sum(f.size for f in files)
        done = [sum(_partial_size(staging, f) for f in files)]

        def advance(n: int) -> None:
            done[0] += n
            if progress is not None:
                progress(done[0], total)

        advance(0)
        for file in files:
            dest = staging / file.name
            if not (dest.exists() and _digest_ok(dest, file)):
                _fetch(file, dest, advance, cancel)
    except DownloadError:
        raise
    except Exception as exc:
        raise _explain(exc, spec) from exc
    _write_manifest(staging, spec, files)
    return install_folder(staging, models_dir / spec.id)


def _partial_size(staging: Path, file: RemoteFile) -> int:
    for path in (staging / file.name, staging / (file.name + ".part")):
        if path.exists():
            return min(path.stat().st_size, file.size)
    return 0


def _write_manifest(folder: Path, spec: ModelSpec, files: list[RemoteFile]) -> None:
    entries = [{"repo": f.repo, "commit": f.commit, "name": f.name, "size": f.size, "sha256": f.sha256} for f in files]
    manifest = {"id": spec.id, "repo": spec.repo, "revision": spec.revision, "files": entries}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def install_folder(staging: Path, target: Path) -> Path:
    """Move a complete folder into place; an older copy is replaced only once the new one is whole."""
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(target)
    return target
