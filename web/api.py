"""The JSON API, `/api/v1/…`: one endpoint per member step, for an insurer that
keeps its own front end (docs/api.md, `web/openapi.json`).

Each endpoint makes the one db/ call its command makes and answers the
command's `--json` document (`cli.documents`), with the HTTP status of its
code (`web.api_status`). The client address is the source of every step, and
sign-ins and identity checks count toward its limit (`[web]
max_attempts_per_source`), as on the pages.
No cookie, hence no CSRF token: a body that is not JSON is refused (415), so
that a cross-site HTML form cannot post here. No secret is ever echoed, and
no body is logged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from cli.documents import (
    error_document,
    ok_document,
    recovery_payload,
    result_payload,
    sent_payload,
)
from db import procedure
from db.store import Store
from engine.errors import SesameError, invalid
from engine.identity import parse_birth_date, parse_identifier, token_from_link
from engine.languages import DEFAULT_LANGUAGE, LANGS
from engine.outcomes import Code
from engine.states import Channel, FlowKind
from web.api_status import http_status
from web.app import store_of
from web.client import client_source
from web.render import refusal_text

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")

OPENAPI_DOCUMENT = Path(__file__).with_name("openapi.json")
# Where the message carrying the secret was written on the server: a command's
# caller on that machine may want it, a client on the internet has no use for it.
_SERVER_ONLY = ("outbox_file",)


@blueprint.get("/openapi.json")
def openapi() -> Response:
    return Response(OPENAPI_DOCUMENT.read_bytes(), mimetype="application/json")


@blueprint.before_request
def _json_only() -> None:
    """A body that is not JSON is refused before anything is read (415)."""
    if request.method == "POST" and not request.is_json:
        raise invalid("content_type")


@blueprint.post("/sign-in")
def sign_in() -> Response:
    """`login`: a temporary password accepted answers `next: new_password`."""
    fields = _fields("nir", "password")
    ident = parse_identifier(fields["nir"])
    result = procedure.login(_store(), ident, fields["password"], None, limit_source=True)
    return _ok(result_payload(result))


@blueprint.post("/new-password")
def new_password() -> Response:
    """`login` after a temporary password: signed in with it, the new password twice."""
    fields = _fields("nir", "password", "new_password", "confirmation")
    ident = parse_identifier(fields["nir"])
    ask = _typed_twice(fields)
    result = procedure.login(_store(), ident, fields["password"], ask, limit_source=True)
    return _ok(result_payload(result))


@blueprint.post("/unlock")
def unlock() -> Response:
    return _recover(FlowKind.UNLOCK)


@blueprint.post("/forgot")
def forgot() -> Response:
    return _recover(FlowKind.FORGOT)


def _recover(kind: FlowKind) -> Response:
    """`unlock` / `forgot`: sent on the chosen or only channel, else the choices."""
    fields = _fields("identifier", "dob", optional=("channel",))
    ident = parse_identifier(fields["identifier"])
    birth_date = parse_birth_date(fields["dob"], date.today())
    channel = _channel(fields["channel"]) if "channel" in fields else None
    store = _store()
    result = procedure.start_recovery(
        store, ident, birth_date, kind, channel, None, limit_source=True
    )
    return _ok(recovery_payload(result))


@blueprint.post("/channel")
def channel() -> Response:
    """`send-code`: the flow named by its id, the secret sent on the chosen channel."""
    fields = _fields("flow", "channel")
    result = procedure.send_code(_store(), fields["flow"].strip(), _channel(fields["channel"]))
    return _ok(sent_payload(result))


@blueprint.post("/code")
def code() -> Response:
    """`reset ID`: the SMS's temporary password, then the new password twice."""
    fields = _fields("nir", "temporary_password", "new_password", "confirmation")
    target = procedure.BySms(parse_identifier(fields["nir"]))
    result = procedure.reset(_store(), target, fields["temporary_password"], _typed_twice(fields))
    return _ok(result_payload(result))


@blueprint.post("/reset")
def reset() -> Response:
    """`reset --token -`: the email's link (or its token), then the new password twice."""
    fields = _fields("token", "new_password", "confirmation")
    secret = token_from_link(fields["token"])
    result = procedure.reset(_store(), procedure.ByLink(), secret, _typed_twice(fields))
    return _ok(result_payload(result))


