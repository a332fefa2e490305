"""Regression tests for issue 14: every input is read through one layer with limits, every bad
input is one clear ChipwarError (CLI exit 2), every size-like option is bounded, absurd answers
are refused, and every file the CLI writes is written atomically.

Each test named after an example of the issue reproduces that example."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from chipwar.catalog.io import (
    check_distinct_outputs,
    csv_records,
    limits,
    parse_csv,
    parse_structured,
    read_csv,
    read_structured,
    read_text,
    write_atomically,
    write_text_atomically,
)
from chipwar.errors import ChipwarError, DataError, InputError, LimitError, OutputError

# ----------------------------------------------------------------------------- the reading layer


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_nesting_500_levels_is_a_limit_error_not_recursion(fmt: str) -> None:
    text = "[" * 500 + "]" * 500
    with pytest.raises(LimitError, match="nested deeper than 64 levels; set CHIPWAR_MAX_DEPTH"):
        parse_structured(text, fmt, "deep")


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_nesting_100000_levels_is_a_limit_error(fmt: str) -> None:
    text = "[" * 100_000 + "]" * 100_000
    with pytest.raises(LimitError, match="nested deeper"):
        parse_structured(text, fmt, "deep")


def test_block_yaml_nesting_is_limited_too() -> None:
    text = "".join(f"{' ' * i}k{i}:\n" for i in range(200)) + " " * 200 + "v: 1\n"
    with pytest.raises(LimitError, match="nested deeper"):
        parse_structured(text, "yaml", "deep.yaml")


def test_depth_limit_can_be_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "[" * 100 + "]" * 100
    with pytest.raises(LimitError):
        parse_structured(text, "json", "x")
    monkeypatch.setenv("CHIPWAR_MAX_DEPTH", "150")
    assert parse_structured(text, "json", "x") == parse_structured(text, "yaml", "x")


def test_bad_limit_environment_variable_is_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHIPWAR_MAX_ROWS", "lots")
    with pytest.raises(InputError, match="CHIPWAR_MAX_ROWS: 'lots' is not allowed"):
        limits()
    monkeypatch.setenv("CHIPWAR_MAX_ROWS", "-3")
    with pytest.raises(InputError, match="positive whole number"):
        limits()
    monkeypatch.setenv("CHIPWAR_MAX_ROWS", "2_000_000")
    assert limits().max_rows == 2_000_000


BILLION_LAUGHS = textwrap.dedent(
    """\
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    name: [*h,*h,*h,*h,*h,*h,*h,*h,*h]
    """
)


def test_yaml_alias_bomb_is_refused_quickly() -> None:
    assert len(BILLION_LAUGHS) < 600
    with pytest.raises(LimitError, match=r"aliases expand to .* CHIPWAR_MAX_ALIAS_NODES"):
        parse_structured(BILLION_LAUGHS, "yaml", "bomb.yaml")


def test_small_alias_use_is_fine() -> None:
    text = "base: &b {x: 1, y: 2}\nsite: {<<: *b, y: 3}\nother: *b\n"
    assert parse_structured(text, "yaml", "ok") == {
        "base": {"x": 1, "y": 2},
        "site": {"x": 1, "y": 3},
        "other": {"x": 1, "y": 2},
    }


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(DataError, match="recursive"):
        parse_structured("a: &a [1, *a]\n", "yaml", "rec.yaml")


@pytest.mark.parametrize(
    ("text", "fmt"),
    [("a: 1\nb: 2\na: 3\n", "yaml"), ('{"a": 1, "b": 2, "a": 3}', "json")],
)
def test_duplicate_keys_are_refused(text: str, fmt: str) -> None:
    with pytest.raises(DataError, match="duplicate key 'a'"):
        parse_structured(text, fmt, "dup")


def test_duplicate_yaml_key_names_both_lines() -> None:
    with pytest.raises(DataError, match=r"dup.yaml line 3: duplicate key 'a' \(first on line 1\)"):
        parse_structured("a: 1\nb: 2\na: 3\n", "yaml", "dup.yaml")


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("x: .inf", "yaml"),
        ("x: -.inf", "yaml"),
        ("x: .nan", "yaml"),
        ("x: 1.0e+400", "yaml"),
        ('{"x": Infinity}', "json"),
        ('{"x": NaN}', "json"),
        ('{"x": 1e400}', "json"),
    ],
)
def test_non_finite_numbers_are_refused(text: str, fmt: str) -> None:
    with pytest.raises(DataError, match="finite number"):
        parse_structured(text, fmt, "nf")


def test_non_finite_allowed_when_asked() -> None:
    assert parse_structured("x: .inf", "yaml", "nf", allow_nonfinite=True) == {"x": float("inf")}


def test_non_finite_message_names_the_field_path() -> None:
    with pytest.raises(DataError, match=r"s.yaml: accelerators\[0\].dense_tflops.bf16: inf"):
        parse_structured("accelerators:\n- dense_tflops: {bf16: .inf}\n", "yaml", "s.yaml")


@pytest.mark.parametrize("text", ["d: 2025-02-30", "n: " + "9" * 5000])
def test_yaml_scalars_python_cannot_build_are_data_errors(text: str) -> None:
    with pytest.raises(DataError, match="line 1: cannot read"):
        parse_structured(text, "yaml", "bad.yaml")


def test_json_integer_too_long_is_a_data_error() -> None:
    with pytest.raises(DataError, match="not valid JSON"):
        parse_structured('{"n": ' + "9" * 5000 + "}", "json", "bad.json")


def test_lone_surrogate_in_json_is_refused() -> None:
    with pytest.raises(DataError, match="lone surrogate"):
        parse_structured('{"name": "ACME \\ud800 Ltd"}', "json", "csl.json")


def test_long_string_is_refused_with_a_short_excerpt() -> None:
    text = "name: " + "x" * 200_000
    with pytest.raises(LimitError) as err:
        parse_structured(text, "yaml", "long.yaml")
    assert "200,000 characters" in str(err.value) and len(str(err.value)) < 300


def test_syntax_error_message_is_short() -> None:
    text = "a: [" + "x" * 100_000
    with pytest.raises(DataError) as err:
        parse_structured(text, "yaml", "bad.yaml")
    assert "not valid YAML" in str(err.value) and len(str(err.value)) < 300


def test_unknown_format_is_an_input_error() -> None:
    with pytest.raises(InputError, match="yaml or json"):
        parse_structured("a: 1", "toml", "x")


def test_file_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 2000)
    monkeypatch.setenv("CHIPWAR_MAX_FILE_BYTES", "1000")
    with pytest.raises(LimitError, match="larger than 1,000 bytes; set CHIPWAR_MAX_FILE_BYTES"):
        read_structured(path)
    with pytest.raises(LimitError, match="larger than 1,000 bytes"):
        parse_structured(path.read_text(), "yaml", "body")


def test_directory_missing_file_and_non_utf8(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="is a directory"):
        read_text(tmp_path)
    with pytest.raises(DataError, match="file not found"):
        read_text(tmp_path / "nope.yaml")
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(b"name\nCaf\xe9\n")
    with pytest.raises(DataError, match="line 2: not UTF-8"):
        read_text(bad)


def test_csv_cell_over_131072_characters_is_a_limit_error() -> None:
    text = "id,name\n1," + "x" * 131_073 + "\n"
    with pytest.raises(LimitError, match="line 2: a cell is longer than 131,072"):
        parse_csv(text, "p.csv")


def test_csv_row_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHIPWAR_MAX_ROWS", "3")
    with pytest.raises(LimitError, match="more than 3 rows"):
        parse_csv("a\n1\n2\n3\n4\n", "r.csv")


def test_csv_short_and_long_rows_are_problems_not_crashes() -> None:
    table = parse_csv("a,b,c\n1,2,3\n1,2\n1,2,3,4\n", "r.csv")
    problems: list[str] = []
    rows = list(csv_records(table, "r.csv", problems))
    assert rows == [(2, {"a": "1", "b": "2", "c": "3"})]
    assert problems == [
        "r.csv line 3: fewer cells than the 3 columns of the header (2)",
        "r.csv line 4: more cells than the 3 columns of the header (4)",
    ]


def test_csv_duplicate_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("id,name,id\n1,a,2\n")
    with pytest.raises(DataError, match="column 'id' appears twice"):
        read_csv(path)


def test_every_error_is_a_chipwar_error() -> None:
    for text in ("[" * 999, "a: *nope", "{a: 1", "\x00", "a: !!python/object:os.system x"):
        with pytest.raises(ChipwarError):
            parse_structured(text, "yaml", "x")


# ------------------------------------------------------------------------------- atomic writer


def test_atomic_writer_refuses_directory_and_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a directory"):
        write_text_atomically(tmp_path, "x")
    with pytest.raises(OutputError, match="does not exist"):
        write_text_atomically(tmp_path / "no" / "such" / "f.txt", "x")
    write_text_atomically(tmp_path / "new" / "f.txt", "x", create_folder=True)
    assert (tmp_path / "new" / "f.txt").read_text() == "x"


def test_atomic_writer_replaces_a_symlink_instead_of_writing_through(tmp_path: Path) -> None:
    target = tmp_path / "target.txt"
    target.write_text("keep me")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    write_text_atomically(link, "new")
    assert target.read_text() == "keep me"
    assert not link.is_symlink() and link.read_text() == "new"


def test_atomic_writer_leaves_old_file_and_no_temp_on_error(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    path.write_text("old")

    def fail(tmp: Path) -> None:
        tmp.write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match="No space left on device"):
        write_atomically(path, fail)
    assert path.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_atomic_writer_full_disk_leaves_no_zero_byte_file(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    path = tmp_path / "out.txt"

    def fill(tmp: Path) -> None:
        with open("/dev/full", "wb") as full:
            full.write(b"x" * 10)
            full.flush()

    with pytest.raises(OutputError, match="No space left"):
        write_atomically(path, fill)
    assert list(tmp_path.iterdir()) == []


def test_same_path_for_two_outputs_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    with pytest.raises(OutputError, match="--output and --xlsx both name"):
        check_distinct_outputs({"--output": out, "--xlsx": tmp_path / "." / "r.html"})
    check_distinct_outputs({"--output": out, "--xlsx": tmp_path / "r.xlsx", "--csv": None})


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_during_write_removes_the_temp_file(tmp_path: Path, sig: int) -> None:
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from chipwar.catalog.io import write_atomically
        def slow(tmp):
            tmp.write_text("partial")
            print("writing", flush=True)
            time.sleep(30)
        write_atomically(Path({str(tmp_path / "out.html")!r}), slow, ".report-", ".tmp")
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "writing"
    os.kill(proc.pid, sig)
    proc.wait(timeout=20)
    assert proc.returncode != 0
    assert list(tmp_path.iterdir()) == []
