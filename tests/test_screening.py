"""Screening: aggregate listed ownership, the affiliates-rule window, names across scripts,
loaders (CSL, user CSV) and their errors, and the CLI."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipwar.catalog.io import DATA_DIR
from chipwar.controls.ownership import (
    aggregate,
    load_affiliates_rule,
    owned_by,
    read_ownership_csv,
)
from chipwar.controls.parties import (
    CSL_COLUMNS,
    read_csl_csv,
    read_csl_json,
    read_parties_csv,
)
from chipwar.controls.screening import assess, screen
from chipwar.errors import DataError, InputError, UnknownIdError

IN_FORCE = "2025-10-01"


@pytest.fixture(autouse=True)
def _index_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """On-disk party indexes go to a temporary directory, never the user's cache."""
    monkeypatch.setenv("CHIPWAR_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _case(tmp_path: Path, edges: str, listed: list[str]):  # type: ignore[no-untyped-def]
    g = read_ownership_csv(_write(tmp_path, "own.csv", "owner_id,owned_id,share\n" + edges))
    rows = "".join(f"{p},{p.upper()} Co,Entity List,2020-01-01,\n" for p in listed)
    parties = read_parties_csv(_write(tmp_path, "parties.csv", "id,name,list,listed_from,"
                                      "listed_to\n" + rows))  # fmt: skip
    return g, parties


# ---------------------------------------------------------------- aggregate ownership


def test_two_listed_owners_at_30_percent_each_make_an_affiliate(tmp_path: Path) -> None:
    g, parties = _case(tmp_path, "l1,x,0.3\nl2,x,0.3\nfree,x,0.4\n", ["l1", "l2"])
    (r,) = assess(["x"], IN_FORCE, graph=g, parties=parties)
    assert r["aggregate_listed_ownership"] == pytest.approx(0.6)
    assert r["affiliate"] is True and r["listed"] is False
    assert len(r["paths"]) == 2 and all("30%" in p for p in r["paths"])


def test_one_listed_owner_at_30_percent_is_not_enough(tmp_path: Path) -> None:
    g, parties = _case(tmp_path, "l1,x,0.3\nl2,x,0.3\n", ["l1"])
    (r,) = assess(["x"], IN_FORCE, graph=g, parties=parties)
    assert r["aggregate_listed_ownership"] == pytest.approx(0.3)
    assert r["affiliate"] is False


@pytest.mark.parametrize(
    ("second", "expected", "affiliate"), [(0.9, 0.54, True), (0.8, 0.48, False)]
)
def test_chain_multiplies_shares(
    tmp_path: Path, second: float, expected: float, affiliate: bool
) -> None:
    g, parties = _case(tmp_path, f"l,a,0.6\na,b,{second}\n", ["l"])
    (r,) = assess(["b"], IN_FORCE, graph=g, parties=parties)
    assert r["aggregate_listed_ownership"] == pytest.approx(expected)
    assert r["affiliate"] is affiliate
    assert r["paths"][0].endswith(f"= {expected * 100:g}%")


def test_cycle_terminates_with_the_right_answer(tmp_path: Path) -> None:
    # a = 0.6 + 0.4 b, b = 0.5 a  ->  a = 0.75, b = 0.375 (hand-worked).
    g, parties = _case(tmp_path, "l,a,0.6\na,b,0.5\nb,a,0.4\n", ["l"])
    ra, rb = assess(["a", "b"], IN_FORCE, graph=g, parties=parties)
    assert ra["aggregate_listed_ownership"] == pytest.approx(0.75)
    assert rb["aggregate_listed_ownership"] == pytest.approx(0.375)
    assert ra["affiliate"] and not rb["affiliate"]


def test_listed_parent_of_listed_subsidiary_is_not_double_counted(tmp_path: Path) -> None:
    g, parties = _case(tmp_path, "l1,l2,1.0\nl2,x,0.3\n", ["l1", "l2"])
    (r,) = assess(["x"], IN_FORCE, graph=g, parties=parties)
    assert r["aggregate_listed_ownership"] == pytest.approx(0.3)
    (r2,) = assess(["l2"], IN_FORCE, graph=g, parties=parties)
    assert r2["listed"] and not r2["affiliate"]  # listed itself, not an affiliate


def test_inbound_shares_above_100_percent_is_a_data_error(tmp_path: Path) -> None:
    g, parties = _case(tmp_path, "l,x,0.7\nm,x,0.6\n", ["l"])
    with pytest.raises(DataError, match=r"x \(130.0%\).*not clipped"):
        assess(["x"], IN_FORCE, graph=g, parties=parties)


def test_edge_dates_are_respected(tmp_path: Path) -> None:
    text = "owner_id,owned_id,share,valid_from,valid_to\nl,x,0.8,2025-01-01,2025-06-30\n"
    g = read_ownership_csv(_write(tmp_path, "own.csv", text))
    _, parties = _case(tmp_path, "l,x,0.1\n", ["l"])
    assert (
        assess(["x"], "2025-03-01", graph=g, parties=parties)[0]["aggregate_listed_ownership"]
        == 0.8
    )
    assert assess(["x"], IN_FORCE, graph=g, parties=parties)[0]["aggregate_listed_ownership"] == 0.0


def _brute_force(n: int, edges: list[tuple[int, int, float]], listed: set[int]) -> np.ndarray:
    """Reference: enumerate every simple path from a listed node, cut at the first listed node."""
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    for u, v, s in edges:
        g.add_edge(u, v, share=s)
    out = np.zeros(n)
    for t in range(n):
        for src in listed:
            if src == t:
                continue
            for path in nx.all_simple_paths(g, src, t):
                if any(p in listed for p in path[1:-1]):
                    continue
                out[t] += np.prod([g[a][b]["share"] for a, b in itertools.pairwise(path)])
    return out


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_aggregate_matches_path_enumeration_on_random_dags(data: st.DataObject) -> None:
    import scipy.sparse as sp

    n = data.draw(st.integers(3, 8))
    edges: list[tuple[int, int, float]] = []
    for v in range(1, n):
        owners = data.draw(st.lists(st.integers(0, v - 1), unique=True, max_size=3))
        room = 1.0
        for u in owners:
            s = data.draw(st.floats(0.0, room))
            room -= s
            edges.append((u, v, s))
    listed = set(data.draw(st.lists(st.integers(0, n - 1), unique=True, min_size=1, max_size=3)))
    m = sp.csr_matrix(
        ([e[2] for e in edges], ([e[1] for e in edges], [e[0] for e in edges])), shape=(n, n)
    )
    seeds = np.array([i in listed for i in range(n)])
    a = aggregate(m, seeds)
    assert np.all(a <= 1 + 1e-9) and np.all(a >= 0)
    assert a == pytest.approx(_brute_force(n, edges, listed), abs=1e-9)


# ---------------------------------------------------------------- Nexperia and the rule window


@pytest.mark.parametrize(
    ("date", "aggregate_share", "affiliate", "status"),
    [
        ("2024-11-01", 0.0, False, "not_in_force"),  # Wingtech not yet listed (2 Dec 2024)
        ("2025-09-28", 1.0, False, "not_in_force"),  # the day before the affiliates rule
        ("2025-09-29", 1.0, True, "in_force"),
        ("2025-11-09", 1.0, True, "in_force"),
        ("2025-11-10", 1.0, False, "suspended"),
        ("2026-11-09", 1.0, False, "suspended"),
        # after the sources stop (2026-11-09): the rule book's "undetermined", not a guess
        ("2026-11-10", 1.0, None, "undetermined"),
    ],
)
def test_nexperia_status_through_the_rule_window(
    date: str, aggregate_share: float, affiliate: bool | None, status: str
) -> None:
    (r,) = assess(["nexperia-china"], date)
    assert r["aggregate_listed_ownership"] == pytest.approx(aggregate_share)
    assert r["affiliate"] is affiliate and r["rule_status"] == status and not r["listed"]
    if status == "suspended":
        assert any("suspended" in x for x in r["reasons"])


def test_nexperia_path_explains_itself() -> None:
    (r,) = assess(["nexperia-bv"], IN_FORCE)
    assert r["paths"] == [
        "Wingtech Technology Co., Ltd. 100% → Nexperia Holding B.V. 100% → Nexperia B.V. = 100%"
    ]


def test_affiliates_rule_dates_and_threshold() -> None:
    rule = load_affiliates_rule()
    assert rule.threshold == 0.5
    assert rule.status_on(dt.date(2025, 9, 29))[0] == "in_force"
    assert rule.status_on(dt.date(2025, 11, 10))[0] == "suspended"


def test_owned_by_contract() -> None:
    got = owned_by(["wingtech"], "2025-10-01")
    assert got["nexperia-holding"] == pytest.approx(1.0)
    assert got["nexperia-china"] == pytest.approx(1.0)
    assert "wingtech" not in got
    assert owned_by(["wingtech"], dt.date(2019, 1, 1)) == {}
    with pytest.raises(UnknownIdError):
        owned_by(["no-such-company"], "2025-10-01")
    with pytest.raises(InputError, match="date"):
        owned_by(["wingtech"], "October 2025")


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("query", "entity", "reason"),
    [
        ("聞泰科技", "wingtech", "traditional→simplified"),
        ("闻泰科技", "wingtech", "exact alias"),
        ("Wingtech Technology Co., Ltd.", "wingtech", "exact name"),
        ("WINGTECH TECHNOLOGY CO LTD", "wingtech", "exact name"),
        ("ＷＩＮＧＴＥＣＨ", "wingtech", "exact alias"),  # full-width
        ("Wentai Keji", "wingtech", "pinyin"),
        ("中芯國際", "smic", "traditional→simplified"),
        ("長江存儲科技有限責任公司", "ymtc", "traditional→simplified"),
        ("Wingtec Technology", "wingtech", "fuzzy"),
        ("安世中國", "nexperia-china", "traditional→simplified"),
        ("SMIC", "smic", "exact alias"),
        ("Semiconductor Manufacturing International", "smic", "exact name"),
        ("International Semiconductor Manufacturing Corp", "smic", "another order"),
        ("Zhongxin Guoji", "smic", "pinyin"),
        ("Technologies Huawei", "huawei-technologies", "another order"),
        ("Huawie Technologies", "huawei-technologies", "fuzzy"),  # typo
    ],
)
def test_name_variants_find_the_same_party(query: str, entity: str, reason: str) -> None:
    rows = screen([query], IN_FORCE)
    assert rows[0]["entity_id"] == entity, rows[0]
    assert reason in rows[0]["reason"]
    assert 0.8 <= rows[0]["score"] <= 1.0


