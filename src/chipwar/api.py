"""The Python API: the CLI's main commands as functions that return pandas DataFrames.

    import chipwar
    chipwar.tco("huawei-ascend-910c", "cn-inner-mongolia")      # one row per chip x site
    chipwar.compare()                                          # the seed's central question
    chipwar.classify(["nvidia-h20", "nvidia-h100-sxm"])        # export-control status
    chipwar.screen(["Huawei Technologies"])                    # restricted-party screening
    chipwar.supply.run("nexperia-2025")                        # see chipwar.supply.api
    chipwar.dynamics.run("baseline")                           # yearly shares and costs
    chipwar.claims.table()                                     # the seed articles' claims

Each function takes catalog ids, built-in scenario names or file paths, calls the same
``chipwar.commands`` function as the CLI and the REST API (no computation of its own), and
returns a DataFrame whose ``attrs["data_as_of"]`` is the date of the newest source the catalog
cites. See docs/api.md.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chipwar.errors import NotApplicableError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["classify", "compare", "data_as_of", "screen", "tco"]


@cache
def data_as_of() -> dt.date:
    """How current the shipped data are (:func:`chipwar.catalog.sources.data_as_of`)."""
    from chipwar.catalog.sources import data_as_of as newest

    return newest()


def _ids(values: str | Iterable[str] | None) -> list[str]:
    if values is None:
        return []
    return [values] if isinstance(values, str) else list(values)


def _frame(data: Any, notes: list[str] | None = None) -> pd.DataFrame:
    import pandas as pd

    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(list(data))
    frame.attrs["data_as_of"] = data_as_of().isoformat()
    for line in notes or []:
        warnings.warn(line.removeprefix("warning: "), UserWarning, stacklevel=3)
    return frame


def tco(
    chips: str | Iterable[str] | None = None,
    sites: str | Iterable[str] | None = None,
    *,
    precision: str = "bf16",
    utilization: float | None = None,
    subsidy: str | float = "auto",
    date: str | None = None,
    scenario: str | Path | None = None,
    spec: str | Path | None = None,
    set: dict[str, float] | None = None,
    samples: int | None = None,
    seed: int = 0,
    skip_incomplete: bool = False,
) -> pd.DataFrame:
    """Cost of compute per accelerator-hour and per usable PFLOP-hour, one row per chip × site.

    Parameters
    ----------
    chips, sites : catalog ids (one or several); None means every catalog entry.
    precision : "fp64" … "fp4" (dense throughput of that precision).
    set : assumption overrides, e.g. ``{"cost_of_capital": 0.08}``.
    samples : Monte Carlo draws (beta-PERT per uncertain input); None for the base values.
    skip_incomplete : leave out the chips (and sites) whose catalog entry lacks a value this
        question needs (no price, no throughput at this precision) instead of raising; the
        reasons are in ``frame.attrs["skipped"]`` ({id: reason}) and are warned.

    Returns
    -------
    DataFrame with the fields of ``chipwar tco --format json`` (``usd_per_pflop_hour`` [USD per
    usable PFLOP-hour], ``electricity_share`` [fraction], ...); ``attrs["data_as_of"]``.
    """
    from chipwar.catalog import load_accelerators, load_sites
    from chipwar.commands import compute

    chip_ids = _ids(chips) or list(load_accelerators())
    site_ids = _ids(sites) or list(load_sites())
    from chipwar.compute.options import TcoOptions

    options: dict[str, Any] = {
        "options": TcoOptions.parse(
            precision=precision, utilization=utilization, subsidy=subsidy, date=date
        ),
        "scenario": None if scenario is None else Path(scenario),
        "spec": None if spec is None else Path(spec),
        "set_": [f"{k}={v}" for k, v in (set or {}).items()], "samples": samples, "seed": seed,
    }  # fmt: skip
    skipped: dict[str, str] = {}
    if skip_incomplete:
        chip_ids = _complete(
            chip_ids, lambda c: compute.tco(chip=[c], site=site_ids[:1], **options), skipped
        )
        site_ids = _complete(
            site_ids, lambda s: compute.tco(chip=chip_ids[:1], site=[s], **options), skipped
        )
    result = compute.tco(chip=chip_ids, site=site_ids, **options)
    frame = _frame(result.data, result.notes)
    frame.attrs["skipped"] = skipped
    for what, why in skipped.items():
        warnings.warn(f"skipped {what}: {why}", UserWarning, stacklevel=2)
    return frame


def _complete(ids: list[str], attempt: Any, skipped: dict[str, str]) -> list[str]:
    """The ids for which ``attempt(id)`` does not raise NotApplicableError (a missing catalog
    value); the others go to ``skipped`` with the error's message as the reason."""
    kept = []
    for one in ids:
        try:
            attempt(one)
        except NotApplicableError as exc:
            skipped[one] = str(exc)
        else:
            kept.append(one)
    return kept


def compare(
    *,
    precision: str = "bf16",
    utilization: float | None = None,
    date: str | None = None,
    samples: int | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """The seed's central question: H20, H100, Ascend 910B and 910C per usable PFLOP-hour in
    Inner Mongolia and Guizhou (with and without the subsidy) and in Virginia; one row per chip ×
    case (``case`` column). Same numbers as ``chipwar compare --format json``."""
    from chipwar.commands import compute
    from chipwar.compute.options import TcoOptions

    options = TcoOptions.parse(precision=precision, utilization=utilization, date=date)
    result = compute.compare(options=options, samples=samples, seed=seed)
    return _frame(result.data, result.notes)


def classify(
    chips: str | Iterable[str] | None = None,
    *,
    destination: str = "CN",
    date: str | None = None,
    transaction: str = "export",
    end_user_hq: str | None = None,
) -> pd.DataFrame:
    """Export-control status of each chip for ``destination`` on ``date`` (default today):
    ``controlled``, the rule and its reason. ``chips`` None: every catalog chip (a chip missing a
    value the rules need is flagged, not raised). Notes about how current the rules are warn."""
    from chipwar.commands import controls

    ids = _ids(chips)
    result = controls.classify(
        chip=ids, all_=not ids, date=date, destination=destination, transaction=transaction,
        end_user_hq=end_user_hq,
    )  # fmt: skip
    from chipwar.controls.classify import rows_frame

    return _frame(rows_frame(result.data), result.notes)


def screen(
    names: str | Iterable[str],
    *,
    date: str | None = None,
    min_score: float | None = None,
    limit: int = 3,
) -> pd.DataFrame:
    """Screen company names against the restricted-party lists and their ≥ 50 % affiliates:
    one row per name (its best matches, scores and the rule that applies)."""
    from chipwar.commands import controls

    result = controls.screen(names=_ids(names), date=date, min_score=min_score, limit=limit)
    return _frame(result.data, result.notes)
