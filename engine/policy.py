"""The configurable policy (`sesame.toml`) and its validation.

Reading the file is the shell's job; checking what it says is pure, so it
lives here: an unknown key or a wrong type is refused naming the key. A text
goes into email headers, SMS and the SMTP envelope, so it is checked as
strictly as the message it will end in: a value that would break a message
after the transaction that queued it is refused before any command runs.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.errors import SesameError, invalid
from engine.languages import DEFAULT_LANGUAGE, LANGS, normalise_language
from engine.unsafe_text import is_unsafe


@dataclass(frozen=True)
class Argon2Params:
    time_cost: int = 2
    memory_cost: int = 19456
    parallelism: int = 1


@dataclass(frozen=True)
class OutboxParams:
    """How messages leave: written to files at once, or queued for `outbox deliver`."""

    transport: str = "files"
    max_delivery_attempts: int = 5
    retry_base_seconds: int = 30


@dataclass(frozen=True)
class AccessParams:
    """Who may run support and operations commands: members of `support_group`
    (and root). Empty: everyone who can run sesame, as before `[access]`."""

    support_group: str = ""


@dataclass(frozen=True)
class WebParams:
    """`sesame serve`: the proxies whose X-Forwarded-For/Proto are believed (with
    `--behind-proxy`), and the per-source limit on sign-ins and identity checks:
    at most `max_attempts_per_source` within `source_window_seconds` (0: no limit)."""

    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")
    max_attempts_per_source: int = 30
    source_window_seconds: int = 60


@dataclass(frozen=True)
class Policy:
    max_failed_attempts: int = 3
    # 0: a lock lasts until a recovery or support's unlock (the procedure); N:
    # every lock lasts N s; a list (progressive): the n-th lock within
    # `lock_reset_seconds` lasts the n-th duration (engine.lockout).
    lock_seconds: int | tuple[int, ...] = 0
    # 0: consecutive failures until a success (the procedure); N: only the
    # failures of the last N s count toward max_failed_attempts.
    failure_window_seconds: int = 0
    # How long a lock still counts toward the next one's rank.
    lock_reset_seconds: int = 86400
    # The rank of the first lock without end (0: after the list of lock_seconds).
    permanent_after: int = 0
    flow_ttl_seconds: int = 900
    sms_code_ttl_seconds: int = 600
    email_link_ttl_seconds: int = 1800
    max_code_attempts: int = 5
    resend_cooldown_seconds: int = 60
    max_codes_per_day: int = 5
    max_identity_failures: int = 5
    identity_backoff_seconds: int = 900
    identity_backoff_max_seconds: int = 86400
    max_refused_logins: int = 10
    password_min_length: int = 12
    # The account's last N passwords (its current one included) may not come back; 0: off.
    password_history: int = 4
    # The operator's own blocklist (plain or Have I Been Pwned SHA-1 file); "": none.
    password_blocklist: str = ""
    notify_on_lock: bool = True
    notify_on_password_change: bool = True
    notify_on_channel_change: bool = True
    reset_url: str = "https://espace-personnel.example/reinitialiser"
    organization: str = "Espace personnel"
    mail_from: str = "Espace personnel <ne-pas-repondre@espace-personnel.example>"
    # A new member's language when `account add`/`import` does not say (fr | en).
    default_language: str = DEFAULT_LANGUAGE
    argon2: Argon2Params = field(default_factory=Argon2Params)
    outbox: OutboxParams = field(default_factory=OutboxParams)
    access: AccessParams = field(default_factory=AccessParams)
    web: WebParams = field(default_factory=WebParams)


# Smallest sane value of each integer key; anything lower is refused.
_MINIMUM = {
    "max_failed_attempts": 1,
    "lock_seconds": 0,
    "failure_window_seconds": 0,
    "lock_reset_seconds": 1,
    "permanent_after": 0,
    "flow_ttl_seconds": 1,
    "sms_code_ttl_seconds": 1,
    "email_link_ttl_seconds": 1,
    "max_code_attempts": 1,
    "resend_cooldown_seconds": 0,
    "max_codes_per_day": 1,
    "max_identity_failures": 1,
    "identity_backoff_seconds": 1,
    "identity_backoff_max_seconds": 1,
    "max_refused_logins": 1,
    "password_min_length": 1,
    "password_history": 0,
    "time_cost": 1,
    "memory_cost": 8,
    "parallelism": 1,
    "max_delivery_attempts": 1,
    "retry_base_seconds": 1,
    "max_attempts_per_source": 0,
    "source_window_seconds": 1,
}
TRANSPORTS = ("files", "queue")
# A POSIX group name (useradd's rule, and the length Linux allows).
_GROUP_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,31}")
# The largest argon2 parameters sesame accepts, in sesame.toml and in an
# imported hash (whose parameters the next login pays): a gibibyte of memory.
ARGON2_MAXIMUM = {"memory_cost": 1 << 20, "time_cost": 100, "parallelism": 64}
# Windows' own ceiling ("Enforce password history": 24).
PASSWORD_HISTORY_MAXIMUM = 24
# A day, a year: beyond these a value is a mistake.
_MAXIMUM = {
    "password_min_length": 128,
    # Each remembered password costs one argon2 verification per new password.
    "password_history": PASSWORD_HISTORY_MAXIMUM,
    **ARGON2_MAXIMUM,
    # A series of identity failures ends after a quiet day (engine.backoff).
    "identity_backoff_seconds": 24 * 3600,
    "identity_backoff_max_seconds": 24 * 3600,
}
_MAXIMUM_DEFAULT = 366 * 24 * 3600
# Longest text of each key, in characters (the organization names every SMS).
_TEXT_MAXIMUM = {
    "organization": 100,
    "mail_from": 320,
    "reset_url": 1000,
    "password_blocklist": 4096,  # PATH_MAX
}
_TEXT_MAXIMUM_DEFAULT = 100
# http:// is for a developer's own machine only: the link carries the token.
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def policy_from_toml(document: Mapping[str, Any]) -> Policy:
    """Build a Policy from a parsed `sesame.toml`; every key is optional."""
    unknown = set(document) - {"policy", "argon2", "outbox", "access", "web"}
    if unknown:
        raise invalid("config_unknown_key", key=min(unknown))
    policy_values = _section(document, "policy", Policy, skip={"argon2", "outbox", "access", "web"})
    argon2_values = _section(document, "argon2", Argon2Params, skip=set())
    outbox_values = _section(document, "outbox", OutboxParams, skip=set())
    access_values = _section(document, "access", AccessParams, skip=set())
    web_values = _section(document, "web", WebParams, skip=set())
    if outbox_values.get("transport", "files") not in TRANSPORTS:
        raise invalid("config_choice", key="outbox.transport", choices=" | ".join(TRANSPORTS))
    _check_backoff(policy_values)
    if "default_language" in policy_values:
        language = normalise_language(policy_values["default_language"])
        if language is None:
            choices = " | ".join(LANGS)
            raise invalid("config_choice", key="policy.default_language", choices=choices)
        policy_values["default_language"] = language
    _check_lockout(policy_values)
    group = access_values.get("support_group")
    if group is not None and not _GROUP_NAME.fullmatch(group):
        raise invalid("config_type", key="access.support_group", expected="group name")
    return Policy(
        **policy_values,
        argon2=Argon2Params(**argon2_values),
        outbox=OutboxParams(**outbox_values),
        access=AccessParams(**access_values),
        web=WebParams(**web_values),
    )


# A progressive list longer than this is a mistake (and `policy simulate` prints each).
MAX_LOCK_STEPS = 20


def _check_lockout(values: dict[str, Any]) -> None:
    """`lock_seconds` as a list, and `permanent_after` within what the list allows."""
    durations = values.get("lock_seconds", 0)
    if isinstance(durations, tuple):
        if not 1 <= len(durations) <= MAX_LOCK_STEPS:
            raise invalid("config_list", key="policy.lock_seconds", high=MAX_LOCK_STEPS)
        for duration in durations:
            if type(duration) is not int:
                raise invalid("config_type", key="policy.lock_seconds", expected="int")
            if not 1 <= duration <= _MAXIMUM_DEFAULT:
                high = _MAXIMUM_DEFAULT
                raise invalid("config_range", key="policy.lock_seconds", low=1, high=high)
    # a list: its locks then one without end; one duration: any rank; 0: every lock is permanent
    if isinstance(durations, tuple):
        high = len(durations) + 1
    else:
        high = 1 if durations == 0 else MAX_LOCK_STEPS
    if values.get("permanent_after", 0) > high:
        raise invalid("config_range", key="policy.permanent_after", low=0, high=high)


def _check_backoff(values: Mapping[str, Any]) -> None:
    """The first delay cannot exceed the cap: name the key given out of its range."""
    first = values.get("identity_backoff_seconds", Policy.identity_backoff_seconds)
    cap = values.get("identity_backoff_max_seconds", Policy.identity_backoff_max_seconds)
    if first <= cap:
        return
    if "identity_backoff_seconds" in values:
        raise invalid("config_range", key="policy.identity_backoff_seconds", low=1, high=cap)
    high = _MAXIMUM["identity_backoff_max_seconds"]
    raise invalid("config_range", key="policy.identity_backoff_max_seconds", low=first, high=high)


def _section(
    document: Mapping[str, Any], name: str, cls: type[Any], skip: set[str]
) -> dict[str, Any]:
    table = document.get(name, {})
    if not isinstance(table, Mapping):
        raise invalid("config_type", key=name, expected="table")
    defaults = {f.name: f.default for f in dataclasses.fields(cls) if f.name not in skip}
    values: dict[str, Any] = {}
    for key, value in table.items():
        qualified = f"{name}.{key}"
        if key not in defaults:
            raise invalid("config_unknown_key", key=qualified)
        values[key] = _checked(qualified, key, value, defaults[key])
    return values


def _checked(qualified: str, key: str, value: object, default: object) -> object:
    if key == "lock_seconds" and isinstance(value, list):
        return tuple(value)  # progressive locking: checked by _check_lockout
    if key == "trusted_proxies":
        return _proxies(qualified, value)
    expected = type(default)
    # bool is a subclass of int: `lock_seconds = true` must not pass as 1.
    if type(value) is not expected:
        raise invalid("config_type", key=qualified, expected=expected.__name__)
    if isinstance(value, int) and not isinstance(value, bool):
        low, high = _MINIMUM.get(key, 0), _MAXIMUM.get(key, _MAXIMUM_DEFAULT)
        if not low <= value <= high:
            raise invalid("config_range", key=qualified, low=low, high=high)
    if isinstance(value, str):
        _check_text(qualified, key, value)
    return value


def _check_text(qualified: str, key: str, value: str) -> None:
    """Non-empty, bounded, printable, and what its key needs (an address, a URL)."""
    if not value.strip():
        raise invalid("config_type", key=qualified, expected="non-empty str")
    high = _TEXT_MAXIMUM.get(key, _TEXT_MAXIMUM_DEFAULT)
    if len(value) > high:
        raise invalid("config_length", key=qualified, high=high)
    for char in value:
        # a header refuses them after the fact, and they disguise a text on a screen
        if is_unsafe(char):
            raise invalid("config_text", key=qualified, char=f"U+{ord(char):04X}")
    check = _TEXT_CHECKS.get(key)
    if check is not None:
        check(qualified, value)


def _check_mail_from(qualified: str, value: str) -> None:
    """One address, optionally named, that the From header and the SMTP envelope agree on.

    The envelope (`parseaddr`) and the header (the email package's parser)
    must read the same address; ASCII only, as a plain SMTP server expects.
    """
    from email.errors import HeaderParseError
    from email.headerregistry import AddressHeader, HeaderRegistry
    from email.utils import parseaddr

    from email_validator import EmailNotValidError, validate_email  # lazy: slow import

    try:
        header = HeaderRegistry()("From", value)
    # AttributeError: the parser meets a group where it expects a mailbox
    # ("a: b;c" without a closing address) and trips over its own objects.
    except (HeaderParseError, ValueError, IndexError, AttributeError) as exc:
        raise invalid("config_mail_from", key=qualified, detail=str(exc)) from None
    assert isinstance(header, AddressHeader)  # what the registry makes of "From"
    groups = header.groups
    if header.defects or len(groups) != 1 or groups[0].display_name or len(header.addresses) != 1:
        raise invalid("config_mail_from", key=qualified, detail_key="one_address")
    address = header.addresses[0].addr_spec
    if parseaddr(value)[1] != address:
        raise invalid("config_mail_from", key=qualified, detail_key="ambiguous_address")
    try:
        validate_email(address, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise invalid("config_mail_from", key=qualified, detail=str(exc)) from None


def _check_reset_url(qualified: str, value: str) -> None:
    """https:// (http:// on localhost), a host, no credentials, no fragment.

    The token is appended to the query; after a `#` it would land in the
    fragment, which the site never receives and the browser keeps in history.
    """
    from urllib.parse import urlsplit

    def refuse(problem: str) -> SesameError:
        return invalid("config_url", key=qualified, problem=problem)

    if any(char.isspace() for char in value):
        raise refuse("space")
    try:
        parts = urlsplit(value)
        host, _ = parts.hostname, parts.port
    except ValueError:
        raise refuse("host") from None
    if not (parts.scheme == "https" or (parts.scheme == "http" and host in _LOCAL_HOSTS)):
        raise refuse("scheme")
    if not host:
        raise refuse("host")
    if parts.username is not None or parts.password is not None:
        raise refuse("credentials")
    if "#" in value:
        raise refuse("fragment")


def _proxies(qualified: str, value: object) -> tuple[str, ...]:
    """`[web] trusted_proxies`: a list of IP addresses or networks (`10.0.0.0/8`)."""
    import ipaddress

    if not isinstance(value, list):
        raise invalid("config_type", key=qualified, expected="list of IP addresses")
    for item in value:
        try:
            ipaddress.ip_network(item if isinstance(item, str) else "", strict=False)
        except ValueError:
            raise invalid("config_type", key=qualified, expected="list of IP addresses") from None
    return tuple(value)


_TEXT_CHECKS: dict[str, Callable[[str, str], None]] = {
    "mail_from": _check_mail_from,
    "reset_url": _check_reset_url,
}
