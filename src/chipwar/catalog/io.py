"""The one reading layer for every input, and the one atomic writer.

Reading (``read_*`` takes a file, ``parse_*`` text already in memory such as an API body):

* ``read_text`` (UTF-8, size-limited), ``read_structured`` / ``parse_structured`` (YAML or JSON),
  ``read_csv`` / ``parse_csv`` (a header and rows).
* Limits (``Limits``; each default can be raised through an environment variable, see
  ``docs/limits.md``): file size ``CHIPWAR_MAX_FILE_BYTES``, nesting depth ``CHIPWAR_MAX_DEPTH``,
  nodes reached through YAML aliases ``CHIPWAR_MAX_ALIAS_NODES``, characters in one string or CSV
  cell ``CHIPWAR_MAX_CELL_CHARS``, items in one list, mapping or CSV file ``CHIPWAR_MAX_ROWS``.
* Duplicate keys (YAML, JSON) and duplicate CSV columns are refused; a non-finite number
  (``.inf``, ``NaN``, ``1e400``) is refused unless the caller passes ``allow_nonfinite=True``; lone
  surrogates (``"\\ud800"`` in JSON) are refused; a YAML scalar Python cannot build
  (``2025-02-30``, an integer of 5,000 digits) is a DataError naming the line.
* Every error is a ChipwarError (DataError, LimitError) naming the file, the line or the field
  path, and quoting at most a short excerpt of the value (``excerpt``).

Writing: ``write_atomically`` (and ``write_text_atomically`` / ``write_bytes_atomically``) writes
a temporary file in the target's folder, fsyncs it, and renames it over the target, so a reader
sees the old file or the new one, never half of one. A directory or a missing folder is refused
(OutputError); a symbolic link at the target is replaced, not written through; the temporary file
is removed on any error, on Ctrl-C and on SIGTERM. ``check_distinct_outputs`` refuses the same
path for two outputs.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, SequenceNode

from chipwar.errors import DataError, InputError, LimitError, OutputError, UnknownIdError

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

DATA_DIR = Path(str(resources.files("chipwar") / "data"))

MAX_INT = 10**300
"""Integers are refused beyond ±1e300: every number chipwar reads is used as a float, and a larger
integer would overflow (or, above 1.8e308, fail to convert at all)."""

EXCERPT_CHARS = 60
"""At most this many characters of a bad value are quoted in an error message."""


# --------------------------------------------------------------------------------------- limits


@dataclass(frozen=True)
class Limits:
    """What the reading layer accepts. Defaults are generous for hand-written files and the
    shipped data (the largest shipped file is well under 1 MB); see docs/limits.md."""

    max_file_bytes: int = 64 * 2**20
    """Bytes in one file or body (64 MiB; a full Consolidated Screening List JSON fits)."""
    max_depth: int = 64
    """Nesting levels of lists/mappings (scenarios use fewer than 10)."""
    max_alias_nodes: int = 100_000
    """Extra nodes a YAML document may reach through aliases (stops "billion laughs")."""
    max_cell_chars: int = 131_072
    """Characters in one string or CSV cell (the csv module's own default limit)."""
    max_rows: int = 1_000_000
    """Items in one list or mapping, or data rows in one CSV file."""


LIMIT_ENV = {
    "max_file_bytes": "CHIPWAR_MAX_FILE_BYTES",
    "max_depth": "CHIPWAR_MAX_DEPTH",
    "max_alias_nodes": "CHIPWAR_MAX_ALIAS_NODES",
    "max_cell_chars": "CHIPWAR_MAX_CELL_CHARS",
    "max_rows": "CHIPWAR_MAX_ROWS",
}
"""The environment variable that overrides each field of ``Limits``."""

CEILINGS = {
    "max_file_bytes": 2**40,
    "max_depth": 500,
    "max_alias_nodes": 10**9,
    "max_cell_chars": 2**31 - 1,
    "max_rows": 10**9,
}
"""The most each environment variable may raise a limit to: CHIPWAR_MAX_DEPTH above 500 would
reach Python's recursion limit in the parsers; the others keep the numbers within what the
parsers can take (``csv.field_size_limit`` takes a C long; ``read`` an index-sized integer)."""
MEMORY_CEILING = 2**50
"""CHIPWAR_MAX_DEPTH above this would reach Python's recursion limit in the parsers."""


def env_int(var: str, default: int, maximum: int | None = None) -> int:
    """The whole number in environment variable ``var`` (``_`` separators allowed), or
    ``default`` when unset or empty; InputError naming ``var`` when not a positive whole number
    (or above ``maximum``)."""
    raw = os.environ.get(var, "").strip()
    if not raw:
        return default
    allowed = "a positive whole number" + (f" up to {maximum:,}" if maximum else "")
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        raise InputError(var, raw, allowed) from None
    if value < 1 or (maximum is not None and value > maximum):
        raise InputError(var, value, allowed)
    return value


def limits() -> Limits:
    """The limits in force now: the defaults, each overridden by its environment variable."""
    base = Limits()
    values = {
        f.name: env_int(
            LIMIT_ENV[f.name],
            getattr(base, f.name),
            CEILINGS[f.name],
        )
        for f in fields(Limits)
    }
    return Limits(**values)


def check_size(
    field_name: str, value: float, maximum: float, *, env: str | None = None, unit: str = ""
) -> None:
    """Refuse a size-like option (``--samples``, ``--days``, …) above ``maximum`` before any work
    starts: LimitError naming the option, the value, the maximum and (when given) the environment
    variable that raises it."""
    if value <= maximum:
        return
    how = f"; set {env} to raise it" if env else ""
    raise LimitError(
        f"{field_name}: {value:,} {unit}".rstrip()
        + f" is above the maximum of {maximum:,} {unit}".rstrip()
        + how
    )


def memory_budget_bytes() -> int:
    """Memory one command may plan to use: ``CHIPWAR_MAX_MEMORY_BYTES`` if set, else 80 % of the
    memory available now (``MemAvailable`` in /proc/meminfo; 4 GiB where that cannot be read)."""
    available = 4 * 2**30
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    available = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError, IndexError):
        pass
    return env_int("CHIPWAR_MAX_MEMORY_BYTES", int(available * 0.8), MEMORY_CEILING)


