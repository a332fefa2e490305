"""Report strings in English and Traditional Chinese; Simplified Chinese is converted from the
Traditional strings with OpenCC (t2s), so the two Chinese versions never drift apart."""

from __future__ import annotations

from functools import cache

from chipwar.claims.verdict import REASONS
from chipwar.errors import InputError

UNITS = (
    "weeks",
    "months",
    "days",
    "fraction",
    "probability",
    "ratio",
    "x normal price",
    "USD",
    "USD bn",
    "CNY bn",
    "JPY bn",
    "CNY/kWh",
    "EUR m",
    "EUR bn",
    "JPY trillion",
    "years",
    "rank",
    "nm",
    "generations",
    "cases",
    "companies",
    "customers",
    "entities",
    "million vehicles",
)
"""Units of the claims ledger shown in the report (a unit not listed here is shown as is)."""

ASSUMPTION_NOTES = (
    "licences assumed not granted (chipwar.controls convention)",
    "legal availability stands in for market share (licences assumed not granted)",
    "shipped TCO assumptions (chipwar.compute.tco defaults)",
    "knob scales the aggregate share (one-edge chain)",
)
"""Fixed assumption notes of the claims evaluators (``Modelled.assumptions``); others stay as is."""
ASSUMPTION_NOTES_ZH_HANT = (
    "假設許可證均未獲批准(chipwar.controls 慣例)",
    "以能否合法購買代替市場佔有率(假設許可證均未獲批准)",
    "採用內建 TCO 假設(chipwar.compute.tco 預設值)",
    "調整項縮放的是總持股比例(單一持股鏈)",
)

LANGS = ("en", "zh-Hant", "zh-Hans")

