"""Excel export of the report's tables (one sheet per table, openpyxl)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from chipwar.catalog.io import write_atomically
from chipwar.serialize import to_jsonable


def _cell_safe(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = [
                ", ".join(map(str, v)) if isinstance(v, list | tuple)
                else (str(to_jsonable(v)) if isinstance(v, dict) else v)
                for v in out[col]
            ]  # fmt: skip
    return out


def write_tables(path: Path, tables: dict[str, pd.DataFrame]) -> Path:
    """Write ``tables`` to ``path`` atomically; sheet names are cut to Excel's 31 characters."""

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, frame in tables.items():
                _cell_safe(frame).to_excel(writer, sheet_name=name[:31], index=False)

    write_atomically(path, write, ".tables-", ".xlsx")
    return path
