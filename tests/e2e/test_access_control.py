"""Whom sesame trusts: support commands refuse callers outside `[access] support_group`,
and every audit event records the operating-system user (and the PostgreSQL role)
next to the declared actor.

The installed `sesame` runs as another user (`nobody`) through `setpriv`, with or
without the support group among its groups, on a home that user owns."""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import DOB, EMAIL, FAST_ARGON2, MOBILE, NIR, NIR_COMPACT, PASSWORD, Run, lines

SESAME = shutil.which("sesame", path=str(Path(sys.executable).parent)) or shutil.which("sesame")
SETPRIV = shutil.which("setpriv")
USER = "nobody"
SUPPORT_GROUP = "sesame-support-test"
pytestmark = pytest.mark.skipif(
    SESAME is None or SETPRIV is None or os.geteuid() != 0,
    reason="needs the installed sesame, setpriv and root (to run as another user)",
)
ACCESS_DENIED = {
    "fr": "Accès refusé : cette commande est réservée au groupe « sesame-support-test » "
    "(utilisateur nobody).",
    "en": "Access denied: this command is reserved for the group 'sesame-support-test' "
    "(user nobody).",
}


@pytest.fixture(scope="session")
def support_gid() -> int:
    """The support group of these tests, created once (nobody is not a member)."""
    try:
        return grp.getgrnam(SUPPORT_GROUP).gr_gid
    except KeyError:
        subprocess.run(["groupadd", SUPPORT_GROUP], check=True)
        return grp.getgrnam(SUPPORT_GROUP).gr_gid


class Site:
    """A home owned by `nobody`, driven by the installed executable as root or as
    `nobody` (with or without the support group)."""

    def __init__(self, base: Path, db_url: str | None) -> None:
        self.home = base / "home"
        self.home.mkdir(mode=0o700)
        self.db_url = db_url
        self.access = True
        self.write_config()
        user = pwd.getpwnam(USER)
        for path in (self.home, self.home / "sesame.toml"):
            os.chown(path, user.pw_uid, user.pw_gid)

    def write_config(self) -> None:
        access = f'[access]\nsupport_group = "{SUPPORT_GROUP}"\n' if self.access else ""
        (self.home / "sesame.toml").write_text(
            "[policy]\nresend_cooldown_seconds = 0\n" + FAST_ARGON2 + access
        )

    def run(
        self,
        *args: str,
        stdin: str = "",
        as_user: bool = True,
        groups: str | None = None,
        actor: str = "agent.declared",
        lang: str = "fr",
        **extra: str,
    ) -> Run:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SESAME_", "SUDO_"))}
        env.update(SESAME_HOME=str(self.home), SESAME_LANG=lang, SESAME_ACTOR=actor, **extra)
        if self.db_url:
            env["SESAME_DB"] = self.db_url
        prefix: list[str] = []
        if as_user:
            group_args = ["--groups", groups] if groups else ["--clear-groups"]
            prefix = [str(SETPRIV), f"--reuid={USER}", "--regid=nogroup", *group_args]
        else:
            # Root trusts only a home it owns (StrictModes): it acts on the
            # installation as its owner would, then hands it back to `nobody`.
            self.chown_tree(0, 0)
        try:
            completed = subprocess.run(
                [*prefix, str(SESAME), *args],
                input=stdin,
                capture_output=True,
                text=True,
                env=env,
                cwd="/",
                timeout=60,
            )
        finally:
            if not as_user:
                user = pwd.getpwnam(USER)
                self.chown_tree(user.pw_uid, user.pw_gid)
        return Run(completed.returncode, completed.stdout, completed.stderr)

    def chown_tree(self, uid: int, gid: int) -> None:
        for path in (self.home, *self.home.rglob("*")):
            os.chown(path, uid, gid, follow_symlinks=False)

    def events(self) -> list[dict[str, object]]:
        result = self.run("audit", "--json", "--limit", "100", as_user=False)
        assert result.exit_code == 0, result.stderr
        return list(result.json()["events"])


@pytest.fixture
def site(database: str | None, support_gid: int) -> Iterator[Site]:
    base = Path(tempfile.mkdtemp(prefix="sesame-access-"))
    base.chmod(0o755)  # nobody must reach the home inside
    try:
        installation = Site(base, database)
        added = installation.run(
            "account",
            "add",
            "--nir",
            NIR,
            "--dob",
            DOB,
            "--email",
            EMAIL,
            "--mobile",
            MOBILE,
            stdin=lines(PASSWORD, PASSWORD),
            groups=str(support_gid),
        )
        assert added.exit_code == 0, added.stderr
        yield installation
    finally:
        shutil.rmtree(base)


def test_a_caller_outside_the_support_group_cannot_take_an_account_over(site: Site) -> None:
    """The attack of the review: any user who can run `sesame login` changes the
    member's mobile to their own, then has the reset sent there."""
    edited = site.run("account", "edit", NIR, "--mobile", "06 99 99 99 99", "--reason", "x")
    assert (edited.exit_code, edited.stderr.strip()) == (13, ACCESS_DENIED["fr"])
    unlocked = site.run("account", "unlock", NIR, "--reason", "x", "--send-reset", "sms")
    assert unlocked.exit_code == 13
    shown = site.run("account", "show", NIR, "--json", as_user=False).json()
    assert [c["destination"] for c in shown["account"]["channels"]] == [
        "*** ** 42 08",
        "*****@orange.fr",
    ]
    assert [e["event"] for e in site.events()] == ["account_created"]


