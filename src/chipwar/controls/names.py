"""Company-name normalisation and matching across scripts (Latin, Simplified, Traditional).

A name is normalised (Unicode NFKC for full-/half-width, case fold, Traditional -> Simplified,
punctuation out, legal forms such as "Co., Ltd.", "GmbH", "B.V.", "有限公司", "股份有限公司", "集团"
stripped) and, when it contains CJK characters, also romanised to pinyin. Candidates come from an
exact index of every normalised variant and from token blocking (a sparse query-token ×
token-variant product) followed by vectorised fuzzy scoring (rapidfuzz ``cpdist``), so the cost
grows with the number of candidate pairs, not with queries × entries.

Fuzzy score = (0.6·token_set_ratio + 0.4·token_sort_ratio) × (0.5 + 0.5·coverage), in [0, 1],
where coverage = share of the query's distinctive Latin words (not generic, not legal forms) that
appear, exactly or within one typo, in the candidate: extra words such as "Fan Club" in
"Huawei Fan Club Ltd" pull the score down and are named in the reason ("weak: ..."). A name whose
words are a reordering of a listed name matches exactly ("word order").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz
from rapidfuzz.process import cdist, cpdist

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_PUNCT = re.compile(r"[^\w\s\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_SPACE = re.compile(r"\s+")

# Chinese legal-form and group suffixes (Simplified; Traditional input is converted first).
_CJK_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "控股有限公司",
    "有限公司",
    "股份公司",
    "股份",
    "集团",
    "公司",
)
# Latin legal forms as normalised word sequences (punctuation already removed).
_LATIN_FORMS = [
    "co ltd", "company limited", "co limited", "corporation limited", "limited", "ltd", "inc",
    "incorporated", "corp", "corporation", "company", "co", "gmbh", "ag", "bv", "b v", "nv",
    "n v", "sa", "s a", "sas", "srl", "spa", "plc", "llc", "lp", "llp", "kk", "pte", "pty",
    "oy", "ab", "as", "group",
]  # fmt: skip
# Generic words that never make a candidate on their own (blocking only; they still score).
_GENERIC_WORDS = (
    "technology technologies tech* tech international inte* industry indu* industrial "
    "information info* intelligent intel* electronics elec* electronic science scie* "
    "development deve* equipment equi* semiconductor semi* manufacturing manu* the and of "
    "china chin* beijing beij* shanghai shan* shenzhen shen* 科技 技术 电子 信息 半导 导体 "
    "北京 上海 深圳 中国 国际 智能 集成 电路"
)
_GENERIC = frozenset(_GENERIC_WORDS.split())
_LATIN_FORM_RE = re.compile(
    r"\b(?:" + "|".join(re.escape(f) for f in sorted(_LATIN_FORMS, key=len, reverse=True)) + r")\b"
)


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def to_simplified(text: str) -> str:
    """Traditional -> Simplified Chinese (OpenCC t2s); non-CJK text is returned unchanged."""
    return str(_t2s().convert(text)) if has_cjk(text) else text


def normalize(name: str) -> str:
    """Normalised key: NFKC, lower case, Traditional -> Simplified, no punctuation or legal forms.

    Legal forms are only stripped when something else remains ("Group" alone stays "group").
    """
    text = unicodedata.normalize("NFKC", name).lower().strip()
    text = to_simplified(text)
    text = text.replace("&", " and ")
    text = _PUNCT.sub(" ", text)
    text = _SPACE.sub(" ", text).strip()
    stripped = _strip_forms(text)
    return stripped or text


def _strip_forms(text: str) -> str:
    out = text
    # CJK suffixes, repeatedly from the end (e.g. ...集团股份有限公司).
    changed = True
    while changed:
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


def coverage(query_key: str, candidate_key: str) -> tuple[float, list[str]]:
    """Share of the query's distinctive Latin words found in the candidate, and those missing.

    A word is distinctive when it has 2+ letters, is not generic (``_GENERIC``) and the query is
    not CJK; it is found when some candidate word equals it or is within one edit-like typo
    (rapidfuzz ratio >= 80). CJK queries are not penalised (coverage 1).
    """
    if has_cjk(query_key):
        return 1.0, []
    all_words = [w for w in dict.fromkeys(query_key.split()) if len(w) >= 2]
    words = [w for w in all_words if w not in _GENERIC]
    cand = candidate_key.split()

    def absent(ws: list[str], other: list[str]) -> list[str]:
        return [w for w in ws if not any(w == c or fuzz.ratio(w, c) >= 80 for c in other)]

    if words:
        missing = absent(words, cand)
        return (len(words) - len(missing)) / len(words), missing
    if not all_words:
        return 1.0, []
    # Only generic words: both names must use the same words (either direction counts).
    missing = absent(all_words, cand)
    extra = absent([c for c in cand if len(c) >= 2], all_words)
    total = len(all_words) + len([c for c in cand if len(c) >= 2])
    return 1.0 - (len(missing) + len(extra)) / max(total, 1), missing + [f"+{w}" for w in extra]


def _weak_text(missing: list[str]) -> str:
    """'; weak: ...' naming query words absent from the candidate (and '+' candidate words)."""
    lost = [repr(w) for w in missing if not w.startswith("+")]
    extra = [repr(w[1:]) for w in missing if w.startswith("+")]
    parts = [f"{', '.join(lost)} not in the listed name"] if lost else []
    parts += [f"{', '.join(extra)} not in the query"] if extra else []
    return f"; weak: {'; '.join(parts)}" if parts else ""


def pinyin(text: str) -> str:
    """Space-separated toneless pinyin of the CJK characters (other words kept as they are)."""
    from pypinyin import lazy_pinyin

    return _SPACE.sub(" ", " ".join(lazy_pinyin(text))).strip()


def tokens(key: str) -> list[str]:
    """Blocking tokens of a normalised key: Latin words (and their 4-letter prefixes and
    suffixes and sorted letters, so one typo keeps a shared token); for CJK,
    overlapping character bigrams (and the single character when alone)."""
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
            if word in _GENERIC:
                continue
            if len(word) > 4:
                out += [word[:4] + "*", "*" + word[-4:]]
            if len(word) >= 4:
                out.append("#" + "".join(sorted(word)))  # survives transposed letters
    return out


@dataclass(frozen=True)
class Variant:
    """One searchable string of an entry: its key, the entry index and how it was derived."""

    key: str
    entry: int
    label: str  # the original name or alias
    kind: str  # "name" | "alias" | "pinyin"


@dataclass
class Match:
    query: str
    entry: int
    label: str
    score: float
    reason: str


@dataclass
class NameIndex:
    """Searchable index over entries, each with a primary name and aliases."""

    ids: list[str]
    variants: list[Variant] = field(default_factory=list)
    exact: dict[str, list[int]] = field(default_factory=dict)  # key -> variant indices
    reordered: dict[str, list[int]] = field(default_factory=dict)  # sorted words -> variants
    _token_ids: dict[str, int] = field(default_factory=dict)
    _matrix: sp.csr_matrix | None = None  # variants × tokens (binary)
    _df: np.ndarray | None = None

    @classmethod
    def build(cls, entries: Sequence[tuple[str, str, Sequence[str]]]) -> NameIndex:
        """``entries``: (id, name, aliases); names that normalise to empty are skipped."""
        index = cls(ids=[e[0] for e in entries])
        seen: set[tuple[str, int]] = set()
        for i, (_, name, aliases) in enumerate(entries):
            for label, kind in [(name, "name"), *((a, "alias") for a in aliases)]:
                key = normalize(label)
                if key and (key, i) not in seen:
                    seen.add((key, i))
                    index.variants.append(Variant(key, i, label, kind))
                if key and has_cjk(key):
                    pkey = pinyin(key)
                    if (pkey, i) not in seen:
                        seen.add((pkey, i))
                        index.variants.append(Variant(pkey, i, label, "pinyin"))
        for v_i, v in enumerate(index.variants):
            index.exact.setdefault(v.key, []).append(v_i)
            compact = v.key.replace(" ", "")
            if compact != v.key:
                index.exact.setdefault(compact, []).append(v_i)
            if v.kind != "pinyin" and " " in v.key:
                index.reordered.setdefault(sorted_key(v.key), []).append(v_i)
        index._build_tokens()
        return index

    def _build_tokens(self) -> None:
        rows: list[int] = []
        cols: list[int] = []
        for v_i, v in enumerate(self.variants):
            for t in set(tokens(v.key)):
                cols.append(self._token_ids.setdefault(t, len(self._token_ids)))
                rows.append(v_i)
        data = np.ones(len(rows), dtype=np.float32)
        shape = (len(self.variants), max(len(self._token_ids), 1))
        self._matrix = sp.csr_matrix((data, (rows, cols)), shape=shape)
        self._df = np.asarray(self._matrix.sum(axis=0)).ravel()

    def search(
        self,
        queries: Sequence[str],
        *,
        min_score: float = 0.8,
        limit: int = 5,
        max_df: int | None = None,
        max_candidates: int = 32,
        workers: int = 1,
    ) -> list[list[Match]]:
        """Best ``limit`` entries per query with score >= ``min_score``, best first.

        Blocking: a (query, variant) pair is scored only when they share a token that occurs in at
        most ``max_df`` variants (default max(50, 0.2 % of variants)); per query only the
        ``max_candidates`` variants with the largest shared-token idf weight are scored.
        """
        assert self._matrix is not None and self._df is not None
        nq = len(queries)
        raw = [unicodedata.normalize("NFKC", q).lower() for q in queries]
        keys = [normalize(q) for q in queries]
        trad = [has_cjk(r) and to_simplified(r) != r for r in raw]
        best: list[dict[int, Match]] = [{} for _ in range(nq)]

        def offer(q: int, v_i: int, score: float, reason: str) -> None:
            v = self.variants[v_i]
            cur = best[q].get(v.entry)
            if cur is None or score > cur.score:
                best[q][v.entry] = Match(queries[q], v.entry, v.label, score, reason)

        # 1. exact keys (name, alias, pinyin of a CJK name; pinyin of a CJK query).
        pin_keys: list[str | None] = [None] * nq
        for q, key in enumerate(keys):
            if not key:
                continue
            for v_i in self.exact.get(key, ()):
                offer(q, v_i, *self._exact_reason(self.variants[v_i], trad[q], False))
            if has_cjk(key):
                pin_keys[q] = pinyin(key)
                for look in {pin_keys[q], str(pin_keys[q]).replace(" ", "")}:
                    for v_i in self.exact.get(str(look), ()):
                        if self.variants[v_i].kind != "pinyin":
                            offer(q, v_i, *self._exact_reason(self.variants[v_i], trad[q], True))
            else:
                compact = key.replace(" ", "")
                if compact != key:
                    for v_i in self.exact.get(compact, ()):
                        offer(q, v_i, *self._exact_reason(self.variants[v_i], trad[q], False))
                    for v_i in self.reordered.get(sorted_key(key), ()):
                        v = self.variants[v_i]
                        what = "name" if v.kind == "name" else "alias"
                        offer(q, v_i, 0.97, f"exact {what} in another word order ({v.label!r})")

        # 2. token blocking -> candidate pairs -> vectorised fuzzy scores.
        cap = max_df if max_df is not None else max(50, int(0.002 * len(self.variants)))
        qrows: list[int] = []
        qcols: list[int] = []
        qtexts = [k if p is None else p for k, p in zip(keys, pin_keys, strict=True)]
        for q, text in enumerate(qtexts):
            toks = set(tokens(text))
            usable = [t for t in toks if t not in _GENERIC]
            # A name made only of generic words ("Semiconductor Manufacturing International")
            # blocks on those words (2+ words; still subject to the document-frequency cap).
            if not usable and len(text.split()) >= 2:
                usable = list(toks)
            for t in usable:
                col = self._token_ids.get(t)
                if col is not None and self._df[col] <= cap:
                    qrows.append(q)
                    qcols.append(col)
        if qrows:
            # Shared-token weight = Σ idf of the shared tokens; keep the best ``max_candidates``.
            idf = np.log1p(len(self.variants) / np.maximum(self._df, 1)).astype(np.float32)
            qm = sp.csr_matrix((idf[qcols], (qrows, qcols)), shape=(nq, self._matrix.shape[1]))
            pairs = (qm @ self._matrix.T).tocsr()
            counts = np.diff(pairs.indptr)
            qi = np.repeat(np.arange(nq), counts)
            order = np.lexsort((-pairs.data, qi))
            rank = np.arange(order.size) - pairs.indptr[qi[order]]
            sel = order[rank < max_candidates]
            qi, vi = qi[sel], pairs.indices[sel]
            keys_v = [v.key for v in self.variants]
            left = [qtexts[q] for q in qi.tolist()]
            right = [keys_v[v] for v in vi.tolist()]
            s_set = np.asarray(
                cpdist(left, right, scorer=fuzz.token_set_ratio, workers=workers),
                dtype=np.float64,
            )
            # score >= min_score needs token_set >= (min_score - 0.4) / 0.6.
            pre = np.nonzero(s_set >= 100 * (min_score - 0.4) / 0.6 - 1e-9)[0]
            s_sort = np.asarray(
                cpdist(
                    [left[k] for k in pre], [right[k] for k in pre],
                    scorer=fuzz.token_sort_ratio, workers=workers,
                ),
                dtype=np.float64,
            )  # fmt: skip
            score = (0.6 * s_set[pre] + 0.4 * s_sort) / 100.0
            keep = pre[score >= min_score]
            score = score[score >= min_score]
            for k, s in zip(keep.tolist(), score.tolist(), strict=True):
                q, v_i = int(qi[k]), int(vi[k])
                v = self.variants[v_i]
                # Coverage (few pairs pass the cut above, so a Python step here is cheap).
                cov, missing = coverage(left[k], right[k])
                s *= 0.5 + 0.5 * cov
                if s < min_score:
                    continue
                how = "pinyin, " if (v.kind == "pinyin") != (pin_keys[q] is not None) else ""
                if trad[q]:
                    how = "traditional→simplified, " + how
                weak = _weak_text(missing)
                offer(q, v_i, round(s, 4), f"{how}fuzzy {s:.2f} ({v.kind} {v.label!r}){weak}")

        out: list[list[Match]] = []
        for q in range(nq):
            ms = [m for m in best[q].values() if m.score >= min_score]
            ms.sort(key=lambda m: (-m.score, m.entry))
            out.append(ms[:limit])
        return out

    @staticmethod
    def _exact_reason(v: Variant, traditional: bool, query_pinyin: bool) -> tuple[float, str]:
        if v.kind == "pinyin" or query_pinyin:
            return 0.95, f"pinyin, exact ({v.label!r})"
        what = "name" if v.kind == "name" else "alias"
        prefix = "traditional→simplified, " if traditional else ""
        return 1.0, f"{prefix}exact {what} after normalisation ({v.label!r})"


def pairwise_reference(
    queries: Iterable[str], choices: Sequence[str], min_score: float = 0.8, workers: int = 1
) -> list[tuple[int, float] | None]:
    """Straightforward reference: score every query against every choice (normalised) with the
    same fuzzy score, keep the best. O(queries × choices); the pairwise token_set/token_sort
    scores are computed in C by rapidfuzz ``cdist`` (no Python loop over pairs), and the
    coverage factor only for pairs whose base score reaches ``min_score``. Benchmark only."""
    keys = [normalize(c) for c in choices]
    out: list[tuple[int, float] | None] = []
    for q in queries:
        qk = normalize(q)
        base = (
            0.6 * cdist([qk], keys, scorer=fuzz.token_set_ratio, workers=workers)[0]
            + 0.4 * cdist([qk], keys, scorer=fuzz.token_sort_ratio, workers=workers)[0]
        ) / 100.0
        best: tuple[int, float] | None = None
        for j in np.nonzero(base >= min_score)[0].tolist():
            s = float(base[j]) * (0.5 + 0.5 * coverage(qk, keys[j])[0])
            if s >= min_score and (best is None or s > best[1]):
                best = (j, s)
        out.append(best)
    return out
