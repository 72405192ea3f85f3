"""Where data lives and the user's preferences (device, threads, limits)."""

from __future__ import annotations

import json
import os
from dataclasses import Field, asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from desktop_search.errors import SettingsError

HOME_ENV = "DESKTOP_SEARCH_HOME"


def resolve_home(option: str | None = None) -> Path:
    """--home, else $DESKTOP_SEARCH_HOME, else the platform's user data folder."""
    chosen = option or os.environ.get(HOME_ENV)
    if chosen:
        return Path(chosen).expanduser().resolve()
    import platformdirs  # only here: it costs a start with --home or $DESKTOP_SEARCH_HOME ~8 ms of imports

    return Path(platformdirs.user_data_dir("desktop-search", appauthor=False))


_KINDS = {bool: "true or false", int: "a whole number", str: "a text in quotes", list: "a list in [brackets]"}
_OCR_KIND = "true, false, or a list of library names"


def _default(f: Field[Any]) -> object:
    """A field's default value, made by its factory where it has one (a list)."""
    return f.default_factory() if callable(f.default_factory) else f.default


def _same_kind(value: object, default: object, key: str = "") -> bool:
    if key == "ocr":  # every library, none, or some by name
        return isinstance(value, bool) or (isinstance(value, list) and all(isinstance(v, str) for v in value))
    if isinstance(default, bool) or isinstance(value, bool):
        return type(value) is type(default)
    return isinstance(value, type(default))


OCR_COST = "about 5 CPU-seconds a page"  # benchmarks/ocr_speed.py: an A4 page at 150 dpi, 2-core CPU, one thread


def ocr_enabled(setting: bool | list[str] | tuple[str, ...], library: str) -> bool:
    """Whether the `ocr` setting (true, false, or a list of library names) covers this library."""
    return setting if isinstance(setting, bool) else library in setting


def with_ocr(setting: bool | list[str], library: str, enabled: bool, every: list[str]) -> bool | list[str]:
    """The `ocr` setting after turning OCR on or off for one library (`every`: all library names)."""
    names = [n for n in every if ocr_enabled(setting, n) and n != library] + ([library] if enabled else [])
    if set(names) >= set(every):
        return True
    return sorted(names) or False


@dataclass(frozen=True)
class Settings:
    home: Path
    device: str = "auto"  # "auto", "cpu", "cuda", "mps"
    threads: int = 0  # 0: all cores
    backend: str = "auto"  # embedding backend (embed/registry.py): "auto" picks the fastest for the device
    max_file_mb: int = 256  # documents above this are skipped; text files above it are read up to max_text_mb
    max_text_mb: int = 8  # text indexed per file at most (a huge log is indexed from its start)
    max_pages: int = 2000  # PDF pages indexed per file at most
    extract_workers: int = 0  # extraction processes; 0: a sensible number for the cores
    extract_timeout_s: int = 60  # per file; a worker that takes longer is killed and replaced
    extract_memory_mb: int = 1024  # per extraction process (POSIX); a file that needs more fails
    tray_icon: bool = True  # desktop app: show an icon in the system tray
    close_to_tray: bool = True  # desktop app: closing the window keeps indexing in the tray
    start_at_login: bool = False  # desktop app: start hidden in the tray when the user logs in
    ocr: bool | list[str] = False  # read pictures and scanned PDF pages (OCR): every library, or these by name
    remote_models: list[dict[str, object]] = field(default_factory=list)  # user-defined models on a server
    remote_consent: list[str] = field(default_factory=list)  # server addresses the user agreed to send passages to

    def ocr_on(self, library: str) -> bool:
        return ocr_enabled(self.ocr, library)

    @property
    def db_path(self) -> Path:
        return self.home / "index.sqlite3"

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def settings_path(self) -> Path:
        return self.home / "settings.json"

    @classmethod
    def load(cls, home: Path) -> Settings:
        """Settings stored in the home folder; unknown keys are ignored, missing ones take defaults."""
        path = home / "settings.json"
        fix = "Fix it, or delete it to go back to the default settings."
        try:
            stored = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        except (OSError, UnicodeDecodeError) as exc:
            raise SettingsError(f"Cannot read the settings file {path}: {exc}. {fix}") from exc
        except json.JSONDecodeError as exc:
            where = f"line {exc.lineno}, column {exc.colno}"
            raise SettingsError(f"The settings file {path} is not valid JSON ({exc.msg} at {where}). {fix}") from exc
        if not isinstance(stored, dict):
            raise SettingsError(f"The settings file {path} must hold one JSON object ({{...}}). {fix}")
        defaults = {f.name: _default(f) for f in fields(cls) if f.name != "home"}
        for key, value in stored.items():
            if key in defaults and not _same_kind(value, defaults[key], key):
                kind = _OCR_KIND if key == "ocr" else _KINDS[type(defaults[key])]
                shown = json.dumps(value)
                raise SettingsError(f'The settings file {path} has "{key}": {shown}, but it must be {kind}. {fix}')
        return cls(home=home, **{k: v for k, v in stored.items() if k in defaults})

    def save(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        data = {k: v for k, v in asdict(self).items() if k != "home"}
        tmp = self.settings_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
        tmp.replace(self.settings_path)

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]
