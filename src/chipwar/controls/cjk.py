"""Chinese company names, read the way lists write them: the distinctive core of a name, and
its transliteration into the English that US lists print.

Both work on *normalised* keys (``names.normalize``: Simplified script, legal forms such as
股份有限公司 / 有限公司 already stripped; 集团 kept, and dropped here as a descriptive word).

**Core** (``core``): a Chinese short name is the legal name without its place prefix and its
descriptive trailing words — 海康威视 is 杭州海康威视数字技术 without 杭州 and 数字技术;
宁德时代 is 宁德时代新能源科技 without 新能源科技. ``core`` strips ``PLACES`` from the front
and ``DESCRIPTIVE_WORDS`` from the end while at least ``min_chars`` characters remain, so a
brand is never stripped away (中芯国际 keeps 国际 at 3 characters: 中芯 alone would also be
中芯集成, another company).

**Transliteration** (``translit``): US lists print a Chinese company's name as pinyin for
the brand and place, English for the descriptive words — 长鑫存储技术 is "ChangXin Memory
Technologies", 吉存半导体科技(上海) is "Jicun Semiconductor Technology (Shanghai)". Words of
``GLOSSARY`` are translated (each with the renderings lists use: 存储 → memory or storage), the
other characters become toneless pinyin (pypinyin, with its phrase dictionary for polyphonic
characters). The result is compared without spaces, so how the pinyin is split into words
("Zhipu Huazhang" or "Zhipuhuazhang") does not matter. The glossary holds descriptive words
only: a brand is never translated.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

PLACES = (
    "中华人民共和国", "中国", "中华", "北京", "上海", "天津", "重庆", "深圳", "广州", "杭州",
    "南京", "武汉", "成都", "西安", "合肥", "苏州", "无锡", "长沙", "郑州", "济南", "青岛",
    "大连", "沈阳", "哈尔滨", "长春", "厦门", "福州", "宁波", "珠海", "东莞", "佛山", "绍兴",
    "常州", "南昌", "昆明", "贵阳", "南宁", "太原", "石家庄", "兰州", "乌鲁木齐", "呼和浩特",
    "浙江", "江苏", "广东", "山东", "四川", "湖北", "湖南", "河南", "河北", "安徽", "福建",
    "辽宁", "吉林", "黑龙江", "陕西", "山西", "江西", "云南", "贵州", "广西", "内蒙古", "新疆",
    "甘肃", "青海", "宁夏", "海南", "西藏", "香港", "澳门", "台湾",
)  # fmt: skip
"""Country, provinces and large cities that open a legal name (with an optional 市/省)."""

PLACES_LATIN = frozenset(
    {
        "china", "zhonghua", "beijing", "shanghai", "tianjin", "chongqing", "shenzhen",
        "guangzhou", "hangzhou", "nanjing", "wuhan", "chengdu", "xian", "hefei", "suzhou",
        "wuxi", "changsha", "zhengzhou", "jinan", "qingdao", "dalian", "shenyang", "harbin",
        "changchun", "xiamen", "fuzhou", "ningbo", "zhuhai", "dongguan", "foshan", "shaoxing",
        "changzhou", "nanchang", "kunming", "guiyang", "nanning", "taiyuan", "shijiazhuang",
        "lanzhou", "urumqi", "hohhot", "zhejiang", "jiangsu", "guangdong", "shandong",
        "sichuan", "hubei", "hunan", "henan", "hebei", "anhui", "fujian", "liaoning", "jilin",
        "heilongjiang", "shaanxi", "shanxi", "jiangxi", "yunnan", "guizhou", "guangxi",
        "inner", "mongolia", "xinjiang", "gansu", "qinghai", "ningxia", "hainan", "tibet",
        "hong", "kong", "macau", "macao", "taiwan",
    }
)  # fmt: skip
"""``PLACES`` as lists print them in Latin script: they locate a company, they do not name it
(generic in ``names.GENERIC_WORDS``)."""

DESCRIPTIVE_WORDS = (
    "信息技术", "数字技术", "电子科技", "智能科技", "新能源", "科技", "技术", "信息", "电子",
    "智能", "通信", "网络", "软件", "系统", "数字", "航空", "国际", "工业", "实业", "发展",
    "设备", "装备", "有限", "股份", "集团", "中国", "创新",
)  # fmt: skip
"""Words that describe a business rather than name it, stripped from the end by ``core``.
Not here on purpose: 存储, 半导体, 集成电路 … (长江存储 is not 长江 anything)."""

GLOSSARY: dict[str, tuple[str, ...]] = {
    "中华人民共和国": ("china",), "中国": ("china",), "中华": ("china",),
    "香港": ("hong kong",), "澳门": ("macau", "macao"), "陕西": ("shaanxi",),
    "内蒙古": ("inner mongolia",),
    "信息技术": ("information technology",), "科技": ("technology", "science and technology"),
    "技术": ("technology",), "信息": ("information",), "电子": ("electronics",),
    "微电子": ("microelectronics",), "光电子": ("optoelectronics",),
    "光电": ("optoelectronics", "optoelectronic", "photoelectric"),
    "半导体": ("semiconductor",), "集成电路": ("integrated circuit",),
    "存储": ("memory", "storage"), "芯片": ("chip",), "计算机": ("computer",),
    "通信": ("communication", "communications"), "通讯": ("communication", "communications"),
    "无线": ("wireless",), "网络": ("network",), "软件": ("software",),
    "人工智能": ("artificial intelligence",), "智能": ("intelligent", "intelligence"),
    "数字": ("digital",), "系统": ("system",), "设备": ("equipment",), "装备": ("equipment",),
    "材料": ("materials", "material"), "精密": ("precision",), "仪器": ("instrument",),
    "机械": ("machinery",), "机器人": ("robotics",), "工业": ("industry", "industrial"),
    "产业": ("industry",), "实业": ("industrial",), "发展": ("development",),
    "创新": ("innovation", "innovations"),
    "投资": ("investment",), "贸易": ("trading",), "国际": ("international",),
    "研究所": ("research institute",), "研究院": ("research institute", "academy"),
    "大学": ("university",), "航空": ("aviation",), "航天": ("aerospace",),
    "船舶": ("shipbuilding",), "重工": ("heavy industry",), "电力": ("electric power",),
    "电气": ("electric",), "能源": ("energy",), "新能源": ("new energy",),
    "云计算": ("cloud computing",), "视觉": ("vision",), "医疗": ("medical",),
    "生物": ("biotechnology",), "基因": ("genomics",), "光纤": ("optical fibre", "optical fiber"),
    "光缆": ("cable",), "控股": ("holdings",), "集团": ("group",),
    "北方": ("north", "beifang"), "南方": ("south", "nanfang"),
    "海洋": ("ocean", "marine", "haiyang"), "兵器": ("ordnance",),
}  # fmt: skip
"""Descriptive Chinese words and the English renderings found on US lists. A translation
table, not data: it carries no figures."""

TAIWAN_USAGE = {
    "积体电路": "集成电路", "资讯": "信息", "执行绪": "线程", "软体": "软件", "网路": "网络",
    "晶片": "芯片", "数位": "数字", "伺服器": "服务器", "电讯": "电信",
}  # fmt: skip
"""Words of company names that Taiwan and Hong Kong press write otherwise (after OpenCC t2s),
→ the mainland word: 海光資訊 is 海光信息, 摩爾執行緒 is 摩尔线程 (Moore Threads), 台灣積體電路 is
台湾集成电路, 中國電訊 (Hong Kong) is 中国电信. Not OpenCC's tw2sp phrase table: it also
rewrites words that are part of names (長鑫儲存 would become 长鑫保存). A translation table, not
data: it carries no figures."""

MAX_TRANSLIT_VARIANTS = 16
"""At most this many renderings per name (words with several renderings multiply)."""

_PLACE_ORDER = sorted(PLACES, key=len, reverse=True)
_DESCRIPTIVE_ORDER = sorted(DESCRIPTIVE_WORDS, key=len, reverse=True)
_GLOSSARY_ORDER = sorted(GLOSSARY, key=len, reverse=True)
_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


def _is_cjk(ch: str) -> bool:
    return any(lo <= ord(ch) <= hi for lo, hi in _CJK_RANGES)


@lru_cache(maxsize=100_000)
def core(key: str, min_chars: int = 3) -> str:
    """The distinctive core of a normalised CJK key: place words dropped wherever they stand
    alone ("吉存半导体科技 上海"), a place prefix (with 市/省) dropped from the front, then
    ``DESCRIPTIVE_WORDS`` from the end, each only while ``min_chars`` characters remain.

    >>> core("杭州海康威视数字技术")
    '海康威视'
    >>> core("中芯国际"), core("中芯国际", min_chars=2)
    ('中芯国际', '中芯')
    """
    words = [w for w in key.split(" ") if w and w not in PLACES] or key.split(" ")
    text = "".join(words)
    for place in _PLACE_ORDER:
        if text.startswith(place):
            rest = text[len(place) :].lstrip("市省")
            if len(rest) >= min_chars:
                text = rest
            break
    changed = True
    while changed:
        changed = False
        for word in _DESCRIPTIVE_ORDER:
            if text.endswith(word) and len(text) - len(word) >= min_chars:
                text = text[: -len(word)]
                changed = True
                break
    return text


MAX_READINGS = 4
"""Pinyin readings tried per run of characters: pypinyin's phrase reading first, then one
polyphonic character read otherwise at a time (长鑫 'zhangxin', then 'changxin')."""


def _readings(run: str) -> tuple[str, ...]:
    from pypinyin import Style, lazy_pinyin, pinyin

    first = lazy_pinyin(run)
    out = ["".join(first)]
    for i, options in enumerate(pinyin(run, style=Style.NORMAL, heteronym=True)):
        for alt in options:
            if alt != first[i]:
                out.append("".join([*first[:i], alt, *first[i + 1 :]]))
    return tuple(dict.fromkeys(out))[:MAX_READINGS]


@lru_cache(maxsize=100_000)
def translit(key: str) -> tuple[str, ...]:
    """Latin renderings of a normalised CJK key, as lists print them: glossary words in
    English, each run of other characters as one word of toneless pinyin (``_readings``), a
    place's 市/省 dropped. Glossary words are found reading from the front and, where that
    splits the name otherwise, from the back (龙芯中科技术: 中 + 科技 + 术 from the front,
    中科 + 技术 from the back). At most ``MAX_TRANSLIT_VARIANTS``; () when the key has no CJK
    character.

    >>> translit("长鑫存储技术")[:2]
    ('zhangxin memory technology', 'zhangxin storage technology')
    >>> "changxin memory technology" in translit("长鑫存储技术")
    True
    >>> "longxinzhongke technology" in translit("龙芯中科技术")
    True
    """
    if not any(_is_cjk(c) for c in key):
        return ()
    for place in _PLACE_ORDER:
        for suffix in "市省":
            key = key.replace(place + suffix, place)
    front, back = (_renderings(_parts(key, from_back)) for from_back in (False, True))
    both = itertools.chain.from_iterable(itertools.zip_longest(front, back))  # alternate
    return tuple(dict.fromkeys(t for t in both if t is not None))[:MAX_TRANSLIT_VARIANTS]


def _renderings(parts: list[tuple[str, ...]]) -> list[str]:
    """The first ``MAX_TRANSLIT_VARIANTS`` combinations of each word's renderings."""
    combos = itertools.islice(itertools.product(*parts), MAX_TRANSLIT_VARIANTS)
    return [" ".join(c) for c in combos]