EN: dict[str, str] = {
    "lang": "en",
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
    "supply_calibration": "Nexperia 2025: the sourced prior against the calibrated scenario",
    "calib_prior": "sourced prior",
    "calib_posterior": "calibrated",
    "calib_hit_rate": "share of samples that reproduce the observation",
    "calib_observation": "observation (data/observations/nexperia-2025.yaml)",
    "cap_calibration": "5-95 % band and median of {n} sampled runs (seed {seed}) of chipwar.supply "
    "scenario {prior} (sourced spreads) and {posterior} (spreads calibrated to the dated "
    "observations in data/observations/nexperia-2025.yaml by rejection ABC).",
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
    "left_out_missing": "{chip}: no {field}",
    "no licence required": "no licence required",
    "licence required": "licence required",
    "licence_exception": "licence required ({ex} available)",
    "undetermined": "undetermined",
    "current_price": "current price",
    "breakeven_price": "break-even price",
    "vs": "vs",
    "subsidy_eligible": "subsidy where eligible",
    "cap_compute_cost": "chipwar.compute.tco.tco_frame, BF16, shipped assumptions.",
    "cap_compute_share": "tco_frame.electricity_share.",
    "cap_breakeven": "chipwar.compute.breakeven at {site} (param chip-price). No electricity "
    "price >= 0 equalises the costs in {n} of {total} pairs.",
    "cap_tokens": "at {site}, batch 64, BF16: chipwar.compute.workload.infer_frame.",
    "cap_controls": "chipwar.controls.classify.timeline(chip, 'CN') for every catalog chip; "
    "licences assumed not granted.",
    "cap_nexperia_output": "One panel per plant whose output falls below plan: the base-value run "
    "(line) and the 5-95 % band of {n} sampled runs (seed {seed}). The base-value lines of "
    "{same} coincide; the sampled band shows where they differ. Never below plan in any sample: "
    "{others}. chipwar.supply scenario nexperia-2025.",
    "cap_price": "chipwar.supply scenario nexperia-2025 (market response P/P0 = min(cap, "
    "(filled/ordered)^(-1/elasticity))).",
    "cap_selfsuff": "IC self-sufficiency: history (chipwar.dynamics.history; crosses = the seed's "
    "own claims, not evidence) and the dynamics scenarios {scenarios} "
    "(chipwar.dynamics.api.run_scenario, median and 5-95 % band of {n} samples, seed 0).",
    "cap_claims": "Verdicts of the claims ledger (data/claims.yaml) computed by chipwar.claims; "
    "each verdict's own sources are listed with its evidence below. Claims quoted from:",
    "base_run": "base values",
    "share_of_plan": "share of plan",
    "col_title": "title",
    "col_publisher": "publisher",
    "col_date": "date",
    "col_kind": "kind",
    "tolerance_rounded": "rounded: half a unit of the claimed figure's last digit",
    "equipment": "Equipment controls (destination China)",
    "equipment_note": "One bar per tool and regime (us, nl, eu, jp): the regimes are shown side "
    "by side, never merged. The nl and eu rows answer for an export from the Netherlands/EU, "
    "the jp "
    "rows for an export from Japan; grey = undetermined (rules before that date not modelled).",
    "cap_equipment": "chipwar.controls.tools.timeline(tool, 'CN', end use {end_use}) for key "
    "tools; licences assumed not granted.",
    "tool_regime": "tool · regime (us, nl, eu, jp)",
    "asml_china_share": "ASML sales to China (share)",
    "asml_20f": "20-F: total net sales by customer location",
    "asml_annual_report": "annual report (as reported)",
    "asml_press": "press reports (bases differ)",
    "asml_guidance": "company guidance",
    "asml_quarterly": "system sales, by quarter",
    "cap_asml_share": "ASML's China share by year and quarter (chipwar.dynamics.history, "
    "chipwar.dynamics.equipment_history; metrics as published, never averaged); dotted lines: "
    "equipment rule versions (data/rules/equipment).",
    **{f"reason.{k}": v for k, v in REASONS.items()},
    **{f"unit.{u}": u for u in UNITS},
    **{f"assume.{a}": a for a in ASSUMPTION_NOTES},
    "key_findings": "Key findings",
    "kf_intro": "Computed from the engines when this report was built; each links to its section.",
    "kf_left_out": "{n} finding(s) left out: their section did not build.",
    "kf_electricity": "Electricity is {range} of the all-in cost of usable compute at {sites} "
    "(at most {max}: {max_chip} at {max_site}), not 'over 60 %'.",
    "kf_subsidy": "The domestic-chip power subsidy lowers an Ascend cluster's cost per usable "
    "PFLOP-hour by {range}.",
    "kf_cost": "Per usable dense BF16 PFLOP-hour at {site} (USD, no subsidy): {ranked}; "
    "the cheapest is {cheapest}.",
    "kf_tokens": "Per token (DeepSeek-V3 decode) {chips} use {range} the {ref}'s electricity; "
    "the power subsidy that would equalise the bill is {subsidy}.",
    "kf_forecast": "P(self-sufficiency ≥ 30 % in 2027) = {p_ss}; P(domestic share of AI "
    "accelerators ≥ 80 % in 2028) = {p_ai}, {p_lifted} with the controls lifted "
    "(calibrated dynamics, {n} samples).",
    "kf_claims": "{n} quantitative claims in the seed articles: {counts}.",
    "filter_article": "Article",
    "filter_verdict": "Verdict",
    "filter_all": "all",
    "filter_shown": "shown",
    "note_coincide": "Note: the {a} and {b} medians coincide (largest gap {gap} percentage "
    "points over {years}; {b} is drawn dashed). In the model the subsidy moves the domestic share "
    "of AI accelerators by at most {share_gap} points: with foreign chips barred or only leaking "
    "in, buyers have little to switch from; and AI accelerators are a small part of the IC market "
    "that self-sufficiency counts.",
    "reading": "Reading",
    "not_meant": "a second reading, not the one the article means",
    "undecided": "undecided",
}

