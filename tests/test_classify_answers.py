"""Every saved classify answer (``tests/_classify_answers.py``: 906 questions over all chips and
systems, rule change dates, destinations, transactions, end-user headquarters, timelines,
custom specs and refusals) is given again byte for byte, with the engine's memo of rule
selections cold and warm; the memo is bounded and never serves one rule book's selection to
another (a book read again from changed rule files); the request path's pandas-free input
columns equal the spec frame's."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

import _classify_answers as saved
from chipwar.catalog import load_accelerators
from chipwar.controls import classify as engine
from chipwar.controls.rules import RULES_DIR, load_rules, read_rules
from chipwar.controls.systems import load_systems


@pytest.fixture(scope="module")
def expected() -> dict[str, str]:
    return json.loads(saved.ANSWERS.read_text(encoding="utf-8"))


@pytest.mark.parametrize("memo", ["cold", "warm"])
def test_answers_are_byte_identical_to_the_saved_ones(expected: dict[str, str], memo: str) -> None:
    if memo == "cold":
        engine._SELECTIONS.clear()
    else:
        saved.answers()  # every question's selection is now in the memo
        assert len(engine._SELECTIONS) > 100
    got = saved.answers()
    assert set(got) == set(expected)
    changed = sorted(k for k in got if got[k] != expected[k])
    assert not changed, (
        f"{len(changed)} of {len(got)} classify answers changed, e.g. {changed[:5]}; if the rule "
        "data or the catalog changed on purpose: python tests/_classify_answers.py --write"
    )


def test_a_changed_rule_file_is_not_answered_from_the_memo(tmp_path: Path) -> None:
    """The D:5/Macau requirement of the October 2023 rule, edited to cover Macau only: a book
    read from the edited files answers "no licence" for China while the shipped book, asked
    the same question before and after, keeps "licence required" (presumption of denial)."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    path = rules / "us-bis-2023-10-17.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("destinations: [group:D:5, MO]") == 1
    path.write_text(text.replace("destinations: [group:D:5, MO]", "destinations: [MO]"), "utf-8")
    shipped, edited = load_rules(), read_rules(rules)
    day = dt.date(2024, 1, 10)
    specs = engine.spec_frame(engine._resolve_chips(["nvidia-h100-sxm"]))

    def required(book: object) -> object:
        frame = engine.classify_frame(specs, "CN", day, book=book)  # type: ignore[arg-type]
        return frame["license_required"].iloc[0]

    assert shipped.in_force(day).id == edited.in_force(day).id == "us-bis-2023-10-17"
    assert required(shipped) is True
    assert required(edited) is False
    assert required(shipped) is True
    ver = shipped.in_force(day)
    assert engine.select(ver, shipped, "CN", day) is engine.select(ver, shipped, "CN", day)
    assert engine.select(ver, shipped, "CN", day) is not engine.select(
        edited.in_force(day), edited, "CN", day
    )


def test_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "_SELECTIONS_MAX", 5)
    engine._SELECTIONS.clear()
    book = load_rules()
    days = [dt.date(2025, 1, 1) + dt.timedelta(days=k) for k in range(12)]
    for day in days:
        engine.select(book.in_force(day), book, "CN", day)
        assert len(engine._SELECTIONS) <= 5
    kept = [key[3] for key in engine._SELECTIONS]
    assert kept == days[-5:]  # the least recently used went first


def test_specs_without_pandas_equal_the_spec_frame() -> None:
    items = engine._resolve_chips([*load_accelerators(), *load_systems()])
    fast, framed = engine.Specs.of_items(items), engine.Specs.of_frame(engine.spec_frame(items))
    assert fast.n == framed.n == len(items)
    assert set(fast.metrics) == set(framed.metrics)
    for m in fast.metrics:
        np.testing.assert_array_equal(fast.metrics[m], framed.metrics[m])
    assert np.isnan(fast.metrics["tpp"]).any() or np.isnan(fast.metrics["interconnect_gbps"]).any()
    for name in ("datacenter", "systems", "ids"):
        assert getattr(fast, name).tolist() == getattr(framed, name).tolist(), name
    assert fast.systems.sum() == len(load_systems())
    assert fast.chip.tolist() == framed.chip.tolist() == [i.id for i in items]
