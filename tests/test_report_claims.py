"""The report's claims parts (issue 13): a key-findings box computed from the engines, the ledger
filterable by article and verdict, a note where two scenario medians coincide, and every verdict
two clicks from its sources."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from chipwar.claims import VERDICTS, load_claims
from chipwar.report.i18n import strings

pytestmark = pytest.mark.usefixtures("claims_once")


@pytest.fixture(scope="module")
def en(built_report: Callable[[str], Path]) -> str:
    return built_report("en").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def hant(built_report: Callable[[str], Path]) -> str:
    return built_report("zh-Hant").read_text(encoding="utf-8")


def _box(html: str) -> str:
    start = html.index('id="key-findings"')
    return html[start : html.index("</div>", start)]


def test_key_findings_come_first_and_link_to_their_sections(en: str) -> None:
    box = _box(en)
    assert en.index('id="key-findings"') < en.index('id="section-summary"')
    items = re.findall(r'<li id="finding-([\w-]+)"><a href="#([\w-]+)">', box)
    assert [i for i, _ in items] == ["electricity", "cost", "tokens", "forecast", "claims"]
    for _, anchor in items:
        assert f'id="{anchor}"' in en, anchor
    for sid in re.findall(r'href="#src-([^"]+)"', box):
        assert f'id="src-{sid}"' in en, sid


def test_key_findings_are_the_engines_numbers(en: str) -> None:
    """Recomputed here from the engines: the electricity share at the three sites, the energy
    per token over the H20, the forecast probabilities and the verdict counts."""
    from chipwar.catalog.sites import load_sites
    from chipwar.compute.tco import tco_frame
    from chipwar.compute.workload import infer_frame
    from chipwar.dynamics.api import forecast_probability
    from chipwar.report.figures import KEY_CHIPS, _chips_present
    from chipwar.report.sections.key_findings import FORECAST_SAMPLES, SHARE_SITES, _range

    box = _box(en)
    chips = _chips_present(KEY_CHIPS)
    on = tco_frame(chips, list(load_sites()), subsidy="auto")
    share = on[on["site"].isin(SHARE_SITES)]["electricity_share"]
    assert f"Electricity is {_range(share)} of the all-in cost" in box
    tok = infer_frame("deepseek-v3", chips, "cn-inner-mongolia", precision="bf16", batch=64)
    k = tok.set_index("chip")["kwh_per_mtok"]
    ratios = [k[c] / k["nvidia-h20"] for c in ("huawei-ascend-910b", "huawei-ascend-910c")]
    assert _range(ratios, lambda x: f"{x:.2f}×") in box
    p = forecast_probability(
        "self_sufficiency", 2027, 0.30, "baseline", samples=FORECAST_SAMPLES, seed=0
    )
    assert f"P(self-sufficiency ≥ 30 % in 2027) = {p['probability']:.2f}" in box
    n = len(load_claims())
    assert f"{n} quantitative claims" in box


def test_range_formatting_hand_cases() -> None:
    from chipwar.report.sections.key_findings import _pct, _range

    assert _pct(0.0312) == "3.1 %" and _pct(0.225) == "22 %"
    assert _range([0.031, 0.11]) == "3.1 %–11 %"
    assert _range([0.5, 0.5]) == "50 %"


def test_ledger_filters_list_every_article_and_verdict(en: str) -> None:
    ledger = load_claims()
    art = en[
        en.index('id="filter-article"') : en.index("</select>", en.index('id="filter-article"'))
    ]
    ver = en[
        en.index('id="filter-verdict"') : en.index("</select>", en.index('id="filter-verdict"'))
    ]
    articles = set(re.findall(r'<option value="([^"]+)"', art))
    assert articles == {c.article for c in ledger}
    assert set(re.findall(r'<option value="([^"]+)"', ver)) == set(VERDICTS)
    rows = re.findall(
        r'<tr id="claim-([\w.-]+)" class="claim-row[^"]*" '
        r'data-article="([\w-]+)" data-verdict="([\w ]+)"',
        en,
    )
    assert len(rows) == len(ledger)
    by_id = {c.id: c for c in ledger}
    for cid, article, verdict in rows:
        assert by_id[cid].article == article and verdict in VERDICTS


def test_every_verdict_is_two_clicks_from_its_sources(en: str) -> None:
    """Click 1: the verdict in the ledger row links to the evidence block; click 2: each source
    in the block links to its row in the bibliography (title, publisher, date, url)."""
    for c in load_claims():
        row = en[en.index(f'<tr id="claim-{c.id}"') :]
        row = row[: row.index("</tr>")]
        assert f'<td class="verdict"><a href="#evidence-{c.id}">' in row, c.id
        block = en[en.index(f'id="evidence-{c.id}"') :]
        block = block[: block.index("</div>")]
        links = re.findall(r'href="#src-([^"]+)"', block)
        assert c.article in links, c.id
        for sid in links:
            assert f'<tr id="src-{sid}">' in en, (c.id, sid)


def test_coinciding_scenario_lines_are_noted_with_the_reason(en: str, hant: str) -> None:
    start = en.index('id="section-selfsuff"')
    sec = en[start : en.index("</section>", start)]
    assert "baseline and no-subsidy medians coincide" in sec
    assert "domestic share of AI accelerators by at most" in sec
    t = strings("zh-Hant")
    start = hant.index('id="section-selfsuff"')
    assert t["note_coincide"][:3] in hant[start : hant.index("</section>", start)]


def test_coinciding_finds_only_pairs_within_a_tenth_of_a_point() -> None:
    from chipwar.report.sections.dynamics import coinciding

    years = [2025, 2026, 2027]
    base = pd.DataFrame(
        {
            "year": years,
            "self_sufficiency": [0.20, 0.21, 0.22],
            "domestic_share_ai_accelerators": [0.4, 0.5, 0.6],
        }
    )
    near = base.assign(
        self_sufficiency=base["self_sufficiency"] + 0.0009,
        domestic_share_ai_accelerators=[0.4, 0.5, 0.601],
    )
    far = base.assign(self_sufficiency=base["self_sufficiency"] + 0.002)
    pairs = coinciding({"a": base, "b": near, "c": far})
    assert [(p["a"], p["b"]) for p in pairs] == [("a", "b")]
    assert pairs[0]["gap"] == "0.09" and pairs[0]["share_gap"] == "0.10"
    assert pairs[0]["years"] == "2025–2027"


def test_chinese_reports_show_the_chinese_paraphrase(hant: str) -> None:
    c = next(c for c in load_claims() if c.id == "ai-chip-localisation-34pct")
    block = hant[hant.index(f'id="evidence-{c.id}"') :]
    assert c.paraphrase.zh_hant in block[: block.index("</div>")]


def test_undecided_and_date_values_render(en: str) -> None:
    row = en[en.index('<tr id="claim-domestic-cheaper-overall-with-subsidy"') :]
    assert 'data-verdict="undecided"' in row[:300]
    row = en[en.index('<tr id="claim-nvidia-15pct-deal-dated-july"') :]
    row = row[: row.index("</tr>")]
    assert "2025-08-11" in row and "739" not in row  # an ISO date, not an ordinal day
