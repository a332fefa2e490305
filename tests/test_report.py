"""The HTML report: one self-contained file, every chart with data and a sourced caption, every
claim linked to its evidence, the tables exported to Excel; strings in three languages."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from chipwar.claims import load_claims
from chipwar.report.i18n import EN, LANGS, ZH_HANT, strings

pytestmark = pytest.mark.usefixtures("claims_once")


@pytest.fixture(scope="module")
def zh_hant(built_report: Callable[[str], Path]) -> str:
    return built_report("zh-Hant").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Build once through the CLI (zh-Hans, with xlsx); tests read the files."""
    from chipwar.cli.main import main

    out = tmp_path_factory.mktemp("report")
    html_path, xlsx_path = out / "build" / "r.html", out / "t.xlsx"  # build/ not there yet
    code = main(["report", "-o", str(html_path), "--lang", "zh-Hans", "--xlsx", str(xlsx_path)])
    return {"code": code, "html": html_path.read_text(encoding="utf-8"), "xlsx": xlsx_path}


def test_cli_report_builds(built: dict[str, object]) -> None:
    assert built["code"] == 0


def test_self_contained_no_external_resources(built: dict[str, object]) -> None:
    full = str(built["html"])
    assert "Plotly" in full and len(full) > 1_000_000  # plotly.js embedded (~4.6 MB)
    html = full[: full.index("<script>")] + full[full.index("</head>") :]  # the page minus the lib
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    assert not re.search(r"""(src|href)=["']https?:""", html)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def _charts(html: str) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for m in re.finditer(r'Plotly.newPlot\("chart-([\w-]+)"', html):
        head = html.rfind("var fig = ", 0, m.start())
        fig = json.loads(
            html[head + len("var fig = ") : html.index(";\n", head)].replace("<\\/", "</")
        )
        out.append((m.group(1), fig))
    return out


def test_every_chart_has_data_and_a_caption_naming_sources(built: dict[str, object]) -> None:
    html = str(built["html"])
    charts = _charts(html)
    ids = {cid for cid, _ in charts}
    assert {"compute-cost", "compute-share", "tokens-per-kwh", "selfsuff", "claims-verdicts"} <= ids
    for cid, fig in charts:
        assert fig["data"], cid
        assert any(len(t.get("y") or t.get("x") or []) > 0 for t in fig["data"]), cid
        cap = re.search(
            rf'id="chart-{cid}".*?<figcaption class="caption">(.*?)</figcaption>', html, re.S
        )
        assert cap and 'href="#src-' in cap.group(1), cid


def test_every_claim_links_to_its_evidence(built: dict[str, object]) -> None:
    html = str(built["html"])
    for c in load_claims():
        assert f'id="claim-{c.id}"' in html
        assert f'href="#evidence-{c.id}"' in html and f'id="evidence-{c.id}"' in html
        assert c.quote in html  # original Traditional Chinese quote kept as printed


def test_every_cited_source_resolves_in_the_page(built: dict[str, object]) -> None:
    html = str(built["html"])
    cited = set(re.findall(r'href="#src-([^"]+)"', html))
    anchors = set(re.findall(r'id="src-([^"]+)"', html))
    assert cited and not cited - anchors  # every link, captions included, lands on a source row


def test_every_axis_title_is_an_object_plotly_js_3_draws(built: dict[str, object]) -> None:
    """plotly.js 3 silently drops a plain-string axis title; every value axis must be labelled."""
    for cid, fig in _charts(str(built["html"])):
        lay = fig["layout"]
        for axis in ("xaxis", "yaxis"):
            title = lay.get(axis, {}).get("title")
            assert title is None or isinstance(title, dict), (cid, axis)
        if cid != "controls-timeline":  # the timeline's value axis is dates, its rows are chips
            assert lay["yaxis"]["title"]["text"], cid


def test_summary_counts_verdicts_and_lists_contradicted_claims(built: dict[str, object]) -> None:
    from chipwar.claims import evaluate_all

    html = str(built["html"])
    summary = html[html.index('id="section-summary"') : html.index('id="section-compute"')]
    t = strings("zh-Hans")
    results = evaluate_all(with_flip=False)
    for v in {r.verdict for r in results}:
        n = sum(r.verdict == v for r in results)
        assert f"{n} {t[v]}" in summary, v
    for r in results:
        if r.verdict == "contradicted":
            assert f'href="#evidence-{r.claim.id}"' in summary, r.claim.id


def test_evidence_shows_tolerance_rule_and_reason(built: dict[str, object]) -> None:
    html = str(built["html"])
    block = html[html.index('id="evidence-nexperia-inventory-lasts-weeks"') :]
    block = block[: block.index("</div>")]
    assert "modelled: rel 0.1" in block and strings("zh-Hans")["tolerance"] in block


