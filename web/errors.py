"""The pages' own refusals: 403 (CSRF), 404, 405, 413, storage down, anything else."""

from __future__ import annotations

import logging

from flask import Flask
from werkzeug.exceptions import HTTPException

from engine.errors import SesameError
from web.render import refusal_page, simple_refusal

_BY_STATUS = {403: "forbidden", 404: "not_found", 405: "not_found"}
log = logging.getLogger("sesame.web")


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(SesameError, _refusal)
    app.register_error_handler(Exception, _internal)


def _http(exc: HTTPException) -> tuple[str, int]:
    status = exc.code or 500
    return simple_refusal(_BY_STATUS.get(status, "forbidden"), status)


def _refusal(exc: SesameError) -> tuple[str, int]:
    return refusal_page(exc)


def _internal(exc: Exception) -> tuple[str, int]:
    # The exception's type alone: its text could hold what the member typed.
    log.error("internal error: %s", type(exc).__name__)
    return simple_refusal("unavailable", 500)
