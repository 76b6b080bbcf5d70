"""Who runs sesame, as the operating system says (docs/access.md).

The declared actor (`--actor`, `SESAME_ACTOR`) is whatever the caller typed;
the user is not: it comes from the real uid, never from `USER` or `LOGNAME`.
`SUDO_USER` (who ran `sudo -u <owner> sesame`) is recorded next to it whenever
it is set: only a user who can already write the installation (its owner) or
whose real name is recorded anyway could set it to someone else.
"""

from __future__ import annotations

import grp
import os
import pwd
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# audit_events.os_user and sudo_user are String(200).
_NAME_LENGTH = 200


@dataclass(frozen=True)
class Operator:
    os_user: str
    sudo_user: str | None


@cache
def operator() -> Operator:
    """The process's operating-system user, once per process (a bulk import writes
    one audit row per account)."""
    uid = os.getuid()
    try:
        name = pwd.getpwuid(uid).pw_name
    except KeyError:  # a uid without a passwd entry (containers): the number says who
        name = str(uid)
    sudo_user = os.environ.get("SUDO_USER")
    return Operator(name[:_NAME_LENGTH], sudo_user[:_NAME_LENGTH] if sudo_user else None)


def audit_columns() -> dict[str, str | None]:
    """The system's side of an audit row; the PostgreSQL role is the database's
    own default (`session_user`), not ours to say."""
    who = operator()
    return {"os_user": who.os_user, "sudo_user": who.sudo_user}


def caller_ids(home: Path) -> tuple[int, frozenset[int]]:
    """The real uid, and the real gid with the supplementary groups of this process;
    when the real uid owns `home` and came through sudo (`sudo -u <owner> sesame`),
    the groups of the person sudo names too: the owner can write the database
    anyway, so believing `SUDO_USER` there gives no one more than they had."""
    uid = os.getuid()
    gids = {os.getgid(), *os.getgroups()}
    person = operator().sudo_user
    if person and _owner(home) == uid:
        gids.update(_groups_of(person))
    return uid, frozenset(gids)


def _owner(path: Path) -> int | None:
    try:
        return path.stat().st_uid
    except OSError:  # no home yet: nobody owns it
        return None


def _groups_of(name: str) -> list[int]:
    """A user's primary and supplementary groups, from the system's databases."""
    try:
        return os.getgrouplist(name, pwd.getpwnam(name).pw_gid)
    except KeyError:
        return []


def group_id(name: str) -> int | None:
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        return None
