"""The Typer application, its global options, and the one place where refusals
become exit statuses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.exits import exit_code
from cli.lazy import LazyGroup
from engine.errors import SesameError
from engine.languages import parse_language
from engine.outcomes import Code

if TYPE_CHECKING:
    from typer._click.core import Context as ClickContext

    from cli.output import Output
    from db.settings import Settings
    from db.shared_engines import SharedEngines
    from db.store import Store

__version__ = "0.1.0"


@dataclass
class Globals:
    """Global options, resolved lazily so `--help` opens nothing."""

    home: str | None = None
    db: str | None = None
    outbox: str | None = None
    config: str | None = None
    lang: str | None = None
    actor: str | None = None
    debug: bool = False
    as_json: bool = False
    source: str | None = None  # the member's commands' --source
    settings: Settings | None = None  # loaded once, by the access check or open_store
    member: bool = False  # a member's own command (`cli.registry` MEMBER): audited as such

    def language(self) -> str:
        """What the operator reads: `--lang`/`SESAME_LANG` in any case, else the locale."""
        import os

        from engine.languages import chosen_lang

        return chosen_lang(self.lang, os.environ)


class SesameGroup(LazyGroup):
    """Maps every refusal to its exit status and message, for every subcommand."""

    def parse_args(self, ctx: ClickContext, args: list[str]) -> list[str]:
        ctx.meta["sesame_args"] = list(args)
        from cli import help_texts

        help_texts.translate(self, (), help_texts.language(ctx))  # before --help is processed
        return super().parse_args(ctx, args)

    def invoke(self, ctx: ClickContext) -> Any:
        try:
            return super().invoke(ctx)
        except SesameError as exc:
            _output(ctx).error(exc)
            raise typer.Exit(exit_code(exc.code)) from None
        except (typer.Exit, typer.Abort):
            raise
        except typer.TyperException as exc:
            output = _output(ctx)
            if not output.as_json:
                raise
            format_message = getattr(exc, "format_message", None)
            output.usage_error(format_message() if format_message else str(exc))
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            raise typer.Exit(130) from None
        except BrokenPipeError:
            silence_stdout()  # before Click turns it into exit 1
            raise typer.Exit(0) from None
        except Exception as exc:
            if _globals(ctx).debug:
                import traceback

                traceback.print_exc()
            error = SesameError(Code.INTERNAL_ERROR, params={"detail": type(exc).__name__})
            _output(ctx).error(error)
            raise typer.Exit(1) from None


def silence_stdout() -> None:
    """The reader went away (`| head`): as for git, that is not an error. The caller
    exits 0 without a word; this spares Python's complaint when it flushes stdout."""
    import os
    import sys

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _globals(ctx: ClickContext) -> Globals:
    """The global options; from the parsed root options when the root's callback has
    not run yet (a command is resolved, and its access checked, before it)."""
    root = ctx.find_root()
    if not isinstance(root.obj, Globals):
        params = root.params
        root.obj = Globals(
            home=params.get("home"),
            db=params.get("db"),
            outbox=params.get("outbox"),
            config=params.get("config"),
            lang=params.get("lang"),
            actor=params.get("actor"),
            debug=bool(params.get("debug")),
        )
    return root.obj


def language(ctx: ClickContext) -> str:
    """The language the person at the terminal reads: --lang, SESAME_LANG, then the locale."""
    return _globals(ctx).language()


def _output(ctx: ClickContext) -> Output:
    from cli.output import Output  # not at import time: `--help` prints no result

    options = _globals(ctx)
    as_json = options.as_json or "--json" in ctx.find_root().meta.get("sesame_args", [])
    return Output(options.language(), as_json)


def output(ctx: typer.Context, as_json: bool) -> Output:
    """The command's output; remembers --json for the error path."""
    from cli.output import Output

    options = _globals(ctx)
    options.as_json = as_json
    return Output(options.language(), as_json)


def use_source(ctx: typer.Context, raw: str | None) -> None:
    """`--source` of a member's command: checked (exit 2), then written on its audit events."""
    if raw is None:
        return
    from dataclasses import replace

    from engine.source import check_source

    options = _globals(ctx)
    options.source = check_source(raw)
    if options.settings is not None:  # loaded already by the access check
        options.settings = replace(options.settings, source=options.source)


class Process:
    """What outlives one command in a long-lived process: `sesame shell` keeps its
    engines here (`db.shared_engines`); a one-shot command leaves it None."""

    engines: SharedEngines | None = None