def check_memory(field_name: str, value: float, estimated_bytes: float, hint: str = "") -> float:
    """Refuse work whose estimated memory is above ``memory_budget_bytes`` before it starts
    (LimitError naming the option, its value, the estimate and the budget); returns the
    estimate so that an interface can mention large work before starting it."""
    budget = memory_budget_bytes()
    if estimated_bytes > budget:
        raise LimitError(
            f"{field_name}: {value:,} would need about {estimated_bytes / 2**30:,.1f} GiB of "
            f"memory, above the budget of {budget / 2**30:,.1f} GiB (80 % of the memory free now, "
            "or CHIPWAR_MAX_MEMORY_BYTES)" + (f"; {hint}" if hint else "")
        )
    return estimated_bytes


def excerpt(value: Any, n: int = EXCERPT_CHARS) -> str:
    """A short, printable quotation of ``value`` for an error message: at most ``n`` characters
    of its repr, then ``…`` and the full length."""
    if isinstance(value, Mapping | list | tuple | set):
        return f"a {type(value).__name__} of {len(value):,} item(s)"
    text = value if isinstance(value, str) else repr(value)
    if isinstance(value, str):
        short = (
            repr(text[:n]) if len(text) <= n else repr(text[:n]) + f"… ({len(text):,} characters)"
        )
        return short
    return text[:n] + (f"… ({len(text):,} characters)" if len(text) > n else "")


# -------------------------------------------------------------------------------------- reading


def path_exists(path: str | Path) -> bool:
    """``Path(path).exists()``, but False (not an exception) for a name the system cannot
    look up: too long, an embedded NUL, a loop of links."""
    try:
        return Path(path).exists()
    except (OSError, ValueError):
        return False


def short_path(path: str | Path) -> str:
    """A path for a message: whole when it is short, else a short excerpt."""
    text = str(path)
    return text if len(text) <= 200 else excerpt(text)


