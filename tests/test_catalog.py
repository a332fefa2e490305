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
