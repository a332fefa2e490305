"""Every saved classify answer (``tests/_classify_answers.py``: 906 questions over all chips and
systems, rule change dates, destinations, transactions, end-user headquarters, timelines,
custom specs and refusals) is given again byte for byte, with the engine's per-book memo cold
and warm, and a reloaded rule book never reuses another book's memo."""

from __future__ import annotations

import json

import pytest

import _classify_answers as saved


@pytest.fixture(scope="module")
def expected() -> dict[str, str]:
    return json.loads(saved.ANSWERS.read_text(encoding="utf-8"))


def test_answers_are_byte_identical_to_the_saved_ones(expected: dict[str, str]) -> None:
    got = saved.answers()
    assert set(got) == set(expected)
    changed = sorted(k for k in got if got[k] != expected[k])
    assert not changed, (
        f"{len(changed)} of {len(got)} classify answers changed, e.g. {changed[:5]}; if the rule "
        "data or the catalog changed on purpose: python tests/_classify_answers.py --write"
    )
