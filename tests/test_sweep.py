"""Sweeps (issue 19): a real Dask scheduler and two worker processes on localhost, kill -9 and
resume, identical results for 1 and 2 workers, Sobol indices of the Ishigami function against
their closed form, and a read-only DuckDB query layer."""

from __future__ import annotations

import math
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from chipwar.errors import DataError, InputError
from chipwar.experiments.runner import chunk_path, run_experiment, status
from chipwar.experiments.spec import parse_experiment, read_experiment
from chipwar.experiments.store import query, read_results

BIN = Path(sys.executable).parent
PI = math.pi


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """Terminate the processes (workers first); kill any still running after 3 s."""
    for p in reversed(procs):
        if p.poll() is None:
            p.terminate()
    for p in reversed(procs):
        try:
            p.wait(timeout=3)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=5)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A `dask scheduler` and two `dask worker` processes (one thread each) on random free
    ports; the address of the scheduler. Torn down after the module."""
    from distributed import Client

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    procs: list[subprocess.Popen[bytes]] = []
    try:
        procs.append(
            subprocess.Popen(
                [
                    str(BIN / "dask"),
                    "scheduler",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--no-dashboard",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
            )
        )
        for _ in range(2):
            procs.append(
                subprocess.Popen(
                    [
                        str(BIN / "dask"),
                        "worker",
                        address,
                        "--nthreads",
                        "1",
                        "--no-nanny",
                        "--no-dashboard",
                        "--host",
                        "127.0.0.1",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    env=env,
                )
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(address, timeout="5s") as client:
                    client.wait_for_workers(2, timeout=max(1.0, deadline - time.monotonic()))
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        yield address
    finally:
        _stop(procs)


def _experiment(**overrides: Any) -> Any:
    raw: dict[str, Any] = {
        "name": "compute-test",
        "model": "compute",
        "settings": {
            "chips": ["huawei-ascend-910c", "nvidia-h20"],
            "site": "cn-inner-mongolia",
            "date": "2025-06-01",
        },
        "design": "monte-carlo",
        "samples": 4000,
        "seed": 11,
        "chunk_size": 500,
        "uncertainties": {
            "power_price": {
                "input": "price_usd_per_kwh",
                "distribution": "triangular",
                "low": 0.03,
                "base": 0.05,
                "high": 0.09,
                "source": ["ishigami-homma-1990"],
            },
            "utilization": {
                "distribution": "uniform",
                "low": 0.3,
                "high": 0.8,
                "source": ["ishigami-homma-1990"],
            },
        },
        "levers": {"subsidy": {"values": [0.0, 0.5]}},
        "outcomes": {
            "cost_910c": "usd_per_pflop_hour[huawei-ascend-910c]",
            "cost_h20": "usd_per_pflop_hour[nvidia-h20]",
            "cheapest": "cheapest",
        },
    }
    raw.update(overrides)
    return parse_experiment(raw)


def _table(out: Path) -> pd.DataFrame:
    return read_results(out)


def test_sweep_through_an_existing_cluster_matches_a_local_one_worker_run(
    scheduler: str, tmp_path: Path
) -> None:
    exp = _experiment()
    remote = run_experiment(exp, tmp_path / "remote", scheduler=scheduler)
    assert (remote.chunks_total, remote.chunks_run, remote.rows) == (16, 16, 8000)
    local = run_experiment(exp, tmp_path / "local", workers=1)
    assert local.chunks_run == 16
    a, b = _table(tmp_path / "remote"), _table(tmp_path / "local")
    assert len(a) == 8000 and a["sample"].tolist() == list(range(8000))
    pd.testing.assert_frame_equal(a, b)
    # each chunk carries its inputs, seed and outcomes; a seed per Monte Carlo block (8 x 500)
    assert set(a.columns) == {
        "sample", "chunk", "seed", "subsidy", "power_price", "utilization", "cost_910c",
        "cost_h20", "cheapest",
    }  # fmt: skip
    assert a.groupby("chunk")["seed"].nunique().eq(1).all() and a["seed"].nunique() == 8
    # the lever is crossed with the design: first 4000 rows without subsidy, then with
    assert (a["subsidy"][:4000] == 0).all() and (a["subsidy"][4000:] == 0.5).all()
    # the same draws under both lever values, and the subsidy lowers the 910C's cost
    np.testing.assert_array_equal(a["power_price"][:4000], a["power_price"][4000:])
    assert (a["cost_910c"][4000:].to_numpy() < a["cost_910c"][:4000].to_numpy()).all()
    # every draw within its range
    assert a["power_price"].between(0.03, 0.09).all() and a["utilization"].between(0.3, 0.8).all()


def test_model_matches_the_compute_engine_at_base_values() -> None:
    """The compute model function, given the catalog's base values, reproduces tco_frame."""
    import datetime as dt

    from chipwar.compute.tco import tco_frame
    from chipwar.experiments.models import build_model

    settings = {"chips": ["huawei-ascend-910c", "nvidia-h20"], "site": "cn-inner-mongolia",
                "date": "2025-06-01"}  # fmt: skip
    model = build_model("compute", settings, None)
    base = tco_frame(
        ["huawei-ascend-910c", "nvidia-h20"], ["cn-inner-mongolia"], date=dt.date(2025, 6, 1)
    )
    from chipwar.compute.tco import prepare

    batch = prepare(
        ["huawei-ascend-910c", "nvidia-h20"], ["cn-inner-mongolia"], date=dt.date(2025, 6, 1)
    )
    price = float(batch.factors["price_usd_per_kwh"].base.ravel()[0])
    got = model.evaluate({"price_usd_per_kwh": np.array([price, price * 2])})
    np.testing.assert_allclose(
        got["usd_per_pflop_hour[huawei-ascend-910c]"][0],
        base.loc[base["chip"] == "huawei-ascend-910c", "usd_per_pflop_hour"].iloc[0],
        rtol=1e-12,
    )
    assert got["usd_per_pflop_hour[nvidia-h20]"][1] > got["usd_per_pflop_hour[nvidia-h20]"][0]


