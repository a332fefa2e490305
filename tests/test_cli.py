"""The command line as a whole: version, usage errors and bad input never end in a traceback."""

from __future__ import annotations

import pytest

from chipwar import __version__


def test_version(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("--version")
    assert res.code == 0 and res.out.strip() == f"chipwar {__version__}"


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (("tco", "--chip", "nvidia-h20", "--site", "us-virginia", "--format", "xml"), "xml"),
        (("tco", "--chip", "nvidia-h20", "--site", "us-virginia", "-u", "abc"), "utilization"),
        (("data", "list", "chips"), "chips"),
        (("no-such-command",), "no-such-command"),
    ],
)
def test_usage_errors_exit_2_and_name_the_value(cli, argv, needle) -> None:  # type: ignore[no-untyped-def]
    res = cli(*argv)
    assert res.code == 2
    assert needle in res.err
    assert "Traceback" not in res.err + res.out


@pytest.mark.parametrize(
    ("override", "needle"),
    [
        ("cost_of_capital=nan", "finite"),
        ("cost_of_capital=inf", "finite"),
        ("utilization.nvidi=0.9", "vendor/family prefix"),
        ("facility_capex_usd_per_kw.china=5000", "ISO-3166"),
        ("cost_of_capital=0.3,0.1,0.2", "low <= base <= high"),
    ],
)
def test_bad_assumption_overrides_are_named_not_ignored(cli, override, needle) -> None:  # type: ignore[no-untyped-def]
    res = cli("tco", "-c", "nvidia-h20", "-s", "cn-gansu", "--set", override)
    assert res.code == 2, res.out
    assert needle in res.err and "Value error" not in res.err
    assert "Traceback" not in res.err


def test_a_known_vendor_override_changes_the_cost(cli) -> None:  # type: ignore[no-untyped-def]
    base = cli("tco", "-c", "nvidia-h20", "-s", "cn-gansu", "-f", "json").json()[0]
    tuned = cli(
        "tco", "-c", "nvidia-h20", "-s", "cn-gansu", "--set", "utilization.nvidia=0.9", "-f", "json"
    ).json()[0]
    assert tuned["usd_per_pflop_hour"] < base["usd_per_pflop_hour"]


def test_size_target_beyond_any_cluster_is_refused(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli(
        "size", "--target", "tokens_per_s=1e30", "--model", "llama-3.1-70b",
        "--chip", "nvidia-h20", "--site", "cn-gansu",
    )  # fmt: skip
    assert res.code == 2 and "fewer than" in res.err


def test_negative_seed_is_a_usage_error(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("tco", "-c", "nvidia-h20", "-s", "cn-gansu", "--samples", "10", "--seed", "-1")
    assert res.code == 2 and "--seed" in res.err and "Traceback" not in res.err


def test_repeated_ids_give_one_row(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli(
        "tco", "-c", "nvidia-h20,nvidia-h20", "-c", "nvidia-h20", "-s", "cn-gansu", "-f", "json"
    )
    assert res.code == 0 and len(res.json()) == 1


def test_python_api_takes_a_single_id_as_well_as_a_list() -> None:
    from chipwar.compute.tco import tco_frame
    from chipwar.controls.classify import classify
    from chipwar.controls.ownership import owned_by

    assert tco_frame("nvidia-h20", "cn-gansu")["chip"].tolist() == ["nvidia-h20"]
    assert classify("nvidia-h20", "CN", "2025-06-01")["chip"].tolist() == ["nvidia-h20"]
    assert owned_by("wingtech", "2025-10-01") == owned_by(["wingtech"], "2025-10-01")