def test_three_wingtech_spellings_give_identical_status() -> None:
    rows = screen(["聞泰科技", "闻泰科技", "Wingtech Technology Co., Ltd."], IN_FORCE, limit=1)
    assert {r["entity_id"] for r in rows} == {"wingtech"}
    assert all(r["listed"] and r["lists"] == ["Entity List"] for r in rows)


def test_threshold_checked_even_without_candidates() -> None:
    with pytest.raises(InputError, match="threshold"):
        screen(["No Such Company At All"], IN_FORCE, threshold=1.5)


def test_generic_word_alone_matches_nothing() -> None:
    assert screen(["Technology"], IN_FORCE)[0]["entity_id"] is None


def test_extra_distinctive_words_make_a_weak_low_match() -> None:
    # "Huawei Fan Club Ltd": token_set alone would give 1.0 (alias 'Huawei' is a subset); the
    # coverage factor (1 of 3 distinctive words) halves it towards 0.55 and names the extras.
    assert screen(["Huawei Fan Club Ltd"], IN_FORCE)[0]["entity_id"] is None  # below 0.8
    row = screen(["Huawei Fan Club Ltd"], IN_FORCE, min_score=0.5)[0]
    assert row["entity_id"] == "huawei-technologies"
    assert row["score"] < 0.6
    assert "weak: 'fan', 'club' not in the listed name" in row["reason"]


