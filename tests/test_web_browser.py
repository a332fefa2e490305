"""The dashboard in Debian's Chromium (Playwright) against a real uvicorn process: every page
loads without console errors, a slider changes the chart, the language switch works, user text
stays text, and no request leaves localhost. ``make screenshots`` writes the screenshots to
docs/img/ for docs/web.md."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _web_server import uvicorn_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
SHOTS = Path(
    os.environ.get("CHIPWAR_SCREENSHOTS") or Path(tempfile.gettempdir()) / "chipwar-screenshots"
)
"""Where the screenshots go: a temporary folder, so that a test run leaves the tree clean;
``make screenshots`` sets ``CHIPWAR_SCREENSHOTS=docs/img`` to refresh docs/web.md's images."""
SHOTS.mkdir(parents=True, exist_ok=True)
SERVED = (
    "(JSON.parse(document.getElementById('page-data').textContent).charts || []).map(c => c.id)"
)
"""The ids of the charts whose figures the server sent with the page."""
PAGES = ["/", "/compute", "/controls", "/screening", "/supply", "/dynamics", "/claims"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium not installed (/usr/bin)"),
]


@pytest.fixture(scope="module")
def browser_page() -> Iterator[tuple[str, Any, dict[str, list[str]]]]:
    sync_api = pytest.importorskip("playwright.sync_api")
    seen: dict[str, list[str]] = {"requests": [], "errors": []}
    with uvicorn_server() as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: seen["requests"].append(r.url))
            page.on("pageerror", lambda e: seen["errors"].append(f"pageerror: {e}"))
            page.on(
                "console",
                lambda m: (
                    seen["errors"].append(f"console: {m.text}") if m.type == "error" else None
                ),
            )
            page.on(
                "dialog", lambda d: (seen["errors"].append(f"dialog: {d.message}"), d.dismiss())
            )
            yield base, page, seen
        finally:
            browser.close()


def test_every_page_loads_without_errors_and_draws_its_charts(browser_page) -> None:  # type: ignore[no-untyped-def]
    base, page, seen = browser_page
    for path in PAGES:
        seen["errors"].clear()
        page.goto(base + path + "?lang=en", wait_until="networkidle", timeout=120_000)
        if path in ("/", "/controls", "/supply", "/dynamics", "/claims"):
            page.wait_for_function(f"() => {SERVED}.every(id => document.getElementById(id).data)")
        drawn = page.evaluate(f"() => {SERVED}.map(id => document.getElementById(id).data.length)")
        assert seen["errors"] == [], (path, seen["errors"])
        assert page.locator("header nav a[aria-current=page]").count() == 1, path
        if path in ("/", "/controls", "/supply", "/dynamics", "/claims"):
            assert drawn and all(n > 0 for n in drawn), (path, drawn)
        name = "overview" if path == "/" else path.strip("/")
        page.screenshot(path=str(SHOTS / f"web-{name}.png"), full_page=False)


def _chart_y(page: Any) -> list[float]:
    return page.evaluate("() => document.getElementById('compute-chart').data.flatMap(t => t.y)")  # type: ignore[no-any-return]


def test_a_slider_changes_the_chart_and_the_url(browser_page) -> None:  # type: ignore[no-untyped-def]
    base, page, seen = browser_page
    seen["errors"].clear()
    page.goto(base + "/compute?chip=nvidia-h20&chip=huawei-ascend-910c&site=cn-guizhou&lang=en")
    page.wait_for_function("() => (document.getElementById('compute-chart').data || []).length")
    before = _chart_y(page)
    slider = page.locator("input[name=electricity]")
    slider.fill("3")  # fires input: the page asks the server again and redraws
    page.wait_for_function(
        "(b) => JSON.stringify(document.getElementById('compute-chart').data.flatMap(t => t.y))"
        " !== JSON.stringify(b)",
        arg=before,
    )
    after = _chart_y(page)
    assert len(after) == len(before) == 2
    assert all(a > b for a, b in zip(after, before, strict=True))  # dearer power, dearer compute
    assert "electricity=3" in page.url and "chip=nvidia-h20" in page.url
    assert page.locator("#table-breakeven tbody tr").count() == 1
    page.screenshot(path=str(SHOTS / "web-compute.png"), full_page=False)
    # The state in the URL comes back on reload.
    page.reload(wait_until="networkidle")
    assert page.locator("input[name=electricity]").input_value() == "3"
    assert seen["errors"] == []


