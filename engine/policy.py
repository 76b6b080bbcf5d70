"""The configurable policy (`sesame.toml`) and its validation.

Reading the file is the shell's job; checking what it says is pure, so it
lives here: an unknown key or a wrong type is refused naming the key.
"""

from __future__ import annotations

import dataclasses
import re
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
class AccessParams:
    """Who may run support and operations commands: members of `support_group`
    (and root). Empty: everyone who can run sesame, as before `[access]`."""

    support_group: str = ""


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
    password_min_length: int = 12
    notify_on_lock: bool = True
    notify_on_password_change: bool = True
    notify_on_channel_change: bool = True
    reset_url: str = "https://espace-personnel.example/reinitialiser"
    organization: str = "Espace personnel"
    mail_from: str = "Espace personnel <ne-pas-repondre@espace-personnel.example>"
    argon2: Argon2Params = field(default_factory=Argon2Params)
    outbox: OutboxParams = field(default_factory=OutboxParams)
    access: AccessParams = field(default_factory=AccessParams)


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
    "password_min_length": 1,
    "time_cost": 1,
    "memory_cost": 8,
    "parallelism": 1,
    "max_delivery_attempts": 1,
    "retry_base_seconds": 1,
}
TRANSPORTS = ("files", "queue")
# A POSIX group name (useradd's rule, and the length Linux allows).
_GROUP_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,31}")
# A day, a year, a gibibyte of memory: beyond these a value is a mistake.
_MAXIMUM = {
    "password_min_length": 128,
    "memory_cost": 1 << 20,
    "time_cost": 100,
    "parallelism": 64,
}
_MAXIMUM_DEFAULT = 366 * 24 * 3600


def policy_from_toml(document: Mapping[str, Any]) -> Policy:
    """Build a Policy from a parsed `sesame.toml`; every key is optional."""
    unknown = set(document) - {"policy", "argon2", "outbox", "access"}
    if unknown:
        raise invalid("config_unknown_key", key=min(unknown))
    policy_values = _section(document, "policy", Policy, skip={"argon2", "outbox", "access"})
    argon2_values = _section(document, "argon2", Argon2Params, skip=set())
    outbox_values = _section(document, "outbox", OutboxParams, skip=set())
    access_values = _section(document, "access", AccessParams, skip=set())
    if outbox_values.get("transport", "files") not in TRANSPORTS:
        raise invalid("config_choice", key="outbox.transport", choices=" | ".join(TRANSPORTS))
    group = access_values.get("support_group")
    if group is not None and not _GROUP_NAME.fullmatch(group):
        raise invalid("config_type", key="access.support_group", expected="group name")
    return Policy(
        **policy_values,
        argon2=Argon2Params(**argon2_values),
        outbox=OutboxParams(**outbox_values),
        access=AccessParams(**access_values),
    )


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
