"""Generated hostile form fields on the pages (NUL, controls, bidi marks, surrogates,
huge strings): always a page of the procedure, never an internal error."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from helpers import Home, Run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web_pages import Pages, make_pages, text_of


@pytest.fixture
def unlimited(home: Home, member: Callable[..., Run]) -> Pages:
    """The pages without the per-source limit, so every example reaches the db calls."""
    member()
    path = home.path / "sesame.toml"
    path.write_text(path.read_text() + "[web]\nmax_attempts_per_source = 0\n")
    return make_pages(home)


TEXT = st.text(max_size=300) | st.sampled_from(["\x00", "\u202e1", "2 95 10 99 126 111 93\x00"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ident=TEXT, secret=TEXT, path=st.sampled_from(["/login", "/unlock", "/forgot"]))
def test_hostile_fields_never_break_the_pages(
    unlimited: Pages, ident: str, secret: str, path: str
) -> None:
    field = "password" if path == "/login" else "dob"
    response = unlimited.post(path, {"ident": ident, field: secret})
    assert response.status_code in (200, 429), text_of(response)
    assert "indisponible" not in text_of(response)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(token=st.text(max_size=200))
def test_hostile_tokens_leave_the_url(pages: Pages, token: str) -> None:
    response = pages.client.get("/reset", query_string={"token": token})
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/refused/")
