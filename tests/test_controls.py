"""Chip classification under the dated export-control rule versions (chipwar.controls)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipwar.catalog import load_accelerators
from chipwar.controls.classify import (
    classify,
    classify_frame,
    classify_reference,
    spec_frame,
    timeline,
)
from chipwar.controls.rules import load_rules
from chipwar.errors import InputError

BOOK = load_rules()


def one(chip: str, dest: str, date: str) -> pd.Series:
    return classify([chip], dest, date).iloc[0]


def synth(version: str, dest: str = "CN", date: str = "2025-06-01", **cols: object) -> pd.Series:
    """Classify one synthetic spec under a forced rule version."""
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


# --- Known real outcomes -------------------------------------------------------------------------


@pytest.mark.parametrize("chip", ["nvidia-a800", "nvidia-h800"])
def test_a800_h800_shippable_under_2022_rule_not_under_2023_rule(chip: str) -> None:
    # 2022: NVLink cut to 400 GB/s < 600 GB/s escapes 3A090 (bis-2022-10-07-ifr, swkelly-chipdata).
    before = one(chip, "CN", "2023-06-01")
    assert before["rule_version"] == "us-bis-2023-01-17-macau"
    assert before["eccn"] == "not 3A090" and before["license_required"] is False
    assert any("I/O bandwidth [GB/s] 400 < 600" in r for r in before["reasons"])
    # 2023: the I/O parameter is gone; TPP >= 4800 -> 3A090.a; NVIDIA's 8-K of 17 Oct 2023 named
    # A800 and H800 (nvidia-2023-10-17-8k).
    after = one(chip, "CN", "2024-01-01")
    assert after["rule_version"] == "us-bis-2023-10-17"
    assert after["eccn"] == "3A090.a" and after["license_required"] is True
    assert after["license_exception"] is None


@pytest.mark.parametrize("chip", ["nvidia-a800", "nvidia-h800", "nvidia-a100-sxm"])
def test_datacenter_parts_under_licence_from_23_oct_2023_notice(chip: str) -> None:
    # NVIDIA 8-K of 24 Oct 2023 (nvidia-2023-10-24-8k): the IFR's requirements for TPP >= 4800
    # data-center products applied immediately from 23 Oct, before the 17 Nov effective date.
    day_before = one(chip, "CN", "2023-10-22")
    assert day_before["rule_version"] == "us-bis-2023-01-17-macau"
    row = one(chip, "CN", "2023-10-23")
    assert row["rule_version"] == "us-bis-2023-10-23-datacenter-immediate"
    assert row["license_required"] is True
    assert any(r.startswith("dc-tpp4800-immediate: TPP") for r in row["reasons"])
    assert one(chip, "SA", "2023-10-30")["license_required"] is True  # D:1/D:4 too


def test_rtx_4090_not_caught_by_the_23_oct_2023_notice() -> None:
    # The notice covered data-center products only; the 4090 waits for 17 Nov 2023.
    row = one("nvidia-rtx-4090", "CN", "2023-10-30")
    assert row["license_required"] is False
    assert (
        "dc-tpp4800-immediate: applies only to ICs designed or marketed for data centers"
        in (row["reasons"])
    )
    assert one("nvidia-rtx-4090", "CN", "2023-11-17")["license_required"] is True


def test_h20_below_2023_thresholds_then_under_licence_from_april_2025() -> None:
    # H20: TPP 2,368, PD 2.91 (tomshw-2023-h20-l20-l2, swkelly-chipdata) sits under 3A090.b.
    row = one("nvidia-h20", "CN", "2024-06-01")
    assert row["eccn"] == "not 3A090" and row["license_required"] is False
    assert row["tpp"] == pytest.approx(2368)
    assert "3A090.a.1: TPP 2,368 < 4,800" in row["reasons"]
    assert "3A090.b.1: TPP 2,368 < 2,400" in row["reasons"]
    assert "3A090.b.2: performance density 2.91 < 3.2" in row["reasons"]
    # 9 Apr 2025 letter: licence for the indefinite future (nvidia-2025-04-15-8k).
    assert one("nvidia-h20", "CN", "2025-04-08")["license_required"] is False
    letter = one("nvidia-h20", "CN", "2025-04-10")
    assert letter["eccn"] == "not 3A090" and letter["license_required"] is True
    assert letter["rule_version"] == "us-bis-2025-04-h20-is-informed"
    assert any("memory bandwidth [GB/s] 4,000 ≥ 1,400" in r for r in letter["reasons"])


def test_rtx_4090_controlled_from_2023_rule_while_4090d_is_designed_under_it() -> None:
    # 2022: PCIe I/O 64 GB/s < 600 -> not 3A090.
    assert one("nvidia-rtx-4090", "CN", "2023-06-01")["license_required"] is False
    # 2023: TPP 5,285 >= 4800 -> 3A090.a; non-datacenter, so NAC is named (nvidia-2023-10-17-8k
    # lists the RTX 4090; hardwaresfera-2023-4090-tpp gives TPP 5,286).
    r4090 = one("nvidia-rtx-4090", "CN", "2024-01-01")
    assert r4090["eccn"] == "3A090.a" and r4090["license_required"] is True
    assert r4090["license_exception"] == "NAC"
    # 4090D: TPP 4,707 < 4,800; PD tests skip non-datacenter ICs (tomshw-it-2023-4090d-tpp).
    d = one("nvidia-rtx-4090d", "CN", "2024-01-01")
    assert d["eccn"] == "not 3A090" and d["license_required"] is False
    assert "3A090.a.1: TPP 4,707 < 4,800" in d["reasons"]
    assert any(
        "applies only to ICs designed or marketed for data centers" in r for r in d["reasons"]
    )
    # and it is below the April 2025 bandwidth letters (1,008 GB/s < 1,400).
    assert one("nvidia-rtx-4090d", "CN", "2025-06-01")["license_required"] is False


def test_l20_and_l2_outside_3a090() -> None:
    # L20: TPP ~1,912 < 2,400 and PD 3.14 < 3.2; L2: TPP 1,544 < 1,600 (tomshw-2023-h20-l20-l2).
    frame = classify(["nvidia-l20", "nvidia-l2"], "CN", "2024-06-01")
    assert list(frame["eccn"]) == ["not 3A090", "not 3A090"]
    assert not frame["license_required"].any()


def test_destinations_under_2023_rule() -> None:
    # Licence to D:1/D:4 (Saudi Arabia, UAE, Vietnam) but not Israel (nvidia-2023-10-17-8k).
    sa = one("nvidia-h100-sxm", "SA", "2024-06-01")
    assert sa["license_required"] is True and sa["license_policy"] == "presumption of approval"
    assert one("nvidia-h100-sxm", "IL", "2024-06-01")["license_required"] is False
    assert one("nvidia-h100-sxm", "US", "2024-06-01")["license_required"] is False
    # Hong Kong is treated as China.
    assert one("nvidia-h100-sxm", "HK", "2024-06-01")["destination"] == "CN"
    # .b ICs and non-datacenter .a ICs: ACA (no notification) to D:1/D:4 from 4 Apr 2024.
    assert one("nvidia-rtx-4090", "VN", "2024-06-01")["license_exception"] == "ACA"
    assert one("nvidia-rtx-4090", "VN", "2024-01-01")["license_exception"] == "NAC"


def test_macau_added_january_2023() -> None:
    # 88 FR 2821, effective 17 Jan 2023 (bis-2023-01-17-macau-ifr).
    assert one("nvidia-a100-sxm", "MO", "2022-12-01")["license_required"] is False
    assert one("nvidia-a100-sxm", "MO", "2023-02-01")["license_required"] is True
    assert one("nvidia-a100-sxm", "CN", "2022-12-01")["license_required"] is True


def test_ai_diffusion_tiers_never_took_effect() -> None:
    # Compliance date 15 May 2025; rescinded 13 May 2025 (alstontrade-2025-05-13-rescission).
    il = one("nvidia-h100-sxm", "IL", "2025-05-20")
    assert il["license_required"] is False
    assert il["rule_version"] == "us-bis-2025-05-13-ai-diffusion-rescission"
    # Had it applied: Israel (Tier 2) licence with LPP; Japan (Tier 1) licence exception AIA.
    forced = classify(
        ["nvidia-h100-sxm"], "IL", "2025-05-20", version="us-bis-2025-01-15-ai-diffusion"
    ).iloc[0]
    assert forced["license_required"] is True and forced["license_exception"] == "LPP"
    jp = classify(
        ["nvidia-h100-sxm"], "JP", "2025-05-20", version="us-bis-2025-01-15-ai-diffusion"
    ).iloc[0]
    assert jp["license_exception"] == "AIA"
    early = classify(
        ["nvidia-h100-sxm"], "IL", "2025-03-01", version="us-bis-2025-01-15-ai-diffusion"
    ).iloc[0]
    assert early["license_required"] is False


def test_timeline_of_a800_and_h20() -> None:
    a800 = timeline("nvidia-a800", "CN")
    # 23 Oct 2023: licence by notice (still "not 3A090" under the 2022 text); 17 Nov: 3A090.a.
    # Later letters add requirements but do not change its status.
    assert [(e["date"], e["license_required"], e["eccn"]) for e in a800] == [
        (dt.date(2022, 10, 7), False, "not 3A090"),
        (dt.date(2023, 10, 23), True, "not 3A090"),
        (dt.date(2023, 11, 17), True, "3A090.a"),
        # 91 FR 1684: "less advanced" than the H200 -> case-by-case for exports from the US.
        (dt.date(2026, 1, 15), True, "3A090.a"),
    ]
    assert "case-by-case" in str(a800[-1]["license_policy"])
    h20 = timeline("nvidia-h20", "CN")
    assert [e["date"] for e in h20] == [
        dt.date(2022, 10, 7),
        dt.date(2025, 4, 9),
        dt.date(2025, 8, 11),
        dt.date(2026, 1, 15),
    ]
    assert h20[1]["status"] == "licence required"
    assert "15 %" in str(h20[2]["license_policy"])


def test_whole_catalog_in_one_call() -> None:
    frame = classify_frame(
        spec_frame(list(load_accelerators().values())),
        "CN",
        "2025-06-01",
        missing="flag",
    )
    assert len(frame) >= 5 and set(frame.columns) >= {"chip", "eccn", "license_required"}


# --- Boundaries: exactly at each threshold ------------------------------------------------------

V22, V23, LETTER = "us-bis-2022-10-07", "us-bis-2023-10-17", "us-bis-2025-04-h20-is-informed"


@pytest.mark.parametrize(
    ("cols", "eccn"),
    [
        ({"tpp": 4800, "interconnect_gbps": 600}, "3A090"),
        ({"tpp": 4799.99, "interconnect_gbps": 600}, "not 3A090"),
        ({"tpp": 4800, "interconnect_gbps": 599.99}, "not 3A090"),
    ],
)
def test_2022_boundaries(cols: dict[str, float], eccn: str) -> None:
    assert synth(V22, date="2022-11-01", **cols)["eccn"] == eccn


@pytest.mark.parametrize(
    ("tpp", "density", "dc", "eccn"),
    [
        (4800, 0.1, True, "3A090.a"),
        (4799.99, 0.1, True, "not 3A090"),
        (1600, 5.92, True, "3A090.a"),
        (1599.99, 5.92, True, "not 3A090"),
        (1600, 5.9199, True, "3A090.b"),
        (2400, 1.6, True, "3A090.b"),
        (2399.99, 1.6, True, "not 3A090"),
        (2400, 1.5999, True, "not 3A090"),
        (1600, 3.2, True, "3A090.b"),
        (1600, 3.1999, True, "not 3A090"),
        (4800, 0.0, False, "3A090.a"),
        (4799.99, 50.0, False, "not 3A090"),
    ],
)
def test_2023_threshold_boundaries(tpp: float, density: float, dc: bool, eccn: str) -> None:
    row = synth(V23, date="2024-01-01", tpp=tpp, performance_density=density, datacenter=dc)
    assert row["eccn"] == eccn
    assert row["license_required"] is (eccn != "not 3A090")


@pytest.mark.parametrize(
    ("mem", "io", "required"),
    [
        (1400, 0, True),
        (1399.99, 0, False),
        (0, 1100, True),
        (0, 1099.99, False),
        (1000, 700, True),  # DRAM + I/O = 1,700
        (999.99, 700, False),
    ],
)
def test_april_2025_letter_boundaries(mem: float, io: float, required: bool) -> None:
    row = synth(LETTER, tpp=100, memory_bandwidth_gbps=mem, interconnect_gbps=io)
    assert row["license_required"] is required
    assert synth(LETTER, "US", tpp=100, memory_bandwidth_gbps=mem)["license_required"] is False


# --- Properties ---------------------------------------------------------------------------------

VERSION_IDS = [v.id for v in BOOK.versions]
finite = st.floats(min_value=0, max_value=1e5, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(
    version=st.sampled_from(VERSION_IDS),
    dest=st.sampled_from(["CN", "MO", "SA", "IL", "JP", "RU"]),
    base=st.tuples(finite, st.floats(0, 50), finite, finite),
    bump=st.tuples(finite, st.floats(0, 50), finite, finite),
    dc=st.booleans(),
)
def test_stricter_parameters_never_remove_a_licence_requirement(
    version: str,
    dest: str,
    base: tuple[float, float, float, float],
    bump: tuple[float, float, float, float],
    dc: bool,
) -> None:
    names = ["tpp", "performance_density", "interconnect_gbps", "memory_bandwidth_gbps"]
    low = dict(zip(names, base, strict=True))
    high = {k: low[k] + b for k, b in zip(names, bump, strict=True)}
    frame = pd.DataFrame([{**low, "datacenter": dc}, {**high, "datacenter": dc}])
    out = classify_frame(frame, dest, "2025-06-01", version=version, reasons=False)
    assert not (out["license_required"].iloc[0] and not out["license_required"].iloc[1])


def test_vectorised_agrees_with_per_row_reference() -> None:
    rng = np.random.default_rng(7)
    n = 2000
    frame = pd.DataFrame(
        {
            "tpp": rng.uniform(0, 8000, n),
            "performance_density": rng.uniform(0, 10, n),
            "interconnect_gbps": rng.uniform(0, 1500, n),
            "memory_bandwidth_gbps": rng.uniform(0, 2500, n),
            "datacenter": rng.random(n) < 0.7,
        }
    )
    day = dt.date(2025, 6, 1)
    for v in BOOK.versions:
        for dest in ("CN", "SA", "IL"):
            out = classify_frame(frame, dest, day, version=v.id, reasons=False)
            ref = [
                classify_reference(r, dest, day, v, BOOK) for r in frame.to_dict(orient="records")
            ]
            assert list(out["eccn"]) == [e for e, _ in ref]
            assert list(out["license_required"]) == [x for _, x in ref]


# --- Bad input ----------------------------------------------------------------------------------


def test_unknown_destination_lists_allowed() -> None:
    with pytest.raises(InputError) as err:
        classify(["nvidia-h20"], "XX", "2024-01-01")
    assert "destination" in str(err.value) and "CN" in str(err.value) and "MO" in str(err.value)


def test_date_before_first_rule() -> None:
    with pytest.raises(InputError) as err:
        classify(["nvidia-h20"], "CN", "2021-05-01")
    assert "2022-10-07" in str(err.value)


def test_missing_field_is_named_only_when_it_decides() -> None:
    # TPP 2,000 datacenter chip: the density tests decide, so die_area_mm2 is needed.
    spec = pd.DataFrame([{"chip": "x", "tpp": 2000.0, "datacenter": True}])
    with pytest.raises(InputError) as err:
        classify_frame(spec, "CN", "2024-01-01")
    assert "x.die_area_mm2" in str(err.value) and "3A090.a.2" in str(err.value)
    # TPP 6,000 is 3A090.a whatever the density: no error.
    big = pd.DataFrame([{"chip": "y", "tpp": 6000.0, "datacenter": True}])
    assert classify_frame(big, "CN", "2024-01-01").iloc[0]["eccn"] == "3A090.a"
    flagged = classify_frame(spec, "CN", "2024-01-01", missing="flag").iloc[0]
    assert flagged["eccn"] == "undetermined" and flagged["license_required"] is None
