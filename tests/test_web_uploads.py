"""POST bodies are read in memory: with every way of creating a temporary file or writing a
file patched to fail, each kind of body (spec, compute scenario, BOM, supply and dynamics
scenarios, names CSV, parties list, ownership graph) is answered, and the temporary folder
holds nothing new."""

from __future__ import annotations

import builtins
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from chipwar.web.app import create_app
from chipwar.web.settings import Settings

ROOT = Path(__file__).parents[1]
SCEN = ROOT / "scenarios"


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("tco", {"chip": "my-npu", "site": "cn-guizhou"},
     {"spec": _text(SCEN / "compute-spec-example.yaml")}),
    ("compare", {}, {"scenario": _text(SCEN / "compute-china-policy-capital.yaml")}),
    ("content", {"date": "2025-12-01"}, {"bom": _text(SCEN / "bom-example.csv")}),
    ("supply/run", {"samples": 2}, {"scenario": _text(SCEN / "nexperia-2025.yaml")}),
    ("dynamics/run", {}, {"scenario": _text(SCEN / "dynamics-controls-lifted.yaml")}),
    ("screen", {}, {"file": "name\nNexperia B.V.\nHuawei Technologies Co., Ltd.\n",
                    "parties": "id,name,list,listed_from,listed_to\n"
                               "acme-semi,Acme Semiconductor Ltd,entity-list,2020-01-01,\n"}),
    ("ownership", {"entity": "acme-sub"},
     {"ownership": "owner_id,owned_id,share,valid_from,valid_to\n"
                   "acme-holding,acme-sub,0.6,2019-01-01,\n"}),
]  # fmt: skip


def test_no_body_touches_the_disk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    client = TestClient(create_app(Settings()))
    with client:
        client.get("/api/v1/classify?chip=nvidia-h20")  # imports and shipped data loaded first
        private = tmp_path / "tmp"  # a temporary folder of this test's own (/tmp is shared)
        private.mkdir()
        monkeypatch.setattr(tempfile, "tempdir", str(private))
        created: list[str] = []

        def refuse(*args: Any, **kwargs: Any) -> Any:
            created.append(repr(args)[:80])
            raise AssertionError("a temporary file was asked for")

        real_open = builtins.open

        def read_only_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if any(c in mode for c in "wax+"):
                created.append(str(file))
                raise AssertionError(f"{file} opened for writing")
            return real_open(file, mode, *args, **kwargs)

        for name in ("mkdtemp", "mkstemp", "TemporaryDirectory", "NamedTemporaryFile"):
            monkeypatch.setattr(tempfile, name, refuse)
        monkeypatch.setattr(builtins, "open", read_only_open)
        for endpoint, params, body in CASES:
            r = client.post("/api/v1/" + endpoint, params=params, json=body)
            assert r.status_code == 200, (endpoint, r.text)
            if endpoint == "screen":
                assert "request body" in r.text  # the uploaded list was the one screened
        assert created == []
        assert os.listdir(private) == []


def test_a_bad_body_entry_is_named_as_its_entry() -> None:
    with TestClient(create_app(Settings())) as client:
        r = client.post("/api/v1/content", json={"bom": "part,value_usd\nx,abc\n"})
        assert r.status_code == 422
        assert r.json()["error"].startswith("bom.csv"), r.json()
        assert "chipwar-api-" not in r.json()["error"]


def test_a_gleif_level2_upload_is_read_as_gleif() -> None:
    """The header sniff reads the upload from memory, as the reader does (it used to open the
    path on disk, so an uploaded Level 2 file got a missing-columns 422)."""
    samples = ROOT / "src" / "chipwar" / "data" / "samples"
    level2 = _text(samples / "gleif_level2_sample.csv")
    with TestClient(create_app(Settings())) as client:
        child = next(csv_line.split(",")[0] for csv_line in level2.splitlines()[1:])
        r = client.post("/api/v1/ownership", params={"entity": child}, json={"ownership": level2})
        assert r.status_code == 200, r.text
