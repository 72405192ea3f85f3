"""Starting the app at login (hidden in the tray): freedesktop autostart, a macOS LaunchAgent, the Windows Run key."""

from __future__ import annotations

import os
import plistlib
import shlex
import sys
from pathlib import Path

from PySide6.QtCore import QSettings

APP_ID = "desktop-search"
_RUN_KEY = r"HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run"


def login_command() -> list[str]:
    if getattr(sys, "frozen", False):  # a PyInstaller build: the executable is the app, it takes no -m
        return [sys.executable, "gui", "--hidden"]
    return [sys.executable, "-m", "desktop_search", "gui", "--hidden"]


def autostart_file() -> Path:
    """Where the login entry lives on Linux and other freedesktop systems, and on macOS."""
    if sys.platform == "darwin":
        return Path.home() / "Library" / "LaunchAgents" / f"org.{APP_ID}.plist"
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config / "autostart" / f"{APP_ID}.desktop"


def set_start_at_login(enabled: bool) -> None:
    if sys.platform == "win32":
        settings = QSettings(_RUN_KEY, QSettings.Format.NativeFormat)
        if enabled:
            settings.setValue("DesktopSearch", subprocess_line(login_command()))
        else:
            settings.remove("DesktopSearch")
        return
    path = autostart_file()
    if not enabled:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if sys.platform == "darwin":
        path.write_bytes(
            plistlib.dumps({"Label": f"org.{APP_ID}", "ProgramArguments": login_command(), "RunAtLoad": True})
        )
    else:
        path.write_text(
            "[Desktop Entry]\nType=Application\nName=Desktop Search\n"
            f"Exec={shlex.join(login_command())}\nX-GNOME-Autostart-enabled=true\n",
            encoding="utf-8",
        )


def subprocess_line(args: list[str]) -> str:
    return " ".join(f'"{a}"' if " " in a else a for a in args)
