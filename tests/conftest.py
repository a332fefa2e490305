"""Shared fixtures: run the CLI in-process and capture what it prints."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from chipwar.cli.main import main


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """``cli("tco", "--chip", "nvidia-h20")`` -> CliResult(code, out, err)."""

    def run(*argv: str) -> CliResult:
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


# ------------------------------------------------------------------ the report, built once


@pytest.fixture(scope="session")
def claims_results() -> Any:
    """The claims ledger evaluated once for the whole run (every report build needs it)."""
    from chipwar import claims

    return claims.evaluate_all()


@pytest.fixture(scope="module")
def claims_once(claims_results: Any) -> Iterator[None]:
    """Within a module, ``claims.evaluate_all`` answers the session's results (a report build
    would evaluate the ledger again)."""
    from chipwar import claims

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(claims, "evaluate_all", lambda *a, **k: claims_results)
        yield


@pytest.fixture(scope="session")
def built_report(
    tmp_path_factory: pytest.TempPathFactory, claims_results: Any
) -> Callable[[str], Path]:
    """``built_report("zh-Hant")`` -> the report's HTML file in that language, built once per
    language for the whole run (the report tests and the browser tests read the same file)."""
    from chipwar import claims
    from chipwar.report import build_report

    paths: dict[str, Path] = {}

    def build(lang: str) -> Path:
        if lang not in paths:
            path = tmp_path_factory.mktemp(f"report-{lang}") / "report.html"
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(claims, "evaluate_all", lambda *a, **k: claims_results)
                build_report(path, lang=lang)
            paths[lang] = path
        return paths[lang]

    return build
