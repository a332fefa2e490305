"""Dynamics scenarios with the real engines, the Python API and the CLI end to end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from chipwar.dynamics import api
from chipwar.dynamics.scenario import BUILTIN, SCENARIO_DIR, load_scenario
from chipwar.errors import InputError

ROOT = Path(__file__).resolve().parents[1]


def _write(tmp_path: Path, edit: dict[str, object], name: str = "s.yaml") -> Path:
    raw = yaml.safe_load((SCENARIO_DIR / "dynamics-baseline.yaml").read_text(encoding="utf-8"))
    for dotted, value in edit.items():
        node = raw
        keys = dotted.split(".")
        for k in keys[:-1]:
            node = node[int(k)] if isinstance(node, list) else node[k]
        node[keys[-1]] = value
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def test_builtin_scenarios_ship_in_package_and_repo_identically() -> None:
    for name in BUILTIN:
        shipped = SCENARIO_DIR / f"dynamics-{name}.yaml"
        repo = ROOT / "scenarios" / f"dynamics-{name}.yaml"
        assert shipped.read_text(encoding="utf-8") == repo.read_text(encoding="utf-8")
        assert load_scenario(name).name == name
        assert load_scenario(f"dynamics-{name}").name == name


def test_run_json_has_contract_columns(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("dynamics", "run", "baseline", "--format", "json")
    assert res.code == 0, res.err
    rows = res.json()
    assert [r["year"] for r in rows] == list(range(2020, 2031))
    for key in (
        "year", "scenario", "domestic_share_ai_accelerators", "self_sufficiency",
        "usd_per_pflop_hour_domestic", "usd_per_pflop_hour_foreign", "energy_twh",
        "nvidia_china_revenue_usd_bn",
    ):  # fmt: skip
        assert key in rows[0]
    assert all(0 <= r["domestic_share_ai_accelerators"] <= 1 for r in rows)


def test_run_sampled_percentiles_and_determinism(cli) -> None:  # type: ignore[no-untyped-def]
    a = cli("dynamics", "run", "baseline", "--samples", "64", "--seed", "3", "--format", "json")
    b = cli("dynamics", "run", "baseline", "--samples", "64", "--seed", "3", "--format", "json")
    assert a.code == 0 and a.out == b.out
    row = a.json()[-1]
    assert row["self_sufficiency_p5"] <= row["self_sufficiency_p50"] <= row["self_sufficiency_p95"]
    assert row["samples"] == 64
    c = cli("dynamics", "run", "baseline", "--samples", "64", "--seed", "4", "--format", "json")
    assert c.out != a.out


def test_run_csv_and_table(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("dynamics", "run", "controls-lifted", "--format", "csv")
    assert res.code == 0 and res.out.splitlines()[0].startswith("year,scenario,")
    res = cli("dynamics", "run", "baseline", "--columns", "year,self_sufficiency")
    # Tables name fields for people (words, not snake_case); JSON and CSV keep the field names.
    assert res.code == 0 and "self sufficiency" in res.out and "2030" in res.out


def test_compare_same_draws(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("dynamics", "compare", "baseline", "controls-lifted", "--format", "json")
    assert res.code == 0, res.err
    rows = res.json()
    by = {(r["scenario"], r["year"]): r["domestic_share_ai_accelerators"] for r in rows}
    for year in range(2020, 2031):
        assert by[("controls-lifted", year)] <= by[("baseline", year)] + 1e-9


def test_calibrate_and_backtest(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("dynamics", "calibrate", "--format", "json")
    assert res.code == 0, res.err
    fit = res.json()
    assert fit["success"] and {p["parameter"] for p in fit["parameters"]} == {
        "alpha_domestic", "beta", "ecosystem_learning",
    }  # fmt: skip
    assert fit["rmse_pp"] < 15
    res = cli("dynamics", "calibrate", "--until", "2021", "--format", "json")
    assert res.code == 0, res.err
    back = res.json()
    assert back["until"] == 2021
    assert {r["year"] for r in back["backtest"]} <= {2022, 2023, 2024}
    assert back["backtest_errors"]["n"] == len(back["backtest"]) >= 4
    assert back["backtest_errors"]["mae_pp"] >= 0


def test_backtest_persistence_benchmark_by_hand() -> None:
    _fit, table = api.backtest("baseline", until=2021, last=2024)
    # the only observation <= 2021 is IDC's non-GPU share 8.1 % (idc-2021-10-cn-accelerated-
    # server-h1): persistence carries it to every series and year
    assert np.allclose(table["persistence_pct"], 8.1)
    observed = table["observed_pct"].to_numpy()
    err = api.backtest_errors(table)
    assert err["persistence_mae_pp"] == pytest.approx(np.mean(np.abs(8.1 - observed)))
    assert err["mae_pp"] == pytest.approx(np.mean(np.abs(table["forecast_pct"] - observed)))
    assert err["bias_pp"] == pytest.approx(np.mean(table["forecast_pct"] - observed))
    # 2022: 11.0, 2023: 8, 10, 19, 2024: 31 -> persistence MAE (2.9+0.1+1.9+10.9+22.9)/5
    assert err["persistence_mae_pp"] == pytest.approx(7.74)


def test_identifiability_report() -> None:
    full = api.calibrate("baseline")
    ident = full.identifiability().set_index("parameter")
    # alpha is pinned by the data; the 7 points leave eta mostly to its prior
    assert ident.loc["alpha_domestic", "data_share"] > 0.9
    assert ident.loc["ecosystem_learning", "data_share"] < 0.5
    assert np.isfinite(full.data_condition) and full.data_condition > 1
    # the misfit is larger than SIGMA_OBS assumes: the data's weight is cut by chi2/dof, so the
    # standard errors widen, but never beyond the prior's
    assert full.chi2_per_dof > 1 and full.scale == pytest.approx(full.chi2_per_dof)
    raw_sd = np.sqrt(np.diag(full.raw_covariance))
    assert (full.std_errors >= raw_sd - 1e-12).all() and (full.std_errors <= full.prior_sd).all()
    corr = full.correlation()
    assert np.allclose(corr, corr.T) and np.allclose(np.diag(corr), 1.0)
    # one observation (<= 2021) cannot identify three parameters: the data-only information
    # matrix is singular and beta/eta come from the prior
    early = api.calibrate("baseline", until=2021)
    assert early.n_obs == 1 and early.data_condition == float("inf")
    assert np.isnan(early.chi2_per_dof) and early.scale == 1.0
    ident = early.identifiability().set_index("parameter")
    assert ident.loc["beta", "data_share"] < 0.1
    assert ident.loc["ecosystem_learning", "data_share"] < 0.01


def test_calibrate_json_reports_identifiability(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("dynamics", "calibrate", "--until", "2023", "--last", "2025", "--format", "json")
    assert res.code == 0, res.err
    out = res.json()
    assert out["n_observations"] == len(out["fit"]) == 5
    assert {r["parameter"] for r in out["identifiability"]} == set(out["correlation"])
    assert out["backtest_errors"]["persistence_mae_pp"] >= 0
    assert {r["year"] for r in out["backtest"]} == {2024, 2025}


def test_history_command(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("dynamics", "history", "--format", "json")
    assert res.code == 0
    names = {r["series"] for r in res.json()}
    assert {"self_sufficiency:icinsights", "self_sufficiency:seed"} <= names
    res = cli("dynamics", "history", "ic_imports_cn:customs", "--format", "json")
    assert {r["year"]: r["value"] for r in res.json()}[2023] == 349.4


def test_seed_forecasts_beside_model(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("dynamics", "claims", "--samples", "300", "--format", "json")
    assert res.code == 0, res.err
    rows = res.json()
    assert [r["metric"] for r in rows] == ["self_sufficiency", "domestic_share_ai_accelerators"]
    for r in rows:
        assert 0 <= r["probability"] <= 1 and r["p5"] <= r["p50"] <= r["p95"]
    assert "non-AI trend" in rows[0]["reason"] and "AI market" in rows[0]["reason"]
    assert "controls lifted" in rows[1]["reason"]


def test_negative_seed_is_an_input_error_in_the_api() -> None:
    with pytest.raises(InputError, match="seed"):
        api.run_scenario("baseline", samples=4, seed=-1)


def test_forecast_probability_api() -> None:
    res = api.forecast_probability("self_sufficiency", 2027, 0.30, samples=300, seed=1)
    assert res["p5"] <= res["p50"] <= res["p95"]
    always = api.forecast_probability("self_sufficiency", 2027, 0.0, samples=50)
    never = api.forecast_probability("self_sufficiency", 2027, 1.01, samples=50)
    assert always["probability"] == 1.0 and never["probability"] == 0.0


def test_scenario_subsidy_never_lowers_share(tmp_path: Path) -> None:
    # foreign chips buyable and capacity ample, so that the subsidy is what decides
    edits = {
        "capacity.value": {"low": 2e7, "base": 2e7, "high": 2e7, "source": ["x"]},
        "controls": {"rules": "none"},
        "subsidy.capex_discount": 0.3,
    }
    low = api.run_scenario(_write(tmp_path, {**edits, "subsidy.coverage": 0.1}, "lo.yaml"), 32)
    high = api.run_scenario(_write(tmp_path, {**edits, "subsidy.coverage": 0.9}, "hi.yaml"), 32)
    diff = high["domestic_share_ai_accelerators"] - low["domestic_share_ai_accelerators"]
    assert (diff >= -1e-9).all() and diff.max() > 0.01


def test_controls_scenarios_order() -> None:
    base = api.run_scenario("baseline", samples=32)
    lifted = api.run_scenario("controls-lifted", samples=32)
    assert (
        lifted["domestic_share_ai_accelerators"] <= base["domestic_share_ai_accelerators"] + 1e-9
    ).all()
    assert np.nanmax(lifted["nvidia_china_revenue_usd_bn"]) > np.nanmax(
        base["nvidia_china_revenue_usd_bn"][base["year"] >= 2028]
    )


@pytest.mark.parametrize(
    ("edit", "needle"),
    [
        ({"chips.0.id": "nvidia-h999"}, "unknown chip (scenario chips) 'nvidia-h999'"),
        ({"controls.rules": "frozen", "controls.frozen_at": "us-bis-2031-01-01"},
         "unknown rule version (controls.frozen_at) 'us-bis-2031-01-01'"),
        ({"demand.growth.0.rate.low": -0.2}, "demand.growth[0].rate: -0.2"),
        ({"capacity.growth.1.rate.low": -0.5}, "capacity.growth[1].rate"),
        ({"start_year": 1990}, "start_year"),
        ({"sites": {"xx-nowhere": 1.0}}, "unknown site"),
    ],
)  # fmt: skip
def test_bad_scenarios_exit_2(cli, tmp_path: Path, edit: dict[str, object], needle: str) -> None:  # type: ignore[no-untyped-def]
    res = cli("dynamics", "run", str(_write(tmp_path, edit)))
    assert res.code == 2
    assert needle in res.err
    assert "Traceback" not in res.err + res.out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["dynamics", "calibrate", "--until", "2005"], "until: 2005"),
        (["dynamics", "run", "no-such-scenario"], "unknown dynamics scenario 'no-such-scenario'"),
        (["dynamics", "run", "baseline", "--samples", "0"], "--samples: 0"),
        (["dynamics", "history", "self_sufficiency:nobody"], "unknown history series"),
        (["dynamics", "compare", "baseline"], "two or more scenarios"),
        (["dynamics", "calibrate", "--until", "2025"], "until: 2025"),
        (["dynamics", "run", "baseline", "--samples", "5", "--seed", "-1"], "--seed: -1"),
        (["dynamics", "claims", "--samples", "5", "--seed", "-3"], "--seed: -3"),
        (["dynamics", "calibrate", "--until", "2021", "--last", "2020"], "last: 2020"),
        (["dynamics", "calibrate", "--until", "2021", "--last", "2040"], "last: 2040"),
    ],
)
def test_bad_cli_input_exit_2(cli, argv: list[str], needle: str) -> None:  # type: ignore[no-untyped-def]
    res = cli(*argv)
    assert res.code == 2
    assert needle in res.err
    assert "Traceback" not in res.err


def test_frozen_rules_counterfactual_differs(tmp_path: Path) -> None:
    # "no 2023 rule": keep the October 2022 rule -> A800/H800 stay buyable after Nov 2023
    path = _write(tmp_path, {"controls.rules": "frozen", "controls.frozen_at": "us-bis-2022-10-07",
                             "controls.overrides": []})  # fmt: skip
    prep = api.prepare(path)
    ids = list(prep.chips.ids)
    t = list(prep.years).index(2024)
    assert prep.chips.available[t, ids.index("nvidia-h800")] == 1.0
    actual = api.prepare("baseline")
    assert actual.chips.available[t, ids.index("nvidia-h800")] == 0.0


def test_nvidia_china_revenue_against_10k() -> None:
    # NVIDIA 10-K, China incl. Hong Kong (nvidia-10k-fy2023, nvidia-10k-fy2025): fiscal years
    # 2022-2025 ~ calendar 2021-2024, USD 7.111 + 5.785 + 10.306 + 17.108 = 40.3 bn, all segments.
    # The model counts only data-centre accelerators at catalog prices: within +-35 % over 4 years.
    from chipwar.dynamics.history import get_series

    published = get_series("nvidia_china_revenue:10k")
    run = api.run_scenario("baseline").set_index("year")["nvidia_china_revenue_usd_bn"]
    model = sum(run[y] for y in published.index)
    assert model == pytest.approx(published.sum(), rel=0.35)


def test_licence_and_override_windows(tmp_path: Path) -> None:
    # the H20 needs a licence from April 2025 (us-bis-2025-04-h20-is-informed); a granted licence
    # from 2025-08-11 makes it buyable again unless an override (Beijing's ban) says otherwise
    licence = {"chip": "nvidia-h20", "from": "2025-08-11"}
    path = _write(tmp_path, {"controls.licences": [licence], "controls.overrides": []})
    prep = api.prepare(path)
    j, t = list(prep.chips.ids).index("nvidia-h20"), list(prep.years).index(2026)
    assert prep.chips.available[t, j] == 1.0
    assert api.prepare("baseline").chips.available[t, j] == 0.0
    never = {"chip": "nvidia-h20", "from": "2024-01-01", "available": True}
    prep = api.prepare(_write(tmp_path, {"controls.overrides": [never]}, "never.yaml"))
    assert prep.chips.available[list(prep.years).index(2027), j] == 1.0


def test_shipped_trend_parameters_match_the_history_fit() -> None:
    from chipwar.dynamics.calibration import self_sufficiency_trend

    level, slope, _ = self_sufficiency_trend()
    p = load_scenario("baseline").parameters
    assert p.other_self_sufficiency_2021.base == pytest.approx(level, abs=0.001)
    assert p.other_self_sufficiency_slope.base == pytest.approx(slope, abs=0.0001)


def test_package_level_forecast_probability_and_schema(cli) -> None:  # type: ignore[no-untyped-def]
    import chipwar.dynamics as dyn

    res = dyn.forecast_probability("domestic_share_ai_accelerators", 2028, 0.8, samples=50)
    assert 0 <= res["probability"] <= 1
    out = cli("dynamics", "schema")
    assert out.code == 0 and '"frozen_at"' in out.out


def test_hbm_cap_binds_and_bad_years(tmp_path: Path) -> None:
    hbm = {
        "base_year": 2025,
        "value": {"low": 5e5, "base": 5e5, "high": 5e5, "source": ["chipwar-dynamics-assumptions"]},
        "growth": [{"from": 2016, "rate": {"low": 0.2, "base": 0.2, "high": 0.2, "source": ["x"]}}],
    }
    capped = api.run_scenario(_write(tmp_path, {"hbm_capacity": hbm}))
    base = api.run_scenario("baseline")
    assert (
        capped["domestic_share_ai_accelerators"] <= base["domestic_share_ai_accelerators"]
    ).all()
    assert capped["domestic_share_ai_accelerators"].iloc[5] < 0.2
    with pytest.raises(InputError, match=r"year: 2045"):
        api.forecast_probability("self_sufficiency", 2045, 0.3, samples=10)
    with pytest.raises(InputError, match="metric"):
        api.forecast_probability("happiness", 2027, 0.3, samples=10)
