"""The login entry starts the app the way it was installed: `python -m desktop_search`, or the frozen executable."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from desktop_search.gui.autostart import set_start_at_login


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the freedesktop entry")
def test_a_frozen_app_starts_its_own_executable_at_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/desktop-search/desktop-search")
    set_start_at_login(True)
    entry = (tmp_path / "autostart" / "desktop-search.desktop").read_text()
    assert "Exec=/opt/desktop-search/desktop-search gui --hidden\n" in entry