def _dynamics_experiment(chunks: int) -> Any:
    return parse_experiment(
        {
            "name": "dynamics-test",
            "model": "dynamics",
            "design": "monte-carlo",
            "samples": chunks * 100,
            "seed": 5,
            "chunk_size": 200,
            "uncertainties": {
                "learning_rate": {
                    "distribution": "triangular",
                    "low": 0.1,
                    "base": 0.2,
                    "high": 0.3,
                    "source": ["ishigami-homma-1990"],
                },
            },
            "levers": {"controls": {"values": ["actual", "none"]}},
            "outcomes": {"ss_2027": "self_sufficiency[2027]"},
        }
    )


def test_kill_9_then_resume_gives_the_uninterrupted_result(scheduler: str, tmp_path: Path) -> None:
    exp = _dynamics_experiment(chunks=100)
    path = tmp_path / "exp.yaml"
    path.write_text(yaml.safe_dump(exp.model_dump(mode="json")), encoding="utf-8")
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        [str(BIN / "chipwar"), "sweep", "run", str(path), "--out", str(out),
         "--scheduler", scheduler],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while len(list((out / "chunks").glob("chunk-*.parquet"))) < 3:
            assert proc.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    before = {p.name: p.stat().st_mtime_ns for p in (out / "chunks").glob("chunk-*.parquet")}
    st = status(out)
    assert 3 <= st["chunks_done"] == len(before) < st["chunks"], st
    resumed = run_experiment(exp, out, scheduler=scheduler)
    assert resumed.chunks_skipped == len(before)
    assert resumed.chunks_run == exp.n_chunks - len(before)
    after = {p.name: p.stat().st_mtime_ns for p in (out / "chunks").glob("chunk-*.parquet")}
    assert all(after[name] == mtime for name, mtime in before.items())  # not rewritten
    assert not list((out / "chunks").glob(".chunk-*"))  # no temporary file left
    whole = run_experiment(exp, tmp_path / "whole", scheduler=scheduler)
    assert whole.chunks_run == exp.n_chunks
    pd.testing.assert_frame_equal(_table(out), _table(tmp_path / "whole"))
    # a second resume has nothing to do
    assert run_experiment(exp, out, scheduler=scheduler).chunks_run == 0


def test_resume_refuses_a_different_experiment(tmp_path: Path, scheduler: str) -> None:
    exp = _dynamics_experiment(chunks=2)
    run_experiment(exp, tmp_path / "d", scheduler=scheduler)
    other = exp.model_copy(update={"seed": 6})
    with pytest.raises(DataError, match="different experiment sha256"):
        run_experiment(other, tmp_path / "d", scheduler=scheduler)


