"""Equipment controls: known outcomes (reference note Part C, with their sources), threshold
edges, three-valued logic, vectorised-vs-reference agreement and the version-order property."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipwar.catalog.tools import Tool, load_tools, tool_frame
from chipwar.controls.tool_rules import REGIMES, load_tool_rules
from chipwar.controls.tools import (
    classify_frame,
    classify_reference,
    classify_tools,
    timeline,
)
from chipwar.errors import InputError, UnknownIdError


def answer(tool: str | Tool, date: str, end_use: str | None = "other", dest: str = "CN") -> dict:
    """regime -> row (as a dict) for one tool."""
    frame = classify_tools([tool], dest, date, end_use)
    return {r["regime"]: r for r in frame.to_dict(orient="records")}


def spec(**kw: object) -> Tool:
    base: dict[str, object] = {
        "id": "test-scanner",
        "name": "test",
        "vendor": "Test",
        "vendor_country": "NL",
        "category": "lithography",
        "kind": "duv-immersion",
        "wavelength_nm": 193.0,
        "numerical_aperture": 1.35,
        "dedicated_chuck_overlay_nm": 1.4,
        "source": ["highuvlith-litho-math"],
    }
    base.update(kw)
    return Tool.model_validate(base)


# ------------------------------------------------------------------ Part C known outcomes


def test_c1_nxt2000i_before_dutch_measure() -> None:
    """Part C 1: NXT:2000i -> non-listed Chinese fab, 2023-06-01: no Dutch licence (measure not in
    force; MRF 50 nm > 45 under 3B001.f.1.b). Sources: stcrt-2023-18212, eu-annex-i-2025-11-15."""
    a = answer("asml-nxt-2000i", "2023-06-01")
    assert a["nl"]["license_required"] is False and a["nl"]["rule_version"] is None
    assert a["eu"]["license_required"] is False and a["eu"]["entry"] == "not listed"
    assert any("50.037 > 45" in line for line in a["eu"]["reasons"])


def test_nxt2000i_after_dutch_measure() -> None:
    a = answer("asml-nxt-2000i", "2023-09-01")
    assert a["nl"]["license_required"] is True
    assert a["nl"]["entry"].startswith("NL 3B001.f.1.b (DUVi, DCO <= 1.5 nm)")


@pytest.mark.parametrize("tool", ["asml-nxt-2050i", "asml-nxt-2100i"])
def test_c3_2050i_2100i_revoked_2024(tool: str) -> None:
    """Part C 3: NXT:2050i/2100i -> Chinese customer, 2024-01-15: Dutch licence required and
    previously granted licences partially revoked. Source: asiafinancial-2024-01-02-revoked."""
    a = answer(tool, "2024-01-15")
    assert a["nl"]["license_required"] is True
    assert "revoked" in a["nl"]["license_policy"]
    assert "revoked" not in (answer(tool, "2023-12-15")["nl"]["license_policy"] or "")
    assert "revoked" not in (answer("asml-nxt-2000i", "2024-01-15")["nl"]["license_policy"])


def test_c8_euv_to_smic_2020() -> None:
    """Part C 8: NXE:3400C -> SMIC, 2020: licence required (wavelength < 193 nm, 3B001.f.1.a) and
    not granted. Sources: eu-annex-i-2025-11-15, taiwannews-2021-03-smic-asml."""
    a = answer("asml-nxe-3400c", "2020-06-01", end_use=None)
    assert a["eu"]["license_required"] is True
    assert "3B001.f.1.a" in a["eu"]["entry"]
    assert "not renewed" in a["eu"]["license_policy"]
    assert a["us"]["license_required"] is None  # US SME rules before Oct 2022 not modelled
    assert a["us"]["license_required_any"] is True


def test_c10_2100i_under_eu_3b501_and_dutch_list() -> None:
    """Part C 10: NXT:2100i -> Chinese fab, 2025-12-01: EU-wide 3B501.f (from 15 Nov 2025) as well
    as the Dutch list. Sources: eu-annex-i-2025-11-15, eu-2025-2003-delegated."""
    a = answer("asml-nxt-2100i", "2025-12-01")
    assert a["eu"]["license_required"] is True and a["eu"]["entry"] == "3B501.f.1.b"
    assert a["nl"]["license_required"] is True
    assert answer("asml-nxt-2100i", "2025-11-14")["eu"]["license_required"] is False


def test_c11_dutch_metrology_from_april_2025() -> None:
    """Part C 11: metrology/inspection tool of the Dutch Jan-2025 amendment -> China: no Dutch
    licence on 2025-03-15, licence on 2025-04-15. Source: govnl-2025-01-15-metrology."""
    tool = "cat-metrology-inspection-advanced"
    assert answer(tool, "2025-03-15")["nl"]["license_required"] is False
    assert answer(tool, "2025-04-15")["nl"]["license_required"] is True


def test_c13_japan_euv_coater_developer() -> None:
    """Part C 13: Japanese EUV resist coater/developer -> Chinese fab, 2023-08-01: METI licence
    (one of the 23 items from 23 Jul 2023); to a friendly destination a general bulk licence.
    Sources: baker-2023-06-02-japan, asahi-2023-07-23-japan."""
    tool = spec(id="tel-like-track", vendor_country="JP", category="lithography-track",
                kind="resist-coater-developer-euv", wavelength_nm=None, numerical_aperture=None,
                dedicated_chuck_overlay_nm=None)  # fmt: skip
    cn = answer(tool, "2023-08-01")["jp"]
    assert cn["license_required"] is True and "individual" in cn["license_policy"]
    kr = answer(tool, "2023-08-01", dest="KR")["jp"]
    assert kr["license_required"] is True and "comprehensive" in kr["license_policy"]
    assert answer(tool, "2023-08-01", dest="JP")["jp"]["license_required"] is False


def test_c29_listed_end_user_is_a_screening_matter() -> None:
    """Part C 29: SMEE as consignee of US-origin items needs an Entity-List licence whatever the
    item: the US rows say this is a screening question (source bis-2022-12-el)."""
    for dest in ("CN", "MO"):
        us = answer("asml-xt-400m", "2023-06-01", dest=dest)["us"]
        assert any("screening question" in line for line in us["reasons"])
    assert not any(
        "screening" in line
        for line in answer("asml-xt-400m", "2023-06-01", dest="DE")["us"]["reasons"]
    )


# ------------------------------------------------------------------ own outcomes (rule texts)


def test_1980di_us_band_only_for_advanced_node_fabs() -> None:
    """From 17 Nov 2023 the US reaches the NXT:1980Di (DCO 1.6 nm) only for advanced-node fabs
    (0 % de minimis); Wennink: 'off limits for a handful of fabs'
    (bitschips-2023-10-23-us-rules)."""
    adv = answer("asml-nxt-1980di", "2024-01-15", "advanced-node")
    other = answer("asml-nxt-1980di", "2024-01-15", "other")
    unknown = answer("asml-nxt-1980di", "2024-01-15", None)
    assert adv["us"]["license_required"] is True
    assert other["us"]["license_required"] is False
    assert unknown["us"]["license_required"] is None
    assert any("end use is unknown" in line for line in unknown["us"]["reasons"])
    assert adv["nl"]["license_required"] is False  # Dutch list stopped at 1.5 nm then


def test_1980di_moves_to_dutch_licensing_sep_2024() -> None:
    """7 Sep 2024: NXT:1970i/1980i need a Dutch licence instead of a US one
    (rijksoverheid-2024-09-06-expansion); the US carve-out names the Dutch list."""
    for tool in ("asml-nxt-1980di", "asml-nxt-1980i", "asml-nxt-1970i"):
        a = answer(tool, "2024-10-01", "advanced-node")
        assert a["nl"]["license_required"] is True, tool
        assert a["us"]["license_required"] is False, tool
        assert any("whose own list" in line for line in a["us"]["reasons"]), tool
    # NXT:1950i (DCO 2.5 nm) stays outside every list
    a = answer("asml-nxt-1950i", "2025-06-01", "advanced-node")
    assert {r: a[r]["license_required"] for r in ("us", "nl", "eu")} == {
        "us": False, "nl": False, "eu": False}  # fmt: skip


def test_euv_entry_changes_with_the_corrigendum_but_stays_controlled() -> None:
    """3B501.f.1.a was deleted on 9 Feb 2026; EUV stays controlled under 3B001.f.1.a
    (eu-2026-02-09-corrigendum)."""
    before = answer("asml-nxe-3800e", "2026-01-15")["eu"]
    after = answer("asml-nxe-3800e", "2026-03-01")["eu"]
    assert "3B501.f.1.a" in before["entry"] and "3B501.f.1.a" not in after["entry"]
    assert before["license_required"] is True and after["license_required"] is True


@pytest.mark.parametrize("tool", ["asml-nxt-1470", "asml-xt-1460k", "asml-xt-860n", "asml-xt-400m"])
def test_dry_arf_krf_iline_not_listed_anywhere(tool: str) -> None:
    """Reference A.0: dry ArF (MRF 72.6/51.9 nm), KrF and i-line fall outside every entry."""
    a = answer(tool, "2026-06-01", "advanced-node")
    for regime in ("us", "nl", "eu"):
        assert a[regime]["entry"] == "not listed" and a[regime]["license_required"] is False


def test_eu_destination_is_not_an_export() -> None:
    a = answer("asml-nxt-2100i", "2025-12-01", dest="DE")
    assert a["nl"]["license_required"] is False and a["eu"]["license_required"] is False


# ------------------------------------------------------------------ threshold edges


@pytest.mark.parametrize(
    ("dco", "eu_3b501", "nl_2024"),
    [(1.5, True, True), (1.51, False, True), (2.4, False, True), (2.41, False, False)],
)
def test_overlay_edges(dco: float, eu_3b501: bool, nl_2024: bool) -> None:
    """3B501.f.1.b.3: DCO <= 1.50 nm; Dutch 2024 band: 1.5 < DCO <= 2.4 nm."""
    a = answer(spec(dedicated_chuck_overlay_nm=dco), "2025-12-01")
    assert a["eu"]["license_required"] is eu_3b501
    assert a["nl"]["license_required"] is nl_2024


def test_mrf_edge_k025() -> None:
    """MRF = 193 × 0.25 / NA = 45 nm exactly is caught (<= 45); a hair lower NA is not."""
    na_edge = 193 * 0.25 / 45
    assert answer(spec(numerical_aperture=na_edge), "2025-12-01")["eu"]["entry"] == "3B501.f.1.b"
    assert answer(spec(numerical_aperture=1.0722), "2025-12-01")["eu"]["entry"] == "not listed"


def test_mrf_edge_k035() -> None:
    """3B001.f.1.b: MRF = λ × 0.35 / NA <= 45 nm (λ >= 193 so 3B001.f.1.a does not apply)."""
    na_edge = 193 * 0.35 / 45
    row = answer(spec(numerical_aperture=na_edge, dedicated_chuck_overlay_nm=3.0), "2024-01-01")
    assert row["eu"]["entry"] == "3B001.f.1.b"
    row = answer(spec(numerical_aperture=1.5, dedicated_chuck_overlay_nm=3.0), "2024-01-01")
    assert row["eu"]["entry"] == "not listed"


def test_wavelength_edge_193() -> None:
    """3B001.f.1.a: shorter than 193 nm; 193 nm itself is not caught by it."""
    dry = {"numerical_aperture": 0.9, "dedicated_chuck_overlay_nm": None, "kind": "duv-dry-arf"}
    assert answer(spec(wavelength_nm=192.9, **dry), "2024-01-01")["eu"]["entry"] == "3B001.f.1.a"
    assert answer(spec(wavelength_nm=193.0, **dry), "2024-01-01")["eu"]["entry"] == "not listed"


# ------------------------------------------------------------------ three-valued logic and errors


def test_missing_na_is_undetermined_not_a_guess() -> None:
    a = answer("asml-xt-860m", "2025-12-01")
    assert a["eu"]["license_required"] is None and a["eu"]["entry"] == "undetermined"
    assert any("needs wavelength_nm and numerical_aperture" in line for line in a["eu"]["reasons"])


def test_before_first_version() -> None:
    a = answer("asml-nxt-2100i", "2018-01-01")
    assert a["nl"]["license_required"] is False  # no national list then
    for regime in ("us", "eu", "jp"):
        assert a[regime]["license_required"] is None


def test_bad_input_errors() -> None:
    with pytest.raises(UnknownIdError, match="unknown tool 'asml-nxt-2000'"):
        classify_tools(["asml-nxt-2000"], "CN", "2024-01-01")
    with pytest.raises(InputError, match="end_use"):
        classify_tools(["asml-nxt-2000i"], "CN", "2024-01-01", "leading-edge")
    with pytest.raises(InputError, match="destination"):
        classify_tools(["asml-nxt-2000i"], "ZZ", "2024-01-01")


def test_stale_flag() -> None:
    book = load_tool_rules()
    later = book.rules_reviewed_through + dt.timedelta(days=1)
    assert classify_tools(["asml-nxt-2000i"], "CN", later)["stale"].all()
    assert not classify_tools(["asml-nxt-2000i"], "CN", book.rules_reviewed_through)["stale"].any()


def test_regimes_are_never_merged() -> None:
    """One row per tool × regime, each with its own version, entry and reasons; the OR is a
    separate column. US and Dutch answers differ for the NXT:1980Di in Jan 2024."""
    frame = classify_tools(["asml-nxt-1980di"], "CN", "2024-01-15", "advanced-node")
    assert list(frame["regime"]) == list(REGIMES)
    us, nl = frame.iloc[0], frame.iloc[1]
    assert us["license_required"] is True and nl["license_required"] is False
    assert us["rule_version"].startswith("us-") and nl["rule_version"].startswith("nl-")
    assert all(line.startswith(("nl-", "NL ", "made in")) for line in nl["reasons"])
    assert frame["license_required_any"].tolist() == [True] * 4


def test_timeline_lists_each_regimes_changes() -> None:
    events = timeline("asml-nxt-1980di", "CN", "advanced-node")
    us = [(e["date"], e["status"]) for e in events if e["regime"] == "us"]
    assert (dt.date(2023, 11, 17), "licence required") in us
    assert (dt.date(2024, 9, 7), "no licence required") in us
    nl = [(e["date"], e["status"]) for e in events if e["regime"] == "nl"]
    assert (dt.date(2024, 9, 7), "licence required") in nl


# ------------------------------------------------------------------ reference; property


def _random_tools(seed: int, n: int) -> list[Tool]:
    rng = np.random.default_rng(seed)
    kinds = ["duv-immersion", "duv-dry-arf", "euv", "krf", "etch-anisotropic-pulsed-rf"]
    out = []
    for i in range(n):
        kind = kinds[int(rng.integers(len(kinds)))]
        litho = not kind.startswith("etch")
        out.append(
            spec(
                id=f"t{i}",
                kind=kind,
                category="lithography" if litho else "etch",
                vendor_country=[None, "NL", "US", "JP", "CN"][int(rng.integers(5))],
                wavelength_nm=float(rng.choice([13.5, 193.0, 248.0, 180.0])) if litho else None,
                numerical_aperture=None if rng.random() < 0.1 else float(rng.uniform(0.3, 1.5)),
                dedicated_chuck_overlay_nm=None
                if rng.random() < 0.1
                else float(rng.choice([1.0, 1.5, 1.6, 2.4, 2.5, 3.0])),
            )
        )
    return out


@pytest.mark.parametrize(
    "date", ["2022-12-01", "2023-12-01", "2024-07-01", "2024-10-01", "2025-12-01"]
)
@pytest.mark.parametrize("end_use", ["advanced-node", "other", None])
def test_vectorised_matches_reference(date: str, end_use: str | None) -> None:
    book = load_tool_rules()
    tools = [*_random_tools(1, 60), *load_tools().values()]
    frame = classify_frame(tool_frame(tools), "CN", date, end_use, reasons=False)
    got = frame.set_index(["tool", "regime"])["license_required"]
    for t in tools:
        ref = classify_reference(t, "CN", dt.date.fromisoformat(date), end_use, book)
        for regime in REGIMES:
            assert got[(t.id, regime)] is ref[regime] or got[(t.id, regime)] == ref[regime], (
                t.id, regime)  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(
    wavelength=st.sampled_from([13.5, 193.0, 248.0, 365.0]),
    na=st.floats(0.2, 1.6),
    dco=st.floats(0.5, 4.0),
    origin=st.sampled_from(["NL", "US", "JP", "CN"]),
    end_use=st.sampled_from(["advanced-node", "other"]),
    dest=st.sampled_from(["CN", "MO", "RU", "KR", "US"]),
)
def test_later_version_never_uncontrols(
    wavelength: float, na: float, dco: float, origin: str, end_use: str, dest: str
) -> None:
    """Within a regime, evaluated on the same date (so other regimes' lists are fixed), a later
    rule version requires a licence wherever an earlier one did."""
    book = load_tool_rules()
    tool = spec(wavelength_nm=wavelength, numerical_aperture=na, dedicated_chuck_overlay_nm=dco,
                vendor_country=origin)  # fmt: skip
    frame = tool_frame([tool])
    day = dt.date(2026, 6, 1)
    for regime in REGIMES:
        prev = False
        for v in book.versions[regime]:
            out = classify_frame(frame, dest, day, end_use, reasons=False, book=book,
                                 versions={regime: v})  # fmt: skip
            now = bool(out.loc[out["regime"] == regime, "license_required"].iloc[0])
            assert now or not prev, (regime, v.id)
            prev = now


def test_frame_shape_and_columns() -> None:
    frame = classify_tools(list(load_tools()), "CN", "2025-12-01", "advanced-node")
    assert len(frame) == 4 * len(load_tools())
    assert isinstance(frame, pd.DataFrame) and frame.columns[0] == "tool"


# ------------------------------------------------------------------ Japan 2024 and 2025


def test_japan_2024_sem_is_undetermined_while_sources_disagree_on_the_date() -> None:
    """METI's 2024 package (SEM, GAA, cryo-CMOS, quantum): June/July 2024 in reports of the
    announcement (ECD 2024-04-30), September 2024 per CISTEC. Not listed before, undetermined in
    the window, listed from 1 Oct 2024; to Korea the comprehensive (42-destination) licence."""
    before = answer("cat-sem-ic-imaging", "2024-05-31")["jp"]
    window = answer("cat-sem-ic-imaging", "2024-07-01")["jp"]
    after = answer("cat-sem-ic-imaging", "2024-10-01")["jp"]
    assert before["license_required"] is False and before["entry"] == "not listed"
    assert window["license_required"] is None and window["entry"] == "undetermined"
    assert any("September 2024 per CISTEC" in line for line in window["reasons"])
    assert after["license_required"] is True and after["rule_version"] == "jp-meti-2024-10-01"
    kr = answer("cat-sem-ic-imaging", "2024-10-01", dest="KR")["jp"]
    assert kr["license_required"] is True and kr["license_policy"].startswith("comprehensive")


@pytest.mark.parametrize("tool", ["asml-nxt-1470", "asml-xt-860n", "asml-xt-400m"])
def test_japan_2025_lithography_item_makes_other_scanners_undetermined(tool: str) -> None:
    """Cabinet Order No. 93 of 2025 (promulgated 28 Mar 2025, in force two months later) lists
    lithography equipment with parameters not in the sources: dry ArF/KrF/i-line go from 'not
    listed' (27 May 2025) to undetermined (28 May 2025) under Japan only."""
    day_before = answer(tool, "2025-05-27")
    first_day = answer(tool, "2025-05-28")
    assert day_before["jp"]["license_required"] is False
    assert first_day["jp"]["license_required"] is None
    assert first_day["jp"]["rule_version"] == "jp-meti-2025-05-28"
    for regime in ("us", "nl", "eu"):  # the other regimes are not touched
        assert first_day[regime]["license_required"] is day_before[regime]["license_required"]


@pytest.mark.parametrize("tool", ["asml-nxt-2000i", "asml-nxe-3400c"])
def test_japan_2025_keeps_immersion_and_euv_listed(tool: str) -> None:
    assert answer(tool, "2025-06-01")["jp"]["license_required"] is True


def test_c12_veu_end_is_a_dated_end_user_measure_and_the_tool_needs_a_licence() -> None:
    """Part C 12: a US etch tool (3B001.c class) to SK hynix Wuxi. The tool needs a US licence
    to a Chinese advanced-node fab under the rules; the VEU authorization that covered it ends
    31 Dec 2025 (90 FR 42321), replaced by 2026 annual licences; 2027 is undetermined."""
    from chipwar.controls.measures import measure_status
    from chipwar.controls.rules import load_rules

    etch = spec(id="us-etch", vendor_country="US", category="etch",
                kind="etch-anisotropic-pulsed-rf", wavelength_nm=None, numerical_aperture=None,
                dedicated_chuck_overlay_nm=None)  # fmt: skip
    tool = answer(etch, "2026-02-01", "advanced-node")["us"]
    assert tool["license_required"] is True and "3B001.c" in tool["entry"]
    book = load_rules()
    veu = book.measures["us-bis-2025-veu-samsung-skhynix"]
    reviewed = dt.date(2026, 12, 2)
    assert measure_status(veu, dt.date(2025, 6, 1), reviewed)["status"] == "not-yet-adopted"
    assert measure_status(veu, dt.date(2025, 10, 1), reviewed)["status"] == "not-yet-applicable"
    feb = measure_status(veu, dt.date(2026, 2, 1), reviewed)
    assert feb["status"] == "in-force" and "annual licences" in feb["effect"]
    later = measure_status(veu, dt.date(2027, 2, 1), reviewed)
    assert later["status"] == "undetermined" and later["stale"]
    assert any(r.startswith("undetermined after 2026-12-31") for r in later["reasons"])
