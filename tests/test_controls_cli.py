"""End-to-end tests of ``chipwar classify``, ``chipwar rules`` and ``chipwar content``."""

from __future__ import annotations

from pathlib import Path

from _specs import H20_LIKE
from chipwar.controls.content import content_shares, read_bom

EXAMPLE_BOM = Path(__file__).resolve().parents[1] / "scenarios" / "bom-example.csv"

SPEC = H20_LIKE


def test_classify_json_has_contract_fields(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("classify", "--chip", "nvidia-h20", "--chip", "nvidia-a800", "--date", "2024-06-01",
            "--format", "json")  # fmt: skip
    assert r.code == 0, r.err
    rows = r.json()
    assert [x["chip"] for x in rows] == ["nvidia-h20", "nvidia-a800"]
    for key in ("date", "destination", "rule_version", "eccn", "tpp", "performance_density",
                "license_required", "license_exception", "reasons"):  # fmt: skip
        assert key in rows[0]
    assert rows[0]["license_required"] is False and rows[0]["license_exception"] is None
    assert rows[1]["eccn"] == "3A090.a" and rows[1]["license_required"] is True
    assert (
        isinstance(rows[0]["reasons"], list)
        and "3A090.a.1: TPP 2,368 < 4,800" in rows[0]["reasons"]
    )


def test_classify_spec_file(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    spec = tmp_path / "chip.yaml"
    spec.write_text(SPEC)
    r = cli("classify", "--spec", str(spec), "--date", "2025-05-01", "--format", "json")
    assert r.code == 0, r.err
    row = r.json()[0]
    assert row["chip"] == "my-h20-like" and row["license_required"] is True
    assert row["rule_version"] == "us-bis-2025-04-h20-is-informed"


def test_classify_all_and_table(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("classify", "--all", "--date", "2024-06-01", "--destination", "CN")
    assert r.code == 0, r.err
    assert "nvidia-h100-sxm" in r.out and "3A090.a" in r.out


def test_timeline_json(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("classify", "--chip", "nvidia-h800", "--timeline", "--format", "json")
    assert r.code == 0, r.err
    events = r.json()
    assert events[0]["date"] == "2022-10-07" and events[0]["status"] == "no licence required"
    assert events[1]["date"] == "2023-10-23" and events[1]["license_required"] is True
    assert events[2]["date"] == "2023-11-17" and events[2]["eccn"] == "3A090.a"


def test_rules_list_and_show(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("rules", "list", "--format", "json")
    assert r.code == 0
    ids = [x["id"] for x in r.json()]
    assert "us-bis-2023-10-17" in ids and "us-de-minimis" in ids
    s = cli("rules", "show", "us-bis-2023-10-17", "--format", "json")
    assert s.code == 0
    data = s.json()
    assert data["effective"] == "2023-11-17" and data["published"] == "2023-10-25"
    assert [p["id"] for p in data["paragraphs"]][:2] == ["3A090.a.1", "3A090.a.2"]
    assert cli("rules", "show", "us-bis-2023-10-17").code == 0


def test_content_example_bom(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("content", "--bom", str(EXAMPLE_BOM), "--date", "2025-12-15", "--format", "json")
    assert r.code == 0, r.err
    rows = {x["regime"]: x for x in r.json()}
    dm = rows["us-de-minimis"]
    assert dm["share"] == 1800 / 2802 and dm["threshold"] == 0.25 and dm["applies"] is True
    re = rows["cn-mofcom-2025-61-rare-earth"]
    assert re["status"] == "suspended" and re["applies"] is False


# --- Bad input: exit 2, one clear line, no traceback --------------------------------------------


def _bad(r) -> None:  # type: ignore[no-untyped-def]
    assert r.code == 2
    assert "Traceback" not in r.err and "error:" in r.err


def test_unknown_destination_exit_2(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("classify", "--chip", "nvidia-h20", "--destination", "ZZ")
    _bad(r)
    assert "destination" in r.err and "CN" in r.err and "MO" in r.err


def test_date_before_first_rule_exit_2(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("classify", "--chip", "nvidia-h20", "--date", "2020-01-01")
    _bad(r)
    assert "2022-10-07" in r.err


def test_bad_date_and_unknown_chip_exit_2(cli) -> None:  # type: ignore[no-untyped-def]
    _bad(cli("classify", "--chip", "nvidia-h20", "--date", "yesterday"))
    r = cli("classify", "--chip", "nvidia-h2O")
    _bad(r)
    assert "nvidia-h20" in r.err


def test_spec_missing_field_the_rule_needs(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    spec = tmp_path / "chip.yaml"
    spec.write_text(SPEC.replace("  die_area_mm2: 814\n", ""))
    r = cli("classify", "--spec", str(spec), "--date", "2024-06-01")
    _bad(r)
    assert "die_area_mm2" in r.err and "my-h20-like" in r.err
    # The 2022 rule needs the interconnect for a TPP >= 4800 part.
    big = SPEC.replace("fp8: 296", "fp8: 900").replace("  interconnect_gbps: 900\n", "")
    spec.write_text(big)
    r = cli("classify", "--spec", str(spec), "--date", "2023-01-01")
    _bad(r)
    assert "interconnect_gbps" in r.err


def test_timeline_needs_one_chip_and_no_chip_is_an_error(cli) -> None:  # type: ignore[no-untyped-def]
    _bad(cli("classify", "--chip", "nvidia-h20", "--chip", "nvidia-a800", "--timeline"))
    _bad(cli("classify"))
    _bad(cli("rules", "show", "us-bis-1999"))


def test_bad_bom_names_field(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bom = tmp_path / "bom.csv"
    bom.write_text("part,origin,value_usd\nGPU,USA,100\n")
    r = cli("content", "--bom", str(bom))
    _bad(r)
    assert "origin" in r.err and "GPU" in r.err
    bom.write_text("part,origin\nGPU,US\n")
    r = cli("content", "--bom", str(bom))
    _bad(r)
    assert "value_usd" in r.err
    _bad(cli("content", "--bom", str(tmp_path / "missing.csv")))


def test_read_bom_yaml_with_product_value(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bom = tmp_path / "bom.yaml"
    bom.write_text(
        "product_value_usd: 1000\nparts:\n"
        "  - {part: chip, origin: US, value_usd: 200, classification: 3A090.a}\n"
    )
    parts, value = read_bom(bom)
    assert value == 1000
    row = content_shares(parts, "CN", "2025-01-01", product_value_usd=value)
    dm = row.set_index("regime").loc["us-de-minimis"]
    assert dm["share"] == 0.2 and not dm["applies"]
