"""Loading and validation of the sourced reference tables (the *data* layer).

Pydantic models check each row at the boundary; engines receive pandas/NumPy objects.
"""

from chipwar.catalog.accelerators import Accelerator, accelerator_frame, load_accelerators
from chipwar.catalog.fx import FxRate, load_fx, usd_per_unit
from chipwar.catalog.sites import Site, Subsidy, load_sites, site_frame
from chipwar.catalog.sources import Source, check_source_ids, load_sources
from chipwar.catalog.types import Range

__all__ = [
    "Accelerator",
    "FxRate",
    "Range",
    "Site",
    "Source",
    "Subsidy",
    "accelerator_frame",
    "check_source_ids",
    "load_accelerators",
    "load_fx",
    "load_sites",
    "load_sources",
    "site_frame",
    "usd_per_unit",
]
