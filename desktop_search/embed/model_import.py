"""Copying a model in from a folder, for machines without network: validated before anything is installed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from desktop_search.embed.catalog import ModelSpec, get_spec
from desktop_search.embed.download import DownloadError, install_folder

CDE_PREFIXES = ("first_stage_model.", "second_stage_model.")


class ImportFailed(DownloadError):
    """The folder does not hold a usable copy of the model."""


def _safetensors_keys(path: Path) -> list[str]:
    """Tensor names from a safetensors header, read without loading any weights."""
    try:
        with path.open("rb") as f:
            size = int.from_bytes(f.read(8), "little")
            if not 0 < size < 100 << 20:
                raise ValueError("bad header size")
            header = json.loads(f.read(size))
    except (OSError, ValueError) as exc:
        raise ImportFailed(f"{path} is not a readable safetensors file ({exc}).") from exc
    return [k for k in header if k != "__metadata__"]


def validate_model_folder(spec: ModelSpec, folder: Path) -> None:
    """Raise ImportFailed saying what is missing or wrong in `folder` for model `spec`."""
    if not folder.is_dir():
        raise ImportFailed(f"No such folder: {folder}")
    needed = set(spec.files) | {"tokenizer.json"}
    missing = sorted(n for n in needed if not (folder / n).is_file())
    if missing:
        hint = f" (the tokenizer comes from {spec.tokenizer_repo})" if spec.tokenizer_repo else ""
        raise ImportFailed(f"{folder} lacks {', '.join(missing)}{hint}.")
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ImportFailed(f"{folder}: config.json or tokenizer.json is not valid JSON ({exc}).") from exc
    keys = _safetensors_keys(folder / "model.safetensors")
    if spec.contextual:
        if "transductive_corpus_size" not in config or not all(
            any(k.startswith(p) for k in keys) for p in CDE_PREFIXES
        ):
            raise ImportFailed(f"{folder} does not hold a contextual (CDE) checkpoint for {spec.id}.")
    elif any(k.startswith(CDE_PREFIXES) for k in keys):
        raise ImportFailed(f"{folder} holds a contextual (CDE) checkpoint, not {spec.id}.")


def import_model(model_id: str, folder: Path, models_dir: Path) -> Path:
    """Validate `folder` and copy the files the model needs into `models_dir / id`."""
    spec = get_spec(model_id)
    validate_model_folder(spec, folder)
    staging = models_dir / f".{spec.id}.import"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name in sorted(set(spec.files) | {"tokenizer.json"}):
        shutil.copy2(folder / name, staging / name)
    (staging / "download.json").write_text(json.dumps({"id": spec.id, "imported_from": str(folder)}, indent=2))
    return install_folder(staging, models_dir / spec.id)
