"""The compute explorer's answer (one batch, pandas-free rows, batched break-even) equals what
the engines' public paths give: the rows of ``tco_frame`` serialised, and one scalar
``breakeven`` per chip and site."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from chipwar.catalog.accelerators import Accelerator, load_accelerators
from chipwar.catalog.sites import Site, load_sites
from chipwar.compute.assumptions import load_assumptions, with_overrides
from chipwar.compute.breakeven import breakeven
from chipwar.compute.tco import tco_frame
from chipwar.serialize import document
from chipwar.web.pages import BREAKEVEN_KEYS, NO_PRICE, _scaled, explorer_document


def reference(chips: list[Accelerator], sites: list[Site], **options: Any) -> dict[str, Any]:
    """The explorer's numbers the straightforward way (as before the batched path)."""
    be = []
    for s in sites:
        for a in chips[1:]:
            if a.price_usd is None and a.system_capex_usd is not None:
                be.append({"chip_a": a.id, "chip_b": chips[0].id, "site": s.id, "unit": "USD",
                           "current": None, "value": None,
                           "message": NO_PRICE.format(chip=a.id)})  # fmt: skip
                continue
            r = breakeven(a, chips[0], s, param="chip-price", **options)
            be.append({k: r.get(k) for k in BREAKEVEN_KEYS})
    return {"rows": document(tco_frame(chips, sites, **options)), "breakeven": document(be)}


def _close(got: Any, want: Any) -> None:
    if isinstance(want, dict):
        assert list(got) == list(want)
        for k in want:
            _close(got[k], want[k])
    elif isinstance(want, list):
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            _close(g, w)
    elif isinstance(want, float):
        assert got == pytest.approx(want, rel=1e-9, abs=0.0)
    else:
        assert got == want


def test_explorer_equals_frame_and_scalar_solves() -> None:
    rng = np.random.default_rng(7)
    accs = [a for a in load_accelerators().values() if "bf16" in a.dense_tflops]
    accs = [a for a in accs if a.price_usd is not None or a.system_capex_usd is not None]
    all_sites = list(load_sites().values())
    unpriced = 0
    for _ in range(40):
        p, e = float(rng.uniform(0.1, 5)), float(rng.uniform(0.1, 5))
        picked = [accs[int(i)] for i in rng.choice(len(accs), int(rng.integers(1, 7)), False)]
        chips = [
            a.model_copy(update={"price_usd": _scaled(a.price_usd, p),
                                 "system_capex_usd": _scaled(a.system_capex_usd, p)})
            for a in picked
        ]  # fmt: skip
        unpriced += sum(a.price_usd is None for a in chips[1:])
        sites = []
        for j in rng.choice(len(all_sites), int(rng.integers(1, 5)), False):
            s = all_sites[int(j)]
            el = s.electricity.model_copy(
                update={"price_per_kwh": _scaled(s.electricity.price_per_kwh, e)}
            )
            sites.append(s.model_copy(update={"electricity": el}))
        options = {
            "utilization": None if rng.random() < 0.5 else float(rng.uniform(0.01, 1)),
            "subsidy": "auto" if rng.random() < 0.5 else float(rng.choice([0.0, 0.3])),
            "assumptions": with_overrides(
                load_assumptions(), {"cost_of_capital": float(rng.uniform(0, 0.5))},
                source="dashboard",
            ),
        }  # fmt: skip
        _close(explorer_document(chips, sites, **options), reference(chips, sites, **options))
    assert unpriced > 0  # the no-price branch was exercised


@pytest.mark.parametrize("n_chips", [2, 5])  # 2 × 3 pairs on the event loop, 5 × 4 in a thread
def test_route_answers_alike_inline_and_in_the_pool(n_chips: int) -> None:
    import json

    from fastapi.testclient import TestClient

    from chipwar.web.app import create_app
    from chipwar.web.pages import INLINE_PAIRS

    acc, sts = load_accelerators(), load_sites()
    chips = [a for a in acc.values() if a.price_usd is not None][:n_chips]
    sites = list(sts.values())[: 3 if n_chips == 2 else 4]
    assert (len(chips) * len(sites) <= INLINE_PAIRS) == (n_chips == 2)
    q = "&".join([*(f"chip={c.id}" for c in chips), *(f"site={s.id}" for s in sites)])
    got = TestClient(create_app()).get(f"/dashboard/data/compute?{q}")
    assert got.status_code == 200, got.text
    _close(json.loads(got.content), json.loads(json.dumps(explorer_document(chips, sites))))
