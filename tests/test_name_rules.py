"""The name-matching rules of chipwar-name-match 2.1 to 2.10, each with a name it must find and a
near name it must not (module docstring of ``controls/names.py``). Names are real list
spellings (Entity List, DoD 1260H) and real companies next to them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipwar.controls.cjk import core, translit
from chipwar.controls.names import (
    ALGORITHM,
    FEATURES,
    NameIndex,
    initials,
    normalize,
    query_parts,
    stem,
)

LIST = [
    ("crcc", "China Railway Construction Corporation Limited", []),
    ("smic", "Semiconductor Manufacturing International Corporation", ["SMIC"]),
    ("cxmt", "ChangXin Memory Technologies, Inc.", ["CXMT"]),
    ("jicun", "Jicun Semiconductor Technology (Shanghai) Co., Ltd.", []),
    ("wingtech", "Wingtech Technology Co., Ltd.", []),
    ("huawei", "Huawei Technologies Co., Ltd.", ["Huawei"]),
    ("dahua", "Zhejiang Dahua Technology Co., Ltd.", []),
    ("nsc-wuxi", "National Supercomputing Center Wuxi", []),
    ("inspur", "Inspur Group Co., Ltd.", ["Inspur"]),
    ("catl", "Contemporary Amperex Technology Co., Limited",
     [("宁德时代新能源科技股份有限公司", "registry")]),
    ("hik", "Hangzhou Hikvision Digital Technology Co., Ltd.",
     [("杭州海康威视数字技术股份有限公司", "registry")]),
    ("sensetime", "SenseTime Group Inc.", [("商汤集团股份有限公司", "registry")]),
    ("smic-zh", "SMIC (Chinese names)", [("中芯国际集成电路制造有限公司", "registry"),
                                         ("中芯国际", "registry")]),
]  # fmt: skip


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex.build(LIST)


def top(index: NameIndex, query: str) -> tuple[str | None, float, dict]:
    found = index.search([query], min_score=0.8, limit=1)[0]
    if not found:
        return None, 0.0, {}
    m = found[0]
    return index.ids[m.entry], m.score, m.features


@pytest.mark.parametrize(
    ("query", "entity", "feature"),
    [
        ("CRCC", "crcc", "acronym"),  # initials of the list's name, legal form included
        ("Semiconductor Manufacturing International Corporation (SMIC)", "smic", "exact"),
        ("长鑫存储技术有限公司", "cxmt", "translit"),  # no registry entry: pinyin + English
        ("吉存半導體科技（上海）公司", "jicun", "translit"),
        ("寧德時代", "catl", "short_name"),  # legal name without 新能源科技
        ("海康威视", "hik", "short_name"),  # without 杭州 and 数字技术
        ("商汤科技", "sensetime", "short_name"),  # 商汤集团 → 商汤, the core of 商汤科技
        ("中芯国际集成电路製造", "smic-zh", "exact"),
        ("China Wingtech Communications", "wingtech", "distinctive"),
        ("Inpur Group Co., Ltd.", "inspur", "coverage"),  # a letter dropped: a typo
        ("Huwei Technologies", "huawei", "coverage"),
        ("Dahua Technology", "dahua", "coverage"),  # the place left out
    ],
)
def test_rule_finds_the_listed_company(index: NameIndex, query: str, entity: str,
                                       feature: str) -> None:  # fmt: skip
    got, score, feats = top(index, query)
    assert got == entity, (query, got, score, feats)
    assert feats.get(feature, 0) > 0, feats


@pytest.mark.parametrize(
    "query",
    [
        "CRC",  # three letters: too many companies share them
        "Huawen Group",  # a real company (Huawen Media Group): a letter replaced, not a slip
        "中芯集成",  # United Nova (中芯集成电路), not SMIC: 中芯 alone is no core
        "长江电子",  # 长江 is not YMTC's core: 存储 is not a descriptive word
        "China Mobile Communications",  # shares only descriptive words with Wingtech's name
        "海康",  # two characters that are no listed name's core
        "Hua Hong Semiconductor",
        "Zhejiang Uniview Technologies",  # a place names no company: only 'uniview' does
        "Zhejiang Technology Co., Ltd.",
        # another city, another centre (held-out set 2 found this at 2.1: 0.88)
        "The National Supercomputing Center Zhengzhou",
    ],
)
def test_near_name_is_not_matched(index: NameIndex, query: str) -> None:
    got, score, feats = top(index, query)
    assert got is None, (query, got, score, feats)


def test_swapped_characters_are_a_typo() -> None:
    idx = NameIndex.build([("cxmt", "ChangXin", [("长鑫存储", "registry")])])
    m = idx.search(["长鑫储存"], min_score=0.8)[0][0]  # as a news source misspelled it
    assert m.features["typo"] == 1.0 and "swapped" in m.reason
    assert idx.search(["长鑫仓储"], min_score=0.8) == [[]]  # another character is no typo


def test_every_hit_names_its_algorithm_and_reason(index: NameIndex) -> None:
    for q in ("CRCC", "寧德時代", "长鑫存储技术有限公司"):
        m = index.search([q], min_score=0.8)[0][0]
        assert m.algorithm == ALGORITHM and ALGORITHM["version"] == "2.10"
        assert m.reason and m.label


def test_helpers() -> None:
    assert initials("China Railway Construction Corporation Limited") == ("crccl", "crcc")
    assert initials("Huawei Technologies Co., Ltd.") == ()  # two words besides legal forms
    assert query_parts("Yangtze Memory Technologies (YMTC)") == [
        "Yangtze Memory Technologies (YMTC)",
        "Yangtze Memory Technologies",
        "YMTC",
    ]
    assert query_parts("吉存半導體科技（上海）公司") == ["吉存半導體科技（上海）公司"]
    assert query_parts("China Unicom (Hong Kong) Limited") == ["China Unicom (Hong Kong) Limited"]
    assert query_parts("Hygon (海光信息)") == ["Hygon (海光信息)", "Hygon", "海光信息"]
    unicom = "China Unicom (Hong Kong) Limited (NYSE: CHU)"  # held-out set 3
    assert query_parts(unicom)[:2] == [unicom, "China Unicom (Hong Kong) Limited"]
    assert normalize("Qingdao Si’En") == "qingdao sien"  # a typographic apostrophe
    assert query_parts("Jicun (上海) (Hong Kong)") == ["Jicun (上海) (Hong Kong)"]
    # 2.8: a name in both scripts is scored as each script's text alone, unless that text is
    # only places, descriptive words or legal forms (held-out set 6: 'SMEE 上海微電子裝備集團')
    assert query_parts("SMEE 上海微電子裝備集團")[1:] == ["上海微電子裝備集團", "SMEE"]
    assert query_parts("Nexperia中国") == ["Nexperia中国", "Nexperia"]
    assert query_parts("TCL科技") == ["TCL科技", "TCL"]
    assert query_parts("科大讯飞 Co., Ltd.") == ["科大讯飞 Co., Ltd.", "科大讯飞"]
    assert core("深圳市道通智能航空技术") == core("道通智能") == "道通智能"
    assert "changxin memory technology" in translit("长鑫存储技术")
    assert translit("重庆长安") == ("chongqing changan",)  # a place has one reading
    assert translit("Huawei") == ()


def test_index_built_in_blocks_equals_one_block(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from chipwar.controls import names

    whole = NameIndex.build(LIST)
    monkeypatch.setattr(names, "TOKEN_BLOCK", 3)
    blocks = NameIndex.build(LIST)
    for name, arr in whole.arrays.items():
        assert np.array_equal(arr, blocks.arrays[name]), name


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("()（）[]<>〈〉 .,&'-*ACMSTxyzāóǔ海光中芯国际集团科技有限公司上海退市我")
        ),
        max_size=30,
    )
)
def test_any_query_gives_an_explained_answer_or_none(query: str) -> None:
    """Brackets, legal forms, places and CJK in any order: never an error, scores in [0, 1],
    every hit explained."""
    for m in _INDEX.search([query], min_score=0.0, limit=3)[0]:
        assert 0.0 <= m.score <= 1.0 and m.reason and set(m.features) >= set(FEATURES)


_INDEX = NameIndex.build(LIST)


# ---------------------------------------------------------------- 2.3


def test_another_ending_of_a_word_is_the_same_word() -> None:
    """Held-out set 2: 'Supercomputing' for the list's 'Supercomputer' (the Zhengzhou centre,
    not Wuxi's), 'Intelligence' and the misspelt 'Inetlligence' for 'Intelligent'."""
    idx = NameIndex.build([
        ("wuxi", "National Supercomputing Center Wuxi", []),
        ("zhengzhou", "National Supercomputer Center Zhengzhou", []),
        ("sdic", "SDIC Intelligent (Xiamen) Information Co., Ltd.", []),
    ])  # fmt: skip
    for query, want in [("The National Supercomputing Center Zhengzhou", "zhengzhou"),
                        ("SDIC Intelligence (Xiamen) Information Co., Ltd.", "sdic"),
                        ("SDIC Inetlligence (Xiamen) Information Co., Ltd.", "sdic")]:  # fmt: skip
        got, score, feats = top(idx, query)
        assert got == want, (query, got, score, feats)
    assert stem("supercomputing") == stem("supercomputer") == "supercomput"
    assert stem("leons") == "leons"  # a stem keeps 5 letters: Leon is not Leons' stem


