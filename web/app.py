"""The WSGI application: `create_app(settings)` for `sesame serve` and the tests.

One `Store` per process (its engine and pool shared by the requests of that
worker); each request names its client (`web.client`) as the steps' source.
Every response carries the security headers; pages never run a script.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response

from db.settings import Settings, load_settings
from db.store import Store

# No script, no inline style, no frame, forms only to ourselves.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def create_app(
    settings: Settings | str | Path | None = None, *, behind_proxy: bool = False
) -> Flask:
    """The application on `settings`, or on the settings of a home directory."""
    if not isinstance(settings, Settings):
        settings = load_settings(home=None if settings is None else str(settings))
    store = Store(settings.as_member())
    # The operator's message templates, read and checked once per process (as a
    # command that may send reads them before it starts: `sesame serve` refuses
    # a broken one at start).
    store.message_templates()
    from db.shadow import derived_key

    csrf_key = derived_key(store, "csrf")
    app = Flask(__name__)
    app.config.update(
        SESAME_STORE=store,
        SESAME_CSRF_KEY=csrf_key,
        SESAME_BEHIND_PROXY=behind_proxy,
        SESAME_TRUSTED_PROXIES=settings.policy.web.trusted_proxies,
        MAX_CONTENT_LENGTH=64 * 1024,
        MAX_FORM_MEMORY_SIZE=16 * 1024,
        SESAME_ORGANIZATION=settings.policy.organization,
        # How long a step may wait for its second request: a little longer than its
        # flow, so that the flow's own refusal (expired) is what the member reads.
        SESAME_STATE_TTL=settings.policy.flow_ttl_seconds + 60,
    )
    from web import api, errors, i18n, metrics_page, pages, render, reset_pages, sessions

    app.register_blueprint(pages.blueprint)
    app.register_blueprint(reset_pages.blueprint)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(metrics_page.blueprint)
    app.context_processor(render.template_globals)
    errors.register(app)
    app.after_request(sessions.set_cookie)
    app.after_request(i18n.remember)
    app.after_request(_security_headers)
    return app


def store_of(app: Flask) -> Store:
    store = app.config["SESAME_STORE"]
    assert isinstance(store, Store)
    return store


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers.setdefault("Cache-Control", "no-store")
    return response
