"""Where things live and which policy applies: options, environment, sesame.toml."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

from db.trust import read_trusted, require_trusted
from engine.errors import invalid
from engine.policy import Policy, policy_from_toml


@dataclass(frozen=True)
class Settings:
    home: Path
    db_url: str
    outbox_dir: Path
    policy: Policy
    lang: str
    actor: str
    debug: bool = False
    # The client the calling front end names (--source, SESAME_SOURCE), already checked.
    source: str | None = None


def default_lang(environ: dict[str, str] | os._Environ[str] = os.environ) -> str:
    """French when the locale says so (LC_ALL, then LC_MESSAGES, then LANG)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


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
    if lang is not None and lang not in ("fr", "en"):
        raise invalid("lang", lang=lang)
    if home:
        home_path = Path(home).expanduser()
    else:
        import platformdirs

        home_path = Path(platformdirs.user_data_dir("sesame"))
    config_path = Path(config).expanduser() if config else home_path / "sesame.toml"
    _require_trusted_home(home_path)
    policy, configured_db = _read_config(config_path, required=config is not None)
    return Settings(
        home=home_path,
        db_url=database_url(db or configured_db, home_path),
        outbox_dir=Path(outbox).expanduser() if outbox else home_path / "outbox",
        policy=policy,
        lang=lang or default_lang(),
        actor=actor or _login_name(),
        debug=debug,
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


def _read_config(path: Path, *, required: bool) -> tuple[Policy, str | None]:
    """The policy, and the database the file names (`[database] url`), if any."""
    try:
        raw = read_trusted(path)
    except FileNotFoundError:
        if required:
            raise invalid("config_syntax", path=str(path), detail="file not found") from None
        return Policy(), None
    except OSError as exc:
        raise invalid("config_syntax", path=str(path), detail=exc.strerror or "") from None
    import tomllib  # only when there is a file: its parser costs more than the lookup

    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise invalid("config_syntax", path=str(path), detail=str(exc)) from None
    database = _database_url(document.pop("database", {}))
    return policy_from_toml(document), database


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
