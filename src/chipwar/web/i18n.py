"""Dashboard strings (navigation, controls) in English and Traditional Chinese; Simplified
Chinese is converted with OpenCC (t2s) as the report's are. Section titles, chart captions and
claims come from the report's strings (:mod:`chipwar.report.i18n`)."""

from __future__ import annotations

from functools import cache

from chipwar.report.i18n import LANGS
from chipwar.report.i18n import strings as report_strings

UI_EN = {
    "app": "chipwar dashboard",
    "overview": "Overview",
    "compute": "Compute",
    "controls": "Controls",
    "screening": "Screening",
    "supply": "Supply",
    "dynamics": "Dynamics",
    "claims_page": "Claims",
    "sweep": "Sweep",
    "sweep_none": "No sweep is loaded. Start the server with `chipwar serve --sweep DIR`, "
    "where DIR is the output folder of `chipwar sweep run`.",
    "api_docs": "API",
    "key_findings": "Key findings",
    "central_question": "Cost per usable PFLOP-hour (USD), the seed's central question",
    "claims_summary": "Claims in the seed articles",
    "chip": "Chip",
    "tool": "Tool",
    "site": "Site",
    "chips": "Chips",
    "no_price": "no sourced per-card price in the catalog: no break-even chip price",
    "sites": "Sites",
    "electricity_x": "Electricity price (× catalog)",
    "chip_price_x": "Chip and system price (× catalog)",
    "subsidy": "Power subsidy (share of the bill; auto = the site's)",
    "utilization": "Utilisation (share of dense peak; 0 = default by chip)",
    "cost_of_capital": "Cost of capital (per year)",
    "auto": "auto",
    "breakeven_of": "Break-even",
    "date": "Date",
    "destination": "Destination (ISO-3166)",
    "show": "Show",
    "timeline": "Status by date",
    "classify_custom": "Classify a custom accelerator",
    "tflops_bf16": "Dense BF16 TFLOPS",
    "die_area": "Die area (mm²)",
    "names": "Names (one per line)",
    "upload_csv": "or upload a CSV with a name column",
    "screen": "Screen",
    "ownership_paths": "Ownership paths",
    "run": "Run",
    "samples": "Samples",
    "upload_scenario": "Upload a scenario (YAML or JSON) to run instead",
    "plants": "Plants",
    "plant_share": "Output, share of plan (mean of the samples)",
    "price_path": "Price multiplier",
    "filter": "Filter",
    "all": "all",
    "download": "Download",
    "loading": "computing…",
    "no_hits": "No match at or above the minimum score.",
    "data_as_of": "Data as of",
    "language": "Language",
}
UI_ZH_HANT = {
    "app": "chipwar 儀表板",
    "overview": "總覽",
    "compute": "算力成本",
    "controls": "出口管制",
    "screening": "名單篩查",
    "supply": "供應鏈",
    "dynamics": "產業動態",
    "claims_page": "說法核查",
    "sweep": "參數掃描",
    "sweep_none": "尚未載入掃描結果。請以 `chipwar serve --sweep DIR` 啟動伺服器，DIR 為 "
    "`chipwar sweep run` 的輸出資料夾。",
    "api_docs": "API",
    "key_findings": "主要發現",
    "central_question": "每可用 PFLOP 小時成本(美元):種子文章的核心問題",
    "claims_summary": "種子文章中的說法",
    "chip": "晶片",
    "tool": "設備",
    "site": "地點",
    "chips": "晶片",
    "no_price": "目錄中沒有有來源的單卡價格:無法計算損益兩平晶片價格",
    "sites": "地點",
    "electricity_x": "電價(× 目錄值)",
    "chip_price_x": "晶片與系統價格(× 目錄值)",
    "subsidy": "電費補貼(佔電費比例;auto = 該地點的補貼)",
    "utilization": "利用率(佔密集峰值比例;0 = 依晶片預設)",
    "cost_of_capital": "資本成本(每年)",
    "auto": "自動",
    "breakeven_of": "損益平衡",
    "date": "日期",
    "destination": "目的地(ISO-3166)",
    "show": "顯示",
    "timeline": "各日期的管制狀態",
    "classify_custom": "分類自訂加速器",
    "tflops_bf16": "BF16 密集 TFLOPS",
    "die_area": "晶粒面積(mm²)",
    "names": "名稱(每行一個)",
    "upload_csv": "或上傳含 name 欄的 CSV",
    "screen": "篩查",
    "ownership_paths": "持股路徑",
    "run": "執行",
    "samples": "樣本數",
    "upload_scenario": "上傳情境檔(YAML 或 JSON)改為執行",
    "plants": "工廠",
    "plant_share": "產出佔計畫比例(樣本平均)",
    "price_path": "價格倍數",
    "filter": "篩選",
    "all": "全部",
    "download": "下載",
    "loading": "計算中…",
    "no_hits": "沒有達到最低分數的相符項。",
    "data_as_of": "資料截至",
    "language": "語言",
}
LANG_NAMES = {"en": "English", "zh-Hant": "繁體中文", "zh-Hans": "简体中文"}


@cache
def ui_strings(lang: str) -> dict[str, str]:
    """Report strings plus the dashboard's own, for ``lang`` (en, zh-Hant, zh-Hans)."""
    base = report_strings(lang)  # raises InputError naming the allowed languages
    if lang == "en":
        return {**base, **UI_EN}
    if lang == "zh-Hant":
        return {**base, **UI_EN, **UI_ZH_HANT}
    from opencc import OpenCC

    cc = OpenCC("t2s")
    return {**base, **UI_EN, **{k: cc.convert(v) for k, v in UI_ZH_HANT.items()}}


__all__ = ["LANGS", "LANG_NAMES", "ui_strings"]
