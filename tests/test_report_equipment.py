"""The report's Equipment controls section: built from the engines, with data in every chart,
sourced captions, and its strings in the three languages."""

from __future__ import annotations

import pytest

from chipwar.catalog.sources import load_sources
from chipwar.report.i18n import EN, ZH_HANT, strings
from chipwar.report.sections.equipment import KEY_TOOLS, section_equipment

KEYS = [
    "equipment", "equipment_note", "cap_equipment", "tool_regime", "asml_china_share", "asml_20f",
    "asml_annual_report", "asml_press", "asml_guidance", "asml_quarterly", "cap_asml_share",
]  # fmt: skip


def test_strings_complete_in_all_languages() -> None:
    for key in KEYS:
        assert key in EN and key in ZH_HANT, key
    hans = strings("zh-Hans")
    assert hans["equipment"] != EN["equipment"] and "设备" in hans["equipment"]


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_section_charts_have_data_and_sources(lang: str) -> None:
    t = strings(lang)
    sec = section_equipment(t)
    assert sec.title == t["equipment"]
    timeline, share = sec.charts
    labels = {y for trace in timeline.figure["data"] for y in trace["y"]}
    assert labels == {f"{tool} · {r}" for tool in KEY_TOOLS for r in ("us", "nl", "eu", "jp")}
    names = {trace["name"] for trace in timeline.figure["data"]}
    assert t["licence required"] in names and t["no licence required"] in names
    assert len(share.figure["layout"]["shapes"]) >= 9  # one line per rule version since 2019
    assert {trace["name"] for trace in share.figure["data"]} >= {t["asml_20f"], t["asml_quarterly"]}
    sources = load_sources()
    for chart in sec.charts:
        assert chart.n_points > 0 and chart.sources
        assert all(s in sources for s in chart.sources), chart.id
    rows = sec.tables["equipment_timeline"]
    nl_2100i = rows[(rows["tool"] == "asml-nxt-2100i") & (rows["regime"] == "nl")]
    assert nl_2100i.iloc[-1]["status"] == "licence required"
