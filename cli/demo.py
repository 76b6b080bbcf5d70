"""`sesame demo`: the whole procedure on a throw-away home, as a person sees it.

Each step runs the real `sesame` in a subprocess, shows what the member
typed and read, and checks the exit status the procedure calls for; the
secrets are read from the outbox files, as a member reads their phone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from cli.lazy import command_group

NIR = "2 95 10 99 126 111 93"
BIRTH_DATE = "15/10/1995"
EMAIL = "marie.dupont@orange.fr"
MOBILE = "06 12 34 42 08"
FIRST_PASSWORD = "Ma phrase de passe 2024"
NEW_PASSWORD = "Un nouveau départ, bien long"
OTHER_PASSWORD = "Encore une autre phrase"

STEPS = 6  # their titles are `demo.title.<n>` in the catalogue

commands = command_group()


@dataclass
class Demo:
    home: Path
    lang: str
    failures: int = 0

    def text(self, key: str, **params: object) -> str:
        from engine import messages

        return messages.text(key, self.lang, params)

    def run(self, args: list[str], expect: int, typed: list[str] | None = None) -> str:
        """One command, shown as typed; secrets are shown as stars."""
        typer.echo(f"\n$ sesame {' '.join(_quote(a) for a in args)}")
        for line in typed or []:
            typer.echo(f"  {self.text('demo.typed')} {'*' * len(line)}")
        completed = subprocess.run(
            [sys.executable, "-m", "cli", "--home", str(self.home), "--lang", self.lang, *args],
            input="".join(f"{line}\n" for line in typed or []),
            env=_own_environment(),
            capture_output=True,
            text=True,
            check=False,
        )
        # The dialogue (stderr) comes before the result (stdout).
        for stream in (completed.stderr, completed.stdout):
            for line in stream.rstrip("\n").splitlines():
                typer.echo(f"  {line}")
        code = completed.returncode
        verdict = "demo.exit_ok" if code == expect else "demo.exit_unexpected"
        typer.echo(f"  {self.text(verdict, code=code, expected=expect)}")
        if completed.returncode != expect:
            self.failures += 1
        return completed.stdout

    def newest(self, folder: str) -> Path:
        files = sorted((self.home / "outbox" / folder / "new").iterdir(), key=_mtime)
        return files[-1]

    def show_message(self, path: Path, text: str) -> None:
        typer.echo(f"\n  --- {path.relative_to(self.home)} ---")
        for line in text.rstrip("\n").splitlines():
            typer.echo(f"  | {line}")


def _own_environment() -> dict[str, str]:
    """The environment without the installation's settings (`SESAME_DB`, `SESAME_HOME`…):
    each step runs on the throw-away home alone; the language is the one kept."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SESAME_") or name == "SESAME_LANG"
    }


def _mtime(path: Path) -> float:
    return path.stat().st_mtime_ns


def _quote(arg: str) -> str:
    return f'"{arg}"' if " " in arg else arg


@commands.command()
def demo(
    ctx: typer.Context,
    keep: Annotated[bool, typer.Option()] = False,
    web: Annotated[bool, typer.Option("--web")] = False,
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8080,
) -> None:
    from cli.app import language

    lang = language(ctx)
    if web:
        _serve_demo(lang, port, keep)
        return
    with tempfile.TemporaryDirectory(prefix="sesame-demo-") as tmp:
        home = Path(tmp)
        # A resend must not wait out the cooldown in a demo.
        (home / "sesame.toml").write_text("[policy]\nresend_cooldown_seconds = 0\n")
        demo = Demo(home, lang)
        failures = _procedure(demo)
        if keep:
            kept = Path(tempfile.mkdtemp(prefix="sesame-demo-kept-"))
            subprocess.run(["cp", "-a", f"{home}/.", str(kept)], check=True)
            typer.echo("\n" + demo.text("demo.kept", path=kept))
    typer.echo("")
    if failures:
        typer.echo(demo.text("demo.failed", failures=failures), err=True)
        raise typer.Exit(1)
    typer.echo(demo.text("demo.passed"))