@blueprint.route("/<path:_elsewhere>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def elsewhere(_elsewhere: str) -> Response:
    """Not a step (404), or not a step's method (405): said in JSON, as every answer here."""
    methods = {
        rule.rule: rule.methods or set()
        for rule in current_app.url_map.iter_rules()
        if rule.endpoint.startswith(f"{blueprint.name}.") and rule.endpoint != request.endpoint
    }
    if request.path not in methods:
        raise SesameError(Code.NOT_FOUND)
    allowed = sorted(methods[request.path] - {"HEAD", "OPTIONS"})
    raise invalid("method", method=request.method, allowed=", ".join(allowed))


# --- requests -------------------------------------------------------------------


def _fields(*required: str, optional: tuple[str, ...] = ()) -> dict[str, str]:
    """The body's fields: a JSON object of strings, each one known (null: absent)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise invalid("json_body")
    fields: dict[str, str] = {}
    for name, value in body.items():
        if name not in required + optional or not isinstance(value, str | None):
            raise invalid("json_field", field=_quotable(name))
        if value is not None:
            if not _is_unicode(value):  # a lone surrogate (JSON's \ud800) is no text
                raise invalid("json_text", field=name)
            fields[name] = value
    for name in required:
        if name not in fields:
            raise SesameError(Code.MISSING_INPUT, params={"what": name})
    return fields


def _quotable(name: str) -> str:
    """A field name fit to quote back in the message: printable text, 40 characters."""
    return name[:40] if name.isprintable() and _is_unicode(name) else "?"


def _is_unicode(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _channel(raw: str) -> Channel:
    try:
        return Channel(raw.strip().lower())
    except ValueError:
        raise invalid("channel", channels=" | ".join(c.value for c in Channel)) from None


def _typed_twice(fields: Mapping[str, str]) -> procedure.AskNewPassword:
    """The new password and its confirmation, given once the outcome asks for them."""
    return lambda _outcome: (fields["new_password"], fields["confirmation"])


def _store() -> Store:
    """The process's store, its steps audited with this request's client address."""
    return store_of(current_app).with_source(client_source(request))


# --- responses -------------------------------------------------------------------


def _lang() -> str:
    """`Accept-Language`: English when preferred, else French."""
    return request.accept_languages.best_match(LANGS, default=DEFAULT_LANGUAGE) or "fr"


def _ok(payload: Mapping[str, Any]) -> Response:
    public = {k: v for k, v in payload.items() if k not in _SERVER_ONLY}
    return _json(ok_document(public), 200)


@blueprint.errorhandler(SesameError)
def _refused(exc: SesameError) -> Response:
    """The command's error document, worded as the pages word it (no command to type)."""
    lang = _lang()
    document = error_document(exc, lang, refusal_text(exc, lang))
    response = _json(document, http_status(exc.code, exc.reason))
    if exc.retry_after is not None:
        response.headers["Retry-After"] = str(exc.retry_after)
    if exc.reason == "method":
        response.headers["Allow"] = str(exc.params["allowed"])
    return response


@blueprint.errorhandler(Exception)
def _failed(exc: Exception) -> Response | HTTPException:
    """Anything else is `internal_error`, named by its type alone (as the commands
    do): an exception's text may quote what it was given."""
    if isinstance(exc, RequestEntityTooLarge):
        return _refused(
            invalid("body_too_large", max_bytes=current_app.config["MAX_CONTENT_LENGTH"])
        )
    if isinstance(exc, HTTPException):
        return exc
    current_app.logger.error("internal error on %s: %s", request.path, type(exc).__name__)
    error = SesameError(Code.INTERNAL_ERROR, params={"detail": type(exc).__name__})
    return _json(error_document(error, _lang()), http_status(Code.INTERNAL_ERROR))


def _json(document: Mapping[str, Any], status: int) -> Response:
    response = Response(
        json.dumps(document, ensure_ascii=False), status, mimetype="application/json"
    )
    response.vary.add("Accept-Language")
    return response
