"""The REST API against a real uvicorn process (httpx): every endpoint answers exactly the
CLI's ``--format json`` document for the same inputs, and bad input is 4xx with the CLI's
message, never 500."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from _web_server import uvicorn_server

ROOT = Path(__file__).resolve().parents[1]
SCEN = ROOT / "scenarios"


@pytest.fixture(scope="module")
def api() -> Iterator[httpx.Client]:
    env = {"CHIPWAR_MAX_BODY_BYTES": "200000", "CHIPWAR_REQUEST_TIMEOUT_S": "120"}
    with uvicorn_server(env) as base, httpx.Client(base_url=base + "/api/v1", timeout=120) as c:
        yield c


# (endpoint, query params, CLI argv) for GET; the CLI gets `--format json` added.
GET_CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    ("tco", {"chip": "nvidia-h20,huawei-ascend-910c", "site": ["cn-guizhou", "us-virginia"]},
     ["tco", "-c", "nvidia-h20", "-c", "huawei-ascend-910c", "-s", "cn-guizhou,us-virginia"]),
    ("tco", {"chip": "nvidia-h20,nvidia-h100-sxm", "site": "cn-guizhou", "samples": 200,
             "seed": 3, "subsidy": "0.2", "set": "cost_of_capital=0.05"},
     ["tco", "-c", "nvidia-h20,nvidia-h100-sxm", "-s", "cn-guizhou", "-n", "200", "--seed", "3",
      "--subsidy", "0.2", "--set", "cost_of_capital=0.05"]),
    ("compare", {"precision": "fp16", "date": "2025-06-01"},
     ["compare", "-p", "fp16", "--date", "2025-06-01"]),
    ("breakeven", {"chip": "huawei-ascend-910c", "vs": "nvidia-h20", "site": "cn-inner-mongolia",
                   "param": "chip-price"},
     ["breakeven", "-c", "huawei-ascend-910c", "--vs", "nvidia-h20", "-s", "cn-inner-mongolia",
      "--param", "chip-price"]),
    ("sensitivity", {"chip": "nvidia-h20", "site": "cn-guizhou", "utilization": 0.5},
     ["sensitivity", "-c", "nvidia-h20", "-s", "cn-guizhou", "-u", "0.5"]),
    ("infer", {"model": "deepseek-v3", "chip": "nvidia-h20,huawei-ascend-910b",
               "site": "cn-guizhou", "batch": ["1", "64"]},
     ["infer", "-m", "deepseek-v3", "-c", "nvidia-h20,huawei-ascend-910b", "-s", "cn-guizhou",
      "-b", "1", "-b", "64"]),
    ("train", {"model": "deepseek-v3", "tokens": 14.8e12, "chips": 2048, "chip": "nvidia-h800",
               "site": "cn-guizhou", "mfu": 0.4},
     ["train", "-m", "deepseek-v3", "-d", "14.8e12", "-k", "2048", "-c", "nvidia-h800",
      "-s", "cn-guizhou", "--mfu", "0.4"]),
    ("size", {"target": "tokens_per_s=1e6,model=deepseek-v3,batch=64", "chip": "nvidia-h20",
              "site": "cn-guizhou"},
     ["size", "-t", "tokens_per_s=1e6,model=deepseek-v3,batch=64", "-c", "nvidia-h20",
      "-s", "cn-guizhou"]),
    ("energy-gap", {"site": "cn-guizhou"}, ["energy-gap", "-s", "cn-guizhou"]),
    ("classify", {"chip": "nvidia-h20,nvidia-h100-sxm,huawei-ascend-910c", "date": "2024-01-01",
                  "destination": "CN"},
     ["classify", "-c", "nvidia-h20,nvidia-h100-sxm,huawei-ascend-910c", "--date", "2024-01-01",
      "-d", "CN"]),
    ("classify", {"chip": "nvidia-h20", "timeline": "true", "end-user-hq": "CN",
                  "transaction": "reexport"},
     ["classify", "-c", "nvidia-h20", "--timeline", "--end-user-hq", "CN",
      "--transaction", "reexport"]),
    ("screen", {"name": ["Huawei Technologies", "Nexperia"], "date": "2025-10-15",
                "min-score": 0.85},
     ["screen", "Huawei Technologies", "Nexperia", "--date", "2025-10-15", "--min-score", "0.85"]),
    ("ownership", {"entity": "nexperia-bv", "date": "2025-10-15"},
     ["ownership", "--entity", "nexperia-bv", "--date", "2025-10-15"]),
    ("tools/classify", {"tool": "asml-nxt-2000i,asml-nxe-3400c", "date": "2025-01-01",
                        "end-use": "advanced-node"},
     ["tools", "classify", "-t", "asml-nxt-2000i,asml-nxe-3400c", "--date", "2025-01-01",
      "--end-use", "advanced-node"]),
    ("tools/classify", {"tool": "asml-nxt-1980di", "timeline": "true"},
     ["tools", "classify", "-t", "asml-nxt-1980di", "--timeline"]),
    ("supply/run", {"scenario": "nexperia-2025", "samples": 3, "seed": 1, "days": 90},
     ["supply", "run", "nexperia-2025", "-n", "3", "--seed", "1", "--days", "90"]),
    ("dynamics/run", {"scenario": "no-subsidy", "samples": 20, "seed": 2},
     ["dynamics", "run", "no-subsidy", "-n", "20", "--seed", "2"]),
    ("dynamics/claims", {"scenario": "baseline", "samples": 200},
     ["dynamics", "claims", "--scenario", "baseline", "-n", "200"]),
    ("claims", {"flip": "false"}, ["claims", "--no-flip"]),
]  # fmt: skip


@pytest.mark.parametrize(("endpoint", "params", "argv"), GET_CASES, ids=[c[0] for c in GET_CASES])
def test_get_equals_cli_json(api: httpx.Client, cli, endpoint, params, argv) -> None:  # type: ignore[no-untyped-def]
    r = api.get(endpoint, params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    expected = cli(*argv, "--format", "json")
    assert expected.code == 0, expected.err
    assert r.json() == expected.json()
    assert r.json()  # a real answer, not an empty document


def _yaml_text(name: str) -> str:
    return (SCEN / name).read_text(encoding="utf-8")


POST_CASES: list[tuple[str, dict[str, Any], dict[str, Any], list[str]]] = [
    ("tco", {"chip": "my-npu,nvidia-h20", "site": "cn-my-park,cn-guizhou"},
     {"spec": _yaml_text("compute-spec-example.yaml")},
     ["tco", "--spec", str(SCEN / "compute-spec-example.yaml"), "-c", "my-npu,nvidia-h20",
      "-s", "cn-my-park,cn-guizhou"]),
    ("compare", {}, {"scenario": _yaml_text("compute-china-policy-capital.yaml")},
     ["compare", "--scenario", str(SCEN / "compute-china-policy-capital.yaml")]),
    ("content", {"date": "2025-12-01"}, {"bom": _yaml_text("bom-example.csv")},
     ["content", "--bom", str(SCEN / "bom-example.csv"), "--date", "2025-12-01"]),
    ("supply/run", {"samples": 2}, {"scenario": _yaml_text("nexperia-2025.yaml")},
     ["supply", "run", str(SCEN / "nexperia-2025.yaml"), "-n", "2"]),
    ("dynamics/run", {}, {"scenario": _yaml_text("dynamics-controls-lifted.yaml")},
     ["dynamics", "run", str(SCEN / "dynamics-controls-lifted.yaml")]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("endpoint", "params", "body", "argv"), POST_CASES, ids=[c[0] for c in POST_CASES]
)
def test_post_with_file_text_equals_cli_json(
    api: httpx.Client, cli, endpoint, params, body, argv
) -> None:  # type: ignore[no-untyped-def]
    r = api.post(endpoint, params=params, json=body)
    assert r.status_code == 200, r.text
    expected = cli(*argv, "--format", "json")
    assert expected.code == 0, expected.err
    assert r.json() == expected.json()


def test_post_with_file_as_json_object_equals_cli(api: httpx.Client, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A spec given as a JSON object (the file's schema) answers as the same file does."""
    chip = {
        "id": "test-npu", "name": "Test NPU", "vendor": "Example", "designer_country": "CN",
        "datacenter": True, "source": ["my-quote"], "release_date": "2025-01-01",
        "dense_tflops": {"bf16": 900, "fp16": 900, "int8": 1800}, "memory_gb": 64,
        "memory_bandwidth_tbps": 1.6, "interconnect_gbps": 600, "tdp_w": 400,
        "die_area_mm2": 600,
    }  # fmt: skip
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps([chip]), encoding="utf-8")
    r = api.post("classify", params={"date": "2025-06-01"}, json={"spec": [chip]})
    assert r.status_code == 200, r.text
    expected = cli("classify", "--spec", str(spec), "--date", "2025-06-01", "--format", "json")
    assert r.json() == expected.json()
    assert r.json()[0]["chip"] == "test-npu"


