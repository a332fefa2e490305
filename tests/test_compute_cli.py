"""End-to-end tests of `chipwar tco / breakeven / sensitivity / compare` via the cli fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from test_compute import CHIPS_YAML, SITES_YAML


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    """A scenario defining the fixture chips and sites (not in the catalog)."""
    path = tmp_path / "scenario.yaml"
    data = {
        "name": "fixture",
        "assumptions": {"cost_of_capital": 0.0, "life_years": 5, "facility_life_years": 10,
                        "average_load": 0.5, "other_opex_fraction": 0.02,
                        "utilization": {"default": 0.4}},
        "accelerators": yaml.safe_load(CHIPS_YAML),
        "sites": yaml.safe_load(SITES_YAML),
    }  # fmt: skip
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _args(scenario: Path, *extra: str) -> list[str]:
    return ["--scenario", str(scenario), "--date", "2026-01-01", *extra]


def test_tco_json_rows(cli, scenario: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("tco", "-c", "test-cn", "-c", "test-us", "-s", "test-west",
            *_args(scenario, "--format", "json"))  # fmt: skip
    assert r.code == 0, r.err
    rows = r.json()
    assert [row["chip"] for row in rows] == ["test-cn", "test-us"]
    cn = rows[0]
    for key in ("site", "precision", "usd_per_accelerator_hour", "usd_per_pflop_hour",
                "capex_usd_per_hour", "power_usd_per_hour", "electricity_share",
                "kwh_per_pflop_hour", "kgco2_per_pflop_hour", "subsidy"):  # fmt: skip
        assert key in cn
    assert cn["usd_per_pflop_hour"] == pytest.approx(1.25 / 0.4)  # hand-worked, 50 % subsidy
    assert rows[1]["subsidy"] == 0.0


def test_tco_table_and_csv(cli, scenario: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("tco", "-c", "test-cn", "-s", "test-west", *_args(scenario, "--subsidy", "0"))
    assert r.code == 0 and "test-cn" in r.out and "3.2" in r.out
    c = cli("tco", "-c", "test-cn", "-s", "test-west", *_args(scenario, "-f", "csv"))
    header = set(c.out.splitlines()[0].split(","))
    required = {
        "chip", "site", "precision", "usd_per_accelerator_hour", "usd_per_pflop_hour",
        "capex_usd_per_hour", "power_usd_per_hour", "electricity_share", "kwh_per_pflop_hour",
        "kgco2_per_pflop_hour", "subsidy",
    }  # fmt: skip
    assert c.code == 0 and required <= header, required - header


def test_tco_set_override(cli, scenario: Path) -> None:  # type: ignore[no-untyped-def]
    extra = ("--subsidy", "0", "--set", "utilization=0.8", "-f", "json")
    r = cli("tco", "-c", "test-cn", "-s", "test-west", *_args(scenario, *extra))
    assert r.code == 0, r.err
    assert r.json()[0]["usd_per_pflop_hour"] == pytest.approx(1.6)


def test_tco_samples_reproducible(cli, scenario: Path) -> None:  # type: ignore[no-untyped-def]
    argv = ("tco", "-c", "test-cn", "-c", "test-us", "-s", "test-west",
            *_args(scenario, "-n", "500", "--seed", "7", "-f", "json"))  # fmt: skip
    a, b = cli(*argv), cli(*argv)
    assert a.code == 0, a.err
    assert a.out == b.out
    rows = a.json()
    assert rows[0]["usd_per_pflop_hour_p5"] <= rows[0]["usd_per_pflop_hour_p95"]
    assert rows[0]["p_cheapest"] + rows[1]["p_cheapest"] == pytest.approx(1.0)
    assert "cheaper than" in a.err


def test_breakeven_and_sensitivity(cli, scenario: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("breakeven", "-c", "test-us", "--vs", "test-cn", "-s", "test-west",
            "--param", "chip-price", *_args(scenario, "-f", "json"))  # fmt: skip
    assert r.code == 0, r.err
    assert r.json()["value"] > 0
    t = cli("breakeven", "-c", "test-cn", "--vs", "test-us", "-s", "test-west",
            "--param", "electricity-price", *_args(scenario))  # fmt: skip
    assert t.code == 0 and "no electricity price" in t.out
    s = cli("sensitivity", "-c", "test-cn", "-s", "test-west", *_args(scenario, "-f", "json"))
    assert s.code == 0 and s.json()[0]["factor"]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (("tco", "-c", "no-such-chip", "-s", "test-west"), "no-such-chip"),
        (("tco", "-c", "test-cn", "-s", "no-such-site"), "no-such-site"),
        (("tco", "-c", "test-cn", "-s", "test-west", "-u", "1.5"), "utilization"),
        (("tco", "-c", "test-cn", "-s", "test-west", "-u", "0"), "utilization"),
        (("tco", "-c", "test-cn", "-s", "test-west", "--subsidy", "2"), "subsidy"),
        (("tco", "-c", "test-cn", "-s", "test-west", "--set", "price_usd_per_kwh=-0.1"),
         "price_usd_per_kwh"),
        (("tco", "-c", "test-cn", "-s", "test-west", "--set", "nonsense=1"), "nonsense"),
        (("tco", "-c", "test-cn", "-s", "test-west", "--date", "yesterday"), "date"),
        (("tco", "-c", "test-us", "-s", "test-west", "-p", "fp8"), "fp8"),
        (("breakeven", "-c", "test-cn", "--vs", "test-cn", "-s", "test-west", "--param",
          "subsidy"), "vs"),
    ],
)  # fmt: skip
def test_bad_input_exit_2(cli, scenario: Path, argv: tuple[str, ...], needle: str) -> None:  # type: ignore[no-untyped-def]
    r = cli(*argv, "--scenario", str(scenario))
    assert r.code == 2
    assert needle in r.err
    assert "Traceback" not in r.err + r.out


def test_negative_price_in_scenario_site(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sites = yaml.safe_load(SITES_YAML)
    sites[0]["electricity"]["price_per_kwh"] = {"low": -0.1, "base": 0.1, "high": 0.1,
                                                "source": ["x"]}  # fmt: skip
    path = tmp_path / "neg.json"
    path.write_text(
        json.dumps({"accelerators": yaml.safe_load(CHIPS_YAML), "sites": sites}, default=str)
    )
    r = cli("tco", "-c", "test-cn", "-s", "test-west", "--scenario", str(path))
    assert r.code == 2 and "price_per_kwh" in r.err and "Traceback" not in r.err


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("assumptions: [1, 2\n", "line"),  # not valid YAML
        ("assumptions:\n  life_years: -3\n", "life_years"),
        ("acelerators: []\n", "acelerators"),
        ("accelerators:\n  - id: new-chip\n    name: x\n", "new-chip"),
    ],
)
def test_malformed_scenario(cli, tmp_path: Path, text: str, needle: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    r = cli("tco", "-c", "nvidia-h100-sxm", "-s", "us-virginia", "--scenario", str(path))
    assert r.code == 2
    assert needle in r.err and "Traceback" not in r.err
    missing = cli("tco", "-c", "x", "-s", "y", "--scenario", str(tmp_path / "nope.yaml"))
    assert missing.code == 2 and "not found" in missing.err


def test_compare_central_question(cli) -> None:  # type: ignore[no-untyped-def]
    """`chipwar compare`: 4 chips x 5 cases from the shipped data; only Chinese-designed chips
    get the western-province subsidy, and only in the 'subsidy' cases."""
    r = cli("compare", "--format", "json", "--date", "2026-06-01")
    assert r.code == 0, r.err
    rows = r.json()
    assert len(rows) == 20
    for row in rows:
        subsidised = row["chip"].startswith("huawei-") and row["case"].endswith(", subsidy")
        assert (row["subsidy"] > 0) == subsidised, row
        assert row["usd_per_pflop_hour"] > 0
    table = cli("compare")
    assert table.code == 0 and "huawei-ascend-910c" in table.out


def test_validation_h100_cost_against_rental_market() -> None:
    """Owner's all-in H100 cost per GPU-hour in Virginia should sit inside the range of
    published market prices: ~USD 1.65/GPU-h break-even (Latent Space) to ~USD 2.99 on-demand
    (Oct 2024), rentals USD 1.70-2.35 in 2025-26 (shared/reference/energy_tco.md §3b, C2
    sources: neighborhoodsf.com H100 rental wiki, compux.net 2026 GPU pricing). And energy is a
    small share of AI-compute cost: Epoch AI puts it at 2-6 % of frontier-model development
    cost (epoch.ai/blog/how-much-does-it-cost-to-train-frontier-ai-models)."""
    from chipwar.compute.tco import tco_frame

    row = tco_frame(["nvidia-h100-sxm"], ["us-virginia"]).iloc[0]
    assert 1.5 <= row["usd_per_accelerator_hour"] <= 3.0
    assert 0.02 <= row["electricity_share"] <= 0.10


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    """A --spec file: the fixture chips and sites, no assumptions."""
    path = tmp_path / "spec.yaml"
    data = {"accelerators": yaml.safe_load(CHIPS_YAML), "sites": yaml.safe_load(SITES_YAML)}
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_spec_file_gives_chips_and_sites_not_in_the_catalog(  # type: ignore[no-untyped-def]
    cli, spec: Path, tmp_path: Path
) -> None:
    """DESIGN §4: --spec wherever an id is accepted; same numbers as the same rows in a scenario
    without assumptions; with no --chip/--site every entry of the file is evaluated."""
    args = ("--date", "2026-01-01", "-f", "json")
    r = cli("tco", "--spec", str(spec), "-c", "test-cn", "-s", "test-west", "-s", "us-virginia",
            *args)  # fmt: skip
    assert r.code == 0, r.err
    rows = r.json()
    assert [(x["chip"], x["site"]) for x in rows] == [
        ("test-cn", "test-west"), ("test-cn", "us-virginia"),
    ]  # fmt: skip
    sc = tmp_path / "sc.yaml"
    sc.write_text(spec.read_text())
    same = cli("tco", "--scenario", str(sc), "-c", "test-cn", "-s", "test-west", *args).json()
    assert same[0]["usd_per_pflop_hour"] == pytest.approx(rows[0]["usd_per_pflop_hour"])
    every = cli("tco", "--spec", str(spec), *args).json()
    assert {x["chip"] for x in every} == {"test-cn", "test-us"}
    b = cli("breakeven", "--spec", str(spec), "--chip", "test-cn", "--vs", "nvidia-h20",
            "--site", "test-west", "--param", "electricity-price",
            "--date", "2026-01-01")  # fmt: skip
    assert b.code == 0 and "test-cn" in b.out, b.err
    s = cli("sensitivity", "--spec", str(spec), "-c", "test-cn", "-s", "test-west", "-f", "json")
    assert s.code == 0 and s.json(), s.err


def test_bad_spec_file_is_one_clear_error(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("accelerators: []\nassumptions: {cost_of_capital: 0.1}\n")
    r = cli("tco", "--spec", str(wrong), "-c", "nvidia-h20", "-s", "us-virginia")
    assert r.code == 2 and "assumptions" in r.err and "--scenario" in r.err
    assert "Traceback" not in r.err
    partial = tmp_path / "partial.yaml"
    partial.write_text("- {id: new-chip, name: X}\n")
    r = cli("tco", "--spec", str(partial), "-c", "new-chip", "-s", "us-virginia")
    assert r.code == 2 and "new-chip" in r.err and "vendor" in r.err
