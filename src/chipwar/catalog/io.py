"""File reading with errors that name the file and what is wrong (``read_*`` = files), and
atomic writing."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from chipwar.errors import DataError, UnknownIdError

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

DATA_DIR = Path(str(resources.files("chipwar") / "data"))


def read_text(path: str | Path) -> str:
    """A UTF-8 text file (a leading byte-order mark is dropped); DataError if it cannot be read."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read ({exc.__class__.__name__}: {exc})") from None


def read_csv(path: str | Path) -> csv.DictReader[str]:
    """Rows of a CSV file (UTF-8, byte-order mark dropped) keyed by its header, names stripped."""
    reader = csv.DictReader(io.StringIO(read_text(path)))
    reader.fieldnames = [h.strip() for h in (reader.fieldnames or [])]
    return reader


def csv_records(
    reader: csv.DictReader[str], name: str, problems: list[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each row of ``reader``; a row with more cells than the header is
    added to ``problems`` (naming file ``name`` and the line) and skipped."""
    n_columns = len(reader.fieldnames or [])
    for row in reader:
        if None in row:
            problems.append(
                f"{name} line {reader.line_num}: more cells than the {n_columns} columns of the "
                "header"
            )
            continue
        yield reader.line_num, row


def require_columns(
    reader: csv.DictReader[str],
    required: Iterable[str],
    where: str,
    expected: str,
    what: str = "column(s)",
) -> None:
    """Raise DataError naming ``where`` and each column of ``required`` the header lacks."""
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise DataError(f"{where} line 1: missing {what} {', '.join(missing)}; expected {expected}")


def raise_problems(problems: list[str], limit: int = 50) -> None:
    """Raise one DataError listing the first ``limit`` problems (and how many more), if any."""
    if not problems:
        return
    more = f"\n… and {len(problems) - limit} more problem(s)" if len(problems) > limit else ""
    raise DataError("\n".join(problems[:limit]) + more)


def read_structured(path: str | Path) -> Any:
    """Read a YAML or JSON file (chosen by suffix; YAML otherwise) into Python objects."""
    path = Path(path)
    text = read_text(path)
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        if isinstance(exc, json.JSONDecodeError):
            where = f" line {exc.lineno}, column {exc.colno}"
        raise DataError(
            f"{path}:{where} not valid {path.suffix.lstrip('.') or 'YAML'}: {first}"
        ) from None


def format_validation_error(exc: ValidationError, where: str) -> str:
    """One line per problem: ``where: field.path: message (got VALUE)``."""
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(root)"
        got = err.get("input")
        got_text = "" if isinstance(got, dict | list) else f" (got {got!r})"
        msg = str(err["msg"]).removeprefix("Value error, ")
        lines.append(f"{where}: {loc}: {msg}{got_text}")
    return "\n".join(lines)


def parse_one(model: type[M], raw: Any, where: str) -> M:
    """Validate one mapping into ``model``; DataError lists every problem, each naming ``where``."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise DataError(format_validation_error(exc, where)) from None


def parse_rows(model: type[M], rows: Any, where: str, key: str = "id") -> list[M]:
    """Validate a list of mappings into ``model`` rows; collect every problem, then raise once."""
    if not isinstance(rows, list):
        raise DataError(f"{where}: expected a list of rows, got {type(rows).__name__}")
    out: list[M] = []
    problems: list[str] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        label = f"{where}[{i}]"
        if isinstance(row, dict) and key in row:
            label = f"{where}[{row[key]}]"
        try:
            item = model.model_validate(row)
        except ValidationError as exc:
            problems.append(format_validation_error(exc, label))
            continue
        ident = getattr(item, key, None)
        if ident is not None:
            if ident in seen:
                problems.append(f"{label}: duplicate {key} {ident!r}")
            seen.add(str(ident))
        out.append(item)
    if problems:
        raise DataError("\n".join(problems))
    return out


def read_table(model: type[M], path: str | Path, section: str) -> list[M]:
    """Validated rows of a YAML/JSON file: a list of rows, a mapping with a ``section`` list, or
    a single row."""
    raw = read_structured(path)
    if isinstance(raw, dict):
        raw = raw.get(section, [raw])
    return parse_rows(model, raw, Path(path).name)


def lookup(catalog: Mapping[str, T], key: str, field: str) -> T:
    """``catalog[key]``, or UnknownIdError naming ``field``, the id and the known ids."""
    try:
        return catalog[key]
    except KeyError:
        raise UnknownIdError(field, key, sorted(catalog)) from None


def write_atomically(path: Path, write: Callable[[Path], object], prefix: str, suffix: str) -> None:
    """Call ``write`` on a new temporary file beside ``path``, then move it into place (mode 644).
    If anything fails the temporary file is removed and ``path`` is left as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=suffix)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
