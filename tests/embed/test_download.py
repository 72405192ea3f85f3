"""Model download against a local fake hub (never the real one): pinning, progress, resume, cancel, verification."""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_search.embed import catalog
from desktop_search.embed.download import DownloadCancelled, DownloadError, download_model
from desktop_search.embed.model_import import ImportFailed, import_model
from tests.embed.fake_hub import Hub, Repo, serve
from tests.embed.tiny_cde import make_tiny_cde

COMMIT = "abcdef1" + "0" * 33
TOKENIZER_COMMIT = "1234567" + "0" * 33


@pytest.fixture
def tiny_files(tmp_path: Path) -> dict[str, bytes]:
    folder = make_tiny_cde(tmp_path / "src", ["alpha beta gamma", "delta: epsilon"], corpus_size=2)
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.fixture
def spec(monkeypatch: pytest.MonkeyPatch) -> catalog.ModelSpec:
    base = catalog.CATALOG["cde-small-v2"]
    tiny = dataclasses.replace(
        base, id="tiny-cde", repo="test/tiny-cde", revision="abcdef1", tokenizer_repo="test/tok", size_mb=1
    )
    monkeypatch.setitem(catalog.CATALOG, tiny.id, tiny)
    return tiny


@pytest.fixture
def hub(tiny_files: dict[str, bytes], monkeypatch: pytest.MonkeyPatch) -> Iterator[Hub]:
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    model = {k: v for k, v in tiny_files.items() if k != "tokenizer.json"}
    repos = {
        "test/tiny-cde": Repo(COMMIT, model, lfs={"model.safetensors"}),
        "test/tok": Repo(TOKENIZER_COMMIT, {"tokenizer.json": tiny_files["tokenizer.json"]}),
    }
    with serve(Hub(repos)) as running:
        yield running


def test_download_pins_the_commit_reports_bytes_and_installs(
    hub: Hub, spec: catalog.ModelSpec, tiny_files: dict[str, bytes], tmp_path: Path
) -> None:
    seen: list[tuple[int, int]] = []
    folder = download_model("tiny-cde", tmp_path / "models", lambda d, t: seen.append((d, t)), endpoint=hub.url)
    assert folder == tmp_path / "models" / "tiny-cde"
    for name in ("config.json", "model.safetensors", "tokenizer.json"):
        assert (folder / name).read_bytes() == tiny_files[name]
    total = sum(len(tiny_files[n]) for n in ("config.json", "model.safetensors", "tokenizer.json"))
    assert seen[-1] == (total, total)
    assert all(b[0] >= a[0] for a, b in zip(seen, seen[1:], strict=False))
    assert any(f"/resolve/{COMMIT}/model.safetensors" in r for r in hub.requests)  # short pin → full commit
    manifest = json.loads((folder / "download.json").read_text())
    assert {f["commit"] for f in manifest["files"]} == {COMMIT, TOKENIZER_COMMIT}
    assert catalog.installed_dir(spec, tmp_path / "models") == folder


def test_an_interrupted_download_resumes_where_it_stopped(
    hub: Hub, spec: catalog.ModelSpec, tiny_files: dict[str, bytes], tmp_path: Path
) -> None:
    hub.cut_after["model.safetensors"] = 5000
    with pytest.raises(DownloadError, match="resumed"):
        download_model("tiny-cde", tmp_path / "models", endpoint=hub.url)
    part = tmp_path / "models" / ".tiny-cde.partial" / "model.safetensors.part"
    assert part.stat().st_size == 5000
    folder = download_model("tiny-cde", tmp_path / "models", endpoint=hub.url)
    assert (folder / "model.safetensors").read_bytes() == tiny_files["model.safetensors"]
    assert any("model.safetensors" in r for r in hub.requests[-3:])
    assert not (tmp_path / "models" / ".tiny-cde.partial").exists()


def test_cancel_stops_and_keeps_what_arrived(hub: Hub, spec: catalog.ModelSpec, tmp_path: Path) -> None:
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        if done > 0:
            cancel.set()

    with pytest.raises(DownloadCancelled):
        download_model("tiny-cde", tmp_path / "models", progress, cancel, endpoint=hub.url)
    assert not (tmp_path / "models" / "tiny-cde").exists()
    assert (tmp_path / "models" / ".tiny-cde.partial").exists()


def test_corrupt_bytes_fail_verification(hub: Hub, spec: catalog.ModelSpec, tmp_path: Path) -> None:
    repo = hub.repos["test/tiny-cde"]
    good = repo.files["model.safetensors"]
    hub.repos["test/tiny-cde"] = Repo(COMMIT, repo.files | {"model.safetensors": good}, repo.lfs)
    original_sibling = hub.sibling
    hub.sibling = lambda n, d, lfs: original_sibling(n, d[:-1] + b"x" if n == "model.safetensors" else d, lfs)  # type: ignore[method-assign]
    with pytest.raises(DownloadError, match="verification"):
        download_model("tiny-cde", tmp_path / "models", endpoint=hub.url)
    assert not (tmp_path / "models" / "tiny-cde").exists()


def test_offline_gives_a_clear_error(spec: catalog.ModelSpec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(DownloadError, match="HF_HUB_OFFLINE"):
        download_model("tiny-cde", tmp_path / "models", endpoint="http://127.0.0.1:9")


def test_unreachable_hub_says_how_to_proceed(
    spec: catalog.ModelSpec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    with pytest.raises(DownloadError, match="models import"):
        download_model("tiny-cde", tmp_path / "models", endpoint="http://127.0.0.1:9")


def test_import_validates_then_copies(spec: catalog.ModelSpec, tiny_files: dict[str, bytes], tmp_path: Path) -> None:
    source = tmp_path / "usb"
    source.mkdir()
    for name, data in tiny_files.items():
        (source / name).write_bytes(data)
    (source / "tokenizer.json").unlink()
    with pytest.raises(ImportFailed, match="tokenizer.json"):
        import_model("tiny-cde", source, tmp_path / "models")
    (source / "tokenizer.json").write_bytes(tiny_files["tokenizer.json"])
    with pytest.raises(ImportFailed, match="not .*cadet"):
        import_model("cadet-embed-base-v1", source, tmp_path / "models")
    folder = import_model("tiny-cde", source, tmp_path / "models")
    assert (folder / "model.safetensors").read_bytes() == tiny_files["model.safetensors"]
