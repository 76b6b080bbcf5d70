"""Generated hostile bodies on every endpoint of the API, on both backends:
never an internal error, always a documented status and a JSON error document
(the commands' `tests/reliability/test_hostile_input.py`, over HTTP)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers import DOB, NIR, Home, Run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

DOCUMENT = json.loads((Path(__file__).parents[2] / "web" / "openapi.json").read_text())
STEPS = [path for path in DOCUMENT["paths"] if path != "/openapi.json"]
FIELDS = ["nir", "password", "identifier", "dob", "channel", "flow", "temporary_password"]
FIELDS += ["new_password", "confirmation", "token"]

# Any text: controls, NUL, bidi marks, full-width digits, lone surrogates, long runs.
hostile_text = st.one_of(
    st.text(st.characters(codec=None), max_size=40),
    st.text(st.characters(categories=["Cs"]), min_size=1, max_size=3),
    st.sampled_from([NIR, DOB, "sms", "email", "\x00", "\u202e", "１９９５", "' OR 1=1 --"]),
    st.text(max_size=3).map(lambda t: t * 2000),
)
values = st.one_of(hostile_text, st.none(), st.integers(), st.booleans(), st.lists(st.integers()))
bodies = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), values, max_size=6),
    st.dictionaries(hostile_text, values, max_size=3),
    st.lists(values, max_size=3),
    values,
)


def test_hostile_bodies_never_break_the_api(home: Home, member: Callable[..., Run]) -> None:
    from db.settings import load_settings
    from web.app import create_app

    member()
    home.configure(resend_cooldown_seconds=0)
    app = create_app(load_settings(home=str(home.path), db=home.db_url))
    client = app.test_client()

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(path=st.sampled_from(STEPS), body=bodies)
    def post(path: str, body: Any) -> None:
        response = client.post(
            f"/api/v1{path}",
            data=json.dumps(body),
            content_type="application/json",
        )
        assert str(response.status_code) in DOCUMENT["paths"][path]["post"]["responses"]
        document = response.get_json()
        assert document["ok"] is (response.status_code == 200)
        if not document["ok"]:
            assert document["error"]["code"] not in ("internal_error", "storage_unavailable")

    try:
        post()
    finally:
        app.config["SESAME_STORE"].close()
