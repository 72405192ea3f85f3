"""What the installers leave out, and the files that packages open by name at run time, which no import and no
link names, so that neither PyInstaller's analysis (Linux, macOS) nor an import walk (Windows) finds them.

Read by packaging/desktop_search.spec, packaging/windows/build_installer.py, packaging/windows/verify_tree.py and
tests/test_frozen_imports.py, so that every installer carries the same set and the checks look for what the builds
keep.
"""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path

# OpenVINO's core library opens its device plugins and model readers by file name, from its own folder
# (openvino/libs): the app compiles models for the "CPU" device and reads back the IR (model.xml) it cached. TBB,
# which OpenVINO links, opens its allocator and its topology helper (tbbbind, with hwloc on Linux) by name too.
# Patterns match Linux (libX.so.N), Windows (X.dll) and macOS names; the ARM plugin is Apple silicon's CPU plugin.
OPENVINO_LOADED_BY_NAME = (
    "*openvino_intel_cpu_plugin.*",
    "*openvino_arm_cpu_plugin.*",
    "*openvino_ir_frontend.*",
    "*tbbmalloc.*",
    "*tbbbind*",
    "*hwloc*",
    "plugins.xml",  # the plugin registry, where a build has one (the PyPI wheels compile the list in)
)
# The only ones a run cannot do without: compiling for the CPU and reading the IR back.
OPENVINO_REQUIRED = ("*openvino_*_cpu_plugin.*", "*openvino_ir_frontend.*")
# Linked by OpenVINO's Python module, so found by the link (PyInstaller) or the DLL check (verify_tree.py).
OPENVINO_LINKED = ("*openvino.dll", "*tbb12.dll", "libopenvino.so*", "libtbb.so*", "libopenvino.*.dylib", "libtbb.*")
# Never: tbbmalloc_proxy replaces malloc for the whole process when preloaded; .lib files are for linking.
# Everything else in openvino/libs is left out: the GPU and NPU plugins (and the GPU's tuning cache.json), the
# AUTO, HETERO and BATCH plugins, the C API and the ONNX, TensorFlow, Paddle, PyTorch, JAX and GGUF readers.
OPENVINO_NEVER = ("*proxy*", "*.lib")
# Python packages of OpenVINO the app never imports (the spec excludes them; the Windows tree leaves them out):
# the model converter (ovc, which sends a usage event on import; embed/openvino_bert.py keeps it out at run time)
# and the framework front-ends that only it uses.
OPENVINO_UNUSED_PACKAGES = (
    "openvino.tools",
    "openvino.frontend.onnx",
    "openvino.frontend.pytorch",
    "openvino.frontend.tensorflow",
    "openvino.frontend.paddle",
    "openvino.frontend.jax",
    "openvino.torch",
)

# Modules the PyInstaller build leaves out: optional imports of our dependencies that the app never makes.
# tests/test_frozen_imports.py imports, in a fresh process, everything the app imports and fails when that loads
# one of these (cv2 was here until OCR brought it in through rapidocr_onnxruntime).
EXCLUDED_MODULES = (
    "tkinter", "matplotlib", "IPython", "jupyter", "notebook", "pandas", "scipy", "sklearn",
    "torchvision", "torchaudio", "tensorboard", "sentence_transformers", "tensorflow", "jax",
    "PySide6.QtWebEngineCore", "PySide6.Qt3DCore", "PySide6.QtQuick", "PySide6.QtQml", "PySide6.QtMultimedia",
    "PySide6.QtCharts", "PySide6.QtDataVisualization", "PySide6.QtPdf",
    # Reached only through torch's ONNX exporter when the build environment happens to have them.
    "onnx", "onnxscript",
    *OPENVINO_UNUSED_PACKAGES,
)  # fmt: skip

# RapidOCR reads its detection, direction and recognition models and its settings from its package folder.
RAPIDOCR_DATA = ("config.yaml", "models/*.onnx")


def _matches(name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch(name, pattern) for pattern in patterns)


def openvino_runtime(name: str) -> bool:
    """Whether a file of openvino/libs is one that OpenVINO opens by name and the app needs."""
    return _matches(name, OPENVINO_LOADED_BY_NAME) and not _matches(name, OPENVINO_NEVER)


def openvino_kept(name: str) -> bool:
    """Whether a file of openvino/libs belongs in an installer: opened by name and needed, or linked."""
    return (openvino_runtime(name) or _matches(name, OPENVINO_LINKED)) and not _matches(name, OPENVINO_NEVER)


def missing_openvino_runtime(libs: Path) -> list[str]:
    """The patterns in OPENVINO_REQUIRED that no file of an openvino/libs folder matches."""
    names = [p.name for p in libs.iterdir()] if libs.is_dir() else []
    return [pattern for pattern in OPENVINO_REQUIRED if not any(fnmatch(n, pattern) for n in names)]


def openvino_runtime_files(libs: Path) -> list[Path]:
    """The files of an installed openvino/libs folder that OpenVINO opens by name and the app needs."""
    missing = missing_openvino_runtime(libs)
    if missing:
        raise SystemExit(f"OpenVINO in {libs} lacks {missing}: the app could not run models on the CPU")
    return sorted(p for p in libs.iterdir() if p.is_file() and openvino_runtime(p.name))


def missing_rapidocr_data(package: Path) -> list[str]:
    """The patterns in RAPIDOCR_DATA that no file of the rapidocr_onnxruntime folder matches."""
    return [pattern for pattern in RAPIDOCR_DATA if not list(package.glob(pattern))]