def _serve_demo(lang: str, port: int, keep: bool) -> None:
    """`sesame demo --web`: `sesame serve` on a throw-away home with the demo's
    member, the emailed links pointing at it, until Ctrl-C."""
    url = f"http://127.0.0.1:{port}"
    home = Path(tempfile.mkdtemp(prefix="sesame-demo-web-"))
    (home / "sesame.toml").write_text(
        f'[policy]\nresend_cooldown_seconds = 0\nreset_url = "{url}/reset"\n'
    )
    demo = Demo(home, lang)
    member = ["--nir", NIR, "--dob", BIRTH_DATE, "--email", EMAIL, "--mobile", MOBILE]
    demo.run(["account", "add", *member, "--language", lang], 0, [FIRST_PASSWORD] * 2)
    outbox = home / "outbox"
    typer.echo(
        "\n"
        + demo.text(
            "demo.web.ready",
            url=url,
            nir=NIR,
            dob=BIRTH_DATE,
            password=FIRST_PASSWORD,
            sms=outbox / "sms" / "new",
            mail=outbox / "mail" / "new",
        )
    )
    command = [sys.executable, "-m", "cli", "--home", str(home), "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=_own_environment())
    try:
        server.wait()
    except KeyboardInterrupt:  # the server got the same Ctrl-C: it stops by itself
        server.wait()
    finally:
        if keep:
            typer.echo(demo.text("demo.kept", path=home))
        else:
            shutil.rmtree(home, ignore_errors=True)
    if server.returncode not in (0, -2):
        raise typer.Exit(1)


def _procedure(demo: Demo) -> int:
    step = iter(range(1, STEPS + 1))

    def title() -> None:
        number = next(step)
        typer.echo(f"\n== {number}. {demo.text(f'demo.title.{number}')} ==")

    title()
    # The demo's member reads the demo's language: their SMS and email are shown.
    member = ["--nir", NIR, "--dob", BIRTH_DATE, "--email", EMAIL, "--mobile", MOBILE]
    demo.run(
        ["account", "add", *member, "--language", demo.lang], 0, [FIRST_PASSWORD, FIRST_PASSWORD]
    )
    title()
    for expect in (3, 3, 4):
        demo.run(["login", NIR], expect, ["mauvais mot de passe"])
    demo.run(["login", NIR], 4, [FIRST_PASSWORD])
    title()
    demo.run(["unlock", NIR, "--dob", "16/10/1995"], 3)
    out = demo.run(["unlock", NIR, "--dob", BIRTH_DATE, "--json"], 0)
    flow = json.loads(out or "{}").get("flow", "?")
    title()
    demo.run(["send-code", flow, "--channel", "sms"], 0)
    sms_path = demo.newest("sms")
    sms = json.loads(sms_path.read_text())
    demo.show_message(sms_path, sms["body"])
    code = sms["body"].splitlines()[1]
    title()
    demo.run(["login", NIR], 0, [code, NEW_PASSWORD, NEW_PASSWORD])
    demo.run(["status", NIR], 0)
    title()
    demo.run(["forgot", EMAIL, "--dob", BIRTH_DATE, "--channel", "email"], 0)
    mail_path = demo.newest("mail")
    mail = _email_body(mail_path)
    demo.show_message(mail_path, mail)
    link = next(line for line in mail.splitlines() if "token=" in line)
    demo.run(["reset", "--token", "-"], 0, [link, OTHER_PASSWORD, OTHER_PASSWORD])
    demo.run(["reset", "--token", "-"], 6, [link])
    demo.run(["login", NIR], 0, [OTHER_PASSWORD])
    return demo.failures


def _email_body(path: Path) -> str:
    from email import message_from_bytes, policy
    from email.message import EmailMessage

    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body()
    content = body.get_content() if body else ""
    return f"To: {message['To']}\nSubject: {message['Subject']}\n\n{content}"
