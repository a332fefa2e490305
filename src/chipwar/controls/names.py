"""Company-name normalisation and explained matching across scripts (Latin, Simplified,
Traditional), with an index stored as NumPy arrays (memory-mappable, near-instant to load).

**Normalisation** (``normalize``): Unicode NFKC (full-/half-width), case fold, Traditional →
Simplified (``to_simplified``: OpenCC t2s, then Taiwan words, 資訊 → 信息), 我国 ('our country')
opening a name → 中国, a toned pinyin gloss after a character out (中(zhōng)国), accents and tone
marks out ('Hánwǔjì'), a stock short name's share-class marker and risk-warning prefix out
(商汤-W, *ST碳元), punctuation out, abbreviations expanded to one canonical word (``ABBREVIATIONS``:
Intl → international, Mfg → manufacturing, Tech → technology, Hldgs → holdings, Grp → group, …)
and the pinyin of generic words when written exactly (``PINYIN_WORDS``: Keji → technology,
Hangkong → aviation, …), and such legal-form and common words with another ending (``stem``:
'Intelligence' → intelligent) or one typo corrected ('Tehcnologies' → technology), then legal
forms stripped (Co., Ltd., Corp., Inc., GmbH, B.V., …, 股份有限公司, 有限责任公司, 有限公司,
控股 …; not 集团) when something else remains.

**Candidates** (never dropped for common words): every token of the query (``tokens``: Latin
words, their 4-letter prefix/suffix, one-letter deletions or sorted letters so that one typo
keeps a shared token; CJK character bigrams; pinyin and transliterations of a CJK query) looks
up a posting list; each variant's weight is the sum of the idf = ln(1 + N / df) of the tokens it
shares; the ``max_candidates`` heaviest are scored, and the variants of a rare token
(``RARE_TOKEN_DF``) too. A common word thus weighs little but still counts, so "Semiconductor
Mfg Intl Corp" (three common words) finds SMIC, and a rare word is never outweighed by many
common ones ('Shenzhen DJI Sciences and Technologies' finds DJI).

**Score** of a (query, variant) pair — ``ALGORITHM`` — from named features (each in [0, 1]):

* ``exact`` — equal normalised keys (or equal with spaces removed): score 1.
* ``word_order`` — the same words in another order (CJK: the same name with its city
  elsewhere, 深圳国家超级计算中心 and 国家超级计算深圳中心): score ``WORD_ORDER_SCORE``.
* ``pinyin`` — one side CJK, the other Latin: the CJK side's toneless pinyin syllables equal the
  Latin side's letters (``pinyin`` = 1, score ``PINYIN_EXACT_SCORE``), or the query's syllables
  form one *contiguous* run that covers ≥ ``PINYIN_MIN_COVER`` of the candidate's syllables
  (score ``PINYIN_EXACT_SCORE`` × cover). Scattered syllables never count (台積電 'tai ji dian'
  is not in 'yan tai ai rui guang dian ke ji').
* ``token_set``, ``token_sort`` — rapidfuzz token_set_ratio / token_sort_ratio / 100 (Latin, or
  CJK characters compared as one string).
* ``short_name`` — both CJK: the same ``cjk.core`` (place prefix and descriptive trailing
  words dropped, 3+ characters kept), or one is the other's 2-character core, alone, with 集团
  or after a city: score ``SHORT_NAME_SCORE``; never a group (集团) and a unit located in a
  city (欧菲光集团 is not 南昌欧菲光科技), nor two names of other cities (上海微电子技术研究所
  is not 西安微电子技术研究所).
* ``translit`` — CJK query, Latin name: a ``cjk.translit`` rendering (descriptive words in
  English, the rest pinyin) equals the name without spaces: score ``TRANSLIT_SCORE``; the
  rendering of the query's 3+ character core equals the name's distinctive words:
  ``TRANSLIT_CORE_SCORE``. Latin query, CJK name: the query equals one of the name's
  ``INDEX_TRANSLIT_VARIANTS`` indexed renderings (variant kind ``translit``): ``TRANSLIT_SCORE``.
* ``typo`` — both CJK, 4+ characters, two adjacent characters swapped: ``CJK_TYPO_SCORE``;
  one character replaced by a homophone (a shared toneless pinyin reading): ``CJK_HOMOPHONE_SCORE``.
* ``acronym`` — a query of 4–6 capitals equal to the ``initials`` of a name: ``ACRONYM_SCORE``.
  A query part of 2–5 capitals (``_ACRONYM_LIKE``) matches only exactly, as initials or as a
  word of the name, never with a letter changed (CSIC is not CASIC).
* ``distinctive`` — Latin: the same ``distinctive_stems`` on both sides (adjacent words joined
  where the other side writes them as one, ``_join_compounds``: 'Dahuatech'), differing only
  in generic words, and no sector word of the query (``SECTOR_WORDS``: marine, shipping, …)
  missing from the candidate ('Huawei Marine' is not Huawei Investment & Holding): the score is
  at least ``DISTINCTIVE_SCORE``.
* ``typos_corrected`` — how many legal-form or common words of the query were one typo from
  the canonical word and corrected before comparison (named in the reason).
* ``coverage`` — share of the query's distinctive words (not generic, not legal forms) found,
  exactly or within one typo of the word or its ``stem`` (``is_typo_of``), in the candidate;
  a lone distinctive word of fewer than ``SHORT_TYPO_LETTERS`` letters found only with a
  replaced letter counts ``SHORT_TYPO_CREDIT`` (Huawen is not Huawei; a dropped, added or
  swapped letter is a slip). Chinese: the share of the query's ``cjk.core`` found in order in
  the candidate's (``_cjk_coverage``). Two names carrying other numbers (``_numbers``: CETC's
  第38研究所 and 43研究所, '54th' and 第四十八) have coverage 0 and no rule lifts them.

  fuzzy = (W_TOKEN_SET·token_set + W_TOKEN_SORT·token_sort) × (COVERAGE_FLOOR + (1 −
  COVERAGE_FLOOR)·coverage)

The score is the largest applicable rule. A query with a bracketed part ((), [], <>, 〈〉) is
also scored without it and, when Latin, as the part alone; a name written in both scripts also
as each script's text alone (``query_parts``). Every match carries
``algorithm`` (name, version) and ``features`` (each value) so that a hit explains itself.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, LCSseq
from rapidfuzz.process import cdist

from chipwar import cancel
from chipwar.controls.cjk import PLACES, PLACES_LATIN, TAIWAN_USAGE, core, translit

ALGORITHM = {"name": "chipwar-name-match", "version": "2.10"}
"""Name and version of the scoring below; bump the version when a weight or rule changes."""
RARE_TOKEN_DF = 8
"""A query token found in at most this many variants is rare: the variants holding it are
candidates even when names sharing many common words outweigh them ('Shenzhen DJI Sciences
and Technologies' finds DJI past the many '… Science and Technology' names)."""
MAX_RARE_CANDIDATES = 16
"""At most this many such variants per query text, heaviest first, beyond ``max_candidates``."""
TOKEN_BLOCK = 50_000
"""Variants whose tokens are hashed together when an index is built (bounds peak memory)."""
PROGRESS_EVERY = 10_000
"""Index building reports progress every this many entries (cheap next to the loop body)."""
CANCEL_EVERY = 1_000
"""Index building checks :func:`chipwar.cancel.check` every this many entries (one context
variable read: cheap next to normalising a thousand names)."""

W_TOKEN_SET = 0.6
W_TOKEN_SORT = 0.4
COVERAGE_FLOOR = 0.5
WORD_ORDER_SCORE = 0.97
PINYIN_EXACT_SCORE = 0.95
PINYIN_MIN_COVER = 0.8
SHORT_NAME_SCORE = 0.9
TRANSLIT_SCORE = 0.9
TRANSLIT_CORE_SCORE = 0.85
CJK_TYPO_SCORE = 0.85
CJK_HOMOPHONE_SCORE = 0.82
ACRONYM_SCORE = 0.85
DISTINCTIVE_SCORE = 0.85
SHORT_TYPO_CREDIT = 0.5
SHORT_TYPO_LETTERS = 7

FEATURES = (
    "exact", "word_order", "short_name", "translit", "pinyin", "typo", "acronym", "distinctive",
    "token_set", "token_sort", "coverage",
)  # fmt: skip
"""Numeric features every hit carries (0 when the rule did not apply), plus ``script`` and
``typos_corrected``."""

KIND_NAME, KIND_ALIAS, KIND_REGISTRY, KIND_PINYIN, KIND_TRANSLIT = 0, 1, 2, 3, 4
KIND_LABELS = ("name", "alias", "registry", "pinyin", "translit")
_MACHINE_MADE = (KIND_PINYIN, KIND_TRANSLIT)
"""Variants made from a CJK name (its pinyin, its ``cjk.translit`` renderings), not printed."""
INDEX_TRANSLIT_VARIANTS = 4
"""``cjk.translit`` renderings indexed per CJK name (for Latin queries that write a Chinese
name as a list would: 'Longxin Zhongke Technology'); fewer than a query tries, to bound the
index of a list with many Chinese names."""

_CJK_CLASS = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK = re.compile(f"[{_CJK_CLASS}]")
_PUNCT = re.compile(rf"[^\w\s{_CJK_CLASS}]+")
_SPACE = re.compile(r"\s+")

# Chinese legal-form and group suffixes (Simplified; Traditional input is converted first).
_CJK_FORMS = (
    "股份有限公司", "有限责任公司", "控股有限公司", "有限公司", "股份公司", "股份", "控股", "公司",
)  # fmt: skip
"""集团 (group) is not stripped: 中国建筑集团 (the group) and 中国建筑股份 (its listed company)
are two entities, both on the 1260H list; ``cjk.core`` drops it when comparing short names."""
ABBREVIATIONS = {
    "intl": "international", "int l": "international", "internat": "international",
    "corp": "corporation", "corpn": "corporation", "mfg": "manufacturing",
    "mfr": "manufacturing", "manuf": "manufacturing", "tech": "technology",
    "technologies": "technology", "techs": "technology", "co": "company", "cos": "company",
    "ltd": "limited", "ltda": "limited", "hldgs": "holdings", "hldg": "holdings",
    "holding": "holdings", "grp": "group", "inc": "incorporated", "elec": "electronics",
    "electronic": "electronics", "sci": "science", "ind": "industry", "inds": "industry",
    "industries": "industry", "info": "information", "dev": "development", "equip": "equipment",
    "semicon": "semiconductor", "semiconductors": "semiconductor", "svcs": "services",
    "natl": "national", "univ": "university", "assn": "association", "bros": "brothers",
    "ic": "integrated circuit",
    "microelectronic": "microelectronics", "industrial": "industry",
}  # fmt: skip
"""Abbreviation (after punctuation removal) -> the one canonical word both sides use."""
PINYIN_WORDS = {
    "keji": "technology", "jishu": "technology", "dianzi": "electronics",
    "weidianzi": "microelectronics", "xinxi": "information", "gongye": "industry",
    "zhineng": "intelligent", "bandaoti": "semiconductor", "kexue": "science",
    "tongxin": "communication", "wangluo": "network", "jituan": "group", "zhongguo": "china",
    "hangkong": "aviation", "hangtian": "aerospace", "chuanbo": "shipbuilding",
    "guoji": "international", "yanjiusuo": "research institute", "daxue": "university",
    "jixie": "machinery", "dianqi": "electric", "shebei": "equipment", "zhuangbei": "equipment",
    "ruanjian": "software", "cailiao": "materials", "cunchu": "memory", "xinpian": "chip",
    "jisuanji": "computer", "yiqi": "instrument", "touzi": "investment", "maoyi": "trading",
}  # fmt: skip
"""The generic words of Chinese names in pinyin, as transliterated legal names print them
('Zhejiang Dahua Keji Gufen Youxian Gongsi' is Zhejiang Dahua Technology) -> the English word.
Expanded only when written exactly: pinyin one letter off is another syllable, so these are
never typo-correction targets (else 'Hengtong' would read as 'Hangkong', aviation)."""
_WORD_MAP = {**ABBREVIATIONS, **PINYIN_WORDS}

# Legal forms as normalised word sequences (after abbreviation expansion).
_LATIN_FORMS = [
    "company limited", "corporation limited", "limited", "incorporated", "corporation",
    "company", "gmbh", "ag", "bv", "b v", "nv", "n v", "sa", "s a", "sas", "srl", "spa", "plc",
    "llc", "lp", "llp", "kk", "pte", "pty", "oy", "ab", "group",
    # Chinese legal forms in pinyin, as transliterated names (GLEIF) print them
    "gufen youxian gongsi", "gu fen you xian gong si", "youxian zeren gongsi",
    "you xian ze ren gong si", "youxian gongsi", "you xian gong si",
    "gufen", "gu fen", "konggu", "kong gu", "gongsi", "gong si",
]  # fmt: skip
GENERIC_WORDS = frozenset(
    {
        "technology", "international", "industry", "industrial", "information", "intelligent",
        "electronics", "science", "development", "equipment", "semiconductor", "manufacturing",
        "holdings", "the", "and", "of", "for", "in", "at", "on", "by", "china", "chinese",
        "beijing", "shanghai",
        "shenzhen", "hong", "kong", "guangzhou", "wuhan", "hangzhou", "tianjin", "research",
        "institute", "university", "academy", "laboratory", "center", "centre", "systems",
        "system", "services", "trading", "investment", "new", "energy",
        "digital", "network", "software", "communication", "communications", "materials",
        "electric", "power", "machinery",
        "科技", "技术", "电子", "信息", "半导体", "北京", "上海", "深圳", "中国",
        "国际", "智能", "集成", "电路", "有限", "研究所",
    }
    | PLACES_LATIN
)  # fmt: skip
"""Words that weigh little in ``coverage`` (they still count in the fuzzy ratios)."""

SECTOR_WORDS = frozenset(
    {
        "aerospace", "aviation", "aircraft", "railway", "railways", "shipbuilding", "shipping",
        "construction", "engineering", "chemical", "chemicals", "nuclear", "ocean", "marine",
        "mobile", "telecom", "telecommunications", "petroleum", "petrochemical", "oil", "gas",
        "steel", "metals", "metallurgical", "mining", "minerals", "coal", "grid", "state",
        "national", "general", "heavy", "ordnance", "weapons", "defense", "defence",
        "automotive", "motor", "building", "group",
    }
)  # fmt: skip
"""Sector words that state-owned groups are named with and nothing else ('China Aerospace
Science and Technology' is CASC, '… Science and Industry' is CASIC; 'China Railway Group' is
not 'China Railway Construction'): generic in ``coverage``, so such a name must match as a
whole (its generic-words-only rule), not by one shared sector word."""
_NOT_DISTINCTIVE = GENERIC_WORDS | SECTOR_WORDS

_ABBR_RE = re.compile(
    r"\b(?:" + "|".join(re.escape(a) for a in sorted(_WORD_MAP, key=len, reverse=True)) + r")\b"
)
_LATIN_FORM_RE = re.compile(
    r"\b(?:" + "|".join(re.escape(f) for f in sorted(_LATIN_FORMS, key=len, reverse=True)) + r")\b"
)


_SUFFIXES = ("ation", "ence", "ent", "ing", "er", "ic", "al", "ed", "y")
STEM_MIN_LETTERS = 5
"""``stem`` keeps at least this many letters: 'Leon' and 'Leons' stay two words."""


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """An English word without its plural (-ies → -y, -s) and then its inflection or
    derivational ending (``_SUFFIXES``, the first that leaves ``STEM_MIN_LETTERS`` letters):
    supercomputing and supercomputer → 'supercomput', intelligence and intelligent →
    'intellig', sciences and science → 'science'. Other words unchanged."""
    if not word.isascii():
        return word
    if word.endswith("ies") and len(word) > STEM_MIN_LETTERS + 2:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith("ss") and len(word) > STEM_MIN_LETTERS:
        word = word[:-1]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= STEM_MIN_LETTERS:
            return word[: -len(suffix)]
    return word


def is_typo_of(word: str, other: str) -> bool:
    """Whether ``word`` is ``other`` with one typo, or the same word with another ending:
    same first letter and an optimal-string-alignment distance (insert, delete, substitute,
    swap adjacent) of at most 1, or 2 for words of 8+ letters, between the words or between
    their ``stem``s ('Supercomputing Center' is the 'Supercomputer Center'; 'Inetlligence' is
    'Intelligent' mistyped). 'stmicroelectronics' is not 'microelectronics' (first letter)."""
    if word == other:
        return True
    if not word or not other or word[0] != other[0]:
        return False
    for a, b in ((word, other), (stem(word), stem(other))):
        limit = 2 if min(len(a), len(b)) >= 8 else 1
        if OSA.distance(a, b, score_cutoff=limit) <= limit:
            return True
    return False


_PINYIN_FORM_WORDS = frozenset(
    " ".join(_LATIN_FORMS[_LATIN_FORMS.index("gufen youxian gongsi") :]).split()
)
_CANONICAL = sorted(
    {w for w in (*ABBREVIATIONS, *ABBREVIATIONS.values(), *" ".join(_LATIN_FORMS).split(),
                 *GENERIC_WORDS) if w.isascii() and len(w) >= 6 and w not in PLACES_LATIN
                 and w not in _PINYIN_FORM_WORDS}
)  # fmt: skip
"""Words a one-typo misspelling is corrected to. Not places: 'Tanyuan' is a company, not
Taiyuan mistyped; not pinyin (``PINYIN_WORDS``, the pinyin legal forms): 'Gongli' is not
'Gongsi'."""


_CANONICAL_SET = frozenset(_CANONICAL)
_CANONICAL_STEMS = {stem(w): ABBREVIATIONS.get(w, w) for w in reversed(_CANONICAL)}
"""``stem`` of a canonical word → the word (the first in sorted order when two share one)."""


@lru_cache(maxsize=200_000)
def _canonical_word(word: str) -> str:
    """A legal-form or common word with another ending or one typo → the word
    ('intelligence' → 'intelligent', 'tehcnologies' → 'technologies' → 'technology',
    'coproration' → 'corporation'); other words unchanged."""
    if len(word) < 6 or not word.isascii() or word in _CANONICAL_SET:
        return ABBREVIATIONS.get(word, word)
    same = _CANONICAL_STEMS.get(stem(word))
    if same is not None:
        return same
    best = process.extractOne(word, _CANONICAL, scorer=OSA.distance, score_cutoff=2)
    if best is not None and is_typo_of(word, best[0]):
        return ABBREVIATIONS.get(best[0], best[0])
    return word


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


_TAIWAN_RE = re.compile("|".join(sorted(TAIWAN_USAGE, key=len, reverse=True)))


def to_simplified(text: str) -> str:
    """Traditional -> Simplified Chinese (OpenCC t2s), and Traditional text's Taiwan words →
    the mainland ones (``cjk.TAIWAN_USAGE``: 海光資訊 → 海光信息, 摩爾執行緒 → 摩尔线程);
    Simplified and non-CJK text is returned unchanged."""
    if not has_cjk(text):
        return text
    simple = str(_t2s().convert(text))
    return simple if simple == text else _TAIWAN_RE.sub(lambda m: TAIWAN_USAGE[m[0]], simple)


def _strip_marks(text: str) -> str:
    """Latin letters without their accents and tone marks ('Hánwǔjì' → 'hanwuji'); text
    without any is returned as it is (CJK untouched: NFKD leaves it whole)."""
    if text.isascii():
        return text
    parts = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFKC", "".join(c for c in parts if unicodedata.category(c) != "Mn")
    )


