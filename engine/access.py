"""Who may run support and operations commands (docs/access.md).

The member's own procedure is open to anyone who can run sesame; the commands
that act on any account (support) or on the installation (operations) are,
when `[access] support_group` is set, for that group's members and root. Root
is allowed because it can read and write the database files anyway: refusing
it would protect nothing.
"""

from __future__ import annotations


def may_support(uid: int, gids: frozenset[int], support_gid: int | None) -> bool:
    """Whether the caller (real uid, primary and supplementary gids) may run support
    and operations commands; `support_gid` None: no `[access]`, everyone may."""
    return support_gid is None or uid == 0 or support_gid in gids
