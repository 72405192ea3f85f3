"""The installers' choice of OpenVINO files: what it opens by name for the CPU and the IR is in, the rest is out."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "packaging"))
from bundle_contents import missing_openvino_runtime, openvino_kept, openvino_runtime_files  # noqa: E402

# openvino/libs of the PyPI wheel openvino-2026.4.1-22982-cp313-cp313-win_amd64.whl, as `unzip -l` lists it.
WINDOWS_WHEEL_LIBS = [
    "cache.json",
    "openvino.dll",
    "openvino.lib",
    "openvino_auto_batch_plugin.dll",
    "openvino_auto_plugin.dll",
    "openvino_c.dll",
    "openvino_c.lib",
    "openvino_gguf_frontend.dll",
    "openvino_gguf_frontend.lib",
    "openvino_hetero_plugin.dll",
    "openvino_intel_cpu_plugin.dll",
    "openvino_intel_gpu_plugin.dll",
    "openvino_intel_npu_compiler.dll",
    "openvino_intel_npu_compiler_loader.dll",
    "openvino_intel_npu_plugin.dll",
    "openvino_intel_npu_vm_runtime.dll",
    "openvino_ir_frontend.dll",
    "openvino_jax_frontend.dll",
    "openvino_onnx_frontend.dll",
    "openvino_onnx_frontend.lib",
    "openvino_paddle_frontend.dll",
    "openvino_paddle_frontend.lib",
    "openvino_pytorch_frontend.dll",
    "openvino_pytorch_frontend.lib",
    "openvino_tensorflow_frontend.dll",
    "openvino_tensorflow_frontend.lib",
    "openvino_tensorflow_lite_frontend.dll",
    "openvino_tensorflow_lite_frontend.lib",
    "tbb12.dll",
    "tbb12.lib",
    "tbb12_debug.lib",
    "tbbbind_2_5.dll",
    "tbbbind_2_5.lib",
    "tbbbind_2_5_debug.lib",
    "tbbmalloc.dll",
    "tbbmalloc.lib",
    "tbbmalloc_debug.lib",
    "tbbmalloc_proxy.dll",
    "tbbmalloc_proxy.lib",
    "tbbmalloc_proxy_debug.lib",
]


def test_the_windows_tree_keeps_openvino_s_core_cpu_plugin_ir_reader_and_tbb_only() -> None:
    kept = sorted(name for name in WINDOWS_WHEEL_LIBS if openvino_kept(name))
    assert kept == [
        "openvino.dll",
        "openvino_intel_cpu_plugin.dll",
        "openvino_ir_frontend.dll",
        "tbb12.dll",
        "tbbbind_2_5.dll",
        "tbbmalloc.dll",
    ]


def test_the_linux_build_adds_the_installed_openvino_s_cpu_plugin_and_ir_reader() -> None:
    """The spec adds these to the bundle by file name; an OpenVINO that renamed them would stop the build."""
    spec = importlib.util.find_spec("openvino")
    assert spec is not None
    assert spec.origin
    libs = Path(spec.origin).parent / "libs"
    names = [p.name for p in openvino_runtime_files(libs)]
    assert any("_cpu_plugin." in name for name in names)
    assert any("openvino_ir_frontend." in name for name in names)
    assert not [n for n in names if any(word in n for word in ("gpu", "npu", "proxy", "onnx", "pytorch", "auto"))]


def test_a_tree_without_the_cpu_plugin_is_reported(tmp_path: Path) -> None:
    (tmp_path / "openvino.dll").write_bytes(b"MZ")
    (tmp_path / "openvino_ir_frontend.dll").write_bytes(b"MZ")
    assert missing_openvino_runtime(tmp_path) == ["*openvino_*_cpu_plugin.*"]
    with pytest.raises(SystemExit, match="lacks"):
        openvino_runtime_files(tmp_path)