def test_traditional_names_are_read_with_taiwan_usage() -> None:
    """Taiwan and Hong Kong press write 資訊 for 信息 and 執行緒 for 线程 (Moore Threads)."""
    idx = NameIndex.build([
        ("higon", "Higon", [("海光信息技术股份有限公司", "registry")]),
        ("moore", "Moore Threads Technology Co., Ltd.",
         [("摩尔线程智能科技(北京)股份有限公司", "registry")]),
    ])  # fmt: skip
    assert top(idx, "海光資訊")[0] == "higon"
    assert top(idx, "摩爾執行緒")[0] == "moore"
    assert normalize("海光資訊") == "海光信息" and normalize("智慧科技") == "智慧科技"


def test_a_latin_query_in_pinyin_with_english_words_finds_the_chinese_name() -> None:
    """'Longxin Zhongke Technology' is 龙芯中科技术 as a list would print it (Loongson)."""
    idx = NameIndex.build([("loongson", "Loongson Technology Corporation Limited",
                            [("龙芯中科技术股份有限公司", "registry")])])  # fmt: skip
    m = idx.search(["Longxin Zhongke Technology Co., Ltd."], min_score=0.8)[0][0]
    assert m.kind == "translit" and m.features["translit"] == 1.0 and m.score == 0.9
    assert idx.search(["Longxin Zhongke"], min_score=0.8) == [[]]  # part of the name only
    assert idx.search(["Longxin Technology"], min_score=0.8) == [[]]