def read_bytes(path: str | Path) -> bytes:
    """The bytes of a file, at most ``max_file_bytes``; DataError if it cannot be read (missing,
    a directory, no permission), LimitError if it is larger."""
    path = Path(path)
    name = short_path(path)
    cap = limits().max_file_bytes
    try:
        with open(path, "rb") as handle:
            data = handle.read(cap + 1)
    except FileNotFoundError:
        raise DataError(f"{name}: file not found") from None
    except IsADirectoryError:
        raise DataError(f"{name}: is a directory; expected a file") from None
    except OSError as exc:
        raise DataError(f"{name}: cannot read ({exc.strerror or exc.__class__.__name__})") from None
    except ValueError as exc:  # an embedded NUL in the name
        raise DataError(f"{name}: not a usable file name ({exc})") from None
    if len(data) > cap:
        raise LimitError(
            f"{name}: larger than {cap:,} bytes; set {LIMIT_ENV['max_file_bytes']} to raise it"
        )
    return data


def read_text(path: str | Path) -> str:
    """A UTF-8 text file (a leading byte-order mark is dropped), at most ``max_file_bytes``;
    DataError naming the line of the first byte that is not UTF-8."""
    data = read_bytes(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(
            f"{short_path(path)} line {line}: not UTF-8 text (byte {data[exc.start]:#04x} at "
            f"offset {exc.start:,}); save the file as UTF-8"
        ) from None


def format_of(path: str | Path) -> str:
    """``json`` for a ``.json`` file, ``yaml`` otherwise (JSON is also read as YAML)."""
    return "json" if Path(path).suffix.lower() == ".json" else "yaml"


def read_structured(path: str | Path, *, allow_nonfinite: bool = False) -> Any:
    """Read a YAML or JSON file (chosen by suffix: ``.json`` is JSON, anything else YAML) into
    Python objects, with every check of ``parse_structured``."""
    path = Path(path)
    return parse_structured(
        read_text(path), format_of(path), str(path), allow_nonfinite=allow_nonfinite
    )


def read_document(path: str | Path, expected: str, *, allow_nonfinite: bool = False) -> Any:
    """:func:`read_structured` for a file that must say something (a scenario, spec, experiment,
    observations or table file): one with no content (empty, only comments, ``{}`` or ``[]``) is
    refused the same way for every kind, DataError ``NAME: the file is empty; expected
    EXPECTED``. (An empty compute scenario used to run the baseline silently while an empty
    supply scenario was refused with another message.)"""
    data = read_structured(path, allow_nonfinite=allow_nonfinite)
    if data is None or (isinstance(data, dict | list) and not data):
        raise DataError(f"{Path(path).name}: the file is empty; expected {expected}")
    return data


def parse_structured(text: str, fmt: str, name: str, *, allow_nonfinite: bool = False) -> Any:
    """Parse YAML or JSON ``text`` (``fmt``: ``yaml`` or ``json``) into Python objects; ``name``
    (a file name, ``request body``) starts every message.

    Refused with a DataError or LimitError: text above ``max_file_bytes``; nesting above
    ``max_depth``; more than ``max_alias_nodes`` nodes reached through YAML aliases, or an alias
    inside its own anchor; a string above ``max_cell_chars``; a list or mapping above
    ``max_rows`` items; a duplicate key; a lone surrogate; a non-finite number unless
    ``allow_nonfinite``."""
    lim = limits()
    if (
        len(text) > lim.max_file_bytes
        or len(text.encode("utf-8", "surrogatepass")) > lim.max_file_bytes
    ):
        raise LimitError(
            f"{name}: larger than {lim.max_file_bytes:,} bytes; set "
            f"{LIMIT_ENV['max_file_bytes']} to raise it"
        )
    kind = fmt.lower().lstrip(".")
    if kind in ("yaml", "yml"):
        data = _load_yaml(text, name, lim)
    elif kind == "json":
        data = _load_json(text, name, lim, allow_nonfinite)
    else:
        raise InputError("format", fmt, "yaml or json")
    _check_tree(data, name, lim, allow_nonfinite)
    return data


def _where(name: str, path: tuple[Any, ...]) -> str:
    """``name: a.b[3].c`` for the field at ``path`` (keys quoted short)."""
    if not path:
        return name
    parts = []
    for step in path:
        if isinstance(step, int) and not isinstance(step, bool):
            parts.append(f"[{step}]")
        else:
            key = step if isinstance(step, str) else repr(step)
            key = key if len(key) <= 40 else key[:40] + "…"
            parts.append(("." if parts else "") + key)
    return f"{name}: {''.join(parts)}"


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_string(text: str, where: str, lim: Limits) -> None:
    if len(text) > lim.max_cell_chars:
        raise LimitError(
            f"{where}: a text of {len(text):,} characters is above the maximum of "
            f"{lim.max_cell_chars:,}; set {LIMIT_ENV['max_cell_chars']} to raise it"
        )
    bad = _SURROGATE.search(text)
    if bad:
        raise DataError(
            f"{where}: {excerpt(text)} holds a lone surrogate (U+{ord(bad.group()):04X}), "
            "which is not a character; expected valid Unicode text"
        )


def _bad_string(text: str, lim: Limits) -> bool:
    return len(text) > lim.max_cell_chars or (
        not text.isascii() and _SURROGATE.search(text) is not None
    )


def _tree_ok(data: Any, lim: Limits, allow_nonfinite: bool) -> bool:
    """The fast check of ``_check_tree`` (no field paths kept): True when nothing is wrong."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    max_depth, max_rows, isfinite = lim.max_depth, lim.max_rows, math.isfinite
    while stack:
        value, depth = stack.pop()
        if depth > max_depth:
            return False
        if isinstance(value, str):
            if _bad_string(value, lim):
                return False
        elif isinstance(value, float):
            if not allow_nonfinite and not isfinite(value):
                return False
        elif isinstance(value, int) and not isinstance(value, bool):
            if not -MAX_INT < value < MAX_INT:
                return False
        elif isinstance(value, dict):
            if len(value) > max_rows:
                return False
            for key in value:
                if isinstance(key, str):
                    if _bad_string(key, lim):
                        return False
                elif isinstance(key, float) and not allow_nonfinite and not isfinite(key):
                    return False
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            if len(value) > max_rows:
                return False
            stack.extend((item, depth + 1) for item in value)
    return True


def _check_tree(data: Any, name: str, lim: Limits, allow_nonfinite: bool) -> None:
    """Walk parsed data (iteratively): depth, sizes, strings, finite numbers. A fast walk first;
    only when it finds a problem, a second walk that keeps field paths names it."""
    if _tree_ok(data, lim, allow_nonfinite):
        return
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if len(path) > lim.max_depth:
            raise LimitError(
                f"{_where(name, path[:3])}…: nested deeper than {lim.max_depth} levels; set "
                f"{LIMIT_ENV['max_depth']} to raise it"
            )
        if isinstance(value, float):
            if not allow_nonfinite and not math.isfinite(value):
                raise DataError(
                    f"{_where(name, path)}: {value!r} is not allowed; expected a finite number"
                )
        elif isinstance(value, int) and not isinstance(value, bool):
            if not -MAX_INT < value < MAX_INT:
                raise DataError(
                    f"{_where(name, path)}: {excerpt(value)} is not allowed; expected a number "
                    "within ±1e300"
                )
        elif isinstance(value, str):
            _check_string(value, _where(name, path), lim)
        elif isinstance(value, dict | list):
            if len(value) > lim.max_rows:
                raise LimitError(
                    f"{_where(name, path)}: {len(value):,} items are above the maximum of "
                    f"{lim.max_rows:,}; set {LIMIT_ENV['max_rows']} to raise it"
                )
            if isinstance(value, dict):
                for key, item in value.items():
                    if isinstance(key, str):
                        _check_string(key, _where(name, path) + " (a key)", lim)
                    elif isinstance(key, float) and not math.isfinite(key) and not allow_nonfinite:
                        raise DataError(f"{_where(name, path)}: key {key!r} is not allowed")
                    stack.append((item, (*path, key)))
            else:
                stack.extend((item, (*path, i)) for i, item in enumerate(value))


def _load_json(text: str, name: str, lim: Limits, allow_nonfinite: bool) -> Any:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(items)
        if len(out) != len(items):
            seen: set[str] = set()
            for key, _ in items:
                if key in seen:
                    raise DataError(f"{name}: duplicate key {excerpt(key)} in one object")
                seen.add(key)
        return out

    def constant(word: str) -> float:
        if allow_nonfinite:
            return float(word)
        raise DataError(f"{name}: {word} is not allowed; expected a finite number")

    try:
        return json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except RecursionError:
        raise LimitError(
            f"{name}: nested deeper than {lim.max_depth} levels; set "
            f"{LIMIT_ENV['max_depth']} to raise it"
        ) from None
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{name} line {exc.lineno}, column {exc.colno}: not valid JSON: {exc.msg}"
        ) from None
    except ValueError as exc:  # e.g. an integer longer than Python's 4,300-digit limit
        raise DataError(f"{name}: not valid JSON: {excerpt(str(exc), 120)}") from None


class _LimitedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with a depth limit while composing, duplicate keys refused, and
    scalars Python cannot build turned into DataError with the line."""

    def __init__(self, text: str, name: str, lim: Limits) -> None:
        super().__init__(text)
        self.source_name, self.limits, self.depth = name, lim, 0

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        # Checked while scanning: PyYAML's scanner keeps one pending simple key per open
        # bracket and re-examines them for every token (plain safe_load: 2-3.5 s on 2,500 to
        # 10,000 "[" before a RecursionError), long before the composer sees the depth.
        super().fetch_flow_collection_start(TokenClass)
        if self.flow_level > self.limits.max_depth:
            mark = self.get_mark()
            raise LimitError(
                f"{self.source_name} line {mark.line + 1}: nested deeper than "
                f"{self.limits.max_depth} levels; set {LIMIT_ENV['max_depth']} to raise it"
            )

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            return super().compose_node(parent, index)
        self.depth += 1
        try:
            if self.depth > self.limits.max_depth:
                mark = self.peek_event().start_mark
                raise LimitError(
                    f"{self.source_name} line {mark.line + 1}: nested deeper than "
                    f"{self.limits.max_depth} levels; set {LIMIT_ENV['max_depth']} to raise it"
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key: PyYAML refuses it below
                    continue
                line = key_node.start_mark.line + 1
                if first is not None:
                    raise DataError(
                        f"{self.source_name} line {line}: duplicate key {excerpt(key)} "
                        f"(first on line {first}); each key may appear once"
                    )
                seen[key] = line
        return super().construct_mapping(node, deep=deep)

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as exc:
            value = node.value if isinstance(node.value, str) else ""
            raise DataError(
                f"{self.source_name} line {node.start_mark.line + 1}: cannot read "
                f"{excerpt(value)} as {node.tag.rsplit(':', 1)[-1]}: {excerpt(str(exc), 100)}"
            ) from None


def _node_children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _check_nodes(root: Node, name: str, lim: Limits) -> None:
    """Refuse a node graph whose alias expansion is too large, too deep or recursive, before
    anything is built from it (memoised, so a billion-laughs document costs its own size)."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            children = _node_children(node)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            on_path.discard(key)
            continue
        if key in size:
            continue
        on_path.add(key)
        stack.append((node, True))
        for child in _node_children(node):
            if id(child) in on_path:
                raise DataError(
                    f"{name} line {child.start_mark.line + 1}: an alias refers to the list or "
                    "mapping that contains it; recursive documents are not allowed"
                )
            if id(child) not in size:
                stack.append((child, False))
    extra = size[id(root)] - len(size)
    if extra > lim.max_alias_nodes:
        raise LimitError(
            f"{name}: aliases expand to {extra:,} more nodes than the document holds, above the "
            f"maximum of {lim.max_alias_nodes:,}; set {LIMIT_ENV['max_alias_nodes']} to raise it"
        )
    if depth[id(root)] > lim.max_depth + 1:
        raise LimitError(
            f"{name}: aliases nest deeper than {lim.max_depth} levels; set "
            f"{LIMIT_ENV['max_depth']} to raise it"
        )


def _load_yaml(text: str, name: str, lim: Limits) -> Any:
    try:
        loader = _LimitedLoader(text, name, lim)
    except yaml.YAMLError as exc:  # ReaderError: a character YAML does not accept
        raise DataError(f"{name}: not valid YAML: {excerpt(str(exc), 120)}") from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_nodes(node, name, lim)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        what = exc.problem or exc.context or exc.__class__.__name__
        raise DataError(f"{name}{where}: not valid YAML: {excerpt(what, 120)}") from None
    except yaml.YAMLError as exc:  # ReaderError: a character YAML does not accept
        raise DataError(f"{name}: not valid YAML: {excerpt(str(exc), 120)}") from None
    finally:
        loader.dispose()


@dataclass
class CsvTable:
    """A parsed CSV file: stripped header names, and each data row as (line, cells)."""

    name: str
    fieldnames: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def __iter__(self) -> Iterator[dict[str, str]]:
        """Rows as mappings of column to cell (a short row lacks its last columns)."""
        for _, cells in self.rows:
            yield dict(zip(self.fieldnames, cells, strict=False))

    def __len__(self) -> int:
        return len(self.rows)


def parse_csv(text: str, name: str) -> CsvTable:
    """Parse CSV ``text`` (header first; blank lines skipped) with the limits in force: cells
    above ``max_cell_chars``, more than ``max_rows`` rows and repeated column names are refused
    (LimitError/DataError naming ``name`` and the line)."""
    lim = limits()
    if len(text) > lim.max_file_bytes:
        raise LimitError(
            f"{name}: larger than {lim.max_file_bytes:,} bytes; set "
            f"{LIMIT_ENV['max_file_bytes']} to raise it"
        )
    previous = csv.field_size_limit(lim.max_cell_chars)
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header: list[str] | None = None
        table = CsvTable(name, [])
        try:
            for cells in reader:
                if not cells:
                    continue
                if header is None:
                    header = [c.strip() for c in cells]
                    _check_header(header, name)
                    table.fieldnames = header
                    continue
                if len(table.rows) >= lim.max_rows:
                    raise LimitError(
                        f"{name}: more than {lim.max_rows:,} rows; set {LIMIT_ENV['max_rows']} "
                        "to raise it"
                    )
                table.rows.append((reader.line_num, cells))
        except csv.Error as exc:
            line = reader.line_num
            if "field larger than field limit" in str(exc):
                raise LimitError(
                    f"{name} line {line}: a cell is longer than {lim.max_cell_chars:,} "
                    f"characters; set {LIMIT_ENV['max_cell_chars']} to raise it"
                ) from None
            raise DataError(f"{name} line {line}: not valid CSV: {exc}") from None
    finally:
        csv.field_size_limit(previous)
    return table


def _check_header(header: list[str], name: str) -> None:
    seen: set[str] = set()
    for column in header:
        if column in seen:
            raise DataError(
                f"{name} line 1: column {excerpt(column)} appears twice; "
                "each column may appear once"
            )
        seen.add(column)


def read_csv(path: str | Path) -> CsvTable:
    """Rows of a CSV file (UTF-8, byte-order mark dropped) keyed by its header, names stripped;
    every check of ``parse_csv``."""
    return parse_csv(read_text(path), str(path))


def csv_records(
    table: CsvTable, name: str, problems: list[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each row of ``table``; a row with more or fewer cells than the
    header is added to ``problems`` (naming file ``name`` and the line) and skipped."""
    n_columns = len(table.fieldnames)
    for line, cells in table.rows:
        if len(cells) != n_columns:
            more = "more" if len(cells) > n_columns else "fewer"
            problems.append(
                f"{name} line {line}: {more} cells than the {n_columns} columns of the header "
                f"({len(cells)})"
            )
            continue
        yield line, dict(zip(table.fieldnames, cells, strict=True))


def require_columns(
    table: CsvTable,
    required: Iterable[str],
    where: str,
    expected: str,
    what: str = "column(s)",
) -> None:
    """Raise DataError naming ``where`` and each column of ``required`` the header lacks."""
    missing = [c for c in required if c not in table.fieldnames]
    if missing:
        raise DataError(f"{where} line 1: missing {what} {', '.join(missing)}; expected {expected}")


def raise_problems(problems: list[str], limit: int = 50) -> None:
    """Raise one DataError listing the first ``limit`` problems (and how many more), if any."""
    if not problems:
        return
    more = f"\n… and {len(problems) - limit} more problem(s)" if len(problems) > limit else ""
    raise DataError("\n".join(problems[:limit]) + more)


def format_validation_error(exc: ValidationError, where: str) -> str:
    """One line per problem: ``where: field.path: message (got VALUE)``."""
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(root)"
        got = err.get("input")
        got_text = "" if isinstance(got, dict | list) else f" (got {excerpt(got)})"
        msg = str(err["msg"]).removeprefix("Value error, ")
        lines.append(f"{where}: {loc}: {msg}{got_text}")
    return "\n".join(lines)


def parse_one(model: type[M], raw: Any, where: str) -> M:
    """Validate one mapping into ``model``; DataError lists every problem, each naming ``where``."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise DataError(format_validation_error(exc, where)) from None


def read_kinded_files(
    directory: Path, kinds: Mapping[str, type[BaseModel]], id_is_file_name: Iterable[str] = ()
) -> tuple[list[tuple[str, BaseModel]], list[str]]:
    """Every ``*.yaml`` in ``directory`` (sorted by name), validated by the model its ``kind:``
    names: ``[(kind, item)]`` and the problems found (an unknown kind, a validation error, an
    ``id`` that is not the file name for the kinds in ``id_is_file_name``), collected so that
    one run reports them all. The rule books of chips and of equipment are read this way."""
    named = set(id_is_file_name)
    items: list[tuple[str, BaseModel]] = []
    problems: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        raw = read_structured(path)
        kind = raw.get("kind") if isinstance(raw, dict) else None
        model = kinds.get(str(kind))
        if model is None:
            problems.append(f"{path.name}: kind: {kind!r}; expected {', '.join(kinds)}")
            continue
        try:
            item = parse_one(model, raw, path.name)
        except DataError as exc:
            problems.append(str(exc))
            continue
        ident = getattr(item, "id", None)
        if kind in named and path.stem != ident:
            problems.append(f"{path.name}: id {ident!r} does not match the file name")
        items.append((str(kind), item))
    return items, problems


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
            ident = row[key]
            if isinstance(ident, str | int) and len(str(ident)) <= 60:
                label = f"{where}[{ident}]"
        try:
            item = model.model_validate(row)
        except ValidationError as exc:
            problems.append(format_validation_error(exc, label))
            continue
        ident = getattr(item, key, None)
        if ident is not None:
            if str(ident) in seen:
                problems.append(f"{label}: duplicate {key} {excerpt(ident)}")
            seen.add(str(ident))
        out.append(item)
    if problems:
        raise DataError("\n".join(problems))
    return out


def read_table(model: type[M], path: str | Path, section: str) -> list[M]:
    """Validated rows of a YAML/JSON file: a list of rows, a mapping with a ``section`` list, or
    a single row."""
    raw = read_document(path, f"a list of rows or a mapping with a {section}: list")
    if isinstance(raw, dict):
        raw = raw.get(section, [raw])
    return parse_rows(model, raw, Path(path).name)


def lookup(catalog: Mapping[str, T], key: str, field: str) -> T:
    """``catalog[key]``, or UnknownIdError naming ``field``, the id and the known ids."""
    try:
        return catalog[key]
    except KeyError:
        raise UnknownIdError(field, key, sorted(catalog)) from None


# -------------------------------------------------------------------------------------- writing


def check_output_suffix(path: str | Path, option: str, suffixes: Sequence[str]) -> Path:
    """``path`` if its extension is one of ``suffixes`` (case-insensitive, e.g. ``.html``),
    else InputError naming ``option``: an output written in one format under another's name
    (HTML into ``r.pdf``) is refused before any work."""
    path = Path(path)
    if path.suffix.lower() not in {s.lower() for s in suffixes}:
        kind = " or ".join(suffixes)
        raise InputError(option, str(path), f"a file name ending in {kind}")
    return path


def check_output_path(path: str | Path, *, create_folder: bool = False) -> Path:
    """``path`` as a Path if a file can be written there: OutputError if it is a directory (a
    symbolic link is fine: it will be replaced) or its folder does not exist (created instead when
    ``create_folder``)."""
    path = Path(path)
    if str(path) in ("", "."):
        raise OutputError("output path is empty; expected a file name")
    try:
        is_dir = path.is_dir() and not path.is_symlink()
        folder_ok = path.parent.is_dir()
    except (OSError, ValueError) as exc:
        raise OutputError(
            f"{short_path(path)}: not a usable file name ({getattr(exc, 'strerror', None) or exc})"
        ) from None
    if is_dir:
        raise OutputError(f"{path}: is a directory; expected a file name")
    folder = path.parent
    if not folder_ok:
        if create_folder and not folder.exists():
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise OutputError(f"{folder}: cannot create folder ({exc.strerror})") from None
        else:
            raise OutputError(f"{path}: folder {folder} does not exist; create it first")
    return path


def check_distinct_outputs(outputs: Mapping[str, str | Path | None]) -> None:
    """OutputError if two of the named outputs (option → path; None = not asked for) are the same
    file, which would make the second overwrite the first."""
    seen: dict[str, str] = {}
    for option, path in outputs.items():
        if path is None:
            continue
        key = os.path.realpath(os.path.abspath(os.fspath(path)))
        if key in seen:
            raise OutputError(
                f"{seen[key]} and {option} both name {path}; give each output its own file"
            )
        seen[key] = option


class _Terminated(SystemExit):
    """SIGTERM while a file is being written: unwinds (removing the temporary file) and exits
    with 143, as the default SIGTERM action would."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise _Terminated(128 + signum)


@contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """While writing, turn SIGTERM into an exception (like Ctrl-C's KeyboardInterrupt) so that
    clean-up runs; only in the main thread and only where SIGTERM has its default action."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous is not signal.SIG_DFL:
        yield
        return
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _fsync_path(path: Path, directory: bool = False) -> None:
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0)
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    except OSError:
        if not directory:  # some file systems cannot fsync a directory; a file must be synced
            raise
    finally:
        os.close(fd)


def write_atomically(
    path: str | Path,
    write: Callable[[Path], object],
    prefix: str = ".chipwar-",
    suffix: str = ".tmp",
    *,
    create_folder: bool = False,
) -> None:
    """Call ``write`` on a new temporary file beside ``path``, fsync it, then rename it into
    place (mode 644). A directory target or a missing folder is refused (OutputError; see
    ``check_output_path``); a symbolic link at ``path`` is replaced by the file, not followed.
    If anything fails (an OSError such as a full disk becomes OutputError), or on Ctrl-C or
    SIGTERM, the temporary file is removed and ``path`` is left as it was."""
    path = check_output_path(path, create_folder=create_folder)
    with _sigterm_unwinds():
        try:
            fd, name = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=suffix)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write ({exc.strerror})") from None
        os.close(fd)
        tmp = Path(name)
        try:
            write(tmp)
            _fsync_path(tmp)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _fsync_path(path.parent, directory=True)


def write_text_atomically(path: str | Path, text: str, *, create_folder: bool = False) -> None:
    """Write ``text`` (UTF-8; characters UTF-8 cannot hold become ``\\u`` escapes) to ``path``
    atomically (see ``write_atomically``)."""
    data = text.encode("utf-8", "backslashreplace")
    write_bytes_atomically(path, data, create_folder=create_folder)


def write_bytes_atomically(path: str | Path, data: bytes, *, create_folder: bool = False) -> None:
    """Write ``data`` to ``path`` atomically (see ``write_atomically``)."""
    write_atomically(
        path, lambda tmp: tmp.write_bytes(data), suffix=".tmp", create_folder=create_folder
    )
