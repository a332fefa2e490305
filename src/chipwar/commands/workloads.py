"""Workload commands: ``infer``, ``train``, ``size``, ``energy-gap``."""

from __future__ import annotations

from pathlib import Path

from chipwar.catalog.accelerators import Accelerator, load_accelerators
from chipwar.catalog.io import lookup
from chipwar.catalog.sites import Site
from chipwar.commands import Result, records_warnings, split_ids
from chipwar.compute.models import ModelSpec, load_models, read_models
from chipwar.compute.options import TcoOptions
from chipwar.errors import InputError
from chipwar.scenarios.loader import Extras, read_extras


def _numbers(field: str, values: list[str] | None) -> list[float]:
    out = []
    for v in split_ids(values):
        try:
            out.append(float(v))
        except ValueError:
            raise InputError(field, v, "a number") from None
    return out


def _chips(ids: list[str] | None, extra: Extras) -> list[Accelerator]:
    names = split_ids(ids) or list(extra.chips)
    if not names:
        raise InputError("--chip", None, "at least one accelerator id (or a --spec file)")
    catalog = {**load_accelerators(), **extra.chips}
    return [lookup(catalog, n, "chip") for n in names]


def _models(ids: list[str] | None, spec: Path | None) -> list[ModelSpec]:
    extra = {m.id: m for m in read_models(spec)} if spec else {}
    names = split_ids(ids) or list(extra)
    if not names:
        raise InputError("--model", None, "at least one model id (see `chipwar models`)")
    catalog = {**load_models(), **extra}
    return [lookup(catalog, n, "model") for n in names]


def _sites(ids: list[str] | None, extra: Extras) -> list[str | Site]:
    names = split_ids(ids) or list(extra.sites)
    if not names:
        raise InputError("--site", None, "at least one site id (see `chipwar data list sites`)")
    return [extra.sites.get(n, n) for n in names]


def _tco_options(subsidy: str, extra: Extras) -> TcoOptions:
    """The TCO options of a workload command: its ``--subsidy`` and the scenario's assumptions
    (precision and utilization are the workload's own)."""
    return TcoOptions.parse(subsidy=subsidy, assumptions=extra.assumptions)


def _precision_map(text: str) -> str | dict[str, str]:
    """'bf16' -> 'bf16'; 'chip=fp8,other=int8' -> {chip: fp8, other: int8}."""
    if "=" not in text:
        return text
    out: dict[str, str] = {}
    for item in split_ids([text]):
        chip_id, sep, prec = item.partition("=")
        if not sep or not chip_id.strip() or not prec.strip():
            raise InputError("--precision", item, "PRECISION or CHIP=PRECISION[,CHIP=PRECISION]")
        out[chip_id.strip()] = prec.strip()
    return out


@records_warnings
def infer(
    *,
    model: list[str] | None = None,
    chip: list[str] | None = None,
    site: list[str] | None = None,
    precision: list[str] | None = None,
    batch: list[str] | None = None,
    context: list[str] | None = None,
    chips: int | None = None,
    subsidy: str = "auto",
    spec: Path | None = None,
    scenario: Path | None = None,
    model_spec: Path | None = None,
) -> Result:
    """Inference roofline: tokens/s per chip, chips to hold the model, USD and kWh per Mtok."""
    from chipwar.compute import workload as wl

    extra = read_extras(spec, scenario)
    return Result(
        wl.infer_frame(
            _models(model, model_spec),
            _chips(chip, extra),
            _sites(site, extra),
            precision=split_ids(precision or ["bf16"]),
            batch=_numbers("--batch", batch or ["1"]),
            context=_numbers("--context", context) or None,
            chips_per_replica=chips,
            tco=_tco_options(subsidy, extra),
        )
    )


@records_warnings
def train(
    *,
    model: str,
    tokens: float,
    chips: int,
    chip: list[str] | None = None,
    site: list[str] | None = None,
    mfu: float | None = None,
    precision: str = "bf16",
    flops: float | None = None,
    attention: bool = False,
    subsidy: str = "auto",
    spec: Path | None = None,
    scenario: Path | None = None,
    model_spec: Path | None = None,
) -> Result:
    """Training run: total FLOPs, chip-hours, energy (MWh), cost (USD), days on K chips."""
    from chipwar.compute import workload as wl

    extra = read_extras(spec, scenario)
    return Result(
        wl.train_frame(
            _models([model], model_spec)[0],
            tokens,
            _chips(chip, extra),
            _sites(site, extra),
            chip_count=chips,
            mfu=mfu,
            precision=precision,
            total_flops=flops,
            attention=attention,
            tco=_tco_options(subsidy, extra),
        )
    )


@records_warnings
def size(
    *,
    target: str,
    chip: list[str] | None = None,
    site: list[str] | None = None,
    model: str | None = None,
    subsidy: str = "auto",
    spec: Path | None = None,
    scenario: Path | None = None,
    model_spec: Path | None = None,
) -> Result:
    """Cluster sizing: chips, facility MW, capex and yearly opex per chip × site."""
    from chipwar.compute import sizing

    extra = read_extras(spec, scenario)
    parsed = sizing.parse_target(target)
    named = parsed.get("model") or model
    if model_spec is not None or named is not None:  # resolve the model (catalog or --model-spec)
        parsed["model"] = _models([named] if named else None, model_spec)[0]
    return Result(
        sizing.size_frame(
            parsed,
            _chips(chip, extra),
            _sites(site, extra),
            model=None,
            tco=_tco_options(subsidy, extra),
        )
    )


@records_warnings
def energy_gap(
    *,
    site: str,
    model: str = "deepseek-v3",
    chip: list[str] | None = None,
    reference: str = "nvidia-h20",
    precision: str = "bf16",
    batch: int = 64,
    context: int | None = None,
    spec: Path | None = None,
    scenario: Path | None = None,
    model_spec: Path | None = None,
) -> Result:
    """Electricity per million tokens vs a reference chip at one site, and the power-bill
    subsidy that makes the bills equal."""
    from chipwar.compute import workload as wl

    extra = read_extras(spec, scenario)
    return Result(
        wl.energy_gap_frame(
            _models([model], model_spec)[0],
            _chips(chip or ["huawei-ascend-910b", "huawei-ascend-910c"], extra),
            _chips([reference], extra)[0],
            _sites([site], extra)[0],
            precision=_precision_map(precision),
            batch=batch,
            context=context,
            tco=_tco_options("auto", extra),
        )
    )