_SHARE_CLASS = re.compile(rf"(?<=[{_CJK_CLASS}])\s*[-–]\s*(?:sw|wr|uw|w|u|s|b)$")
"""A Chinese stock short name's share-class marker (HKEX -W, -S, -SW, -B; STAR -U): 商汤-W is
SenseTime, 寒武纪-U is Cambricon."""
_RISK_MARK = re.compile(rf"^(?:\*?st\s*|退市\s*)(?=[{_CJK_CLASS}])")
"""An A-share short name's risk-warning or delisting prefix (*ST, ST, 退市): *ST碳元 and 退市碳元
are Tanyuan (碳元)."""


_RUBY = re.compile(
    rf"(?<=[{_CJK_CLASS}])\s*[(（][a-züāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]"
)
"""A toned pinyin reading printed after a character ('中(zhōng)国', as some pages gloss)."""


def _words(name: str) -> list[str]:
    text = unicodedata.normalize("NFKC", name).lower().strip()
    text = _strip_marks(_RUBY.sub("", text))
    text = _RISK_MARK.sub("", _SHARE_CLASS.sub("", to_simplified(text)))
    if text.startswith("我国"):  # 'our country', as mainland press writes 中国 before a name
        text = "中国" + text[2:]
    text = text.replace("&", " and ").replace("'", "").replace("\u2019", "").replace("\u2018", "")
    text = _PUNCT.sub(" ", text)
    # Keep CJK runs apart from Latin words ("nexperia中国" -> "nexperia 中国").
    text = re.sub(rf"([{_CJK_CLASS}])([a-z0-9])|([a-z0-9])([{_CJK_CLASS}])", _split_scripts, text)
    text = _SPACE.sub(" ", text).strip()
    return _ABBR_RE.sub(lambda m: _WORD_MAP[m.group(0)], text).split(" ")