def test_refusal_is_exit_13_in_french_english_and_json_before_the_database(site: Site) -> None:
    assert site.run("audit").stderr.strip() == ACCESS_DENIED["fr"]
    english = site.run("audit", lang="en")
    assert (english.exit_code, english.stdout, english.stderr.strip()) == (
        13,
        "",
        ACCESS_DENIED["en"],
    )
    refused = site.run("outbox", "list", "--json", lang="en")
    assert refused.exit_code == 13
    assert refused.json() == {
        "ok": False,
        "error": {"code": "access_denied", "message": ACCESS_DENIED["en"]},
    }
    # Refused before the database is opened: an unreachable database is not reached.
    unreachable = site.run("db", "current", SESAME_DB="postgresql+psycopg://x@127.0.0.1:1/none")
    assert unreachable.exit_code == 13
    for command in (["account", "list"], ["account", "export"], ["policy", "check"], ["status"]):
        assert site.run(*command).exit_code == 13, command


def test_a_support_group_member_and_root_may_act_and_the_system_names_them(
    site: Site, support_gid: int
) -> None:
    edited = site.run(
        "account",
        "edit",
        NIR,
        "--mobile",
        "06 99 99 99 99",
        "--reason",
        "appel",
        groups=str(support_gid),
        actor="agent.martin",
    )
    assert edited.exit_code == 0, edited.stderr
    disabled = site.run(
        "account",
        "disable",
        NIR,
        "--reason",
        "fraude",
        as_user=False,
        actor="agent.martin",
        SUDO_USER="alice",
    )
    assert disabled.exit_code == 0, disabled.stderr
    role = "postgres" if site.db_url else None
    who = [
        (e["event"], e["actor"], e["os_user"], e["sudo_user"], e["db_role"]) for e in site.events()
    ]
    assert who == [
        ("account_created", "agent.declared", USER, None, role),
        ("channels_changed", "agent.martin", USER, None, role),
        ("account_disabled", "agent.martin", "root", "alice", role),
    ]


def test_without_access_anyone_may_and_a_spoofed_actor_stands_next_to_the_real_user(
    site: Site,
) -> None:
    site.access = False
    site.write_config()
    spoofed = site.run(
        "account", "disable", NIR, "--reason", "x", actor="agent.martin", SUDO_USER="root"
    )
    assert spoofed.exit_code == 0, spoofed.stderr
    last = site.events()[-1]
    assert (last["actor"], last["os_user"], last["sudo_user"]) == ("agent.martin", USER, None)
    table = site.run("audit", "--limit", "1", as_user=False).stdout.splitlines()
    assert table[0].split()[:3] == ["at", "actor", "system"]
    system = [USER, "db:postgres"] if site.db_url else [USER]
    cells = table[2].split()  # date, time, actor, system…, nir, …
    assert cells[2 : 4 + len(system)] == ["agent.martin", *system, NIR_COMPACT]
    csv_lines = site.run("audit", "--csv", "--limit", "1", as_user=False).stdout.splitlines()
    assert csv_lines[0].startswith("id,at,actor,os_user,sudo_user,db_role,nir,")
    assert (
        f",agent.martin,{USER},,{'postgres' if site.db_url else ''},{NIR_COMPACT}," in csv_lines[1]
    )


def test_member_commands_stay_open_and_status_hides_the_flow_id(
    site: Site, support_gid: int
) -> None:
    assert site.run("login", NIR, stdin=lines("mauvais")).exit_code == 3
    started = site.run("forgot", NIR, "--dob", DOB, "--json")
    assert started.exit_code == 0, started.stderr
    flow = started.json()["flow"]
    member_view = site.run("status", NIR, "--json")
    assert member_view.exit_code == 0, member_view.stderr
    assert member_view.json()["account"]["flow"]["id"] is None
    assert member_view.json()["account"]["flow"]["state"] == "choose_channel"
    assert flow not in site.run("status", NIR).stdout
    support_view = site.run("status", NIR, "--json", groups=str(support_gid))
    assert support_view.json()["account"]["flow"]["id"] == flow
    assert flow in site.run("status", NIR, as_user=False).stdout
    # The member acts on the flow id `forgot` printed.
    sent = site.run("send-code", flow, "--channel", "email")
    assert sent.exit_code == 0, sent.stderr
    assert site.run("status", groups=str(support_gid)).exit_code == 0


def test_root_does_not_trust_a_home_another_user_owns(site: Site) -> None:
    """StrictModes before [access]: a home `nobody` owns could hold a planted
    sesame.toml, so root refuses it (exit 11 naming it) rather than obey it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SESAME_", "SUDO_"))}
    env.update(SESAME_HOME=str(site.home), SESAME_LANG="en")
    if site.db_url:
        env["SESAME_DB"] = site.db_url
    completed = subprocess.run(
        [str(SESAME), "account", "show", NIR], capture_output=True, text=True, env=env, timeout=60
    )
    assert completed.returncode == 11
    assert str(site.home) in completed.stderr
