"""Who runs sesame, as the operating system says (DESIGN.md §9).

The declared actor (`--actor`, `SESAME_ACTOR`) is whatever the caller typed;
these values are not: the user comes from the real uid, never from `USER` or
`LOGNAME`, and `SUDO_USER` is believed only when the real uid is root (sudo
sets it; any other user could set it to anyone).
"""

from __future__ import annotations

import grp
import os
import pwd
from dataclasses import dataclass
from functools import cache

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
    sudo_user = os.environ.get("SUDO_USER") if uid == 0 else None
    return Operator(name[:_NAME_LENGTH], sudo_user[:_NAME_LENGTH] if sudo_user else None)


def audit_columns() -> dict[str, str | None]:
    """The system's side of an audit row; the PostgreSQL role is the database's
    own default (`session_user`), not ours to say."""
    who = operator()
    return {"os_user": who.os_user, "sudo_user": who.sudo_user}


def caller_ids() -> tuple[int, frozenset[int]]:
    """The real uid, and the real gid with the supplementary groups of this process."""
    return os.getuid(), frozenset({os.getgid(), *os.getgroups()})


def group_id(name: str) -> int | None:
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        return None
