"""Benchmark: what the safe reading layer (issue 14) costs over the plain parsers.

``catalog.io.parse_structured`` / ``parse_csv`` (limits, duplicate keys, alias expansion,
non-finite numbers, lone surrogates) against the straightforward reference a reader would
otherwise write: ``yaml.safe_load`` (the pure-Python SafeLoader: the one the safe layer extends;
the C loader is also shown), ``json.loads`` and ``csv.DictReader``. Inputs: every shipped YAML
data file, a synthetic Consolidated-Screening-List-like JSON and a synthetic CSV. Both sides must
return equal data.

``python benchmarks/bench_io.py`` (``--big`` for 10x larger synthetic inputs).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _results import best_of, write_section
from chipwar.catalog.io import DATA_DIR, parse_csv, parse_structured

BIG = "--big" in sys.argv
N_RECORDS = 200_000 if BIG else 20_000
N_ROWS = 1_000_000 if BIG else 100_000


def synthetic_csl(n: int) -> str:
    rows = [
        {
            "id": f"x-{i}",
            "source": "Entity List (EL) - Bureau of Industry and Security",
            "name": f"Company {i} Technology Co., Ltd.",
            "alt_names": [f"Alias {i}", f"别名 {i}"],
            "addresses": [{"city": "Shenzhen", "country": "CN"}],
            "start_date": "2020-01-01",
            "score": i / n,
        }
        for i in range(n)
    ]
    return json.dumps({"results": rows}, ensure_ascii=False)


def synthetic_csv(n: int) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["owner_id", "owned_id", "share", "valid_from", "valid_to"])
    writer.writerows([f"e{i}", f"e{i + 1}", "0.5", "2020-01-01", ""] for i in range(n))
    return buf.getvalue()


def main() -> None:
    yaml_files = sorted(DATA_DIR.rglob("*.yaml"))
    texts = [(str(p), p.read_text(encoding="utf-8")) for p in yaml_files]
    n_bytes = sum(len(t.encode()) for _, t in texts)

    def ours_yaml() -> list[object]:
        return [parse_structured(t, "yaml", n) for n, t in texts]

    def ref_yaml() -> list[object]:
        return [yaml.load(t, Loader=yaml.SafeLoader) for _, t in texts]

    def ref_yaml_c() -> list[object]:
        return [yaml.load(t, Loader=yaml.CSafeLoader) for _, t in texts]

    assert ours_yaml() == ref_yaml()
    t_ours_yaml, t_ref_yaml, t_ref_c = (best_of(3, f) for f in (ours_yaml, ref_yaml, ref_yaml_c))

    body = synthetic_csl(N_RECORDS)
    assert parse_structured(body, "json", "csl") == json.loads(body)
    t_ours_json = best_of(3, lambda: parse_structured(body, "json", "csl"))
    t_ref_json = best_of(3, lambda: json.loads(body))

    table = synthetic_csv(N_ROWS)
    ours_rows = list(parse_csv(table, "own.csv"))
    assert ours_rows == list(csv.DictReader(io.StringIO(table)))
    t_ours_csv = best_of(3, lambda: parse_csv(table, "own.csv"))
    t_ref_csv = best_of(3, lambda: list(csv.DictReader(io.StringIO(table))))

    lines = [
        "## input safety: the reading layer vs. plain parsers (`benchmarks/bench_io.py`)",
        "",
        "Same data returned by both sides (asserted). Best of 3 runs.",
        "",
        "| input | size | safe layer [s] | reference [s] | ratio |",
        "|---|---|---|---|---|",
        f"| {len(texts)} shipped YAML files | {n_bytes / 1e6:.2f} MB | {t_ours_yaml:.3f} | "
        f"{t_ref_yaml:.3f} (yaml.SafeLoader) | {t_ours_yaml / t_ref_yaml:.2f}x |",
        f"| same | | | {t_ref_c:.3f} (yaml.CSafeLoader, C) | {t_ours_yaml / t_ref_c:.2f}x |",
        f"| CSL-like JSON, {N_RECORDS:,} records | {len(body.encode()) / 1e6:.1f} MB | "
        f"{t_ours_json:.3f} | {t_ref_json:.3f} (json.loads) | {t_ours_json / t_ref_json:.2f}x |",
        f"| ownership CSV, {N_ROWS:,} rows | {len(table.encode()) / 1e6:.1f} MB | "
        f"{t_ours_csv:.3f} | {t_ref_csv:.3f} (csv.DictReader) | {t_ours_csv / t_ref_csv:.2f}x |",
        "",
        "The YAML checks (depth while composing, alias expansion on the node graph, duplicate "
        "keys, the walk for non-finite numbers, long strings and lone surrogates) run inside the "
        "pure-Python loader; the C loader cannot be hooked, so the safe layer does not use it.",
    ]
    print("\n".join(lines))
    write_section("io", "\n".join(lines))


if __name__ == "__main__":
    main()
