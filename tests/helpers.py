"""Constants and small helpers shared by the tests (importable: tests/ is on pythonpath)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Cheap argon2 for speed; tests/e2e keeps the real defaults.
FAST_ARGON2 = "[argon2]\ntime_cost = 1\nmemory_cost = 8\nparallelism = 1\n"

NIR = "2 95 10 99 126 111 93"
NIR_COMPACT = "295109912611193"
DOB = "15/10/1995"
EMAIL = "marie.dupont@orange.fr"
MOBILE = "06 12 34 42 08"
PASSWORD = "Correct horse battery"
NEW_PASSWORD = "Un nouveau départ bien long"


@dataclass
class Home:
    """A throw-away installation: its folder, and the database URL when it is
    not the folder's SQLite file (the PostgreSQL half of the suite)."""

    path: Path
    db_url: str | None = None

    @property
    def url(self) -> str:
        return self.db_url or f"sqlite:///{self.path / 'sesame.db'}"

    @property
    def global_args(self) -> list[str]:
        """What every command gets before its name: `--home`, and `--db` on PostgreSQL."""
        return ["--home", str(self.path), *(["--db", self.db_url] if self.db_url else [])]

    @property
    def is_sqlite(self) -> bool:
        return self.db_url is None

    def query(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        """Rows of one SQL statement, on whichever backend (named `:params`)."""
        from sqlalchemy import create_engine, text
        from sqlalchemy.pool import NullPool

        engine = create_engine(self.url, poolclass=NullPool)
        try:
            with engine.begin() as conn:
                result = conn.execute(text(sql), params)
                return [tuple(row) for row in result] if result.returns_rows else []
        finally:
            engine.dispose()

    def configure(self, **policy: Any) -> None:
        lines = ["[policy]"]
        for key, value in policy.items():
            lines.append(f"{key} = {json.dumps(value)}")
        (self.path / "sesame.toml").write_text("\n".join(lines) + "\n" + FAST_ARGON2)

    def sms_files(self) -> list[Path]:
        folder = self.path / "outbox" / "sms" / "new"
        return sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)

    def mail_files(self) -> list[Path]:
        folder = self.path / "outbox" / "mail" / "new"
        return sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)

    def last_sms_code(self) -> str:
        body = json.loads(self.sms_files()[-1].read_text())["body"]
        return str(body.splitlines()[1])

    def last_link(self) -> str:
        from email import message_from_bytes, policy

        message = message_from_bytes(self.mail_files()[-1].read_bytes(), policy=policy.default)
        body = message.get_body()  # type: ignore[attr-defined]
        return next(line for line in body.get_content().splitlines() if "token=" in line)


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def lines(*values: str) -> str:
    """Stdin for prompts: one value per line."""
    return "".join(f"{v}\n" for v in values)


def clean_environment(**settings: str) -> dict[str, str]:
    """The environment for a `sesame` subprocess: none of the caller's SESAME_*
    variables, then `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SESAME_")}
    env.update(settings)
    return env


def write_template(home_path: Path, lang: str, name: str, text: str) -> Path:
    """An operator's message template in a home (`templates/<lang>/<name>.txt`)."""
    folder = home_path / "templates" / lang
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.txt"
    path.write_text(text)
    return path


def create_account_before_import_writes(monkeypatch: Any, home: Home, nir: str) -> None:
    """Someone else creates the account `nir` after `account import` checked its
    rows and before it writes them (the unique index must catch it)."""
    import db.transfer.importing

    checked_then_written = db.transfer.importing.write_staged

    def someone_adds_it_meanwhile(*args: Any, **kwargs: Any) -> None:
        home.query(
            "INSERT INTO accounts (nir, birth_date, sms_capable, state, failed_attempts, "
            "created_at) VALUES (:nir, '1985-05-03', FALSE, 'active', 0, '2026-01-01 00:00:00')",
            nir=nir,
        )
        checked_then_written(*args, **kwargs)

    monkeypatch.setattr(db.transfer.importing, "write_staged", someone_adds_it_meanwhile)
