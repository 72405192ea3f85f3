"""Choosing the device, precision and thread count for inference."""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class DevicePlan:
    device: str
    dtype: torch.dtype
    threads: int
    token_budget: int


def cpu_has_bf16() -> bool:
    """True when the CPU has native bf16 units; elsewhere bf16 is several times slower than fp32."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            flags = f.read()
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


def plan_device(preference: str = "auto", threads: int = 0) -> DevicePlan:
    """CUDA, then Apple MPS, then CPU, unless `preference` names one ("cpu", "cuda", "mps")."""
    device = preference
    if preference == "auto":
        if torch.cuda.is_available():
            device = "cuda"
        elif torch.backends.mps.is_available():
            device = "mps"
        else:
            device = "cpu"
    cpu_threads = threads or max(1, os.cpu_count() or 1)
    if device == "cuda":
        return DevicePlan("cuda", torch.float16, cpu_threads, 65536)
    if device == "mps":
        return DevicePlan("mps", torch.float16, cpu_threads, 16384)
    dtype = torch.bfloat16 if cpu_has_bf16() else torch.float32
    return DevicePlan("cpu", dtype, cpu_threads, 8192)
