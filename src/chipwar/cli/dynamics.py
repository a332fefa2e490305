"""``chipwar dynamics``: run, compare and calibrate the adoption-learning-self-sufficiency model."""

from __future__ import annotations

from typing import Any

import typer

from chipwar.cli.options import (
    COLUMNS_OPTION,
    FORMAT_OPTION,
    FORMAT_OPTION_NO_CSV,
    WIDE_OPTION,
    Format,
)
from chipwar.errors import InputError

dynamics_app = typer.Typer(
    help="Industry dynamics: adoption, learning and self-sufficiency under policy scenarios.",
    no_args_is_help=True,
)

SCENARIO_HELP = "A scenario file (YAML/JSON) or a built-in name: baseline, no-subsidy, "
SCENARIO_HELP += "controls-lifted, controls-tightened."
RUN_COLUMNS = [
    "year", "scenario", "domestic_share_ai_accelerators", "nvidia_share_ai_accelerators",
    "self_sufficiency", "usd_per_pflop_hour_domestic", "usd_per_pflop_hour_foreign",
    "cost_gap_domestic_vs_frontier", "energy_twh", "nvidia_china_revenue_usd_bn", "unmet_units",
]  # fmt: skip
BAND_COLUMNS = [
    "year", "scenario", "domestic_share_ai_accelerators_p5", "domestic_share_ai_accelerators_p50",
    "domestic_share_ai_accelerators_p95", "self_sufficiency_p5", "self_sufficiency_p50",
    "self_sufficiency_p95", "usd_per_pflop_hour_domestic_p50", "usd_per_pflop_hour_foreign_p50",
    "nvidia_china_revenue_usd_bn_p50",
]  # fmt: skip

MAX_COMPARE = 20
PROGRESS_MIN_SAMPLES = 20_000
"""`dynamics run` shows a progress bar (on a terminal) from this many samples: a year then
takes about 0.05 s or more, the whole run about a second (11 years; 0.5 s a year at 200,000)."""
"""Most scenarios one ``compare`` runs (each is a full model run with the same draws)."""


@dynamics_app.command("run")
def run(
    scenario: str = typer.Argument(..., metavar="FILE", help=SCENARIO_HELP),
    samples: int = typer.Option(1, "--samples", "-n", help="Parameter draws (fan chart if > 1)."),
    seed: int = typer.Option(0, "--seed", help="Random seed for the draws."),
    format: Format = FORMAT_OPTION,
    columns_: str | None = COLUMNS_OPTION,
    wide_: bool = WIDE_OPTION,
) -> None:
    """Run a scenario: yearly shares, self-sufficiency, costs, energy, NVIDIA China revenue."""
    from chipwar.cli.output import emit, progress_bar
    from chipwar.commands.runs import dynamics_run

    with progress_bar("simulating years", lazy=True) as bar:
        # a bar only where a year takes a while (about 0.5 s each at 200,000 samples)
        tell = bar if samples >= PROGRESS_MIN_SAMPLES else None
        result = dynamics_run(scenario=scenario, samples=samples, seed=seed, progress=tell).data
    if format is Format.table:
        emit(result, format, columns=BAND_COLUMNS if samples > 1 else RUN_COLUMNS)
    else:
        emit(result, format)


@dynamics_app.command("compare")
def compare(
    scenarios: list[str] = typer.Argument(..., metavar="FILE...", help=SCENARIO_HELP),
    samples: int = typer.Option(1, "--samples", "-n", help="Parameter draws per scenario."),
    seed: int = typer.Option(0, "--seed", help="Random seed (the same draws in every scenario)."),
    format: Format = FORMAT_OPTION,
    columns_: str | None = COLUMNS_OPTION,
    wide_: bool = WIDE_OPTION,
) -> None:
    """Run several scenarios with the same parameter draws and list them side by side."""
    import pandas as pd

    from chipwar.cli.output import emit
    from chipwar.commands.runs import check_samples as _check_samples
    from chipwar.dynamics.api import run_scenario

    _check_samples(samples, seed)
    if len(scenarios) < 2:
        raise InputError("FILE", scenarios, "two or more scenarios to compare")
    if len(scenarios) > MAX_COMPARE:
        raise InputError("FILE", f"{len(scenarios)} scenarios", f"at most {MAX_COMPARE} to compare")
    frames = [run_scenario(s, samples=samples, seed=seed) for s in scenarios]
    result = pd.concat(frames, ignore_index=True).sort_values(["year", "scenario"], kind="stable")
    emit(result, format, table_columns=RUN_COLUMNS)


