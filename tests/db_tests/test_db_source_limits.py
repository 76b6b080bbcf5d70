"""The per-source limit counted in the database: parallel attempts from one source
never take more places than the limit (SQLite: BEGIN IMMEDIATE; PostgreSQL: an
advisory lock on the source), and another source has its own count."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from helpers import Home

from db import source_limits
from db.settings import load_settings
from db.store import Store
from engine.errors import SesameError


def store_for(home: Home, limit: int) -> Store:
    path = home.path / "sesame.toml"
    path.write_text(path.read_text() + f"[web]\nmax_attempts_per_source = {limit}\n")
    return Store(load_settings(home=str(home.path), db=home.db_url))


def attempt(store: Store, source: str) -> bool:
    try:
        source_limits.admit(store.with_source(source))
    except SesameError as refused:
        assert refused.code == "rate_limited" and refused.retry_after
        return False
    return True


def test_parallel_attempts_take_exactly_the_limit(home: Home) -> None:
    store = store_for(home, 5)
    try:
        store.engine  # noqa: B018  the schema, once
        with ThreadPoolExecutor(max_workers=8) as pool:
            admitted = list(pool.map(lambda _: attempt(store, "198.51.100.7"), range(16)))
        assert admitted.count(True) == 5
        assert attempt(store, "198.51.100.8")
    finally:
        store.close()


def test_no_source_no_limit(home: Home) -> None:
    store = store_for(home, 1)
    try:
        store.engine  # noqa: B018  the schema, once
        for _ in range(3):
            source_limits.admit(store)  # a command without --source
        assert home.query("SELECT count(*) FROM source_attempts") == [(0,)]
    finally:
        store.close()


def test_zero_is_off(home: Home) -> None:
    store = store_for(home, 0)
    try:
        assert all(attempt(store, "198.51.100.7") for _ in range(5))
    finally:
        store.close()
