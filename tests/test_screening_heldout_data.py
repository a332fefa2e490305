"""Data integrity of the held-out screening sets (no matching is run here).

Each set (``benchmarks/data/screening_heldout*.yaml``) must load, every query's ``src`` must
resolve in its ``sources:`` block, every non-null ``company`` (and each ``also``) must be the
``name`` of a record in the benchmark list (``benchmarks/data/screening_list.yaml`` entries
plus the shipped ``data/parties.yaml``), and every ``kind`` must be one the held-out bench
reports.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
KINDS = {"en_legal", "en_short", "abbreviation", "acronym", "typo", "pinyin", "zh_hans",
         "zh_hant", "subsidiary", "unlisted", "unlisted_zh"}  # fmt: skip
SETS = (
    "screening_heldout.yaml",
    "screening_heldout2.yaml",
    "screening_heldout3.yaml",
    "screening_heldout4.yaml",
    "screening_heldout5.yaml",
    "screening_heldout6.yaml",
    "screening_heldout7.yaml",
    "screening_heldout8.yaml",
)


def _load(name: str) -> dict[str, Any]:
    out: dict[str, Any] = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    return out


def _registry_urls() -> set[str]:
    """Every URL the name registry's bibliography cites (data/sources/screening*.yaml)."""
    out: set[str] = set()
    for path in (ROOT / "src" / "chipwar" / "data" / "sources").glob("screening*.yaml"):
        for entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).values():
            if isinstance(entry, dict) and entry.get("url"):
                out.add(entry["url"])
    return out


def _list_names() -> set[str]:
    bench = _load("screening_list.yaml")
    parties = yaml.safe_load(
        (ROOT / "src" / "chipwar" / "data" / "parties.yaml").read_text(encoding="utf-8")
    )
    return {e["name"] for e in bench["entries"]} | {p["name"] for p in parties["parties"]}


@pytest.mark.parametrize("name", SETS)
def test_heldout_set_is_consistent(name: str) -> None:
    raw = _load(name)
    sources, queries = raw["sources"], raw["queries"]
    names = _list_names()
    assert queries, name
    assert isinstance(raw.get("collected"), str) and raw["collected"], f"{name}: no collected note"
    bad_src = [q["q"] for q in queries if q["src"] not in sources]
    assert not bad_src, f"{name}: src not in sources: {bad_src[:5]}"
    bad_co = [(q["q"], q["company"]) for q in queries
              if q["company"] is not None and q["company"] not in names]  # fmt: skip
    assert not bad_co, f"{name}: company not a list record name: {bad_co[:5]}"
    bad_also = [(q["q"], a) for q in queries for a in q.get("also", []) if a not in names]
    assert not bad_also, f"{name}: `also` not a list record name: {bad_also[:5]}"
    bad_kind = [(q["q"], q["kind"]) for q in queries if q["kind"] not in KINDS]
    assert not bad_kind, f"{name}: unknown kind: {bad_kind[:5]}"
    neg = [
        q["q"]
        for q in queries
        if q["kind"] in {"subsidiary", "unlisted", "unlisted_zh"} and q["company"] is not None
    ]
    assert not neg, f"{name}: negative kinds must have company null: {neg[:5]}"
    pos = [
        q["q"]
        for q in queries
        if q["kind"] not in {"subsidiary", "unlisted", "unlisted_zh"} and q["company"] is None
    ]
    assert not pos, f"{name}: positive kinds need a company: {pos[:5]}"
    assert all(isinstance(q["q"], str) and q["q"].strip() == q["q"] and q["q"] for q in queries)


def test_heldout_v2_size_mix_and_blindness() -> None:
    """v2: at least 200 queries, about 40 % real unlisted companies, no spent source reused."""
    v1, v2 = _load("screening_heldout.yaml"), _load("screening_heldout2.yaml")
    queries = v2["queries"]
    assert len(queries) >= 200
    unlisted = sum(1 for q in queries if q["kind"] in {"unlisted", "unlisted_zh"})
    assert unlisted / len(queries) >= 0.38
    assert not set(v1["sources"].values()) & set(v2["sources"].values())
    texts = [q["q"] for q in queries]
    assert len(texts) == len(set(texts)), "duplicate query text"


