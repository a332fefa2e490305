"""The vectorised TCO kernel equals the readable reference (``compute/tco_reference.py``) over
random inputs (hypothesis), at a tight relative tolerance, for every output column."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipwar.compute.tco import INPUT_NAMES, OUTPUT_COLUMNS, tco_arrays
from chipwar.compute.tco_reference import capital_recovery_factor, tco_reference

RTOL = 1e-12


def _float(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


INPUTS = st.fixed_dictionaries(
    {
        "system_capex_usd": _float(1.0, 1e7),
        "facility_capex_usd_per_kw": _float(0.0, 1e5),
        "it_power_kw": _float(1e-3, 50.0),
        "average_load": _float(1e-3, 1.0),
        "pue": _float(1.0, 5.0),
        "price_usd_per_kwh": _float(0.0, 5.0),
        "subsidy": st.one_of(st.just(0.0), _float(0.0, 1.0)),
        "cost_of_capital": st.one_of(st.just(0.0), _float(1e-6, 2.0)),
        "life_years": _float(0.1, 100.0),
        "facility_life_years": _float(0.1, 200.0),
        "other_opex_fraction": _float(0.0, 2.0),
        "dense_tflops": _float(1.0, 1e5),
        "utilization": _float(1e-3, 1.0),
        "gco2_per_kwh": _float(0.0, 1500.0),
    }
)


def test_inputs_cover_the_kernel_signature() -> None:
    assert set(INPUT_NAMES) == set(INPUTS.wrapped_strategy.mapping)  # type: ignore[attr-defined]


@settings(max_examples=300, deadline=None)
@given(INPUTS)
def test_kernel_equals_reference(x: dict[str, float]) -> None:
    want = tco_reference(**x)
    got = tco_arrays(**x)
    assert set(want) == set(OUTPUT_COLUMNS)
    for name in OUTPUT_COLUMNS:
        g, w = float(got[name]), want[name]
        assert math.isclose(g, w, rel_tol=RTOL, abs_tol=1e-300), (name, g, w)


@settings(max_examples=100, deadline=None)
@given(st.lists(INPUTS, min_size=2, max_size=20))
def test_kernel_on_a_batch_equals_reference_row_by_row(rows: list[dict[str, float]]) -> None:
    """Broadcast evaluation of many scenarios at once (the engine's normal use) matches each
    scenario computed alone."""
    got = tco_arrays(**{k: np.array([r[k] for r in rows]) for k in INPUT_NAMES})
    for i, row in enumerate(rows):
        want = tco_reference(**row)
        for name in OUTPUT_COLUMNS:
            assert math.isclose(float(got[name][i]), want[name], rel_tol=RTOL, abs_tol=1e-300)


def test_reference_capital_recovery_factor_hand_worked() -> None:
    # 1,000 USD at 10 %/yr over 3 years: 402.11 USD/yr (textbook annuity table: 0.40211)
    assert round(1000 * capital_recovery_factor(0.10, 3), 2) == 402.11
    assert capital_recovery_factor(0.0, 8) == 0.125


@pytest.mark.parametrize(
    "module",
    ["roofline", "workload", "sizing", "tco", "tco_reference", "options"],
)
def test_compute_docstring_examples_run(module: str) -> None:
    """The numpydoc examples of the compute engine's public functions are run and hold."""
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"chipwar.compute.{module}"))
    assert result.failed == 0 and result.attempted > 0
