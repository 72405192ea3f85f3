"""The CPU a device plan sees, simulated: tests that compare numbers with a float32 reference pin float32, and
the bfloat16 plan is tested on any machine, whatever flags this one's CPU has."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from desktop_search.embed import device
from desktop_search.embed.device import DevicePlan, plan_device

# /proc/cpuinfo flag lines of an AVX2-only CPU and of one with bf16 units (Sapphire Rapids: AVX512-BF16, AMX).
NO_BF16_FLAGS = "flags\t\t: fpu sse sse2 ssse3 sse4_1 sse4_2 avx avx2 fma f16c"
BF16_FLAGS = NO_BF16_FLAGS + " avx512f avx512bw avx512_vnni avx512_bf16 amx_bf16 amx_tile amx_int8"


@contextmanager
def simulated_cpu(flags: str) -> Iterator[None]:
    """Device plans (and models loaded) inside see a CPU with these flags."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(device, "cpu_flags", lambda: flags)
        yield


def cpu_plan(flags: str = NO_BF16_FLAGS, threads: int = 0) -> DevicePlan:
    """The plan `plan_device("cpu")` makes on a CPU with these flags (default: float32, as without bf16)."""
    with simulated_cpu(flags):
        return plan_device("cpu", threads)
