"""Excel export of the report's tables (one sheet per table, openpyxl)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from chipwar.cli.output import to_jsonable


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
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tables-", suffix=".xlsx")
    os.close(fd)
    try:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for name, frame in tables.items():
                _cell_safe(frame).to_excel(writer, sheet_name=name[:31], index=False)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
