"""Benchmark: classify synthetic equipment specs under all four regimes, vectorised vs. a per-tool
reference.

Both read the same rule data (``data/rules/equipment``); the reference
(``chipwar.controls.tools.classify_reference``) loops over tools and regimes in plain Python with
three-valued logic. The licence outcomes of both are checked to agree on the reference sample.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _results import write_section
from chipwar.catalog.tools import Tool
from chipwar.controls.tool_rules import REGIMES, load_tool_rules
from chipwar.controls.tools import classify_frame, classify_reference

N = 200_000
SAMPLE = 5_000
DATE = dt.date(2025, 12, 1)
DEST = "CN"
END_USE = "advanced-node"
KINDS = ["duv-immersion", "duv-dry-arf", "euv", "krf", "etch-anisotropic-pulsed-rf"]


def specs(n: int, seed: int = 0) -> pd.DataFrame:
    """Synthetic tools spanning the thresholds (seeded); about 5 % lack NA or overlay."""
    rng = np.random.default_rng(seed)
    kind = rng.choice(KINDS, n)
    litho = kind != "etch-anisotropic-pulsed-rf"
    na = rng.uniform(0.3, 1.5, n)
    na[rng.random(n) < 0.05] = np.nan
    dco = rng.uniform(0.8, 3.0, n)
    dco[rng.random(n) < 0.05] = np.nan
    return pd.DataFrame(
        {
            "tool": [f"t{i}" for i in range(n)],
            "kind": kind,
            "category": np.where(litho, "lithography", "etch"),
            "vendor_country": rng.choice(np.array(["NL", "US", "JP", "CN", None], dtype=object), n),
            "wavelength_nm": np.where(litho, rng.choice([13.5, 193.0, 248.0], n), np.nan),
            "numerical_aperture": na,
            "dedicated_chuck_overlay_nm": dco,
        }
    )


def as_tool(row: dict[str, object]) -> Tool:
    def num(x: object) -> float | None:
        return None if x is None or (isinstance(x, float) and np.isnan(x)) else float(x)  # type: ignore[arg-type]

    return Tool(
        id=str(row["tool"]),
        name="synthetic",
        vendor="synthetic",
        vendor_country=row["vendor_country"] if isinstance(row["vendor_country"], str) else None,
        category=row["category"],  # type: ignore[arg-type]
        kind=row["kind"],  # type: ignore[arg-type]
        wavelength_nm=num(row["wavelength_nm"]),
        numerical_aperture=num(row["numerical_aperture"]),
        dedicated_chuck_overlay_nm=num(row["dedicated_chuck_overlay_nm"]),
        source=["highuvlith-litho-math"],
    )


def main() -> None:
    book = load_tool_rules()
    frame = specs(N)
    classify_frame(frame.head(1000), DEST, DATE, END_USE, reasons=False, book=book)  # warm-up

    t0 = time.perf_counter()
    out = classify_frame(frame, DEST, DATE, END_USE, reasons=False, book=book)
    t_vec = time.perf_counter() - t0

    t0 = time.perf_counter()
    classify_frame(frame.head(SAMPLE), DEST, DATE, END_USE, reasons=True, book=book)
    t_reasons = time.perf_counter() - t0

    tools = [as_tool(r) for r in frame.head(SAMPLE).to_dict(orient="records")]
    t0 = time.perf_counter()
    ref = [classify_reference(t, DEST, DATE, END_USE, book) for t in tools]
    t_ref = time.perf_counter() - t0

    got = out["license_required"].to_numpy()[: SAMPLE * len(REGIMES)]
    want = [r[regime] for r in ref for regime in REGIMES]
    assert list(got) == want, "vectorised and reference disagree"
    rate_vec, rate_ref = N / t_vec, SAMPLE / t_ref
    shares = {
        regime: float(np.mean(out.loc[out["regime"] == regime, "license_required"] == True))  # noqa: E712
        for regime in REGIMES
    }
    md = f"""## controls: equipment classification (`benchmarks/bench_tools.py`)

{N:,} synthetic tools (seeded: kinds {", ".join(KINDS)}; wavelength 13.5/193/248 nm, NA
0.3–1.5, dedicated chuck overlay 0.8–3.0 nm, 5 % of NA and overlay unknown; maker NL/US/JP/CN or
unknown) classified for {DEST} on {DATE}, end use {END_USE}, under all four regimes
({N * len(REGIMES):,} rows).

| implementation | tools | wall time | tools/s |
|---|---:|---:|---:|
| vectorised `classify_frame` (entry, licence, policy; 4 regimes) | {N:,} | {t_vec:.2f} s | {
        rate_vec:,.0f} |
| per-tool `classify_reference` (plain Python, 4 regimes) | {SAMPLE:,} | {t_ref:.2f} s | {
        rate_ref:,.0f} |
| vectorised with per-row `reasons` strings | {SAMPLE:,} | {t_reasons:.2f} s | {
        SAMPLE / t_reasons:,.0f} |

**Speed-up, vectorised vs per-tool reference: {rate_vec / rate_ref:,.0f}×** (rates compared; the
reference runs on the first {SAMPLE:,} tools and agrees with the vectorised licence outcome on
all {SAMPLE * len(REGIMES):,} tool × regime rows). Share needing a licence: {
        ", ".join(f"{r} {s:.0%}" for r, s in shares.items())
    }.
"""
    print(md)
    write_section("tools", md)


if __name__ == "__main__":
    main()
