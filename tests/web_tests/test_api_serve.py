"""The API on the real `sesame serve` (gunicorn, two workers, subprocess): parallel
wrong sign-ins over HTTP count exactly three failures and notify one lock, on
both backends, and no body reaches the server's log."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

from helpers import DOB, EMAIL, FAST_ARGON2, NIR, PASSWORD, Home
from web_server import serve, served_home

WRONG = "mauvais mot de passe"


def post(url: str, body: dict[str, str]) -> tuple[int, Any]:
    request = Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    try:
        with urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except HTTPError as refused:
        return refused.code, json.loads(refused.read())


def test_parallel_wrong_sign_ins_over_the_api_lock_exactly_once(
    tmp_path: Path, database: str | None
) -> None:
    home, port = served_home(tmp_path, database, argon2=FAST_ARGON2)
    with serve(home, port, workers=2) as served:
        served.add_member(NIR, DOB, PASSWORD, "--email", EMAIL)
        url = served.url + "/api/v1/sign-in"
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda _: post(url, {"nir": NIR, "password": WRONG}), range(8)))
        after = post(url, {"nir": NIR, "password": PASSWORD})
    codes = sorted((status, document["error"]["code"]) for status, document in answers)
    assert codes == [(401, "auth_failed")] * 2 + [(403, "account_locked")] * 6
    assert after[0] == 403  # locked: the right password too
    owner = Home(home, database)

    def events(name: str) -> int:
        [(count,)] = owner.query("SELECT COUNT(*) FROM audit_events WHERE event = :e", e=name)
        return int(count)

    assert (events("login_failed"), events("account_locked"), events("login_refused")) == (3, 1, 6)
    assert len(owner.mail_files()) == 1  # exactly one lock notification
    log = served.log.read_text()
    assert '"POST /api/v1/sign-in HTTP/1.1" 401 ' in log, log
    assert WRONG not in log and PASSWORD not in log
