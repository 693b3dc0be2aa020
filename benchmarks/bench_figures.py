"""Small helpers the benchmark reports share: percentiles, target verdicts and the host's facts."""

from __future__ import annotations

import os
import platform
import statistics
from pathlib import Path


def percentile(values: list[float], q: int) -> float:
    """The q-th percentile (1-99) of `values`; NaN when there are none."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def host_lines(load_at_start: tuple[float, float, float], *, width: int) -> list[str]:
    """The 'Load' and 'Machine' lines of a report, labels padded to `width`: what the figures ran on."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    mem_kb = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    start, end = (" / ".join(f"{x:.1f}" for x in load) for load in (load_at_start, os.getloadavg()))
    return [
        f"{'Load':<{width}}average {start} at the start, {end} at the end (1/5/15 min; other work shares the cores)",
        f"{'Machine':<{width}}{os.cpu_count()} CPU cores ({cpu}), {mem_kb / 1024 / 1024:.1f} GiB RAM, "
        f"{platform.platform()}",
    ]
