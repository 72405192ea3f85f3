"""Opening a PDF at a page: the command for the user's default PDF viewer when that viewer takes a page
(Evince, Okular, Zathura on Linux; SumatraPDF and Adobe Reader/Acrobat on Windows). Other viewers, and macOS
(whose Preview takes no page), get a plain open."""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from pathlib import Path

# freedesktop desktop-file id (lower case, without .desktop) -> program and how it is told the page (1-based)
_LINUX_VIEWERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "org.gnome.evince": ("evince", ("--page-index={page}",)),
    "evince": ("evince", ("--page-index={page}",)),
    "org.kde.okular": ("okular", ("--page", "{page}")),
    "okularapplication_pdf": ("okular", ("--page", "{page}")),
    "okular": ("okular", ("--page", "{page}")),
    "org.pwmt.zathura": ("zathura", ("--page={page}",)),
    "org.pwmt.zathura-pdf-mupdf": ("zathura", ("--page={page}",)),
    "zathura": ("zathura", ("--page={page}",)),
}
# Windows executable name -> how it is told the page
_WINDOWS_VIEWERS: dict[str, tuple[str, ...]] = {
    "sumatrapdf.exe": ("-page", "{page}"),
    "acrord32.exe": ("/A", "page={page}"),
    "acrobat.exe": ("/A", "page={page}"),
}


def page_command(path: str, page: int, viewer: str | None, platform: str = sys.platform) -> list[str] | None:
    """The command that opens `path` at `page` in `viewer` (Linux: its desktop-file id; Windows: the path of
    its executable), or None when that viewer takes no page (the caller opens the file plainly)."""
    if viewer is None or page < 1:
        return None
    if platform == "win32":
        args = _WINDOWS_VIEWERS.get(Path(viewer.replace("\\", "/")).name.lower())
        return [viewer, *(a.format(page=page) for a in args), path] if args else None
    if platform.startswith("linux") or "bsd" in platform:
        known = _LINUX_VIEWERS.get(viewer.lower().removesuffix(".desktop"))
        if known is None:
            return None
        program = shutil.which(known[0])
        return [program, *(a.format(page=page) for a in known[1]), path] if program else None
    return None


def default_pdf_viewer(platform: str = sys.platform) -> str | None:
    """The user's default PDF application: its desktop-file id on Linux, its executable on Windows."""
    if platform == "win32":
        return _windows_pdf_executable()
    if platform.startswith("linux") or "bsd" in platform:
        xdg = shutil.which("xdg-mime")
        if xdg is None:
            return None
        try:
            done = subprocess.run(  # noqa: S603
                [xdg, "query", "default", "application/pdf"], capture_output=True, text=True, timeout=5, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() or None
    return None


def _windows_pdf_executable() -> str | None:
    """The executable Windows opens .pdf files with (AssocQueryStringW, ASSOCSTR_EXECUTABLE)."""
    size = ctypes.c_ulong(1024)
    buffer = ctypes.create_unicode_buffer(size.value)
    shlwapi = getattr(ctypes, "windll", None)
    if shlwapi is None:
        return None
    result = shlwapi.shlwapi.AssocQueryStringW(0, 2, ".pdf", "open", buffer, ctypes.byref(size))
    return buffer.value if result == 0 and os.path.exists(buffer.value) else None
