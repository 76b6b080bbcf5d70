"""What a front end on the internet needs: CSRF, headers, cookie flags, the proxy's
headers believed only from a trusted proxy, the client address as the steps'
source, the per-source limit, and the same answer for an unknown NIR."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from helpers import DOB, NIR, Home
from web_pages import Pages, make_pages, text_of

UNKNOWN_NIR = "1 84 12 76 451 089 46"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
}
FORBIDDEN = (
    "Ce formulaire a expiré ou n'a pas été envoyé depuis cette page. Rechargez la page et "
    "recommencez."
)


def add_web_section(home: Home, section: str) -> None:
    path = home.path / "sesame.toml"
    path.write_text(path.read_text() + "[web]\n" + section)


def test_a_form_without_its_token_is_refused_403(pages: Pages) -> None:
    for data in (
        {"ident": NIR, "password": "x"},
        {"ident": NIR, "password": "x", "csrf": "0" * 64},
    ):
        response = pages.post("/login", data, csrf=False)
        assert response.status_code == 403
        assert FORBIDDEN in text_of(response)
    for path in ("/unlock", "/forgot", "/channel", "/new-password"):
        assert pages.post(path, {"ident": NIR, "dob": DOB}, csrf=False).status_code == 403
    assert pages.home.query("SELECT count(*) FROM audit_events WHERE event = 'login_failed'") == [
        (0,)
    ]


def test_a_token_without_its_cookie_is_refused_403(pages: Pages) -> None:
    token = pages.csrf_token()
    pages.client.delete_cookie("sesame")
    response = pages.post("/login", {"ident": NIR, "password": "x", "csrf": token})
    assert response.status_code == 403


def test_every_response_carries_the_security_headers(pages: Pages) -> None:
    responses = [
        pages.get("/"),
        pages.get("/unlock"),
        pages.post("/login", {"ident": NIR, "password": "faux"}),
        pages.post("/login", {"ident": NIR, "password": "x"}, csrf=False),
        pages.get("/nowhere"),
        pages.get("/reset?token=abc"),
        pages.get("/static/style.css"),
    ]
    for response in responses:
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value, (response.request.path, name)
        assert "script" not in response.headers["Content-Security-Policy"]
    for response in responses[:-1]:
        assert response.headers["Cache-Control"] == "no-store"
    assert "<script" not in "".join(r.get_data(as_text=True) for r in responses)


def cookie_header(response: object) -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if "sesame=" in h]  # type: ignore[attr-defined]
    assert len(headers) == 1, headers
    return str(headers[0])


def test_the_cookie_is_httponly_strict_and_not_secure_over_http(pages: Pages) -> None:
    header = cookie_header(pages.get("/"))
    assert header.startswith("sesame=")
    assert "HttpOnly" in header and "SameSite=Strict" in header and "Path=/" in header
    assert "Secure" not in header
    value = header.split(";")[0].split("=", 1)[1]
    # The cookie is never stored: only its hash keys the server-side state.
    pages.post("/login", {"ident": NIR, "password": "faux"})
    dumped = str(pages.home.query("SELECT * FROM web_sessions"))
    assert value not in dumped


def test_the_cookie_is_secure_over_https(pages: Pages) -> None:
    header = cookie_header(pages.get("/", base_url="https://localhost"))
    assert header.startswith("__Host-sesame=")
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Strict" in header


def test_forwarded_proto_believed_only_from_a_trusted_proxy(home: Home, member: object) -> None:
    member()  # type: ignore[operator]
    https = {"X-Forwarded-Proto": "https"}
    ignored = make_pages(home)  # without --behind-proxy
    assert "Secure" not in cookie_header(ignored.get("/", headers=https))
    behind = make_pages(home, behind_proxy=True)
    assert "Secure" in cookie_header(behind.get("/", headers=https))
    stranger = {"REMOTE_ADDR": "203.0.113.9"}
    untrusted = make_pages(home, behind_proxy=True)
    response = untrusted.get("/", headers=https, environ_overrides=stranger)
    assert "Secure" not in cookie_header(response)


def failed_sources(home: Home) -> list[str]:
    rows = home.query("SELECT source FROM audit_events WHERE event = 'login_failed' ORDER BY id")
    return [str(row[0]) for row in rows]


def test_the_client_address_is_the_source_of_each_step(home: Home, member: object) -> None:
    member()  # type: ignore[operator]
    spoofed = {"X-Forwarded-For": "198.51.100.7"}
    direct = make_pages(home)
    direct.post("/login", {"ident": NIR, "password": "faux"}, headers=spoofed)
    behind = make_pages(home, behind_proxy=True)
    behind.post("/login", {"ident": NIR, "password": "faux"}, headers=spoofed)
    chain = {"X-Forwarded-For": "198.51.100.8, 127.0.0.1"}
    behind.post("/login", {"ident": NIR, "password": "faux"}, headers=chain)
    assert failed_sources(home) == ["127.0.0.1", "198.51.100.7", "198.51.100.8"]


def test_the_per_source_limit_answers_429(home: Home, member: object) -> None:
    member()  # type: ignore[operator]
    add_web_section(home, "max_attempts_per_source = 2\nsource_window_seconds = 600\n")
    pages = make_pages(home, behind_proxy=True)
    burst = {"X-Forwarded-For": "198.51.100.7"}
    for _ in range(2):
        assert pages.post("/login", {"ident": NIR, "password": "faux"}, headers=burst).status_code
    limited = pages.post("/unlock", {"ident": NIR, "dob": DOB}, headers=burst)
    assert limited.status_code == 429
    assert re.search(r"Trop de tentatives\. Réessayez dans \d+ secondes\.", text_of(limited))
    # The refusal came before the step: two failures counted, not three; no lock.
    assert failed_sources(home) == ["198.51.100.7", "198.51.100.7"]
    other = {"X-Forwarded-For": "198.51.100.99"}
    answered = pages.post("/login", {"ident": NIR, "password": "faux"}, headers=other)
    assert answered.status_code == 200
    assert home.query("SELECT count(*) FROM source_attempts") == [(3,)]


def normalised(response: object, typed: str) -> str:
    body: str = response.get_data(as_text=True)  # type: ignore[attr-defined]
    return body.replace(typed, "TYPED")


def test_unknown_nir_and_wrong_password_get_the_same_answer(home: Home, member: object) -> None:
    member()  # type: ignore[operator]
    for attempt in range(3):
        answers = []
        for ident in (NIR, UNKNOWN_NIR):
            pages = make_pages(home)
            pages.client.set_cookie(
                "sesame", f"same-cookie-for-both-{attempt}-0123456789abcdef0123456789"
            )
            for _ in range(attempt):
                pages.post("/login", {"ident": ident, "password": "faux"})
            response = pages.post("/login", {"ident": ident, "password": "faux"})
            answers.append((response.status_code, normalised(response, ident)))
        assert answers[0] == answers[1], attempt


def test_unknown_nir_and_wrong_birth_date_get_the_same_answer(home: Home, member: object) -> None:
    member()  # type: ignore[operator]
    answers = []
    for ident in (NIR, UNKNOWN_NIR):
        pages = make_pages(home)
        pages.client.set_cookie("sesame", "same-cookie-for-both-0123456789abcdef0123")
        response = pages.post("/unlock", {"ident": ident, "dob": "01/01/1990"})
        answers.append((response.status_code, normalised(response, ident)))
    assert answers[0] == answers[1]
    assert "Les informations saisies ne permettent pas de vous identifier." in answers[0][1]


def test_the_per_source_limit_ends_with_its_window(
    home: Home, member: object, clock: object
) -> None:
    member()  # type: ignore[operator]
    add_web_section(home, "max_attempts_per_source = 1\nsource_window_seconds = 60\n")
    pages = make_pages(home)
    assert pages.post("/login", {"ident": NIR, "password": "faux"}).status_code == 200
    limited = pages.post("/login", {"ident": NIR, "password": "faux"})
    assert limited.status_code == 429
    assert "Réessayez dans 60 secondes." in text_of(limited)
    clock.advance(60)  # type: ignore[attr-defined]
    assert pages.post("/login", {"ident": NIR, "password": "faux"}).status_code == 200
    # The window's rows alone are kept.
    assert home.query("SELECT count(*) FROM source_attempts") == [(1,)]


def test_a_cookie_planted_beforehand_never_holds_a_verified_step(pages: Pages) -> None:
    """Session fixation: whoever planted the browser's cookie cannot follow its steps."""
    planted = "planted-by-someone-else-0123456789abcdef0123456789"
    pages.client.set_cookie("sesame", planted)
    pages.post("/forgot", {"ident": NIR, "dob": DOB})
    pages.post("/channel", {"channel": "email"})
    opened = pages.get("/reset?" + urlsplit(pages.home.last_link().strip()).query)
    assert opened.status_code == 303
    assert planted not in cookie_header(opened)
    assert "Code vérifié" in text_of(pages.get("/new-password"))
    intruder = make_pages(pages.home)
    intruder.client.set_cookie("sesame", planted)
    assert "Cette page a expiré" in text_of(intruder.get("/new-password"))
    assert pages.home.query("SELECT count(*) FROM web_sessions") == [(1,)]


def test_a_planted_cookie_does_not_tell_its_token(pages: Pages) -> None:
    """Cookie tossing: someone who set the browser's cookie (a sibling host, over
    plain HTTP) and computes a token from it alone is refused, as a forged form is."""
    import hashlib

    planted = "planted-by-someone-else-0123456789abcdef0123456789"
    pages.client.set_cookie("sesame", planted)
    for guess in (
        hashlib.sha256(b"sesame-csrf\0" + planted.encode()).hexdigest(),
        hashlib.sha256(planted.encode()).hexdigest(),
    ):
        response = pages.post("/login", {"ident": NIR, "password": "x", "csrf": guess})
        assert response.status_code == 403
    # The page's own token for that cookie is still accepted: the key, not the cookie, differs.
    assert pages.post("/login", {"ident": NIR, "password": "x"}).status_code == 200
