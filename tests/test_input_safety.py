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


# ------------------------------------------------------------ the issue's examples, end to end

SPEC_EXAMPLE = Path(__file__).parents[1] / "scenarios" / "compute-spec-example.yaml"
BOM_EXAMPLE = Path(__file__).parents[1] / "scenarios" / "bom-example.csv"
SHIPPED_OWNERSHIP = Path(__file__).parents[1] / "src" / "chipwar" / "data" / "ownership.yaml"
PARTY_HEADER = "id,name,list,listed_from,listed_to\n"


def _file(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _one_clear_error(result, *needles: str) -> None:  # type: ignore[no-untyped-def]
    """Exit 2 with one ``error:`` message (no traceback) containing every needle."""
    assert result.code == 2, (result.code, result.out[-500:], result.err[-500:])
    assert "Traceback" not in result.err and result.err.startswith("error:"), result.err
    for needle in needles:
        assert needle in result.err, (needle, result.err)


def _spec(**replace: str) -> str:
    text = SPEC_EXAMPLE.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return text


TCO = ("tco", "-c", "nvidia-h20", "-s", "cn-guizhou")


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_scenario_nested_500_levels(cli, tmp_path: Path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    path = _file(tmp_path, f"deep.{fmt}", '{"name": ' + "[" * 500 + "]" * 500 + "}")
    _one_clear_error(cli(*TCO, "--scenario", path), "nested deeper than 64 levels")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("accelerators: 5\n", "accelerators: expected a list of rows, got 5"),
        ("accelerators: [{id: [a]}]\n", "accelerators[0]: id"),
        ("1: 2\nbogus: 3\n", "unknown field(s) 1, 'bogus'"),
        ("sites: {a: 1}\n", "sites: expected a list of rows"),
    ],
)
def test_compute_scenario_wrong_types(cli, tmp_path: Path, text: str, needle: str) -> None:  # type: ignore[no-untyped-def]
    path = _file(tmp_path, "s.yaml", "name: x\n" + text)
    _one_clear_error(cli(*TCO, "--scenario", path), needle)


@pytest.mark.parametrize("value", [".inf", "'inf'", "'1e999'", ".nan", "true"])
def test_spec_tdp_not_a_finite_number(cli, tmp_path: Path, value: str) -> None:  # type: ignore[no-untyped-def]
    path = _file(tmp_path, "spec.yaml", _spec(**{"tdp_w: 500": f"tdp_w: {value}"}))
    _one_clear_error(cli("tco", "--spec", path, "-c", "my-npu", "-s", "cn-guizhou"), "tdp_w")


@pytest.mark.parametrize("value", [".inf", "'.inf'", "'1e999'", "true"])
def test_dense_tflops_inf_is_not_a_cost_of_zero(cli, tmp_path: Path, value: str) -> None:  # type: ignore[no-untyped-def]
    text = _spec(**{"{bf16: 500, fp16: 500}": f"{{bf16: {value}, fp16: 500}}"})
    path = _file(tmp_path, "spec.yaml", text)
    _one_clear_error(cli("tco", "--spec", path, "-c", "my-npu", "-s", "cn-guizhou"), "bf16")


