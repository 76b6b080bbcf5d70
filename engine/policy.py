"""The configurable policy (`sesame.toml`) and its validation.

Reading the file is the shell's job; checking what it says is pure, so it
lives here: an unknown key or a wrong type is refused naming the key.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.errors import invalid


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
class Policy:
    max_failed_attempts: int = 3
    lock_seconds: int = 0
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
    notify_on_lock: bool = True
    notify_on_password_change: bool = True
    notify_on_channel_change: bool = True
    reset_url: str = "https://espace-personnel.example/reinitialiser"
    organization: str = "Espace personnel"
    mail_from: str = "Espace personnel <ne-pas-repondre@espace-personnel.example>"
    argon2: Argon2Params = field(default_factory=Argon2Params)
    outbox: OutboxParams = field(default_factory=OutboxParams)


# Smallest sane value of each integer key; anything lower is refused.
_MINIMUM = {
    "max_failed_attempts": 1,
    "lock_seconds": 0,
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
    "time_cost": 1,
    "memory_cost": 8,
    "parallelism": 1,
    "max_delivery_attempts": 1,
    "retry_base_seconds": 1,
}
TRANSPORTS = ("files", "queue")
# A day, a year, a gibibyte of memory: beyond these a value is a mistake.
_MAXIMUM = {
    "password_min_length": 128,
    "memory_cost": 1 << 20,
    "time_cost": 100,
    "parallelism": 64,
    # A series of identity failures ends after a quiet day (engine.backoff).
    "identity_backoff_seconds": 24 * 3600,
    "identity_backoff_max_seconds": 24 * 3600,
}
_MAXIMUM_DEFAULT = 366 * 24 * 3600


def policy_from_toml(document: Mapping[str, Any]) -> Policy:
    """Build a Policy from a parsed `sesame.toml`; every key is optional."""
    unknown = set(document) - {"policy", "argon2", "outbox"}
    if unknown:
        raise invalid("config_unknown_key", key=min(unknown))
    policy_values = _section(document, "policy", Policy, skip={"argon2", "outbox"})
    argon2_values = _section(document, "argon2", Argon2Params, skip=set())
    outbox_values = _section(document, "outbox", OutboxParams, skip=set())
    if outbox_values.get("transport", "files") not in TRANSPORTS:
        raise invalid("config_choice", key="outbox.transport", choices=" | ".join(TRANSPORTS))
    _check_backoff(policy_values)
    return Policy(
        **policy_values,
        argon2=Argon2Params(**argon2_values),
        outbox=OutboxParams(**outbox_values),
    )


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
    expected = type(default)
    # bool is a subclass of int: `lock_seconds = true` must not pass as 1.
    if type(value) is not expected:
        raise invalid("config_type", key=qualified, expected=expected.__name__)
    if isinstance(value, int) and not isinstance(value, bool):
        low, high = _MINIMUM.get(key, 0), _MAXIMUM.get(key, _MAXIMUM_DEFAULT)
        if not low <= value <= high:
            raise invalid("config_range", key=qualified, low=low, high=high)
    if isinstance(value, str) and not value.strip():
        raise invalid("config_type", key=qualified, expected="non-empty str")
    return value
