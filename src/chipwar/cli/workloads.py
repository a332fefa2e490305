"""``chipwar infer | train | size | energy-gap | models``: tokens, training runs and clusters."""

from __future__ import annotations

from pathlib import Path

import typer

from chipwar.catalog.accelerators import Accelerator, load_accelerators
from chipwar.catalog.io import lookup
from chipwar.catalog.sites import Site
from chipwar.cli.compute import parse_subsidy
from chipwar.cli.output import FORMAT_OPTION, Format, emit, split_ids
from chipwar.compute import workload as wl
from chipwar.compute.models import ModelSpec, load_models, read_models
from chipwar.errors import InputError
from chipwar.scenarios.loader import Extras, read_extras

INFER_COLUMNS = [
    "model", "chip", "site", "precision", "batch", "context", "chips_to_hold_model",
    "prefill_tokens_per_s_per_chip", "decode_tokens_per_s_per_chip", "decode_bound",
    "usd_per_mtok", "kwh_per_mtok",
]  # fmt: skip
TRAIN_COLUMNS = [
    "model", "chip", "site", "precision", "total_flops", "mfu", "chips", "chip_hours",
    "energy_mwh", "usd", "days",
]  # fmt: skip
SIZE_COLUMNS = [
    "chip", "site", "precision", "chips", "facility_mw", "it_capex_usd", "capex_usd_per_year",
    "opex_usd_per_year",
]  # fmt: skip
GAP_COLUMNS = [
    "chip", "reference", "site", "precision", "decode_tokens_per_s_per_chip", "kwh_per_mtok",
    "kwh_ratio_vs_reference", "power_usd_per_mtok", "equalising_subsidy",
]  # fmt: skip
MODEL_COLUMNS = [
    "id", "architecture", "params", "active_params", "layers", "hidden_size", "attention_heads",
    "kv_heads", "attention", "kv_values_per_token", "vocab_size", "max_context",
]  # fmt: skip

SPEC_OPT = typer.Option(
    None,
    "--spec",
    help="YAML/JSON file of accelerators and/or sites not in the catalog (or partial rows that "
    "change one).",
)
SCENARIO_OPT = typer.Option(
    None,
    "--scenario",
    help="Compute scenario file (YAML/JSON): TCO assumption overrides, extra chips and sites.",
)
MODEL_SPEC_OPT = typer.Option(
    None, "--model-spec", help="YAML/JSON model file: models not in the catalog."
)
SUBSIDY_OPT = typer.Option(
    "auto", "--subsidy", help="'auto' (site subsidies the chip is eligible for) or a 0-1 fraction."
)


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


def infer(
    model: list[str] = typer.Option(None, "--model", "-m", help="Model id(s)."),
    chip: list[str] = typer.Option(None, "--chip", "-c", help="Accelerator id(s)."),
    site: list[str] = typer.Option(None, "--site", "-s", help="Site id(s)."),
    precision: list[str] = typer.Option(
        ["bf16"], "--precision", "-p", help="bf16 fp16 fp8 int8 fp4"
    ),
    batch: list[str] = typer.Option(["1"], "--batch", "-b", help="Sequences decoded together."),
    context: list[str] = typer.Option(
        None, "--context", "-l", help="Tokens held per sequence (default 4096, capped at max)."
    ),
    chips: int | None = typer.Option(
        None, "--chips", help="Chips per replica; error if the model does not fit in them."
    ),
    subsidy: str = SUBSIDY_OPT,
    spec: Path | None = SPEC_OPT,
    scenario: Path | None = SCENARIO_OPT,
    model_spec: Path | None = MODEL_SPEC_OPT,
    format: Format = FORMAT_OPTION,
) -> None:
    """Inference roofline: tokens/s per chip, chips to hold the model, USD and kWh per Mtok."""
    extra = read_extras(spec, scenario)
    frame = wl.infer_frame(
        _models(model, model_spec),
        _chips(chip, extra),
        _sites(site, extra),
        precision=split_ids(precision),
        batch=_numbers("--batch", batch),
        context=_numbers("--context", context) or None,
        chips_per_replica=chips,
        subsidy=parse_subsidy(subsidy),
        tco_assumptions=extra.assumptions,
    )
    emit(frame, format, table_columns=INFER_COLUMNS)


