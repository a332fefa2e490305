"""History series: shipped data validates, published figures, variants kept apart, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipwar.catalog.sources import load_sources
from chipwar.dynamics.calibration import self_sufficiency_trend
from chipwar.dynamics.history import check_data, get_series, load_history, read_history, value_at
from chipwar.errors import DataError, InputError, UnknownIdError


def test_shipped_history_validates_and_every_source_resolves() -> None:
    assert check_data(load_sources()) == []
    frame = load_history()
    assert {"series", "year", "value", "unit", "source", "note", "name", "variant"} <= set(frame)
    assert len(frame) > 60


def test_published_figures() -> None:
    # China customs via SCMP: USD 349.4 bn of IC imports in 2023 (the seed quotes the same)
    assert value_at("ic_imports_cn:customs", 2023) == 349.4
    # IC Insights 2021: production 31.2 / market 186.5 = 16.7 % (icinsights-2022-05-china-ic)
    ratio = value_at("ic_production_cn:icinsights", 2021) / value_at(
        "ic_market_cn:icinsights", 2021
    )
    assert ratio * 100 == pytest.approx(value_at("self_sufficiency:icinsights", 2021), abs=0.1)
    for year in (2019, 2020):
        ratio = value_at("ic_production_cn:icinsights", year) / value_at(
            "ic_market_cn:icinsights", year
        )
        assert ratio * 100 == pytest.approx(value_at("self_sufficiency:icinsights", year), abs=0.1)
    # IDC 2025: ~1.65 m domestic of ~4.0 m cards = 41 %
    units = value_at("domestic_ai_accelerator_units_cn:idc", 2025)
    assert units / value_at("ai_accelerator_units_cn:idc", 2025) == pytest.approx(0.41, abs=0.01)


def test_variants_are_kept_apart_not_averaged() -> None:
    assert value_at("self_sufficiency:seed", 2014) == 14.0
    assert value_at("self_sufficiency:icinsights", 2014) == 15.1
    assert value_at("domestic_share_ai_accelerators:idc-units", 2023) == 10.0
    assert value_at("domestic_share_ai_accelerators:bernstein-sales", 2023) == 19.0
    frame = load_history()
    assert not frame["series"].str.contains("average|mean").any()


def test_self_sufficiency_trend_matches_shipped_scenario_inputs() -> None:
    level, slope, n = self_sufficiency_trend()
    assert n == 8
    assert level == pytest.approx(0.168, abs=0.001)
    assert slope == pytest.approx(
        0.0048, abs=0.0001
    )  # about 0.5 pp/yr (10.2 % 2010 -> 16.7 % 2021)


def test_unknown_series_and_year_outside_data() -> None:
    with pytest.raises(UnknownIdError, match="self_sufficiency:icinsights"):
        get_series("self_sufficiency:icinsight")
    with pytest.raises(InputError, match=r"year: 2022.*2010"):
        value_at("self_sufficiency:icinsights", 2022)


def test_checker_reports_bad_rows_and_unknown_sources(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(
        "series,year,value,unit,source,note\n"
        "x:y,2020,1.0,pct,no-such-source,\n"
        "bad series,20x0,abc,furlongs,,\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        read_history(tmp_path)
    text = str(err.value)
    assert "a.csv line 3" in text and "series" in text and "unit 'furlongs'" in text
    (tmp_path / "a.csv").write_text(
        "series,year,value,unit,source,note\nx:y,2020,1.0,pct,no-such-source,\n", encoding="utf-8"
    )
    frame = read_history(tmp_path)
    assert frame.loc[0, "variant"] == "y"