ZH_HANT: dict[str, str] = {
    "lang": "zh-Hant",
    "title": "chipwar 報告:逐一核對種子文章中的數字",
    "intro": "以下數字均來自 chipwar 附有出處的資料與模型。"
    "每張圖註明資料來源;每項判定連結到其證據。",
    "summary": "摘要",
    "claims": "說法核對表",
    "compute": "各晶片與地點的算力成本",
    "tokens": "每度電可產生的 token 數",
    "controls": "出口管制狀態(目的地:中國)",
    "nexperia": "安世半導體 2025 年供應鏈模擬",
    "supply_calibration": "安世半導體 2025:有出處的先驗情境與校準後情境的比較",
    "calib_prior": "有出處的先驗",
    "calib_posterior": "校準後",
    "calib_hit_rate": "重現該觀察結果的抽樣比例",
    "calib_observation": "觀察結果(data/observations/nexperia-2025.yaml)",
    "cap_calibration": "chipwar.supply 情境 {prior}(有出處的分布範圍)與 {posterior}"
    "(以拒絕式近似貝氏計算校準至 data/observations/nexperia-2025.yaml 中有日期的觀察結果)"
    "各 {n} 次抽樣模擬(種子 {seed})的 5-95% 區間與中位數。",
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
    "left_out_missing": "{chip}:缺少 {field}",
    "no licence required": "無需許可證",
    "licence required": "需要許可證",
    "licence_exception": "需要許可證(可適用 {ex} 許可例外)",
    "undetermined": "無法判定",
    "current_price": "目前價格",
    "breakeven_price": "損益平衡價格",
    "vs": "對比",
    "subsidy_eligible": "符合資格者計入補貼",
    "cap_compute_cost": "chipwar.compute.tco.tco_frame,BF16,採用內建假設。",
    "cap_compute_share": "tco_frame.electricity_share。",
    "cap_breakeven": "chipwar.compute.breakeven,地點 {site}(參數 chip-price)。"
    "{total} 組比較中有 {n} 組不存在任何 ≥ 0 的電價能使兩者成本相等。",
    "cap_tokens": "地點 {site},批次 64,BF16:chipwar.compute.workload.infer_frame。",
    "cap_controls": "對目錄中每顆晶片執行 chipwar.controls.classify.timeline(chip, 'CN');"
    "假設許可證均未獲批准。",
    "cap_nexperia_output": "每個產出曾低於計畫的工廠各一個小圖:基準值模擬(線)與 {n} 次抽樣模擬的 "
    "5-95% 區間(隨機種子 {seed})。{same} 的基準值曲線重合;抽樣區間顯示其差異。"
    "在所有抽樣中皆未低於計畫:{others}。chipwar.supply 情境 nexperia-2025。",
    "cap_price": "chipwar.supply 情境 nexperia-2025(市場反應 P/P0 = min(cap, "
    "(filled/ordered)^(-1/elasticity)))。",
    "cap_selfsuff": "積體電路自給率:歷史資料(chipwar.dynamics.history;叉號為種子文章本身的說法,"
    "並非證據)及動態情境 {scenarios}(chipwar.dynamics.api.run_scenario,{n} 次抽樣的中位數與 "
    "5-95% 區間,隨機種子 0)。",
    "cap_claims": "說法核對表(data/claims.yaml)的判定由 chipwar.claims 計算;"
    "各判定的資料來源列於下方證據中。說法引自:",
    "base_run": "基準值",
    "share_of_plan": "佔計畫比例",
    "col_title": "標題",
    "col_publisher": "發布者",
    "col_date": "日期",
    "col_kind": "類型",
    "tolerance_rounded": "四捨五入:說法數字最後一位的半個單位",
    "equipment": "半導體設備出口管制(目的地:中國)",
    "equipment_note": "每項設備、每個管制體系(us 美國、nl 荷蘭、eu 歐盟、jp 日本)各一條:"
    "各體系並列顯示,從不合併。nl 與 eu 列回答自荷蘭/歐盟出口的情形,jp 列回答自日本出口的情形;"
    "灰色 = 無法判定(該日期之前的規則未納入模型)。",
    "cap_equipment": "對主要設備執行 "
    "chipwar.controls.tools.timeline(tool, 'CN', 最終用途 {end_use});"
    "假設許可證均未獲批准。",
    "tool_regime": "設備 · 管制體系(us 美國、nl 荷蘭、eu 歐盟、jp 日本)",
    "asml_china_share": "ASML 對中國銷售(佔比)",
    "asml_20f": "20-F 年報:依客戶所在地的總淨銷售額",
    "asml_annual_report": "年報(轉述)",
    "asml_press": "媒體報導(口徑不一)",
    "asml_guidance": "公司預期",
    "asml_quarterly": "系統銷售額(按季)",
    "cap_asml_share": "ASML 中國佔比,按年與按季(chipwar.dynamics.history、"
    "chipwar.dynamics.equipment_history;依原始口徑列示,從不平均);虛線:設備管制規則版本"
    "(data/rules/equipment)。",
    "reason.no_value": "沒有模型數值",
    "reason.within": "模型值 {value} 落在文中說法 {claimed} 的範圍內(含容差)",
    "reason.near": "模型值 {value} 接近但超出文中說法 {claimed}(在 {k} 倍容差內)",
    "reason.range": "模型值 {value} 超出文中說法 {claimed},但模型區間 {low}–{high} 涵蓋該範圍",
    "reason.below": "模型值 {value} 低於文中說法 {claimed}",
    "reason.above": "模型值 {value} 高於文中說法 {claimed}",
    "reason.not_checkable": "無法核對({detail})",
    "reason.engine_refused": "無法核對(模型拒絕輸入:{detail})",
    "reason.no_sources": "無法核對(核對所用的資料未註明任何出處)",
    "reason.exact_flip": ";精確規則:{knob} 有任何變動即變為「{verdict}」",
    "reason.borderline": ";臨界:{knob} 變動 {move} 即變為「{verdict}」",
    "unit.weeks": "週",
    "unit.months": "個月",
    "unit.days": "天",
    "unit.fraction": "比例",
    "unit.probability": "機率",
    "unit.ratio": "比值",
    "unit.x normal price": "倍正常價格",
    "unit.USD": "美元",
    "unit.USD bn": "十億美元",
    "unit.CNY bn": "十億人民幣",
    "unit.JPY bn": "十億日圓",
    "unit.CNY/kWh": "人民幣/度",
    "unit.EUR m": "百萬歐元",
    "unit.EUR bn": "十億歐元",
    "unit.JPY trillion": "兆日圓",
    "unit.years": "年",
    "unit.rank": "名",
    "unit.generations": "代",
    "unit.cases": "個案例",
    "unit.companies": "家",
    "unit.customers": "家客戶",
    "unit.entities": "個主體",
    "unit.million vehicles": "百萬輛",
    "unit.nm": "奈米",
    "key_findings": "主要發現",
    "kf_intro": "以下數字在產生本報告時由各模型計算;點選可跳到相應章節。",
    "kf_left_out": "有 {n} 項發現因所屬章節未能產生而略去。",
    "kf_electricity": "在 {sites},電費佔可用算力總成本的 {range}"
    "(最高 {max}:{max_chip} 在 {max_site}),而非「六成以上」。",
    "kf_subsidy": "國產晶片電費補貼使昇騰叢集每可用 PFLOP 小時的成本下降 {range}。",
    "kf_cost": "在 {site} 每可用稠密 BF16 PFLOP 小時的成本(美元,無補貼):{ranked};"
    "最便宜的是 {cheapest}。",
    "kf_tokens": "按每 token 計(DeepSeek-V3 解碼),{chips} 的耗電是 {ref} 的 {range};"
    "要讓電費持平,需補貼 {subsidy} 的電費。",
    "kf_forecast": "2027 年自給率達 30% 的機率 = {p_ss};2028 年 AI 加速器國產份額達 80% 的"
    "機率 = {p_ai},若解除管制則為 {p_lifted}(校準後的動態模型,{n} 次抽樣)。",
    "kf_claims": "種子文章中共 {n} 項量化說法:{counts}。",
    "filter_article": "文章",
    "filter_verdict": "判定",
    "filter_all": "全部",
    "filter_shown": "顯示",
    "note_coincide": "注意:{a} 與 {b} 的中位數曲線重合({years} 間最大差距 {gap} 個百分點;"
    "{b} 以虛線表示)。在模型中,補貼使 AI 加速器的國產份額最多只變動 {share_gap} 個百分點:"
    "外國晶片被禁或只能零星流入,買家沒有多少可替換的選擇;而 AI 加速器只佔自給率所計積體電路"
    "市場的一小部分。",
    "reading": "解讀",
    "not_meant": "另一種解讀,並非文章本意",
    "undecided": "未定",
    "reason.not_independent": "無法獨立核對:僅有文章自身或轉述該說法的來源({ids})",
    "reason.undecided": ";未定:{knob} 變動 {move}(在其自身範圍 {low}–{high} 內)即變為「{verdict}」",
    **{f"assume.{a}": zh for a, zh in zip(ASSUMPTION_NOTES, ASSUMPTION_NOTES_ZH_HANT, strict=True)},
}

