"""Rendering: the page's template with the catalogue, and a refusal as its page.

A refusal is the catalogue's text for its code (the commands' message; for a
message whose command-line wording names a command, its `web.refusal.<code>`
twin or its first sentence) with the next step as links. Procedure refusals
are pages like any other (200), except `rate_limited` (429); a missing or
wrong CSRF token is 403, a missing page 404, storage down 503.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, render_template, request, url_for

from engine import messages
from engine.errors import SesameError
from engine.outcomes import Code
from web.i18n import lang, t
from web.sessions import CSRF_FIELD, csrf_token

# The next step of each refusal: (link text key, endpoint), in order.
Link = tuple[str, str]
_RESTART: tuple[Link, ...] = (
    ("web.link.unlock", "pages.unlock"),
    ("web.link.forgot", "pages.forgot"),
)
_SIGN_IN: tuple[Link, ...] = (("web.link.signin", "pages.sign_in"),)
NEXT_STEPS: dict[str, tuple[Link, ...]] = {
    Code.ACCOUNT_LOCKED: (("web.link.unlock", "pages.unlock"),),
    Code.ACCOUNT_NOT_LOCKED: (("web.link.forgot", "pages.forgot"),),
    Code.ACCOUNT_DISABLED: _SIGN_IN,
    Code.NO_CHANNEL: _SIGN_IN,
    Code.CHANNEL_UNAVAILABLE: _RESTART,
    Code.NO_OPEN_FLOW: _RESTART,
    Code.FLOW_EXPIRED: _RESTART,
    Code.CODE_INVALID: _RESTART,
    Code.CODE_EXPIRED: _RESTART,
    Code.CODE_USED: _SIGN_IN,
    Code.TOO_MANY_ATTEMPTS: _RESTART,
    Code.RATE_LIMITED: _SIGN_IN,
    Code.PASSWORD_CHANGE_REQUIRED: _SIGN_IN,
    "session_expired": (*_SIGN_IN, *_RESTART),
    "forbidden": _SIGN_IN,
    "not_found": _SIGN_IN,
    "unavailable": _SIGN_IN,
}
# Whose command-line message goes on with a command: its first line only.
_FIRST_LINE = {Code.ACCOUNT_LOCKED, Code.ACCOUNT_NOT_LOCKED}
STATUS = {Code.RATE_LIMITED: 429, Code.STORAGE_UNAVAILABLE: 503, Code.INTERNAL_ERROR: 500}


def page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(template, **context), status


def error_text(exc: SesameError) -> str:
    """The refusal's sentence(s) on a page."""
    return refusal_text(exc, lang())


def refusal_text(exc: SesameError, language: str) -> str:
    """A refusal's sentence(s) on the web, pages and API alike: no command to type."""
    own = f"web.refusal.{exc.code}"
    if messages.has(own):
        return messages.text(own, language)
    text = messages.error_message(exc.code, exc.reason, exc.params, language)
    return text.split("\n")[0] if exc.code in _FIRST_LINE else text


def refusal_page(exc: SesameError) -> tuple[str, int]:
    """A refusal as its own page: the text and the next step."""
    if exc.code in (Code.STORAGE_UNAVAILABLE, Code.INTERNAL_ERROR):
        return simple_refusal("unavailable", STATUS[exc.code])
    return page(
        "refused.html",
        STATUS.get(exc.code, 200),
        code=exc.code,
        lines=error_text(exc).split("\n"),
        links=links(exc.code),
    )


def simple_refusal(name: str, status: int) -> tuple[str, int]:
    """A refusal of the pages themselves (`web.refusal.<name>`)."""
    text = t(f"web.refusal.{name}")
    return page("refused.html", status, code=name, lines=[text], links=links(name))


def links(code: str) -> list[tuple[str, str]]:
    return [(t(key), url_for(endpoint)) for key, endpoint in NEXT_STEPS.get(code, _SIGN_IN)]


def local_time(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    return moment.astimezone().strftime(t("format.datetime"))


def template_globals() -> dict[str, Any]:
    """What every template may use: the catalogue, the CSRF field, the language."""
    other = "en" if lang() == "fr" else "fr"
    return {
        "t": t,
        "lang": lang(),
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token,
        "switch_url": f"{request.path}?lang={other}",
        "organization": current_app.config["SESAME_ORGANIZATION"],
    }
