"""Checks on the workload engine (``chipwar.compute.workload``): a per-token metric of one chip
over a reference chip (same model, site, batch). Computed from datasheets and observed prices."""

from __future__ import annotations

from typing import Any

from chipwar.claims.base import Modelled, register
from chipwar.claims.checks.catalog import accelerator
from chipwar.compute.workload import infer_frame

DEFAULT_MODEL = "deepseek-v3"
"""Workload used for per-token claims: the FT's energy-gap figure is about current LLM serving."""


# ------------------------------------------------------------------ workloads


def _scaled_chip(chip_id: str, knob: str, value: float) -> Any:
    chip = accelerator(chip_id)
    if value == 1.0:
        return chip
    if knob == "chip_bandwidth":
        return chip.model_copy(update={"memory_bandwidth_tbps": chip.memory_bandwidth_tbps * value})
    if knob == "chip_power":
        upd: dict[str, Any] = {"tdp_w": (chip.tdp_w or 0) * value or None}
        if getattr(chip, "system_power_w", None) is not None:
            r = chip.system_power_w
            upd["system_power_w"] = r.model_copy(
                update={"low": r.low * value, "base": r.base * value, "high": r.high * value}
            )
        return chip.model_copy(update=upd)
    if knob == "chip_price":
        upd = {}
        for name in ("price_usd", "system_capex_usd"):
            r = getattr(chip, name, None)
            if r is not None:
                upd[name] = r.model_copy(
                    update={"low": r.low * value, "base": r.base * value, "high": r.high * value}
                )
        return chip.model_copy(update=upd)
    return chip


@register(
    "workloads.ratio",
    engine="chipwar.compute.workload",
    knobs=("chip_power", "chip_price", "chip_bandwidth"),
    basis="observation",
)
def workload_ratio(params: dict[str, Any], knob: str, value: float) -> Modelled:
    """metric(chip) / metric(reference) from ``infer_frame`` (same model, site, batch)."""
    metric = str(params["metric"])
    chips = [_scaled_chip(str(c), knob, value) for c in [params["chip"], *params.get("also", [])]]
    ref = accelerator(str(params["reference"]))
    model = str(params.get("model", DEFAULT_MODEL))
    site = params.get("site", "cn-inner-mongolia")
    kwargs: dict[str, Any] = {"batch": params.get("batch", 64)}
    col = "decode_tokens_per_s_per_chip" if metric == "tokens_per_s" else metric
    needs_site = col in ("usd_per_mtok", "kwh_per_mtok")
    rows = []
    for c in (*chips, ref):
        prec = str(params.get("precision", "fp8" if "fp8" in c.dense_tflops else "bf16"))
        f = infer_frame(model, c, site if needs_site else None, precision=prec, **kwargs)
        rows.append(f.iloc[0])
    k_range = _knob_range(accelerator(str(params["chip"])), knob)
    b = float(rows[-1][col])
    ratios = [float(r[col]) / b for r in rows[:-1]]
    shown = [
        {k: r.get(k) for k in ("chip", "site", "precision", "batch", col) if k in r} for r in rows
    ]
    return Modelled(
        value=ratios[0],
        low=min(ratios) if len(ratios) > 1 else None,
        high=max(ratios) if len(ratios) > 1 else None,
        sources=sorted({s for c in (*chips, ref) for s in c.source}),
        basis=f"infer_frame({model}).{col}: {chips[0].id} / {ref.id}",
        rows=shown,
        assumptions=[f"model {model}, batch {kwargs['batch']}, shipped workload assumptions"],
        knob_low=k_range[0] if k_range else None,
        knob_high=k_range[1] if k_range else None,
    )


def _knob_range(chip: Any, knob: str) -> tuple[float, float] | None:
    """The knob's own range from the chip's catalog range (price or system power: low/base ..
    high/base)."""
    r = chip.price_usd if knob == "chip_price" else None
    if knob == "chip_power":
        r = getattr(chip, "system_power_w", None)
    if r is None or not r.base:
        return None
    return r.low / r.base, r.high / r.base