def _clean(name: str) -> str:
    return " ".join(_canonical_word(w) for w in _words(name))


def typos_corrected(name: str) -> list[tuple[str, str]]:
    """(word, correction) for each one-typo legal-form or common word of ``name``."""
    out = []
    for w in _words(name):
        c = _canonical_word(w)
        if c != ABBREVIATIONS.get(w, w) and stem(c) != stem(w):
            out.append((w, c))
    return out


def _split_scripts(m: re.Match[str]) -> str:
    return " ".join(g for g in m.groups() if g)


def normalize(name: str) -> str:
    """Normalised key: NFKC, lower case, Traditional -> Simplified, no punctuation,
    abbreviations expanded, legal forms stripped ("Group" alone stays "group").

    >>> normalize("Semiconductor Mfg. Int'l Corp.")
    'semiconductor manufacturing international'
    """
    text = _clean(name)
    stripped = _strip_forms(text)
    return stripped or text


def is_legal_form_only(name: str) -> bool:
    """Whether nothing but legal forms remains of ``name`` ('Ltd.', 'Co., Ltd.', '有限公司')."""
    return not _strip_forms(_clean(name))


def _strip_forms(text: str) -> str:
    out = text
    changed = True
    while changed:  # CJK suffixes, repeatedly from the end (e.g. ...集团股份有限公司)
        changed = False
        for form in _CJK_FORMS:
            if out.endswith(form) and len(out) > len(form):
                out = out[: -len(form)].rstrip()
                changed = True
    out = _LATIN_FORM_RE.sub(" ", out)
    return _SPACE.sub(" ", out).strip()


def sorted_key(key: str) -> str:
    """The words of a normalised key in sorted order (word-order-insensitive exact key)."""
    return " ".join(sorted(key.split()))


def pinyin(text: str) -> str:
    """Space-separated toneless pinyin of the CJK characters (other words kept as they are)."""
    from pypinyin import lazy_pinyin

    return _SPACE.sub(" ", " ".join(lazy_pinyin(text))).strip()


def _words_found(words: list[str], other: list[str]) -> list[str]:
    """Words of ``words`` absent from ``other`` (exact or within one typo, ``is_typo_of``)."""
    return [w for w in words if not any(is_typo_of(w, c) for c in other)]


def coverage(query_key: str, candidate_key: str) -> tuple[float, list[str]]:
    """Share of the query's distinctive Latin words found in the candidate, and those missing.

    A word is distinctive when it has 2+ letters and is not in ``GENERIC_WORDS`` or
    ``SECTOR_WORDS``; found when a candidate word equals it or is within one typo
    (``is_typo_of``). A query of generic words only must use the candidate's words (small words
    such as 'of' aside): coverage = (shared / all distinct words of both)², so
    one extra word on either side costs much ('International Semiconductor Manufacturing
    Services' is not SMIC). A place is generic unless the candidate names another one: then the
    query's places count as distinctive (the Zhengzhou centre is not the Wuxi one). CJK
    queries: ``_cjk_coverage``.
    """
    if has_cjk(query_key):
        return _cjk_coverage(query_key, candidate_key)
    all_words = [w for w in dict.fromkeys(query_key.split()) if len(w) >= 2]
    cand = candidate_key.split()
    words = [w for w in all_words if w not in _NOT_DISTINCTIVE]
    words += _other_places(all_words, cand)
    if words:
        missing = _words_found(words, cand)
        w = words[0]
        if len(words) == 1 and not missing and len(w) < SHORT_TYPO_LETTERS and w not in cand \
                and not any(_slip(w, c) for c in cand):  # fmt: skip
            return SHORT_TYPO_CREDIT, [f"~{w}"]
        return (len(words) - len(missing)) / len(words), missing
    all_words = [w for w in all_words if w not in _SMALL_WORDS]
    if not all_words:
        return 1.0, []
    cand_words = [c for c in cand if len(c) >= 2 and c not in _SMALL_WORDS]
    missing = _words_found(all_words, cand)
    extra = _words_found(cand_words, all_words)
    shared = len(all_words) - len(missing)
    union = shared + len(missing) + len(extra)
    return (shared / max(union, 1)) ** 2, missing + [f"+{w}" for w in extra]


_SECTORS_NOT_GROUP = SECTOR_WORDS - {"group"}


def _other_sector(query_key: str, candidate_key: str) -> bool:
    """Whether the query names a sector the candidate does not ('Huawei Marine' is another
    business than 'Huawei Investment and Holding'; 'COSCO Shipping' names its sector in both):
    then sharing the distinctive words is not enough. 'group' is not a sector here."""
    cand = {stem(w) for w in candidate_key.split()}
    return any(stem(w) not in cand for w in query_key.split() if w in _SECTORS_NOT_GROUP)


def _same_distinctive(key: str, stems: frozenset[str], other: str) -> bool:
    """Whether ``other`` has the distinctive stems ``stems`` of ``key`` once compounds are
    joined (``_join_compounds``, as ``score_pair`` compares them; joined only when one side
    has a word that is two adjacent words of the other)."""
    if not (_pairs(key) & set(other.split()) or _pairs(other) & set(key.split())):
        return distinctive_stems(other) == stems
    joined = _join_compounds(key, other)
    return distinctive_stems(joined) == distinctive_stems(_join_compounds(other, joined))


@lru_cache(maxsize=200_000)
def _pairs(key: str) -> frozenset[str]:
    """Each two adjacent words of ``key`` written as one (the second also in its short form,
    ``_SHORT_FORM``)."""
    words = key.split()
    return frozenset(
        a + x for a, b in itertools.pairwise(words) for x in (b, *_SHORT_FORM.get(b, ()))
    )


