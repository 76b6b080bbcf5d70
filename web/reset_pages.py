"""The new password, after the SMS's temporary password or the emailed link.

The emailed link's request (`/reset?token=…`) is the only one with a secret in
its URL: the token is verified at once (the same db call as `sesame reset
--token -`, its first half), exchanged for a server-side state (the digest
of the token, keyed by the browser's cookie) and the browser is sent on
with 303 to `/new-password`, without it: it stays in no address bar,
history entry, log line or Referer. A refused link also leaves at once, for
`/refused/<code>`.

The new password (typed twice) is the second half of the same step
(`complete_reset_digest`): a password the policy refuses consumes nothing,
and the form comes back with the policy's reasons.
"""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from werkzeug.wrappers import Response

from db import procedure
from db.web_sessions import WebState, drop, load
from engine.errors import SesameError
from engine.identity import parse_identifier
from engine.outcomes import Code
from engine.passwords import secret_digest
from web.i18n import t
from web.pages import NewPasswordNext, Page, ask_next, keep, member_store
from web.render import NEXT_STEPS, error_text, page, refusal_page, simple_refusal
from web.sessions import check_csrf, cookie_name, cookie_value

blueprint = Blueprint("reset", __name__)
_ON_FORM = {Code.WEAK_PASSWORD, Code.PASSWORD_MISMATCH, Code.INVALID_INPUT, Code.MISSING_INPUT}
# The refusals a link may end on, each its own page (`/refused/<code>`).
LINK_REFUSALS = {
    Code.CODE_INVALID,
    Code.CODE_USED,
    Code.CODE_EXPIRED,
    Code.TOO_MANY_ATTEMPTS,
    Code.FLOW_EXPIRED,
    Code.NO_OPEN_FLOW,
}


@blueprint.get("/reset")
def by_link() -> Response:
    token = request.args.get("token", "").strip()
    if not _token_shaped(token):
        return _refused(Code.CODE_INVALID)
    store = member_store()
    try:
        procedure.reset(store, procedure.ByLink(), token, ask_next)
    except NewPasswordNext:
        keep(store, WebState("password", digest=secret_digest(token)))
        return redirect(url_for("reset.new_password"), 303)
    except SesameError as exc:
        return _refused(exc.code)
    return _refused(Code.CODE_INVALID)  # a verified link always asks for the password


def _token_shaped(token: str) -> bool:
    return (
        0 < len(token) <= 128 and token.isascii() and all(c.isalnum() or c in "-_" for c in token)
    )


def _refused(code: str) -> Response:
    shown = code if code in LINK_REFUSALS else Code.CODE_INVALID
    return redirect(url_for("reset.refused", code=shown), 303)


@blueprint.get("/refused/<code>")
def refused(code: str) -> Page:
    if code not in LINK_REFUSALS and code not in NEXT_STEPS:
        return simple_refusal("not_found", 404)
    if code in ("session_expired", "forbidden", "not_found", "unavailable"):
        return simple_refusal(code, 200)
    try:
        exc = SesameError(Code(code), params={"retry_after": "?"})
    except ValueError:
        return simple_refusal("not_found", 404)
    return refusal_page(exc)


@blueprint.get("/new-password")
def new_password() -> Page:
    if request.cookies.get(cookie_name()) is None:
        return _without_state()  # and no new cookie, which would replace the one sent
    state = load(member_store(), cookie_value(), "password")
    if state is None:
        return _without_state()
    intro = t("temporary_password_accepted" if state.ident else "code_verified")
    return page("password.html", intro=intro)


def _without_state() -> Page:
    """No state: expired, done, or a browser that did not send its SameSite=Strict
    cookie because the navigation began on another site (the webmail's link):
    once, a same-site refresh to the same page, which does send it."""
    if request.cookies.get(cookie_name()) is None and "again" not in request.args:
        return page("continue.html", next_url=url_for("reset.new_password", again=1))
    return simple_refusal("session_expired", 200)


@blueprint.post("/new-password")
def new_password_post() -> Page:
    check_csrf()
    store = member_store()
    state = load(store, cookie_value(), "password")
    if state is None or state.digest is None:
        return simple_refusal("session_expired", 200)
    target: procedure.Target = (
        procedure.BySms(parse_identifier(state.ident)) if state.ident else procedure.ByLink()
    )
    new = request.form.get("password", "")
    confirmation = request.form.get("confirmation", "")
    try:
        result = procedure.complete_reset_digest(store, target, state.digest, new, confirmation)
    except SesameError as exc:
        if exc.code in _ON_FORM:
            return page("password.html", error=error_text(exc))
        drop(store, cookie_value())
        return refusal_page(exc)
    drop(store, cookie_value())
    return page("done.html", title=t("web.done.title"), lines=[t(result.outcome.code)], signin=True)