def _ishigami(design: str, samples: int) -> Any:
    """Columns named out of alphabetical order on purpose (the design's column order must
    survive the trip to the workers and back)."""
    u = {"distribution": "uniform", "low": -PI, "high": PI, "source": ["ishigami-homma-1990"]}
    return parse_experiment(
        {
            "name": f"ishigami-{design}",
            "model": "ishigami",
            "design": design,
            "samples": samples,
            "seed": 3,
            "chunk_size": 4096,
            "uncertainties": {
                "z_x1": {**u, "input": "x1"},
                "x2": u,
                "a_x3": {**u, "input": "x3"},
            },
            "outcomes": {"y": "y"},
        }
    )


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> tuple[list[float], list[float]]:
    """Closed-form Sobol indices of the Ishigami function (Ishigami & Homma 1990)."""
    v1 = 0.5 * (1 + b * PI**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * PI**8 * (1 / 18 - 1 / 50)
    var = v1 + v2 + v13
    return [v1 / var, v2 / var, 0.0], [(v1 + v13) / var, v2 / var, v13 / var]


def test_sobol_indices_of_ishigami_match_the_closed_form(scheduler: str, tmp_path: Path) -> None:
    from chipwar.experiments.sensitivity import analyse

    s1_true, st_true = ishigami_indices()
    assert [round(x, 4) for x in st_true] == [0.5576, 0.4424, 0.2437]  # the published values
    exp = _ishigami("sobol", 4096)
    run_experiment(exp, tmp_path / "s", scheduler=scheduler)
    res = analyse(tmp_path / "s", "y").set_index("input").loc[["z_x1", "x2", "a_x3"]]
    np.testing.assert_allclose(res["S1"], s1_true, atol=0.04)
    np.testing.assert_allclose(res["ST"], st_true, atol=0.04)
    assert (res["S1_conf"] > 0).all() and (res["ST_conf"] < 0.1).all()


def test_morris_ranks_ishigami_inputs(scheduler: str, tmp_path: Path) -> None:
    """Morris μ* (Campolongo et al. 2007): x1 (main and interaction effects) and x2 matter
    far more than x3 does on its own: μ*₃ is much smaller than μ*₁."""
    from chipwar.experiments.sensitivity import analyse

    run_experiment(_ishigami("morris", 200), tmp_path / "m", scheduler=scheduler)
    res = analyse(tmp_path / "m", "y").set_index("input")
    assert set(res.index) == {"z_x1", "x2", "a_x3"}
    assert res.loc["z_x1", "mu_star"] > res.loc["a_x3", "mu_star"]
    assert res.loc["x2", "mu_star"] > res.loc["a_x3", "mu_star"]
    assert abs(res.loc["x2", "mu"]) < 0.5 * res.loc["x2", "mu_star"]  # sin² x2: signs cancel


def test_latin_hypercube_puts_one_point_in_each_stratum() -> None:
    from chipwar.experiments.designs import unit_design

    unit = unit_design(_ishigami("latin-hypercube", 50))
    assert unit is not None and unit.shape == (50, 3)
    for j in range(3):
        assert sorted(np.floor(unit[:, j] * 50).astype(int).tolist()) == list(range(50))


@pytest.fixture(scope="module")
def small_sweep(tmp_path_factory: pytest.TempPathFactory, scheduler: str) -> Path:
    out = tmp_path_factory.mktemp("q") / "sweep"
    run_experiment(_experiment(samples=1000), out, scheduler=scheduler)
    return out


def test_query_counts_and_filters(small_sweep: Path) -> None:
    frame = query(small_sweep, "SELECT subsidy, count(*) AS n, avg(cost_910c) AS c "
                               "FROM results GROUP BY subsidy ORDER BY subsidy")  # fmt: skip
    assert frame["n"].tolist() == [1000, 1000]
    assert frame["c"][1] < frame["c"][0]


@pytest.mark.parametrize(
    "sql",
    [
        "COPY results TO 'x.csv'",
        "ATTACH 'x.db' AS x",
        "CREATE TABLE t AS SELECT * FROM results",
        "INSERT INTO results VALUES (1)",
        "SET enable_external_access = true",
        "SELECT 1; SELECT 2",
        "INSTALL httpfs",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM nowhere",
    ],
)
def test_query_is_read_only(small_sweep: Path, sql: str) -> None:
    with pytest.raises(InputError):
        query(small_sweep, sql)
    assert not (small_sweep / "x.csv").exists() and not (small_sweep / "x.db").exists()


def test_cli_query_formats_and_errors(small_sweep: Path, cli: Any) -> None:
    import json

    sql = "SELECT count(*) AS n FROM results WHERE cheapest = 'huawei-ascend-910c'"
    js = cli("sweep", "query", str(small_sweep), sql, "--format", "json")
    assert js.code == 0, js.err
    n = json.loads(js.out)[0]["n"]
    assert 0 < n <= 2000
    csv = cli("sweep", "query", str(small_sweep), sql, "--format", "csv")
    assert csv.out.splitlines() == ["n", str(n)]
    bad = cli("sweep", "query", str(small_sweep), "DROP VIEW results")
    assert bad.code == 2 and "read-only SELECT" in bad.err
    assert "Traceback" not in bad.err
    st = cli("sweep", "status", str(small_sweep), "--format", "json")
    assert json.loads(st.out)["complete"] is True
    missing = cli("sweep", "status", str(small_sweep / "nope"))
    assert missing.code == 2 and "not a sweep folder" in missing.err
    tornado = cli("sweep", "sensitivity", str(small_sweep), "--outcome", "cost_910c",
                  "--method", "tornado", "--format", "json")  # fmt: skip
    assert tornado.code == 0 and {r["input"] for r in json.loads(tornado.out)} == {
        "power_price",
        "utilization",
    }
    wrong = cli("sweep", "sensitivity", str(small_sweep), "--outcome", "cost_910c")
    assert wrong.code == 2 and "sobol or morris" in wrong.err


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"outcomes": {"x": "no_such_output"}}, "outcomes.x: 'no_such_output' is not an output"),
        ({"uncertainties": {"x": {"distribution": "uniform", "low": 0, "high": 1,
                                  "source": ["ishigami-homma-1990"]}}},
         "uncertainties.x.input: 'x' is not an input"),
    ],
)  # fmt: skip
def test_bad_names_are_reported_before_running(
    change: dict[str, Any], needle: str, tmp_path: Path
) -> None:
    with pytest.raises(DataError, match=needle.replace("[", r"\[")):
        run_experiment(_experiment(**change), tmp_path / "bad")
    assert not (tmp_path / "bad").exists()


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"outcomes": {"Bad Name": "cheapest"}}, "column name"),
        ({"design": "sobol", "samples": 1000}, "power of 2"),
        ({"uncertainties": {"u": {"low": 1, "base": 2, "high": 3, "source": ["x"]}}},
         "distribution"),
        ({"uncertainties": {"u": {"distribution": "pert", "low": 1, "base": 2, "high": 3}}},
         "source"),
    ],
)  # fmt: skip
def test_bad_experiment_files(change: dict[str, Any], needle: str) -> None:
    with pytest.raises(DataError, match=needle):
        _experiment(**change)


