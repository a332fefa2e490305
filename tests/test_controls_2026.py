"""Export controls from September 2025 to the review date: the reference note's Part C known
outcomes (chips, parties, China's measures), cases of our own from the rule texts, the
transaction / end-user headquarters options, 4A090 systems and the honest "as of"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipwar.controls.classify import classify, classify_frame, timeline
from chipwar.controls.content import content_shares
from chipwar.controls.measures import measure_status
from chipwar.controls.ownership import load_affiliates_rule, read_ownership_csv
from chipwar.controls.parties import read_parties_csv
from chipwar.controls.rules import as_of_warning, load_rules
from chipwar.controls.screening import assess, screen

BOOK = load_rules()
LANE = "us-bis-2026-01-15-h200-case-by-case"


def one(chip: str, dest: str, date: str, **kw: str) -> pd.Series:
    return classify([chip], dest, date, **kw).iloc[0]


def status(measure: str, date: str) -> dict[str, object]:
    return measure_status(
        BOOK.measures[measure], dt.date.fromisoformat(date), BOOK.reviewed_through
    )


def synth(version: str, date: str, dest: str = "CN", **cols: float) -> pd.Series:
    row = {
        "chip": "synthetic",
        "tpp": 0.0,
        "performance_density": 0.0,
        "interconnect_gbps": 0.0,
        "memory_bandwidth_gbps": 0.0,
        "datacenter": True,
        **cols,
    }
    return classify_frame(pd.DataFrame([row]), dest, date, version=version).iloc[0]


# --- Part C, chips --------------------------------------------------------------------------------


def test_c14_h200_china_before_the_rule_is_presumption_of_denial() -> None:
    # Part C 14: H200 -> Chinese buyer, 2025-12-20: licence, presumption of denial; the 8 Dec
    # announcement has no legal effect until 15 Jan 2026 (S105 91 FR 1684; S103 Mediaite).
    row = one("nvidia-h200", "CN", "2025-12-20")
    assert row["rule_version"] == "us-2025-12-08-h200-announcement"
    assert row["license_required"] is True
    assert "presumption of denial" in row["license_policy"]
    assert "case-by-case" not in row["license_policy"] and "15 %" not in row["license_policy"]
    assert any("no legal effect until the BIS rule" in r for r in row["reasons"])


def test_c14_issue_example_h200_on_2026_02_01_is_case_by_case() -> None:
    # The issue's first example: under 91 FR 1684 the H200 is case-by-case, and the Aug 2025
    # revenue share (H20/MI308) does not apply to it.
    row = one("nvidia-h200", "CN", "2026-02-01")
    assert row["license_required"] is True and row["license_policy"].startswith("case-by-case")
    assert "presumption of denial" not in row["license_policy"]
    assert "15 %" not in row["license_policy"]
    assert any(r.startswith("h200-class-case-by-case: TPP 15,832 < 21,000") for r in row["reasons"])
    assert any(
        "h20-mi308-revenue-share: applies only to the chips it names" in r for r in row["reasons"]
    )


def test_c17_mi325x_same_lane_as_h200_with_section_232_note() -> None:
    # Part C 17: MI325X -> China 2026-02-01: named with the H200 (S107/S108 law-firm alerts:
    # Baker McKenzie read here); TPP 20,919 < 21,000 and 6,000 < 6,500 GB/s; Sec. 232 band 2.
    row = one("amd-mi325x", "CN", "2026-02-01")
    assert row["tpp"] == pytest.approx(20919.2)
    assert row["eccn"] == "3A090.a" and row["license_policy"].startswith("case-by-case")
    assert any(r.startswith("Section 232 proclamation") for r in row["reasons"])


def test_c19_blackwell_server_for_malaysian_subsidiary_of_chinese_company() -> None:
    # Part C 19: Blackwell server -> Malaysian subsidiary of a China-headquartered company,
    # 2026-06-15: licence (BIS guidance of 31 May 2026, S116).
    row = one("nvidia-dgx-b200", "MY", "2026-06-15", end_user_hq="CN")
    assert row["eccn"] == "4A090.a" and row["license_required"] is True
    assert row["end_user_hq"] == "CN" and row["destination"] == "MY"
    assert "presumption of denial" in row["license_policy"]
    assert any(r.startswith("system with 8 x nvidia-b200") for r in row["reasons"])
    assert any(
        r.startswith("hq-d5-macau: 3A090.a to MY for an end user headquartered in CN")
        for r in row["reasons"]
    )
    # A Malaysian-owned buyer: the headquarters requirement does not apply.
    local = one("nvidia-dgx-b200", "MY", "2026-06-15")
    assert local["end_user_hq"] == "MY"
    assert not any(r.startswith("hq-d5-macau") for r in local["reasons"])


def test_c28_rtx_pro_6000d_below_the_letter_bandwidth_and_cac_order() -> None:
    # Part C 28: RTX Pro 6000D -> ByteDance, 2025-09-20: 1,398 GB/s < 1.4 TB/s letter threshold
    # (S123). The note says "no licence"; chipwar says undetermined because no dense TFLOPS (so no
    # TPP) is published for the card: the 3A090 tests cannot be run. The letter's memory test fails.
    row = classify(["nvidia-rtx-pro-6000d"], "CN", "2025-09-20", missing="flag").iloc[0]
    assert row["license_required"] is None and row["eccn"] == "undetermined"
    assert "h20-class-letter: memory bandwidth [GB/s] 1,398 < 1,400" in row["reasons"]
    assert "3A090.a.1: dense_tflops unknown (needed for TPP)" in row["reasons"]
    # China's side: CAC told buyers to cancel orders (not an export licence).
    cac = status("cn-cac-2025-09-nvidia-guidance", "2025-09-20")
    assert cac["status"] == "in-force" and cac["licence_matter"] is False
    assert "cancel RTX Pro 6000D orders" in str(cac["effect"])


# --- Part C, parties ------------------------------------------------------------------------------


def test_c20_c22_affiliate_owned_60_percent_by_listed_party(tmp_path: Path) -> None:
    # Part C 20: non-listed firm 60 % owned by an Entity-List party, 2025-10-15: licence
    # (Affiliates Rule in force 29 Sep - 9 Nov 2025; S90 Fenwick, S92 Bass Berry).
    (tmp_path / "own.csv").write_text("owner_id,owned_id,share\nl,x,0.6\nm,x,0.4\n")
    (tmp_path / "p.csv").write_text(
        "id,name,list,listed_from,listed_to\nl,L Co,Entity List,2020-01-01,\n"
    )
    g = read_ownership_csv(tmp_path / "own.csv")
    parties = read_parties_csv(tmp_path / "p.csv")
    (r,) = assess(["x"], "2025-10-15", graph=g, parties=parties)
    assert r["affiliate"] is True and r["aggregate_listed_ownership"] == pytest.approx(0.6)
    assert status("us-bis-affiliates-rule", "2025-10-15")["status"] == "in-force"
    (s,) = assess(["x"], "2025-12-01", graph=g, parties=parties)
    assert s["affiliate"] is False
    # Part C 22: same transaction 2026-11-15: the rule text reinstates it absent an extension;
    # whether it was extended is unknown (S91, S93) -> undetermined, not guessed.
    later = status("us-bis-affiliates-rule", "2026-11-15")
    assert later["status"] == "undetermined"
    assert any(str(x).startswith("undetermined after 2026-11-09") for x in later["reasons"])


def test_affiliates_measure_agrees_with_the_screening_data_until_it_is_undetermined() -> None:
    # Screening reads the rule's periods from this measure (issue 12): one source, one answer,
    # "undetermined" after 2026-11-09 included.
    rule = load_affiliates_rule()
    measure = BOOK.measures["us-bis-affiliates-rule"]
    for p in measure.periods:
        assert rule.status_on(p.start)[0] == p.status.replace("-", "_")
    assert rule.status_on(measure.periods[-1].start)[0] == "undetermined"


def test_c27_fudan_microelectronics_listed_september_2025() -> None:
    # Part C 27: US-origin item -> Shanghai Fudan Microelectronics, 2025-10-01: licence
    # (Entity List, Sep 2025; S119; Reuters via Geo News).
    row = screen(["Shanghai Fudan Microelectronics"], "2025-10-01", limit=1)[0]
    assert row["listed"] is True and row["lists"] == ["Entity List"]
    before = screen(["Shanghai Fudan Microelectronics"], "2025-09-01", limit=1)[0]
    assert before["listed"] is False


def test_c29_smee_listed_december_2022() -> None:
    # Part C 29: SMEE as consignee, 2023-06-01: Entity List licence (listed Dec 2022, S73).
    row = screen(["SMEE"], "2023-06-01", limit=1)[0]
    assert row["listed"] is True


def test_c12_veu_revocation_for_sk_hynix_wuxi() -> None:
    # Part C 12: US etch tool -> SK hynix Wuxi: 2025-06-01 VEU (no individual licence);
    # 2026-02-01 licence, covered by the 2026 annual licence for existing operations (S23-S25).
    assert status("us-bis-2025-veu-samsung-skhynix", "2025-06-01")["status"] == "not-yet-adopted"
    assert status("us-bis-2025-veu-samsung-skhynix", "2025-10-01")["status"] == "not-yet-applicable"
    now = status("us-bis-2025-veu-samsung-skhynix", "2026-02-01")
    assert now["status"] == "in-force" and "existing operations" in str(now["effect"])
    assert status("us-bis-2025-veu-samsung-skhynix", "2027-02-01")["status"] == "undetermined"


# --- Part C, China's measures ---------------------------------------------------------------------


def test_c23_magnet_with_chinese_rare_earths_to_us_buyer_december_2025() -> None:
    # Part C 23: German NdFeB magnet, >= 0.1 % Chinese-origin RE value -> US, 2025-12-15: no
    # MOFCOM licence (No. 61 suspended by No. 70 from 7 Nov 2025; S96, S99).
    bom = pd.DataFrame(
        [
            {
                "part": "NdFeB magnet",
                "origin": "DE",
                "value_usd": 100.0,
                "classification": "EAR99",
                "rare_earth_value_usd": 2.0,
                "rare_earth_origin": "CN",
            },
            {
                "part": "housing",
                "origin": "DE",
                "value_usd": 900.0,
                "classification": "EAR99",
                "rare_earth_value_usd": 0.0,
                "rare_earth_origin": "DE",
            },
        ]
    )
    rows = content_shares(bom, "US", "2025-12-15").set_index("regime")
    re = rows.loc["cn-mofcom-2025-61-rare-earth"]
    assert re["share"] == pytest.approx(0.002) and re["would_apply"] and not re["applies"]
    assert re["status"] == "suspended"


def test_c24_gallium_to_us_buyer_ban_then_suspension_then_undetermined() -> None:
    # Part C 24: Chinese gallium -> US buyer: 2025-10-01 "in principle not granted" (No. 46);
    # 2026-01-01 standard licensing (No. 72 to 27 Nov 2026); military end users still barred
    # (S97 UDN, S98 Clark Hill).
    ban = status("cn-mofcom-2024-46-gallium-germanium", "2025-10-01")
    assert ban["status"] == "in-force" and "in principle not granted" in str(ban["effect"])
    paused = status("cn-mofcom-2024-46-gallium-germanium", "2026-01-01")
    assert paused["status"] == "suspended" and "military" in str(paused["effect"])
    assert status("cn-mofcom-2024-46-gallium-germanium", "2026-11-27")["status"] == "suspended"
    after = status("cn-mofcom-2024-46-gallium-germanium", "2026-11-28")
    assert after["status"] == "undetermined" and after["effect"] == "undetermined after 2026-11-27"


def test_c26_dutch_nexperia_order_in_force_then_suspended() -> None:
    # Part C 26: Dutch ministerial veto over Nexperia: 2025-10-15 applies (Wbg order 30 Sep
    # 2025); 2025-12-01 suspended (19 Nov 2025) (S126, S127).
    assert status("nl-2025-09-30-wbg-nexperia", "2025-10-15")["status"] == "in-force"
    assert status("nl-2025-09-30-wbg-nexperia", "2025-12-01")["status"] == "suspended"


def test_nexperia_china_export_ban_and_civilian_exemption() -> None:
    # MOFCOM notice of 4 Oct 2025; civilian-use exemptions from 9 Nov 2025 (S131).
    assert status("cn-mofcom-2025-10-04-nexperia", "2025-10-03")["status"] == "not-yet-adopted"
    assert status("cn-mofcom-2025-10-04-nexperia", "2025-10-20")["effect"] == "exports prohibited"
    later = status("cn-mofcom-2025-10-04-nexperia", "2025-11-20")
    assert "civilian-use exports exempted" in str(later["effect"])


def test_rare_earth_55_58_62_suspended_then_undetermined() -> None:
    assert status("cn-mofcom-2025-55-58-62", "2025-11-07")["status"] == "suspended"
    assert status("cn-mofcom-2025-55-58-62", "2026-11-10")["status"] == "suspended"
    assert status("cn-mofcom-2025-55-58-62", "2026-11-11")["status"] == "undetermined"


# --- Cases from the rule texts --------------------------------------------------------------------


@pytest.mark.parametrize("transaction", ["reexport", "transfer"])
def test_h200_reexport_or_transfer_keeps_presumption_of_denial(transaction: str) -> None:
    # 91 FR 1684 covers exports from the US; reexports and in-country transfers stay presumption
    # of denial (bakermckenzie-2026-01-h200-rule).
    row = one("nvidia-h200", "CN", "2026-02-01", transaction=transaction)
    assert row["transaction"] == transaction and row["license_required"] is True
    assert "presumption of denial" in row["license_policy"]
    assert "case-by-case" not in row["license_policy"]
    assert any(f"not to a {transaction}" in r for r in row["reasons"])


@pytest.mark.parametrize(
    ("tpp", "mem", "lane"),
    [
        (20999.99, 6499.99, True),
        (21000, 6499.99, False),
        (20999.99, 6500, False),
    ],
)
def test_case_by_case_lane_boundaries(tpp: float, mem: float, lane: bool) -> None:
    row = synth(LANE, "2026-02-01", tpp=tpp, memory_bandwidth_gbps=mem)
    assert row["license_required"] is True
    assert row["license_policy"].startswith("case-by-case") is lane
    assert ("presumption of denial" in row["license_policy"]) is not lane


def test_lane_is_china_and_macau_only_and_blackwell_stays_denied() -> None:
    assert one("nvidia-h200", "MO", "2026-02-01")["license_policy"].startswith("case-by-case")
    assert "presumption of denial" in one("nvidia-h200", "RU", "2026-02-01")["license_policy"]
    for chip in ("nvidia-b200", "nvidia-b300"):
        row = one(chip, "CN", "2026-02-01")
        assert "presumption of denial" in row["license_policy"], chip
        assert "case-by-case (exports" not in row["license_policy"]


def test_revenue_share_is_attached_to_the_named_chip_only() -> None:
    # Aug 2025 arrangement named the H20 and MI308; a chip meeting only the letters' bandwidth
    # criteria keeps the letters' policy.
    h20 = one("nvidia-h20", "CN", "2025-09-01")
    assert "15 % revenue share" in h20["license_policy"]
    assert any(r.startswith("h20-mi308-revenue-share: names nvidia-h20") for r in h20["reasons"])
    like = synth(
        "us-bis-2025-08-11-h20-licences",
        "2025-09-01",
        tpp=2368,
        performance_density=2.91,
        memory_bandwidth_gbps=4000,
        interconnect_gbps=900,
    )
    assert like["license_required"] is True and "15 %" not in like["license_policy"]
    assert "licence required for the indefinite future" in like["license_policy"]


def test_h200_timeline_shows_the_2026_change() -> None:
    events = timeline("nvidia-h200", "CN")
    dates = [e["date"] for e in events]
    assert dt.date(2026, 1, 15) in dates and dt.date(2025, 12, 8) not in dates
    i = dates.index(dt.date(2026, 1, 15))
    assert "presumption of denial" in str(events[i - 1]["license_policy"])
    assert str(events[i]["license_policy"]).startswith("case-by-case")
    # For a reexport the 2026 rule changes nothing.
    re = timeline("nvidia-h200", "CN", transaction="reexport")
    assert dt.date(2026, 1, 15) not in [e["date"] for e in re]


def test_systems_classify_like_their_ics_under_each_rule() -> None:
    v22 = one("nvidia-dgx-a100", "CN", "2022-11-01")
    assert v22["eccn"] == "4A090" and v22["license_required"] is True
    v23 = one("nvidia-dgx-h100", "CN", "2024-01-01")
    assert v23["eccn"] == "4A090.a" and v23["license_required"] is True
    chip = one("nvidia-h100-sxm", "CN", "2024-01-01")
    assert v23["license_policy"] == chip["license_policy"]
    hgx = one("nvidia-hgx-h200", "CN", "2026-02-01")
    assert hgx["license_policy"].startswith("case-by-case")


# --- As of ----------------------------------------------------------------------------------------


def test_every_row_says_how_current_the_rules_are() -> None:
    assert BOOK.reviewed_through == dt.date(2026, 12, 2)
    frame = classify(["nvidia-h20", "nvidia-h200"], "CN", "2026-06-01")
    assert set(frame["stale"]) == {False}
    assert set(frame["rules_reviewed_through"]) == {dt.date(2026, 12, 2)}
    assert set(classify(["nvidia-h20"], "CN", "2027-01-01")["stale"]) == {True}
    assert as_of_warning(dt.date(2026, 6, 1), BOOK.reviewed_through, dt.date(2026, 12, 2)) is None
    stale = as_of_warning(dt.date(2026, 12, 3), BOOK.reviewed_through, dt.date(2027, 1, 1))
    assert stale is not None and "stale" in stale
    future = as_of_warning(dt.date(2030, 1, 1), BOOK.reviewed_through, dt.date(2026, 12, 2))
    assert future is not None and "future" in future


# --- Property: a version that only adds never un-controls a chip ----------------------------------

ADDITIVE = [
    v.id
    for v in BOOK.versions
    if v.meta.extends
    and not v.meta.remove_requirements
    and v.meta.paragraphs is None
    and v.meta.requirements is None
    and v.effective >= dt.date(2025, 8, 11)
]
finite = st.floats(min_value=0, max_value=1e5, allow_nan=False)


def test_the_2025_2026_versions_are_additive() -> None:
    assert {
        "us-bis-2025-08-11-h20-licences",
        "us-2025-12-08-h200-announcement",
        LANE,
        "us-bis-2026-05-31-hq-guidance",
    } <= set(ADDITIVE)


@settings(max_examples=60, deadline=None)
@given(
    version=st.sampled_from(ADDITIVE),
    dest=st.sampled_from(["CN", "MO", "MY", "RU", "JP", "SA"]),
    hq=st.sampled_from([None, "CN", "MY"]),
    transaction=st.sampled_from(["export", "reexport", "transfer"]),
    spec=st.tuples(finite, st.floats(0, 50), finite, finite),
    dc=st.booleans(),
)
def test_a_later_version_never_uncontrols_a_chip(
    version: str,
    dest: str,
    hq: str | None,
    transaction: str,
    spec: tuple[float, float, float, float],
    dc: bool,
) -> None:
    child = BOOK.version(version)
    names = ["tpp", "performance_density", "interconnect_gbps", "memory_bandwidth_gbps"]
    frame = pd.DataFrame([{**dict(zip(names, spec, strict=True)), "datacenter": dc}])
    day = "2026-07-01"
    kw = {"transaction": transaction, "end_user_hq": hq, "reasons": False}
    before = classify_frame(frame, dest, day, version=child.meta.extends, **kw).iloc[0]  # type: ignore[arg-type]
    after = classify_frame(frame, dest, day, version=version, **kw).iloc[0]  # type: ignore[arg-type]
    assert not (before["license_required"] and not after["license_required"])


# --- CLI ------------------------------------------------------------------------------------------


def test_cli_json_contract_and_no_warning_when_current(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli(
        "classify",
        "-c",
        "nvidia-h200",
        "--date",
        "2026-02-01",
        "--destination",
        "CN",
        "--transaction",
        "reexport",
        "--end-user-hq",
        "CN",
        "--format",
        "json",
    )
    assert r.code == 0, r.err
    (row,) = r.json()
    for key in (
        "chip",
        "date",
        "destination",
        "rule_version",
        "eccn",
        "tpp",
        "performance_density",
        "license_required",
        "license_exception",
        "license_policy",
        "reasons",
        "transaction",
        "end_user_hq",
        "rules_reviewed_through",
        "stale",
    ):
        assert key in row, key
    assert row["transaction"] == "reexport" and row["end_user_hq"] == "CN"
    assert row["rules_reviewed_through"] == "2026-12-02" and row["stale"] is False
    assert "presumption of denial" in row["license_policy"]
    assert "warning" not in r.err


def test_cli_warns_once_on_stderr_for_a_future_date_and_still_answers(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("classify", "-c", "nvidia-h200", "--date", "2030-01-01", "--format", "json")
    assert r.code == 0
    assert r.json()[0]["stale"] is True and r.json()[0]["license_required"] is True
    lines = [x for x in r.err.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("warning: 2030-01-01 is in the future")


def test_cli_rules_list_shows_review_date_and_measures(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("rules", "list", "--format", "json")
    assert r.code == 0
    rows = r.json()
    assert {x["rules_reviewed_through"] for x in rows} == {"2026-12-02"}
    assert {"us-bis-2026-01-15-h200-case-by-case", "cn-mofcom-2024-46-gallium-germanium"} <= {
        x["id"] for x in rows
    }
    assert "rules reviewed through 2026-12-02" in cli("rules", "list").out
    m = cli(
        "rules",
        "measures",
        "--date",
        "2026-11-15",
        "-m",
        "us-bis-affiliates-rule",
        "--format",
        "json",
    )
    assert m.code == 0 and m.json()[0]["status"] == "undetermined"


def test_cli_timeline_for_h200(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("classify", "-c", "nvidia-h200", "--timeline", "--format", "json")
    assert r.code == 0, r.err
    events = r.json()
    assert events[-1]["date"] == "2026-01-15"
    assert events[-1]["license_policy"].startswith("case-by-case")
    assert "presumption of denial" in events[-2]["license_policy"]


def test_cli_bad_transaction_hq_and_measure_exit_2(cli) -> None:  # type: ignore[no-untyped-def]
    for args, field in (
        (("classify", "-c", "nvidia-h200", "--transaction", "ship"), "transaction"),
        (("classify", "-c", "nvidia-h200", "--end-user-hq", "XX"), "end_user_hq"),
        (("rules", "measures", "-m", "no-such-measure"), "measure"),
    ):
        r = cli(*args)
        assert r.code == 2 and "Traceback" not in r.err, args
        assert field in r.err and "error:" in r.err, r.err


def test_cli_rules_show_policies_and_measures(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("rules", "show", LANE, "--format", "json")
    assert r.code == 0
    (pol,) = [p for p in r.json()["policies"] if p["id"] == "h200-class-case-by-case"]
    assert pol["transactions"] == ["export"] and pol["destinations"] == ["CN", "MO"]
    table = cli("rules", "show", LANE)
    assert table.code == 0 and "h200-class-case-by-case: tpp < 21000" in table.out
    m = cli("rules", "show", "us-bis-affiliates-rule", "--format", "json")
    assert m.code == 0 and m.json()["periods"][-1]["status"] == "undetermined"


def test_vectorised_agrees_with_reference_for_transactions_and_headquarters() -> None:
    import numpy as np

    from chipwar.controls.classify import active_requirements, classify_reference

    rng = np.random.default_rng(11)
    n = 500
    frame = pd.DataFrame(
        {
            "tpp": rng.uniform(0, 40000, n),
            "performance_density": rng.uniform(0, 30, n),
            "interconnect_gbps": rng.uniform(0, 1500, n),
            "memory_bandwidth_gbps": rng.uniform(0, 9000, n),
            "datacenter": rng.random(n) < 0.7,
        }
    )
    day = dt.date(2026, 7, 1)
    v = BOOK.in_force(day)
    for dest, hq, tx in (
        ("MY", "CN", "export"),
        ("CN", "CN", "reexport"),
        ("MY", "MY", "transfer"),
    ):
        out = classify_frame(frame, dest, day, transaction=tx, end_user_hq=hq, reasons=False)
        active = active_requirements(v, BOOK, dest, day, tx, hq)
        ref = [
            classify_reference(r, dest, day, v, BOOK, active)
            for r in frame.to_dict(orient="records")
        ]
        assert list(out["license_required"]) == [x for _, x in ref], (dest, hq, tx)
