"""Which folders live on network or removable drives, where change events are unreliable or absent."""

from __future__ import annotations

import os
import sys

from desktop_search.paths import is_inside

# inotify sees only changes made through this machine's kernel: edits made on the server or by another
# client of a network share never raise an event, so those folders are polled by scanning.
NETWORK_FS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "9p", "ceph", "glusterfs", "davfs", "fuse.sshfs"}
)
# Removable media come and go (unmounted without notice); polling survives that without special cases.
REMOVABLE_FS = frozenset({"vfat", "exfat", "msdos", "fuseblk", "ntfs", "ntfs3", "udf", "iso9660"})


def parse_mountinfo(text: str) -> list[tuple[str, str]]:
    """(mount point, file-system type) from Linux /proc/self/mountinfo, deepest mount points first."""
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if " - " not in line or len(fields) < 5:
            continue
        after = line.split(" - ", 1)[1].split()
        point = fields[4].replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\")
        mounts.append((point, after[0] if after else ""))
    return sorted(mounts, key=lambda m: len(m[0]), reverse=True)


def _linux_fs_type(path: str, mountinfo: str) -> str:
    for point, fs_type in parse_mountinfo(mountinfo):
        if is_inside(path, point, sep="/"):  # Linux mount points
            return fs_type
    return ""


def _windows_drive_kind(path: str) -> str:
    import ctypes

    drive = os.path.splitdrive(os.path.abspath(path))[0] + "\\"
    kind = ctypes.windll.kernel32.GetDriveTypeW(drive)  # type: ignore[attr-defined]
    return {2: "removable", 4: "network", 5: "removable"}.get(int(kind), "local")


def drive_kind(path: str, mountinfo: str | None = None) -> str:
    """ "network", "removable" or "local" (the default when it cannot be told)."""
    try:
        if sys.platform.startswith("linux"):
            if mountinfo is None:
                with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as f:
                    mountinfo = f.read()
            fs_type = _linux_fs_type(os.path.realpath(path), mountinfo)
            if fs_type in NETWORK_FS or fs_type.startswith("fuse.") and "ssh" in fs_type:
                return "network"
            return "removable" if fs_type in REMOVABLE_FS else "local"
        if sys.platform == "win32":
            return _windows_drive_kind(path)
        if sys.platform == "darwin" and os.path.realpath(path).startswith("/Volumes/"):
            return "removable"  # external disks and mounted shares; the start-up disk is not under /Volumes
    except OSError:
        pass
    return "local"
