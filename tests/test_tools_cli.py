"""End-to-end tests of ``chipwar tools list`` and ``chipwar tools classify``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from chipwar.controls.tools import COLUMNS

SPEC = """\
- id: my-scanner
  name: A DUV immersion scanner not in the catalog
  vendor: Test
  vendor_country: NL
  category: lithography
  kind: duv-immersion
  wavelength_nm: 193
  numerical_aperture: 1.35
  dedicated_chuck_overlay_nm: 1.5
  source: [highuvlith-litho-math]
"""


def test_list_json_has_catalog_fields_and_both_mrfs(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("tools", "list", "--format", "json")
    assert r.code == 0, r.err
    rows = {x["tool"]: x for x in r.json()}
    wanted = [
        "asml-nxt-2000i", "asml-nxt-1980di", "asml-nxt-1980i", "asml-nxt-1970i", "asml-nxt-1470",
        "asml-nxe-3400c", "asml-nxt-2100i", "asml-nxt-2050i", "asml-xt-1460k", "asml-xt-860m",
        "asml-exe-5000", "miit-2024-domestic-arf",
    ]  # fmt: skip
    assert set(wanted) <= set(rows)
    nxt = rows["asml-nxt-2000i"]
    assert nxt["mrf_k035_nm"] == 50.037037 and nxt["mrf_k025_nm"] == 35.740741
    assert rows["asml-xt-860m"]["numerical_aperture"] is None  # unknown stays empty


def test_classify_json_contract(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("tools", "classify", "-t", "asml-nxt-1980di,asml-nxe-3400c", "--date", "2024-01-15",
            "--destination", "CN", "--end-use", "advanced-node", "--format", "json")  # fmt: skip
    assert r.code == 0, r.err
    rows = r.json()
    assert len(rows) == 8 and set(rows[0]) == set(COLUMNS)
    assert [x["regime"] for x in rows[:4]] == ["us", "nl", "eu", "jp"]
    us = rows[0]
    assert us["license_required"] is True and us["entry"] == "3B001.f.1.b.2.b"
    assert us["rules_reviewed_through"] == "2026-12-02" and us["stale"] is False
    assert all(isinstance(x["reasons"], list) for x in rows)


def test_classify_csv_and_table(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("tools", "classify", "-t", "asml-nxt-2100i", "--date", "2025-12-01", "-f", "csv")
    assert r.code == 0, r.err
    rows = list(csv.DictReader(io.StringIO(r.out)))
    assert list(rows[0]) == COLUMNS and len(rows) == 4
    r = cli("tools", "classify", "-t", "asml-nxt-2100i", "--date", "2025-12-01")
    assert r.code == 0 and "asml-nxt-2100i · eu" in r.out and "3B501.f.1.b" in r.out


def test_spec_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "tool.yaml"
    path.write_text(SPEC)
    r = cli("tools", "classify", "--spec", str(path), "--date", "2025-12-01", "-f", "json")
    assert r.code == 0, r.err
    eu = next(x for x in r.json() if x["regime"] == "eu")
    assert eu["tool"] == "my-scanner" and eu["entry"] == "3B501.f.1.b"


def test_timeline(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("tools", "classify", "-t", "asml-nxt-2000i", "--timeline", "-f", "json")
    assert r.code == 0, r.err
    nl = [(e["date"], e["status"]) for e in r.json() if e["regime"] == "nl"]
    assert ("2023-09-01", "licence required") in nl


def test_stale_warning_once_on_stderr(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("tools", "classify", "-t", "asml-nxt-2000i,asml-nxt-2100i", "--date", "2030-01-01",
            "-f", "json")  # fmt: skip
    assert r.code == 0
    assert r.err.count("warning: equipment rules reviewed through 2026-12-02") == 1
    assert all(x["stale"] is True for x in r.json())


def test_bad_input_exits_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cases = [
        (("-t", "asml-nxt-2000"), "did you mean asml-nxt-2000i"),
        (("-t", "asml-nxt-2000i", "--end-use", "fab"), "end_use: 'fab' is not allowed"),
        (("-t", "asml-nxt-2000i", "-d", "XX"), "destination: 'XX'"),
        (("-t", "asml-nxt-2000i", "--date", "2024-02-30"), "date: '2024-02-30'"),
        ((), "--tool ID or --spec FILE"),
        (("-t", "asml-nxt-2000i,asml-nxt-2100i", "--timeline"), "exactly one tool"),
    ]
    for args, message in cases:
        r = cli("tools", "classify", *args)
        assert r.code == 2 and message in r.err, (args, r.err)
        assert r.out == ""
    bad = tmp_path / "bad.yaml"
    bad.write_text(SPEC.replace("numerical_aperture: 1.35", "numerical_aperture: -1"))
    r = cli("tools", "classify", "--spec", str(bad))
    assert r.code == 2 and "numerical_aperture" in r.err and "my-scanner" in r.err


def test_rules_lists_every_version_with_citation(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("tools", "rules", "-f", "json")
    assert r.code == 0, r.err
    rows = r.json()
    assert {x["regime"] for x in rows} == {"us", "nl", "eu", "jp"}
    ids = [x["id"] for x in rows]
    assert "eu-2026-02-09-corrigendum" in ids and "nl-2025-04-01" in ids
    assert all(x["citation"] for x in rows)