_SHORT_FORM = {"technology": ("tech",)}
"""The short form a brand glues to its name ('Dahuatech' is 'Dahua Technology')."""
_LONG_FORM = {short: long for long, shorts in _SHORT_FORM.items() for short in shorts}
_GLUED = re.compile(rf"\b([a-z]{{2,}})({'|'.join(_LONG_FORM)})\b")
"""A word with a short form glued on ('MGItech'): its name with the long form ('MGI
technology') is looked up exactly too."""


def _join_compounds(key: str, other: str) -> str:
    """``key`` with two adjacent words joined where ``other`` writes them as one ('optic
    electric' and 'opticelectric', 'micro electronics' and 'microelectronics', 'dahua
    technology' and 'dahuatech')."""
    words, targets = key.split(), set(other.split())
    out: list[str] = []
    i = 0
    while i < len(words):
        pair = words[i : i + 2]
        seconds = (pair[1], *_SHORT_FORM.get(pair[1], ())) if len(pair) == 2 else ()
        if found := next((pair[0] + x for x in seconds if pair[0] + x in targets), None):
            out.append(found)
            i += 2
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)


_CITIES = frozenset(PLACES) - {"中华人民共和国", "中国", "中华"}
"""Places that locate a company; 中国 opens a national company's name (中国建筑 is not 建筑)."""
_CITY_ORDER = sorted(_CITIES, key=len, reverse=True)


@lru_cache(maxsize=200_000)
def _cjk_places(text: str) -> frozenset[str]:
    """Cities and provinces (``cjk.PLACES`` but the country) anywhere in a CJK key, read from
    the front, longest first (上海南方 holds 上海, not 海南)."""
    found: set[str] = set()
    i = 0
    while i < len(text):
        place = next((p for p in _CITY_ORDER if text.startswith(p, i)), None)
        if place:
            found.add(place)
            i += len(place)
        else:
            i += 1
    return frozenset(found)


def _drop_places(text: str) -> str:
    for place in _CITY_ORDER:
        text = text.replace(place, "")
    return text


def _cjk_coverage(query_key: str, candidate_key: str) -> tuple[float, list[str]]:
    """Share of the query's ``cjk.core`` found, in order, in the candidate's core (longest
    common subsequence / length): one other character in a core is another company
    (中国航天科技集团, CASC, is not 中国航天科工集团, CASIC: 3/4), and so is another city
    (国家超级计算长沙中心 is not the Jinan centre: 8/10). Two names that each name a city or
    province, other ones, are two entities wherever the place stands: coverage 0.5."""
    qa, ca = query_key.replace(" ", ""), candidate_key.replace(" ", "")
    qp, cp = _cjk_places(qa), _cjk_places(ca)
    if qp and cp and qp != cp:  # the Shenzhen centre is not the Jinan one, wherever written
        return 0.5, [f"@{'/'.join(sorted(qp))}≠{'/'.join(sorted(cp))}"]
    q, c = core(qa), core(ca)
    if not q:
        return 1.0, []
    shared = LCSseq.similarity(q, c)
    return shared / len(q), ([f"={q}≠{c}"] if shared < len(q) else [])


_COUNTRY = frozenset({"china", "zhonghua"})


def _other_places(query_words: Sequence[str], cand_words: Sequence[str]) -> list[str]:
    """The query's places (cities, provinces; not 'China') when the candidate names a place the
    query does not: two locations, two entities."""
    q = [w for w in query_words if w in PLACES_LATIN and w not in _COUNTRY]
    c = {w for w in cand_words if w in PLACES_LATIN and w not in _COUNTRY}
    return [w for w in q if w not in c] if c - set(q) else []


def _slip(word: str, other: str) -> bool:
    """A typo of ``other`` that drops, adds or swaps a letter (a slip of the hand), not one
    that puts another letter in its place ('Huawen' is another company's name, not Huawei
    mistyped)."""
    return is_typo_of(word, other) and (len(word) != len(other) or sorted(word) == sorted(other))


def _weak_text(missing: list[str]) -> str:
    lost = [repr(w) for w in missing if w[0] not in "+~=@#"]
    extra = [repr(w[1:]) for w in missing if w.startswith("+")]
    typo = [repr(w[1:]) for w in missing if w.startswith("~")]
    cores = [w[1:].split("≠") for w in missing if w.startswith("=")]
    places = [w[1:].split("≠") for w in missing if w.startswith("@")]
    parts = [f"{', '.join(lost)} not in the listed name"] if lost else []
    parts += [f"{', '.join(extra)} not in the query"] if extra else []
    parts += [f"the only distinctive word {typo[0]} matches only with a typo"] if typo else []
    parts += [f"the short name {a} is not the listed {b}" for a, b in cores]
    parts += [f"the place {a} is not the listed {b}" for a, b in places]
    numbers = [w[1:].split("≠") for w in missing if w.startswith("#")]
    parts += [f"the number {a} is not the listed {b}" for a, b in numbers]
    return f"; weak: {'; '.join(parts)}" if parts else ""


_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
_NUMBER = re.compile(
    r"\d+|(?<=第)[零一二三四五六七八九十百]+|[零一二三四五六七八九十百]+(?=研究所|所|院|厂)"
)


@lru_cache(maxsize=200_000)
def _numbers(key: str) -> frozenset[str]:
    """The numbers a name carries, Chinese numerals read (第五十四研究所 → 54; '38th' → 38):
    numbered units of one group (CETC's research institutes) differ only in them."""
    out = set()
    for m in _NUMBER.findall(key):
        if m.isdigit():
            out.add(str(int(m)))
            continue
        total, digit = 0, 0
        for c in m:
            if c in _CN_DIGITS:
                digit = _CN_DIGITS[c]
            else:  # 十 or 百
                total += (digit or 1) * (10 if c == "十" else 100)
                digit = 0
        out.add(str(total + digit))
    return frozenset(out)


def pinyin_match(query_syllables: list[str], cand_syllables: list[str]) -> float:
    """Cover in [0, 1] when the query's syllables are one contiguous run in the candidate's
    (cover = len(query) / len(candidate)); 0 when they are scattered or absent."""
    n, m = len(query_syllables), len(cand_syllables)
    if not n or n > m:
        return 0.0
    for i in range(m - n + 1):
        if cand_syllables[i : i + n] == query_syllables:
            return n / m
    return 0.0


_ACRONYM = re.compile(r"[A-Z][A-Z&]{3,5}")
_ACRONYM_LIKE = re.compile(r"[A-Z][A-Z0-9&]{1,4}")
"""A query part of 2–5 capitals: it matches a name exactly, as its initials or as one of its
words ('COSCO' in China COSCO Shipping), never with a letter changed."""
_BRACKETS = re.compile(r"\s*[(（\[<〈]([^()（）\[\]<>〈〉]*)[)）\]>〉]\s*")
_SMALL_WORDS = frozenset({"of", "and", "the", "for", "in", "at", "on", "by"})
_FORM_WORDS = frozenset(" ".join(_LATIN_FORMS).split())


def query_parts(query: str) -> list[str]:
    """The query, then (when it has a part in brackets that is not only a place) the query
    without its non-place brackets and each bracketed part of 2+ Latin letters or 2+ Chinese
    characters that is not a place alone: 'Semiconductor Manufacturing International
    Corporation (SMIC)' → also '… Corporation' and 'SMIC'; 'Hygon Information Technology
    (海光信息)' → also '海光信息'. A place in brackets is never dropped: without it 'China Unicom
    (Hong Kong) Limited' names the parent ('… (Hong Kong) Limited (NYSE: CHU)' → also
    '… (Hong Kong) Limited')."""
    out = [query]
    inner = [m.group(1).strip() for m in _BRACKETS.finditer(query)]
    if inner and not all(_is_place(p) for p in inner):
        out.append(_BRACKETS.sub(_keep_place, query).strip())
        out += [p for p in inner if not _is_place(p) and _names_something(p)]
    out += _script_parts(_BRACKETS.sub(" ", query))
    return list(dict.fromkeys(p for p in out if p))


def _script_parts(text: str) -> list[str]:
    """A name written in both scripts ('SMEE 上海微電子裝備集團', '华为 Huawei'): its Chinese and
    its Latin text, each alone when it names something more than a place, a legal form or
    generic words ('Nexperia中国' → only 'Nexperia'; 'TCL科技' → only 'TCL')."""
    if not has_cjk(text) or not re.search("[A-Za-z]{2}", text):
        return []
    zh, latin = "".join(_CJK.findall(text)), _SPACE.sub(" ", _CJK.sub(" ", text)).strip()
    out = []
    if core(normalize(zh), min_chars=0):  # more than places and descriptive words
        out.append(zh)
    if not is_legal_form_only(latin) and distinctive_words(normalize(latin)):
        out.append(latin)
    return out


def _keep_place(m: re.Match[str]) -> str:
    """A bracketed part as it stands when it is a place, else a space."""
    return m.group(0) if _is_place(m.group(1).strip()) else " "


def _names_something(text: str) -> bool:
    """2+ Latin letters or 2+ Chinese characters: enough to be scored alone."""
    return sum(c.isascii() and c.isalpha() for c in text) >= 2 or len(_CJK.findall(text)) >= 2


