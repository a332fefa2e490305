"""Report strings in English and Traditional Chinese; Simplified Chinese is converted from the
Traditional strings with OpenCC (t2s), so the two Chinese versions never drift apart."""

from __future__ import annotations

from functools import cache

from chipwar.errors import InputError

LANGS = ("en", "zh-Hant", "zh-Hans")

EN: dict[str, str] = {
    "title": "chipwar report: the seed articles' numbers, checked",
    "intro": "Every number below comes from chipwar's sourced data and engines. Each chart names "
    "its sources; each verdict links to its evidence.",
    "summary": "Summary",
    "claims": "Claims ledger",
    "compute": "Compute cost by chip and site",
    "tokens": "Tokens per kWh",
    "controls": "Export-control status (destination China)",
    "nexperia": "Nexperia 2025 supply simulation",
    "selfsuff": "Self-sufficiency scenarios",
    "unavailable": "Not available yet: the engine for this section is missing",
    "failed": "Not available: this section could not be built",
    "sources": "Sources",
    "evidence": "Evidence",
    "claimed": "Claimed",
    "modelled": "Modelled",
    "verdict": "Verdict",
    "reason": "Reason",
    "quote": "Quote",
    "article": "Article",
    "assumption": "Depends on",
    "flip": "Flips when",
    "basis": "How computed",
    "supported": "supported",
    "partly supported": "partly supported",
    "contradicted": "contradicted",
    "not checkable": "not checkable",
    "subsidy_on": "with subsidy",
    "subsidy_off": "without subsidy",
    "usd_per_pflop_hour": "USD per usable PFLOP-hour",
    "electricity_share": "electricity share of cost",
    "breakeven": "Break-even: the domestic chip's price at which it costs as much as NVIDIA "
    "per usable PFLOP-hour",
    "tokens_per_kwh": "output tokens per kWh (DeepSeek-V3 decode)",
    "plant_output": "plant output (share of plan)",
    "price_multiplier": "part price multiplier (1 = before the shock)",
    "history": "history",
    "median": "median",
    "band": "5-95 % band",
    "caption_sources": "Data",
    "tolerance": "Tolerance",
    "note": "Note",
    "claimed_in_seed": "claimed in the seed",
    "self_sufficiency": "IC self-sufficiency",
    "usd_per_chip": "USD per chip",
    "verdicts": "verdicts",
    "contradicted_list": "Contradicted",
    "left_out": "Chips left out (their catalog data lack what the rules test)",
}

ZH_HANT: dict[str, str] = {
    "title": "chipwar 報告:逐一核對種子文章中的數字",
    "intro": "以下數字均來自 chipwar 附有出處的資料與模型。"
    "每張圖註明資料來源;每項判定連結到其證據。",
    "summary": "摘要",
    "claims": "說法核對表",
    "compute": "各晶片與地點的算力成本",
    "tokens": "每度電可產生的 token 數",
    "controls": "出口管制狀態(目的地:中國)",
    "nexperia": "安世半導體 2025 年供應鏈模擬",
    "selfsuff": "自給率情境",
    "unavailable": "尚無法提供:本節所需的模型尚未就緒",
    "failed": "無法提供:本節建立失敗",
    "sources": "資料來源",
    "evidence": "證據",
    "claimed": "文中說法",
    "modelled": "模型結果",
    "verdict": "判定",
    "reason": "理由",
    "quote": "原文",
    "article": "文章",
    "assumption": "取決於",
    "flip": "判定改變的條件",
    "basis": "計算方式",
    "supported": "成立",
    "partly supported": "部分成立",
    "contradicted": "不成立",
    "not checkable": "無法核對",
    "subsidy_on": "有電價補貼",
    "subsidy_off": "無電價補貼",
    "usd_per_pflop_hour": "每可用 PFLOP 小時成本(美元)",
    "electricity_share": "電費佔成本比例",
    "breakeven": "損益平衡:國產晶片價格多少時,其每可用 PFLOP 小時成本與輝達相同",
    "tokens_per_kwh": "每度電輸出 token 數(DeepSeek-V3 解碼)",
    "plant_output": "工廠產出(佔計畫比例)",
    "price_multiplier": "零件價格倍數(1 = 衝擊前)",
    "history": "歷史資料",
    "median": "中位數",
    "band": "5-95% 區間",
    "caption_sources": "資料",
    "tolerance": "容差",
    "note": "說明",
    "claimed_in_seed": "種子文章的說法",
    "self_sufficiency": "積體電路自給率",
    "usd_per_chip": "每顆晶片美元",
    "verdicts": "判定",
    "contradicted_list": "與資料不符",
    "left_out": "未列入的晶片(目錄資料缺少規則所需的欄位)",
}


@cache
def strings(lang: str) -> dict[str, str]:
    """All report strings for ``lang`` (en, zh-Hant, zh-Hans)."""
    if lang == "en":
        return dict(EN)
    if lang == "zh-Hant":
        return {**EN, **ZH_HANT}
    if lang == "zh-Hans":
        from opencc import OpenCC

        cc = OpenCC("t2s")
        return {**EN, **{k: cc.convert(v) for k, v in ZH_HANT.items()}}
    raise InputError("lang", lang, "one of " + ", ".join(LANGS))
