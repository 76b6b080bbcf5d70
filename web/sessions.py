"""The browser's cookie and the CSRF token bound to it.

The cookie is a random value (256 bits) given on the first page; it is the
session: its SHA-256 keys the server-side state (`db.web_sessions`), and the
CSRF token of every form is an HMAC of it under the installation's key
(`db.shadow.derived_key`), so a form
posted without the cookie it was served with, or from another site (which can
neither read the HttpOnly cookie nor send it: SameSite=Strict), is refused
with 403. The cookie holds no secret of the procedure and no state.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import Response, abort, current_app, g, request

from web.client import is_https

COOKIE = "sesame"
# Over HTTPS the `__Host-` prefix: Secure, Path=/, no Domain; a sibling host
# cannot plant it.
SECURE_COOKIE = "__Host-sesame"
CSRF_FIELD = "csrf"


def cookie_name() -> str:
    return SECURE_COOKIE if is_https(request) else COOKIE


def cookie_value() -> str:
    """This browser's cookie: the one it sent, or a new one set on the response."""
    if "cookie" not in g:
        sent = request.cookies.get(cookie_name(), "")
        g.cookie_is_new = not _well_formed(sent)
        g.cookie = secrets.token_urlsafe(32) if g.cookie_is_new else sent
    value = g.cookie
    assert isinstance(value, str)
    return value


def renew_cookie() -> str | None:
    """A new cookie from this response on, before state is saved under it: a value
    planted in the browser beforehand (session fixation) never holds a verified
    step. Returns the previous value, whose state the caller replaces."""
    previous = request.cookies.get(cookie_name(), "")
    g.cookie = secrets.token_urlsafe(32)
    g.cookie_is_new = True
    return previous if _well_formed(previous) else None


def _well_formed(value: str) -> bool:
    return 40 <= len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value)


def csrf_token() -> str:
    """An HMAC of the cookie under the installation's key: a cookie planted in
    the browser by someone else (a sibling host over plain HTTP) does not tell
    them the token that goes with it."""
    key = current_app.config["SESAME_CSRF_KEY"]
    return hmac.new(key, cookie_value().encode(), hashlib.sha256).hexdigest()


def check_csrf() -> None:
    """403 unless the form carries the token of the cookie it came with."""
    sent = request.cookies.get(cookie_name(), "")
    given = request.form.get(CSRF_FIELD, "")
    if not _well_formed(sent) or not hmac.compare_digest(given, csrf_token()):
        abort(403)


def set_cookie(response: Response) -> Response:
    """Give the browser its cookie when it had none (HttpOnly, SameSite=Strict,
    Secure over HTTPS); a session cookie, gone when the browser closes."""
    if g.get("cookie_is_new"):
        response.set_cookie(
            cookie_name(),
            g.cookie,
            httponly=True,
            samesite="Strict",
            secure=is_https(request),
            path="/",
        )
    return response
