"""The command that opens a PDF at a page in the user's viewer, or none (a plain open) when it takes no page."""

from __future__ import annotations

import pytest

from desktop_search.gui import open_at_page
from desktop_search.gui.open_at_page import page_command


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(open_at_page.shutil, "which", lambda name: f"/usr/bin/{name}")


@pytest.mark.usefixtures("installed")
@pytest.mark.parametrize(
    ("viewer", "command"),
    [
        ("org.gnome.Evince.desktop", ["/usr/bin/evince", "--page-index=7", "/d/a.pdf"]),
        ("okularApplication_pdf.desktop", ["/usr/bin/okular", "--page", "7", "/d/a.pdf"]),
        ("org.pwmt.zathura.desktop", ["/usr/bin/zathura", "--page=7", "/d/a.pdf"]),
    ],
)
def test_linux_viewers_that_take_a_page(viewer: str, command: list[str]) -> None:
    assert page_command("/d/a.pdf", 7, viewer, "linux") == command


@pytest.mark.usefixtures("installed")
def test_other_viewers_and_macos_open_plainly() -> None:
    assert page_command("/d/a.pdf", 7, "firefox.desktop", "linux") is None
    assert page_command("/d/a.pdf", 7, None, "linux") is None
    assert page_command("/d/a.pdf", 7, "com.apple.Preview", "darwin") is None
    assert page_command("/d/a.pdf", 0, "org.gnome.Evince.desktop", "linux") is None


def test_a_viewer_that_is_not_installed_opens_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(open_at_page.shutil, "which", lambda name: None)
    assert page_command("/d/a.pdf", 3, "org.gnome.Evince.desktop", "linux") is None


def test_windows_viewers() -> None:
    sumatra = r"C:\Program Files\SumatraPDF\SumatraPDF.exe"
    adobe = r"C:\Program Files\Adobe\Acrobat DC\Acrobat\Acrobat.exe"
    assert page_command(r"C:\d\a.pdf", 4, sumatra, "win32") == [sumatra, "-page", "4", r"C:\d\a.pdf"]
    assert page_command(r"C:\d\a.pdf", 4, adobe, "win32") == [adobe, "/A", "page=4", r"C:\d\a.pdf"]
    assert page_command(r"C:\d\a.pdf", 4, r"C:\Edge\msedge.exe", "win32") is None
