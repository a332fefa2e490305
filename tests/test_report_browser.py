"""The report in headless Chromium: it renders, every chart has data, no request leaves the
machine. Needs Debian's /usr/bin/chromium (skipped with a reason when it is absent)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium not installed (/usr/bin)"),
]


@pytest.fixture(scope="module")
def report_file(built_report: Callable[[str], Path]) -> Path:
    return built_report("zh-Hant")


def test_report_renders_offline_with_data_in_every_chart(report_file: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    requests: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(report_file.as_uri(), wait_until="load")
            page.wait_for_function("() => typeof Plotly !== 'undefined'")
            charts = page.evaluate(
                """() => Array.from(document.querySelectorAll('div.chart')).map(gd => ({
                    id: gd.id,
                    traces: (gd.data || []).length,
                    points: (gd.data || []).reduce(
                        (n, t) => n + ((t.y || t.x || []).length || 0), 0),
                    drawn: gd.querySelectorAll('.main-svg').length,
                    ytitle: (gd.querySelector('.g-ytitle') || {textContent: ''}).textContent
                }))"""
            )
            title = page.title()
            evidence_ok = page.evaluate(
                """() => Array.from(document.querySelectorAll('a[href^="#evidence-"]'))
                    .every(a => document.getElementById(a.getAttribute('href').slice(1)))"""
            )
        finally:
            browser.close()
    assert "chipwar" in title
    assert len(charts) >= 5
    for c in charts:
        assert c["traces"] > 0 and c["points"] > 0, c
        assert c["drawn"] > 0, c  # Plotly actually rendered an SVG
        if c["id"] != "chart-controls-timeline":
            assert c["ytitle"].strip(), c  # the value axis is labelled on screen
    assert evidence_ok
    assert not errors, errors
    outside = [u for u in requests if not u.startswith(("file://", "data:", "blob:", "about:"))]
    assert requests and not outside, outside