def test_index_agrees_with_pairwise_reference_on_latin_names() -> None:
    from chipwar.controls.names import NameIndex, pairwise_reference

    entries = [
        ("a", "Huawei Technologies Co., Ltd.", ["Huawei"]),
        ("b", "Semiconductor Manufacturing International Corporation", ["SMIC"]),
        ("c", "Cambricon Technologies Corporation Limited", ["Cambricon"]),
        ("d", "Wingtech Technology Co., Ltd.", []),
    ]
    queries = ["Huawie Technologies", "Cambricon Tech", "Wingtec Technology", "Cambridge Ltd",
               "Huawei Fan Club"]  # fmt: skip
    ours = [m[0].entry if m else -1 for m in NameIndex.build(entries).search(queries)]
    choices = [e[1] for e in entries] + [a for e in entries for a in e[2]]
    owner = [0, 1, 2, 3, 0, 1, 2]
    ref = [owner[b[0]] if b else -1 for b in pairwise_reference(queries, choices)]
    assert ours == ref == [0, 2, 3, -1, -1]


def test_similar_looking_names_do_not_match() -> None:
    assert screen(["Cambridge"], IN_FORCE, min_score=0.5)[0]["entity_id"] is None
    assert screen(["Cambridge Technologies Ltd"], IN_FORCE)[0]["entity_id"] is None
    assert screen(["Cambricon"], IN_FORCE)[0]["entity_id"] == "cambricon"


