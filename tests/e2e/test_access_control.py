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
STAFF = "sesame-staff-test"  # a person in the support group, who acts through sudo
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
OVERRIDE_DENIED = {
    "fr": "Accès refusé : {option} est réservé au groupe « sesame-support-test » sur cette "
    "installation (son sesame.toml a une section [access]) (utilisateur nobody).",
    "en": "Access denied: {option} is reserved for the group 'sesame-support-test' on this "
    "installation (its sesame.toml has an [access] section) (user nobody).",
}


@pytest.fixture(scope="module", autouse=True)
def nobody_reaches_the_installed_sesame() -> None:
    """`nobody` must be able to traverse to the installed executable and its
    virtual environment: a checkout made with `mktemp -d` is 0700. Only the
    search (x) bit is added, to directories that lack it; nothing becomes readable."""
    assert SESAME is not None
    for directory in Path(SESAME).resolve().parents:
        mode = directory.stat().st_mode
        if not mode & 0o001:
            directory.chmod(mode | 0o001)


@pytest.fixture(scope="session")
def support_gid() -> int:
    """The support group of these tests, created once (nobody is not a member)."""
    try:
        return grp.getgrnam(SUPPORT_GROUP).gr_gid
    except KeyError:
        subprocess.run(["groupadd", SUPPORT_GROUP], check=True)
        return grp.getgrnam(SUPPORT_GROUP).gr_gid


