"""``chipwar infer | train | size | energy-gap | models``: tokens, training runs and clusters."""

from __future__ import annotations

from pathlib import Path

import typer

from chipwar.cli.options import FORMAT_OPTION, Format

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
    from chipwar.cli.output import emit
    from chipwar.commands import workloads as commands

    frame = commands.infer(
        model=model, chip=chip, site=site, precision=precision, batch=batch, context=context,
        chips=chips, subsidy=subsidy, spec=spec, scenario=scenario, model_spec=model_spec,
    ).data  # fmt: skip
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
    from chipwar.cli.output import emit
    from chipwar.commands import workloads as commands

    frame = commands.train(
        model=model, tokens=tokens, chip=chip, chips=chips, site=site, mfu=mfu,
        precision=precision, flops=flops, attention=attention, subsidy=subsidy, spec=spec,
        scenario=scenario, model_spec=model_spec,
    ).data  # fmt: skip
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
    from chipwar.cli.output import emit
    from chipwar.commands import workloads as commands

    frame = commands.size(
        target=target, chip=chip, site=site, model=model, subsidy=subsidy, spec=spec,
        scenario=scenario, model_spec=model_spec,
    ).data  # fmt: skip
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
    from chipwar.cli.output import emit
    from chipwar.commands import workloads as commands

    frame = commands.energy_gap(
        model=model, chip=chip, reference=reference, site=site, precision=precision,
        batch=batch, context=context, spec=spec, scenario=scenario, model_spec=model_spec,
    ).data  # fmt: skip
    emit(frame, format, table_columns=GAP_COLUMNS, title=model)


def models(format: Format = FORMAT_OPTION) -> None:
    """List the reference models."""
    from chipwar.cli.output import emit
    from chipwar.compute.models import load_models

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