# ------------------------------------------------------------------ errors


def _cli_error(result: Any) -> str:
    """The CLI's one error line without its ``error:`` prefix."""
    assert result.code == 2
    return " ".join(result.err.split()).removeprefix("error: ")


def test_unknown_id_is_404_with_suggestions(api: httpx.Client, cli) -> None:  # type: ignore[no-untyped-def]
    r = api.get("tco", params={"chip": "nvidia-h2", "site": "cn-guizhou"})
    assert r.status_code == 404
    assert "nvidia-h20" in r.json()["suggestions"]
    cli_msg = _cli_error(cli("tco", "-c", "nvidia-h2", "-s", "cn-guizhou", "-f", "json"))
    assert r.json()["error"] == cli_msg


def test_bad_value_is_422_with_the_cli_message(api: httpx.Client, cli) -> None:  # type: ignore[no-untyped-def]
    r = api.get("tco", params={"chip": "nvidia-h20", "site": "cn-guizhou", "subsidy": "lots"})
    assert r.status_code == 422
    cli_msg = _cli_error(cli("tco", "-c", "nvidia-h20", "-s", "cn-guizhou", "--subsidy", "lots"))
    assert r.json()["error"] == cli_msg
    assert "--subsidy" in cli_msg and "'lots'" in cli_msg