def _is_place(text: str) -> bool:
    """Whether a bracketed part only locates ('Hong Kong', '上海'): then the name without it
    is another entity (China Unicom (Hong Kong) Limited is not China Unicom)."""
    words = _clean(text).split()
    return bool(words) and all(w in PLACES_LATIN or w in PLACES or w in _WORLD for w in words)


_WORLD = frozenset(
    {
        "north", "south", "east", "west", "america", "americas", "usa", "us", "uk", "europe",
        "asia", "pacific", "africa", "middle", "japan", "korea", "germany", "france", "italy",
        "spain", "netherlands", "singapore", "india", "canada", "australia", "brazil", "mexico",
        "russia", "vietnam", "malaysia", "thailand", "indonesia", "philippines", "uae", "dubai",
        "global", "overseas",
    }
)  # fmt: skip
"""Regions and countries that qualify a subsidiary's name in brackets ('(North America)')."""


@lru_cache(maxsize=200_000)
def initials(label: str) -> tuple[str, ...]:
    """Acronyms a label can be written as: the first letters of its words (abbreviations
    expanded; 'of', 'and', 'the', 'for' skipped), with trailing legal-form words kept and then
    dropped one by one; only names of 3+ words besides legal forms, acronyms of 4+ letters.
    'China Railway Construction Corporation Limited' → ('crccl', 'crcc')."""
    if has_cjk(label):
        return ()
    words = [w for w in _clean(label).split() if w and w not in _SMALL_WORDS]
    if sum(w not in _FORM_WORDS for w in words) < 3:
        return ()
    out = []
    while len(words) >= 4:
        out.append("".join(w[0] for w in words))
        if words[-1] not in _FORM_WORDS:
            break
        words = words[:-1]
    return tuple(out)


@lru_cache(maxsize=200_000)
def distinctive_stems(key: str) -> frozenset[str]:
    """``stem`` of each of ``distinctive_words``: 'DJI Innovations' and 'DJI Innovation' have
    the same."""
    return frozenset(stem(w) for w in distinctive_words(key))


@lru_cache(maxsize=200_000)
def distinctive_words(key: str) -> frozenset[str]:
    """The Latin words of a normalised key that name rather than describe (2+ letters, not in
    ``GENERIC_WORDS`` or ``SECTOR_WORDS``)."""
    return frozenset(w for w in key.split() if len(w) >= 2 and w not in _NOT_DISTINCTIVE)


@lru_cache(maxsize=200_000)
def _translit_keys(key: str) -> tuple[str, ...]:
    """``cjk.translit`` renderings, normalised like a list's name, spaces removed."""
    return tuple(dict.fromkeys(normalize(t).replace(" ", "") for t in translit(key)))


def _lookup_texts(key: str) -> list[str]:
    """Texts whose tokens find a query's candidates: its key, and for a CJK key its pinyin
    and the words of all its transliterations as one text (one candidate search)."""
    if not key:
        return []
    if not has_cjk(key):
        return [key]
    words = dict.fromkeys(w for t in translit(key) for w in normalize(t).split())
    return [key, pinyin(key), *([" ".join(words)] if words else [])]


def tokens(key: str) -> list[str]:
    """Candidate tokens of a normalised key: Latin words, plus their 4-letter prefix and
    suffix (5+ letters) and, so that one typo keeps a shared token, the word with each letter
    left out (5–7 letters: 'inpur' and 'inspur' share 'inpur'; a 4-letter word is matched
    against them whole: 'hion' and 'higon') or its sorted letters (4, or 8+ letters, where
    prefix or suffix survives a typo); CJK character bigrams (the character itself when
    alone)."""
    out: list[str] = []
    for word in key.split(" "):
        if not word:
            continue
        if has_cjk(word):
            if len(word) == 1:
                out.append(word)
            out += [word[i : i + 2] for i in range(len(word) - 1)]
        else:
            out.append(word)
            if len(word) > 4:
                out += [word[:4] + "*", "*" + word[-4:]]
            if 4 <= len(word) <= 7:  # one typo breaks both halves: one letter left out
                out.append("-" + word)
                if len(word) >= 5:
                    out += ["-" + word[:i] + word[i + 1 :] for i in range(len(word))]
            if len(word) == 4 or len(word) >= 8:
                out.append("#" + "".join(sorted(word)))
    return list(dict.fromkeys(out))


def _exact_texts(key: str, kind: int, label: str) -> list[str]:
    """A variant's entries in the exact map: '=' key, '=' key without spaces, '~' its words
    sorted (not for pinyin variants), '^' each acronym of its label (``initials``)."""
    out = ["=" + key]
    compact = key.replace(" ", "")
    if compact != key:
        out.append("=" + compact)
        if kind not in _MACHINE_MADE:
            out.append("~" + sorted_key(key))
    if kind not in _MACHINE_MADE:
        out += ["^" + a for a in initials(label)]
    return out


def _h64(texts: Iterable[str]) -> np.ndarray:
    """Stable 64-bit hashes (BLAKE2b) of strings, as uint64."""
    return np.fromiter(
        (
            int.from_bytes(hashlib.blake2b(t.encode("utf-8"), digest_size=8).digest(), "little")
            for t in texts
        ),
        dtype=np.uint64,
    )


# --------------------------------------------------------------------------- packed strings


@dataclass
class Packed:
    """Many strings as one UTF-8 byte array and int64 offsets (memory-mappable)."""

    data: np.ndarray
    offsets: np.ndarray

    @classmethod
    def pack(cls, texts: Sequence[str]) -> Packed:
        raw = [t.encode("utf-8") for t in texts]
        offsets = np.zeros(len(raw) + 1, dtype=np.int64)
        np.cumsum([len(r) for r in raw], out=offsets[1:])
        data = np.frombuffer(b"".join(raw), dtype=np.uint8) if raw else np.zeros(0, np.uint8)
        return cls(data, offsets)

    def __len__(self) -> int:
        return int(self.offsets.size - 1)

    def __getitem__(self, i: int) -> str:
        lo, hi = int(self.offsets[i]), int(self.offsets[i + 1])
        return bytes(self.data[lo:hi]).decode("utf-8")


# --------------------------------------------------------------------------- the index


@dataclass
class Match:
    """One scored candidate: the entry, the matched label, score and the features that fired."""

    query: str
    entry: int
    label: str
    kind: str
    score: float
    reason: str
    features: dict[str, Any]
    algorithm: dict[str, str] = field(default_factory=lambda: dict(ALGORITHM))
    part: str | None = None
    """The part of the query that was scored (``query_parts``); None for the whole query."""


Alias = str | tuple[str, str]
"""An alias string, or (alias, kind) with kind 'alias' or 'registry'."""

_ARRAYS = (
    "v_entry", "v_kind", "key_data", "key_off", "label_data", "label_off", "exact_hash",
    "exact_var", "tok_hash", "tok_ptr", "tok_post", "id_data", "id_off",
)  # fmt: skip


def _heaviest(weight: np.ndarray, rare: np.ndarray, max_candidates: int) -> np.ndarray:
    """Positions of the ``max_candidates`` heaviest variants, heaviest first, then up to
    ``MAX_RARE_CANDIDATES`` more of those flagged ``rare``, heaviest first (partition, then
    sort only what is kept: a list's every variant can share a common token)."""
    if weight.size > max_candidates:
        top = np.argpartition(-weight, max_candidates - 1)[:max_candidates]
        top = top[np.argsort(-weight[top], kind="stable")]
    else:
        top = np.argsort(-weight, kind="stable")
    extra = np.flatnonzero(rare)
    if not extra.size:
        return top
    extra = extra[~np.isin(extra, top)]
    return np.concatenate(
        [top, extra[np.argsort(-weight[extra], kind="stable")][:MAX_RARE_CANDIDATES]]
    )