def _parts(key: str, from_back: bool) -> list[tuple[str, ...]]:
    """The renderings of each word of ``key``: glossary words, places (one reading: 重庆 is
    Chongqing, never Zhongqing), runs of other characters as pinyin; glossary and place words
    are found reading from the front, or from the back."""
    text = key[::-1] if from_back else key
    glossary = [w[::-1] for w in _GLOSSARY_ORDER] if from_back else _GLOSSARY_ORDER
    places = [p[::-1] for p in _PLACE_ORDER] if from_back else _PLACE_ORDER
    words: list[tuple[str, str]] = []  # (kind, text in reading order)
    i = 0
    while i < len(text):
        found = next(((kind, w) for kind, table in (("glossary", glossary), ("place", places))
                      for w in table if text.startswith(w, i)), None)  # fmt: skip
        if found:
            words.append(found)
            i += len(found[1])
            continue
        ch = text[i]
        if not _is_cjk(ch):
            words.append(("other", ch))
        elif words and words[-1][0] == "run":
            words[-1] = ("run", words[-1][1] + ch)
        else:
            words.append(("run", ch))
        i += 1
    if from_back:
        words = [(kind, w[::-1]) for kind, w in reversed(words)]
    parts: list[tuple[str, ...]] = []
    for kind, w in words:
        if kind == "glossary":
            parts.append(GLOSSARY[w])
        elif kind == "place":
            parts.append(_readings(w)[:1])
        elif kind == "run":
            parts.append(_readings(w))
        elif w != " ":
            parts.append((w,))
    return parts
