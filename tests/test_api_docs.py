"""docs/api.md is a walkthrough that runs: every python block is executed as a doctest (one
namespace, in order) and each stated output must match."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def test_every_python_block_of_the_api_walkthrough_runs_and_prints_what_it_states() -> None:
    blocks = BLOCK.findall(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 8
    assert all(">>>" in b for b in blocks), "every block is a doctest, so its output is checked"
    parser = doctest.DocTestParser()
    test = parser.get_doctest("\n".join(blocks), {}, "docs/api.md", str(DOC), 0)
    assert len(test.examples) >= 25
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in docs/api.md"
