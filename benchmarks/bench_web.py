"""Load test of ``chipwar serve`` on localhost: concurrent clients on the compute explorer
(``/dashboard/data/compute``, slider values varied per request) and on chip classification
(``/api/v1/classify``, chip and date varied), each for a fixed time, against one uvicorn
process. Reports requests per second, p50/p95/p99 latency and errors, the load average of the
machine (client and server share it), and, as the reference, the same classification asked
the straightforward way without the server: one ``chipwar classify`` process per question.

    python benchmarks/bench_web.py            # 50 clients, 30 s per endpoint
    python benchmarks/bench_web.py --quick    # 10 clients, 5 s (a smoke run)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from _results import write_section
from _web_server import uvicorn_server

CHIPS = ["nvidia-h20", "nvidia-h100-sxm", "huawei-ascend-910b", "huawei-ascend-910c",
         "nvidia-b200", "amd-mi300x", "nvidia-h200", "nvidia-a100-sxm"]  # fmt: skip
SITES = ["cn-inner-mongolia", "cn-guizhou", "us-virginia", "cn-shanghai"]
DATES = ["2022-11-01", "2023-11-20", "2024-06-01", "2025-02-01", "2025-12-01"]


def compute_url(rng: random.Random) -> str:
    chips = rng.sample(CHIPS, 4)
    q = "&".join(f"chip={c}" for c in chips) + "&" + "&".join(f"site={s}" for s in SITES[:3])
    return (
        f"/dashboard/data/compute?{q}&electricity={rng.choice([0.5, 1, 1.5, 2]):g}"
        f"&chip-price={rng.choice([0.75, 1, 1.25]):g}&subsidy={rng.choice(['auto', '0', '0.3'])}"
        f"&utilization={rng.choice([0, 0.4, 0.6]):g}&cost-of-capital={rng.choice([0.06, 0.09]):g}"
    )


def classify_url(rng: random.Random) -> str:
    chips = ",".join(rng.sample(CHIPS, 3))
    return f"/api/v1/classify?chip={chips}&date={rng.choice(DATES)}&destination=CN"


class Conn:
    """One keep-alive HTTP/1.1 connection on raw asyncio streams: the lightest client that
    still measures what a browser sees (connect once, then request, read headers, read the
    ``Content-Length`` body). httpx costs the shared cores several times more CPU a request."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        m = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
        if m is None:
            raise ConnectionError("answer without Content-Length")
        await self.reader.readexactly(int(m.group(1)))
        if re.search(rb"(?i)\r\nconnection: *close", head):
            await self.close()
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def load(base: str, make_url, clients: int, seconds: float) -> dict[str, float]:  # type: ignore[no-untyped-def]
    latencies: list[float] = []
    errors = 0
    kinds: dict[str, int] = {}
    deadline = time.perf_counter() + seconds
    host, port = base.removeprefix("http://").split(":")

    async def client(k: int) -> None:
        nonlocal errors
        rng = random.Random(k)
        conn = Conn(host, int(port))
        while time.perf_counter() < deadline:
            url = make_url(rng)
            t0 = time.perf_counter()
            try:
                code = await asyncio.wait_for(conn.get(url), 60)
                kind = "" if code == 200 else str(code)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                    TimeoutError, ValueError) as exc:  # fmt: skip
                kind = type(exc).__name__
                await conn.close()
            latencies.append(time.perf_counter() - t0)
            if kind:
                errors += 1
                kinds[kind] = kinds.get(kind, 0) + 1
        await conn.close()

    t0 = time.perf_counter()
    cpu0 = time.process_time()
    await asyncio.gather(*(client(k) for k in range(clients)))
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    q = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies), "errors": errors, "rps": len(latencies) / wall,
        "p50_ms": 1000 * q[49], "p95_ms": 1000 * q[94], "p99_ms": 1000 * q[98],
        "client_cpu": cpu / wall,
        "kinds": kinds,  # type: ignore[dict-item]
    }  # fmt: skip


