"""classify_frame builds its explained rows (``reasons=True``: one request, a report table) and
its bulk rows (``reasons=False``: categorical columns for millions of specs) separately; both
must say the same thing, and the explained rows must hold plain Python values (callers test
``license_required is False``; the JSON documents carry them as they are)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from chipwar.catalog import load_accelerators
from chipwar.controls.classify import COLUMNS, _resolve_chips, classify_frame, spec_frame
from chipwar.controls.systems import load_systems

DATES = [dt.date(2022, 11, 1), dt.date(2023, 11, 20), dt.date(2025, 5, 1), dt.date(2026, 6, 1)]


@pytest.mark.parametrize("day", DATES)
@pytest.mark.parametrize("destination", ["CN", "AE", "DE"])
def test_explained_rows_equal_bulk_rows(day: dt.date, destination: str) -> None:
    ids = list(load_accelerators()) + list(load_systems())
    specs = spec_frame(_resolve_chips(ids))
    explained = classify_frame(specs, destination, day, missing="flag")
    bulk = classify_frame(specs, destination, day, missing="flag", reasons=False)
    assert list(explained.columns) == COLUMNS
    assert len(explained) == len(bulk) == len(ids)
    for col in bulk.columns:
        want = bulk[col].astype(object).tolist()
        got = explained[col].tolist()
        if col in ("tpp", "performance_density"):
            np.testing.assert_array_equal(np.array(got, float), np.array(want, float))
        else:
            assert got == want, col
    assert explained["tpp"].dtype == float and explained["performance_density"].dtype == float
    plain = {
        "chip": str, "date": dt.date, "destination": str, "transaction": str, "end_user_hq": str,
        "rule_version": str, "eccn": str, "rules_reviewed_through": dt.date, "stale": bool,
        "reasons": list,
    }  # fmt: skip
    for col, kind in plain.items():
        assert explained[col].dtype == object, col
        assert all(type(v) is kind for v in explained[col]), col
    assert all(v is None or type(v) is bool for v in explained["license_required"])
    assert all(v is None or type(v) is str for v in explained["license_policy"])
    assert explained["reasons"].map(len).min() >= 1
