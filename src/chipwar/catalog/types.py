"""Shared field types for reference data."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

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


class Strict(BaseModel):
    """Base for data rows: unknown fields are errors, so typos do not pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


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
