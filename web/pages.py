"""The member pages up to the secret sent: sign in, unlock/forgot, channel.

Each POST is one db/ call, the one its command makes, with the client address
as the step's source and the per-source limit (`limit_source=True`); nothing
here decides (docs/design.md, "Two faces, one core"). An unknown identifier
and a wrong password or date of birth end on the same page with the same
status: the db calls do the same work for both, and the face only renders.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, current_app, redirect, request, url_for
from werkzeug.wrappers import Response

from db import procedure
from db.store import Store
from db.unit_of_work import Result
from db.web_sessions import WebState, load, save
from engine.errors import SesameError
from engine.identity import Identifier, parse_birth_date, parse_identifier
from engine.masks import mask_destination
from engine.model import Account, Channel, FlowKind
from engine.outcomes import Code
from engine.passwords import secret_digest
from web.app import store_of
from web.client import client_source
from web.i18n import lang, t
from web.render import error_text, local_time, page, refusal_page, simple_refusal
from web.sessions import check_csrf, cookie_value, renew_cookie

blueprint = Blueprint("pages", __name__)
Page = tuple[str, int] | Response

# Refusals shown on the form itself, next to what was typed; others have their page.
_ON_FORM = {Code.AUTH_FAILED, Code.IDENTITY_MISMATCH, Code.INVALID_INPUT, Code.MISSING_INPUT}


def member_store() -> Store:
    """The store for this request: its steps audit the client address."""
    return store_of(current_app).with_source(client_source(request))


def keep(store: Store, state: WebState) -> None:
    """Save the step's state under a new cookie (the previous one's state goes)."""
    previous = renew_cookie()
    ttl = int(current_app.config["SESAME_STATE_TTL"])
    save(store, cookie_value(), state, ttl, replaces=previous)


class NewPasswordNext(Exception):
    """The secret is verified: the new password comes in the next request."""


def ask_next(_outcome: object) -> tuple[str, str]:
    raise NewPasswordNext


# --- sign in ---------------------------------------------------------------------


@blueprint.get("/")
@blueprint.get("/login")
def sign_in() -> Page:
    return page("signin.html", ident="")


@blueprint.post("/login")
def sign_in_post() -> Page:
    check_csrf()
    raw = request.form.get("ident", "").strip()
    password = request.form.get("password", "")
    form: dict[str, Any] = {"ident": raw}
    try:
        ident = parse_identifier(raw)
    except SesameError as exc:
        return page("signin.html", ident_error=error_text(exc), **form)
    if not password:
        return page("signin.html", error=t("auth_failed"), **form)
    store = member_store()
    try:
        result = procedure.login(store, ident, password, ask_next, limit_source=True)
    except NewPasswordNext:
        keep(store, WebState("password", ident=raw, digest=secret_digest(password)))
        return redirect(url_for("reset.new_password"), 303)
    except SesameError as exc:
        if exc.code in _ON_FORM:
            return page("signin.html", error=error_text(exc), **form)
        return refusal_page(exc)
    return page("done.html", title=t("web.welcome.title"), lines=[t(result.outcome.code)])


# --- unlock, forgot ------------------------------------------------------------


@blueprint.get("/unlock")
def unlock() -> Page:
    return page("recover.html", mode="unlock", ident="", dob="")


@blueprint.get("/forgot")
def forgot() -> Page:
    return page("recover.html", mode="forgot", ident="", dob="")


@blueprint.post("/unlock")
def unlock_post() -> Page:
    return _recover("unlock", FlowKind.UNLOCK)


@blueprint.post("/forgot")
def forgot_post() -> Page:
    return _recover("forgot", FlowKind.FORGOT)


def _recover(mode: str, kind: FlowKind) -> Page:
    check_csrf()
    raw, dob = request.form.get("ident", "").strip(), request.form.get("dob", "").strip()
    form: dict[str, Any] = {"mode": mode, "ident": raw, "dob": dob}
    parsed = _parse_recovery(raw, dob)
    if isinstance(parsed, dict):
        return page("recover.html", **form, **parsed)
    ident, birth_date = parsed
    store = member_store()
    try:
        result = procedure.start_recovery(
            store, ident, birth_date, kind, None, None, limit_source=True
        )
    except SesameError as exc:
        if exc.code in _ON_FORM:
            return page("recover.html", error=error_text(exc), **form)
        return refusal_page(exc)
    assert result.flow is not None
    keep(store, WebState("channel", flow_id=result.flow.id))
    if result.outcome.code == Code.CHOOSE_CHANNEL:
        return page("channel.html", choices=_choices(result.account, result.channels))
    return _sent(result)


def _parse_recovery(raw: str, dob: str) -> tuple[Identifier, date] | dict[str, Any]:
    """The identifier and the date, or the error next to each field."""
    errors: dict[str, Any] = {}
    ident: Identifier | None = None
    birth_date: date | None = None
    try:
        ident = parse_identifier(raw)
    except SesameError as exc:
        errors["ident_error"] = error_text(exc)
    try:
        birth_date = parse_birth_date(dob, date.today())
    except SesameError as exc:
        errors["dob_error"] = error_text(exc)
    if ident is None or birth_date is None:
        return errors
    return ident, birth_date


def _choices(account: Account, channels: tuple[Channel, ...]) -> list[tuple[str, str]]:
    return [
        (c.value, t(f"choose_channel.{c.value}", destination=_masked(account, c))) for c in channels
    ]


def _masked(account: Account, channel: Channel) -> str:
    to = account.mobile if channel is Channel.SMS else account.email
    return mask_destination(channel, to or "")


# --- the channel -----------------------------------------------------------------


@blueprint.post("/channel")
def channel_post() -> Page:
    check_csrf()
    store = member_store()
    state = load(store, cookie_value(), "channel")
    if state is None or state.flow_id is None:
        return simple_refusal("session_expired", 200)
    try:
        channel = Channel(request.form.get("channel", ""))
    except ValueError:
        return simple_refusal("session_expired", 200)
    try:
        result = procedure.send_code(store, state.flow_id, channel)
    except SesameError as exc:
        return refusal_page(exc)
    return _sent(result)


def _sent(result: Result) -> Page:
    """The secret is on its way: where, until when, and what to do next."""
    flow = result.flow
    assert flow is not None and flow.channel is not None
    channel = flow.channel
    lines = [t(f"auto_channel.{channel.value}")] if result.outcome.auto_channel else []
    expires = local_time(flow.expires_at)
    lines.append(
        t(
            f"web.sent.{channel.value}",
            destination=_masked(result.account, channel),
            expires=expires,
        )
    )
    message = result.message_of(flow)
    if message is not None and message.path is None:
        lines.append(t("web.sent.queued"))
    lines.append(t(f"web.sent.{channel.value}.next"))
    other = None
    if channel is Channel.SMS and result.account.email:
        other = t("choose_channel.email", destination=_masked(result.account, Channel.EMAIL))
    return page("sent.html", lines=lines, channel=channel.value, other=other, lang=lang())