def test_unknown_source_id_is_refused(tmp_path: Path) -> None:
    raw = _experiment().model_dump(mode="json")
    raw["uncertainties"]["utilization"]["source"] = ["no-such-source"]
    path = tmp_path / "e.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(DataError, match=r"uncertainties\.utilization\.source: 'no-such-source'"):
        read_experiment(path)


def test_shipped_examples_validate_and_cite_known_sources() -> None:
    from chipwar.experiments.runner import check_model

    root = Path(__file__).parents[1] / "scenarios"
    files = sorted(root.glob("sweep-*.yaml"))
    assert {f.stem for f in files} >= {"sweep-compute", "sweep-supply", "sweep-dynamics"}
    for f in files:
        exp = read_experiment(f)
        check_model(exp)
        assert exp.uncertainties and all(u.source for u in exp.uncertainties.values())


def test_published_json_schema_is_current() -> None:
    import json

    from chipwar.experiments.spec import json_schema

    path = Path(__file__).parents[1] / "docs" / "experiment.schema.json"
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(json.dumps(json_schema()))


def test_chunk_files_are_parquet_with_one_row_per_sample(small_sweep: Path) -> None:
    import pyarrow.parquet as pq

    table = pq.read_table(chunk_path(small_sweep, 0))
    assert table.num_rows == 500 and table.column("sample").to_pylist() == list(range(500))


def test_tornado_matches_pandas_and_points_the_right_way(small_sweep: Path) -> None:
    from chipwar.experiments.sensitivity import tornado

    res = tornado(small_sweep, "cost_910c")
    assert set(res["subsidy"]) == {0.0, 0.5} and set(res["input"]) == {"power_price", "utilization"}
    frame = read_results(small_sweep)
    for _, row in res.iterrows():
        part = frame[frame["subsidy"] == row["subsidy"]]
        x = part[row["input"]]
        lo, hi = x.quantile(0.1), x.quantile(0.9)
        assert row["at_low"] == pytest.approx(part.loc[x <= lo, "cost_910c"].mean(), rel=1e-9)
        assert row["at_high"] == pytest.approx(part.loc[x >= hi, "cost_910c"].mean(), rel=1e-9)
    util = res[(res["input"] == "utilization") & (res["subsidy"] == 0.0)].iloc[0]
    assert util["at_high"] < util["mean"] < util["at_low"]  # busier chips, cheaper compute
    price = res[(res["input"] == "power_price") & (res["subsidy"] == 0.0)].iloc[0]
    assert price["at_low"] < price["at_high"]


