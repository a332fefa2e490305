"""The claims ledger: data integrity, verdict rules, evaluators against hand-worked numbers, and
for every claim: moving its input the way that should flip the verdict does flip it."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chipwar.catalog import load_sources
from chipwar.catalog.validate import validate_all
from chipwar.claims import evaluate_all, load_claims
from chipwar.claims.evaluate import evaluate, flip
from chipwar.claims.evaluators import EVALUATORS, NotCheckable, eval_formula
from chipwar.claims.ledger import Claimed, Tolerance, check_data, read_claims
from chipwar.claims.verdict import (
    CONTRADICTED,
    NOT_CHECKABLE,
    PARTLY,
    SUPPORTED,
    VERDICTS,
    Modelled,
    judge,
    partial_band,
)
from chipwar.errors import ChipwarError, DataError

LEDGER = load_claims()
CJK = re.compile(r"[\u4e00-\u9fff]")


# ------------------------------------------------------------------ the ledger as data


def test_ledger_has_25_plus_claims_from_articles_and_comments() -> None:
    assert len(LEDGER) >= 25
    voices = {c.voice for c in LEDGER}
    assert voices == {"article", "comment"}
    assert len({c.article for c in LEDGER}) >= 6  # claims from most seed articles


def test_every_quote_is_original_chinese_and_every_article_is_a_seed_source() -> None:
    sources = load_sources()
    for c in LEDGER:
        assert CJK.search(c.quote), c.id
        assert c.article in sources and c.article.startswith("seed-"), c.id
        assert sources[c.article].publisher, c.id  # the outlet as printed


def test_quotes_appear_in_the_seed_text() -> None:
    """Quotes are verbatim (an ellipsis '...' joins two verbatim pieces)."""
    from pathlib import Path

    seeds = list(Path("/work/shared/seeds").glob("000_*.txt"))
    if not seeds:
        pytest.skip("seed text not on this machine")
    text = seeds[0].read_text(encoding="utf-8")
    for c in LEDGER:
        for piece in c.quote.split("..."):
            assert piece in text, (c.id, piece)


def test_checker_is_registered_and_clean() -> None:
    assert validate_all()["claims"] == []
    assert check_data(load_sources()) == []


def test_bad_ledger_rows_name_claim_and_field(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "claims.yaml"
    bad.write_text(
        "- id: x-claim\n  article: a\n  voice: blog\n  quote: 引文\n  paraphrase: p\n"
        "  quantity: q\n  claimed: {op: between, low: 2, high: 1, unit: x}\n"
        "  tolerance: {abs: 0.1, rel: 0.1}\n  check: {engine: evidence}\n"
        "  knob: {input: v}\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        read_claims(bad)
    text = str(err.value)
    assert "x-claim" in text and "voice" in text and "claimed" in text and "tolerance" in text


# ------------------------------------------------------------------ verdict rules


def _c(op: str, **kw: float) -> Claimed:
    return Claimed(op=op, unit="u", **kw)  # type: ignore[arg-type]


def test_judge_hand_worked_cases() -> None:
    tol = Tolerance(abs=0.05)
    at_least = _c("at_least", value=0.6)
    assert judge(at_least, tol, Modelled(0.58))[0] == SUPPORTED  # within 0.05
    assert judge(at_least, tol, Modelled(0.52))[0] == PARTLY  # within 2 x 0.05
    assert judge(at_least, tol, Modelled(0.22))[0] == CONTRADICTED
    assert judge(at_least, tol, Modelled(0.22, low=0.1, high=0.57))[0] == PARTLY  # range reaches
    between = _c("between", low=1.3, high=1.5)
    rel = Tolerance(rel=0.05)  # bounds 1.235 .. 1.575, partly 1.17 .. 1.65
    assert judge(between, rel, Modelled(1.56))[0] == SUPPORTED
    assert judge(between, rel, Modelled(1.60))[0] == PARTLY
    assert judge(between, rel, Modelled(1.78))[0] == CONTRADICTED
    assert judge(_c("at_most", value=1.0), Tolerance(rel=0.02), Modelled(1.019))[0] == SUPPORTED
    assert judge(_c("approx", value=0.0), tol, Modelled(0.2))[0] == CONTRADICTED
    assert judge(at_least, tol, None)[0] == NOT_CHECKABLE


def test_reason_is_a_template_with_arguments_the_report_can_translate() -> None:
    """The English reason is the 'below' template filled in; other templates give other text."""
    from chipwar.claims.verdict import REASONS, judge_parts, render_reason

    claimed = Claimed(op="at_least", value=0.6, unit="fraction")
    verdict, part = judge_parts(claimed, Tolerance(abs=0.05), Modelled(0.225))
    assert verdict == CONTRADICTED and part[0] == "below"
    assert render_reason([part]) == "modelled 0.225 fraction is below the claimed ≥ 0.6 fraction"
    zh = {**REASONS, "below": "模型值 {value} 低於文中說法 {claimed}"}
    words = {"unit.fraction": "比例"}
    assert render_reason([part], zh, words) == "模型值 0.225 比例 低於文中說法 ≥ 0.6 比例"
    edge = ("borderline", {"knob": "k", "move": "+1", "unit": "days", "verdict": PARTLY})
    assert render_reason([edge], words={PARTLY: "部分成立"}).endswith("+1 days makes it 部分成立")


@given(
    v=st.floats(-10, 10),
    d=st.floats(0, 5),
    a=st.floats(0, 1),
)
def test_judge_monotone_for_at_least(v: float, d: float, a: float) -> None:
    """A larger modelled value never gets a worse verdict on an 'at least' claim."""
    rank = {CONTRADICTED: 0, PARTLY: 1, SUPPORTED: 2}
    claim, tol = _c("at_least", value=v), Tolerance(abs=a)
    assert rank[judge(claim, tol, Modelled(v + d))[0]] >= rank[judge(claim, tol, Modelled(v))[0]]


def test_claimed_rejects_incomplete_intervals() -> None:
    with pytest.raises(ValueError):
        _c("approx")
    with pytest.raises(ValueError):
        Tolerance()


# ------------------------------------------------------------------ evaluators


def test_formula_arithmetic_and_fx() -> None:
    assert eval_formula("a / b", {"a": 143.4, "b": 439.0}) == pytest.approx(0.32665, rel=1e-4)
    assert eval_formula("1 - x * 2", {"x": 0.1}) == pytest.approx(0.8)
    from chipwar.catalog.fx import usd_per_unit

    assert eval_formula("c * fx('CNY', 2024)", {"c": 344.0}) == pytest.approx(
        344.0 * usd_per_unit("CNY", 2024)
    )


@pytest.mark.parametrize("bad", ["__import__('os')", "a.b", "open('x')", "[1][0]", "zz"])
def test_formula_rejects_anything_else(bad: str) -> None:
    with pytest.raises(ChipwarError):
        eval_formula(bad, {"a": 1.0})


def _result(cid: str):  # type: ignore[no-untyped-def]
    return evaluate(next(c for c in LEDGER if c.id == cid), with_flip=False)


def test_published_figures_reproduced() -> None:
    """Hand-worked from the sources: SEMI 49.6/117.1 (2024); customs 349.4 bn USD / 479.5 bn
    units (2023); IC Insights 143.4 / SIA 439.0 (2020); SoftBank's JPY 818.7 bn; NVIDIA 10-K
    China 17.108 of 130.5 bn (FY2025)."""
    assert _result("china-equipment-market-share-42pct").modelled.value == pytest.approx(
        49.6 / 117.1
    )
    assert _result("import-unit-price-0.7usd").modelled.value == pytest.approx(349.4 / 479.5)
    assert _result("china-share-of-world-31pct").modelled.value == pytest.approx(143.4 / 439.0)
    assert _result("softbank-abb-810bn-yen").modelled.value == pytest.approx(818.7)
    r = _result("nvidia-china-at-most-15pct-revenue")
    assert r.modelled.value == pytest.approx(17.108 / 130.5) and r.verdict == SUPPORTED


def test_h20_is_15pct_of_h100_in_compute_but_not_in_decode() -> None:
    compute = _result("h20-15pct-of-h100-compute")
    assert compute.verdict == SUPPORTED
    assert compute.modelled.value == pytest.approx(148 / 989.4, rel=0.01)  # dense BF16 datasheets
    decode = _result("h20-15pct-of-h100-inference")
    if decode.verdict == NOT_CHECKABLE:
        pytest.skip(decode.reason)
    assert decode.verdict == CONTRADICTED and decode.modelled.value > 0.5  # memory-bound decode


def test_electricity_is_not_60pct_of_tco() -> None:
    r = _result("dc-electricity-share-over-60pct")
    if r.verdict == NOT_CHECKABLE:
        pytest.skip(r.reason)
    assert r.verdict == CONTRADICTED
    assert 0 < r.modelled.value < 0.6
    assert r.modelled.rows and {"chip", "site", "electricity_share"} <= set(r.modelled.rows[0])


def test_missing_engine_is_not_checkable_not_a_crash(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import chipwar.claims.evaluators as ev

    def boom(*_: object) -> Modelled:
        raise ev.EngineMissing("engine missing: chipwar.compute.tco")

    claim = next(c for c in LEDGER if c.check.engine == "compute.tco_metric")
    monkeypatch.setitem(EVALUATORS, claim.check.engine, ev.Evaluator("x", boom, "m", ("*",)))
    r = evaluate(claim)
    assert r.verdict == NOT_CHECKABLE and "engine missing" in r.reason and r.modelled is None


def test_all_verdicts_valid_and_most_claims_checkable() -> None:
    results = evaluate_all(with_flip=False)
    assert len(results) == len(LEDGER)
    assert all(r.verdict in VERDICTS and r.reason for r in results)
    checkable = [r for r in results if r.verdict != NOT_CHECKABLE]
    assert len(checkable) >= 25
    for r in checkable:
        assert r.modelled is not None and math.isfinite(r.modelled.value)
        assert r.modelled.sources or r.modelled.basis, r.claim.id


# ------------------------------------------------------------------ verdicts follow the data


def _distance(claim, value: float) -> float:  # type: ignore[no-untyped-def]
    lo, hi = claim.claimed.interval
    return max(lo - value, value - hi, 0.0)


@pytest.mark.parametrize("claim", LEDGER, ids=[c.id for c in LEDGER])
def test_perturbing_the_input_flips_the_verdict(claim) -> None:  # type: ignore[no-untyped-def]
    """Move the claim's input (knob) until the verdict changes; the change must go the way the
    data moved: a supported claim loses support when the value leaves the claimed interval, and
    a contradicted one gains it when the value comes closer."""
    base = evaluate(claim, with_flip=False)
    if base.verdict == NOT_CHECKABLE:
        pytest.skip(base.reason)
    f = flip(claim, base.verdict)
    assert f is not None, f"no flip found for {claim.id} by moving {claim.knob.input}"
    after = evaluate(claim, f.at, with_flip=False)
    assert after.verdict != base.verdict
    assert after.modelled is not None and base.modelled is not None
    d0, d1 = _distance(claim, base.modelled.value), _distance(claim, after.modelled.value)
    lo, hi = partial_band(claim)
    if after.verdict == SUPPORTED:
        assert d1 <= d0
    if after.verdict == CONTRADICTED:
        assert d1 >= d0 and not lo <= after.modelled.value <= hi
    # and undoing the move restores the original verdict
    undo = 1.0 if claim.knob.kind == "scale" else 0.0
    assert evaluate(claim, undo, with_flip=False).verdict == base.verdict


# ------------------------------------------------------------------ CLI


def test_cli_claims_json(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("claims", "--format", "json", "--no-flip")
    assert res.code == 0, res.err
    rows = res.json()
    assert len(rows) == len(LEDGER)
    need = {"id", "article", "quote", "claimed", "modelled", "verdict", "reason", "sources"}
    assert all(need <= set(r) for r in rows)
    assert {r["verdict"] for r in rows} <= set(VERDICTS)
    first = rows[0]  # article = title and outlet as printed
    assert (
        first["article"] == f"{first['title']} ({first['outlet']})"
        and first["outlet"] == "科技直擊"
    )


def test_cli_claims_one_id_with_flip(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("claims", "--id", "china-ic-imports-2023", "--format", "json")
    assert res.code == 0
    (row,) = res.json()
    assert row["verdict"] == SUPPORTED and row["modelled"] == pytest.approx(349.4)
    assert row["flip"] and "partly" in row["flip"]


def test_cli_unknown_claim_is_a_clear_error(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("claims", "--id", "no-such-claim")
    assert res.code == 2
    assert "unknown claim 'no-such-claim'" in res.err and "Traceback" not in res.err


def test_not_checkable_exception_is_internal() -> None:
    assert issubclass(NotCheckable, Exception) and not issubclass(NotCheckable, ChipwarError)


# ------------------------------------------------------------------ tolerance rules, sources, edges


def _claim(**over: object):  # type: ignore[no-untyped-def]
    """A ledger claim checked by sourced evidence (no engine), with fields overridden."""
    from chipwar.claims.ledger import Claim

    row: dict[str, object] = {
        "id": "test-claim",
        "article": "seed-autobiz-nexperia",
        "voice": "article",
        "quote": "引文",
        "paraphrase": "p",
        "quantity": "q",
        "claimed": {"op": "approx", "value": 0.8, "unit": "fraction"},
        "tolerance": {"rule": "rounded"},
        "check": {
            "engine": "evidence",
            "params": {"inputs": {"x": {"value": 0.7, "source": ["nexperia-backend-share-2025"]}}},
        },
        "knob": {"input": "x"},
    }
    row.update(over)
    return Claim.model_validate(row)


def test_half_last_digit_hand_cases() -> None:
    from chipwar.claims.ledger import half_last_digit

    cases = {0.6: 0.05, 0.95: 0.005, 810.0: 5.0, 2.0: 0.5, 0.159: 0.0005, 100.0: 50.0, 0.001: 5e-4}
    for x, want in cases.items():
        assert half_last_digit(x) == pytest.approx(want), x


def test_every_claim_names_a_tolerance_rule_and_rules_fix_the_width() -> None:
    from chipwar.claims.ledger import TOLERANCE_RULES

    assert all(c.tolerance.rule in TOLERANCE_RULES for c in LEDGER)
    assert Tolerance(rule="share").width(0.95) == pytest.approx(0.03)
    assert Tolerance(rule="reported").width(200.0) == pytest.approx(6.0)
    assert Tolerance(rule="rounded").width(0.6) == pytest.approx(0.05)
    assert Tolerance(rule="exact").width(0.5) == 0.0
    with pytest.raises(ValueError, match="sets the width"):
        Tolerance(rule="share", abs=0.05)  # a rule cannot be widened to suit a verdict


def test_ledger_without_a_rule_is_reported(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import chipwar.claims.ledger as ledger

    monkeypatch.setattr(ledger, "load_claims", lambda: [_claim(tolerance={"abs": 0.05})])
    problems = ledger.check_data(load_sources())
    assert any("tolerance.rule is missing" in p for p in problems)


def test_every_checked_verdict_cites_an_independent_source() -> None:
    """Every verdict other than 'not checkable' cites at least one source that is neither a seed
    article nor a modelling assumption, and every cited id resolves."""
    from chipwar.claims.evaluate import seed_source_ids

    bib, seed = load_sources(), seed_source_ids()
    for r in evaluate_all(with_flip=False):
        row = r.as_dict()
        assert all(s in bib for s in row["sources"]), (r.claim.id, row["sources"])
        if r.verdict == NOT_CHECKABLE:
            continue
        independent = [s for s in row["sources"] if s not in seed and bib[s].kind != "assumption"]
        assert independent, r.claim.id


def test_evidence_sourced_only_by_the_seed_is_not_checkable() -> None:
    circ = _claim(
        check={
            "engine": "evidence",
            "params": {"inputs": {"x": {"value": 0.8, "source": ["seed-autobiz-nexperia"]}}},
        }
    )
    r = evaluate(circ, with_flip=False)
    assert r.verdict == NOT_CHECKABLE and "circular" in r.reason
    nosrc = _claim(check={"engine": "evidence", "params": {"inputs": {"x": {"value": 0.8}}}})
    r = evaluate(nosrc, with_flip=False)
    assert r.verdict == NOT_CHECKABLE and "cites no source" in r.reason
    # the same value with an independent source is judged
    ok = _claim(
        check={
            "engine": "evidence",
            "params": {"inputs": {"x": {"value": 0.8, "source": ["nexperia-backend-share-2025"]}}},
        }
    )
    assert evaluate(ok, with_flip=False).verdict == SUPPORTED


def test_a_verdict_on_a_tolerance_edge_is_called_borderline() -> None:
    """0.70 against 'about 80 %' (rounded: 0.75-0.85, partly to 0.70) sits on the edge: the
    reason must say that a tiny move flips it."""
    r = evaluate(_claim())
    assert r.verdict == PARTLY and r.flip is not None
    assert abs(r.flip.at - 1) < 0.01 and "borderline" in r.reason
    clear = evaluate(_claim(claimed={"op": "approx", "value": 0.7, "unit": "fraction"}))
    assert clear.verdict == SUPPORTED and "borderline" not in clear.reason
    from chipwar.claims.verdict import render_reason

    assert r.reason_parts[-1][0] == "borderline" and render_reason(r.reason_parts) == r.reason


def test_the_seed_series_are_not_used_as_evidence() -> None:
    """History series whose source is the seed itself (':seed' variants) never back a verdict."""
    from chipwar.claims.ledger import evidence_source_ids

    for c in LEDGER:
        inputs = c.check.params.get("inputs", {})
        assert not any(":seed" in str(s.get("series", "")) for s in inputs.values()), c.id
        assert "seed-2025-article" not in evidence_source_ids(c), c.id


def test_ownership_claim_cites_edges_listing_and_rule() -> None:
    r = _result("nexperia-caught-by-50pct-rule")
    if r.verdict == NOT_CHECKABLE:
        pytest.skip(r.reason)
    src = set(r.as_dict()["sources"])
    from chipwar.controls.ownership import load_affiliates_rule

    assert set(load_affiliates_rule().source) <= src  # the 50 % rule
    assert "bis-2024-12-el" in src  # Wingtech's Entity List listing
    assert any("→" in str(row.get("path", "")) for row in r.modelled.rows)  # the path shown


def test_dynamics_claims_cite_the_scenario_and_history_sources() -> None:
    for cid in ("self-sufficiency-now-23pct", "self-sufficiency-30pct-by-2027"):
        r = _result(cid)
        if r.verdict == NOT_CHECKABLE:
            pytest.skip(r.reason)
        src = r.as_dict()["sources"]
        assert "icinsights-2021-01-china-ic" in src, cid  # the self-sufficiency trend's data


def test_inventory_cover_is_the_sum_of_stocks_along_the_chain() -> None:
    """Hand-worked from the scenario file: plant + Tier-1 + distributor days (input + finished)
    for the European chain, and the claim is judged on cover, not on the simulation horizon."""
    from chipwar.supply.scenario import read_scenario

    r = _result("nexperia-inventory-lasts-weeks")
    if r.verdict == NOT_CHECKABLE:
        pytest.skip(r.reason)
    scn = read_scenario("nexperia-2025")
    nodes = {n.id: n for n in scn.nodes}

    def base(v, default):  # type: ignore[no-untyped-def]
        v = default if v is None else v
        return float(v) if isinstance(v, int | float) else float(v.base)

    want = sum(
        base(nodes[i].inventory_days, scn.defaults.inventory_days)
        + base(nodes[i].finished_days, scn.defaults.finished_days)
        for i in ("oem-europe", "tier1-europe", "dist-europe")
    )
    row = next(x for x in r.modelled.rows if x["plant"] == "oem-europe")
    assert row["cover_weeks_base"] == pytest.approx(want / 7)
    assert "oem-china" not in {x["plant"] for x in r.modelled.rows}  # cites the seed: left out
    assert r.modelled.low <= r.modelled.value <= r.modelled.high


def test_no_plant_stop_is_no_measure_of_inventory(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """weeks_to_shortage must not fall back to the simulation horizon when nothing stops."""
    import chipwar.claims.adapters as ad

    class _Res:
        def summarize(self, *a: object) -> dict[str, list[dict[str, object]]]:
            return {"plants": [{"id": "p", "first_stop_day": None}]}

        def run(self, *a: object, **k: object) -> tuple[None, None]:
            return None, None

        def build(self, *a: object) -> None:
            return None

    real = ad.require
    monkeypatch.setattr(
        ad, "require", lambda m, a=None: _Res() if m == "chipwar.supply.results" else real(m, a)
    )
    monkeypatch.setattr(ad, "_built_network", lambda name: None)
    with pytest.raises(ad.DataMissing, match="no plant stops"):
        ad.supply_weeks_to_shortage({"scenario": "nexperia-2025"}, "inventory", 1.0)


def test_a_claim_without_independent_data_is_not_checkable_but_shows_what_exists() -> None:
    r = _result("equipment-localisation-13.6pct")
    assert r.verdict == NOT_CHECKABLE and "high-end" in r.reason
    assert "asiadaily-2025-equipment" in r.as_dict()["sources"]


@given(k=st.integers(1, 99_999).filter(lambda k: k % 10 != 0), d=st.integers(0, 4))
def test_half_last_digit_is_half_the_printed_step(k: int, d: int) -> None:
    """A figure printed with d decimals (last digit non-zero) is good to half a unit of the d-th
    decimal: the 'rounded' rule's width."""
    from chipwar.claims.ledger import half_last_digit

    assert half_last_digit(k / 10**d) == pytest.approx(0.5 * 10.0**-d)
