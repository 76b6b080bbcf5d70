"""`/metrics`: `sesame metrics`' exposition, for a scraper on the machine only."""

from __future__ import annotations

from helpers import Home
from prometheus_client.parser import text_string_to_metric_families
from web_pages import make_pages


def _accounts(body: str) -> dict[str, float]:
    families = {f.name: f for f in text_string_to_metric_families(body)}
    return {s.labels["state"]: s.value for s in families["sesame_accounts"].samples}


def test_metrics_answers_a_scraper_on_the_machine(home: Home, member: object) -> None:
    member()  # type: ignore[operator]
    response = make_pages(home).get("/metrics")  # the test client's peer: 127.0.0.1
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    assert _accounts(response.get_data(as_text=True))["active"] == 1


def test_metrics_is_not_found_from_anywhere_else(home: Home, member: object) -> None:
    member()  # type: ignore[operator]
    stranger = {"REMOTE_ADDR": "203.0.113.9"}
    assert make_pages(home).get("/metrics", environ_overrides=stranger).status_code == 404
    # Behind the proxy on the machine, the client is the one it forwards.
    forwarded = {"X-Forwarded-For": "198.51.100.7"}
    behind = make_pages(home, behind_proxy=True)
    assert behind.get("/metrics", headers=forwarded).status_code == 404
    assert behind.get("/metrics").status_code == 200
