"""Write one benchmark's section of ``benchmarks/RESULTS.md`` without touching the others."""

from __future__ import annotations

import os
import platform
import re
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).with_name("RESULTS.md")
HEADER = (
    "# Benchmark results\n\n"
    "Each section is written by its script in `benchmarks/` (run all with `make bench`).\n"
    "Ratios are measured in one run: ours vs. a straightforward reference implementation.\n"
)


def best_of(repeats: int, func: Callable[[], object]) -> float:
    """Shortest wall time [s] of ``repeats`` runs (the machine is shared; the minimum is the
    least disturbed)."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return min(times)


def machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"NumPy {np.__version__}"
    )


def write_section(name: str, markdown: str) -> None:
    """Replace (or append) the section between ``<!-- bench:NAME -->`` markers."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else HEADER
    block = (
        f"<!-- bench:{name} -->\n{markdown.strip()}\n\n"
        f"_Machine: {machine()}_\n<!-- /bench:{name} -->"
    )
    pattern = re.compile(
        rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S
    )
    text = (
        pattern.sub(lambda _: block, text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + block + "\n"
    )
    RESULTS.write_text(text, encoding="utf-8")
