"""The claims ledger in headless Chromium: the article and verdict filters hide rows, and a
verdict reaches its sources in two clicks. Needs Debian's /usr/bin/chromium."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from chipwar.claims import load_claims

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium not installed (/usr/bin)"),
]


@pytest.fixture(scope="module")
def report_file(built_report: Callable[[str], Path]) -> Path:
    return built_report("en")


def test_filters_and_two_clicks(report_file: Path) -> None:
    from chipwar.claims import evaluate_all

    sync_api = pytest.importorskip("playwright.sync_api")
    ledger = load_claims()
    verdicts = Counter(r.verdict for r in evaluate_all(with_flip=False))
    article = "seed-autobiz-nexperia"
    visible = (
        "() => Array.from(document.querySelectorAll('#claims-table tr.claim-row'))"
        ".filter(tr => tr.style.display !== 'none').length"
    )
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page()
            page.goto(report_file.as_uri(), wait_until="load")
            assert page.evaluate(visible) == len(ledger)
            page.select_option("#filter-article", article)
            n_article = page.evaluate(visible)
            page.select_option("#filter-verdict", "not checkable")
            n_both = page.evaluate(visible)
            shown = page.text_content("#filter-count")
            page.select_option("#filter-article", "")
            n_verdict = page.evaluate(visible)
            page.select_option("#filter-verdict", "")
            # two clicks: verdict -> evidence -> source
            page.click("#claim-power-subsidy-halves-bill td.verdict a")
            hash1 = page.evaluate("() => location.hash")
            page.click('#evidence-power-subsidy-halves-bill a[href^="#src-"]')
            hash2 = page.evaluate("() => location.hash")
            target = page.evaluate(
                "() => document.getElementById(location.hash.slice(1)).textContent"
            )
        finally:
            browser.close()
    assert n_article == sum(c.article == article for c in ledger)
    assert n_verdict == verdicts["not checkable"]
    assert 0 < n_both < n_article and shown == str(n_both)
    assert hash1 == "#evidence-power-subsidy-halves-bill" and hash2.startswith("#src-")
    assert target.strip()
