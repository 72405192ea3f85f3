"""A real X desktop for what the offscreen platform cannot show: Xvfb, the openbox window manager, a trayer tray.

Scenario tests start the app on it as a separate process and drive it with xdotool as a person would.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pytest

TOOLS = ("Xvfb", "openbox", "trayer", "xdotool", "xwininfo", "xprop")


def _xcb_libraries_missing() -> list[str]:
    """Shared libraries Qt's X11 platform plugin needs that this system lacks (it would not start the app)."""
    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.exists() or shutil.which("ldd") is None:
        return []
    listed = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, timeout=30).stdout
    return [line.split()[0] for line in listed.splitlines() if "not found" in line]


MISSING = [tool for tool in TOOLS if shutil.which(tool) is None]
if sys.platform.startswith("linux") and not MISSING:
    MISSING = _xcb_libraries_missing()
NEEDS_X = pytest.mark.skipif(
    not sys.platform.startswith("linux") or bool(MISSING),
    reason=f"needs {', '.join(MISSING) or 'Linux'} (Debian: the packages .ci/run installs, e.g. apt-get install "
    "xvfb openbox trayer xdotool x11-utils libxcb-cursor0 libxkbcommon-x11-0)",
)
SCREEN = (1280, 800)
T = TypeVar("T")


def wait_for(what: str, check: Callable[[], T], timeout: float = 30.0, interval: float = 0.1) -> T:
    """Poll `check` until it returns something truthy; fail the test with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def wait_until(check: Callable[[], object], timeout: float, interval: float = 0.1) -> bool:
    """Whether `check` came true within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
    return True


def _display_numbers() -> Iterator[int]:
    """Display numbers nobody seems to use, from a random start well above the ones people pick by hand (two
    test runs at once must not pick the same one; Xvfb refuses a taken one anyway and we try the next)."""
    start = random.randrange(140, 900)
    for number in range(start, start + 40):
        if not Path(f"/tmp/.X{number}-lock").exists() and not Path(f"/tmp/.X11-unix/X{number}").exists():
            yield number


@dataclass
class Window:
    id: int
    name: str
    x: int
    y: int
    width: int
    height: int

    @property
    def centre(self) -> tuple[int, int]:
        return self.x + self.width // 2, self.y + self.height // 2


@dataclass
class XDesktop:
    display: str
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ, DISPLAY=self.display, QT_QPA_PLATFORM="xcb")
        env.pop("WAYLAND_DISPLAY", None)
        env.update(extra)
        return env

    def run(self, *args: str) -> str:
        done = subprocess.run(args, env=self.env(), capture_output=True, text=True, timeout=30)
        return done.stdout

    def ready(self) -> bool:
        """The X server accepts connections (its socket appears a moment before it does)."""
        return subprocess.run(["xprop", "-root"], env=self.env(), capture_output=True, timeout=30).returncode == 0

    def xdotool(self, *args: str) -> str:
        return self.run("xdotool", *args)

    def windows(self, name: str) -> list[Window]:
        """Mapped (viewable) windows of this name, with their position on the screen."""
        out = []
        for line in self.run("xwininfo", "-root", "-tree").splitlines():
            found = re.match(r'\s*(0x[0-9a-f]+) "(.*?)":.*?(\d+)x(\d+)\+-?\d+\+-?\d+\s+\+(-?\d+)\+(-?\d+)', line)
            if found and found.group(2) == name:
                wid = int(found.group(1), 16)
                if "IsViewable" in self.run("xwininfo", "-id", str(wid)):
                    w, h, x, y = (int(found.group(i)) for i in (3, 4, 5, 6))
                    out.append(Window(wid, name, x, y, w, h))
        return out

    def main_window(self, name: str = "Desktop Search") -> Window | None:
        big = [w for w in self.windows(name) if w.width > 300 and w.height > 200]
        return big[0] if big else None

    def tray_icon(self, name: str = "Desktop Search") -> Window | None:
        """The app's icon embedded in the tray (a small window of the app's name inside trayer's panel)."""
        small = [w for w in self.windows(name) if w.width <= 64 and w.height <= 64]
        return small[0] if small else None

    def menu(self, name: str = "Desktop Search") -> Window | None:
        """An open pop-up menu of the app (bigger than the tray icon, smaller than the main window)."""
        popups = [w for w in self.windows(name) if 64 < w.width <= 400 and 40 < w.height <= 400]
        return popups[0] if popups else None

    def key(self, window: Window, *keys: str) -> None:
        """Focus the window as a click would, then type keys (xdotool's key names, e.g. ctrl+q)."""

        def focused() -> bool:
            self.xdotool("windowactivate", "--sync", str(window.id))
            return self.xdotool("getactivewindow").strip() == str(window.id)

        wait_for(f"{window.name} to have the keyboard focus", focused, timeout=15, interval=0.3)
        self.xdotool("key", "--clearmodifiers", *keys)

    def click(self, x: int, y: int, button: int = 1) -> None:
        self.xdotool("mousemove", "--sync", str(x), str(y), "click", str(button))

    def screenshot(self, path: Path) -> None:
        if shutil.which("import"):
            self.run("import", "-window", "root", str(path))


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)


def _start_xvfb(logs: Path) -> tuple[XDesktop, subprocess.Popen[bytes]]:
    size = f"{SCREEN[0]}x{SCREEN[1]}x24"
    for number in _display_numbers():
        desktop = XDesktop(f":{number}")
        server = _start(
            ["Xvfb", desktop.display, "-screen", "0", size, "-nolisten", "tcp", "-noreset"], dict(os.environ), logs
        )
        # Ours is up when it accepts connections while still running (another server may own the number).
        # -noreset: by default the server resets when its last client leaves, refusing connections meanwhile.
        wait_for("Xvfb", lambda: server.poll() is not None or desktop.ready(), timeout=15)  # noqa: B023
        if server.poll() is None:
            return desktop, server
    pytest.fail(f"no free X display; see {logs}")


@pytest.fixture
def x_desktop(tmp_path: Path) -> Iterator[XDesktop]:
    """Xvfb on a free display, openbox as window manager and trayer as system tray, stopped after the test."""
    logs = tmp_path / "x-desktop.log"
    desktop, server = _start_xvfb(logs)
    desktop.processes.append(server)
    try:
        env = desktop.env(HOME=str(tmp_path))
        desktop.processes.append(_start(["openbox"], env, logs))
        wait_for("openbox", lambda: "_NET_SUPPORTING_WM_CHECK" in desktop.run("xprop", "-root"), timeout=15)
        tray = ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request", "--height", "24"]
        desktop.processes.append(_start(tray, env, logs))
        wait_for("the trayer tray", lambda: '"panel" "trayer"' in desktop.run("xwininfo", "-root", "-tree"), timeout=15)
        yield desktop
    except BaseException:
        print(logs.read_text(errors="replace"))  # shown with the failure
        raise
    finally:
        for process in reversed(desktop.processes):
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def descendants(pid: int) -> set[int]:
    """The processes started by `pid`, its children's children included (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
