"""Saved answers of ``chipwar classify`` (the command behind ``/api/v1/classify`` and the CLI's
``--format json``) for many questions: every catalog chip and system, every rule change date
and the day before it, several destinations, the three transactions, end users headquartered
elsewhere, 3-chip requests like the load test's, timelines, custom specs, and the messages of
refused questions. Each answer is kept as the SHA-256 of its exact bytes (the compact JSON the
API sends, the notes, or the error message), so a change in the engine's speed work that
alters one byte of one answer fails ``tests/test_classify_answers.py``.

The answers were written from main at 42b8b0c, before the per-request work of classify was
cut (issue 18). When the rule data or the catalog change on purpose, write them again:

    .venv/bin/python tests/_classify_answers.py --write
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _specs import H20_LIKE

ANSWERS = Path(__file__).with_name("data") / "classify_answers.json"
DESTINATIONS = ["CN", "MO", "AE", "DE", "SA", "VN"]
TRANSACTIONS = ["export", "reexport", "transfer"]
BENCH_CHIPS = ["nvidia-h20", "nvidia-h100-sxm", "huawei-ascend-910b", "huawei-ascend-910c",
               "nvidia-b200", "amd-mi300x", "nvidia-h200", "nvidia-a100-sxm"]  # fmt: skip
# Custom specs: a complete one near the thresholds, and ones missing what a test needs.
SPECS = {
    "complete": H20_LIKE,
    "no-die-area": """\
- id: my-npu
  name: My NPU
  vendor: Example
  designer_country: CN
  dense_tflops: {bf16: 900}
  memory_bandwidth_tbps: 3.2
  interconnect_gbps: 900
  datacenter: true
  source: [swkelly-chipdata]
""",
    "no-bandwidth-small": """\
- id: small-edge
  name: Small edge part
  vendor: Example
  designer_country: US
  dense_tflops: {int8: 400}
  die_area_mm2: 300
  datacenter: false
  source: [swkelly-chipdata]
""",
    "no-interconnect-mid": """\
- id: mid-part
  name: Mid part
  vendor: Example
  designer_country: US
  dense_tflops: {fp16: 190}
  memory_bandwidth_tbps: 1.6
  die_area_mm2: 600
  datacenter: true
  source: [swkelly-chipdata]
""",
}


def dates() -> list[dt.date]:
    from chipwar.controls.classify import change_dates

    days = {dt.date(2022, 1, 3), dt.date(2026, 12, 3)}
    for day in change_dates():
        days |= {day, day - dt.timedelta(days=1)}
    return sorted(days)


def questions() -> Iterator[tuple[str, dict[str, Any]]]:
    """(case id, keyword arguments of ``chipwar.commands.controls.classify``)."""
    from chipwar.catalog import load_accelerators
    from chipwar.controls.systems import load_systems

    ids = list(load_accelerators()) + list(load_systems())
    for day in dates():
        d = day.isoformat()
        for dest in DESTINATIONS:
            yield f"all {d} {dest}", {"all_": True, "date": d, "destination": dest}
            yield f"ids {d} {dest}", {"chip": [",".join(ids)], "date": d, "destination": dest}
        for dest in ("CN", "AE"):
            for tx in TRANSACTIONS[1:]:
                yield f"all {d} {dest} {tx}", {
                    "all_": True, "date": d, "destination": dest, "transaction": tx,
                }  # fmt: skip
            for hq in ("CN", "MO"):
                if hq != dest:
                    yield f"all {d} {dest} hq={hq}", {
                        "all_": True, "date": d, "destination": dest, "end_user_hq": hq,
                    }  # fmt: skip
        for k in range(len(BENCH_CHIPS)):
            three = [BENCH_CHIPS[(k + i) % len(BENCH_CHIPS)] for i in range(3)]
            yield f"three {d} {k}", {"chip": [",".join(three)], "date": d}
    for chip in ids:
        for dest in ("CN", "AE", "DE"):
            yield f"timeline {chip} {dest}", {"chip": [chip], "destination": dest, "timeline": True}
    for day in ("2023-11-20", "2025-05-01", "2026-06-01"):
        yield f"bad transaction {day}", {"chip": ["nvidia-h20"], "date": day, "transaction": "x"}
        yield f"bad destination {day}", {"chip": ["nvidia-h20"], "date": day, "destination": "XX"}
        yield f"bad hq {day}", {"chip": ["nvidia-h20"], "date": day, "end_user_hq": "QQ"}
        yield f"bad chip {day}", {"chip": ["nvidia-h2"], "date": day}


def spec_questions() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(case id, spec name, keyword arguments without ``spec``)."""
    for name in SPECS:
        for day in ("2022-11-01", "2023-11-20", "2025-02-01", "2025-05-01", "2026-06-01"):
            for dest in ("CN", "AE", "DE"):
                yield f"spec {name} {day} {dest}", name, {"date": day, "destination": dest}


def answer_bytes(kwargs: dict[str, Any]) -> bytes:
    """What the API would send: the compact JSON document and the notes, or the refusal."""
    from chipwar.commands.controls import classify
    from chipwar.errors import ChipwarError
    from chipwar.web.pages import json_bytes

    try:
        result = classify(**kwargs)
    except ChipwarError as exc:
        return f"{type(exc).__name__}: {exc}".encode()
    notes = json.dumps([*result.warnings, *result.notes]).encode()
    return json_bytes(result.document()) + b"\n" + notes


def answers() -> dict[str, str]:
    """Case id -> SHA-256 of the answer's bytes."""
    out = {key: _digest(answer_bytes(kw)) for key, kw in questions()}
    with tempfile.TemporaryDirectory() as tmp:
        for key, name, kw in spec_questions():
            path = Path(tmp) / f"{name}.yaml"
            path.write_text(SPECS[name], encoding="utf-8")
            out[key] = _digest(answer_bytes({**kw, "spec": path}))
    return out


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/_classify_answers.py --write")
    ANSWERS.parent.mkdir(exist_ok=True)
    ANSWERS.write_text(json.dumps(answers(), indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {ANSWERS}")
