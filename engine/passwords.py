"""Password hashing, the new-password policy, and secret digests.

argon2 is CPU work without I/O, so it may live in the engine; the salt and
every random secret come in from the shell. argon2 is imported lazily: most
commands never hash anything.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Sequence
from datetime import date

from engine.errors import SesameError
from engine.outcomes import Code
from engine.policy import Argon2Params

MAX_PASSWORD_LENGTH = 128
# Temporary passwords: letters and digits without look-alikes (0/O, 1/l/I).
TEMP_PASSWORD_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
TEMP_PASSWORD_LENGTH = 10
# A salt for the decoy hash that makes an unknown identifier cost the same
# argon2 work as a known one; it protects nothing, so it may be constant.
_DECOY_SALT = b"sesame-decoy-salt"


def normalize(password: str) -> str:
    """NFKC, as NIST SP 800-63B advises, so the same typed text always hashes alike."""
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str, salt: bytes, params: Argon2Params) -> str:
    """An argon2id PHC string for `password` with the given salt."""
    from argon2.low_level import Type, hash_secret

    return hash_secret(
        normalize(password).encode(),
        salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_cost,
        parallelism=params.parallelism,
        hash_len=32,
        type=Type.ID,
    ).decode("ascii")


def verify_password(stored_hash: str | None, password: str, params: Argon2Params) -> bool:
    """True when `password` matches; with no hash, spend the same work and say no."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    secret = normalize(password).encode()
    if stored_hash is None:
        hash_password(password, _DECOY_SALT, params)
        return False
    try:
        return PasswordHasher().verify(stored_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str, params: Argon2Params) -> bool:
    """True when the hash was made with other argon2 parameters than configured."""
    from argon2 import PasswordHasher

    hasher = PasswordHasher(
        time_cost=params.time_cost,
        memory_cost=params.memory_cost,
        parallelism=params.parallelism,
    )
    return hasher.check_needs_rehash(stored_hash)


def secret_digest(secret: str) -> str:
    """SHA-256 of a temporary password or link token, as stored.

    Both are random, single use and short-lived (≥ 58 and ≥ 128 bits), so a
    fast hash suffices; the digest of a token is also its lookup key.
    """
    return hashlib.sha256(secret.strip().encode()).hexdigest()


def digests_equal(a: str | None, b: str) -> bool:
    """Constant-time comparison of two digests."""
    return a is not None and hmac.compare_digest(a, b)


def weak_password_reasons(
    password: str,
    *,
    min_length: int,
    nir: str,
    birth_date: date,
    email: str | None,
    context_words: Sequence[str] = (),
    blocked: bool = False,
    reused: bool = False,
) -> list[str]:
    """Every reason the new password is refused (empty when acceptable).

    `blocked` (on a blocklist) and `reused` (verifies against a recent hash of
    the account) are found by the shell, which reads the files and rows they
    need; `context_words` are the service's names (`context_words`).
    """
    text = normalize(password)
    folded = text.casefold()
    reasons = []
    if len(text) < min_length:
        reasons.append("too_short")
    if len(text) > MAX_PASSWORD_LENGTH:
        reasons.append("too_long")
    compact = "".join(ch for ch in folded if ch not in " .")
    if nir[:13].casefold() in compact:
        reasons.append("contains_nir")
    day, month, year = f"{birth_date:%d}", f"{birth_date:%m}", f"{birth_date:%Y}"
    forms = {day + month + year, year + month + day}
    forms |= {sep.join((day, month, year)) for sep in "/-. "}
    forms |= {sep.join((year, month, day)) for sep in "/-. "}
    if any(form in folded for form in forms):
        reasons.append("contains_birth_date")
    if email:
        local = email.rsplit("@", 1)[0].casefold()
        # A one- or two-letter local part would forbid half the alphabet.
        if len(local) >= 3 and local in folded:
            reasons.append("contains_email")
    if any(word in _unaccented(compact) for word in context_words):
        reasons.append("contains_service_name")
    if blocked:
        reasons.append("blocklisted")
    if reused:
        reasons.append("reused")
    return reasons


def _unaccented(text: str) -> str:
    """Without combining marks: "sésame" is "sesame"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Shorter names would forbid too much (an organisation called "CPA").
_MIN_CONTEXT_WORD = 4


def context_words(organization: str) -> tuple[str, ...]:
    """The service's names a new password may not contain (NIST SP 800-63B §5.1.1.2):
    "sesame" and the configured organisation, compacted and unaccented as the
    password is before the comparison."""
    words = ["sesame"]
    folded = normalize(organization).casefold()
    compact = _unaccented("".join(ch for ch in folded if ch not in " ."))
    if len(compact) >= _MIN_CONTEXT_WORD and compact not in words:
        words.append(compact)
    return tuple(words)


def blocklist_forms(password: str) -> tuple[str, ...]:
    """The forms a blocklist is searched for: normalised (NFKC) and case-folded
    first, then NFKC as sesame hashes it, then as typed (a breach corpus holds
    passwords as their owners typed them); without repeats."""
    text = normalize(password)
    return tuple(dict.fromkeys((text.casefold(), text, password)))


def reused_password(password: str, previous_hashes: Sequence[str], params: Argon2Params) -> bool:
    """True when `password` verifies against one of `previous_hashes`.

    One argon2 verification per hash at most (each at the cost of that hash's
    own parameters), stopping at the first match: the caller bounds the count
    by `password_history`.
    """
    return any(verify_password(stored, password, params) for stored in previous_hashes)


def check_new_password(
    new: str,
    confirmation: str,
    *,
    min_length: int,
    nir: str,
    birth_date: date,
    email: str | None,
    context_words: Sequence[str] = (),
    blocked: bool = False,
    reused: bool = False,
    history: int = 0,
) -> None:
    """Refuse a mismatched confirmation, then a weak password (exit 9 either way)."""
    if new != confirmation:
        raise SesameError(Code.PASSWORD_MISMATCH)
    reasons = weak_password_reasons(
        new,
        min_length=min_length,
        nir=nir,
        birth_date=birth_date,
        email=email,
        context_words=context_words,
        blocked=blocked,
        reused=reused,
    )
    if reasons:
        params: dict[str, object] = {"reasons": tuple(reasons), "min_length": min_length}
        if reused:
            params["history"] = history
        raise SesameError(Code.WEAK_PASSWORD, params=params)
