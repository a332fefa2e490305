"""The batched break-even solve (:func:`breakeven_pairs`, the dashboard explorer's) against the
scalar one (:func:`breakeven`, the CLI's) on many random chips, sites, prices and options."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np
import pytest

from chipwar.catalog.accelerators import Accelerator, load_accelerators
from chipwar.catalog.sites import Site, load_sites
from chipwar.catalog.types import Range
from chipwar.compute.assumptions import load_assumptions, with_overrides
from chipwar.compute.breakeven import PARAMS, breakeven, breakeven_pairs
from chipwar.compute.tco import prepare
from chipwar.errors import InputError, NotApplicableError

NUMBERS = ("current", "cost_a", "cost_b", "value", "cost_at_value")


def _scaled(r: Range | None, k: float) -> Range | None:
    if r is None:
        return None
    return r.model_copy(update={"low": r.low * k, "base": r.base * k, "high": r.high * k})


def _same(batched: dict[str, Any], scalar: dict[str, Any]) -> None:
    assert list(batched) == list(scalar)
    for key, want in scalar.items():
        got = batched[key]
        if key in NUMBERS and want is not None and not math.isnan(want):
            assert got == pytest.approx(want, rel=1e-9, abs=0.0), (key, batched, scalar)
        elif key in NUMBERS and want is not None:
            assert math.isnan(got), (key, got)
        else:
            assert got == want, (key, batched["message"], scalar["message"])


def _random_case(rng: np.random.Generator) -> tuple[list[Accelerator], list[Site], dict[str, Any]]:
    """2–5 catalog chips with chip prices scaled 0.1–5x (sometimes a renamed twin of one, so
    that a gap is flat), 1–3 sites with electricity scaled 0.1–5x, random options."""
    accs = [
        a
        for a in load_accelerators().values()
        if "bf16" in a.dense_tflops and a.price_usd is not None
    ]
    sites_all = list(load_sites().values())
    chips = []
    for i in rng.choice(len(accs), size=int(rng.integers(2, 6)), replace=False):
        k = float(rng.uniform(0.1, 5.0))
        a = accs[int(i)]
        chips.append(
            a.model_copy(
                update={
                    "price_usd": _scaled(a.price_usd, k),
                    "system_capex_usd": _scaled(a.system_capex_usd, k),
                }
            )
        )
    if rng.random() < 0.3:  # same chip, other price: the electricity gap is flat
        twin = chips[0]
        chips.append(
            twin.model_copy(
                update={"id": twin.id + "-twin", "price_usd": _scaled(twin.price_usd, 2.0)}
            )
        )
    sites = []
    for j in rng.choice(len(sites_all), size=int(rng.integers(1, 4)), replace=False):
        s = sites_all[int(j)]
        e = float(rng.uniform(0.1, 5.0))
        el = s.electricity.model_copy(
            update={"price_per_kwh": _scaled(s.electricity.price_per_kwh, e)}
        )
        sites.append(s.model_copy(update={"electricity": el}))
    options: dict[str, Any] = {
        "utilization": None if rng.random() < 0.5 else float(rng.uniform(0.05, 1.0)),
        "subsidy": "auto" if rng.random() < 0.6 else float(rng.uniform(0.0, 1.0)),
        "assumptions": with_overrides(
            load_assumptions(), {"cost_of_capital": float(rng.choice([0.0, 0.06, 0.3]))},
            source="test",
        ),
    }  # fmt: skip
    return chips, sites, options


def test_batched_equals_scalar_on_random_inputs() -> None:
    rng = np.random.default_rng(20261203)
    kinds: Counter[str] = Counter()
    compared = 0
    for _ in range(120):
        chips, sites, options = _random_case(rng)
        batch = prepare(chips, sites, **options)
        for param in PARAMS:
            pairs = [
                (i, k, j)
                for j in range(len(sites))
                for i in range(len(chips))
                for k in range(len(chips))
                if i != k and rng.random() < 0.5
            ]
            batched = breakeven_pairs(batch, pairs, param=param)
            assert len(batched) == len(pairs)
            for (i, k, j), got in zip(pairs, batched, strict=True):
                want = breakeven(chips[i], chips[k], sites[j], param=param, **options)
                _same(got, want)
                compared += 1
                kinds[
                    "inside"
                    if want["value"] is not None
                    else "flat"
                    if "every" in want["message"]
                    else "outside"
                ] += 1
    assert compared > 1000
    # Every branch of the solve was exercised, each many times.
    assert min(kinds[k] for k in ("inside", "outside", "flat")) >= 20, kinds


def test_batched_refuses_what_scalar_refuses() -> None:
    accs, sites = load_accelerators(), load_sites()
    chips = [accs["nvidia-h20"], accs["nvidia-h800"]]  # h800: a server price, no chip price
    site = sites["cn-guizhou"]
    batch = prepare(chips, [site])
    with pytest.raises(NotApplicableError, match="nvidia-h800"):
        breakeven(chips[1], chips[0], site, param="chip-price")
    with pytest.raises(NotApplicableError, match="nvidia-h800"):
        breakeven_pairs(batch, [(1, 0, 0)], param="chip-price")
    with pytest.raises(InputError, match="vs"):
        breakeven_pairs(batch, [(0, 0, 0)], param="subsidy")
    with pytest.raises(InputError, match="param"):
        breakeven_pairs(batch, [(0, 1, 0)], param="pue")
    assert breakeven_pairs(batch, [], param="subsidy") == []