# ---------------------------------------------------------------- loaders and bad input


def test_csl_samples_load_with_published_columns() -> None:
    header = (DATA_DIR / "csl_sample.csv").read_text(encoding="utf-8").splitlines()[0]
    assert tuple(header.split(",")) == CSL_COLUMNS
    csv_parties = read_csl_csv(DATA_DIR / "csl_sample.csv")
    json_parties = read_csl_json(DATA_DIR / "csl_sample.json")
    assert len(csv_parties) == len(json_parties) == 13
    wing = next(p for p in csv_parties if p.name.startswith("Wingtech"))
    assert wing.list == "Entity List" and wing.listed_from == dt.date(2024, 12, 2)
    assert "聞泰科技" in wing.aliases
    assert [p.aliases for p in csv_parties] == [p.aliases for p in json_parties]


def test_screen_against_a_csl_file(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("screen", "聞泰科技", "--parties", str(DATA_DIR / "csl_sample.csv"),
              "--date", IN_FORCE, "--format", "json")  # fmt: skip
    assert res.code == 0, res.err
    rows = res.json()
    assert rows and all(r["listed"] for r in rows)
    # The CSL record is the shipped graph's Wingtech (same name): one entity, one answer, and
    # the answer's history names the CSL record.
    assert rows[0]["entity_id"] == "wingtech"
    assert any("[chipwar-sample-" in h for h in rows[0]["history"])
    # CSL rows link to the shipped ownership graph by name: Nexperia is still an affiliate.
    csl_json = str(DATA_DIR / "csl_sample.json")
    res = cli("ownership", "--entity", "nexperia-bv", "--parties", csl_json,
              "--date", IN_FORCE, "--format", "json")  # fmt: skip
    assert res.json()["affiliate"] is True


def test_malformed_ownership_rows_name_line_and_column(tmp_path: Path) -> None:
    text = (
        "owner_id,owned_id,share,valid_from,valid_to\n"
        "a,b,0.5,,\n"
        "a,c,1.5,,\n"
        "a,d,0.2,2025-13-01,\n"
        ",e,0.2,,\n"
        "a,f,0.1,,,extra\n"
    )
    with pytest.raises(DataError) as err:
        read_ownership_csv(_write(tmp_path, "own.csv", text))
    msg = str(err.value)
    assert "line 3, column share: '1.5'" in msg and "0 to 1" in msg
    assert "line 4, column valid_from" in msg
    assert "line 5, column owner_id: empty" in msg
    assert "line 6: more cells" in msg


def test_malformed_parties_rows(tmp_path: Path) -> None:
    text = "id,name,list,listed_from,listed_to\np1,,Entity List,2024-01-01,\np1,X,EL,soon,\n"
    with pytest.raises(DataError) as err:
        read_parties_csv(_write(tmp_path, "p.csv", text))
    msg = str(err.value)
    assert "line 2, column name: empty" in msg
    assert "line 3, column listed_from: 'soon'" in msg


def test_missing_columns(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"missing column.*share"):
        read_ownership_csv(_write(tmp_path, "o.csv", "owner_id,owned_id\na,b\n"))


def test_cli_bad_share_exits_2_without_traceback(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    own = _write(tmp_path, "o.csv", "owner_id,owned_id,share\na,b,60\n")
    res = cli("ownership", "--entity", "b", "--ownership", str(own))
    assert res.code == 2 and "line 2, column share" in res.err and "Traceback" not in res.err


def test_cli_unknown_entity_and_empty_name(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("ownership", "--entity", "nexperia-bx")
    assert res.code == 2 and "unknown entity 'nexperia-bx'" in res.err and "nexperia-bv" in res.err
    res = cli("screen", "  ")
    assert res.code == 2 and "name" in res.err
    res = cli("screen", "Wingtech", "--date", "29/09/2025")
    assert res.code == 2 and "date" in res.err


# ---------------------------------------------------------------- CLI end to end


def test_cli_screen_json_fields(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("screen", "Nexperia B.V.", "--date", IN_FORCE, "--format", "json")
    assert res.code == 0, res.err
    row = res.json()[0]
    for key in ("query", "entity_id", "name", "score", "listed", "lists", "affiliate",
                "aggregate_listed_ownership", "paths"):  # fmt: skip
        assert key in row
    assert row["entity_id"] == "nexperia-bv" and row["affiliate"] is True
    assert row["aggregate_listed_ownership"] == 1.0


def test_cli_ownership_json_during_suspension(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("ownership", "--entity", "nexperia-china", "--date", "2025-12-01", "--format", "json")
    assert res.code == 0, res.err
    row = res.json()
    assert row["affiliate"] is False and row["aggregate_listed_ownership"] == 1.0
    assert row["rule_status"] == "suspended" and len(row["paths"]) == 1


def test_cli_with_user_files(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    own = _write(
        tmp_path,
        "o.csv",
        "owner_id,owned_id,share,valid_from,valid_to,owner_name,"
        "owned_name\nacme,sub,0.3,,,Acme Holdings,Sub GmbH\nbeta,sub,0.25,,,Beta,\n",
    )
    par = _write(tmp_path, "p.csv", "id,name,list,listed_from,listed_to,aliases\n"
                 "acme,Acme Holdings,Entity List,2024-01-01,,ACME|爱克美\n"
                 "beta,Beta Corp,Entity List,2024-01-01,,\n")  # fmt: skip
    queries = _write(tmp_path, "q.csv", "name\nSub GmbH\n爱克美\n")
    res = cli("screen", "--file", str(queries), "--ownership", str(own), "--parties", str(par),
              "--date", IN_FORCE, "--format", "json")  # fmt: skip
    assert res.code == 0, res.err
    rows = res.json()
    sub = next(r for r in rows if r["query"] == "Sub GmbH")
    assert sub["entity_id"] == "sub" and sub["affiliate"] is True
    assert sub["aggregate_listed_ownership"] == pytest.approx(0.55)
    assert next(r for r in rows if r["query"] == "爱克美")["entity_id"] == "acme"
    res = cli("screen", "Sub GmbH", "--ownership", str(own), "--parties", str(par),
              "--date", IN_FORCE, "--threshold", "0.6", "--format", "json")  # fmt: skip
    assert res.json()[0]["affiliate"] is False


def test_cli_table_output(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("screen", "聞泰科技", "--date", IN_FORCE)
    assert res.code == 0 and "wingtech" in res.out


def test_shipped_screening_data_validates() -> None:
    from chipwar.catalog.sources import load_sources
    from chipwar.controls.screening import check_data

    assert check_data(load_sources()) == []


def test_non_converging_iteration_names_the_entity() -> None:
    import scipy.sparse as sp

    # L 60 % -> A, A 50 % -> B, B 40 % -> A: converges, but not within 3 steps.
    m = sp.csr_matrix(([0.6, 0.5, 0.4], ([1, 2, 1], [0, 1, 2])), shape=(3, 3))
    with pytest.raises(DataError, match=r"does not converge.*'[ab]'"):
        aggregate(m, np.array([True, False, False]), max_iter=3, ids=["l", "a", "b"])


def test_shipped_format_rejects_unknown_ids_bad_shares_and_empty_names(tmp_path: Path) -> None:
    from chipwar.controls.ownership import read_ownership_yaml

    text = (
        "entities:\n"
        "  - {id: a, name: A, source: [x]}\n"
        "  - {id: b, name: '', source: [x]}\n"
        "edges:\n"
        "  - {owner: a, owned: zz, share: 0.5, source: [x]}\n"
        "  - {owner: a, owned: b, share: 1.2, source: [x]}\n"
    )
    with pytest.raises(DataError) as err:
        read_ownership_yaml(_write(tmp_path, "own.yaml", text))
    msg = str(err.value)
    assert "entities[b]: name" in msg
    assert "edges[0]: owned: unknown entity id 'zz'" in msg
    assert "edges[1]: share" in msg and "1.2" in msg
