"""Shared field types for reference data."""

from __future__ import annotations

import datetime as dt
import re
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from chipwar.catalog.uncertainty import Distribution, Uncertain
from chipwar.errors import InputError

SLUG = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")


def _slug(value: str) -> str:
    if not SLUG.match(value):
        raise ValueError("must be a lowercase slug such as 'nvidia-h100-sxm'")
    return value


def _country(value: str) -> str:
    if not re.fullmatch(r"[A-Z]{2}", value):
        raise ValueError("must be an ISO-3166 alpha-2 code such as 'CN' or 'US'")
    return value


def parse_date(value: dt.date | str | None, field_name: str = "date") -> dt.date:
    """An ISO date or a date (``None`` -> today); anything else raises InputError naming the
    field."""
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(field_name, value, "an ISO date such as 2025-10-01") from None


Slug = Annotated[str, AfterValidator(_slug)]
Country = Annotated[str, AfterValidator(_country)]
SourceIds = Annotated[list[str], Field(min_length=1)]


def _numeric(annotation: Any) -> bool:
    """True for ``float``/``int`` (alone or with None), False when ``bool`` is also allowed."""
    members = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else ()
    members = members or (annotation,)
    return bool(set(members) & {float, int}) and bool not in members


def refuse_bools(model: type[BaseModel], data: Any) -> Any:
    """Refuse ``true``/``false`` where a number (or a mapping of numbers) is meant: pydantic
    would read ``true`` as 1, so ``product_value_usd: true`` would be 1 USD."""
    if not isinstance(data, dict):
        return data
    for name, value in data.items():
        info = model.model_fields.get(name) if isinstance(name, str) else None
        if info is None:
            continue
        annotation = info.annotation
        if isinstance(value, bool) and _numeric(annotation):
            raise ValueError(f"{name}: {value!r} is not a number; expected a number")
        if isinstance(value, dict) and get_origin(annotation) is dict:
            args = get_args(annotation)
            if len(args) == 2 and _numeric(args[1]):
                for key, item in value.items():
                    if isinstance(item, bool):
                        raise ValueError(
                            f"{name}.{key}: {item!r} is not a number; expected a number"
                        )
    return data


class Strict(BaseModel):
    """Base for data rows: unknown fields are errors, so typos do not pass silently; numbers must
    be finite (``.inf``, ``"nan"``, ``"1e999"`` are refused) and ``true``/``false`` are not
    numbers."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _no_bools_for_numbers(cls, data: Any) -> Any:
        return refuse_bools(cls, data)


class Range(Uncertain):
    """Compatibility name (issue 19) for the catalog's and compute's uncertain values: an
    :class:`~chipwar.catalog.uncertainty.Uncertain` that requires source ids and, when a file
    gives only ``{low, base, high}``, is ``pert`` — the distribution the compute engine has
    always drawn. The distribution is then explicit on the object and in anything written."""

    distribution: Distribution = "pert"
    source: SourceIds
    note: str = ""

    @classmethod
    def exact(
        cls, value: float, source: list[str], note: str = "", distribution: Distribution = "pert"
    ) -> Range:
        return cls(
            distribution=distribution, low=value, base=value, high=value, source=source, note=note
        )
