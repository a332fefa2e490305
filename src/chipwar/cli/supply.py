"""``chipwar supply``: run a supply-network disruption scenario, rank critical nodes, validate."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import typer

from chipwar.cli.options import FORMAT_OPTION, FORMAT_OPTION_NO_CSV, Format
from chipwar.errors import InputError

supply_app = typer.Typer(
    help="Supply-chain disruption: when lines stop, how much output is lost, what to qualify.",
    no_args_is_help=True,
)

FILE_HELP = "Scenario file (YAML/JSON) or a built-in name such as nexperia-2025."


@contextlib.contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A Rich progress bar on a terminal; nothing when piped."""
    from chipwar.cli.output import progress_enabled, stderr

    if not progress_enabled():
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn(label), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(), console=stderr, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _load(file: str) -> Any:
    from chipwar.supply import build, read_scenario

    return build(read_scenario(file))


@supply_app.command("run")
def run_cmd(
    file: str = typer.Argument(..., help=FILE_HELP),
    samples: int = typer.Option(1, "--samples", "-n", help="Monte Carlo replications (1: base)."),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same numbers)."),
    days: int | None = typer.Option(None, "--days", help="Days to simulate (default: scenario)."),
    daily: bool = typer.Option(
        False, "--daily", help="JSON: add daily plant output and part price/shortage paths."
    ),
    format: Format = FORMAT_OPTION,
) -> None:
    """Simulate the scenario: per plant first stoppage, lost units and recovery; per part price."""
    from chipwar.cli.output import emit, note_large_work
    from chipwar.commands.runs import supply_run

    with _progress("simulating days") as bar:
        summary = supply_run(
            file=file,
            samples=samples,
            seed=seed,
            days=days,
            daily=daily,
            progress=bar,
            on_large_work=note_large_work,
        ).data
    if format is Format.json:
        emit(summary, format)
        return
    cols = [
        "id", "country", "plan_per_day", "first_stop_date", "first_recovery_date", "lost_units",
        "lost_days_of_output", "recovery_date",
    ]  # fmt: skip
    rows = [dict(p) for p in summary["plants"]]
    if samples > 1:
        cols += ["stop_probability", "lost_p5", "lost_p95"]
        for r in rows:
            pct = r["percentiles"]["lost_units"]
            r["lost_p5"], r["lost_p95"] = pct["p5"], pct["p95"]
    title = (
        f"{summary['scenario']}: {summary['days']} days from {summary['start_date']}, "
        f"{samples} sample(s); total lost {summary['total_lost_units']:,.0f} units"
    )
    emit(rows, format, columns=cols, title=title)
    if format is Format.table and summary["parts"]:
        emit(
            summary["parts"], format, title="parts under scarcity",
            columns=["id", "peak_price_multiplier", "peak_price_date",
                     "max_shortage_units_per_day", "days_short"],
        )  # fmt: skip


@supply_app.command("critical")
def critical_cmd(
    file: str = typer.Argument(..., help=FILE_HELP),
    days: int | None = typer.Option(None, "--days", help="Days to simulate (default: scenario)."),
    outage_days: int | None = typer.Option(
        None, "--outage-days", help="How long each node/country is lost (default: whole horizon)."
    ),
    top: int = typer.Option(20, "--top", help="Rows to show (0: all)."),
    format: Format = FORMAT_OPTION,
) -> None:
    """Rank single nodes and single countries by the plant output their loss costs."""
    from chipwar.cli.output import emit
    from chipwar.supply import criticality
    from chipwar.supply.results import MAX_DAYS

    if days is not None and not 1 <= days <= MAX_DAYS:
        raise InputError("--days", days, f"an integer from 1 to {MAX_DAYS:,} (ten years)")
    if outage_days is not None and not 1 <= outage_days <= MAX_DAYS:
        raise InputError("--outage-days", outage_days, f"an integer from 1 to {MAX_DAYS:,}")
    if top < 0:
        raise InputError("--top", top, "an integer >= 0 (0: all rows)")
    net = _load(file)
    with _progress("removing nodes") as bar:
        rows = criticality(net, days, outage_days=outage_days, progress=bar)
    if top > 0:
        rows = rows[:top]
    cols = [
        "rank",
        "kind",
        "id",
        "nodes",
        "lost_units",
        "share_of_plan",
        "first_stop_day",
        "plants_hit",
    ]
    emit(rows, format, columns=cols, title=f"{net.scenario_id}: criticality ({net.days} days)")