# Strings of the sweep section (report/sections/sweep.py, issue 19), kept in their own block.
SWEEP_EN: dict[str, str] = {
    "sweep": "Sweep",
    "sweep_note": "Design {design}; {rows} rows ({done} of {chunks} chunks finished); seed {seed}; "
    "run with chipwar {version} at {created}.",
    "sweep_at_low": "input in its lowest decile",
    "sweep_at_high": "input in its highest decile",
    "sweep_mean": "mean over all rows",
    "sweep_input": "uncertain input",
    "sweep_where": " Charted for {levers}; the table holds every lever combination.",
    "cap_sweep_tornado": "Tornado of {outcome} in sweep {name}: the outcome's mean over the rows "
    "where each input is in its lowest (blue) or highest (red) decile, against its mean over all "
    "{rows} rows (chipwar.experiments.sensitivity.tornado; the other inputs vary too).{where}",
    "sweep_s1": "first order (S1)",
    "sweep_st": "total order (ST)",
    "sweep_sobol_axis": "Sobol index (share of the outcome's variance)",
    "sweep_mu_star": "Morris μ*",
    "sweep_morris_axis": "μ* of {outcome} (per unit change of the input's quantile)",
    "cap_sweep_sobol": "Sobol indices of {outcome} in sweep {name} (N = {samples}, seed {seed}; "
    "SALib, Saltelli et al. 2010) with 95 % bootstrap confidence half-widths.{where}",
    "cap_sweep_morris": "Morris elementary effects of {outcome} in sweep {name} ({samples} "
    "trajectories, seed {seed}; SALib): μ* with its 95 % confidence half-width.{where}",
}
SWEEP_ZH_HANT: dict[str, str] = {
    "sweep": "參數掃描",
    "sweep_note": "設計 {design};共 {rows} 列(已完成 {chunks} 個區塊中的 {done} 個);種子 {seed};"
    "以 chipwar {version} 於 {created} 執行。",
    "sweep_at_low": "輸入落在最低十分位",
    "sweep_at_high": "輸入落在最高十分位",
    "sweep_mean": "全部列的平均",
    "sweep_input": "不確定輸入",
    "sweep_where": "圖中為 {levers} 的結果;表格包含所有政策槓桿組合。",
    "cap_sweep_tornado": "掃描 {name} 中 {outcome} 的龍捲風圖:每個輸入落在最低(藍)或最高(紅)"
    "十分位時該結果的平均,與全部 {rows} 列的平均比較(chipwar.experiments.sensitivity.tornado;"
    "其他輸入同時變動)。{where}",
    "sweep_s1": "一階指數(S1)",
    "sweep_st": "總效應指數(ST)",
    "sweep_sobol_axis": "Sobol 指數(佔結果變異的比例)",
    "sweep_mu_star": "Morris μ*",
    "sweep_morris_axis": "{outcome} 的 μ*(輸入分位數每變動一單位)",
    "cap_sweep_sobol": "掃描 {name} 中 {outcome} 的 Sobol 指數(N = {samples},種子 {seed};"
    "SALib,Saltelli 等 2010),誤差線為 95 % 自助法信賴區間半寬。{where}",
    "cap_sweep_morris": "掃描 {name} 中 {outcome} 的 Morris 基本效應({samples} 條軌跡,種子 "
    "{seed};SALib):μ* 及其 95 % 信賴區間半寬。{where}",
}
EN.update(SWEEP_EN)
ZH_HANT.update(SWEEP_ZH_HANT)


@cache
def strings(lang: str) -> dict[str, str]:
    """All report strings for ``lang`` (en, zh-Hant, zh-Hans)."""
    if lang == "en":
        return {**EN, "lang": lang}
    if lang == "zh-Hant":
        return {**EN, **ZH_HANT, "lang": lang}
    if lang == "zh-Hans":
        from opencc import OpenCC

        cc = OpenCC("t2s")
        return {**EN, **{k: cc.convert(v) for k, v in ZH_HANT.items()}, "lang": lang}
    raise InputError("lang", lang, "one of " + ", ".join(LANGS))