@dynamics_app.command("calibrate")
def calibrate(
    until: int | None = typer.Option(
        None, "--until", help="Fit only on years up to this one and backtest the years after."
    ),
    scenario: str = typer.Option("baseline", "--scenario", help=SCENARIO_HELP),
    last: int = typer.Option(2024, "--last", help="Last year of the backtest window."),
    format: Format = FORMAT_OPTION_NO_CSV,
) -> None:
    """Fit the free parameters to the domestic-share history; with --until, backtest."""
    from chipwar.cli.output import emit
    from chipwar.dynamics import api

    if until is not None:
        fit, table = api.backtest(scenario, until=until, last=last)
    else:
        fit, table = api.calibrate(scenario), None
    payload: dict[str, Any] = {
        "until": until,
        "success": fit.success,
        "rmse_pp": fit.rmse_pp,
        "n_observations": fit.n_obs,
        "parameters": fit.parameters().to_dict(orient="records"),
        "identifiability": fit.identifiability().to_dict(orient="records"),
        "correlation": {
            a: dict(zip(fit.names, map(float, row), strict=True))
            for a, row in zip(fit.names, fit.correlation(), strict=True)
        },
        "data_condition_number": fit.data_condition,
        "chi2_per_dof": fit.chi2_per_dof,
        "covariance_scale": fit.scale,
        "fit": fit.table().to_dict(orient="records"),
    }
    if table is not None:
        payload["backtest"] = table.to_dict(orient="records")
        payload["backtest_errors"] = api.backtest_errors(table)
    if format is Format.json:
        emit(payload, format)
        return
    if format is Format.csv:
        raise InputError("--format", "csv", "table or json (calibrate prints several tables)")
    from chipwar.dynamics.calibration import SIGMA_OBS

    emit(
        fit.parameters(),
        format,
        title=f"fitted parameters (chi2/dof {fit.scale:.2f})"
        if fit.scale > 1
        else "fitted parameters",
    )
    emit(
        fit.identifiability(),
        format,
        title=f"identifiability ({fit.n_obs} observation{'s' if fit.n_obs != 1 else ''}; "
        f"data-only condition number "
        f"{fit.data_condition:.3g})",
    )
    emit(
        fit.table(),
        format,
        title=f"fit (RMSE {fit.rmse_pp:.1f} pp; chi2/dof {fit.chi2_per_dof:.2f} at sigma "
        f"{SIGMA_OBS} on the logit scale)",
    )
    if table is not None and until is not None:
        err = api.backtest_errors(table)
        title = (
            f"backtest {until + 1}-{last}: MAE {err['mae_pp']:.1f} pp, "
            f"bias {err['bias_pp']:+.1f} pp (persistence MAE {err['persistence_mae_pp']:.1f} pp)"
        )
        emit(table, format, title=title)


@dynamics_app.command("history")
def history(
    series: str | None = typer.Argument(
        None, help="One series (name:variant) to show; all series are listed without it."
    ),
    format: Format = FORMAT_OPTION,
    columns_: str | None = COLUMNS_OPTION,
    wide_: bool = WIDE_OPTION,
) -> None:
    """Show the sourced historical series (variants of one quantity are kept apart)."""
    from chipwar.cli.output import emit
    from chipwar.dynamics.history import load_history

    frame = load_history()
    if series is None:
        summary = (
            frame.groupby("series", sort=True)
            .agg(
                unit=("unit", "first"),
                first_year=("year", "min"),
                last_year=("year", "max"),
                points=("value", "size"),
                sources=("source", lambda s: ", ".join(sorted(set(s)))),
            )
            .reset_index()
        )
        emit(summary, format)
        return
    from chipwar.dynamics.history import get_series

    get_series(series)  # raises UnknownIdError naming close matches
    rows = frame[frame["series"] == series][["series", "year", "value", "unit", "source", "note"]]
    emit(rows, format)


@dynamics_app.command("claims")
def claims(
    scenario: str = typer.Option("baseline", "--scenario", help=SCENARIO_HELP),
    samples: int = typer.Option(2000, "--samples", "-n", help="Parameter draws."),
    seed: int = typer.Option(0, "--seed"),
    format: Format = FORMAT_OPTION,
    columns_: str | None = COLUMNS_OPTION,
    wide_: bool = WIDE_OPTION,
) -> None:
    """The seed's two forecasts beside the model's distribution for them."""
    from chipwar.cli.output import emit, stderr
    from chipwar.commands.runs import dynamics_claims

    table = dynamics_claims(scenario=scenario, samples=samples, seed=seed).data
    cols = ["claim", "year", "threshold", "probability", "p5", "p50", "p95", "scenario", "reason"]
    emit(table, format, table_columns=cols)
    if format is Format.table:
        stderr.print(f"{samples} draws, seed {seed}; shares are fractions (0.30 = 30 %)")


@dynamics_app.command("schema")
def schema() -> None:
    """Print the JSON Schema of a dynamics scenario file."""
    import json

    from chipwar.dynamics.scenario import Scenario

    typer.echo(json.dumps(Scenario.model_json_schema(by_alias=True), indent=2))


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.add_typer(dynamics_app, name="dynamics")