def test_report_section_of_a_monte_carlo_sweep(small_sweep: Path) -> None:
    from chipwar.experiments.sensitivity import tornado
    from chipwar.report.i18n import strings
    from chipwar.report.sections.sweep import section_sweep

    sec = section_sweep(small_sweep, strings("en"))
    assert sec.available and sec.title.endswith("compute-test")
    ids = [c.id for c in sec.charts]
    assert ids == ["sweep-0-tornado", "sweep-1-tornado"]  # cost_910c, cost_h20; not `cheapest`
    torn = tornado(small_sweep, "cost_910c")
    first = torn[torn["subsidy"] == 0.0].set_index("input")
    fig = sec.charts[0].figure
    low, high = fig["data"]
    for name, dx in zip(low["y"], low["x"], strict=True):
        assert low["base"] + dx == pytest.approx(first.loc[name, "at_low"], rel=1e-6)
    for name, dx in zip(high["y"], high["x"], strict=True):
        assert high["base"] + dx == pytest.approx(first.loc[name, "at_high"], rel=1e-6)
    assert "subsidy = 0.0" in sec.charts[0].caption
    assert set(sec.charts[0].sources) == {"ishigami-homma-1990"}


def test_report_with_a_sobol_sweep(
    scheduler: str, tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`chipwar report --sweep DIR` renders the sweep section (tornado and Sobol charts, the
    methods' sources) into the real template. The other sections and the claims ledger are left
    out here (they take a minute on a loaded 2-core machine; tests/test_report.py covers them)."""
    from chipwar.report import build
    from chipwar.report.figures import Section

    monkeypatch.setattr(build, "SECTIONS", [])
    monkeypatch.setattr(build, "claims_section", lambda t: (Section("claims", t["claims"]), [], []))
    out = tmp_path / "s"
    run_experiment(_ishigami("sobol", 512), out, scheduler=scheduler)
    html = tmp_path / "r.html"
    res = cli("report", "-o", str(html), "--sweep", str(out))
    assert res.code == 0, res.err
    text = html.read_text(encoding="utf-8")
    assert "sweep-0-tornado" in text and "sweep-0-sobol" in text
    assert "saltelli-2010-variance-based" in text
    bad = cli("report", "-o", str(tmp_path / "x.html"), "--sweep", str(tmp_path / "nope"))
    assert bad.code == 2 and "not a sweep folder" in bad.err
    assert not (tmp_path / "x.html").exists()


def test_limits_and_the_reading_layer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from chipwar.errors import LimitError

    monkeypatch.setenv("CHIPWAR_MAX_SWEEP_ROWS", "1000")
    with pytest.raises(LimitError, match="CHIPWAR_MAX_SWEEP_ROWS"):
        run_experiment(_experiment(), tmp_path / "big")
    assert not (tmp_path / "big").exists()
    monkeypatch.delenv("CHIPWAR_MAX_SWEEP_ROWS")
    with pytest.raises(LimitError, match="chunk_size"):
        run_experiment(_experiment(chunk_size=3_000_000, samples=4_000_000), tmp_path / "big")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="--out"):
        run_experiment(_dynamics_experiment(chunks=1), tmp_path / "file")
    # experiment files go through the reading layer: a duplicate key is refused, with its line
    path = tmp_path / "dup.yaml"
    path.write_text("name: a\nname: b\nmodel: ishigami\noutcomes: {y: y}\n", encoding="utf-8")
    with pytest.raises(DataError, match="duplicate"):
        read_experiment(path)


def test_dashboard_sweep_page_shows_the_sweep_given_at_start_up(
    small_sweep: Path, cli: Any
) -> None:
    import httpx

    from _web_server import uvicorn_server

    with uvicorn_server(env={"CHIPWAR_SWEEP_DIR": str(small_sweep)}) as base:
        page = httpx.get(base + "/sweep", timeout=60)
        assert page.status_code == 200
        assert "compute-test" in page.text and "sweep-0-tornado" in page.text
        zh = httpx.get(base + "/sweep?lang=zh-Hant", timeout=60)
        assert zh.status_code == 200 and "參數掃描" in zh.text
    with uvicorn_server(env={"CHIPWAR_SWEEP_DIR": ""}) as base:
        page = httpx.get(base + "/sweep", timeout=60)
        assert page.status_code == 200 and "chipwar serve --sweep DIR" in page.text
    res = cli("serve", "--sweep", str(small_sweep.parent / "no-such-sweep"))
    assert res.code == 2 and "not a sweep folder" in res.err
