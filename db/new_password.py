"""A new password, checked and hashed: every refusal reason at once, then argon2.

The engine says which reasons apply; the shell finds the two that need
more than the password: `blocked` (the blocklist files, `db.blocklist`) and
`reused` (argon2 verifications against the account's last `password_history`
hashes, read by the caller: at most that many verifications, before any
transaction, as a login's one).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from db.blocklist import is_blocked
from db.store import Store
from db.unit_of_work import new_salt
from engine.passwords import check_new_password, context_words, hash_password, reused_password


def checked_hash(
    store: Store,
    new: str,
    confirmation: str,
    *,
    nir: str,
    birth_date: date,
    email: str | None,
    previous_hashes: Sequence[str] = (),
) -> str:
    """The argon2 hash of `new`, or `weak_password` / `password_mismatch` (exit 9)."""
    policy = store.settings.policy
    # A mismatch is refused before any reason: nothing to look up for it.
    typed_twice = new == confirmation
    check_new_password(
        new,
        confirmation,
        min_length=policy.password_min_length,
        nir=nir,
        birth_date=birth_date,
        email=email,
        context_words=context_words(policy.organization),
        blocked=typed_twice and is_blocked(new, policy.password_blocklist),
        reused=typed_twice and reused_password(new, previous_hashes, policy.argon2),
        history=policy.password_history,
    )
    return hash_password(new, new_salt(), policy.argon2)
