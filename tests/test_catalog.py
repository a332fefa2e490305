"""The reference tables load, validate and cite sources that resolve."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from chipwar.catalog import load_accelerators, load_sites, load_sources
from chipwar.catalog.accelerators import Accelerator, read_accelerators
from chipwar.catalog.fx import load_fx, usd_per_unit
from chipwar.data_checks import validate_all
from chipwar.errors import DataError, InputError


def test_every_table_validates_and_every_source_resolves() -> None:
    problems = {table: p for table, p in validate_all().items() if p}
    assert problems == {}


def test_tpp_is_max_of_dense_tops_times_bits() -> None:
    h100 = load_accelerators()["nvidia-h100-sxm"]
    # FP8 1,979 dense TFLOPS (datasheet 3,958 with sparsity, halved) x 8 bits.
    assert h100.tpp == pytest.approx(1979 * 8)
    assert h100.performance_density == pytest.approx(h100.tpp / 814)


# Published BIS-method TPP figures, each with where it was printed.
PUBLISHED_TPP = {
    # s-w-kelly/chip-export-controls chipData.js (swkelly-chipdata)
    "nvidia-a100-sxm": 4992,
    "nvidia-a800": 4992,
    "nvidia-h100-sxm": 15832,
    "nvidia-h800": 15832,
    "nvidia-h200": 15832,
    "nvidia-h100-pcie": 12104,  # tracker's H800 PCIe row, identical compute
    "nvidia-h20": 2368,  # also SemiAnalysis via whatpsu.com (whatpsu-semianalysis-tpp)
    "amd-mi300x": 20919,
    "amd-mi250x": 6128,
    "nvidia-b200": 36000,
    # hardwaresfera.com / meterpreter.org (hardwaresfera-2023-4090-tpp)
    "nvidia-rtx-4090": 5286,
    # tomshw.it (tomshw-it-2023-4090d-tpp)
    "nvidia-rtx-4090d": 4707,
    # Tom's Hardware H20/L20/L2 table, as used in shared/reference/chips_rules.md
    # (tomshw-2023-h20-l20-l2): L20 1,912
    "nvidia-l20": 1912,
}


@pytest.mark.parametrize(("chip", "published"), sorted(PUBLISHED_TPP.items()))
def test_tpp_reproduces_published_figure(chip: str, published: float) -> None:
    assert load_accelerators()[chip].tpp == pytest.approx(published, rel=1e-3)


def test_sources_have_titles() -> None:
    for sid, src in load_sources().items():
        assert src.title and src.publisher, sid


def test_bad_accelerator_file_names_row_and_field(tmp_path) -> None:  # type: ignore[no-untyped-def]
    spec = tmp_path / "chip.yaml"
    spec.write_text(
        "- id: my-chip\n  name: X\n  vendor: Y\n  designer_country: China\n"
        "  dense_tflops: {bf16: -5}\n  datacenter: true\n  source: [x]\n"
    )
    with pytest.raises(DataError) as err:
        read_accelerators(spec)
    text = str(err.value)
    assert "my-chip" in text and "designer_country" in text and "dense_tflops" in text


def test_cli_data_list_json(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("data", "list", "accelerators", "--format", "json")
    assert res.code == 0
    rows = res.json()
    required = {
        "id", "name", "vendor", "designer_country", "foundry", "process_nm", "release_date",
        "dense_tflops", "memory_gb", "memory_bandwidth_tbps", "interconnect_gbps", "tdp_w",
        "die_area_mm2", "datacenter", "price_usd", "source", "tpp", "performance_density",
    }  # fmt: skip
    assert rows and all(required <= set(r) for r in rows)


def test_cli_unknown_id_is_a_clear_error(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("data", "show", "no-such-chip")
    assert res.code == 2
    assert "unknown id 'no-such-chip'" in res.err
    assert "Traceback" not in res.err


# --- sites and FX ---------------------------------------------------------------------------

REQUIRED_SITES = {
    "cn-guizhou", "cn-inner-mongolia", "cn-ningxia", "cn-gansu", "cn-beijing", "cn-shanghai",
    "cn-guangdong", "us-virginia", "us-texas", "us-oregon",
}  # fmt: skip


def test_required_sites_and_two_outside_china_and_us() -> None:
    sites = load_sites()
    assert set(sites) >= REQUIRED_SITES
    assert len({s.id for s in sites.values() if s.country not in {"CN", "US"}}) >= 2


def test_chinese_prices_are_in_cny_and_convert_with_the_dated_fx() -> None:
    s = load_sites()["cn-inner-mongolia"]
    assert s.electricity.currency == "CNY"
    # 0.38 CNY (Hohhot data-centre charge) at the 2024 Fed average of 7.1957 CNY per USD.
    assert s.electricity.price_usd_per_kwh.base == pytest.approx(0.38 / 7.1957, rel=1e-5)


def test_ft_subsidy_covers_only_domestic_chips_in_the_three_named_provinces() -> None:
    # FT, 3-4 Nov 2025 (ft-2025-11-04-subsidies): Gansu, Guizhou, Inner Mongolia, up to 50 %.
    sites = load_sites()
    named = {"cn-gansu", "cn-guizhou", "cn-inner-mongolia"}
    for sid, site in sites.items():
        subs = [x for x in site.subsidies if x.id == "ft-2025-domestic-chip-power-discount"]
        assert bool(subs) == (sid in named), sid
        for sub in subs:
            assert sub.power_discount_fraction.high == 0.5
            assert sub.eligible("CN") and not sub.eligible("US")
            assert sub.active_on(dt.date(2026, 1, 1)) and not sub.active_on(dt.date(2025, 1, 1))
    assert sites["cn-ningxia"].subsidies == []


def test_fx_covers_every_site_currency_for_2020_to_2025() -> None:
    have = {(r.currency, r.year) for r in load_fx()}
    for site in load_sites().values():
        cur = site.electricity.currency
        if cur != "USD":
            assert all((cur, y) in have for y in range(2020, 2026)), cur
    # Fed G.5A (fed-g5a-2024): 2023 average 7.0809 CNY per USD, 1.0817 USD per EUR.
    assert usd_per_unit("CNY", 2023) == pytest.approx(1 / 7.0809, rel=1e-5)
    assert usd_per_unit("EUR", 2023) == pytest.approx(1.0817)


def test_unknown_currency_names_the_field() -> None:
    with pytest.raises(InputError) as err:
        usd_per_unit("XYZ", 2024)
    assert "currency" in str(err.value) and "XYZ" in str(err.value)


def test_site_with_a_currency_missing_from_fx_is_refused_when_read(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from chipwar.catalog.sites import read_sites
    from chipwar.errors import DataError

    row = load_sites()["cn-guizhou"].model_dump(mode="json")
    row["id"], row["electricity"]["currency"] = "xx-site", "GBP"
    path = tmp_path / "site.yaml"
    path.write_text(yaml.safe_dump([row]))
    with pytest.raises(DataError, match=r"xx-site.*electricity.*'GBP'.*CNY"):
        read_sites(path)


def test_western_hub_tariffs_are_the_reported_data_centre_prices() -> None:
    """Base = the price reported for each hub (sources in sites.yaml); Inner Mongolia's low is
    Ulanqab's 0.26 CNY preferential tariff (pandaily-2018-09-ulanqab-power)."""
    sites = load_sites()
    reported = {"cn-guizhou": 0.35, "cn-inner-mongolia": 0.38, "cn-ningxia": 0.36,
                "cn-gansu": 0.39}  # fmt: skip
    for sid, cny in reported.items():
        price = sites[sid].electricity.price_per_kwh
        assert price.base == cny and price.low < cny < price.high, sid
    im = sites["cn-inner-mongolia"].electricity.price_per_kwh
    assert im.low == 0.26 and "pandaily-2018-09-ulanqab-power" in im.source


