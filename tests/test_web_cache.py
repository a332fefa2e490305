"""The GET answer cache: same canonical query -> the stored bytes; different order of a
repeated option -> a different answer; memory bounded; and through the app, a cached answer
equals a computed one."""

from __future__ import annotations

from fastapi.testclient import TestClient

from chipwar.web.app import create_app
from chipwar.web.cache import ResponseCache
from chipwar.web.settings import Settings


def test_key_sorts_names_but_keeps_the_order_of_repeated_values() -> None:
    k = ResponseCache.key
    assert k("/a", [("x", "1"), ("chip", "b"), ("chip", "a")]) == k(
        "/a", [("chip", "b"), ("x", "1"), ("chip", "a")]
    )
    assert k("/a", [("chip", "a"), ("chip", "b")]) != k("/a", [("chip", "b"), ("chip", "a")])
    assert k("/a", [("x", "1")]) != k("/b", [("x", "1")])


def test_least_recently_used_answers_go_past_the_byte_budget() -> None:
    cache = ResponseCache(max_bytes=400)
    for i in range(10):
        cache.put(("k", i), b"x" * 100, {})
    assert cache.size <= 400
    assert cache.get(("k", 0)) is None and cache.get(("k", 9)) == (b"x" * 100, {})
    cache.put(("big",), b"x" * 101, {})  # over a quarter of the budget: not kept
    assert cache.get(("big",)) is None


def test_second_ask_is_served_from_the_cache_with_the_same_answer() -> None:
    app = create_app(Settings())
    with TestClient(app) as client:
        q = "/api/v1/classify?chip=nvidia-h20,nvidia-h100-sxm&date=2024-06-01"
        first = client.get(q)
        hits = app.state.responses.hits
        second = client.get(q.replace("chip=", "destination=CN&chip="))  # same canonical query?
        assert first.status_code == second.status_code == 200
        assert second.json() == first.json()
        assert app.state.responses.hits == hits  # destination=CN added: another key
        third = client.get(q)
        assert app.state.responses.hits == hits + 1
        assert third.content == first.content
        assert third.headers["content-security-policy"] == first.headers["content-security-policy"]
        d = "/dashboard/data/compute?chip=nvidia-h20&chip=nvidia-h100-sxm&site=cn-guizhou"
        assert client.get(d).content == client.get(d).content
        assert app.state.responses.hits == hits + 2


def test_a_chip_without_a_sourced_price_is_marked_and_its_break_even_explained() -> None:
    """nvidia-h800 has only a server price in the catalog: the explorer still shows its cost
    (from the server price) and says plainly why no break-even chip price exists."""
    from chipwar.catalog.accelerators import load_accelerators

    assert load_accelerators()["nvidia-h800"].price_usd is None  # no sourced per-card price
    with TestClient(create_app(Settings())) as client:
        page = client.get("/compute")
        assert "nvidia-h800 *" in page.text and "no sourced per-card price" in page.text
        r = client.get("/dashboard/data/compute?chip=nvidia-h20&chip=nvidia-h800&site=cn-guizhou")
        assert r.status_code == 200, r.text
        rows = r.json()
        assert {x["chip"] for x in rows["rows"]} == {"nvidia-h20", "nvidia-h800"}
        (be,) = rows["breakeven"]
        assert be["value"] is None and "no sourced per-card price for nvidia-h800" in be["message"]
