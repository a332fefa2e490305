"""Plausibility: warnings with a suggestion for values inside the hard bounds but outside the
plausible range; ``--strict`` makes them errors (exit 2, nothing printed on stdout); warnings
reach the commands layer's Result and Python callers; wrong output extensions and empty
scenario files are refused the same way everywhere."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from chipwar.commands import compute as cc
from chipwar.commands import workloads as wk
from chipwar.compute.assumptions import BOUNDS, PLAUSIBLE, load_assumptions, with_overrides
from chipwar.errors import InputError
from chipwar.plausibility import (
    ImplausibleValueError,
    PlausibilityWarning,
    collect,
    flag,
    strict,
)

CHIP = ["-c", "nvidia-h20", "-s", "cn-guizhou"]


def test_plausible_ranges_lie_inside_the_hard_bounds_and_hold_the_shipped_values() -> None:
    shipped = load_assumptions()
    for name, (lo, hi, _unit, _divisor) in PLAUSIBLE.items():
        b_lo, b_hi, _ = BOUNDS[name]
        assert b_lo <= lo < hi and (b_hi is None or hi <= b_hi), name
        value = getattr(shipped, name)
        ranges = value.values() if isinstance(value, dict) else [] if value is None else [value]
        for rng in ranges:
            assert lo <= rng.low and rng.high <= hi, (name, rng)


def test_percentage_typed_as_number_warns_with_suggestion(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("tco", *CHIP, "--set", "cost_of_capital=5", "-f", "json")
    assert res.code == 0
    assert "warning: cost_of_capital=5: did you mean 0.05?" in res.err
    assert res.json()[0]["usd_per_pflop_hour"] > 0  # still answered


def test_strict_turns_the_warning_into_an_error_before_any_output(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("--strict", "tco", *CHIP, "--set", "cost_of_capital=5", "-f", "json")
    assert res.code == 2 and res.out == ""
    assert "error: cost_of_capital" in res.err and "did you mean 0.05?" in res.err
    assert "--strict" in res.err and "Traceback" not in res.err


def test_strict_does_not_leak_into_the_next_run(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("--strict", "tco", *CHIP, "--set", "cost_of_capital=5").code == 2
    assert cli("tco", *CHIP, "--set", "cost_of_capital=5").code == 0


def test_plausible_value_gives_no_warning(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("--strict", "tco", *CHIP, "--set", "cost_of_capital=0.12", "-f", "json")
    assert res.code == 0 and "warning" not in res.err


def test_scenario_file_values_are_checked_too(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    scn = tmp_path / "s.yaml"
    scn.write_text("assumptions:\n  price_usd_per_kwh: 6\n", encoding="utf-8")
    res = cli("tco", *CHIP, "--scenario", str(scn), "-f", "json")
    assert res.code == 0 and "price_usd_per_kwh=6: did you mean 0.06?" in res.err
    assert cli("--strict", "tco", *CHIP, "--scenario", str(scn)).code == 2


def test_hard_bound_error_suggests_too(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("tco", *CHIP, "--set", "utilization=80")
    assert res.code == 2 and "did you mean 0.8?" in res.err


def test_shipped_defaults_never_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", PlausibilityWarning)
        with_overrides(load_assumptions(), {}, source="--set")
        cc.tco(chip=["nvidia-h20"], site=["cn-guizhou"])


def test_commands_layer_records_warnings_and_never_prints(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = cc.tco(chip=["nvidia-h20"], site=["cn-guizhou"], set_=["cost_of_capital=5"])
    assert result.warnings and result.warnings[0].startswith("cost_of_capital=5: did you mean")
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_python_callers_get_a_warning_or_an_error() -> None:
    with pytest.warns(PlausibilityWarning, match="did you mean 0.05"):
        with_overrides(load_assumptions(), {"cost_of_capital": 5}, source="api")
    with strict(), pytest.raises(ImplausibleValueError, match="cost_of_capital"):
        with_overrides(load_assumptions(), {"cost_of_capital": 5}, source="api")
    with collect() as found:
        flag("x", 3.0, "0 to 1", 0.03)
    assert found == ["x=3: did you mean 0.03? (plausible: 0 to 1)"]
    assert issubclass(ImplausibleValueError, InputError)  # exit 2, HTTP 422


def test_train_tokens_as_a_bare_number_suggests_trillions() -> None:
    result = wk.train(
        model="llama-3.1-8b", tokens=15, chips=8, chip=["nvidia-h100-sxm"], site=["us-virginia"]
    )
    assert any(w.startswith("tokens=15: did you mean 1.5e+13?") for w in result.warnings)


def test_train_for_millennia_warns_with_the_cluster_for_90_days(cli) -> None:  # type: ignore[no-untyped-def]
    argv = ["train", "-m", "llama-3.1-70b", "--tokens", "1e14", "-k", "8",
            "-c", "nvidia-h100-sxm", "-s", "us-virginia", "-f", "json"]  # fmt: skip
    res = cli(*argv)
    assert res.code == 0
    days = res.json()[0]["days"]
    assert days > 3650
    assert "warning: days=" in res.err and "would take 90 days" in res.err
    chips_90 = int(res.err.split("--chips ")[1].split()[0].replace(",", ""))
    assert chips_90 * 90 == pytest.approx(8 * days, rel=0.01)
    assert cli("--strict", *argv).code == 2


def test_train_tokens_far_out_of_range_are_refused(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("train", "-m", "llama-3.1-8b", "--tokens", "1e40", "-k", "8",
              "-c", "nvidia-h100-sxm", "-s", "us-virginia")  # fmt: skip
    assert res.code == 2 and "tokens" in res.err and "days" not in res.out


@pytest.mark.parametrize(
    ("argv", "option", "suffix"),
    [
        (["report", "-o", "r.pdf"], "--output", ".html"),
        (["report", "-o", "r.html", "--xlsx", "t.csv"], "--xlsx", ".xlsx"),
        (["supply", "schema", "-o", "s.yaml"], "--output", ".json"),
        (["supply", "calibrate", "nexperia-2025", "--observations", "nexperia-2025",
          "-o", "post.json"], "--output", ".yaml"),
    ],
)  # fmt: skip
def test_wrong_output_extension_is_refused_before_any_work(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], option: str, suffix: str
) -> None:
    monkeypatch.chdir(tmp_path)
    res = cli(*argv)
    assert res.code == 2 and option in res.err and suffix in res.err
    assert list(tmp_path.iterdir()) == []


EMPTY_CASES = [
    ["tco", *CHIP, "--scenario", "{f}"],
    ["tco", "--spec", "{f}", *CHIP],
    ["infer", "-m", "llama-3.1-8b", "-c", "nvidia-h20", "--model-spec", "{f}"],
    ["supply", "run", "{f}"],
    ["dynamics", "run", "{f}"],
    ["sweep", "run", "{f}", "-o", "out"],
]


@pytest.mark.parametrize("content", ["", "# only a comment\n", "{}\n", "[]\n"])
def test_empty_scenario_files_are_refused_the_same_way_everywhere(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str
) -> None:
    monkeypatch.chdir(tmp_path)
    empty = tmp_path / "empty.yaml"
    empty.write_text(content, encoding="utf-8")
    for case in EMPTY_CASES:
        res = cli(*[a.replace("{f}", str(empty)) for a in case])
        assert res.code == 2, (case, res.err)
        assert res.err.startswith("error: empty.yaml: the file is empty; expected "), (
            case,
            res.err,
        )
        assert res.out == ""


def test_rest_api_sends_warnings_in_the_notes_header() -> None:
    """The REST API (a real uvicorn process) answers and carries the warning in
    ``X-Chipwar-Notes``."""
    import json

    import httpx

    from _web_server import uvicorn_server

    params = {"chip": "nvidia-h20", "site": "cn-guizhou", "set": "cost_of_capital=5"}
    with uvicorn_server() as base, httpx.Client(base_url=base, timeout=120) as client:
        r = client.get("/api/v1/tco", params=params)
    assert r.status_code == 200
    notes = json.loads(r.headers["X-Chipwar-Notes"])
    assert notes[0].startswith("cost_of_capital=5: did you mean 0.05?")
