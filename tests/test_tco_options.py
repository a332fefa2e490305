"""TcoOptions: the TCO engine's options as one validated value object, used the same way by
the commands layer, the CLI and the REST API."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from chipwar.commands import compute as cc
from chipwar.compute.options import TcoOptions, parse_subsidy
from chipwar.compute.tco import tco_frame
from chipwar.errors import InputError


def test_defaults_and_normalisation() -> None:
    o = TcoOptions(precision=" FP8 ", utilization=1, subsidy="AUTO")  # type: ignore[arg-type]
    assert (o.precision, o.utilization, o.subsidy, o.date) == ("fp8", 1.0, "auto", None)
    assert isinstance(o.utilization, float)


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [
        ("precision", "fp7", "one of fp64"),
        ("utilization", 0.0, "(0, 1]"),
        ("utilization", 1.5, "(0, 1]"),
        ("utilization", True, "(0, 1]"),
        ("subsidy", 1.2, "[0, 1]"),
        ("subsidy", "some", "'auto'"),
        ("date", "2025-01-01", "datetime.date"),
    ],
)
def test_bad_values_name_field_value_and_allowed(field: str, value: object, allowed: str) -> None:
    with pytest.raises(InputError) as err:
        TcoOptions(**{field: value})  # type: ignore[arg-type]
    text = str(err.value)
    assert field in text and allowed in text


def test_frozen_and_replace_revalidates() -> None:
    o = TcoOptions()
    with pytest.raises(dataclasses.FrozenInstanceError):
        o.precision = "fp8"  # type: ignore[misc]
    assert o.replace(subsidy=0.5).subsidy == 0.5
    with pytest.raises(InputError, match="subsidy"):
        o.replace(subsidy=2.0)


def test_parse_reads_interface_text_and_names_flags() -> None:
    o = TcoOptions.parse(subsidy="0.25", date="2025-10-01", utilization=0.4)
    assert o == TcoOptions(subsidy=0.25, date=dt.date(2025, 10, 1), utilization=0.4)
    with pytest.raises(InputError, match="--date"):
        TcoOptions.parse(date="yesterday")
    with pytest.raises(InputError, match="--utilization"):
        TcoOptions.parse(utilization=2.0)
    with pytest.raises(InputError, match="--subsidy"):
        TcoOptions.parse(subsidy="-0.1")
    assert parse_subsidy(" auto ") == "auto"


def test_command_with_options_equals_engine_with_keywords() -> None:
    options = TcoOptions(precision="fp8", utilization=0.5, subsidy=0.0, date=dt.date(2025, 6, 1))
    got = cc.tco(chip=["nvidia-h100-sxm"], site=["us-virginia"], options=options).data
    want = tco_frame(
        ["nvidia-h100-sxm"], ["us-virginia"], precision="fp8", utilization=0.5, subsidy=0.0,
        date=dt.date(2025, 6, 1),
    )  # fmt: skip
    cols = ["usd_per_accelerator_hour", "usd_per_pflop_hour", "usable_pflops"]
    assert got[cols].to_numpy().tolist() == want[cols].to_numpy().tolist()
    assert got["utilization"].iloc[0] == 0.5


def test_set_overrides_apply_over_given_assumptions() -> None:
    base = cc.make_context(TcoOptions()).options.assumptions
    assert base is not None
    ctx = cc.make_context(TcoOptions(assumptions=base), sets=["cost_of_capital=0.2"])
    assert ctx.options.assumptions is not None
    assert ctx.options.assumptions.cost_of_capital.base == 0.2
    assert base.cost_of_capital.base != 0.2  # the given object is not changed


def test_compare_keeps_case_subsidies_unless_one_is_given() -> None:
    auto = cc.compare().data
    forced = cc.compare(options=TcoOptions(subsidy=0.0)).data
    im = auto[auto["case"] == "Inner Mongolia, subsidy"]["usd_per_pflop_hour"].to_numpy()
    im0 = forced[forced["case"] == "Inner Mongolia, subsidy"]["usd_per_pflop_hour"].to_numpy()
    assert (im0 >= im).all() and (im0 > im).any()
