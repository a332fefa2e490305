"""The equipment articles' data (seed articles 4, 5, 6): every value sourced and queryable, and
the articles' equipment claims checkable against published figures."""

from __future__ import annotations

import pytest

from chipwar.catalog.sources import load_sources
from chipwar.dynamics.equipment_history import asml_china_quarterly, asml_milestones, fact
from chipwar.dynamics.history import get_series, series_names
from chipwar.errors import InputError, UnknownIdError

EQUIPMENT_SERIES = [
    "asml_china_share:20f", "asml_china_share:press", "asml_china_share:guidance",
    "asml_china_sales:20f", "china_fab_capacity:semi", "china_capacity_share:semi",
    "china_mature_capacity_share:trendforce-foundry", "china_equipment_spending:semi",
    "equipment_localisation:reportify-broker", "litho_localisation:cset",
]  # fmt: skip


@pytest.mark.parametrize("series", EQUIPMENT_SERIES)
def test_every_point_has_resolving_sources(series: str) -> None:
    sources = load_sources()
    for year in get_series(series).index:
        f = fact(series, int(year))
        assert f["source"] and all(s in sources for s in f["source"]), (series, year)


def test_quarterly_and_errors() -> None:
    q = asml_china_quarterly()
    assert set(q["unit"]) == {"pct"} and q["quarter"].is_unique
    assert fact("asml_china_share:system-sales", "2023Q3")["value"] == 46.0
    with pytest.raises(InputError, match="2023Q1"):
        fact("asml_china_share:system-sales", "2022Q1")
    with pytest.raises(InputError, match="a year with data"):
        fact("asml_china_share:20f", 2019)  # not found in any stored source: left out
    with pytest.raises(UnknownIdError):
        fact("asml_china_share:nope", 2023)


def test_20f_share_matches_its_own_sales_figures() -> None:
    """ASML 20-F FY2023 (asml-20f-2023-geography): China EUR 2,916.0 m of 21,173.4 m (2022),
    7,251.8 m of 27,558.5 m (2023)."""
    for year, total_eur_bn in ((2022, 21.1734), (2023, 27.5585)):
        china = fact("asml_china_sales:20f", year)["value"]
        share = fact("asml_china_share:20f", year)["value"]
        assert round(100 * china / total_eur_bn, 1) == share


def test_article2_china_42pct_of_equipment_market() -> None:
    """Seed article 2: China buys 42 % of the world's equipment; SEMI 2024: 49.6 of 117.1 bn."""
    china = fact("china_equipment_spending:semi", 2024)["value"]
    world = fact("world_equipment_spending:semi", 2024)["value"]
    assert round(100 * china / world) == 42


def test_china_nearly_a_third_of_capacity_2025() -> None:
    """SEMI (semi-2024-06-18-capacity): China 10.1 M of 33.7 M wafers/month in 2025."""
    share = (
        fact("china_fab_capacity:semi", 2025)["value"]
        / fact("world_fab_capacity:semi", 2025)["value"]
    )
    assert 0.29 < share < 0.31


def test_article4_mature_capacity_is_foundry_only_and_second() -> None:
    """Seed article 4: China's mature-chip capacity is first in the world. TrendForce's series is
    foundry-only (>= 28 nm): 29 % in 2023, behind Taiwan's 49 % (the claims ledger compares)."""
    f = fact("china_mature_capacity_share:trendforce-foundry", 2023)
    assert f["value"] == 29.0 and "foundry" in str(f["note"])
    assert "china_mature_capacity_share:trendforce-foundry" in series_names()


def test_article6_milestones() -> None:
    """Seed article 6's ASML-China history against the sources."""
    by_date = {m.date: m for m in asml_milestones()}
    assert by_date["2014-10-27"].status == "confirmed" and "450" in by_date["2014-10-27"].event
    assert by_date["2017-06-21"].source == ["asml-6k-2017-06-21-icrd"]
    assert by_date["2002"].status == "differs"  # the first ASML tool reached China in 1988
    assert by_date["2019"].status == "differs"  # article 4's '2020 revocation' was a 2019 lapse
    assert all(m.article for m in asml_milestones() if m.date != "1988")