def cli_classify_s(repeats: int = 3) -> float:
    """Reference: one fresh ``chipwar classify`` process per question (median wall time)."""
    exe = Path(sys.executable).with_name("chipwar")
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(
            [str(exe), "classify", "-c", "nvidia-h20,nvidia-h100-sxm,huawei-ascend-910c",
             "--date", "2024-06-01", "-f", "json"],
            check=True, capture_output=True,
        )  # fmt: skip
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def engine_ms(repeats: int = 200) -> dict[str, float]:
    """In-process engine work of one explorer answer (default 4 chips x 3 sites, 9 break-even
    solves) and of one classify answer (3 chips), in ms (best of 5 runs of ``repeats``): ours
    (one batch, pandas-free rows, batched break-even) against the reference path (``tco_frame``
    serialised plus 9 scalar ``breakeven`` calls), which a test holds equal to ours; classify
    against its frame interface (spec frame in, DataFrame out), the same bytes."""
    from _results import best_of
    from chipwar.catalog.accelerators import load_accelerators
    from chipwar.catalog.sites import load_sites
    from chipwar.commands.controls import classify
    from chipwar.controls import classify as engine
    from chipwar.serialize import document
    from chipwar.web.pages import DEFAULT_CHIPS, DEFAULT_SITES, explorer_document, json_bytes
    from test_web_explorer import reference

    acc, sts = load_accelerators(), load_sites()
    chips, sites = [acc[c] for c in DEFAULT_CHIPS], [sts[s] for s in DEFAULT_SITES]
    ours = lambda: json_bytes(explorer_document(chips, sites))  # noqa: E731
    ref = lambda: json_bytes(reference(chips, sites))  # noqa: E731
    assert len(ours()) == len(ref())
    ask = ["nvidia-h20,nvidia-h100-sxm,huawei-ascend-910c"]
    cls = lambda: json_bytes(classify(chip=ask, date="2024-06-01").document())  # noqa: E731
    # Reference for classify: the same rule engine through its frame interface (spec frame in,
    # explained DataFrame out, serialised), the way a request was answered before.
    items = engine._resolve_chips(ask[0].split(","))
    cls_ref = lambda: json_bytes(  # noqa: E731
        document(engine.classify_frame(engine.spec_frame(items), "CN", "2024-06-01"))
    )
    assert cls() == cls_ref()

    def per_call(f) -> float:  # type: ignore[no-untyped-def]
        return 1000 * best_of(5, lambda: [f() for _ in range(repeats)]) / repeats

    return {
        "explorer": per_call(ours), "explorer_ref": per_call(ref),
        "classify": per_call(cls), "classify_ref": per_call(cls_ref),
    }  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="10 clients, 5 s per endpoint")
    ap.add_argument("--clients", type=int, default=None)
    ap.add_argument("--seconds", type=float, default=None)
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--no-cache", action="store_true", help="turn the GET answer cache off")
    args = ap.parse_args()
    clients = args.clients or (10 if args.quick else 50)
    seconds = args.seconds or (5.0 if args.quick else 30.0)
    load_before = os.getloadavg()
    rows = {}
    env = {"CHIPWAR_RESPONSE_CACHE_BYTES": "1"} if args.no_cache else {}
    with uvicorn_server(env, workers=args.workers) as base:
        for name, make in (("compute explorer", compute_url), ("classify", classify_url)):
            asyncio.run(load(base, make, 4, 2.0))  # warm: imports, catalogs, rule tables
            # One client: the time a request itself takes (no queueing behind others).
            rows[f"{name}, 1 client"] = asyncio.run(load(base, make, 1, min(seconds, 5.0)))
            rows[f"{name}, 1 client"]["load"] = os.getloadavg()[0]
            rows[name] = asyncio.run(load(base, make, clients, seconds))
            rows[name]["load"] = os.getloadavg()[0]
            print(name, rows[name], flush=True)
    cli_s = cli_classify_s()
    eng = engine_ms()
    lines = [
        "## web — `chipwar serve` under load (`benchmarks/bench_web.py`)",
        "",
        f"{clients} concurrent clients for {seconds:g} s per endpoint against uvicorn with "
        f"{args.workers} worker process(es) on localhost; the load generator (raw keep-alive "
        "HTTP/1.1 connections on asyncio streams, one per client) runs on the same machine; its "
        "CPU share (process time / wall time, of one core) is the client CPU column. Server: "
        "uvloop + httptools, 4 worker threads, security headers by a plain ASGI middleware, "
        + (
            "answer cache off. "
            if args.no_cache
            else "GET answers cached by canonical query "
            "(the compute explorer's random slider values rarely repeat within a run; "
            "classify's chip × date combinations do). "
        )
        + f"Load average (1 min) before the run: {load_before[0]:.2f}.",
        "",
        "| endpoint | requests | req/s | p50 [ms] | p95 [ms] | p99 [ms] | errors | client CPU "
        "| load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in rows.items():
        kinds = ", ".join(f"{n} {k}" for k, n in r["kinds"].items())  # type: ignore[attr-defined]
        lines.append(
            f"| {name} | {r['requests']:.0f} | {r['rps']:.1f} | {r['p50_ms']:.0f} | "
            f"{r['p95_ms']:.0f} | {r['p99_ms']:.0f} | {r['errors']:.0f}"
            f"{f' ({kinds})' if kinds else ''} | {100 * r['client_cpu']:.0f} % | {r['load']:.2f} |"
        )
    one = rows["compute explorer, 1 client"]
    lines += [
        "",
        f"With {clients} clients each waiting for its answer before asking again, latency is "
        "about clients / throughput: the p50 above is the queue, the 1-client rows are the "
        f"request itself (compute explorer: {one['p50_ms']:.1f} ms). The aim of p95 under "
        f"200 ms at {clients} clients needs about {clients / 0.17:.0f} req/s (mean latency "
        "near 170 ms), i.e. under 4 ms a request on this machine.",
        "",
        f"Engine work per answer, in-process (best of 5 × 200): compute explorer "
        f"{eng['explorer']:.2f} ms (one batch, rows without pandas, the 9 break-even solves in "
        f"one vectorised solve) against {eng['explorer_ref']:.2f} ms the reference way "
        f"(`tco_frame` serialised + 9 scalar `breakeven` calls; same answer, held equal by "
        f"`tests/test_web_explorer.py`): {eng['explorer_ref'] / eng['explorer']:.1f}x; "
        f"classify of 3 chips with reasons, JSON included: {eng['classify']:.2f} ms (input "
        f"columns from the catalog items, rows as plain values, the rule selection memoised) "
        f"against {eng['classify_ref']:.2f} ms through the engine's frame interface "
        f"(`spec_frame` → `classify_frame` → `document`; same bytes, asserted here and held "
        f"by `tests/test_classify_answers.py`): {eng['classify_ref'] / eng['classify']:.1f}x.",
    ]
    c = rows["classify"]
    lines += [
        "",
        f"Reference for classify: a fresh `chipwar classify` process per question takes "
        f"{1000 * cli_s:.0f} ms (median of 3); the server answers the same kind of question at "
        f"p50 {c['p50_ms']:.0f} ms under {clients} clients, "
        f"{1000 * cli_s / c['p50_ms']:.1f}x faster per request, and serves "
        f"{c['rps'] * cli_s:.1f}x the questions per second of one CLI process at a time.",
    ]
    name = "web" if args.workers == 1 else f"web-{args.workers}-workers"
    write_section(name + ("-no-cache" if args.no_cache else ""), "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
