"""Each engine as one model function over a batch: ``evaluate(inputs) -> outputs``.

``inputs`` maps input names to arrays of length n (one element per experiment row; a lever may
be an array of words); every input not given stays at its base value. ``outputs`` maps output
names to arrays of length n. Names with a ``[qualifier]`` pick one chip, plant, part or year.
One runner (:mod:`chipwar.experiments.runner`) serves every model.

compute (settings: ``chips``, ``site``, ``precision`` = bf16, ``date``, ``subsidy`` = auto)
    inputs: ``chip_capex_usd[CHIP]``, ``chip_power_kw[CHIP]``, ``utilization[CHIP]``, and for
    all chips or the site: ``utilization``, ``price_usd_per_kwh``, ``pue``,
    ``facility_capex_usd_per_kw``, ``gco2_per_kwh``, ``server_capex_overhead``,
    ``host_power_overhead``, ``life_years``, ``cost_of_capital``, ``facility_life_years``,
    ``average_load``, ``other_opex_fraction``, and ``subsidy``: the power-bill discount
    (0-1) of the chips in ``settings.subsidy_chips`` (default: the chips designed in the
    site's country), replacing the site's own subsidy for them.
    outputs: ``usd_per_pflop_hour[CHIP]``, ``usd_per_accelerator_hour[CHIP]``,
    ``electricity_share[CHIP]``,
    ``kgco2_per_pflop_hour[CHIP]``, ``cost_ratio[A:B]`` (A's USD per PFLOP-hour / B's; < 1:
    A is cheaper), ``cheapest`` (the chip id with the lowest USD per PFLOP-hour).
    Equations: :mod:`chipwar.compute.tco`.
workload (settings as compute plus ``model`` (an LLM id), ``batch`` = 1, ``context`` = 4096)
    inputs: the compute inputs plus ``compute_efficiency`` and ``bandwidth_efficiency``.
    outputs: ``decode_tokens_per_s_per_chip[CHIP]``, ``usd_per_million_tokens[CHIP]`` (USD
    per million output tokens at decode = usd_per_accelerator_hour / (tokens/s · 3600) · 1e6).
    Equations: :mod:`chipwar.compute.roofline`, :mod:`chipwar.compute.workload`.
supply (base: a supply scenario, default ``nexperia-2025``)
    inputs: every uncertain input of the network, named as the engine names them
    (``shocks[ID].fraction``, ``shocks[ID].duration_days``, ``nodes[ID].inventory_days``,
    ``alternates[ID].qualification_days`` …), and every shock's ``fraction`` and
    ``duration_days`` even where the scenario fixes them. outputs: ``lost_units[PLANT]``,
    ``lost_share[PLANT]`` (lost / planned over the horizon), ``first_stop_day[PLANT]`` (NaN:
    never), ``lost_units`` (all plants), ``peak_price[PART]`` (highest price multiplier).
    Equations: :mod:`chipwar.supply.engine`.
dynamics (base: a dynamics scenario, default ``baseline``)
    inputs: the sampled parameters (``learning_rate``, ``beta``, ``alpha_domestic``,
    ``ecosystem_learning``, ``energy_learning_rate``, ``initial_experience_units``,
    ``made_in_cn_share``, ``lifetime_years``, ``leakage``) and the lever ``controls``
    (``actual``, ``none`` or ``frozen:RULE-VERSION``). outputs: ``METRIC[YEAR]`` for
    ``self_sufficiency``, ``domestic_share``, ``nvidia_share``, ``usd_per_pflop_hour_domestic``
    and ``energy_twh``. Parameters not swept stay at their base (fitted) values.
    Equations: :mod:`chipwar.dynamics.model`.
ishigami (no settings) — the Ishigami–Homma test function ``Y = sin x1 + a sin² x2 + b x3⁴
    sin x1`` (a = 7, b = 0.1) with known Sobol indices, to check the sensitivity analysis.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from chipwar.errors import DataError

Array = npt.NDArray[Any]
Inputs = Mapping[str, Array]
Outputs = dict[str, Array]

QUALIFIED = re.compile(r"^([a-z_0-9]+)\[([^\]]+)\]$")


@dataclass
class Model:
    """A model function and the names it accepts and returns."""

    name: str
    inputs: list[str]
    outputs: list[str]
    evaluate: Callable[[Inputs], Outputs]
    levers: list[str] = field(default_factory=list)
    """Inputs that take words (or numbers) and select a variant of the model."""

    def check(self, inputs: list[tuple[str, str]], outputs: list[tuple[str, str]]) -> None:
        """DataError for an input or output name the model does not know; each pair is
        (where, name)."""
        for where, name in inputs:
            if name not in self.inputs and name not in self.levers:
                known = [*self.inputs, *self.levers]
                raise DataError(
                    f"{where}: {name!r} is not an input of the {self.name} model; known: "
                    f"{', '.join(known[:40])}{' …' if len(known) > 40 else ''}"
                )
        for where, name in outputs:
            if name not in self.outputs:
                raise DataError(
                    f"{where}: {name!r} is not an output of the {self.name} model; known: "
                    f"{', '.join(self.outputs[:40])}{' …' if len(self.outputs) > 40 else ''}"
                )


def _n(inputs: Inputs) -> int:
    lengths = {len(v) for v in inputs.values()}
    if len(lengths) > 1:
        raise ValueError(f"inputs of different lengths: {sorted(lengths)}")
    return lengths.pop() if lengths else 1


def _setting(settings: Mapping[str, Any], key: str, default: Any = None) -> Any:
    return settings.get(key, default)


# ---------------------------------------------------------------- compute and workload


COMPUTE_GLOBAL = (
    "server_capex_overhead", "host_power_overhead", "life_years", "cost_of_capital",
    "facility_life_years", "average_load", "other_opex_fraction",
)  # fmt: skip
COMPUTE_SITE = ("price_usd_per_kwh", "pue", "gco2_per_kwh", "facility_capex_usd_per_kw")
COMPUTE_CHIP = ("chip_capex_usd", "chip_power_kw", "utilization")
COMPUTE_OUTPUTS = (
    "usd_per_pflop_hour", "usd_per_accelerator_hour", "electricity_share", "kgco2_per_pflop_hour",
)  # fmt: skip


def _compute_batch(settings: Mapping[str, Any], base: str | None) -> Any:
    from chipwar.catalog.accelerators import get_accelerator
    from chipwar.catalog.sites import get_site
    from chipwar.compute.tco import prepare
    from chipwar.scenarios.loader import read_extras

    extras = read_extras(None, base) if base else None
    chips = _setting(settings, "chips")
    site = _setting(settings, "site")
    if not isinstance(chips, list) or not chips or not all(isinstance(c, str) for c in chips):
        raise DataError("settings.chips: a list of accelerator ids is required")
    if not isinstance(site, str):
        raise DataError("settings.site: a site id is required")
    chip_objs = [
        extras.chips[c] if extras and c in extras.chips else get_accelerator(c) for c in chips
    ]
    site_obj = extras.sites[site] if extras and site in extras.sites else get_site(site)
    date = _setting(settings, "date")
    return prepare(
        chip_objs,
        [site_obj],
        precision=str(_setting(settings, "precision", "bf16")),
        utilization=_setting(settings, "utilization"),
        subsidy=_setting(settings, "subsidy", "auto"),
        date=dt.date.fromisoformat(str(date)) if date else None,
        assumptions=extras.assumptions if extras else None,
    )


def _compute_values(batch: Any, inputs: Inputs, n: int) -> dict[str, Array]:
    """Factor values (factor shape + (n,)) with the given inputs set and the rest at base."""
    from chipwar.compute.tco import base_values

    values = base_values(batch)
    chip_ids = [c.id for c in batch.chips]
    touched: dict[str, Array] = {}

    def factor(name: str) -> Array:
        if name not in touched:
            touched[name] = np.repeat(values[name], n, axis=-1).astype(float)
        return touched[name]

    for key, arr in inputs.items():
        x = np.asarray(arr, dtype=float)
        m = QUALIFIED.match(key)
        if m:
            name, chip = m.group(1), m.group(2)
            factor(name)[chip_ids.index(chip), ...] = x
            continue
        if key == "chip_power_kw" or key == "chip_capex_usd":
            raise DataError(f"input {key!r} needs a chip: {key}[CHIP]")
        if key == "subsidy":
            factor("subsidy")[-1, :] = x  # the experiment's entry (see _with_subsidy_entry)
            continue
        factor(key)[...] = x
    values.update(touched)
    return values


def _with_subsidy_entry(batch: Any, settings: Mapping[str, Any]) -> Any:
    """The batch with one more subsidy-table entry (last, base 0) that the chips in
    ``settings.subsidy_chips`` (default: designed in the site's country) point to, so an
    experiment's ``subsidy`` input sets their power-bill discount."""
    import dataclasses

    from chipwar.catalog.uncertainty import Uncertain
    from chipwar.compute.tco import Triple

    chip_ids = [c.id for c in batch.chips]
    country = batch.sites[0].country
    covered = _setting(
        settings, "subsidy_chips", [c.id for c in batch.chips if c.designer_country == country]
    )
    if not isinstance(covered, list) or any(c not in chip_ids for c in covered):
        raise DataError(
            f"settings.subsidy_chips: {covered!r} is not allowed; expected a list of the "
            f"experiment's chips ({', '.join(chip_ids)})"
        )
    t = batch.factors["subsidy"]
    zero = np.zeros(1)
    entry = Uncertain.exact(0.0, ["experiment-input"])
    table = Triple(
        np.concatenate([t.low, zero]), np.concatenate([t.base, zero]),
        np.concatenate([t.high, zero]), (*t.items, entry), t.scale,
    )  # fmt: skip
    index = batch.subsidy_index.copy()
    for c in covered:
        index[chip_ids.index(c), :] = len(t.low)
    return dataclasses.replace(
        batch, factors={**batch.factors, "subsidy": table}, subsidy_index=index
    )


def _compute_inputs(batch: Any) -> list[str]:
    chip_ids = [c.id for c in batch.chips]
    return [
        *(f"{f}[{c}]" for f in COMPUTE_CHIP for c in chip_ids),
        "utilization",
        *COMPUTE_SITE,
        *COMPUTE_GLOBAL,
        "subsidy",
    ]


def compute_model(settings: Mapping[str, Any], base: str | None) -> Model:
    """The compute engine (TCO) as a model function over n rows (one site)."""
    from chipwar.compute.tco import evaluate as tco_evaluate

    batch = _compute_batch(settings, base)
    batch_subsidy = _with_subsidy_entry(batch, settings)
    chip_ids = [c.id for c in batch.chips]

    def evaluate(inputs: Inputs) -> Outputs:
        n = _n(inputs)
        b = batch_subsidy if "subsidy" in inputs else batch
        out = tco_evaluate(b, _compute_values(b, inputs, n), samples=n)
        res: Outputs = {}
        for metric in COMPUTE_OUTPUTS:
            for i, c in enumerate(chip_ids):
                res[f"{metric}[{c}]"] = np.broadcast_to(out[metric][i, 0], (n,)).copy()
        cost = np.broadcast_to(out["usd_per_pflop_hour"][:, 0, :], (len(chip_ids), n))
        for i, a in enumerate(chip_ids):
            for j, b in enumerate(chip_ids):
                if i != j:
                    res[f"cost_ratio[{a}:{b}]"] = cost[i] / cost[j]
        res["cheapest"] = np.asarray(chip_ids, dtype=object)[np.argmin(cost, axis=0)]
        return res

    ratios = [f"cost_ratio[{a}:{b}]" for a in chip_ids for b in chip_ids if a != b]
    outputs = [f"{m}[{c}]" for m in COMPUTE_OUTPUTS for c in chip_ids] + ratios + ["cheapest"]
    return Model("compute", _compute_inputs(batch), outputs, evaluate)


def workload_model(settings: Mapping[str, Any], base: str | None) -> Model:
    """Compute costs plus the inference roofline: USD per million output tokens at decode."""
    from chipwar.compute.models import get_model, load_workload_assumptions, model_arrays
    from chipwar.compute.roofline import (
        BYTES_PER_VALUE,
        inference_roofline,
        kv_bytes_for,
        per_million_tokens,
    )
    from chipwar.compute.tco import evaluate as tco_evaluate
    from chipwar.compute.workload import chip_peak_tflops

    llm = _setting(settings, "model")
    if not isinstance(llm, str):
        raise DataError("settings.model: an LLM id (chipwar workloads models) is required")
    batch = _compute_batch(settings, base)
    batch_subsidy = _with_subsidy_entry(batch, settings)
    chip_ids = [c.id for c in batch.chips]
    precision = batch.precision
    if precision not in BYTES_PER_VALUE:
        raise DataError(f"settings.precision: {precision!r} is not an inference precision")
    ma = model_arrays([get_model(llm)])
    wa = load_workload_assumptions()
    peak = np.array([chip_peak_tflops(c, precision) for c in batch.chips])
    mem = np.array([float(c.memory_gb or 0) for c in batch.chips])
    bw = np.array([float(c.memory_bandwidth_tbps or 0) for c in batch.chips])
    user_batch = float(_setting(settings, "batch", 1))
    context = float(_setting(settings, "context", 4096))

    def evaluate(inputs: Inputs) -> Outputs:
        n = _n(inputs)
        tco_inputs = {k: v for k, v in inputs.items() if not k.endswith("_efficiency")}
        b = batch_subsidy if "subsidy" in inputs else batch
        cost = tco_evaluate(b, _compute_values(b, tco_inputs, n), samples=n)
        eta_c = np.asarray(inputs.get("compute_efficiency", wa.compute_efficiency.base), float)
        eta_b = np.asarray(inputs.get("bandwidth_efficiency", wa.bandwidth_efficiency.base), float)
        res: Outputs = {}
        for i, c in enumerate(chip_ids):
            r = inference_roofline(
                params=ma.params[0], active_params=ma.active_params[0],
                routed_params=ma.routed_params[0], experts=ma.experts[0],
                experts_per_token=ma.experts_per_token[0], layers=ma.layers[0],
                attention_heads=ma.attention_heads[0], qk_head_dim=ma.qk_head_dim[0],
                v_head_dim=ma.v_head_dim[0], kv_values_per_token=ma.kv_values_per_token[0],
                peak_tflops=peak[i], memory_gb=mem[i], memory_bandwidth_tbps=bw[i],
                bytes_per_param=BYTES_PER_VALUE[precision],
                kv_bytes_per_value=kv_bytes_for(precision), batch=user_batch,
                context_tokens=context, compute_efficiency=eta_c, bandwidth_efficiency=eta_b,
                usable_memory_fraction=wa.usable_memory_fraction.base,
            )  # fmt: skip
            tok = np.broadcast_to(r["decode_tokens_per_s_per_chip"], (n,)).astype(float)
            per_hour = np.broadcast_to(cost["usd_per_accelerator_hour"][i, 0], (n,))
            res[f"decode_tokens_per_s_per_chip[{c}]"] = tok
            res[f"usd_per_million_tokens[{c}]"] = per_million_tokens(per_hour, tok)
        return res

    inputs = [*_compute_inputs(batch), "compute_efficiency", "bandwidth_efficiency"]
    outputs = [
        f"{m}[{c}]"
        for m in ("decode_tokens_per_s_per_chip", "usd_per_million_tokens")
        for c in chip_ids
    ]
    return Model("workload", inputs, outputs, evaluate)


# ---------------------------------------------------------------- supply


def supply_model(settings: Mapping[str, Any], base: str | None) -> Model:
    """The supply simulation: one replication per row."""
    from chipwar.supply.engine import UncertainInput, draws_from, simulate, uncertain_inputs
    from chipwar.supply.results import build
    from chipwar.supply.scenario import Spread, read_scenario

    net = build(read_scenario(base or "nexperia-2025"))
    named: dict[str, list[UncertainInput]] = {}
    for u in uncertain_inputs(net):
        named.setdefault(u.name, []).append(u)
    for j, sh in enumerate(net.shocks):
        dur = sh.duration if sh.duration is not None else None
        for fld, kind, value in (("fraction", "shock_fraction", sh.fraction),
                                 ("duration_days", "shock_duration", dur)):  # fmt: skip
            name = f"shocks[{sh.id}].{fld}"
            if name not in named:
                v = value if isinstance(value, Spread) else float(value or 0.0)
                spread = v if isinstance(v, Spread) else Spread(low=v, base=v, high=v)
                named[name] = [UncertainInput(name, kind, j, spread)]  # type: ignore[arg-type]
    plants = [net.node_ids[i] for i in net.plant_nodes]
    parts = list(net.part_ids)

    def evaluate(inputs: Inputs) -> Outputs:
        n = _n(inputs)
        chosen: list[UncertainInput] = []
        rows: list[Array] = []
        for key, arr in inputs.items():
            for u in named[key]:
                chosen.append(u)
                rows.append(np.asarray(arr, dtype=float))
        values = np.stack(rows) if rows else np.zeros((0, n))
        res = simulate(net, draws_from(net, chosen, values))
        out: Outputs = {}
        planned = np.asarray(net.demand, dtype=float) * res.days
        for p, plant in enumerate(plants):
            out[f"lost_units[{plant}]"] = res.plant_lost[p].astype(float)
            out[f"lost_share[{plant}]"] = res.plant_lost[p] / planned[p]
            stop = res.plant_first_stop[p].astype(float)
            out[f"first_stop_day[{plant}]"] = np.where(stop < 0, np.nan, stop)
        out["lost_units"] = res.plant_lost.sum(axis=0).astype(float)
        for k, part in enumerate(parts):
            out[f"peak_price[{part}]"] = res.part_price[:, k, :].max(axis=0)
        return out

    outputs = (
        [f"{m}[{p}]" for m in ("lost_units", "lost_share", "first_stop_day") for p in plants]
        + ["lost_units"]
        + [f"peak_price[{p}]" for p in parts]
    )
    return Model("supply", sorted(named), outputs, evaluate)


# ---------------------------------------------------------------- dynamics


DYNAMICS_PARAMS = (
    "beta", "alpha_domestic", "ecosystem_learning", "learning_rate", "energy_learning_rate",
    "initial_experience_units", "made_in_cn_share", "lifetime_years", "leakage",
)  # fmt: skip
DYNAMICS_METRICS = (
    "self_sufficiency", "domestic_share", "nvidia_share", "usd_per_pflop_hour_domestic",
    "energy_twh",
)  # fmt: skip


def dynamics_model(settings: Mapping[str, Any], base: str | None) -> Model:
    """The dynamics model: one parameter set per row; ``controls`` selects the rule timeline."""
    from chipwar.dynamics.api import Prepared, history_fit, prepare
    from chipwar.dynamics.calibration import draw_fitted
    from chipwar.dynamics.model import Params, simulate
    from chipwar.dynamics.scenario import Controls, load_scenario, sample_params

    scenario = load_scenario(base or "baseline")
    years = [int(y) for y in scenario.years]
    variants: dict[str, Prepared] = {}

    def variant(word: str) -> Prepared:
        if word not in variants:
            if word in ("actual", "none"):
                controls = scenario.controls.model_copy(update={"rules": word, "frozen_at": None})
            elif word.startswith("frozen:"):
                controls = scenario.controls.model_copy(
                    update={"rules": "frozen", "frozen_at": word.split(":", 1)[1]}
                )
            else:
                raise DataError(
                    f"levers: controls {word!r} is not allowed; expected actual, none or "
                    "frozen:RULE-VERSION"
                )
            Controls.model_validate(controls.model_dump(by_alias=True))
            variants[word] = prepare(scenario.model_copy(update={"controls": controls}))
        return variants[word]

    fitted: dict[str, Any] = {}
    if scenario.calibration is not None:
        fitted = draw_fitted(history_fit(scenario.calibration), 1, 0)
    base_params = sample_params(scenario, 1, 0, fitted)

    def evaluate(inputs: Inputs) -> Outputs:
        n = _n(inputs)
        words = np.asarray(inputs.get("controls", np.full(n, "actual", dtype=object)), dtype=object)
        out: Outputs = {f"{m}[{y}]": np.empty(n) for m in DYNAMICS_METRICS for y in years}
        for word in dict.fromkeys(words.tolist()):
            rows = np.flatnonzero(words == word)
            values = {
                k: np.repeat(np.asarray(getattr(base_params, k)), len(rows), axis=0)
                for k in Params.__dataclass_fields__
            }
            for k in DYNAMICS_PARAMS:
                if k in inputs:
                    values[k] = np.asarray(inputs[k], dtype=float)[rows]
            prep = variant(str(word))
            sim = simulate(prep.chips, Params(**values), prep.levers)
            for m in DYNAMICS_METRICS:
                arr = getattr(sim, m)
                for t, y in enumerate(years):
                    out[f"{m}[{y}]"][rows] = arr[:, t]
        return out

    outputs = [f"{m}[{y}]" for m in DYNAMICS_METRICS for y in years]
    return Model("dynamics", list(DYNAMICS_PARAMS), outputs, evaluate, levers=["controls"])


# ---------------------------------------------------------------- ishigami


ISHIGAMI_A, ISHIGAMI_B = 7.0, 0.1


def ishigami_model(settings: Mapping[str, Any], base: str | None) -> Model:
    """Y = sin x1 + a sin² x2 + b x3⁴ sin x1 (Ishigami & Homma 1990), xi ~ U(−π, π)."""

    def evaluate(inputs: Inputs) -> Outputs:
        x1, x2, x3 = (np.asarray(inputs[k], dtype=float) for k in ("x1", "x2", "x3"))
        y = np.sin(x1) + ISHIGAMI_A * np.sin(x2) ** 2 + ISHIGAMI_B * x3**4 * np.sin(x1)
        return {"y": y}

    return Model("ishigami", ["x1", "x2", "x3"], ["y"], evaluate)


BUILDERS: dict[str, Callable[[Mapping[str, Any], str | None], Model]] = {
    "compute": compute_model,
    "workload": workload_model,
    "supply": supply_model,
    "dynamics": dynamics_model,
    "ishigami": ishigami_model,
}


def build_model(name: str, settings: Mapping[str, Any], base: str | None) -> Model:
    """The model function of an engine, built once for the given settings and base."""
    return BUILDERS[name](settings, base)