def test_a_homophone_for_one_character_is_a_typo() -> None:
    """Pinyin input methods type a character of the same sound: 旷世 for Megvii's 旷视."""
    idx = NameIndex.build([("megvii", "Megvii", [("旷视科技", "registry")]),
                           ("iflytek", "iFlytek", [("科大讯飞", "registry")])])  # fmt: skip
    for query, want in [("旷世科技", "megvii"), ("科达讯飞", "iflytek")]:
        got, score, feats = top(idx, query)
        assert got == want and feats["typo"] == 1.0, (query, got, score)
    assert top(idx, "旷达科技")[0] is None  # 达 does not sound like 视
    assert top(idx, "科大迅飞科技")[0] is None  # another length: no single replacement


def test_a_city_and_a_two_character_core_is_the_short_name() -> None:
    """合肥长鑫 (Hefei's Changxin) is CXMT's 长鑫科技; 中国 is no city (中国建筑 ≠ 建筑)."""
    idx = NameIndex.build([("cxmt", "CXMT", [("长鑫科技", "registry")])])
    got, score, feats = top(idx, "合肥长鑫")
    assert got == "cxmt" and feats["short_name"] == 1.0, (got, score, feats)
    assert top(idx, "中国长鑫")[0] is None


def test_a_chinese_short_name_in_pinyin_is_the_listed_name_without_generic_words() -> None:
    """With no registry entry: 智谱华章 is 'Beijing Zhipu Huazhang Technology'; two characters
    are too few (华微 is Huawei's pinyin, and another company: Jilin Sino-Microelectronics)."""
    idx = NameIndex.build([("zhipu", "Beijing Zhipu Huazhang Technology Co., Ltd.", []),
                           ("huawei", "Huawei Technologies Co., Ltd.", [])])  # fmt: skip
    got, score, feats = top(idx, "智谱华章")
    assert got == "zhipu" and feats["translit"] == 1.0 and feats["short_name"] == 1.0, score
    assert top(idx, "华微")[0] is None and top(idx, "华微电子")[0] is None


