"""Querying a sweep's Parquet chunks with DuckDB, read-only.

:func:`query` opens an in-memory DuckDB database with one view, ``results``, over every chunk
file of a sweep folder (one row per experiment row), and runs one SQL statement. Two locks keep
it read-only:

1. the statement is parsed first (``duckdb.extract_statements``): exactly one ``SELECT``
   statement is accepted (``WITH … SELECT`` is one); anything that writes, attaches, copies,
   sets options or loads extensions is refused with an InputError naming the statement type;
2. the connection is then sandboxed: ``allowed_directories`` is the sweep folder,
   ``enable_external_access = false`` and ``lock_configuration = true``, so even a table
   function inside a SELECT cannot read or write another file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from chipwar.errors import DataError, InputError
from chipwar.experiments.runner import CHUNK_DIR, read_manifest

MAX_SQL_CHARS = 20_000


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect(out: str | Path) -> Any:
    """A sandboxed DuckDB connection with the ``results`` view over the sweep's chunks."""
    import duckdb

    out = Path(out).resolve()
    read_manifest(out)
    files = sorted((out / CHUNK_DIR).glob("chunk-*.parquet"))
    if not files:
        raise DataError(f"{out}: no finished chunk yet; run or resume `chipwar sweep run`")
    con = duckdb.connect(":memory:")
    pattern = str(out / CHUNK_DIR / "chunk-*.parquet")
    con.execute(f"SET allowed_directories=[{_sql_literal(str(out) + '/')}]")
    con.execute("SET enable_external_access=false")
    con.execute("SET lock_configuration=true")
    con.execute(f"CREATE VIEW results AS SELECT * FROM read_parquet({_sql_literal(pattern)})")
    return con


def check_read_only(sql: str) -> None:
    """InputError unless ``sql`` is exactly one SELECT statement."""
    import duckdb

    if len(sql) > MAX_SQL_CHARS:
        raise InputError("SQL", sql[:60] + "…", f"at most {MAX_SQL_CHARS:,} characters")
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.ParserException as exc:
        raise InputError(
            "SQL", sql[:80], f"valid DuckDB SQL ({str(exc).splitlines()[0]})"
        ) from None
    if len(statements) != 1:
        raise InputError("SQL", sql[:80], f"exactly one statement, got {len(statements)}")
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise InputError(
            "SQL", sql[:80], f"a read-only SELECT query (this is a {kind.name} statement)"
        )


def query(out: str | Path, sql: str) -> pd.DataFrame:
    """Run one read-only SELECT over the ``results`` view of sweep folder ``out``."""
    import duckdb

    check_read_only(sql)
    con = connect(out)
    try:
        return con.execute(sql).df()
    except (duckdb.Error, duckdb.ParserException) as exc:
        first = str(exc).splitlines()[0]
        raise InputError("SQL", sql[:80], f"a query DuckDB can run ({first})") from None
    finally:
        con.close()


def read_results(out: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """Columns (default: all) of every finished row, ordered by ``sample``."""
    cols = "*" if not columns else ", ".join(f'"{c}"' for c in columns)
    con = connect(out)
    try:
        frame: pd.DataFrame = con.execute(f"SELECT {cols} FROM results ORDER BY sample").df()
        return frame
    finally:
        con.close()
