"""Where things live and which policy applies: options, environment, sesame.toml."""

from __future__ import annotations

import dataclasses
import getpass
import os
from dataclasses import dataclass, replace
from pathlib import Path

from db.trust import read_trusted, require_trusted
from engine.errors import invalid
from engine.languages import lang_from_locale, parse_language
from engine.policy import Policy, policy_from_toml

# The audit actor of every event a member's own command writes.
MEMBER_ACTOR = "member"


@dataclass(frozen=True)
class Settings:
    home: Path
    db_url: str
    outbox_dir: Path
    policy: Policy
    lang: str  # what the operator reads; a member's messages use the account's language
    actor: str
    debug: bool = False
    # The configuration file the policy was read from; None: no file, the defaults.
    config_file: Path | None = None

    def as_member(self) -> Settings:
        """The settings of a member's own command (`login`, `unlock`, `forgot`,
        `send-code`, `reset`): its audit events name the member, not the
        declared `--actor`/`SESAME_ACTOR`, which is for support commands."""
        return replace(self, actor=MEMBER_ACTOR)

    # The client the calling front end names (--source, SESAME_SOURCE), already checked.
    source: str | None = None


def default_lang(environ: dict[str, str] | os._Environ[str] = os.environ) -> str:
    """French when the locale says so (LC_ALL, then LC_MESSAGES, then LANG)."""
    return lang_from_locale(environ)


def load_settings(
    *,
    home: str | None = None,
    db: str | None = None,
    outbox: str | None = None,
    config: str | None = None,
    lang: str | None = None,
    actor: str | None = None,
    debug: bool = False,
    source: str | None = None,
) -> Settings:
    """Resolve every location; explicit values win over the defaults under home."""
    if lang is not None:
        lang = parse_language(lang)  # `EN`, `Fr`: any case
    if home:
        home_path = Path(home).expanduser()
    else:
        import platformdirs

        home_path = Path(platformdirs.user_data_dir("sesame"))
    config_path = Path(config).expanduser() if config else home_path / "sesame.toml"
    _require_trusted_home(home_path)
    policy, configured_db, found = _read_config(config_path, required=config is not None)
    return Settings(
        home=home_path,
        db_url=database_url(db or configured_db, home_path),
        outbox_dir=Path(outbox).expanduser() if outbox else home_path / "outbox",
        policy=policy,
        lang=lang or default_lang(),
        actor=actor or _login_name(),
        debug=debug,
        config_file=config_path if found else None,
        source=source,
    )


def database_url(db: str | None, home: Path) -> str:
    """A SQLAlchemy URL from `--db`: a URL as given, or a SQLite file path."""
    if db and "://" in db:
        return db
    path = Path(db).expanduser() if db else home / "sesame.db"
    return f"sqlite:///{path.resolve()}"


def _require_trusted_home(home: Path) -> None:
    """Refuse a home another user could write: they could plant a sesame.toml there."""
    require_trusted(home)


def _read_config(path: Path, *, required: bool) -> tuple[Policy, str | None, bool]:
    """The policy, the database the file names (`[database] url`) if any, and whether
    there was a file (without one: the defaults)."""
    try:
        raw = read_trusted(path)
    except FileNotFoundError:
        if required:
            raise invalid("config_syntax", path=str(path), detail_key="file_not_found") from None
        return Policy(), None, False
    except OSError as exc:
        raise invalid("config_syntax", path=str(path), detail=exc.strerror or "") from None
    import tomllib  # only when there is a file: its parser costs more than the lookup

    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise invalid("config_syntax", path=str(path), detail=str(exc)) from None
    database = _database_url(document.pop("database", {}))
    return _with_blocklist(policy_from_toml(document), path.parent), database, True


def _with_blocklist(policy: Policy, config_dir: Path) -> Policy:
    """`password_blocklist` checked (exit 2 naming the key) and made absolute: a
    relative path is read from the directory of sesame.toml."""
    if not policy.password_blocklist:
        return policy
    from db.blocklist import check_file

    path = (config_dir / Path(policy.password_blocklist).expanduser()).absolute()
    check_file(path)
    return dataclasses.replace(policy, password_blocklist=str(path))


def _database_url(table: object) -> str | None:
    """`[database] url`: where this home's database lives, so that its callers
    need no `--db` (which `[access]` keeps for the support group)."""
    if not isinstance(table, dict):
        raise invalid("config_type", key="database", expected="table")
    unknown = set(table) - {"url"}
    if unknown:
        raise invalid("config_unknown_key", key=f"database.{min(unknown)}")
    url = table.get("url")
    if url is not None and not (isinstance(url, str) and "://" in url):
        raise invalid("config_type", key="database.url", expected="SQLAlchemy URL")
    return url


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
