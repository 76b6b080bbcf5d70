"""`sesame serve`: the member pages and the JSON API, served by gunicorn.

gunicorn's sync workers are processes: argon2 is CPU-bound and holds the GIL,
so `--workers N` (N processes) is what lets N sign-ins run at once. Each
worker builds its own application (and database pool) after the fork.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.lazy import command_group

if TYPE_CHECKING:
    from flask import Flask

    from db.settings import Settings

commands = command_group()

# The path alone (%(U)s), never the query string: the emailed link's first
# request carries its token there.
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


@commands.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535)] = 8080,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64)] = 1,
    behind_proxy: Annotated[bool, typer.Option("--behind-proxy")] = False,
) -> None:
    from cli.app import open_store

    _require_web_extra()
    store = open_store(ctx, messages=True)
    store.engine  # the schema checked (or created) once, before any worker starts  # noqa: B018
    settings = store.settings
    store.close()  # no connection crosses the fork
    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        # Only web.client decides what a forwarded header means (`[web] trusted_proxies`).
        "forwarded_allow_ips": "",
        "secure_scheme_headers": {},
        "proc_name": "sesame-serve",
        "control_socket_disable": True,
    }
    run_server(settings, options, behind_proxy)


def _require_web_extra() -> None:
    """Flask and gunicorn come with the `[web]` extra: say so, not a traceback."""
    try:
        import flask  # noqa: F401
        import gunicorn  # noqa: F401
    except ImportError as exc:
        from engine.errors import invalid

        raise invalid("web_missing", detail=exc.name or str(exc)) from None


def run_server(settings: Settings, options: dict[str, Any], behind_proxy: bool) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            from web.app import create_app

            return create_app(settings, behind_proxy=behind_proxy)

    Server().run()
