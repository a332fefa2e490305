"""What was observed in a supply crisis, as dated, sourced data, and how a simulation is scored
against it.

An observations file (YAML/JSON) lists observations, each with a date, a tolerance and sources:

* ``first_stop`` — a plant's output first fell below plan on ``date`` (± ``tolerance_days``);
* ``recovery`` — a plant was first back at plan on ``date`` (± ``tolerance_days``);
* ``no_stop`` — a plant was reported not stopped up to ``date`` (reported cover, reported absence
  of a stop): a simulated first stop on or before ``date - tolerance_days`` misses it;
* ``shortage`` — buyers of ``part`` in ``buyer_country`` were short (short-time work at Tier-1s)
  on some day within ``date`` ± ``tolerance_days``: unfilled orders ≥ the scenario's stop
  threshold (1 %) of what they wanted that day;
* ``policy_event`` — a dated policy event that drives a shock (its ``start`` or ``end``): not an
  outcome to fit but a check that the scenario's shock dates agree with what happened.

Scoring one replication: ``x`` is the simulated day of the observed thing (first stop, first day
back at plan, the shortage day nearest the window; ``inf`` = never) and the miss is the number of
days by which ``x`` falls outside the observation's window ``[lo, hi]``:
``miss = max(lo - x, 0, x - hi)``, with "never" counted at the horizon's end (day T) for
``first_stop``, ``recovery`` and ``shortage``, and as a hit for ``no_stop``. A replication
reproduces an observation when its miss is 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from chipwar.catalog.io import DATA_DIR, format_validation_error, path_exists, read_document
from chipwar.catalog.types import Country, Slug, refuse_bools
from chipwar.errors import ChipwarError, ScenarioError
from chipwar.supply.engine import SimResult
from chipwar.supply.network import FloatArray, Network
from chipwar.supply.scenario import Scenario

OBSERVATIONS_DIR = DATA_DIR / "observations"
"""Observation files shipped inside the package (``nexperia-2025`` finds them here)."""

ObservationKind = Literal["first_stop", "recovery", "no_stop", "shortage", "policy_event"]
OUTCOME_KINDS = ("first_stop", "recovery", "no_stop", "shortage")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _no_bools_for_numbers(cls, data: Any) -> Any:
        return refuse_bools(cls, data)


class Observation(_Model):
    """One dated, sourced observation (see the module docstring for each kind)."""

    id: Slug
    kind: ObservationKind
    date: dt.date
    tolerance_days: int = Field(0, ge=0, le=60)
    plant: Slug | None = Field(None, description="first_stop, recovery, no_stop: the plant node.")
    part: Slug | None = Field(None, description="shortage: the part bought.")
    buyer_country: Country | None = Field(None, description="shortage: where the buyers are.")
    shock: Slug | None = Field(None, description="policy_event: the shock it drives.")
    boundary: Literal["start", "end"] | None = Field(
        None, description="policy_event: the shock's start or its end (first day without it)."
    )
    who: str = ""
    what: str = Field(min_length=1, description="What was reported, in a sentence.")
    source: list[str] = Field(min_length=1)
    note: str = ""

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Observation:
        need = {
            "first_stop": ("plant",),
            "recovery": ("plant",),
            "no_stop": ("plant",),
            "shortage": ("part", "buyer_country"),
            "policy_event": ("shock", "boundary"),
        }[self.kind]
        missing = [f for f in need if getattr(self, f) is None]
        if missing:
            raise ValueError(f"a {self.kind} observation needs {', '.join(missing)}")
        return self

    def window(self) -> tuple[dt.date, dt.date]:
        """The dates that reproduce it (no_stop: any stop must come after the first date)."""
        tol = dt.timedelta(days=self.tolerance_days)
        if self.kind == "no_stop":
            return self.date - tol, dt.date.max
        return self.date - tol, self.date + tol


class Observations(_Model):
    """An observations file: what happened, for calibrating a scenario."""

    id: Slug
    title: str = ""
    scenario: Slug | None = Field(None, description="The scenario these were collected for.")
    reviewed: dt.date = Field(description="Date the sources were last reviewed through.")
    observations: list[Observation] = Field(min_length=1)
    note: str = ""

    @model_validator(mode="after")
    def _unique(self) -> Observations:
        ids = [o.id for o in self.observations]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate observation id {dupes[0]!r}")
        return self

    def outcomes(self, hold_out: tuple[str, ...] = ()) -> list[Observation]:
        """The observations a simulation is scored on, less the held-out ones."""
        return [o for o in self.observations if o.kind in OUTCOME_KINDS and o.id not in hold_out]

    def get(self, obs_id: str) -> Observation:
        for o in self.observations:
            if o.id == obs_id:
                return o
        from chipwar.errors import UnknownIdError

        raise UnknownIdError("observation", obs_id, [o.id for o in self.observations])


def builtin_observations() -> list[str]:
    return sorted(p.stem for p in OBSERVATIONS_DIR.glob("*.yaml"))


def read_observations(name_or_path: str | Path) -> Observations:
    """Read and validate an observations file, or a built-in one by name (``nexperia-2025``)."""
    path = Path(name_or_path)
    if not path_exists(path):
        if str(name_or_path) not in builtin_observations():
            raise ScenarioError(
                f"observations {str(name_or_path)!r}: no such file and not built in "
                f"(built-in: {', '.join(builtin_observations()) or 'none'})"
            )
        path = OBSERVATIONS_DIR / f"{name_or_path}.yaml"
    raw = read_document(path, "an observations file (a mapping)")
    if not isinstance(raw, dict):
        raise ScenarioError(f"{path.name}: expected a mapping at the top level")
    try:
        return Observations.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(exc, path.name)) from None


def check_against(obs: Observations, scn: Scenario, net: Network) -> None:
    """Every observation names a plant, market or shock of the scenario, its dates fall in the
    simulated period, and each policy event matches its shock's date within tolerance.

    Raises ScenarioError listing every problem (a calibration against the wrong drivers, or
    against a plant the network does not have, would be meaningless)."""
    problems: list[str] = []
    plants = {net.node_ids[i] for i in net.plant_nodes}
    markets = {(p, c) for p, c in _market_keys(net)}
    shocks = {s.id: s for s in scn.shocks}
    first, last = scn.start_date, scn.end_date() - dt.timedelta(days=1)
    for o in obs.observations:
        where = f"observations[{o.id}]"
        if o.kind == "policy_event":
            sh = shocks.get(str(o.shock))
            if sh is None:
                problems.append(
                    f"{where}.shock: {o.shock!r} is not a shock of {scn.id} "
                    f"(shocks: {', '.join(shocks) or 'none'})"
                )
                continue
            got = sh.start if o.boundary == "start" else sh.end
            if got is None:
                problems.append(
                    f"{where}: shock {sh.id!r} has no fixed end; the observation dates it "
                    f"{o.date.isoformat()} (give the shock an 'end')"
                )
            elif abs((got - o.date).days) > o.tolerance_days:
                problems.append(
                    f"{where}: shock {sh.id!r} {o.boundary} is {got.isoformat()}, observed "
                    f"{o.date.isoformat()} ± {o.tolerance_days} days"
                )
            continue
        if o.plant is not None and o.plant not in plants:
            problems.append(
                f"{where}.plant: {o.plant!r} is not a plant of {scn.id} "
                f"(plants: {', '.join(sorted(plants))})"
            )
        if o.kind == "shortage" and (o.part, o.buyer_country) not in markets:
            problems.append(
                f"{where}: nobody in {o.buyer_country} buys {o.part!r} in {scn.id} "
                f"(markets: {', '.join(f'{p}/{c}' for p, c in sorted(markets))})"
            )
        if not first <= o.date <= last:
            problems.append(
                f"{where}.date: {o.date.isoformat()} is outside the simulated period "
                f"{first.isoformat()} .. {last.isoformat()}"
            )
    if problems:
        raise ScenarioError("\n".join(problems))


def _market_keys(net: Network) -> list[tuple[str, str]]:
    return sorted(
        {
            (net.part_ids[p], net.node_country[n])
            for p, n in zip(net.slot_part, net.slot_node, strict=True)
        }
    )


@dataclass(frozen=True)
class Scored:
    """Per observation × replication: the simulated day ``x`` (inf = never) and the miss [days]."""

    ids: list[str]
    x: FloatArray  # [O, R]
    miss: FloatArray  # [O, R]

    @property
    def hit(self) -> np.ndarray:
        return self.miss == 0


def score(net: Network, res: SimResult, observations: list[Observation]) -> Scored:
    """Score every replication of ``res`` against the outcome observations (module docstring)."""
    t_end = res.days
    r = res.plant_first_stop.shape[1]
    plant_col = {net.node_ids[n]: j for j, n in enumerate(net.plant_nodes)}
    market_col = {key: m for m, key in enumerate(res.market_keys)}
    x = np.full((len(observations), r), np.inf)
    miss = np.zeros((len(observations), r))
    days = np.arange(t_end, dtype=float)[:, None]
    for i, o in enumerate(observations):
        lo_d, hi_d = o.window()
        lo = float(net.day_of(lo_d))
        hi = np.inf if o.kind == "no_stop" else float(net.day_of(hi_d))
        if o.kind in ("first_stop", "no_stop"):
            day = res.plant_first_stop[plant_col[str(o.plant)]].astype(float)
            x[i] = np.where(day < 0, np.inf, day)
            if o.kind == "no_stop":
                # a stop on or before the reported date misses: window (date - tol, inf)
                miss[i] = np.maximum(lo + 1.0 - x[i], 0.0)
                continue
        elif o.kind == "recovery":
            j = plant_col[str(o.plant)]
            day = res.plant_first_recovery[j].astype(float)
            x[i] = np.where(day < 0, np.inf, day)
        else:  # shortage: the shortage day nearest the window
            m = market_col[(str(o.part), str(o.buyer_country))]
            thr = (1.0 - net.stop_threshold) ** (-1.0 / net.price_elasticity)
            short = res.market_price[:, m, :] >= thr * (1 - 1e-9)  # [T, R]
            off = np.maximum(np.maximum(lo - days, 0.0), days - hi)  # [T, 1]
            dist = np.where(short, off, np.inf)
            nearest = np.argmin(dist, axis=0)
            x[i] = np.where(np.isfinite(dist.min(axis=0)), nearest.astype(float), np.inf)
        at = np.where(np.isfinite(x[i]), x[i], float(t_end))
        miss[i] = np.maximum(np.maximum(lo - at, 0.0), at - hi)
    return Scored([o.id for o in observations], x, miss)


def check_data(sources: dict[str, Any]) -> list[str]:
    """Checker for ``chipwar data validate``: shipped observation files parse, cite known
    sources, and agree with the scenario they name."""
    from chipwar.supply.network import compile_network
    from chipwar.supply.scenario import read_scenario

    problems: list[str] = []
    for name in builtin_observations():
        where = f"observations/{name}.yaml"
        try:
            obs = read_observations(name)
            if obs.scenario is not None:
                scn = read_scenario(obs.scenario)
                check_against(obs, scn, compile_network(scn, None))
        except ChipwarError as exc:
            problems += [f"{where}: {line}" for line in str(exc).splitlines()]
            continue
        for o in obs.observations:
            problems += [
                f"{where}: observations[{o.id}]: source {sid!r} is not in the bibliography"
                for sid in o.source
                if sid not in sources
            ]
    return problems