@dataclass
class NameIndex:
    """Searchable names as arrays: variants (normalised key, label, kind, entry), an exact map
    (hash of key / spaceless key / sorted words → variants) and token posting lists."""

    arrays: dict[str, np.ndarray]

    # ---- building
    @classmethod
    def build(
        cls,
        entries: Sequence[tuple[str, str, Sequence[Alias]]],
        progress: Callable[[int, int], None] | None = None,
    ) -> NameIndex:
        """``entries``: (id, name, aliases); names that normalise to empty are skipped.
        ``progress(done, total)`` is told every :data:`PROGRESS_EVERY` entries and at the end;
        a cancelled caller (:mod:`chipwar.cancel`) stops it within :data:`CANCEL_EVERY`."""
        n = len(entries)
        v_entry: list[int] = []
        v_kind: list[int] = []
        keys: list[str] = []
        labels: list[str] = []
        seen: set[tuple[str, int]] = set()
        for i, (_, name, aliases) in enumerate(entries):
            if i % CANCEL_EVERY == 0:
                cancel.check()
            if progress is not None and i % PROGRESS_EVERY == 0:
                progress(i, n)
            items: list[tuple[str, int]] = [(name, KIND_NAME)]
            for a in aliases:
                if isinstance(a, tuple):
                    items.append((a[0], KIND_REGISTRY if a[1] == "registry" else KIND_ALIAS))
                else:
                    items.append((a, KIND_ALIAS))
            for label, kind in items:
                key = normalize(label)
                if not key:
                    continue
                if (key, i) not in seen:
                    seen.add((key, i))
                    v_entry.append(i)
                    v_kind.append(kind)
                    keys.append(key)
                    labels.append(label)
                if has_cjk(key):
                    made = [(pinyin(key), KIND_PINYIN)] + [
                        (normalize(t), KIND_TRANSLIT)
                        for t in translit(key)[:INDEX_TRANSLIT_VARIANTS]
                    ]
                    for mkey, mkind in made:
                        if mkey and (mkey, i) not in seen:
                            seen.add((mkey, i))
                            v_entry.append(i)
                            v_kind.append(mkind)
                            keys.append(mkey)
                            labels.append(label)
        built = cls.from_variants([e[0] for e in entries], v_entry, v_kind, keys, labels)
        if progress is not None:
            progress(n, n)
        return built

    @classmethod
    def from_variants(
        cls,
        ids: Sequence[str],
        v_entry: Sequence[int],
        v_kind: Sequence[int],
        keys: Sequence[str],
        labels: Sequence[str],
    ) -> NameIndex:
        nv = len(keys)
        # exact map: key, spaceless key, sorted key, acronyms (``_exact_texts``), and token
        # postings; hashed a block of variants at a time (the strings of a 10^6-row list would
        # take gigabytes at once)
        ex_h: list[np.ndarray] = []
        ex_v: list[np.ndarray] = []
        h_parts: list[np.ndarray] = []
        v_parts: list[np.ndarray] = []
        for b0 in range(0, nv, TOKEN_BLOCK):
            cancel.check()
            block = range(b0, min(b0 + TOKEN_BLOCK, nv))
            exs = [_exact_texts(keys[v], int(v_kind[v]), labels[v]) for v in block]
            ex_h.append(_h64(t for ts in exs for t in ts))
            ex_v.append(np.repeat(np.asarray(block, dtype=np.int32), [len(ts) for ts in exs]))
            toks = [tokens(keys[v]) for v in block]
            h_parts.append(_h64(t for ts in toks for t in ts))
            v_parts.append(np.repeat(np.asarray(block, dtype=np.int32), [len(ts) for ts in toks]))
        ex_hash = np.concatenate(ex_h) if ex_h else np.zeros(0, np.uint64)
        ex_var = np.concatenate(ex_v) if ex_v else np.zeros(0, np.int32)
        t_hash = np.concatenate(h_parts) if h_parts else np.zeros(0, np.uint64)
        t_var_arr = np.concatenate(v_parts) if v_parts else np.zeros(0, np.int32)
        order = np.argsort(ex_hash, kind="stable")
        t_order = np.lexsort((t_var_arr, t_hash))
        t_hash_sorted = t_hash[t_order]
        uniq, start = np.unique(t_hash_sorted, return_index=True)
        ptr = np.append(start, t_hash_sorted.size).astype(np.int64)
        keyp, labp, idp = Packed.pack(keys), Packed.pack(labels), Packed.pack(list(ids))
        arrays: dict[str, np.ndarray] = {
            "v_entry": np.asarray(v_entry, dtype=np.int32).reshape(nv),
            "v_kind": np.asarray(v_kind, dtype=np.int8).reshape(nv),
            "key_data": keyp.data, "key_off": keyp.offsets,
            "label_data": labp.data, "label_off": labp.offsets,
            "exact_hash": ex_hash[order],
            "exact_var": ex_var[order],
            "tok_hash": uniq.astype(np.uint64), "tok_ptr": ptr,
            "tok_post": t_var_arr[t_order],
            "id_data": idp.data, "id_off": idp.offsets,
        }  # fmt: skip
        return cls(arrays)

    # ---- storage
    def save(self, directory: str | Path, meta: dict[str, Any] | None = None) -> None:
        """Write each array as ``<name>.npy`` (and ``meta.json``) into ``directory``."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        for name in _ARRAYS:
            np.save(d / f"{name}.npy", np.ascontiguousarray(self.arrays[name]))
        (d / "meta.json").write_text(
            json.dumps({"algorithm": ALGORITHM, **(meta or {})}), encoding="utf-8"
        )

    @classmethod
    def load(cls, directory: str | Path) -> NameIndex:
        """Memory-map the arrays written by ``save`` (no parsing: near-instant)."""
        d = Path(directory)
        return cls({name: np.load(d / f"{name}.npy", mmap_mode="r") for name in _ARRAYS})

    # ---- access
    @property
    def n_entries(self) -> int:
        return int(self.arrays["id_off"].size - 1)

    @property
    def n_variants(self) -> int:
        return int(self.arrays["v_entry"].size)

    @property
    def ids(self) -> _Strings:
        return _Strings(self.arrays["id_data"], self.arrays["id_off"])

    def key(self, v: int) -> str:
        cache = self.__dict__.setdefault("_keys", {})
        k = cache.get(v)
        if k is None:
            off = self.arrays["key_off"]
            k = bytes(self.arrays["key_data"][int(off[v]) : int(off[v + 1])]).decode("utf-8")
            if len(cache) < 1_000_000:
                cache[v] = k
        return k

    def label(self, v: int) -> str:
        return Packed(self.arrays["label_data"], self.arrays["label_off"])[v]

    def _lookup(self, text: str) -> np.ndarray:
        h = _h64([text])[0]
        eh = self.arrays["exact_hash"]
        lo = int(np.searchsorted(eh, h, side="left"))
        hi = int(np.searchsorted(eh, h, side="right"))
        return np.asarray(self.arrays["exact_var"][lo:hi])

    def exact_entries(self, name: str) -> list[int]:
        """Entries with a variant whose normalised key equals ``name``'s."""
        key = normalize(name)
        vs = [int(v) for v in self._lookup("=" + key) if self.key(int(v)) == key]
        return sorted({int(self.arrays["v_entry"][v]) for v in vs})

    def _candidates(self, text: str, max_candidates: int) -> np.ndarray:
        """Variants sharing tokens with ``text``, heaviest Σ idf first (at most
        ``max_candidates``). Every token counts; common ones weigh little."""
        toks = tokens(text)
        th = self.arrays["tok_hash"]
        if not toks or not th.size:  # no query tokens, or an empty list (a header-only file)
            return np.zeros(0, dtype=np.int32)
        hs = _h64(toks)
        pos = np.searchsorted(th, hs)
        ok = (pos < th.size) & (th[np.minimum(pos, th.size - 1)] == hs)
        pos = pos[ok]
        if not pos.size:
            return np.zeros(0, dtype=np.int32)
        ptr, post = self.arrays["tok_ptr"], self.arrays["tok_post"]
        lo, hi = ptr[pos], ptr[pos + 1]
        df = (hi - lo).astype(np.float64)
        idf = np.log1p(self.n_variants / df)
        lists = [np.asarray(post[a:b]) for a, b in zip(lo.tolist(), hi.tolist(), strict=True)]
        allv = np.concatenate(lists)
        w = np.repeat(idf, (hi - lo))
        if allv.size * 16 >= self.n_variants:  # dense: one pass over all variants
            dense = np.bincount(allv, weights=w, minlength=self.n_variants)
            uniq = np.nonzero(dense)[0]
            score = dense[uniq]
        else:
            uniq, inv = np.unique(allv, return_inverse=True)
            score = np.bincount(inv, weights=w)
        rare = [x for x, d in zip(lists, df.tolist(), strict=True) if d <= RARE_TOKEN_DF]
        is_rare = np.isin(uniq, np.concatenate(rare)) if rare else np.zeros(uniq.size, bool)
        return uniq[_heaviest(score, is_rare, max_candidates)].astype(np.int32)

    def _candidates_batch(
        self, texts: Sequence[str], max_candidates: int, chunk: int = 2048
    ) -> list[np.ndarray]:
        """``_candidates`` for many texts at once: query-token weights (rows) times the token →
        variant posting matrix, in chunks, the heaviest ``max_candidates`` per row. Same
        answer as the per-text path, with the work done in sparse C routines."""
        th, ptr, post = self.arrays["tok_hash"], self.arrays["tok_ptr"], self.arrays["tok_post"]
        nv, ntok = self.n_variants, int(th.size)
        if "_post_matrix" not in self.__dict__:
            self.__dict__["_post_matrix"] = sp.csr_matrix(
                (np.ones(post.size, dtype=np.float64), np.asarray(post), np.asarray(ptr)),
                shape=(ntok, nv),
            )
        pm = self.__dict__["_post_matrix"]
        idf = np.log1p(nv / np.maximum(np.diff(np.asarray(ptr)), 1))
        out: list[np.ndarray] = []
        for c0 in range(0, len(texts), chunk):
            part = texts[c0 : c0 + chunk]
            toks = [tokens(t) for t in part]
            flat = [t for ts in toks for t in ts]
            rows = np.repeat(np.arange(len(part)), [len(ts) for ts in toks])
            if not flat:
                out += [np.zeros(0, dtype=np.int32)] * len(part)
                continue
            hs = _h64(flat)
            pos = np.searchsorted(th, hs)
            ok = (pos < ntok) & (th[np.minimum(pos, ntok - 1)] == hs)
            hit, r_ok = pos[ok], rows[ok]
            qm = sp.csr_matrix((idf[hit], (r_ok, hit)), shape=(len(part), ntok))
            res = (qm @ pm).tocsr()
            res.sort_indices()
            is_rare = np.diff(np.asarray(ptr))[hit] <= RARE_TOKEN_DF
            rq = sp.csr_matrix((np.ones(int(is_rare.sum())), (r_ok[is_rare], hit[is_rare])),
                               shape=(len(part), ntok))  # fmt: skip
            rare = (rq @ pm).tocsr()
            for r in range(len(part)):
                lo, hi = res.indptr[r], res.indptr[r + 1]
                idx, val = res.indices[lo:hi], res.data[lo:hi]
                rare_v = rare.indices[rare.indptr[r] : rare.indptr[r + 1]]
                is_rare = np.isin(idx, rare_v) if rare_v.size else np.zeros(idx.size, bool)
                out.append(idx[_heaviest(val, is_rare, max_candidates)].astype(np.int32))
        return out

    # ---- search
    def _acronym_variants(self, text: str) -> list[int]:
        """Variants whose initials (``initials``) equal ``text``, an acronym query."""
        look = "^" + text.lower()
        return [int(v) for v in self._lookup(look).tolist()
                if text.lower() in initials(self.label(int(v)))]  # fmt: skip

    def search(
        self,
        queries: Sequence[str],
        *,
        min_score: float = 0.8,
        limit: int = 5,
        max_candidates: int = 40,
    ) -> list[list[Match]]:
        """Best ``limit`` entries per query with score >= ``min_score``, best first; each match
        carries ``features`` and ``algorithm`` (module docstring). A query with a part in
        brackets is also scored without it and, when the part is Latin, as the part alone
        ('Semiconductor Manufacturing International Corporation (SMIC)'); the best counts."""
        parts = [query_parts(q) for q in queries]
        flat = [p for ps in parts for p in ps]
        keys = [normalize(p) for p in flat]
        looks = [_lookup_texts(k) for k in keys]
        pre: list[np.ndarray] | None = None
        if len(flat) >= 64:  # batch the candidate generation (same answer, fewer calls)
            texts = [t for ls in looks for t in ls]
            found = iter(self._candidates_batch(texts, max_candidates))
            pre = [np.concatenate([next(found) for _ in ls]) if ls else np.zeros(0, np.int32)
                   for ls in looks]  # fmt: skip
        out: list[list[Match]] = []
        i = 0
        for q, ps in zip(queries, parts, strict=True):
            best: dict[int, Match] = {}
            for p in ps:
                got = self._score_query(
                    q, p, keys[i], looks[i], None if pre is None else pre[i],
                    min_score, max_candidates, whole=p == q,
                )  # fmt: skip
                for e, m in got.items():
                    if e not in best or m.score > best[e].score:
                        best[e] = m
                i += 1
            ms = sorted(best.values(), key=lambda m: (-m.score, m.part is not None, m.entry))
            out.append(ms[:limit])
        return out

    def _score_query(
        self,
        q: str,
        part: str,
        key: str,
        looks: list[str],
        pre: np.ndarray | None,
        min_score: float,
        max_candidates: int,
        whole: bool,
    ) -> dict[int, Match]:
        """Best match per entry of one query (or one part of it, ``query_parts``)."""
        v_entry, v_kind = self.arrays["v_entry"], self.arrays["v_kind"]
        best: dict[int, Match] = {}
        if not key:
            return best
        raw = unicodedata.normalize("NFKC", part).lower()
        trad = has_cjk(raw) and to_simplified(raw) != raw
        q_cjk = has_cjk(key)
        q_pin = looks[1] if q_cjk else None  # _lookup_texts: [key, pinyin, transliterations]
        cands: dict[int, None] = {}
        exact_looks = ["=" + key, "=" + key.replace(" ", ""), "~" + sorted_key(key)]
        if q_cjk:
            exact_looks += ["=" + t for t in ((q_pin or "").replace(" ", ""), *_translit_keys(key))]
        elif (unglued := _GLUED.sub(lambda m: f"{m[1]} {_LONG_FORM[m[2]]}", key)) != key:
            exact_looks += ["=" + unglued, "=" + unglued.replace(" ", "")]
        for look in exact_looks:
            for v in self._lookup(look).tolist():
                cands[int(v)] = None
        if pre is None:
            pre = np.concatenate([self._candidates(t, max_candidates) for t in looks])
        for v in pre.tolist():
            cands[int(v)] = None
        fixes = typos_corrected(part)
        note = "" if whole else f"; scored as {part!r}"
        fix_text = "; typo corrected: " + ", ".join(f"{a!r}→{b!r}" for a, b in fixes)
        vs = list(cands)
        ckeys = [self.key(v) for v in vs]
        # Pre-cut in C: a same-script pair scores at most its token_set ratio (exact and word
        # order have token_set 1) unless a rule below lifts it (short name, typo, distinctive
        # words); only pairs that no rule can lift are skipped unscored.
        same = [i for i, v in enumerate(vs) if int(v_kind[v]) not in _MACHINE_MADE
                and has_cjk(ckeys[i]) == q_cjk]  # fmt: skip
        skip: set[int] = set()
        if same and not q_cjk:
            ts = cdist([key], [ckeys[i] for i in same], scorer=fuzz.token_set_ratio)[0]
            q_words = distinctive_stems(key)
            skip = {same[j] for j in np.nonzero(ts < 100 * min_score - 1e-6)[0].tolist()
                    if not q_words
                    or not _same_distinctive(key, q_words, ckeys[same[j]])}  # fmt: skip
        scored: list[tuple[int, tuple[float, str, dict[str, Any]]]] = []
        for i, v in enumerate(vs):
            if i in skip:
                continue
            m = score_pair(part, key, q_pin, ckeys[i], int(v_kind[v]), trad)
            if m is not None:
                scored.append((v, m))
        if _ACRONYM.fullmatch(part.strip()):
            feats = {**dict.fromkeys(FEATURES, 0.0), "acronym": 1.0, "script": "latin"}
            for v in self._acronym_variants(part.strip()):
                scored.append((v, (ACRONYM_SCORE, "acronym: the initials of", feats)))
        acronym_like = _ACRONYM_LIKE.fullmatch(part.strip()) is not None
        for v, m in scored:
            if m[0] < min_score:
                continue
            if acronym_like and not (m[2]["exact"] or m[2]["acronym"]) \
                    and part.strip().lower() not in self.key(v).split():  # fmt: skip
                continue  # CSIC is not CASIC with a letter dropped: acronyms match whole
            feats = {**m[2], "typos_corrected": len(fixes)}
            e = int(v_entry[v])
            cur = best.get(e)
            if cur is None or m[0] > cur.score:
                kind = int(v_kind[v])
                label = self.label(v)
                head, _, tail = (m[1] + (fix_text if fixes else "") + note).partition("; ")
                reason = f"{head} ({KIND_LABELS[kind]} {label!r})" + (f"; {tail}" if tail else "")
                best[e] = Match(q, e, label, KIND_LABELS[kind], m[0], reason, feats,
                                part=None if whole else part)  # fmt: skip
        return best