def test_duplicate_yaml_keys_in_a_spec(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _file(tmp_path, "spec.yaml", _spec(**{"tdp_w: 500": "tdp_w: 500\n    tdp_w: 700"}))
    _one_clear_error(
        cli("tco", "--spec", path, "-c", "my-npu", "-s", "cn-guizhou"), "duplicate key 'tdp_w'"
    )


def test_alias_bomb_in_a_scenario_name(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _file(tmp_path, "bomb.yaml", BILLION_LAUGHS)
    _one_clear_error(cli(*TCO, "--scenario", path), "aliases expand to")


@pytest.mark.parametrize("value", ["1e308", "inf", "nan", "-0.5", "11"])
def test_set_cost_of_capital_absurd_is_refused(cli, value: str) -> None:  # type: ignore[no-untyped-def]
    _one_clear_error(cli(*TCO, "--set", f"cost_of_capital={value}"), "cost_of_capital")


@pytest.mark.parametrize("setting", ["life_years=1e-300", "pue=1e300", "price_usd_per_kwh=1e300"])
def test_set_values_that_would_make_costs_inf_are_refused(cli, setting: str) -> None:  # type: ignore[no-untyped-def]
    _one_clear_error(cli(*TCO, "--set", setting), setting.split("=")[0])


def test_set_plausible_cost_of_capital_still_answers(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli(*TCO, "--set", "cost_of_capital=0.5", "-f", "json")
    assert r.code == 0
    cost = r.json()[0]["usd_per_accelerator_hour"]
    assert isinstance(cost, float) and 0 < cost < 1e6


def test_tco_samples_above_the_cap_and_above_memory(cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    _one_clear_error(cli(*TCO, "-n", "30000001"), "at most 30,000,000")
    monkeypatch.setenv("CHIPWAR_MAX_MEMORY_BYTES", str(10**9))
    r = cli(*TCO, "-n", "30000000")
    _one_clear_error(r, "6.5 GiB", "CHIPWAR_MAX_MEMORY_BYTES")


def test_screen_rich_markup_is_printed_literally(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("screen", "[/x]")
    assert r.code == 0 and "[/x]" in r.out
    r = cli("screen", "[bold]Acme")
    assert r.code == 0 and "[bold]Acme" in r.out


def test_party_file_markup_is_printed_literally(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _file(tmp_path, "p.csv", PARTY_HEADER + "x-1,[/bad] Corp,Entity List,2020-01-01,\n")
    r = cli("screen", "Bad Corp", "--parties", path, "--min-score", "0.5")
    assert r.code == 0 and "[/bad] Corp" in r.out, r.err


def test_parties_csv_short_row(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _file(tmp_path, "p.csv", PARTY_HEADER + "a,Acme,EL\n")
    _one_clear_error(cli("screen", "Acme", "--parties", path), "line 2: fewer cells")


def test_parties_csv_cell_over_131072_characters(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _file(tmp_path, "p.csv", PARTY_HEADER + "a," + "x" * 131_073 + ",EL,2020-01-01,\n")
    _one_clear_error(cli("screen", "Acme", "--parties", path), "longer than 131,072")


def test_lone_surrogate_in_csl_json_name(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    body = (
        '{"results": [{"id": "x1", "source": "Entity List (EL)", "name": "Bad \\ud800 Co",'
        ' "alt_names": [], "start_date": "2020-01-01"}]}'
    )
    path = _file(tmp_path, "csl.json", body)
    _one_clear_error(cli("screen", "Bad Co", "--parties", path, "-f", "json"), "lone surrogate")


def test_odd_unicode_in_arguments_never_breaks_output(cli) -> None:  # type: ignore[no-untyped-def]
    for name in ("\udcff\udcfe Corp", "華為 \u202e Ltd", "\x00Acme", "A" * 5000):
        for fmt in ("table", "json", "csv"):
            r = cli("screen", name, "-f", fmt)
            assert r.code in (0, 2) and "Traceback" not in r.err, (name, fmt, r.err[-300:])


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("product_value_usd: abc\n", "product_value_usd: 'abc'"),
        ("product_value_usd: true\n", "product_value_usd: True"),
        ("product_value_usd: .inf\n", "finite number"),
        ("product_value_usd: 1\n", "at least the parts' total of 100.00 USD"),
    ],
)
def test_bom_product_value(cli, tmp_path: Path, text: str, needle: str) -> None:  # type: ignore[no-untyped-def]
    body = text + "parts:\n - {part: a, origin: US, value_usd: 100}\n"
    _one_clear_error(cli("content", "--bom", _file(tmp_path, "b.yaml", body)), needle)


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0"])
def test_content_product_value_option(cli, value: str) -> None:  # type: ignore[no-untyped-def]
    _one_clear_error(
        cli("content", "--bom", str(BOM_EXAMPLE), "--product-value", value), "product_value_usd"
    )


def test_bom_value_usd_inf(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    body = "parts:\n - {part: a, origin: US, value_usd: '.inf'}\n"
    _one_clear_error(cli("content", "--bom", _file(tmp_path, "b.yaml", body)), "value_usd")


def test_directory_as_bom(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _one_clear_error(cli("content", "--bom", str(tmp_path)), "is a directory")


def test_ownership_entities_not_a_list(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _file(tmp_path, "o.yaml", "entities: 5\n")
    _one_clear_error(
        cli("ownership", "--entity", "x", "--ownership", path), "entities: expected a list"
    )


def test_acyclic_100_percent_chain_of_20001_edges_is_not_a_cycle(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    n = 20_001
    rows = "".join(f"e{i},e{i + 1},1.0,,\n" for i in range(n))
    chain = _file(tmp_path, "chain.csv", "owner_id,owned_id,share,valid_from,valid_to\n" + rows)
    parties = _file(tmp_path, "p.csv", PARTY_HEADER + "e0,E Zero,Entity List,2020-01-01,\n")
    r = cli("ownership", "--entity", f"e{n}", "--ownership", chain, "--parties", parties,
            "-f", "json")  # fmt: skip
    assert r.code == 0, r.err
    assert "cycle" not in r.err


def test_a_real_cycle_that_does_not_converge_is_named_as_one() -> None:
    import numpy as np
    import scipy.sparse as sp

    from chipwar.controls.ownership import aggregate

    # W: l owns 50 % of a; a and b own each other 100 %; m = W transposed (owned x owner).
    w = sp.csr_matrix(np.array([[0, 0.5, 0], [0, 0, 1.0], [0, 1.0, 0]]))
    with pytest.raises(DataError, match="has a cycle of holdings"):
        aggregate(w.T.tocsr(), np.array([True, False, False]), ids=["l", "a", "b"])


def test_columns_abc_is_ignored() -> None:
    from chipwar.cli.output import console_width

    assert console_width({"COLUMNS": "abc"}) == 200
    assert console_width({"COLUMNS": "-5"}) == 200
    assert console_width({"COLUMNS": "99999999999"}) == 1000
    assert console_width({"COLUMNS": "120"}) == 120


def test_columns_abc_in_a_real_process() -> None:
    env = {**os.environ, "COLUMNS": "abc"}
    proc = subprocess.run(
        [sys.executable, "-m", "chipwar.cli.main", "data", "list", "accelerators", "-f", "json"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-500:]


def test_supply_schema_output_safety(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _one_clear_error(cli("supply", "schema", "-o", str(tmp_path)), "is a directory")
    _one_clear_error(
        cli("supply", "schema", "-o", str(tmp_path / "no" / "s.json")), "does not exist"
    )
    target = tmp_path / "elsewhere.json"
    target.write_text("keep")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    r = cli("supply", "schema", "-o", str(link))
    assert r.code == 0
    assert target.read_text() == "keep" and not link.is_symlink()
    assert '"$schema"' in link.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere.json", "link.json"]


def test_supply_schema_full_disk_leaves_nothing(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import chipwar.catalog.io as cio

    def full(path: Path, directory: bool = False) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cio, "_fsync_path", full)
    _one_clear_error(cli("supply", "schema", "-o", str(tmp_path / "s.json")), "No space left")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--days", "1000000000"), "--days: 1000000000"),
        (("--days", "3651"), "1 to 3,650"),
        (("-n", "1000001"), "--samples"),
    ],
)
def test_supply_run_bounds(cli, args: tuple[str, ...], needle: str) -> None:  # type: ignore[no-untyped-def]
    _one_clear_error(cli("supply", "run", "nexperia-2025", *args), needle)


def test_supply_run_memory_estimate_refuses_before_starting(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CHIPWAR_MAX_MEMORY_BYTES", str(200 * 2**20))
    _one_clear_error(cli("supply", "run", "nexperia-2025", "-n", "100000"), "GiB of memory")


def test_supply_infinite_capacity_is_refused(tmp_path: Path) -> None:
    from chipwar.supply.scenario import read_scenario

    src = Path(__file__).parents[1] / "scenarios" / "nexperia-2025.yaml"
    text = src.read_text(encoding="utf-8")
    assert "capacity_headroom: 0.15" in text
    for bad in (".inf", "'inf'", ".nan"):
        path = tmp_path / "s.yaml"
        path.write_text(text.replace("capacity_headroom: 0.15", f"capacity_headroom: {bad}"))
        with pytest.raises(ChipwarError, match=r"capacity_headroom|finite"):
            read_scenario(path)


def test_supply_edge_priority_beyond_int64_is_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Found by the long fuzz run on merged main: priority 2**63 was an OverflowError.
    src = Path(__file__).parents[1] / "scenarios" / "nexperia-2025.yaml"
    text = src.read_text(encoding="utf-8")
    assert "priority: 0" in text
    path = tmp_path / "s.yaml"
    path.write_text(text.replace("priority: 0", "priority: 9223372036854775808", 1))
    res = cli("supply", "run", str(path), "--format", "json")
    assert res.code == 2 and "priority" in res.err and "Traceback" not in res.err


DYN = Path(__file__).parents[1] / "scenarios" / "dynamics-baseline.yaml"


def _dynamics(tmp_path: Path, old: str, new: str) -> str:
    text = DYN.read_text(encoding="utf-8")
    assert old in text, old
    return _file(tmp_path, "d.yaml", text.replace(old, new, 1))


def test_dynamics_base_year_far_away(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import yaml

    raw = yaml.safe_load(DYN.read_text(encoding="utf-8"))
    year = raw["demand"]["base_year"]
    path = _dynamics(tmp_path, f"base_year: {year}", "base_year: -1000000000")
    _one_clear_error(cli("dynamics", "run", path), "base_year")


def test_dynamics_chip_listed_twice(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import yaml

    raw = yaml.safe_load(DYN.read_text(encoding="utf-8"))
    raw["chips"].append(dict(raw["chips"][0]))
    path = tmp_path / "d.yaml"
    path.write_text(yaml.safe_dump(raw))
    _one_clear_error(cli("dynamics", "run", str(path)), "listed twice")


@pytest.mark.parametrize("weight", [".nan", ".inf", "'nan'", "true"])
def test_dynamics_site_weights_must_be_finite_numbers(cli, tmp_path: Path, weight: str) -> None:  # type: ignore[no-untyped-def]
    import yaml

    raw = yaml.safe_load(DYN.read_text(encoding="utf-8"))
    site = next(iter(raw["sites"]))
    text = yaml.safe_dump(raw).replace(f"  {site}: {raw['sites'][site]}", f"  {site}: {weight}")
    assert weight in text
    _one_clear_error(cli("dynamics", "run", _file(tmp_path, "d.yaml", text)), "sites")


def test_report_same_path_for_two_outputs(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "x"
    _one_clear_error(cli("report", "-o", str(out), "--xlsx", str(out)), "both name")
    assert not out.exists()


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (
            (
                "infer",
                "-m",
                "deepseek-v3",
                "-c",
                "nvidia-h20",
                "-s",
                "cn-guizhou",
                "--batch",
                "1e7",
            ),
            "batch",
        ),
        (
            (
                "infer",
                "-m",
                "deepseek-v3",
                "-c",
                "nvidia-h20",
                "-s",
                "cn-guizhou",
                "--batch",
                "inf",
            ),
            "batch",
        ),
        (
            (
                "infer",
                "-m",
                "deepseek-v3",
                "-c",
                "nvidia-h20",
                "-s",
                "cn-guizhou",
                "--context",
                "1e300",
            ),
            "context",
        ),
        (
            (
                "train",
                "-m",
                "deepseek-v3",
                "-c",
                "nvidia-h20",
                "-s",
                "cn-guizhou",
                "-d",
                "1e300",
                "-k",
                "1000",
            ),
            "tokens",
        ),
        (
            (
                "train",
                "-m",
                "deepseek-v3",
                "-c",
                "nvidia-h20",
                "-s",
                "cn-guizhou",
                "-d",
                "1e13",
                "-k",
                "1000",
                "--mfu",
                "1e-300",
            ),
            "mfu",
        ),
        (
            (
                "train",
                "-m",
                "deepseek-v3",
                "-c",
                "nvidia-h20",
                "-s",
                "cn-guizhou",
                "-d",
                "1e13",
                "-k",
                "1000",
                "--flops",
                "1e308",
            ),
            "total_flops",
        ),
    ],
)
def test_workload_sizes_bounded(cli, argv: tuple[str, ...], needle: str) -> None:  # type: ignore[no-untyped-def]
    _one_clear_error(cli(*argv), needle)


def test_dynamics_compare_list_size(cli) -> None:  # type: ignore[no-untyped-def]
    _one_clear_error(cli("dynamics", "compare", *["baseline"] * 21), "at most 20")


@pytest.mark.parametrize(
    ("text", "fmt"), [("a: 1" + "0" * 400, "yaml"), ('{"a": -1' + "0" * 400 + "}", "json")]
)
def test_integers_beyond_float_range_are_refused(text: str, fmt: str) -> None:
    with pytest.raises(DataError, match="within ±1e300"):
        parse_structured(text, fmt, "big")


def test_set_huge_integer_is_an_input_error(cli) -> None:  # type: ignore[no-untyped-def]
    _one_clear_error(cli(*TCO, "--set", "cost_of_capital=1" + "0" * 400), "cost_of_capital")


def test_scenario_huge_integer_found_by_fuzzing(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _file(tmp_path, "s.yaml", "name: x\nassumptions:\n  cost_of_capital: 1" + "0" * 400)
    _one_clear_error(cli(*TCO, "--scenario", path), "within ±1e300")


def test_flow_nesting_is_refused_while_scanning() -> None:
    # PyYAML's scanner is quadratic in open brackets; the limit must act before the composer.
    text = "[" * 200_000
    with pytest.raises(LimitError, match="line 1: nested deeper than 64"):
        parse_structured(text, "yaml", "flow.yaml")


def test_scenario_assumption_with_a_number_as_name_found_by_fuzzing(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _file(tmp_path, "s.yaml", "name: x\nassumptions:\n  cost_of_capital: 0.04\n  1: ''\n")
    _one_clear_error(cli(*TCO, "--scenario", path), "assumption: 1 is not allowed")


def test_tco_chip_site_pairs_are_bounded() -> None:
    from chipwar.compute.tco import MAX_PAIRS, tco_frame

    with pytest.raises(InputError, match="at most 1,000,000 pairs"):
        tco_frame(["nvidia-h20"] * 1001, ["cn-guizhou"] * (MAX_PAIRS // 1000))


@pytest.mark.parametrize(
    "args",
    [("--set", "utilization.default=2.2250738585072014e-308"), ("--utilization", "1e-300")],
)
def test_tiny_utilization_is_refused_not_a_null_cost_found_by_fuzzing(cli, args) -> None:  # type: ignore[no-untyped-def]
    _one_clear_error(cli(*TCO, *args), "utilization")


def test_overflowing_cost_is_refused_not_null() -> None:
    import numpy as np

    from chipwar.compute.tco import refuse_non_finite_costs

    refuse_non_finite_costs(np.array([1.0, 2.0]))
    with pytest.raises(InputError, match="finite number"):
        refuse_non_finite_costs(np.array([1.0, np.inf]))


@pytest.mark.parametrize("columns", ["abc", "²", "0", "-3", "99999999999999", " 80"])
def test_odd_columns_in_process_never_break_a_command(cli, monkeypatch, columns: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.setenv("LINES", columns)
    r = cli("screen", "Huawei", "--limit", "0")  # a usage error: Click/Rich format it
    assert r.code == 2 and "Traceback" not in r.err
    r = cli("screen", "Huawei")
    assert r.code == 0


@pytest.mark.parametrize(
    "name",
    [
        "CHIPWAR_MAX_FILE_BYTES",
        "CHIPWAR_MAX_CELL_CHARS",
        "CHIPWAR_MAX_ROWS",
        "CHIPWAR_MAX_DEPTH",
        "CHIPWAR_MAX_ALIAS_NODES",
        "CHIPWAR_MAX_MEMORY_BYTES",
    ],
)
def test_limit_variables_have_a_ceiling_found_by_fuzzing(cli, monkeypatch, name: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(name, "99999999999999999999")
    argv = ("tco", "--spec", str(SPEC_EXAMPLE), "-n", "10", "-f", "json")
    _one_clear_error(cli(*argv), name, "up to")


# --------------------------------------------------------------------- the report's HTML escaping

SCRIPT = '<script>alert("x")</script>'
ATTRIBUTE = '"><img src=x onerror=alert(1)>'


def _poison(value: object) -> object:
    """``value`` with both markers appended to every string in it (dict values, list items,
    dataclass fields; keys, numbers and DataFrames kept)."""
    import dataclasses

    if isinstance(value, str):
        return value + SCRIPT + ATTRIBUTE
    if isinstance(value, dict):
        return {k: _poison(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_poison(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _poison(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name != "tables"
        }
        return dataclasses.replace(value, **changes)
    return value


def test_autoescape_is_on_for_every_html_template() -> None:
    from chipwar.report.build import TEMPLATES, html_environment

    env = html_environment()
    names = [p.name for p in Path(TEMPLATES).iterdir() if ".htm" in p.name]
    assert names == ["report.html.j2"]
    for name in names:
        auto = env.autoescape(name) if callable(env.autoescape) else env.autoescape
        assert auto is True, name
        page = env.from_string("{{ x }}").render(x=SCRIPT)
        assert page == "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"


@pytest.mark.slow
def test_a_script_in_any_string_reaching_the_report_is_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every string the report template receives (i18n text, section titles and notes, chart
    captions and Plotly figure JSON, claims, sources) gets a <script> and an attribute-breaking
    marker appended; the page must hold them only escaped. The Plotly library itself is the one
    value passed raw on purpose (``plotly_js | safe``)."""
    import chipwar.report.build as build

    real = build.html_environment

    class Poisoned:
        def __init__(self, template) -> None:  # type: ignore[no-untyped-def]
            self.template = template

        def render(self, **context: object) -> str:
            keep = {"plotly_js", "fmt"}
            return str(
                self.template.render(
                    **{k: v if k in keep else _poison(v) for k, v in context.items()}
                )
            )

    def environment():  # type: ignore[no-untyped-def]
        env = real()
        get = env.get_template
        env.get_template = lambda name: Poisoned(get(name))  # type: ignore[method-assign,assignment]
        return env

    monkeypatch.setattr(build, "html_environment", environment)
    out = tmp_path / "r.html"
    build.build_report(out)
    page = out.read_text(encoding="utf-8")
    assert SCRIPT not in page and ATTRIBUTE not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page  # in HTML text
    assert '\\u003cscript\\u003ealert(\\"x\\")\\u003c/script\\u003e' in page  # in chart JSON


def test_sigterm_while_the_report_is_written_leaves_no_hidden_temp_file(tmp_path: Path) -> None:
    """The report's own write path (``report.build._write_atomic``, prefix ``.report-``), with
    the write slowed down so SIGTERM lands while the temporary file exists."""
    script = textwrap.dedent(
        f"""
        import pathlib, time
        from chipwar.report import build
        real = pathlib.Path.write_text
        def slow(self, *args, **kwargs):
            real(self, *args, **kwargs)
            print("writing", self.name, flush=True)
            time.sleep(30)
        pathlib.Path.write_text = slow
        build._write_atomic(pathlib.Path({str(tmp_path / "report.html")!r}), "<html></html>")
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().split()
    assert line[0] == "writing" and line[1].startswith(".report-")
    assert (tmp_path / line[1]).exists()
    os.kill(proc.pid, signal.SIGTERM)
    proc.wait(timeout=20)
    assert proc.returncode == 143
    assert list(tmp_path.iterdir()) == []