ENGLISH_TEMPLATES = [
    "is below the claimed",
    "is above the claimed",
    "is within the claimed",
    "near but outside",
    "reaches it",
    "tolerance included",
    "borderline:",
    "exact rule:",
    "licence required",
    "licences assumed not granted",
    "shipped TCO assumptions",
    "shipped assumptions",
    "current price",
    "break-even price",
    "Verdicts of the claims ledger",
    "Chips left out",
    "is not allowed; expected",
    "base values",
    "sampled runs",
    "crosses = the seed",
    "half a unit of the claimed",
    "<th>publisher</th>",
]


def _text_outside_scripts(html: str) -> str:
    body = html[html.index("</head>") :]
    return re.sub(r"<script>.*?</script>", "", body, flags=re.S)


def _chart_strings(html: str) -> str:
    """Every legend name, axis title and annotation of every chart (what Plotly draws)."""
    out = []
    for _, fig in _charts(html):
        out += [str(t.get("name", "")) for t in fig["data"]]
        for key, ax in fig["layout"].items():
            if key.startswith(("xaxis", "yaxis")) and isinstance(ax.get("title"), dict):
                out.append(ax["title"]["text"])
        out += [a["text"] for a in fig["layout"].get("annotations", [])]
    return "\n".join(out)


def test_zh_hant_report_has_no_english_reason_or_ui_template_text(zh_hant: str) -> None:
    """Reasons, verdict words, legends, captions and notices are translated; only data (ids,
    source titles, paraphrases, free-text notes from the ledger) may stay English."""
    shown = _text_outside_scripts(zh_hant) + _chart_strings(zh_hant)
    found = [s for s in ENGLISH_TEMPLATES if s in shown]
    assert not found, found
    t = strings("zh-Hant")
    assert t["licence required"] in shown and t["no licence required"] in shown
    block = zh_hant[zh_hant.index('id="evidence-dc-electricity-share-over-60pct"') :]
    assert "模型值 0.225 比例 低於文中說法 ≥ 0.6 比例" in block[: block.index("</div>")]


def test_zh_summary_lists_contradicted_claims_quote_first_with_translated_verdict(
    zh_hant: str,
) -> None:
    summary = zh_hant[zh_hant.index('id="section-summary"') : zh_hant.index('id="section-compute"')]
    items = re.findall(r"<li><a href=\"#evidence-.*?</li>", summary, re.S)
    claims = {c.id: c for c in load_claims()}
    assert items
    for li in items:
        cid = re.match(r'<li><a href="#evidence-([\w-]+)"', li).group(1)  # type: ignore[union-attr]
        c = claims[cid]
        assert "(不成立)" in li and "contradicted" not in li
        # The page is autoescaped (issue 14): compare with the escaped text.
        assert li.index(str(escape(c.quote))) < li.index(str(escape(c.paraphrase.zh_hant)))


def test_every_reason_template_is_translated_with_the_same_placeholders() -> None:
    from string import Formatter

    from chipwar.claims.verdict import REASONS

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in Formatter().parse(text) if f}

    for lang in LANGS:
        t = strings(lang)
        for key, en in REASONS.items():
            assert fields(t[f"reason.{key}"]) == fields(en), (lang, key)
        for key in ("cap_breakeven", "cap_nexperia_output", "cap_selfsuff", "licence_exception"):
            assert fields(t[key]) == fields(EN[key]), (lang, key)


def test_nexperia_plants_with_identical_base_lines_get_their_own_panels(
    built: dict[str, object],
) -> None:
    """oem-europe, oem-north-america and honda-celaya each get a panel (own y axis) with a
    distinct line style and its sampled 5-95 % band. (In the sourced prior their base-value
    lines coincide; in the calibrated scenario Celaya is cut in early November, Europe is not.)"""
    fig = dict(_charts(str(built["html"])))["nexperia-output"]
    base = {t["legendgroup"]: t for t in fig["data"] if t.get("mode") == "lines+markers"}
    band = {t["legendgroup"]: t for t in fig["data"] if t.get("fill") == "tonexty"}
    plants = ["oem-europe", "oem-north-america", "honda-celaya"]
    assert set(plants) <= set(base) and set(plants) <= set(band)
    assert len({base[p]["yaxis"] for p in plants}) == 3
    assert len({base[p]["line"]["dash"] for p in plants}) == 3
    nov_2 = 33  # days from 30 Sep 2025
    assert base["honda-celaya"]["y"][nov_2] < 0.99 <= min(base["oem-europe"]["y"][:50])
    assert band["oem-europe"]["y"] != band["honda-celaya"]["y"]  # the samples tell them apart
    assert min(band["honda-celaya"]["y"]) < min(base["honda-celaya"]["y"]) <= 1.0
    for p in plants:
        axis = "yaxis" + base[p]["yaxis"][1:]
        assert fig["layout"][axis]["title"]["text"] == strings("zh-Hans")["share_of_plan"]


def test_language_is_simplified_chinese(built: dict[str, object]) -> None:
    html = str(built["html"])
    assert 'lang="zh-Hans"' in html
    assert strings("zh-Hans")["claims"] in html and "說法" not in strings("zh-Hans")["claims"]