@dataclass
class _Strings:
    data: np.ndarray
    offsets: np.ndarray

    def __getitem__(self, i: int) -> str:
        return Packed(self.data, self.offsets)[i]

    def __len__(self) -> int:
        return int(self.offsets.size - 1)


def score_pair(
    query: str,
    qkey: str,
    qpin: str | None,
    ckey: str,
    kind: int,
    traditional: bool = False,
) -> tuple[float, str, dict[str, Any]] | None:
    """(score, reason, features) of a query key against a variant key; None when no rule
    applies (e.g. scattered pinyin). See the module docstring for the features."""
    how = "traditional→simplified, " if traditional else ""
    feats: dict[str, Any] = {**dict.fromkeys(FEATURES, 0.0), "script": ""}
    c_pin = kind == KIND_PINYIN
    q_cjk = qpin is not None
    c_cjk = has_cjk(ckey)
    if kind == KIND_TRANSLIT:  # a Latin query written as a list would render the CJK name
        if q_cjk or qkey.replace(" ", "") != ckey.replace(" ", ""):
            return None
        feats.update(script="cross", translit=1.0, coverage=1.0)
        return (
            TRANSLIT_SCORE,
            f"{how}the Chinese name in pinyin, descriptive words in English",
            feats,
        )
    if not c_pin and q_cjk == c_cjk:
        feats["script"] = "cjk" if q_cjk else "latin"
        if qkey == ckey or qkey.replace(" ", "") == ckey.replace(" ", ""):
            feats.update(exact=1.0, token_set=1.0, token_sort=1.0, coverage=1.0)
            what = "name" if kind == KIND_NAME else "alias"
            src = "registry " if kind == KIND_REGISTRY else ""
            return 1.0, f"{how}exact {src}{what} after normalisation", feats
        if " " in qkey and sorted_key(qkey) == sorted_key(ckey):
            feats.update(word_order=1.0, token_set=1.0, token_sort=1.0, coverage=1.0)
            return WORD_ORDER_SCORE, f"{how}same words in another order", feats
        if q_cjk:
            a, b = qkey.replace(" ", ""), ckey.replace(" ", "")
            places = _cjk_places(a)
            if places and places == _cjk_places(b) and _drop_places(a) == _drop_places(b):
                feats.update(word_order=1.0, token_set=1.0, token_sort=1.0, coverage=1.0)
                return WORD_ORDER_SCORE, f"{how}same name with the place elsewhere", feats
        else:
            a, b = qkey, ckey
        ts = fuzz.token_set_ratio(a, b) / 100.0 if not q_cjk else fuzz.ratio(a, b) / 100.0
        to = fuzz.token_sort_ratio(a, b) / 100.0 if not q_cjk else ts
        if not q_cjk:  # words found and distinctive words: 'Optic Electric' is 'OpticElectric'
            qkey = _join_compounds(qkey, ckey)
            ckey = _join_compounds(ckey, qkey)
        cov, missing = coverage(qkey, ckey)
        q_num, c_num = _numbers(qkey), _numbers(ckey)
        other_number = bool(q_num and c_num and q_num != c_num)  # CETC's 38th is not its 43rd
        if other_number:
            cov, missing = 0.0, [*missing, f"#{'/'.join(q_num)}≠{'/'.join(c_num)}"]
        s = (W_TOKEN_SET * ts + W_TOKEN_SORT * to) * (COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * cov)
        feats.update(token_set=round(ts, 4), token_sort=round(to, 4), coverage=round(cov, 4))
        if other_number:  # no rule lifts a pair of two numbers
            return round(s, 4), f"{how}fuzzy {s:.2f}{_weak_text(missing)}", feats
        if q_cjk:  # a rule lifts the score; it never lowers a better fuzzy one
            if s < SHORT_NAME_SCORE and _short_name(qkey, ckey):
                feats["short_name"] = 1.0
                why = "same name without place and descriptive words"
                return SHORT_NAME_SCORE, f"{how}{why}", feats
            if s < CJK_TYPO_SCORE and _cjk_transposed(a, b):
                feats["typo"] = 1.0
                return CJK_TYPO_SCORE, f"{how}two adjacent characters swapped", feats
            if s < CJK_HOMOPHONE_SCORE and (pair := _cjk_homophone(a, b)):
                feats["typo"] = 1.0
                why = f"{pair[0]} for its homophone {pair[1]} (same pinyin)"
                return CJK_HOMOPHONE_SCORE, f"{how}{why}", feats
        else:
            words = distinctive_stems(qkey)
            if s < DISTINCTIVE_SCORE and words and words == distinctive_stems(ckey) \
                    and not _other_places(qkey.split(), ckey.split()) \
                    and not _other_sector(qkey, ckey):  # fmt: skip
                feats["distinctive"] = 1.0
                shown = sorted(distinctive_words(qkey))
                return DISTINCTIVE_SCORE, f"{how}same distinctive words {shown}", feats
        return round(s, 4), f"{how}fuzzy {s:.2f}{_weak_text(missing)}", feats
    # cross-script: compare pinyin syllables with Latin words
    feats["script"] = "cross"
    if q_cjk and not c_pin and not c_cjk:
        q_syl, c_syl = (qpin or "").split(), ckey.split()
    elif not q_cjk and c_pin:
        q_syl, c_syl = qkey.split(), ckey.split()
    else:  # CJK query vs pinyin variant (compare characters instead), Latin vs CJK key
        return None
    if q_cjk and ckey.replace(" ", "") in _translit_keys(qkey):
        feats.update(translit=1.0, coverage=1.0)
        return TRANSLIT_SCORE, f"{how}pinyin with descriptive words in English", feats
    if q_cjk and _translit_core(qkey, ckey):
        feats.update(translit=1.0, short_name=1.0, coverage=1.0)
        why = "the short name in pinyin is the listed name without place and generic words"
        return TRANSLIT_CORE_SCORE, f"{how}{why}", feats
    if "".join(q_syl) == "".join(c_syl):
        feats.update(pinyin=1.0, coverage=1.0)
        return PINYIN_EXACT_SCORE, f"{how}pinyin, exact", feats
    cover = pinyin_match(q_syl, c_syl)
    if cover >= PINYIN_MIN_COVER:
        feats.update(pinyin=round(cover, 4), coverage=round(cover, 4))
        s = round(PINYIN_EXACT_SCORE * cover, 4)
        return s, f"{how}pinyin, contiguous syllables cover {cover:.0%}", feats
    return None


