"""`sesame.toml` validation: documented defaults, overrides, and refusals that name the key."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from engine.errors import SesameError
from engine.messages import error_message
from engine.policy import Argon2Params, Policy, policy_from_toml

YEAR = 366 * 24 * 3600  # the ceiling of every integer key without its own


def refusal(document: dict[str, Any]) -> SesameError:
    with pytest.raises(SesameError) as excinfo:
        policy_from_toml(document)
    assert excinfo.value.code == "invalid_input"
    return excinfo.value


def test_defaults_are_the_documented_ones() -> None:
    assert dataclasses.asdict(Policy()) == {
        "max_failed_attempts": 3,
        "lock_seconds": 0,
        "flow_ttl_seconds": 900,
        "sms_code_ttl_seconds": 600,
        "email_link_ttl_seconds": 1800,
        "max_code_attempts": 5,
        "resend_cooldown_seconds": 60,
        "max_codes_per_day": 5,
        "max_identity_failures": 5,
        "password_min_length": 12,
        "notify_on_lock": True,
        "notify_on_password_change": True,
        "notify_on_channel_change": True,
        "reset_url": "https://espace-personnel.example/reinitialiser",
        "organization": "Espace personnel",
        "mail_from": "Espace personnel <ne-pas-repondre@espace-personnel.example>",
        "argon2": {"time_cost": 2, "memory_cost": 19456, "parallelism": 1},
        "outbox": {"transport": "files", "max_delivery_attempts": 5, "retry_base_seconds": 30},
        "access": {"support_group": ""},
    }


def test_access_support_group_is_a_group_name() -> None:
    assert policy_from_toml({}).access.support_group == ""
    chosen = policy_from_toml({"access": {"support_group": "sesame-support"}})
    assert chosen.access.support_group == "sesame-support"
    for bad in ("", "two words", "x" * 33, "-leading-dash", "a;b"):
        error = refusal({"access": {"support_group": bad}})
        assert error.params["key"] == "access.support_group", bad


def test_outbox_transport_is_a_choice() -> None:
    assert policy_from_toml({"outbox": {"transport": "queue"}}).outbox.transport == "queue"
    with pytest.raises(SesameError) as excinfo:
        policy_from_toml({"outbox": {"transport": "pigeon"}})
    assert (excinfo.value.reason, excinfo.value.params["key"]) == (
        "config_choice",
        "outbox.transport",
    )


@pytest.mark.parametrize(
    "document", [{}, {"policy": {}}, {"argon2": {}}, {"policy": {}, "argon2": {}}]
)
def test_an_empty_document_gives_the_defaults(document: dict[str, Any]) -> None:
    assert policy_from_toml(document) == Policy()


def test_overrides_are_applied_and_the_rest_kept() -> None:
    policy = policy_from_toml(
        {
            "policy": {
                "max_failed_attempts": 5,
                "lock_seconds": 900,
                "notify_on_lock": False,
                "organization": "Ameli",
                "reset_url": "https://ameli.example/reset?x=1",
            },
            "argon2": {"time_cost": 3, "memory_cost": 65536},
        }
    )
    assert policy == dataclasses.replace(
        Policy(),
        max_failed_attempts=5,
        lock_seconds=900,
        notify_on_lock=False,
        organization="Ameli",
        reset_url="https://ameli.example/reset?x=1",
        argon2=Argon2Params(time_cost=3, memory_cost=65536, parallelism=1),
    )


@pytest.mark.parametrize(
    ("document", "key"),
    [
        ({"polcy": {"lock_seconds": 1}}, "polcy"),
        ({"policy": {}, "smtp": {}}, "smtp"),
        ({"policy": {"max_faild_attempts": 3}}, "policy.max_faild_attempts"),
        ({"policy": {"argon2": {"time_cost": 1}}}, "policy.argon2"),  # a section, not a key
        ({"argon2": {"memory": 1024}}, "argon2.memory"),
        ({"argon2": {"max_failed_attempts": 3}}, "argon2.max_failed_attempts"),
    ],
)
def test_unknown_key_is_named(document: dict[str, Any], key: str) -> None:
    error = refusal(document)
    assert error.reason == "config_unknown_key"
    assert dict(error.params) == {"key": key}


def test_unknown_key_message() -> None:
    error = refusal({"policy": {"max_faild_attempts": 3}})
    assert error_message(error.code, error.reason, error.params, "en") == (
        "Configuration: unknown key 'policy.max_faild_attempts'."
    )
    assert error_message(error.code, error.reason, error.params, "fr") == (
        "Configuration : clé inconnue « policy.max_faild_attempts »."
    )


@pytest.mark.parametrize(
    ("document", "key", "expected"),
    [
        ({"policy": {"lock_seconds": "900"}}, "policy.lock_seconds", "int"),
        ({"policy": {"max_failed_attempts": True}}, "policy.max_failed_attempts", "int"),
        ({"policy": {"lock_seconds": 1.5}}, "policy.lock_seconds", "int"),
        ({"policy": {"notify_on_lock": 1}}, "policy.notify_on_lock", "bool"),
        (
            {"policy": {"notify_on_password_change": "yes"}},
            "policy.notify_on_password_change",
            "bool",
        ),
        ({"policy": {"reset_url": 3}}, "policy.reset_url", "str"),
        ({"policy": {"organization": "  "}}, "policy.organization", "non-empty str"),
        ({"argon2": {"memory_cost": "19456"}}, "argon2.memory_cost", "int"),
        ({"argon2": {"parallelism": False}}, "argon2.parallelism", "int"),
        ({"policy": 3}, "policy", "table"),
        ({"argon2": ["time_cost"]}, "argon2", "table"),
    ],
)
def test_wrong_type_is_named(document: dict[str, Any], key: str, expected: str) -> None:
    error = refusal(document)
    assert error.reason == "config_type"
    assert dict(error.params) == {"key": key, "expected": expected}


def test_wrong_type_message() -> None:
    error = refusal({"policy": {"max_failed_attempts": True}})
    assert error_message(error.code, error.reason, error.params, "en") == (
        "Configuration: 'policy.max_failed_attempts' must be of type int."
    )


@pytest.mark.parametrize(
    ("document", "key", "low", "high"),
    [
        ({"policy": {"max_failed_attempts": 0}}, "policy.max_failed_attempts", 1, YEAR),
        ({"policy": {"lock_seconds": -1}}, "policy.lock_seconds", 0, YEAR),
        ({"policy": {"lock_seconds": YEAR + 1}}, "policy.lock_seconds", 0, YEAR),
        ({"policy": {"flow_ttl_seconds": 0}}, "policy.flow_ttl_seconds", 1, YEAR),
        ({"policy": {"max_code_attempts": 10**12}}, "policy.max_code_attempts", 1, YEAR),
        ({"policy": {"resend_cooldown_seconds": -60}}, "policy.resend_cooldown_seconds", 0, YEAR),
        ({"policy": {"password_min_length": 129}}, "policy.password_min_length", 1, 128),
        ({"policy": {"password_min_length": 0}}, "policy.password_min_length", 1, 128),
        ({"argon2": {"memory_cost": 7}}, "argon2.memory_cost", 8, 1 << 20),
        ({"argon2": {"memory_cost": (1 << 20) + 1}}, "argon2.memory_cost", 8, 1 << 20),
        ({"argon2": {"time_cost": 101}}, "argon2.time_cost", 1, 100),
        ({"argon2": {"parallelism": 0}}, "argon2.parallelism", 1, 64),
        ({"argon2": {"parallelism": 65}}, "argon2.parallelism", 1, 64),
    ],
)
def test_out_of_range_is_named(document: dict[str, Any], key: str, low: int, high: int) -> None:
    error = refusal(document)
    assert error.reason == "config_range"
    assert dict(error.params) == {"key": key, "low": low, "high": high}


def test_out_of_range_message() -> None:
    error = refusal({"policy": {"password_min_length": 129}})
    assert error_message(error.code, error.reason, error.params, "fr") == (
        "Configuration : « policy.password_min_length » doit être compris entre 1 et 128."
    )


@pytest.mark.parametrize(
    "document",
    [
        {"policy": {"lock_seconds": 0, "resend_cooldown_seconds": 0}},
        {"policy": {"lock_seconds": YEAR, "flow_ttl_seconds": 1}},
        {"policy": {"password_min_length": 128, "max_failed_attempts": 1}},
        {"argon2": {"memory_cost": 8, "time_cost": 100, "parallelism": 64}},
        {"argon2": {"memory_cost": 1 << 20, "time_cost": 1, "parallelism": 1}},
    ],
)
def test_bounds_themselves_are_accepted(document: dict[str, Any]) -> None:
    policy = policy_from_toml(document)
    for section, values in document.items():
        target = policy.argon2 if section == "argon2" else policy
        for key, value in values.items():
            assert getattr(target, key) == value