def test_state_groups_named_by_sector_words_match_only_as_a_whole() -> None:
    """Sibling state-owned groups (found by registry pass 4's probes): CASC is not CASIC, in
    either script; China Railway Group (not listed) is not China Railway Construction."""
    idx = NameIndex.build([
        ("casic", "China Aerospace Science and Industry Corporation Limited",
         [("中国航天科工集团有限公司", "registry")]),
        ("crcc", "China Railway Construction Corporation Limited", []),
        ("nsc-jinan", "National Supercomputing Center Jinan",
         [("国家超级计算济南中心", "registry")]),
    ])  # fmt: skip
    for query in ["China Aerospace Science and Technology Corporation", "中國航天科技集團",
                  "China Railway Group Limited", "国家超级计算长沙中心"]:  # fmt: skip
        got, score, feats = top(idx, query)
        assert got is None, (query, got, score, feats)
    for query, want in [
        ("China Aerospace Science Industry Corp", "casic"),
        ("China Railway Constructon Corp", "crcc"),
        ("中国航天科工", "casic"),
    ]:
        assert top(idx, query)[0] == want, query
    weak = idx.search(["中國航天科技集團"], min_score=0.5)[0][0].reason
    assert "the short name 航天科技 is not the listed 航天科工" in weak


def test_a_share_class_marker_is_not_part_of_the_name() -> None:
    """Stock short names carry HKEX/STAR markers: 商汤-W (SenseTime), 寒武紀-U (Cambricon)."""
    assert normalize("商汤-W") == "商汤" and normalize("寒武紀-U") == "寒武纪"
    assert normalize("百度集团-SW") == "百度集团" and normalize("Foo-W") == "foo w"
    # 2.8: an A-share risk-warning or delisting prefix (registry pass 8: *ST碳元, 退市碳元)
    assert normalize("*ST碳元") == normalize("ST 碳元") == normalize("退市碳元") == "碳元"
    assert normalize("ST Microelectronics") == "st microelectronics"


def test_innovation_is_a_descriptive_word() -> None:
    """创新 ('innovation') describes: 大疆 is 大疆创新 (DJI), whose pinyin-and-English rendering
    is how an English page wrote it ('Da Jiang Innovations', held-out set 3)."""
    idx = NameIndex.build([("dji", "SZ DJI Technology Co., Ltd.", [("大疆创新", "registry")])])
    assert top(idx, "大疆")[0] == "dji"
    got, score, feats = top(idx, "Da Jiang Innovations")
    assert got == "dji" and feats["translit"] == 1.0, (got, score)


# ---------------------------------------------------------------- 2.5 (held-out set 4)


def test_a_place_can_stand_anywhere_in_a_chinese_name() -> None:
    """深圳国家超级计算中心 is the Shenzhen centre (国家超级计算深圳中心), not the Jinan one."""
    idx = NameIndex.build([
        ("sz", "National Supercomputing Center Shenzhen", [("国家超级计算深圳中心", "registry")]),
        ("jn", "National Supercomputing Center Jinan", [("国家超级计算济南中心", "registry")]),
    ])  # fmt: skip
    got, score, feats = top(idx, "深圳国家超级计算中心")
    assert got == "sz" and feats["word_order"] == 1.0, (got, score)
    assert [idx.ids[m.entry] for m in idx.search(["深圳国家超级计算中心"], min_score=0.8)[0]] == [
        "sz"
    ]


def test_latin_names_read_like_people_write_them() -> None:
    """Plurals, 'in', 'IC', compounds, tone marks (held-out set 4's spellings)."""
    idx = NameIndex.build([
        ("dji", "Shenzhen DJI Innovation Technology Co., Ltd.", []),
        ("zz", "National Supercomputer Center Zhengzhou", []),
        ("hic", "Chengdu Haiguang Integrated Circuit", []),
        ("ht", "Jiangsu Hengtong OpticElectric Co., Ltd.", []),
        ("cambricon", "Cambricon", [("寒武纪科技", "registry")]),
    ])  # fmt: skip
    for query, want in [
        ("DJI Innovations", "dji"),
        ("National Supercomputing Center in Zhengzhou", "zz"),
        ("Chengdu Haiguang IC Design Co", "hic"),
        ("Hengtong Optic-Electric", "ht"),
        ("Hánwǔjì Kējì", "cambricon"),
    ]:
        got, score, feats = top(idx, query)
        assert got == want, (query, got, score, feats)


