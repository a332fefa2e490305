"""Structure-aware fuzzing of every input chipwar reads (issue 14).

Each input kind starts from a valid document (a shipped example or a small hand-made one) and
hypothesis mutates it the way a careless or hostile user would: values replaced by wrong types,
non-finite numbers, huge or negative numbers, booleans, markup, odd Unicode and long strings;
keys deleted, added or duplicated; the text truncated, nested deeply, or made into an alias bomb.
Every case runs the real CLI in-process (``typer.testing.CliRunner`` isolation around
``chipwar.cli.main.main``) and must end in one of two ways:

* exit 0, and any JSON printed parses without NaN/Infinity, with the command's key numbers
  finite and in range (``_sane``); or
* exit 2 with a message on stderr and no traceback.

Anything else (an exception escaping ``main``, another exit code, a case running longer than
``CHIPWAR_FUZZ_CASE_TIMEOUT`` seconds) fails the test. Memory is capped through
``CHIPWAR_MAX_MEMORY_BYTES`` (2 GiB) so that a request for too much work is refused, not run.

Examples per kind: ``CHIPWAR_FUZZ_EXAMPLES`` (default 12, so the whole file stays well under a
minute in CI). A release run (docs/limits.md, "Fuzzing before a release"):
``CHIPWAR_FUZZ_EXAMPLES=10000 CHIPWAR_FUZZ_REPORT=fuzz.jsonl pytest tests/test_fuzz_inputs.py``;
each test then appends its kind, the number of cases run and their exit codes to the report.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import signal
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from chipwar.cli.main import main

ROOT = Path(__file__).parents[1]
EXAMPLES = int(os.environ.get("CHIPWAR_FUZZ_EXAMPLES", "12"))
CASE_TIMEOUT_S = int(os.environ.get("CHIPWAR_FUZZ_CASE_TIMEOUT", "120"))
REPORT = os.environ.get("CHIPWAR_FUZZ_REPORT")
WORK = Path(tempfile.mkdtemp(prefix="chipwar-fuzz-"))
FUZZ_ENV = {"CHIPWAR_MAX_MEMORY_BYTES": str(2 * 2**30)}

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)

# ------------------------------------------------------------------------------- the harness


class _Timeout(Exception):
    """A case ran longer than CASE_TIMEOUT_S (a hang is a failure, like a traceback)."""


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout(f"a fuzz case ran longer than {CASE_TIMEOUT_S} s")


class Tally:
    """Cases run and exit codes of one kind, appended to ``REPORT`` when the test ends."""

    def __init__(self, kind: str, seed: str | None = None) -> None:
        self.kind, self.seed = kind, seed
        self.codes, self.start = Counter[int](), time.perf_counter()

    def write(self, passed: bool) -> None:
        if REPORT:
            row = {
                "kind": self.kind,
                "cases": sum(self.codes.values()),
                "exit_codes": {str(k): v for k, v in sorted(self.codes.items())},
                "passed": passed,
                "seconds": round(time.perf_counter() - self.start, 1),
                "examples_setting": EXAMPLES,
                "hypothesis_seed": self.seed,
            }
            with open(REPORT, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(row) + "\n")


@pytest.fixture
def tally(request: pytest.FixtureRequest) -> Iterator[Tally]:
    seed = request.config.getoption("hypothesis_seed", None)
    t = Tally(request.node.name.removeprefix("test_fuzz_"), None if seed is None else str(seed))
    failed_before = request.session.testsfailed
    yield t
    t.write(passed=request.session.testsfailed == failed_before)


_RUNNER = CliRunner()


def _no_constants(word: str) -> Any:
    raise AssertionError(f"JSON output holds {word}")


def run_cli(argv: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run ``chipwar argv`` in-process; (exit code, stdout, stderr). Exceptions propagate."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(CASE_TIMEOUT_S)
    try:
        with _RUNNER.isolation(env={**FUZZ_ENV, **(env or {})}) as streams:
            code = main(argv)
            out = streams[0].getvalue().decode("utf-8", "replace")
            err = streams[1].getvalue().decode("utf-8", "replace")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return code, out, err


def check(
    tally: Tally,
    argv: list[str],
    env: dict[str, str] | None = None,
    sane: Callable[[Any], None] | None = None,
) -> None:
    """One case: exit 0 with a sane answer, or exit 2 with a message and no traceback."""
    code, out, err = run_cli(argv, env)
    tally.codes[code] += 1
    assert code in (0, 2), (code, argv, err[-2000:])
    assert "Traceback" not in err and "Traceback" not in out, err[-2000:]
    if code == 2:
        assert err.strip(), ("exit 2 without a message", argv)
        return
    if "-f" in argv and argv[argv.index("-f") + 1] == "json":
        payload = json.loads(out, parse_constant=_no_constants)
        if sane is not None:
            sane(payload)


def _numbers(payload: Any, key: str) -> list[Any]:
    """Every value of ``key`` anywhere in ``payload``."""
    found, stack = [], [payload]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if key in item:
                found.append(item[key])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _finite_positive(*keys: str) -> Callable[[Any], None]:
    def sane(payload: Any) -> None:
        for key in keys:
            for value in _numbers(payload, key):
                assert isinstance(value, int | float) and not isinstance(value, bool), (key, value)
                assert 0 < value < 1e300, (key, value)

    return sane


def _fractions(*keys: str) -> Callable[[Any], None]:
    def sane(payload: Any) -> None:
        for key in keys:
            for value in _numbers(payload, key):
                if value is not None:
                    assert isinstance(value, int | float) and 0 <= value <= 1 + 1e-9, (key, value)

    return sane


def _write(name: str, text: str | bytes) -> str:
    path = WORK / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return str(path)


# ---------------------------------------------------------------------------- the strategies

ODD_STRINGS = [
    "",
    " ",
    "inf",
    "-inf",
    "nan",
    "NaN",
    "1e999",
    "-1e999",
    "1e308",
    "0x10",
    "1_000",
    "true",
    "null",
    "~",
    "[bold]x[/]",
    "[/x]",
    ":smile:",
    "\udcff",
    "\ud800",
    "華為",
    "\u202eabc",
    "\x00",
    "a\nb",
    "2025-02-30",
    "2025-13-01",
    "0001-01-01",
    "9999-12-31",
    "-1",
    "0",
    "1e-320",
    "x" * 300,
    "nvidia-h20",
    "cn-guizhou",
    "baseline",
    "default",
    "US",
    "CN",
    "EAR99",
]

odd_values = st.one_of(
    st.sampled_from(ODD_STRINGS),
    st.sampled_from([0, -1, 1, 2**63, -(2**63), 10**30, 10**400, True, False, None]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.text(max_size=12),
    st.lists(st.integers(-3, 3), max_size=3),
    st.dictionaries(
        st.sampled_from(["a", "low", "base", "high", "id", "x"]), st.integers(-5, 5), max_size=3
    ),
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value in ``doc`` (the root is ``()``)."""
    out = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            out += _paths(value, (*prefix, i))
    return out


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