def _short_name(a: str, b: str) -> bool:
    """Whether two CJK keys name the same company once place and descriptive
    words are dropped (``cjk.core``): equal cores of 3+ characters, or a 2-character core that
    one key is, alone, with 集团 or after a city or province (商汤, 商汤集团 or 上海商汤, and
    商汤科技). Not a group and a unit located in a city (欧菲光集团 is not 南昌欧菲光科技, its
    Nanchang unit: ``_group_and_unit``)."""
    if _group_and_unit(a, b) or _group_and_unit(b, a):
        return False
    places_a, places_b = _cjk_places(a.replace(" ", "")), _cjk_places(b.replace(" ", ""))
    if places_a and places_b and not places_a & places_b:  # 上海微电子 is not 西安微电子
        return False
    ca = core(a)
    if len(ca) >= 3 and ca == core(b):
        return True
    c2 = core(a, 2)
    if len(c2) < 2 or c2 != core(b, 2):
        return False
    a, b = a.replace(" ", ""), b.replace(" ", "")
    bare = (c2, c2 + "集团")
    return any(k in bare or (k.endswith(c2) and k[: -len(c2)].rstrip("市省") in _CITIES)
               for k in (a, b))  # fmt: skip


def _group_and_unit(group: str, unit: str) -> bool:
    """Whether ``group`` names a group (集团) and ``unit``, without 集团, opens with a city or
    province: a company located there, another legal entity than the group."""
    if "集团" not in group or "集团" in unit:
        return False
    unit = unit.replace(" ", "")
    return any(unit.startswith(c) for c in _CITY_ORDER)


def _translit_core(qkey: str, ckey: str) -> bool:
    """Whether a CJK key's ``cjk.core`` (3+ characters: two syllables are too often another
    company's) rendered by ``cjk.translit`` equals a Latin key's distinctive words in their
    order, spaces removed: 智谱华章 is 'Beijing Zhipu Huazhang Technology'."""
    short = core(qkey.replace(" ", ""))
    if len(short) < 3:
        return False
    words = distinctive_words(ckey)
    name = "".join(w for w in ckey.split() if w in words)
    return bool(name) and name in _translit_keys(short)


def _cjk_homophone(a: str, b: str) -> tuple[str, str] | None:
    """(character of ``a``, character of ``b``) when two CJK keys of 4+ characters differ in one
    character only and the two share a toneless pinyin reading: what a pinyin input method
    types by mistake (旷世科技 for 旷视科技, 科达讯飞 for 科大讯飞); None otherwise."""
    if len(a) != len(b) or len(a) < 4:
        return None
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) != 1:
        return None
    x, y = a[diff[0]], b[diff[0]]
    return (x, y) if _readings_of(x) & _readings_of(y) else None


@lru_cache(maxsize=20_000)
def _readings_of(char: str) -> frozenset[str]:
    """Every toneless pinyin reading of one CJK character (pypinyin, heteronyms included)."""
    from pypinyin import Style
    from pypinyin import pinyin as readings

    return frozenset(readings(char, style=Style.NORMAL, heteronym=True)[0])


def _cjk_transposed(a: str, b: str) -> bool:
    """Two CJK keys of 4+ characters that differ by one swap of adjacent characters."""
    if len(a) != len(b) or len(a) < 4 or sorted(a) != sorted(b):
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1


def pairwise_reference(
    queries: Iterable[str], choices: Sequence[str], min_score: float = 0.8, workers: int = 1
) -> list[tuple[int, float] | None]:
    """Straightforward reference: every query against every choice (Latin names), the same
    fuzzy formula (exact keys score 1, reordered words ``WORD_ORDER_SCORE``); keep the best.
    O(queries × choices) rapidfuzz ``cdist``; benchmark and agreement test only."""
    keys = [normalize(c) for c in choices]
    out: list[tuple[int, float] | None] = []
    for q in queries:
        qk = normalize(q)
        ts = cdist([qk], keys, scorer=fuzz.token_set_ratio, workers=workers)[0] / 100.0
        to = cdist([qk], keys, scorer=fuzz.token_sort_ratio, workers=workers)[0] / 100.0
        base = W_TOKEN_SET * ts + W_TOKEN_SORT * to
        best: tuple[int, float] | None = None
        for j in np.nonzero(base >= min_score)[0].tolist():
            if qk == keys[j] or qk.replace(" ", "") == keys[j].replace(" ", ""):
                s = 1.0
            elif " " in qk and sorted_key(qk) == sorted_key(keys[j]):
                s = WORD_ORDER_SCORE
            else:
                s = float(base[j]) * (
                    COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * coverage(qk, keys[j])[0]
                )
            if s >= min_score and (best is None or s > best[1]):
                best = (j, s)
        out.append(best)
    return out