def test_language_switch(browser_page) -> None:  # type: ignore[no-untyped-def]
    base, page, seen = browser_page
    page.goto(base + "/claims?lang=en&verdict=supported", wait_until="networkidle")
    page.click("a.lang[data-lang=zh-Hant]")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.lang") == "zh-Hant"
    assert "lang=zh-Hant" in page.url and "verdict=supported" in page.url
    assert page.locator("header nav").inner_text().count("總覽") == 1
    page.click("a.lang[data-lang=zh-Hans]")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    assert "总览" in page.locator("header nav").inner_text()
    page.screenshot(path=str(SHOTS / "web-claims-zh-hans.png"), full_page=False)
    assert seen["errors"] == []


def test_screening_explains_hits_and_keeps_user_text_as_text(browser_page) -> None:  # type: ignore[no-untyped-def]
    base, page, seen = browser_page
    seen["errors"].clear()
    evil = "<img src=x onerror=alert(1)>"
    page.goto(base + "/screening?lang=en", wait_until="networkidle")
    page.fill("textarea[name=names]", f"Huawei Technologies\nNexperia China\n{evil}")
    page.click("#screen-form button[type=submit]")
    page.wait_for_selector("#table-screen tbody tr")
    text = page.locator("#table-screen").inner_text()
    assert "huawei" in text.lower() and "affiliate" in text.lower()
    assert page.locator("#screen-result img").count() == 0  # the name stayed text
    page.wait_for_function("() => (document.getElementById('ownership-graph').data || []).length")
    assert "name=Huawei+Technologies" in page.url
    page.screenshot(path=str(SHOTS / "web-screening.png"), full_page=True)
    assert seen["errors"] == []


def test_a_custom_accelerator_is_classified_from_the_form(browser_page) -> None:  # type: ignore[no-untyped-def]
    base, page, seen = browser_page
    seen["errors"].clear()
    page.goto(base + "/controls?lang=en&chip=nvidia-h20&date=2025-06-01", wait_until="networkidle")
    assert "nvidia-h20" in page.locator("#table-status").inner_text()
    page.fill("#custom-form input[name=bf16]", "900")
    page.fill("#custom-form input[name=die_area_mm2]", "800")
    page.click("#custom-form button[type=submit]")
    page.wait_for_selector("#table-custom tbody tr")
    row = page.locator("#table-custom tbody tr").first.inner_text()
    assert "my-accelerator" in row and "3A090.a" in row  # TPP 900 x 16 = 14,400 >= 4,800
    assert seen["errors"] == []


def test_an_uploaded_supply_scenario_runs_and_is_drawn(browser_page) -> None:  # type: ignore[no-untyped-def]
    base, page, seen = browser_page
    seen["errors"].clear()
    page.goto(base + "/supply?lang=en", wait_until="networkidle")
    scenario = Path(__file__).resolve().parents[1] / "scenarios" / "nexperia-2025-prior.yaml"
    page.set_input_files("#supply-form input[type=file]", str(scenario))
    page.fill("#supply-form input[name=samples]", "2")
    page.click("#supply-form button[type=submit]")
    page.wait_for_function("() => (document.getElementById('uploaded-output').data || []).length")
    assert page.locator("#table-uploaded_plants tbody tr").count() >= 1
    assert "nexperia-2025-prior" in page.locator("#supply-status").inner_text()
    assert seen["errors"] == []


def test_api_docs_render_offline_under_the_csp(browser_page) -> None:  # type: ignore[no-untyped-def]
    base, page, seen = browser_page
    seen["errors"].clear()
    page.goto(base + "/docs", wait_until="networkidle")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() >= 17  # every endpoint, GET and POST
    page.screenshot(path=str(SHOTS / "web-api-docs.png"), full_page=False)
    assert seen["errors"] == []


def test_no_request_left_localhost(browser_page) -> None:  # type: ignore[no-untyped-def]
    base, _page, seen = browser_page
    assert seen["requests"]
    foreign = [u for u in seen["requests"] if not u.startswith((base, "blob:", "data:"))]
    assert foreign == []