def test_bad_spec_body_names_the_entry_not_a_server_path(api: httpx.Client) -> None:
    r = api.post("classify", json={"spec": [{"id": "x"}]})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err.startswith("spec.json[x]: name: Field required")
    assert "/tmp" not in err and "chipwar-api-" not in err


def test_missing_and_mistyped_options_are_422(api: httpx.Client) -> None:
    r = api.get("breakeven", params={"chip": "nvidia-h20"})
    assert r.status_code == 422 and "vs" in r.json()["error"]
    r = api.get("tco", params={"chip": "nvidia-h20", "site": "cn-guizhou", "samples": "many"})
    assert r.status_code == 422 and "samples" in r.json()["error"]


def test_caps_on_samples_and_days(api: httpx.Client) -> None:
    r = api.get("tco", params={"chip": "nvidia-h20", "site": "cn-guizhou", "samples": 10**9})
    assert r.status_code == 422 and "20000" in r.json()["error"]
    r = api.get("supply/run", params={"scenario": "nexperia-2025", "days": 10**9})
    assert r.status_code == 422 and "days" in r.json()["error"]
    r = api.get("supply/run", params={"scenario": "nexperia-2025", "samples": 10**6})
    assert r.status_code == 422


def test_body_over_the_limit_is_413(api: httpx.Client) -> None:
    r = api.post("classify", json={"spec": "x" * 300_000})
    assert r.status_code == 413
    assert "200000" in r.json()["error"]