@pytest.fixture(scope="session")
def staff(support_gid: int) -> str:
    """A user in the support group (support staff), created once, without a home."""
    try:
        pwd.getpwnam(STAFF)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--groups", SUPPORT_GROUP, STAFF],
            check=True,
        )
    return STAFF


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
        database = f'[database]\nurl = "{self.db_url}"\n' if self.db_url else ""
        (self.home / "sesame.toml").write_text(
            "[policy]\nresend_cooldown_seconds = 0\n" + FAST_ARGON2 + access + database
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
        # The database is the one the home's sesame.toml names (`[database] url`).
        env.update(SESAME_HOME=str(self.home), SESAME_LANG=lang, SESAME_ACTOR=actor, **extra)
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

    def own_dir(self) -> Path:
        """A directory of `nobody`'s own, next to the home, for files it picks."""
        own = self.home.parent / "own"
        own.mkdir(mode=0o700, exist_ok=True)
        user = pwd.getpwnam(USER)
        os.chown(own, user.pw_uid, user.pw_gid)
        return own

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
    sent = site.run("account", "send-reset", NIR, "--channel", "sms", "--reason", "x")
    assert sent.exit_code == 13
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
    for command in (
        ["account", "list"],
        ["account", "export"],
        ["policy", "check"],
        ["status"],
        ["status", NIR],
    ):
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
    spoofed = site.run("account", "disable", NIR, "--reason", "x", actor="agent.martin")
    assert spoofed.exit_code == 0, spoofed.stderr
    last = site.events()[-1]
    assert (last["actor"], last["os_user"], last["sudo_user"]) == ("agent.martin", USER, None)
    # wide enough for one line a row (80 columns: tests/cli_tests/test_cli_tables.py)
    table = site.run("audit", "--limit", "1", as_user=False, COLUMNS="400").stdout.splitlines()
    assert table[0].split()[:3] == ["date", "auteur", "système"]
    system = [USER, "db:postgres"] if site.db_url else [USER]
    cells = table[2].split()  # date, time, actor, system…, source, nir, …
    assert cells[2 : 5 + len(system)] == ["agent.martin", *system, "-", NIR_COMPACT]
    csv_lines = site.run("audit", "--csv", "--limit", "1", as_user=False).stdout.splitlines()
    assert csv_lines[0].startswith("id,at,actor,os_user,sudo_user,db_role,source,nir,")
    assert (
        f",agent.martin,{USER},,{'postgres' if site.db_url else ''},,{NIR_COMPACT}," in csv_lines[1]
    )


def test_status_tells_no_one_outside_support_whether_an_account_exists(
    site: Site, support_gid: int
) -> None:
    """The attack of the review: `status ID` showed any account's NIR, state and
    failures to anyone, and exit 12 for an identifier no account has."""
    for ident in (NIR, EMAIL, "personne@orange.fr"):
        refused = site.run("status", ident, "--json", lang="en")
        assert (refused.exit_code, refused.json()["error"]["message"]) == (
            13,
            ACCESS_DENIED["en"],
        ), ident
    assert site.run("status", NIR, groups=str(support_gid)).exit_code == 0
    assert site.run("status", "personne@orange.fr", groups=str(support_gid)).exit_code == 12


def test_member_commands_stay_open_and_act_on_the_flow_id_they_print(
    site: Site, support_gid: int
) -> None:
    assert site.run("login", NIR, stdin=lines("mauvais")).exit_code == 3
    started = site.run("forgot", NIR, "--dob", DOB, "--json")
    assert started.exit_code == 0, started.stderr
    flow = started.json()["flow"]
    sent = site.run("send-code", flow, "--channel", "email")
    assert sent.exit_code == 0, sent.stderr
    support_view = site.run("status", NIR, "--json", groups=str(support_gid))
    assert support_view.json()["account"]["flow"]["id"] == flow


OVERRIDES = ["--config", "SESAME_CONFIG", "--outbox", "SESAME_OUTBOX", "--db", "SESAME_DB"]


def _override(site: Site, option: str) -> tuple[list[str], dict[str, str]]:
    """The option (or variable) pointing at a file of the caller's own: a weaker
    configuration, an outbox of their own, a database of their own."""
    own = site.own_dir()
    config = own / "evil.toml"
    config.write_text(
        '[policy]\nmax_failed_attempts = 1000\nreset_url = "https://evil.example/r"\n'
        + FAST_ARGON2
        + (f'[database]\nurl = "{site.db_url}"\n' if site.db_url else "")
    )
    user = pwd.getpwnam(USER)
    os.chown(config, user.pw_uid, user.pw_gid)
    what = option.removeprefix("--").removeprefix("SESAME_").lower()
    value = {"config": config, "outbox": own / "ob", "db": own / "x.db"}[what]
    if option.startswith("--"):
        return [option, str(value)], {}
    return [], {option: str(value)}


@pytest.mark.parametrize("option", OVERRIDES)
def test_a_caller_outside_the_support_group_may_not_pick_the_configuration(
    site: Site, option: str
) -> None:
    """The attack of the review: `--config` of one's own without `[access]` for a
    support command; a weaker policy and one's own outbox for a member command,
    where the real reset token would land."""
    args, env = _override(site, option)
    edited = site.run(
        *args, "account", "edit", NIR, "--mobile", "06 99 99 99 99", "--reason", "x", **env
    )
    assert (edited.exit_code, edited.stderr.strip()) == (
        13,
        OVERRIDE_DENIED["fr"].format(option=option),
    )
    forgot = site.run(*args, "forgot", NIR, "--dob", DOB, "--channel", "email", lang="en", **env)
    assert (forgot.exit_code, forgot.stderr.strip()) == (
        13,
        OVERRIDE_DENIED["en"].format(option=option),
    )
    guessed = site.run(*args, "login", NIR, "--json", stdin=lines("mauvais"), **env)
    assert guessed.exit_code == 13
    assert guessed.json()["error"]["reason"] == "override"
    assert not (site.home.parent / "own" / "ob").exists()
    assert [e["event"] for e in site.events()] == ["account_created"]


@pytest.mark.parametrize("option", ["--config", "SESAME_OUTBOX"])
def test_the_support_group_and_root_may_still_pick_the_configuration(
    site: Site, support_gid: int, option: str
) -> None:
    args, env = _override(site, option)
    member = site.run(*args, "account", "show", NIR, groups=str(support_gid), **env)
    assert member.exit_code == 0, member.stderr
    site.access = False  # without [access] in the home, anyone may
    site.write_config()
    assert site.run(*args, "account", "show", NIR, **env).exit_code == 0


def test_support_staff_act_through_sudo_as_the_owner_and_are_recorded(
    site: Site, staff: str
) -> None:
    """The SQLite deployment: `sudo -u <owner> sesame …`. The real uid owns the home,
    and the group check reads the groups of the person sudo names."""
    edited = site.run(
        "account",
        "edit",
        NIR,
        "--mobile",
        "06 99 99 99 99",
        "--reason",
        "appel",
        actor="agent.martin",
        SUDO_USER=staff,
    )
    assert edited.exit_code == 0, edited.stderr
    # Someone outside the group, through the same sudo rule, is still refused.
    refused = site.run("account", "enable", NIR, "--reason", "x", SUDO_USER=USER)
    assert (refused.exit_code, refused.stderr.strip()) == (13, ACCESS_DENIED["fr"])
    last = site.events()[-1]
    assert (last["event"], last["actor"], last["os_user"], last["sudo_user"]) == (
        "channels_changed",
        "agent.martin",
        USER,
        staff,
    )


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
