"""The rule files: they load, cite resolving sources, and the engine holds no threshold."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from chipwar.catalog import load_sources
from chipwar.controls import classify as classify_module
from chipwar.controls.rules import RULES_DIR, check_data, load_rules, read_rules
from chipwar.errors import DataError


def test_rules_validate_and_sources_resolve() -> None:
    assert check_data(load_sources()) == []


def test_versions_are_ordered_and_dated_as_published() -> None:
    book = load_rules()
    dates = [v.effective for v in book.versions]
    assert dates == sorted(dates)
    v23 = book.version("us-bis-2023-10-17")
    # 88 FR 73458: announced 17 Oct, published 25 Oct, effective 17 Nov 2023
    # (federalstatelaw-2023-23055, oracle-nac-c67).
    assert (str(v23.meta.announced), str(v23.meta.published), str(v23.effective)) == (
        "2023-10-17",
        "2023-10-25",
        "2023-11-17",
    )
    diffusion = book.version("us-bis-2025-01-15-ai-diffusion")
    assert str(diffusion.meta.compliance) == "2025-05-15"
    rescinded = book.version("us-bis-2025-05-13-ai-diffusion-rescission")
    assert not [r for r in rescinded.requirements if r.id.startswith("diffusion")]
    assert book.members("group:tier-3") >= {"CN", "MO", "RU"}


def _thresholds() -> set[float]:
    book = load_rules()
    out: set[float] = set()
    for v in book.versions:
        out |= {c.value for p in v.paragraphs for c in p.all_of}
        out |= {c.value for r in v.requirements for c in r.any_of}
    for regime in book.regimes.values():
        out |= {t.threshold for t in regime.thresholds if t.threshold > 0}
    return out


def test_no_threshold_literal_in_engine_code() -> None:
    thresholds = _thresholds()
    assert {4800, 5.92, 1.6, 1400} <= thresholds
    for module in ("classify.py", "content.py"):
        source = Path(classify_module.__file__).with_name(module).read_text()
        numbers = {
            n.value
            for n in ast.walk(ast.parse(source))
            if isinstance(n, ast.Constant) and isinstance(n.value, int | float)
        }
        assert not (numbers & thresholds), (module, numbers & thresholds)


def _copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def test_bad_rule_file_names_file_and_field(tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path)
    path = rules / "us-bis-2023-10-17.yaml"
    path.write_text(path.read_text().replace('op: ">="', 'op: "=>"', 1))
    with pytest.raises(DataError) as err:
        read_rules(rules)
    assert "us-bis-2023-10-17.yaml" in str(err.value) and "op" in str(err.value)


def test_unknown_parent_and_requirement_are_errors(tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path)
    path = rules / "us-bis-2024-04-04.yaml"
    path.write_text(path.read_text().replace("extends: us-bis-2023-10-17", "extends: us-bis-1999"))
    with pytest.raises(DataError, match="us-bis-1999"):
        read_rules(rules)
    rules2 = _copy_rules(tmp_path / "b")
    path = rules2 / "us-bis-2024-04-04.yaml"
    path.write_text(
        path.read_text().replace("remove_requirements: [rs-d1-d4]", "remove_requirements: [nope]")
    )
    with pytest.raises(DataError, match="nope"):
        read_rules(rules2)


def test_unknown_kind_is_an_error(tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path)
    (rules / "zz-extra.yaml").write_text("id: zz-extra\nkind: treaty\n")
    with pytest.raises(DataError, match="kind"):
        read_rules(rules)