def test_no_placeholder_sources_remain() -> None:
    assert not [sid for sid in load_sources() if "placeholder" in sid]


def test_unverified_lists_name_real_fields() -> None:
    fields = set(Accelerator.model_fields)
    for chip in load_accelerators().values():
        for entry in chip.unverified:
            field, _, precision = entry.partition(".")
            assert field in fields, (chip.id, entry)
            if precision:
                assert field == "dense_tflops" and precision in chip.dense_tflops, (chip.id, entry)


def test_catalog_rules_from_the_issue() -> None:
    chips = load_accelerators()
    # No native FP8 on Ampere, CDNA2 or Ascend 910B/910C: no fp8 key (and so no FP8 TPP).
    for cid in ("nvidia-a100-sxm", "nvidia-a800", "amd-mi250x", "huawei-ascend-910b",
                "huawei-ascend-910c"):  # fmt: skip
        assert "fp8" not in chips[cid].dense_tflops, cid
    assert not chips["nvidia-rtx-4090"].datacenter and not chips["nvidia-rtx-4090d"].datacenter
    # NVLink cut to 400 GB/s is what made A800/H800 legal under the Oct-2022 rule.
    assert chips["nvidia-a800"].interconnect_gbps == chips["nvidia-h800"].interconnect_gbps == 400
    assert chips["nvidia-a100-sxm"].interconnect_gbps == 600
    assert chips["nvidia-h100-sxm"].interconnect_gbps == 900
    # CloudMatrix 384: 559 kW all-in / 384 chips (semianalysis-2025-cm384).
    cm = chips["huawei-ascend-910c"]
    assert cm.system_power_w is not None and cm.system_power_w.base == pytest.approx(
        559e3 / 384, abs=1
    )
    assert cm.system_capex_usd is not None and cm.system_capex_usd.base == pytest.approx(
        8.2e6 / 384, abs=1
    )
    assert {
        c.designer_country for c in chips.values() if c.vendor.startswith(("Huawei", "Cambricon"))
    } == {"CN"}


def test_chinese_grid_carbon_is_the_mee_2022_provincial_factor() -> None:
    # MEE/NBS 2022 provincial factors, kgCO2/kWh (mee-2024-12-grid-factors-2022).
    mee_2022 = {
        "cn-inner-mongolia": 0.6849, "cn-ningxia": 0.6423, "cn-shanghai": 0.5849,
        "cn-beijing": 0.5580, "cn-guizhou": 0.4989, "cn-gansu": 0.4772, "cn-guangdong": 0.4403,
    }  # fmt: skip
    sites = load_sites()
    for sid, kg in mee_2022.items():
        assert sites[sid].carbon.gco2_per_kwh.base == pytest.approx(kg * 1000), sid
        assert sites[sid].carbon.year == 2022


def test_every_engine_checker_is_registered_as_a_function() -> None:
    """Each ``check_data`` defined in the package is in ``data_checks.CHECKERS`` (by function,
    no import strings), so ``chipwar data validate`` cannot silently skip a table."""
    import ast
    from pathlib import Path

    from chipwar.data_checks import CHECKERS

    root = Path(__file__).parent.parent / "src" / "chipwar"
    defined = {
        ".".join(path.relative_to(root.parent).with_suffix("").parts)
        for path in root.rglob("*.py")
        if any(
            isinstance(node, ast.FunctionDef) and node.name == "check_data"
            for node in ast.parse(path.read_text(encoding="utf-8")).body
        )
    }
    registered = {f.__module__ for f in CHECKERS.values() if f.__name__ == "check_data"}
    assert defined and defined == registered
    assert all(callable(f) for f in CHECKERS.values())