def test_an_acronym_never_matches_with_a_letter_changed() -> None:
    """CSIC (China Shipbuilding Industry) is not CASIC; COSCO still finds China COSCO Shipping,
    whose name holds the word."""
    idx = NameIndex.build([
        ("casic", "China Aerospace Science and Industry Corporation Limited", ["CASIC"]),
        ("cosco", "China COSCO Shipping Corporation Limited", ["COSCO Shipping"]),
    ])  # fmt: skip
    assert top(idx, "CSIC")[0] is None
    assert top(idx, "China Shipbuilding Industry Corporation (CSIC)")[0] is None
    assert top(idx, "COSCO")[0] == "cosco"


def test_hong_kong_writes_telecom_otherwise() -> None:
    assert normalize("中國電訊") == "中国电信"  # 電訊: Hong Kong usage for 电信


def test_a_university_is_named_by_more_than_the_word() -> None:
    """2.6, from held-out set 5: with 'national' and 'defense' sector words (2.3), NUDT's only
    distinctive word had become 'university', so Qingdao University of Technology found it."""
    idx = NameIndex.build([("nudt", "National University of Defense Technology", ["NUDT"])])
    assert top(idx, "Qingdao University of Technology")[0] is None
    assert top(idx, "National University of Defence Technology")[0] == "nudt"


# ---------------------------------------------------------------- 2.7 (held-out sets 1-5)


def test_a_sector_the_candidate_lacks_is_another_business() -> None:
    """'Huawei Marine Networks' (now HMN Tech, held-out set 5) shares Huawei's only distinctive
    word with Huawei Investment & Holding; 'marine' names a business that one does not."""
    idx = NameIndex.build([
        ("hih", "Huawei Investment & Holding Co., Ltd.", []),
        ("cosco", "China COSCO Shipping Corporation Limited", []),
    ])  # fmt: skip
    assert top(idx, "Huawei Marine Networks")[0] is None
    assert top(idx, "Huawei Investment Holding")[0] == "hih"
    assert top(idx, "COSCO Shipping")[0] == "cosco"


def test_transliterated_chinese_names_read_their_generic_words() -> None:
    """GLEIF and Wikipedia print legal names in pinyin: Keji is 'technology', Gufen Youxian
    Gongsi a legal form; a toned reading after each character ('中(zhōng)国') is a gloss."""
    idx = NameIndex.build([
        ("dahua", "Zhejiang Dahua Technology Co., Ltd.", []),
        ("cetc", "China Electronics Technology Group Corporation",
         [("中国电子科技集团有限公司", "registry")]),
    ])  # fmt: skip
    got, score, _ = top(idx, "Zhèjiāng Dàhuá Kējì Gǔfèn Yǒuxiàn Gōngsī")
    assert got == "dahua" and score == 1.0
    assert normalize("中(zhōng)国电子科技集团(tuán)有限公(gōng)司") == normalize("中国电子科技集团")
    assert normalize("海康威视(Hikvision)") == "海康威视 hikvision"  # untoned: kept
    assert normalize("我国航空工业集团有限责任公司") == normalize("中国航空工业集团有限公司")
    # pinyin is expanded only when written exactly: one letter off is another syllable
    assert normalize("Hengtong Group") == "hengtong"  # not 'hangkong' (aviation)
    assert normalize("Zhongguan Technology") == "zhongguan technology"  # not 'zhongguo'
    assert normalize("Gongli Group") == "gongli"  # not the legal form 'gongsi'
    assert normalize("Changxin Cunchu Jishu") == normalize("ChangXin Memory Technologies")


def test_a_brand_glues_tech_to_its_name() -> None:
    """'dahuatech', 'MGItech' (held-out set 5) are Dahua Technology and MGI Tech; 'Huatech'
    is not."""
    idx = NameIndex.build([("dahua", "Zhejiang Dahua Technology Co., Ltd.", []),
                           ("mgi", "MGI Tech Co., Ltd.", [])])  # fmt: skip
    for query, want in [("dahuatech", "dahua"), ("MGItech", "mgi")]:
        got, score, feats = top(idx, query)
        assert got == want and feats["distinctive"] == 1.0, (query, got, score)
    assert top(idx, "Huatech")[0] is None