def test_xlsx_has_the_tables(built: dict[str, object]) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(built["xlsx"], read_only=True)
    assert {"claims", "tco", "tokens"} <= set(wb.sheetnames)
    ws = wb["claims"]
    header = [c.value for c in next(ws.iter_rows(max_row=1))]
    assert {"id", "verdict", "modelled", "reason"} <= set(header)
    assert ws.max_row == len(load_claims()) + 1


def test_strings_complete_in_every_language() -> None:
    assert set(ZH_HANT) == set(EN)
    for lang in LANGS:
        s = strings(lang)
        assert set(s) == set(EN) and all(s.values())
    assert strings("zh-Hans")["verdict"] == "判定"
    assert strings("zh-Hans")["contradicted"] == "不成立"
    assert strings("zh-Hans")["compute"] != strings("zh-Hant")["compute"]  # 點/点 etc. converted


def test_bad_language_is_a_clear_error(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    res = cli("report", "-o", str(tmp_path / "x.html"), "--lang", "fr")
    assert res.code == 2 and "fr" in res.err and "Traceback" not in res.err
    assert not (tmp_path / "x.html").exists()


def test_output_that_is_a_directory_is_a_clear_error(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    res = cli("report", "-o", str(tmp_path))
    assert res.code == 2 and "--output" in res.err and "Traceback" not in res.err


def test_a_section_with_bad_data_becomes_a_notice_and_a_bug_raises() -> None:
    from chipwar.errors import DataError
    from chipwar.report.build import _safe

    t = strings("en")

    def bad_data(_: dict[str, str]):  # type: ignore[no-untyped-def]
        raise DataError("nexperia-2025.yaml: nodes[3].capacity: not a number")

    def bug(_: dict[str, str]):  # type: ignore[no-untyped-def]
        raise ValueError("a bug")

    def missing(_: dict[str, str]):  # type: ignore[no-untyped-def]
        raise ImportError("No module named 'chipwar.supply'")

    s = _safe("nexperia", bad_data, t)
    assert not s.available and t["failed"] in s.note and "not a number" in s.note
    assert s.charts == []
    with pytest.raises(ValueError, match="a bug"):
        _safe("nexperia", bug, t)
    with pytest.raises(ImportError):
        _safe("nexperia", missing, t)


def test_unwritable_outputs_are_clear_errors_and_nothing_is_written(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    html = tmp_path / "r.html"
    res = cli("report", "-o", str(html), "--xlsx", str(tmp_path))  # xlsx names a directory
    assert res.code == 2 and "--xlsx" in res.err and "Traceback" not in res.err
    assert not html.exists()  # checked before the HTML is written
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = cli("report", "-o", str(blocker / "sub" / "r.html"))  # folder cannot be created
    assert res.code == 2 and "--output" in res.err and "Traceback" not in res.err


def test_make_run_prints_a_summary_and_the_path(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """What `make run` does from a fresh checkout (build/ does not exist yet): the CLI prints the
    verdict counts and the file:// path to open (the build itself is the `built` fixture's)."""
    import chipwar.report as rep
    from chipwar.report.build import ReportResult

    def fake(path: Path, lang: str = "en", xlsx: Path | None = None) -> ReportResult:
        assert path.parent.is_dir()  # the CLI made build/
        path.write_text("<html></html>", encoding="utf-8")
        rows = [{"verdict": "supported"}, {"verdict": "contradicted"}]
        return ReportResult(path, lang, [], rows)

    monkeypatch.setattr(rep, "build_report", fake)
    out = tmp_path / "build" / "report.html"
    res = cli("report", "-o", str(out))
    assert res.code == 0 and out.exists()
    assert "2 claims: 1 supported, 1 contradicted" in res.out
    assert f"open: {out.resolve().as_uri()}" in res.out.replace("\n", "")


def test_calibration_section_shows_prior_and_calibrated_bands(built: dict[str, object]) -> None:
    """Plant output and part prices: a 5-95 % band and a median for the sourced prior and for
    the calibrated scenario in every panel; observation hit rates for both."""
    charts = dict(_charts(str(built["html"])))
    t = strings("zh-Hans")
    for cid in ("calibration-output", "calibration-price"):
        fig = charts[cid]
        bands = [tr for tr in fig["data"] if tr.get("fill") == "tonexty"]
        assert {tr["legendgroup"] for tr in bands} == {"prior", "posterior"}
        assert len({tr["yaxis"] for tr in bands}) == len(bands) // 2  # one panel per series
    output = charts["calibration-output"]
    panels = [a["text"] for a in output["layout"]["annotations"]]
    assert "<b>honda-celaya</b>" in panels and "<b>oem-china</b>" not in panels
    bars = charts["calibration-observations"]["data"]
    assert [b["name"] for b in bars] == [t["calib_prior"], t["calib_posterior"]]
    rate = dict(zip(bars[1]["y"], bars[1]["x"], strict=True))
    prior = dict(zip(bars[0]["y"], bars[0]["x"], strict=True))
    assert rate["honda-celaya-stop"] > 0.5 > prior["honda-celaya-stop"]