@st.composite
def mutated(draw: st.DrawFn, base: Any) -> Any:
    """``base`` with one to three structure-aware mutations."""
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths))
        op = draw(
            st.sampled_from(["replace", "replace", "replace", "delete", "add", "wrap", "dup"])
        )
        if not path:
            if op == "replace":
                doc = draw(odd_values)
            continue
        parent, last = _get(doc, path[:-1]), path[-1]
        if op == "replace":
            parent[last] = draw(odd_values)
        elif op == "delete":
            del parent[last]
        elif op == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["bogus", 1, "id", "source", "note", "x" * 80]))] = draw(
                odd_values
            )
        elif op == "add" and isinstance(parent, list):
            parent.append(draw(odd_values))
        elif op == "wrap":
            parent[last] = [parent[last]] if draw(st.booleans()) else {"x": parent[last]}
        elif op == "dup" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))
    return doc


def _dump(doc: Any, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(doc, ensure_ascii=False, default=str)
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


@st.composite
def text_of(draw: st.DrawFn, base: Any, fmt: str) -> str:
    """A mutated document as text, sometimes with a text-level mutation on top."""
    text = _dump(draw(mutated(base)), fmt)
    trick = draw(st.sampled_from(["none"] * 6 + ["truncate", "deep", "bomb", "dupkey", "junk"]))
    if trick == "truncate" and text:
        text = text[: draw(st.integers(0, len(text) - 1))]
    elif trick == "deep":
        n = draw(st.sampled_from([60, 70, 500, 5000]))
        text = (
            ('{"x": ' if fmt == "json" else "x: ")
            + "[" * n
            + "]" * n
            + ("}" if fmt == "json" else "")
        )
    elif trick == "bomb" and fmt == "yaml":
        text = (
            "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
            + "".join(
                f"{c}: &{c} [{','.join(['*' + p] * 10)}]\n"
                for p, c in zip("abcdefg", "bcdefgh", strict=True)
            )
            + text
        )
    elif trick == "dupkey" and fmt == "yaml":
        lines = text.splitlines()
        if lines:
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            text = "\n".join(lines) + "\n"
    elif trick == "junk":
        text += draw(st.sampled_from(["\x00", "\ufeff", "\udcff", "{{", ":\n  - ]", "\t\t"]))
    return text


def _load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _csv_text(header: list[str], rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


@st.composite
def csv_text(draw: st.DrawFn, header: list[str], rows: list[list[str]]) -> str:
    """A mutated CSV: cells replaced, rows made short or long, columns renamed or repeated,
    a huge cell, or the text truncated."""
    head = list(header)
    body = [list(r) for r in rows]
    for _ in range(draw(st.integers(1, 3))):
        op = draw(
            st.sampled_from(
                [
                    "cell",
                    "cell",
                    "cell",
                    "short",
                    "long",
                    "header",
                    "huge",
                    "truncate",
                    "dup",
                    "empty",
                ]
            )
        )
        if op == "cell" and body:
            r = draw(st.integers(0, len(body) - 1))
            c = draw(st.integers(0, len(body[r]) - 1)) if body[r] else 0
            if body[r]:
                body[r][c] = str(draw(odd_values))
        elif op == "short" and body:
            body[-1] = body[-1][: draw(st.integers(0, max(0, len(body[-1]) - 1)))]
        elif op == "long" and body:
            body[0] = [*body[0], "extra"]
        elif op == "header" and head:
            head[draw(st.integers(0, len(head) - 1))] = draw(st.sampled_from(["", "x", head[0]]))
        elif op == "huge" and body and body[0]:
            body[0][0] = "x" * draw(st.sampled_from([1000, 131_073, 200_000]))
        elif op == "dup" and body:
            body.append(list(body[0]))
        elif op == "empty":
            body = []
    text = _csv_text(head, body)
    if draw(st.integers(0, 9)) == 0:
        text = text[: draw(st.integers(0, len(text)))]
    return text


# ------------------------------------------------------------------------- the base documents

COMPUTE_SCENARIO = _load_yaml(ROOT / "scenarios" / "compute-china-policy-capital.yaml")
SPEC = _load_yaml(ROOT / "scenarios" / "compute-spec-example.yaml")
MODEL_SPEC = {
    **_load_yaml(ROOT / "src" / "chipwar" / "data" / "models.yaml")[0],
    "id": "my-model",
    "name": "My model",
}
BOM_ROWS = list(csv.reader(io.StringIO((ROOT / "scenarios" / "bom-example.csv").read_text())))
BOM_YAML = {
    "product_value_usd": 1000.0,
    "parts": [
        {"part": "gpu", "origin": "US", "value_usd": 400.0, "classification": "3A090"},
        {"part": "magnet", "origin": "CN", "value_usd": 20.0, "rare_earth_value_usd": 5.0},
    ],
}
PARTY_HEADER = ["id", "name", "list", "listed_from", "listed_to", "aliases"]
PARTY_ROWS = [
    ["acme-1", "Acme Semiconductor Ltd", "Entity List", "2020-01-01", "", "Acme|ACME Semi"],
    ["bolt-2", "Bolt Devices", "Entity List", "2021-05-01", "2024-01-01", ""],
]
CSL_JSON = json.loads((ROOT / "src" / "chipwar" / "data" / "csl_sample.json").read_text())
CSL_JSON["results"] = CSL_JSON["results"][:3]
CSL_CSV_ROWS = list(
    csv.reader(io.StringIO((ROOT / "src" / "chipwar" / "data" / "csl_sample.csv").read_text()))
)[:4]
OWNERSHIP_YAML = {
    "entities": [
        {"id": "hold-co", "name": "Hold Co", "country": "CN", "source": ["x-src"]},
        {"id": "sub-co", "name": "Sub Co", "country": "CN", "source": ["x-src"]},
    ],
    "edges": [
        {
            "owner": "hold-co",
            "owned": "sub-co",
            "share": 0.6,
            "valid_from": "2020-01-01",
            "source": ["x-src"],
        },
    ],
}
OWNERSHIP_HEADER = ["owner_id", "owned_id", "share", "valid_from", "valid_to"]
OWNERSHIP_ROWS = [["a-co", "b-co", "0.6", "2020-01-01", ""], ["b-co", "c-co", "0.9", "", ""]]
SUPPLY = _load_yaml(ROOT / "scenarios" / "nexperia-2025.yaml")
DYNAMICS = _load_yaml(ROOT / "scenarios" / "dynamics-baseline.yaml")
ASSUMPTION_NAMES = [
    "cost_of_capital",
    "life_years",
    "facility_life_years",
    "average_load",
    "other_opex_fraction",
    "host_power_overhead",
    "server_capex_overhead",
    "utilization.huawei",
    "utilization.default",
    "facility_capex_usd_per_kw.CN",
    "price_usd_per_kwh",
    "pue",
    "bogus",
]

TCO = ["tco", "-c", "nvidia-h20", "-s", "cn-guizhou", "-f", "json"]
TCO_SANE = _finite_positive("usd_per_accelerator_hour", "usd_per_pflop_hour")

# ---------------------------------------------------------------------------------- the kinds


@SETTINGS
@given(fmt=st.sampled_from(["yaml", "json"]), data=st.data())
def test_fuzz_compute_scenario(tally: Tally, fmt: str, data: st.DataObject) -> None:
    text = data.draw(text_of(COMPUTE_SCENARIO, fmt))
    check(tally, [*TCO, "--scenario", _write(f"scenario.{fmt}", text)], sane=TCO_SANE)


@SETTINGS
@given(fmt=st.sampled_from(["yaml", "json"]), data=st.data())
def test_fuzz_spec(tally: Tally, fmt: str, data: st.DataObject) -> None:
    path = _write(f"spec.{fmt}", data.draw(text_of(SPEC, fmt)))
    command = data.draw(st.sampled_from(["tco", "classify"]))
    if command == "tco":
        check(tally, ["tco", "--spec", path, "-f", "json"], sane=TCO_SANE)
    else:
        check(tally, ["classify", "--spec", path, "-c", "my-npu", "-f", "json"])


@SETTINGS
@given(fmt=st.sampled_from(["yaml", "json"]), data=st.data())
def test_fuzz_model_spec(tally: Tally, fmt: str, data: st.DataObject) -> None:
    path = _write(f"models.{fmt}", data.draw(text_of([MODEL_SPEC], fmt)))
    argv = [
        "infer",
        "--model-spec",
        path,
        "-m",
        "my-model",
        "-c",
        "nvidia-h20",
        "-s",
        "cn-guizhou",
        "-f",
        "json",
    ]
    check(tally, argv, sane=_finite_positive("usd_per_mtok", "decode_tokens_per_s_per_chip"))


@SETTINGS
@given(kind=st.sampled_from(["csv", "yaml", "json"]), data=st.data())
def test_fuzz_bom(tally: Tally, kind: str, data: st.DataObject) -> None:
    if kind == "csv":
        text = data.draw(csv_text(BOM_ROWS[0], BOM_ROWS[1:]))
    else:
        text = data.draw(text_of(BOM_YAML, kind))
    argv = ["content", "--bom", _write(f"bom.{kind}", text), "-f", "json"]
    if data.draw(st.booleans()):
        argv += ["--product-value", str(data.draw(odd_values))]
    check(tally, argv, sane=_fractions("share"))


@SETTINGS
@given(data=st.data())
def test_fuzz_parties(tally: Tally, data: st.DataObject) -> None:
    path = _write("parties.csv", data.draw(csv_text(PARTY_HEADER, PARTY_ROWS)))
    name = data.draw(st.sampled_from(["Acme Semiconductor", "Bolt", "[bold]Acme", "華為"]))
    check(tally, ["screen", name, "--parties", path, "-f", "json"], sane=_fractions("score"))


@SETTINGS
@given(kind=st.sampled_from(["json", "csv"]), data=st.data())
def test_fuzz_csl(tally: Tally, kind: str, data: st.DataObject) -> None:
    if kind == "json":
        text = data.draw(text_of(CSL_JSON, "json"))
    else:
        text = data.draw(csv_text(CSL_CSV_ROWS[0], CSL_CSV_ROWS[1:]))
    path = _write(f"csl.{kind}", text)
    check(tally, ["screen", "Huawei", "--parties", path, "-f", "json"], sane=_fractions("score"))


@SETTINGS
@given(kind=st.sampled_from(["yaml", "json", "csv"]), data=st.data())
def test_fuzz_ownership(tally: Tally, kind: str, data: st.DataObject) -> None:
    if kind == "csv":
        text = data.draw(csv_text(OWNERSHIP_HEADER, OWNERSHIP_ROWS))
        entity = "c-co"
    else:
        text = data.draw(text_of(OWNERSHIP_YAML, kind))
        entity = "sub-co"
    argv = [
        "ownership",
        "--entity",
        entity,
        "--ownership",
        _write(f"own.{kind}", text),
        "-f",
        "json",
    ]
    check(tally, argv, sane=_fractions("share", "aggregate_listed_share"))


@SETTINGS
@given(data=st.data())
def test_fuzz_queries(tally: Tally, data: st.DataObject) -> None:
    rows = [["Huawei Technologies"], ["Acme"], ["中芯国际"]]
    path = _write("queries.csv", data.draw(csv_text(["name"], rows)))
    argv = ["screen", "--file", path, "-f", data.draw(st.sampled_from(["json", "csv", "table"]))]
    check(tally, argv, sane=_fractions("score"))


@SETTINGS
@given(data=st.data())
def test_fuzz_set(tally: Tally, data: st.DataObject) -> None:
    sets = []
    for _ in range(data.draw(st.integers(1, 3))):
        name = data.draw(st.sampled_from(ASSUMPTION_NAMES))
        if data.draw(st.integers(0, 2)):  # two in three: a number in a plausible range
            value = repr(data.draw(st.floats(0.001, 1.0)))
            sets += ["--set", f"{name}={value}"]
            continue
        value = data.draw(
            st.one_of(
                odd_values.map(str),
                st.floats().map(repr),
                st.floats(0, 2).map(repr),
                st.sampled_from(
                    ["0.05", "0.5", "1", "3", "1.2", "{low: 0.1, base: 0.2, high: 0.3}"]
                ),
            )
        )
        sets += ["--set", data.draw(st.sampled_from([f"{name}={value}", name, f"={value}"]))]
    check(tally, [*TCO, *sets], sane=TCO_SANE)


@SETTINGS
@given(data=st.data())
def test_fuzz_dates(tally: Tally, data: st.DataObject) -> None:
    date = data.draw(
        st.one_of(
            st.dates().map(str),
            st.sampled_from(ODD_STRINGS),
            st.text(max_size=12),
            st.datetimes().map(str),
        )
    )
    command = data.draw(st.sampled_from(["classify", "content", "tco", "ownership", "tools"]))
    argv = {
        "classify": ["classify", "-c", "nvidia-h20", "--date", date, "-f", "json"],
        "content": [
            "content",
            "--bom",
            str(ROOT / "scenarios" / "bom-example.csv"),
            "--date",
            date,
            "-f",
            "json",
        ],
        "tco": [*TCO, "--date", date],
        "ownership": ["ownership", "--entity", "nexperia-bv", "--date", date, "-f", "json"],
        "tools": ["tools", "classify", "-t", "asml-nxt-2000i", "--date", date, "-f", "json"],
    }[command]
    check(tally, argv)


IDS = st.one_of(
    st.sampled_from(
        [
            "nvidia-h20",
            "NVIDIA-H20",
            "nvidia-h2O",
            "huawei-ascend-910c",
            "cn-guizhou",
            "us-virginia",
            "deepseek-v3",
            "",
            " ",
            ",",
            ",,a",
            "a" * 500,
            "[/x]",
            "../x",
            "nvidia-h20,nvidia-h20",
            "\udcff",
        ]
    ),
    st.text(max_size=20),
)


@SETTINGS
@given(data=st.data())
def test_fuzz_ids(tally: Tally, data: st.DataObject) -> None:
    ident = data.draw(IDS)
    command = data.draw(
        st.sampled_from(
            [
                "tco-chip",
                "tco-site",
                "classify",
                "show",
                "infer",
                "rules",
                "tool",
                "dynamics",
                "supply",
            ]
        )
    )
    argv = {
        "tco-chip": ["tco", "-c", ident, "-s", "cn-guizhou", "-f", "json"],
        "tco-site": ["tco", "-c", "nvidia-h20", "-s", ident, "-f", "json"],
        "classify": ["classify", "-c", ident, "-f", "json"],
        "show": ["data", "show", "accelerators", ident, "-f", "json"],
        "infer": ["infer", "-m", ident, "-c", "nvidia-h20", "-s", "cn-guizhou", "-f", "json"],
        "rules": ["rules", "show", ident, "-f", "json"],
        "tool": ["tools", "classify", "-t", ident, "-f", "json"],
        "dynamics": ["dynamics", "run", ident, "-f", "json"],
        "supply": ["supply", "validate", ident],
    }[command]
    check(tally, argv)


ENV_NAMES = [
    "COLUMNS",
    "CHIPWAR_MAX_DEPTH",
    "CHIPWAR_MAX_FILE_BYTES",
    "CHIPWAR_MAX_CELL_CHARS",
    "CHIPWAR_MAX_ROWS",
    "CHIPWAR_MAX_ALIAS_NODES",
    "CHIPWAR_MAX_MEMORY_BYTES",
]


@SETTINGS
@given(data=st.data())
def test_fuzz_environment(tally: Tally, data: st.DataObject) -> None:
    env = {}
    for _ in range(data.draw(st.integers(1, 3))):
        value = data.draw(
            st.one_of(
                st.sampled_from(
                    [
                        "abc",
                        "",
                        "-1",
                        "0",
                        "1",
                        "10",
                        "1e9",
                        "99999999999999999999",
                        "  64 ",
                        "1_000",
                    ]
                ),
                st.integers(-5, 10**7).map(str),
                st.text(max_size=8).filter(lambda s: "\x00" not in s),
            )
        )
        env[data.draw(st.sampled_from(ENV_NAMES))] = value
    command = data.draw(st.sampled_from(["list", "tco", "spec", "screen"]))
    argv = {
        "list": ["data", "list", "accelerators", "-f", "json"],
        "tco": TCO,
        "spec": [
            "tco",
            "--spec",
            str(ROOT / "scenarios" / "compute-spec-example.yaml"),
            "-f",
            "json",
        ],
        "screen": ["screen", "Huawei", "-f", "table"],
    }[command]
    check(tally, argv, env=env)


@SETTINGS
@given(fmt=st.sampled_from(["yaml", "json"]), data=st.data())
def test_fuzz_supply_scenario(tally: Tally, fmt: str, data: st.DataObject) -> None:
    path = _write(f"supply.{fmt}", data.draw(text_of(SUPPLY, fmt)))
    argv = ["supply", "run", path, "--days", "10", "-f", "json"]
    if data.draw(st.booleans()):
        argv = ["supply", "validate", path, "-f", "json"]
    check(tally, argv, sane=_finite_nonnegative("lost_units", "total_lost_units"))


def _finite_nonnegative(*keys: str) -> Callable[[Any], None]:
    def sane(payload: Any) -> None:
        for key in keys:
            for value in _numbers(payload, key):
                assert isinstance(value, int | float) and 0 <= value < 1e300, (key, value)

    return sane


@SETTINGS
@given(fmt=st.sampled_from(["yaml", "json"]), data=st.data())
def test_fuzz_dynamics_scenario(tally: Tally, fmt: str, data: st.DataObject) -> None:
    path = _write(f"dynamics.{fmt}", data.draw(text_of(DYNAMICS, fmt)))
    check(tally, ["dynamics", "run", path, "-f", "json"], sane=_fractions("domestic_share"))


@SETTINGS
@given(data=st.data())
def test_fuzz_size_options(tally: Tally, data: st.DataObject) -> None:
    """Every size-like option with odd numbers: refused before work, or answered."""
    number = data.draw(
        st.one_of(
            st.sampled_from(
                [
                    "0",
                    "-1",
                    "1",
                    "2",
                    "1e9",
                    "100000",
                    "3651",
                    "30000001",
                    "inf",
                    "nan",
                    "9" * 30,
                    "abc",
                ]
            ),
            st.integers(-10, 10**6).map(str),
        )
    )
    command = data.draw(
        st.sampled_from(
            [
                "tco-n",
                "supply-n",
                "supply-days",
                "critical",
                "dyn-n",
                "batch",
                "context",
                "chips",
                "top",
                "calibrate-n",
                "check-samples",
            ]
        )
    )
    small = ["supply", "run", "nexperia-2025", "-f", "json"]
    argv = {
        "tco-n": [*TCO, "-n", number],
        "supply-n": [*small, "--days", "5", "-n", number],
        "supply-days": [*small, "--days", number],
        "critical": [
            "supply",
            "critical",
            "nexperia-2025",
            "--days",
            "5",
            "--outage-days",
            number,
            "-f",
            "json",
        ],
        "dyn-n": ["dynamics", "run", "baseline", "-n", number, "-f", "json"],
        "batch": [
            "infer",
            "-m",
            "llama-3.1-8b",
            "-c",
            "nvidia-h20",
            "-s",
            "cn-guizhou",
            "-b",
            number,
            "-f",
            "json",
        ],
        "context": [
            "infer",
            "-m",
            "llama-3.1-8b",
            "-c",
            "nvidia-h20",
            "-s",
            "cn-guizhou",
            "-l",
            number,
            "-f",
            "json",
        ],
        "chips": [
            "train",
            "-m",
            "llama-3.1-8b",
            "-d",
            "1e12",
            "-c",
            "nvidia-h20",
            "-s",
            "cn-guizhou",
            "-k",
            number,
            "-f",
            "json",
        ],
        "top": ["supply", "critical", "nexperia-2025", "--days", "5", "--top", number],
        "calibrate-n": [
            "supply",
            "calibrate",
            "nexperia-2025-prior",
            "--observations",
            "nexperia-2025",
            "-n",
            number,
            "--check-samples",
            "2",
            "-f",
            "json",
        ],
        "check-samples": [
            "supply",
            "calibrate",
            "nexperia-2025-prior",
            "--observations",
            "nexperia-2025",
            "-n",
            "100",
            "--check-samples",
            number,
            "-f",
            "json",
        ],
    }[command]
    heavy = {"supply-n", "dyn-n", "calibrate-n", "check-samples", "tco-n"}
    env = None
    if command in heavy and number.isdigit() and int(number) > 2_000:
        # Large but allowed counts run for seconds to minutes; here it is enough that they are
        # refused cleanly by the memory check (a 1-byte budget), as the cap itself is tested
        # in test_input_safety.
        env = {"CHIPWAR_MAX_MEMORY_BYTES": "1"}
    check(tally, argv, env=env)