def test_north_and_south_are_translated_in_state_group_names() -> None:
    """中国北方工业集团公司 / 中国南方工业集团公司 (held-out set 5) are printed 'China North
    Industries Group' and 'China South Industries Group' on the 1260H list."""
    idx = NameIndex.build([
        ("norinco", "China North Industries Group Corporation Limited", []),
        ("csgc", "China South Industries Group Corporation", []),
        ("cnnc", "China National Nuclear Corporation", [("中国核工业集团公司", "registry")]),
    ])  # fmt: skip
    assert top(idx, "中国北方工业集团公司")[0] == "norinco"
    assert top(idx, "中國南方工業集團公司")[0] == "csgc"
    assert top(idx, "中国东方工业集团公司")[0] is None


# ---------------------------------------------------------------- 2.9 (held-out set 7)


def test_a_group_is_not_its_unit_in_a_city() -> None:
    """欧菲光集团 (O-Film Group, not listed) is not 南昌欧菲光科技 (its Nanchang unit, on the
    Entity List); the bare 欧菲光 still finds the unit (a short name both use)."""
    idx = NameIndex.build([("ofilm", "Nanchang O-Film Tech", [("南昌欧菲光科技", "registry")])])
    assert top(idx, "欧菲光集团股份有限公司")[0] is None
    assert top(idx, "欧菲光")[0] == "ofilm"


def test_stock_codes_in_angle_brackets() -> None:
    idx = NameIndex.build([("crrc", "CRRC Corporation Limited", [])])
    got, score, _ = top(idx, "CRRC Corp <601766.SS> <1766.HK>")
    assert got == "crrc" and score == 1.0


# ---------------------------------------------------------------- 2.10 (registry pass 9)


def test_numbered_institutes_and_other_cities_are_other_entities() -> None:
    """CETC's and CASC's research institutes on the Entity List differ only in a number or a
    city (found by registry pass 9's probes: 第38研究所 had found the 43rd at 0.90)."""
    idx = NameIndex.build([
        ("cetc43", "China Electronics Technology Group Corporation 43 Research Institute",
         [("中国电子科技集团公司43研究所", "registry")]),
        ("cetc54", "54th Research Institute of China",
         [("中国电子科技集团公司第五十四研究所", "registry")]),
        ("casc771", "CASC 9th Academy 771 Research Institute",
         [("西安微电子技术研究所", "registry")]),
    ])  # fmt: skip
    for query in ["中国电子科技集团公司第38研究所", "中国电子科技集团公司第四十八研究所",
                  "上海微电子技术研究所", "CETC 38th Research Institute"]:  # fmt: skip
        assert top(idx, query)[0] is None, query
    assert top(idx, "中國電子科技集團公司第 43 研究所")[0] == "cetc43"
    assert (
        top(idx, "China Electronics Technology Group Corporation 54th Research Institute")[0]
        == "cetc54"
    )
    weak = idx.search(["中国电子科技集团公司第38研究所"], min_score=0.3)[0][0].reason
    assert "the number 38 is not the listed 43" in weak


def test_on_equal_scores_the_whole_query_comes_before_a_part() -> None:
    """'… Corp. (CETC) 54th Research Institute' (the institute's Entity List alias) is the
    institute at 1.0 as a whole; its bracket alone, 'CETC', is the group at 1.0 too."""
    idx = NameIndex.build([
        ("cetc", "China Electronics Technology Group Corporation", ["CETC"]),
        ("cetc54", "54th Research Institute of China",
         ["China Electronics Technology Group Corp. (CETC) 54th Research Institute"]),
    ])  # fmt: skip
    query = "China Electronics Technology Group Corp. (CETC) 54th Research Institute"
    first, second = idx.search([query], min_score=0.8, limit=2)[0]
    assert (idx.ids[first.entry], first.score, first.part) == ("cetc54", 1.0, None)
    assert (idx.ids[second.entry], second.score, second.part) == ("cetc", 1.0, "CETC")
