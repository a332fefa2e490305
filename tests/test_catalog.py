"""The reference tables load, validate and cite sources that resolve."""

from __future__ import annotations

import pytest

from chipwar.catalog import load_accelerators, load_sources
from chipwar.catalog.accelerators import read_accelerators
from chipwar.catalog.validate import validate_all
from chipwar.errors import DataError


def test_every_table_validates_and_every_source_resolves() -> None:
    problems = {table: p for table, p in validate_all().items() if p}
    assert problems == {}


def test_tpp_is_max_of_dense_tops_times_bits() -> None:
    h100 = load_accelerators()["nvidia-h100-sxm"]
    # FP8 1978.9 dense TFLOPS x 8 bits; BIS publishes 15,832 for H100 (swkelly-chipdata).
    assert h100.tpp == pytest.approx(1978.9 * 8)
    assert h100.tpp == pytest.approx(15832, rel=1e-3)
    assert h100.performance_density == pytest.approx(h100.tpp / 814)


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