def test_malformed_deep_or_foreign_bodies_are_422(api: httpx.Client) -> None:
    r = api.post("classify", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "JSON" in r.json()["error"]
    deep = "[" * 5000 + "]" * 5000
    r = api.post("classify", content=deep.encode(), headers={"content-type": "application/json"})
    assert r.status_code == 422 and "nested" in r.json()["error"]
    r = api.post("classify", json={"spec": [], "passwd": "/etc/passwd"})
    assert r.status_code == 422 and "passwd" in r.json()["error"]
    r = api.post("classify", json=[1, 2])
    assert r.status_code == 422


def test_no_server_path_is_read(api: httpx.Client) -> None:
    """A path in a scenario name is an unknown built-in (404), and a path given as a spec's
    text is YAML text (a string), never opened."""
    r = api.get("supply/run", params={"scenario": "/etc/passwd"})
    assert r.status_code == 404
    assert "nexperia-2025" in r.json()["suggestions"]
    r = api.get("dynamics/run", params={"scenario": str(SCEN / "dynamics-baseline.yaml")})
    assert r.status_code == 404
    r = api.post("classify", json={"spec": "/etc/passwd"})
    assert r.status_code == 422
    assert "root:" not in r.text


def test_content_needs_a_bom(api: httpx.Client) -> None:
    r = api.get("content")
    assert r.status_code == 422 and "bom" in r.json()["error"]


def test_notes_travel_in_a_header(api: httpx.Client, cli) -> None:  # type: ignore[no-untyped-def]
    params = {"chip": "nvidia-h20,huawei-ascend-910c", "site": "cn-guizhou", "samples": 100}
    r = api.get("tco", params=params)
    notes = json.loads(r.headers["x-chipwar-notes"])
    expected = cli("tco", "-c", "nvidia-h20,huawei-ascend-910c", "-s", "cn-guizhou", "-n", "100")
    assert notes and notes[0].startswith("P(nvidia-h20 cheaper than huawei-ascend-910c")
    assert notes[0] in " ".join(expected.err.split())


def test_security_headers_openapi_and_docs(api: httpx.Client) -> None:
    base = str(api.base_url).removesuffix("/api/v1/").removesuffix("/api/v1")
    r = httpx.get(base + "/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for ep in ("tco", "compare", "breakeven", "sensitivity", "infer", "train", "size",
               "energy-gap", "classify", "content", "screen", "ownership", "supply/run",
               "dynamics/run", "dynamics/claims", "claims", "tools/classify"):  # fmt: skip
        assert f"/api/v1/{ep}" in paths, ep
    assert "post" in paths["/api/v1/tco"] and "post" not in paths["/api/v1/claims"]
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self';" in csp
    docs = httpx.get(base + "/docs")
    assert docs.status_code == 200 and "/docs/assets/swagger-ui-bundle.js" in docs.text
    assert httpx.get(base + "/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert httpx.get(base + "/docs/assets/..%2Fswagger-ui.js").status_code == 404


def test_serve_refuses_bad_options_before_binding(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    r = cli("serve", "--port", "70000")
    assert r.code == 2 and "--port" in r.err
    monkeypatch.setenv("CHIPWAR_MAX_SAMPLES", "lots")
    r = cli("serve", "--port", "8000")
    assert r.code == 2 and "CHIPWAR_MAX_SAMPLES" in r.err
    assert "127.0.0.1" in cli("serve", "--help").out


def test_pages_escape_what_the_url_carries(api: httpx.Client) -> None:
    base = str(api.base_url).removesuffix("/api/v1/").removesuffix("/api/v1")
    evil = '"><script>alert(1)</script>'
    r = httpx.get(base + "/claims", params={"q": evil, "lang": "en"}, timeout=120)
    assert r.status_code == 200
    assert "<script>alert(1)" not in r.text
    assert "&lt;script&gt;alert(1)" in r.text or "&#34;&gt;&lt;script&gt;" in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    r = httpx.get(base + "/screening", params={"name": evil}, timeout=60)
    assert r.status_code == 200 and "<script>alert(1)" not in r.text
    assert httpx.get(base + "/", params={"lang": "xx"}, timeout=60).status_code == 422