def open_store(ctx: typer.Context, *, messages: bool = False) -> Store:
    """The store of the command; `messages`: the command may send a member a message,
    so the operator's templates are read and checked now (a refused one: exit 2)."""
    from db.store import Store

    settings = _settings(ctx)
    store = Store(settings.as_member() if _globals(ctx).member else settings, Process.engines)
    ctx.call_on_close(store.close)
    if messages:
        store.message_templates()
    return store


def _settings(ctx: ClickContext) -> Settings:
    from db.settings import load_settings

    options = _globals(ctx)
    if options.settings is None:
        options.settings = load_settings(
            home=options.home,
            db=options.db,
            outbox=options.outbox,
            config=options.config,
            lang=options.lang,
            actor=options.actor,
            debug=options.debug,
            source=options.source,
        )
    return options.settings


# The global options that choose which configuration, outbox and database apply.
_LOCATIONS = ("config", "outbox", "db")


def _caller_may_support(settings: Settings) -> bool:
    """Whether the operating-system caller may run support and operations commands:
    always without `[access]`; else root and the members of `support_group`."""
    group = settings.policy.access.support_group
    if not group:
        return True
    from db.operator import caller_ids, group_id
    from engine.access import may_support
    from engine.errors import invalid

    gid = group_id(group)
    if gid is None:  # a typo must not lock support out silently, nor let anyone in
        raise invalid("config_group_unknown", key="access.support_group", group=group)
    uid, gids = caller_ids(settings.home)
    return may_support(uid, gids, gid)


def authorize(ctx: ClickContext, *, support: bool) -> None:
    """Refuse (exit 13) a caller outside `[access] support_group` who picks the
    configuration, outbox or database, or runs a `support` command. A member's
    command opens its store as the member (`Settings.as_member`)."""
    _globals(ctx).member = not support
    _refuse_locations(ctx)
    if support and not _caller_may_support(_settings(ctx)):
        _denied(_settings(ctx))


def _refuse_locations(ctx: ClickContext) -> None:
    """A configuration of one's own drops `[access]` and the limits, an outbox of
    one's own receives the secrets: on a home whose own sesame.toml sets `[access]`,
    only its support group (and root) may choose them."""
    option = _chosen_location(ctx)
    if option is None:
        return
    import os

    from db.settings import load_settings

    if os.getuid() == 0:  # root may; and need not read the home's file
        return
    options = _globals(ctx)
    own = load_settings(home=options.home, lang=options.lang, debug=options.debug)
    if not _caller_may_support(own):
        _denied(own, reason="override", option=option)


def _chosen_location(ctx: ClickContext) -> str | None:
    """The first of `--config`, `--outbox`, `--db` given, as the caller gave it
    (the option, or its environment variable)."""
    from typer._click.core import ParameterSource

    root = ctx.find_root()
    for name in _LOCATIONS:
        if root.params.get(name) is not None:
            given = root.get_parameter_source(name) is ParameterSource.COMMANDLINE
            return f"--{name}" if given else f"SESAME_{name.upper()}"
    return None


def _denied(settings: Settings, reason: str | None = None, **params: str) -> None:
    from db.operator import operator

    group = settings.policy.access.support_group
    user = operator().os_user
    raise SesameError(
        Code.ACCESS_DENIED, reason=reason, params={"group": group, "user": user, **params}
    )


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sesame {__version__}")
        raise typer.Exit()


app = typer.Typer(
    cls=SesameGroup,
    name="sesame",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

JsonOption = Annotated[bool, typer.Option("--json")]
CsvOption = Annotated[bool, typer.Option("--csv")]


@app.callback()
def main_options(
    ctx: typer.Context,
    home: Annotated[
        str | None,
        typer.Option(envvar="SESAME_HOME"),
    ] = None,
    db: Annotated[str | None, typer.Option(envvar="SESAME_DB")] = None,
    outbox: Annotated[str | None, typer.Option(envvar="SESAME_OUTBOX")] = None,
    config: Annotated[str | None, typer.Option(envvar="SESAME_CONFIG")] = None,
    lang: Annotated[str | None, typer.Option(envvar="SESAME_LANG")] = None,
    actor: Annotated[str | None, typer.Option(envvar="SESAME_ACTOR")] = None,
    debug: Annotated[bool, typer.Option()] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True)] = False,
) -> None:
    # Every command may come to hold a secret (a password, a code, a message
    # being delivered, hashes being copied): no core dump from the start.
    # `--help` and `--version` end before this callback and pay nothing.
    from cli.hardening import protect_secrets

    protect_secrets()
    if lang is not None:
        lang = parse_language(lang)
    if not isinstance(ctx.obj, Globals):  # else built when the command was resolved
        ctx.obj = Globals(home, db, outbox, config, lang, actor, debug)
