"""Physical and calendar constants shared by every engine (no heavy imports: the CLI's start-up
path may read this module)."""

from __future__ import annotations

HOURS_PER_YEAR = 8760.0
"""Hours in a (365-day) year [h/yr]: the annualisation used by every cost and energy figure."""

PRECISIONS: tuple[str, ...] = ("fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "int8", "fp4")
"""Numeric formats whose dense throughput the accelerator catalog records (``dense_tflops``)."""