def train(
    model: str = typer.Option(..., "--model", "-m", help="Model id."),
    tokens: float = typer.Option(..., "--tokens", "-d", help="Training tokens, e.g. 14.8e12."),
    chip: list[str] = typer.Option(None, "--chip", "-c", help="Accelerator id(s)."),
    chips: int = typer.Option(..., "--chips", "-k", help="Cluster size K (accelerators)."),
    site: list[str] = typer.Option(None, "--site", "-s", help="Site id(s)."),
    mfu: float | None = typer.Option(None, "--mfu", help="Model-FLOPs utilisation (default 0.40)."),
    precision: str = typer.Option("bf16", "--precision", "-p", help="Peak used for MFU."),
    flops: float | None = typer.Option(None, "--flops", help="Total training FLOPs if known."),
    attention: bool = typer.Option(
        False, "--attention", help="Add attention FLOPs 6·L·H·(d_qk+d_v)·T·D to 6·N·D."
    ),
    subsidy: str = SUBSIDY_OPT,
    spec: Path | None = SPEC_OPT,
    scenario: Path | None = SCENARIO_OPT,
    model_spec: Path | None = MODEL_SPEC_OPT,
    format: Format = FORMAT_OPTION,
) -> None:
    """Training run: total FLOPs, chip-hours, energy (MWh), cost (USD), days on K chips."""
    extra = read_extras(spec, scenario)
    frame = wl.train_frame(
        _models([model], model_spec)[0],
        tokens,
        _chips(chip, extra),
        _sites(site, extra),
        chip_count=chips,
        mfu=mfu,
        precision=precision,
        total_flops=flops,
        attention=attention,
        subsidy=parse_subsidy(subsidy),
        tco_assumptions=extra.assumptions,
    )
    emit(frame, format, table_columns=TRAIN_COLUMNS)


def size(
    target: str = typer.Option(
        ...,
        "--target",
        "-t",
        help="'tokens_per_s=1e6[,model=ID,batch=B,context=L,precision=P]' or "
        "'train=MODEL,tokens=D,days=T[,mfu=M,precision=P]'.",
    ),
    chip: list[str] = typer.Option(None, "--chip", "-c", help="Accelerator id(s)."),
    site: list[str] = typer.Option(None, "--site", "-s", help="Site id(s)."),
    model: str | None = typer.Option(
        None, "--model", "-m", help="Model for a tokens_per_s target."
    ),
    subsidy: str = SUBSIDY_OPT,
    spec: Path | None = SPEC_OPT,
    scenario: Path | None = SCENARIO_OPT,
    model_spec: Path | None = MODEL_SPEC_OPT,
    format: Format = FORMAT_OPTION,
) -> None:
    """Cluster sizing: chips, facility MW, capex and yearly opex per chip × site."""
    extra = read_extras(spec, scenario)
    parsed = wl.parse_target(target)
    named = parsed.get("model") or model
    if model_spec is not None or named is not None:  # resolve the model (catalog or --model-spec)
        parsed["model"] = _models([named] if named else None, model_spec)[0]
    frame = wl.size_frame(
        parsed,
        _chips(chip, extra),
        _sites(site, extra),
        model=None,
        subsidy=parse_subsidy(subsidy),
        tco_assumptions=extra.assumptions,
    )
    title = str(frame["target"].iloc[0]) if len(frame) else None
    emit(frame, format, table_columns=SIZE_COLUMNS, title=title)


def energy_gap(
    model: str = typer.Option("deepseek-v3", "--model", "-m", help="Model id."),
    chip: list[str] = typer.Option(
        ["huawei-ascend-910b", "huawei-ascend-910c"], "--chip", "-c", help="Chips to compare."
    ),
    reference: str = typer.Option("nvidia-h20", "--reference", "-r", help="Reference chip."),
    site: str = typer.Option(..., "--site", "-s", help="The one site all chips run at."),
    precision: str = typer.Option(
        "bf16",
        "--precision",
        "-p",
        help="One precision for all, or per chip: 'nvidia-h20=fp8,huawei-ascend-910b=int8' "
        "(chips not named run bf16).",
    ),
    batch: int = typer.Option(64, "--batch", "-b"),
    context: int | None = typer.Option(None, "--context", "-l"),
    spec: Path | None = SPEC_OPT,
    scenario: Path | None = SCENARIO_OPT,
    model_spec: Path | None = MODEL_SPEC_OPT,
    format: Format = FORMAT_OPTION,
) -> None:
    """The FT claim: electricity per million tokens vs a reference chip at one site, and the
    power-bill subsidy that makes the bills equal."""
    extra = read_extras(spec, scenario)
    frame = wl.energy_gap_frame(
        _models([model], model_spec)[0],
        _chips(chip, extra),
        _chips([reference], extra)[0],
        _sites([site], extra)[0],
        precision=_precision_map(precision),
        batch=batch,
        context=context,
        tco_assumptions=extra.assumptions,
    )
    emit(frame, format, table_columns=GAP_COLUMNS, title=model)


def models(format: Format = FORMAT_OPTION) -> None:
    """List the reference models."""
    rows = [
        {**m.model_dump(), "kv_values_per_token": m.kv_values_per_token}
        for m in load_models().values()
    ]
    emit(rows, format, table_columns=MODEL_COLUMNS)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("infer")(infer)
    app.command("train")(train)
    app.command("size")(size)
    app.command("energy-gap")(energy_gap)
    app.command("models")(models)
