"""Cluster sizing: how many accelerators a serving or training target needs per chip × site,
and the facility power, capital and yearly operating cost of that cluster.

* serving: chips = whole replicas to reach the target output tokens/s (decode throughput of
  :func:`chipwar.compute.roofline.inference_roofline`, chips to hold one replica);
* training: chips = ceil(chip-hours / (24 · days)), chip-hours = FLOPs / (peak · MFU · 3600)
  (:func:`chipwar.compute.workload.training_chip_hours`);
* cost: the compute engine's cost per accelerator-hour (:func:`chipwar.compute.tco.tco_frame`)
  × chips × ``HOURS_PER_YEAR``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from chipwar.catalog.accelerators import Accelerator
from chipwar.catalog.constants import HOURS_PER_YEAR
from chipwar.catalog.sites import Site
from chipwar.compute.models import (
    ModelSpec,
    WorkloadAssumptions,
    get_model,
    load_workload_assumptions,
)
from chipwar.compute.options import TcoOptions
from chipwar.compute.roofline import FloatArray
from chipwar.compute.workload import (
    MAX_CLUSTER_CHIPS,
    chip_peak_tflops,
    efficiency_or_default,
    gather_cost_column,
    infer_frame,
    resolve_chips,
    resolve_sites,
    tco_costs,
    training_chip_hours,
    training_flops,
)
from chipwar.errors import InputError


def chips_for_training(total_flops: Any, peak_tflops: Any, mfu: Any, days: Any) -> FloatArray:
    """Accelerators needed to finish a training run in ``days``.

    n = ceil(h / (24 · days)),  h = :func:`~chipwar.compute.workload.training_chip_hours`

    Parameters
    ----------
    total_flops : array_like
        C [FLOP].
    peak_tflops : array_like
        Dense peak [TFLOPS].
    mfu : array_like
        Model-FLOPs utilisation [fraction].
    days : array_like
        Wall-clock duration [days].

    Returns
    -------
    numpy.ndarray
        n [count].

    Examples
    --------
    >>> float(chips_for_training(3.6e18 * 48, 1000, 1.0, 1))
    2.0
    """
    return np.ceil(training_chip_hours(total_flops, peak_tflops, mfu) / (24.0 * np.asarray(days)))


def chips_for_throughput(
    target_tokens_per_s: Any, decode_tokens_per_s_per_chip: Any, chips_per_replica: Any
) -> FloatArray:
    """Accelerators needed to serve a token rate, in whole replicas.

    n = ceil(target / (rate · k)) · k

    Parameters
    ----------
    target_tokens_per_s : array_like
        Output tokens per second to serve [tokens/s].
    decode_tokens_per_s_per_chip : array_like
        rate, decode throughput per accelerator [tokens/s]
        (:func:`chipwar.compute.roofline.inference_roofline`).
    chips_per_replica : array_like
        k, accelerators one replica spans [count].

    Returns
    -------
    numpy.ndarray
        n [count].

    Examples
    --------
    >>> float(chips_for_throughput(1000, 100, 4))
    12.0
    """
    n = np.asarray(chips_per_replica, dtype=float)
    replicas = np.ceil(
        np.asarray(target_tokens_per_s, dtype=float)
        / (np.asarray(decode_tokens_per_s_per_chip, dtype=float) * n)
    )
    return replicas * n


_INFER_KEYS = ("tokens_per_s", "model", "batch", "context", "precision")


_TRAIN_KEYS = ("train", "tokens", "days", "mfu", "precision", "total_flops")


def parse_target(text: str) -> dict[str, Any]:
    """Parse ``tokens_per_s=1e6[,model=ID,batch=B,context=L,precision=P]`` or
    ``train=MODEL,tokens=D,days=T[,mfu=M,precision=P,total_flops=F]`` into a dict."""
    if not isinstance(text, str) or not text.strip():
        raise InputError("target", text, "'tokens_per_s=1e6' or 'train=MODEL,tokens=D,days=T'")
    parts: dict[str, str] = {}
    for item in text.split(","):
        if "=" not in item:
            raise InputError("target", item.strip(), "key=value pairs separated by commas")
        key, value = (s.strip() for s in item.split("=", 1))
        if not re.fullmatch(r"[a-z_]+", key) or not value:
            raise InputError("target", item.strip(), "key=value with a lowercase key and a value")
        parts[key] = value
    kind = "train" if "train" in parts else "tokens_per_s" if "tokens_per_s" in parts else None
    if kind is None:
        raise InputError("target", text, "a target with 'tokens_per_s=' or 'train='")
    allowed = _TRAIN_KEYS if kind == "train" else _INFER_KEYS
    for key in parts:
        if key not in allowed:
            raise InputError(f"target key {key!r}", text, f"keys among {', '.join(allowed)}")
    out: dict[str, Any] = {"kind": "train" if kind == "train" else "serve"}
    for key, value in parts.items():
        if key in ("model", "train", "precision"):
            out["model" if key == "train" else key] = value
            continue
        try:
            num = float(value)
        except ValueError:
            raise InputError(f"target key {key!r}", value, "a number such as 1e6") from None
        if not math.isfinite(num) or num <= 0:
            raise InputError(f"target key {key!r}", value, "a number > 0")
        out[key] = num
    if out["kind"] == "train":
        for key in ("tokens", "days"):
            if key not in out and not (key == "tokens" and "total_flops" in out):
                raise InputError("target", text, f"a training target with {key}=…")
    return out


def size_frame(
    target: str | Mapping[str, Any],
    chips: Sequence[str | Accelerator] | str | Accelerator,
    sites: Sequence[str | Site] | str | Site,
    *,
    model: str | ModelSpec | None = None,
    assumptions: WorkloadAssumptions | None = None,
    tco: TcoOptions | None = None,
) -> pd.DataFrame:
    """Cluster sizing per chip × site, side by side: chips, facility MW, capex, yearly opex.

    Serving target: chips = whole replicas to reach tokens_per_s (decode, output tokens).
    Training target: chips = ceil(chip-hours / (24·days)).
    it_capex_usd = chips · system capex per accelerator (compute engine: system_capex_usd, else the
    chip price); capex_usd_per_year = chips · capex_usd_per_hour · 8760 (annualised IT + facility
    capex); opex_usd_per_year = chips · (power + other) USD/h · 8760."""
    t = parse_target(target) if isinstance(target, str) else dict(target)
    a = assumptions or load_workload_assumptions()
    chip_list = resolve_chips(chips)
    site_list = resolve_sites(sites)
    precision = str(t.get("precision", "bf16"))
    model_id = t.get("model") or model
    if model_id is None:
        raise InputError("model", None, "a model id (--model or model= in the target)")
    m = get_model(model_id)
    ic, isite = (g.ravel() for g in np.indices((len(chip_list), len(site_list))))
    chip_ids = np.asarray([c.id for c in chip_list])[ic]
    site_ids = np.asarray([s.id for s in site_list])[isite]
    if t["kind"] == "serve":
        est = infer_frame(
            m,
            chip_list,
            None,
            precision=precision,
            batch=t.get("batch", 64),
            context=t.get("context"),
            assumptions=a,
        )
        per_chip = est["decode_tokens_per_s_per_chip"].to_numpy()
        hold = est["chips_to_hold_model"].to_numpy()
        n = chips_for_throughput(t["tokens_per_s"], per_chip[ic], hold[ic])
        label = f"serve {m.id} at {t['tokens_per_s']:g} output tokens/s"
    else:
        mfu = efficiency_or_default(t.get("mfu"), a.training_mfu.base, "mfu")
        flops = t.get("total_flops") or float(training_flops(m.active_params, t["tokens"]))
        peak = np.asarray([chip_peak_tflops(c, precision) for c in chip_list])
        n = chips_for_training(flops, peak[ic], mfu, t["days"])
        label = f"train {m.id} in {t['days']:g} days"
    if not np.all(n < MAX_CLUSTER_CHIPS):
        raise InputError(
            "target", label, f"a target that needs fewer than {MAX_CLUSTER_CHIPS:.0e} accelerators"
        )
    costs = tco_costs(chip_list, site_list, precision, tco)
    fac_kw = gather_cost_column(costs, chip_list, site_list, "facility_power_kw")
    capex_h = gather_cost_column(costs, chip_list, site_list, "capex_usd_per_hour")
    opex_h = gather_cost_column(
        costs, chip_list, site_list, "power_usd_per_hour"
    ) + gather_cost_column(costs, chip_list, site_list, "other_usd_per_hour")
    unit_capex = gather_cost_column(costs, chip_list, site_list, "system_capex_usd")
    return pd.DataFrame(
        {
            "target": label,
            "model": m.id,
            "chip": chip_ids,
            "site": site_ids,
            "precision": precision,
            "chips": n.astype(int),
            "facility_mw": n * fac_kw / 1e3,
            "it_capex_usd": n * unit_capex,
            "capex_usd_per_year": n * capex_h * HOURS_PER_YEAR,
            "opex_usd_per_year": n * opex_h * HOURS_PER_YEAR,
        }
    )