@supply_app.command("calibrate")
def calibrate_cmd(
    file: str = typer.Argument(..., help=FILE_HELP),
    observations: str = typer.Option(
        ..., "--observations", help="Observations file (YAML/JSON) or a built-in name."
    ),
    samples: int = typer.Option(20_000, "--samples", "-n", help="Prior samples (>= 100)."),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same posterior)."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the posterior scenario (YAML) here."
    ),
    new_id: str | None = typer.Option(
        None, "--id", help="Id of the posterior scenario (default: SCENARIO-calibrated)."
    ),
    hold_out: list[str] = typer.Option(
        [], "--hold-out", help="Observation id to leave out of the fit and predict (repeatable)."
    ),
    min_accepted: int = typer.Option(
        100, "--min-accepted", help="Accept at least this many samples (widens epsilon if needed)."
    ),
    check_samples: int = typer.Option(
        1000, "--check-samples", help="Samples of the prior and posterior predictive checks."
    ),
    format: Format = FORMAT_OPTION_NO_CSV,
) -> None:
    """Fit the scenario's spreads to observed stops, restarts, cover and shortages (rejection
    ABC) and write the posterior scenario: same network, narrowed spreads, acceptance stats."""
    from chipwar.catalog.io import check_output_path, check_output_suffix
    from chipwar.catalog.types import Slug
    from chipwar.cli.output import emit, split_ids, stderr
    from chipwar.supply import build, read_scenario
    from chipwar.supply.calibrate import calibrate, posterior_scenario, summary
    from chipwar.supply.observations import read_observations
    from chipwar.supply.scenario import write_scenario

    if not 2 <= check_samples <= 100_000:
        raise InputError("--check-samples", check_samples, "an integer from 2 to 100,000")
    if output is not None:
        check_output_path(output)  # before minutes of work, not after
        check_output_suffix(output, "--output", (".yaml", ".yml"))
    scn = read_scenario(file)
    net = build(scn)
    obs = read_observations(observations)
    post_id = new_id or f"{scn.id}-calibrated"
    try:
        from pydantic import TypeAdapter

        TypeAdapter(Slug).validate_python(post_id)
    except ValueError:
        raise InputError("--id", post_id, "a lowercase slug such as nexperia-2025") from None
    with _progress("calibrating") as bar:
        cal = calibrate(
            scn, net, obs, samples, seed, hold_out=tuple(split_ids(hold_out)),
            min_accepted=min_accepted, progress=bar,
        )  # fmt: skip
    post = posterior_scenario(scn, cal, post_id, observations)
    result = summary(cal, obs, net, build(post), check_samples, seed)
    if output is not None:
        write_scenario(
            post, output,
            f"Posterior of {scn.id} calibrated by `chipwar supply calibrate` ({cal.samples} "
            f"samples, seed {seed}) to {obs.id}.\nSame network as {scn.id}; the spreads are the "
            "posterior (triangular). Regenerate rather than edit; the sourced prior is "
            f"{scn.id}.",
        )  # fmt: skip
        result["output"] = str(output)
        stderr.print(f"wrote {output}")
    if format is Format.json:
        emit(result, format)
        return
    rec = result["calibration"]
    title = (
        f"{scn.id} -> {post_id}: {rec['accepted']} of {rec['samples']} samples accepted "
        f"(epsilon {rec['epsilon_weeks']} weeks; all observations reproduced: "
        f"{rec['all_observations_reproduced']})"
    )
    cols = [
        "id", "target", "observed", "held_out", "prior_hit_rate", "posterior_hit_rate",
        "prior_median", "posterior_median",
    ]  # fmt: skip
    emit(result["observations"], format, columns=cols, title=title)
    rows = [
        {"input": r["input"], "prior": _spread(r["prior"]),
         "posterior": _spread(r["posterior"]), "ks": r["ks"]}
        for r in result["inputs"][:10]
    ]  # fmt: skip
    emit(rows, format, title="inputs the observations moved most (KS distance)")


def _spread(s: dict[str, float]) -> str:
    return f"{s['low']:g} / {s['base']:g} / {s['high']:g}"


@supply_app.command("validate")
def validate_cmd(
    file: str = typer.Argument(..., help=FILE_HELP),
    format: Format = FORMAT_OPTION_NO_CSV,
) -> None:
    """Check a scenario (schema, unknown nodes, BOM cycles, shares, shock dates); exit 2 if bad."""
    from chipwar.cli.output import emit

    net = _load(file)
    info = {
        "scenario": net.scenario_id,
        "valid": True,
        "nodes": net.n_nodes,
        "edges": net.n_edges,
        "parts": len(net.part_ids),
        "plants": len(net.plant_nodes),
        "alternates": len(net.alternates),
        "shocks": len(net.shocks),
        "start_date": net.start_date.isoformat(),
        "days": net.days,
    }
    emit(info, format)


@supply_app.command("schema")
def schema_cmd(
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file."),
) -> None:
    """Print (or write) the JSON Schema of the scenario format."""
    import json

    from chipwar.catalog.io import check_output_path, check_output_suffix, write_text_atomically
    from chipwar.cli.output import stderr
    from chipwar.supply.scenario import json_schema

    text = json.dumps(json_schema(), indent=2)
    if output is None:
        typer.echo(text)
    else:
        check_output_path(output)  # a directory or a missing folder: that message first
        check_output_suffix(output, "--output", (".json",))
        write_text_atomically(output, text + "\n")
        stderr.print(f"wrote {output}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.add_typer(supply_app, name="supply")