def test_heldout_v3_size_mix_and_blindness() -> None:
    """v3: at least 300 queries from 100+ documents, none of them used by an earlier set;
    positives in every script, real unlisted companies in both."""
    earlier = {u for n in SETS[:2] for u in _load(n)["sources"].values()}
    v3 = _load("screening_heldout3.yaml")
    queries = v3["queries"]
    assert len(queries) >= 300 and len(v3["sources"]) >= 100
    assert not earlier & set(v3["sources"].values())
    kinds = [q["kind"] for q in queries]
    for kind, least in [("zh_hans", 40), ("zh_hant", 25), ("unlisted", 40), ("unlisted_zh", 25)]:
        assert kinds.count(kind) >= least, (kind, kinds.count(kind))
    texts = [q["q"] for q in queries]
    assert len(texts) == len(set(texts)), "duplicate query text"


_LATIN = {"en_legal", "en_short", "abbreviation", "acronym", "pinyin", "typo"}


@pytest.mark.parametrize(
    ("n", "size", "documents", "latin", "least", "subsidiaries", "companies", "per_company"),
    [
        (4, 300, 100, 120, {"zh_hans": 55, "zh_hant": 40, "unlisted": 55, "unlisted_zh": 40},
         (10, 25), 70, 6),
        (5, 240, 80, 80, {"zh_hans": 40, "zh_hant": 30, "unlisted": 40, "unlisted_zh": 30},
         (5, 20), 80, 4),
        (6, 300, 120, 100, {"zh_hans": 55, "zh_hant": 35, "unlisted": 35, "unlisted_zh": 25},
         (20, 45), 90, 6),
        (7, 260, 160, 90, {"zh_hans": 25, "zh_hant": 42, "unlisted": 30, "unlisted_zh": 22},
         (30, 50), 75, 6),
        (8, 250, 170, 85, {"zh_hans": 28, "zh_hant": 28, "unlisted": 32, "unlisted_zh": 22},
         (45, 60), 68, 6),
    ],
)  # fmt: skip
def test_heldout_v4_to_v8_size_mix_and_blindness(
    n: int, size: int, documents: int, latin: int, least: dict[str, int],
    subsidiaries: tuple[int, int], companies: int, per_company: int,
) -> None:  # fmt: skip
    """Sets 4 to 8: enough queries and documents; no document of an earlier set nor one the
    name registry's bibliography cites (the registry was built from them); no query string of
    an earlier set repeated; positives in every script, real unlisted companies in both,
    subsidiaries reported apart; enough distinct listed companies, few queries each."""
    earlier = [_load(name) for name in SETS[: n - 1]]
    raw = _load(SETS[n - 1])
    queries, urls = raw["queries"], set(raw["sources"].values())
    assert len(queries) >= size and len(raw["sources"]) >= documents
    assert not {u for e in earlier for u in e["sources"].values()} & urls
    assert not {q["q"] for e in earlier for q in e["queries"]} & {q["q"] for q in queries}
    registry = _registry_urls()
    assert registry and not registry & urls
    if n >= 5:
        assert {q["src"] for q in queries} == set(raw["sources"]), "unused or missing source"
    kinds = Counter(q["kind"] for q in queries)
    assert sum(kinds[k] for k in _LATIN) >= latin
    for kind, at_least in least.items():
        assert kinds[kind] >= at_least, (kind, kinds[kind])
    assert subsidiaries[0] <= kinds["subsidiary"] <= subsidiaries[1]
    counts = Counter(q["company"] for q in queries if q["company"] is not None)
    assert len(counts) >= companies and max(counts.values()) <= per_company
    texts = [q["q"] for q in queries]
    assert len(texts) == len(set(texts)), "duplicate query text"
