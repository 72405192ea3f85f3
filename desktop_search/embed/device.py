"""Choosing the device, precision and thread count for inference; a CPU-only machine is told without torch."""

from __future__ import annotations

import importlib.util
import os
import platform
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

DEVICES = ("cpu", "cuda", "mps")


@dataclass(frozen=True)
class DevicePlan:
    device: str
    dtype: torch.dtype
    threads: int
    token_budget: int


def cpu_flags() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            return f.read()
    except OSError:
        return ""


def cpu_has_bf16() -> bool:
    """True when the CPU has native bf16 units; elsewhere bf16 is several times slower than fp32."""
    flags = cpu_flags()
    return "amx_bf16" in flags or "avx512_bf16" in flags


def cpu_has_int8_dot() -> bool:
    """True when the CPU has int8 dot-product instructions (VNNI, AMX, Arm's dot product).

    Without them int8 matrix products run on AVX2's 16-bit multiply-adds and were no faster than float32 here
    (docs/performance.md), so int8 is worth its small loss of accuracy only with them. Read from /proc/cpuinfo
    on Linux, from NumPy's CPU feature table elsewhere (which does not list AVX-VNNI: such CPUs get float32).
    """
    flags = cpu_flags()
    if flags:
        return any(f in flags.split() for f in ("avx512_vnni", "avx_vnni", "amx_int8", "asimddp"))
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features  # type: ignore[import-not-found]
    except ImportError:
        return False
    return bool(features.get("AVX512VNNI") or features.get("ASIMDDP"))


def cpu_threads(threads: int = 0) -> int:
    return threads or max(1, os.cpu_count() or 1)


def _torch_builds_for_gpu() -> bool:
    """Whether the installed torch was built for CUDA/ROCm, read from its version file without importing it."""
    found = importlib.util.find_spec("torch")
    if found is None or not found.submodule_search_locations:
        return False
    version = Path(next(iter(found.submodule_search_locations))) / "version.py"
    try:
        text = version.read_text(encoding="utf-8")
    except OSError:
        return True  # cannot tell: let torch answer
    return bool(re.search(r"^(cuda|hip)\b[^=]*=\s*['\"]", text, re.MULTILINE))


def _gpu_driver_present() -> bool:
    """An NVIDIA or AMD GPU driver is loaded (Linux) or installed (Windows); elsewhere assume it may be."""
    if sys.platform.startswith("linux"):
        return os.path.exists("/proc/driver/nvidia/version") or os.path.exists("/dev/kfd")
    if sys.platform == "win32":
        system32 = Path(os.environ.get("SYSTEMROOT", r"C:\Windows")) / "System32"
        return (system32 / "nvcuda.dll").exists() or (system32 / "amdhip64.dll").exists()
    return True


def accelerator_possible() -> bool:
    """False when this machine certainly has no CUDA/ROCm/MPS device for torch, decided without importing it.

    Importing torch costs 1-2 s; a CPU-only machine (most laptops) should not pay it to learn it has no GPU.
    """
    if sys.platform == "darwin":
        return platform.machine() == "arm64"
    return _torch_builds_for_gpu() and _gpu_driver_present()


def resolve_device(preference: str = "auto") -> str:
    """ "cpu", "cuda" or "mps": `preference` when it names one, else the best one this machine has."""
    if preference != "auto":
        return preference
    if not accelerator_possible():
        return "cpu"
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def plan_device(preference: str = "auto", threads: int = 0) -> DevicePlan:
    """Precision and batch budget for torch on the device: CUDA, then Apple MPS, then CPU unless `preference`
    names one ("cpu", "cuda", "mps")."""
    import torch

    device = resolve_device(preference)
    if device == "cuda":
        return DevicePlan("cuda", torch.float16, cpu_threads(threads), 65536)
    if device == "mps":
        return DevicePlan("mps", torch.float16, cpu_threads(threads), 16384)
    dtype = torch.bfloat16 if cpu_has_bf16() else torch.float32
    return DevicePlan("cpu", dtype, cpu_threads(threads), 8192)
