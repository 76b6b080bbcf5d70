"""`sesame.toml` validation: documented defaults, overrides, and refusals that name the key."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from engine.errors import SesameError
from engine.messages import error_message
from engine.policy import Argon2Params, Policy, policy_from_toml

YEAR = 366 * 24 * 3600  # the ceiling of every integer key without its own
DAY = 24 * 3600  # the identity back-off's delays: a series ends after a quiet day


def refusal(document: dict[str, Any]) -> SesameError:
    with pytest.raises(SesameError) as excinfo:
        policy_from_toml(document)
    assert excinfo.value.code == "invalid_input"
    return excinfo.value


def test_defaults_are_the_documented_ones() -> None:
    assert dataclasses.asdict(Policy()) == {
        "max_failed_attempts": 3,
        "lock_seconds": 0,
        "failure_window_seconds": 0,
        "lock_reset_seconds": 86400,
        "permanent_after": 0,
        "flow_ttl_seconds": 900,
        "sms_code_ttl_seconds": 600,
        "email_link_ttl_seconds": 1800,
        "max_code_attempts": 5,
        "resend_cooldown_seconds": 60,
        "max_codes_per_day": 5,
        "max_identity_failures": 5,
        "identity_backoff_seconds": 900,
        "identity_backoff_max_seconds": 86400,
        "max_refused_logins": 10,
        "password_min_length": 12,
        "password_history": 4,
        "password_blocklist": "",
        "notify_on_lock": True,
        "notify_on_password_change": True,
        "notify_on_channel_change": True,
        "reset_url": "https://espace-personnel.example/reinitialiser",
        "organization": "Espace personnel",
        "mail_from": "Espace personnel <ne-pas-repondre@espace-personnel.example>",
        "default_language": "fr",
        "argon2": {"time_cost": 2, "memory_cost": 19456, "parallelism": 1},
        "outbox": {"transport": "files", "max_delivery_attempts": 5, "retry_base_seconds": 30},
        "access": {"support_group": ""},
        "web": {
            "trusted_proxies": ("127.0.0.1", "::1"),
            "max_attempts_per_source": 30,
            "source_window_seconds": 60,
        },
    }


def test_web_trusted_proxies_are_addresses_or_networks() -> None:
    chosen = policy_from_toml({"web": {"trusted_proxies": ["10.0.0.0/8", "2001:db8::1"]}})
    assert chosen.web.trusted_proxies == ("10.0.0.0/8", "2001:db8::1")
    for bad in ("10.0.0.1", ["proxy.example"], ["10.0.0.0/33"], [1]):
        error = refusal({"web": {"trusted_proxies": bad}})
        assert error.params["key"] == "web.trusted_proxies", bad


def test_web_source_limit_may_be_off_not_negative() -> None:
    assert (
        policy_from_toml({"web": {"max_attempts_per_source": 0}}).web.max_attempts_per_source == 0
    )
    assert refusal({"web": {"max_attempts_per_source": -1}}).params["key"] == (
        "web.max_attempts_per_source"
    )
    assert refusal({"web": {"source_window_seconds": 0}}).params["key"] == (
        "web.source_window_seconds"
    )
    assert refusal({"web": {"port": 8080}}).params["key"] == "web.port"


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


def test_default_language_is_fr_or_en_in_any_case() -> None:
    assert Policy().default_language == "fr"
    for given, kept in (("en", "en"), ("EN", "en"), ("Fr", "fr")):
        chosen = policy_from_toml({"policy": {"default_language": given}})
        assert chosen.default_language == kept
    for bad in ("de", "english", "e n"):
        error = refusal({"policy": {"default_language": bad}})
        assert (error.reason, error.params["key"]) == ("config_choice", "policy.default_language")
    assert error_message(error.code, error.reason, error.params, "fr") == (
        "Configuration : « policy.default_language » doit valoir fr | en."
    )
    wrong_type = refusal({"policy": {"default_language": 1}})
    assert (wrong_type.reason, wrong_type.params["key"]) == (
        "config_type",
        "policy.default_language",
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
        ({"policy": {"password_history": "4"}}, "policy.password_history", "int"),
        ({"policy": {"password_history": True}}, "policy.password_history", "int"),
        ({"policy": {"password_blocklist": 1}}, "policy.password_blocklist", "str"),
        ({"policy": {"password_blocklist": " "}}, "policy.password_blocklist", "non-empty str"),
        ({"argon2": {"memory_cost": "19456"}}, "argon2.memory_cost", "int"),
        ({"argon2": {"parallelism": False}}, "argon2.parallelism", "int"),
        ({"policy": {"identity_backoff_seconds": "15m"}}, "policy.identity_backoff_seconds", "int"),
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
        ({"policy": {"password_history": -1}}, "policy.password_history", 0, 24),
        ({"policy": {"password_history": 25}}, "policy.password_history", 0, 24),
        ({"argon2": {"memory_cost": 7}}, "argon2.memory_cost", 8, 1 << 20),
        ({"argon2": {"memory_cost": (1 << 20) + 1}}, "argon2.memory_cost", 8, 1 << 20),
        ({"argon2": {"time_cost": 101}}, "argon2.time_cost", 1, 100),
        ({"argon2": {"parallelism": 0}}, "argon2.parallelism", 1, 64),
        ({"argon2": {"parallelism": 65}}, "argon2.parallelism", 1, 64),
        ({"policy": {"identity_backoff_seconds": 0}}, "policy.identity_backoff_seconds", 1, DAY),
        (
            {"policy": {"identity_backoff_max_seconds": DAY + 1}},
            "policy.identity_backoff_max_seconds",
            1,
            DAY,
        ),
        # The first delay may not exceed the cap: the key given is named.
        (
            {"policy": {"identity_backoff_seconds": 3600, "identity_backoff_max_seconds": 1800}},
            "policy.identity_backoff_seconds",
            1,
            1800,
        ),
        (
            {"policy": {"identity_backoff_max_seconds": 600}},
            "policy.identity_backoff_max_seconds",
            900,
            DAY,
        ),
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
        {"policy": {"password_history": 0}},
        {"policy": {"password_history": 24, "password_blocklist": "/srv/pwned.txt"}},
        {"argon2": {"memory_cost": 8, "time_cost": 100, "parallelism": 64}},
        {"argon2": {"memory_cost": 1 << 20, "time_cost": 1, "parallelism": 1}},
        {"policy": {"identity_backoff_seconds": 1, "identity_backoff_max_seconds": 1}},
        {"policy": {"identity_backoff_seconds": DAY, "identity_backoff_max_seconds": DAY}},
        {"policy": {"identity_backoff_seconds": 60}},
    ],
)
def test_bounds_themselves_are_accepted(document: dict[str, Any]) -> None:
    policy = policy_from_toml(document)
    for section, values in document.items():
        target = policy.argon2 if section == "argon2" else policy
        for key, value in values.items():
            assert getattr(target, key) == value


# --- texts that reach a message or a header -----------------------------------------

FORBIDDEN = [
    ("\r\n", "U+000D"),
    ("\n", "U+000A"),
    ("\x00", "U+0000"),
    ("\x1b[2J", "U+001B"),
    ("\x85", "U+0085"),
    ("\u2028", "U+2028"),
    ("\u2029", "U+2029"),
    ("\u202e", "U+202E"),
    ("\u2066", "U+2066"),
    ("\u200f", "U+200F"),
    ("\ufeff", "U+FEFF"),
    ("\ud800", "U+D800"),
]


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("organization", "Ameli{}Bcc: x@evil.example"),
        ("mail_from", "Ameli{} <ne-pas-repondre@ameli.example>"),
        ("mail_from", "Ameli <ne-pas-repondre@ameli.example>{}Bcc: x@evil.example"),
        ("reset_url", "https://ameli.example/reset{}x"),
    ],
)
@pytest.mark.parametrize(("char", "named"), FORBIDDEN)
def test_control_and_line_separator_characters_are_refused(
    key: str, text: str, char: str, named: str
) -> None:
    error = refusal({"policy": {key: text.format(char)}})
    assert error.reason == "config_text"
    assert dict(error.params) == {"key": f"policy.{key}", "char": named}


def test_forbidden_character_message() -> None:
    error = refusal({"policy": {"organization": "Ameli\u2028"}})
    assert error_message(error.code, error.reason, error.params, "en") == (
        "Configuration: 'policy.organization' contains a forbidden character (U+2028): "
        "control, formatting and line-separator characters cannot go into a message."
    )
    assert error_message(error.code, error.reason, error.params, "fr") == (
        "Configuration : « policy.organization » contient un caractère interdit (U+2028) : "
        "caractères de contrôle, de mise en forme et séparateurs de ligne ne peuvent pas "
        "figurer dans un message."
    )


@pytest.mark.parametrize(
    ("key", "text", "high"),
    [
        ("organization", "A" * 101, 100),
        ("organization", "A" * 5_000_000, 100),
        ("mail_from", "A" * 310 + " <a@ameli.example>", 320),
        ("reset_url", "https://ameli.example/" + "r" * 1000, 1000),
        ("transport", "files" * 30, 100),
        ("password_blocklist", "/" + "p" * 4096, 4096),
    ],
)
def test_texts_longer_than_their_limit_are_refused(key: str, text: str, high: int) -> None:
    section = "outbox" if key == "transport" else "policy"
    error = refusal({section: {key: text}})
    assert error.reason == "config_length"
    assert dict(error.params) == {"key": f"{section}.{key}", "high": high}


def test_length_message() -> None:
    error = refusal({"policy": {"organization": "A" * 101}})
    assert error_message(error.code, error.reason, error.params, "fr") == (
        "Configuration : « policy.organization » dépasse 100 caractères."
    )


@pytest.mark.parametrize(
    "value",
    [
        "Ameli, Inc <ne-pas-repondre@ameli.example>",  # two addresses
        "a@ameli.example, b@ameli.example",
        "group: a@ameli.example;",
        "Ameli <ne-pas-repondre@ameli.example",
        "Ameli",
        "<>",
        "ne-pas-repondre",
        "Ameli <ne-pas-répondre@ameli.example>",  # the SMTP envelope needs ASCII
        "Ameli <ne-pas-repondre@localhost>",
        "Ameli <a@[192.0.2.1]>",
        # A group inside a group: the standard library's parser fails on it with
        # an AttributeError (found by the hostile-configuration test).
        "https://ameli.example/reset; DROP TABLE accounts;Ameli",
    ],
)
def test_mail_from_must_be_one_valid_address(value: str) -> None:
    error = refusal({"policy": {"mail_from": value}})
    assert error.reason == "config_mail_from"
    assert error.params["key"] == "policy.mail_from"


@pytest.mark.parametrize(
    "value",
    [
        "ne-pas-repondre@ameli.example",
        "<ne-pas-repondre@ameli.example>",
        "Ameli <ne-pas-repondre@ameli.example>",
        '"Ameli, Assurance Maladie" <ne-pas-repondre@ameli.example>',
        "Assurance Maladie – Ameli <ne-pas-repondre@ameli.example>",
    ],
)
def test_mail_from_accepts_an_address_with_or_without_a_name(value: str) -> None:
    assert policy_from_toml({"policy": {"mail_from": value}}).mail_from == value


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        ("https://ameli.example/reset#token", "fragment"),
        ("https://ameli.example/reset?x=1#", "fragment"),
        ("http://ameli.example/reset", "scheme"),
        ("ftp://ameli.example/reset", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("ameli.example/reset", "scheme"),
        ("https:///reset", "host"),
        ("https://ameli.example/re set", "space"),
        ("https://user:pw@ameli.example/reset", "credentials"),
    ],
)
def test_reset_url_must_be_https_without_fragment(value: str, detail: str) -> None:
    error = refusal({"policy": {"reset_url": value}})
    assert error.reason == "config_url"
    assert dict(error.params) == {"key": "policy.reset_url", "problem": detail}


@pytest.mark.parametrize(
    "value",
    [
        "https://espace-personnel.example/reinitialiser",
        "https://ameli.example/reset?x=1",
        "https://ameli.example:8443/reset",
        "http://localhost:8000/reset",
        "http://127.0.0.1/reset",
        "http://[::1]:8080/reset",
    ],
)
def test_reset_url_accepts_https_and_local_http(value: str) -> None:
    assert policy_from_toml({"policy": {"reset_url": value}}).reset_url == value


def test_url_message() -> None:
    error = refusal({"policy": {"reset_url": "https://ameli.example/reset#x"}})
    assert error_message(error.code, error.reason, error.params, "en") == (
        "Configuration: 'policy.reset_url' must be an https:// address (http:// only for "
        "localhost) without credentials, spaces or #fragment (here: fragment)."
    )


def test_lock_seconds_may_be_a_list() -> None:
    policy = policy_from_toml(
        {"policy": {"lock_seconds": [60, 300, 900], "lock_reset_seconds": 3600}}
    )
    assert policy.lock_seconds == (60, 300, 900)
    assert policy.lock_reset_seconds == 3600
    assert (
        policy_from_toml({"policy": {"failure_window_seconds": 900}}).failure_window_seconds == 900
    )


@pytest.mark.parametrize(
    ("document", "reason", "params"),
    [
        (
            {"policy": {"lock_seconds": []}},
            "config_list",
            {"key": "policy.lock_seconds", "high": 20},
        ),
        (
            {"policy": {"lock_seconds": list(range(1, 22))}},
            "config_list",
            {"key": "policy.lock_seconds", "high": 20},
        ),
        (
            {"policy": {"lock_seconds": [60, "5m"]}},
            "config_type",
            {"key": "policy.lock_seconds", "expected": "int"},
        ),
        (
            {"policy": {"lock_seconds": [60, True]}},
            "config_type",
            {"key": "policy.lock_seconds", "expected": "int"},
        ),
        (
            {"policy": {"lock_seconds": [60, 0]}},
            "config_range",
            {"key": "policy.lock_seconds", "low": 1, "high": YEAR},
        ),
        (
            {"policy": {"failure_window_seconds": -1}},
            "config_range",
            {"key": "policy.failure_window_seconds", "low": 0, "high": YEAR},
        ),
        (
            {"policy": {"failure_window_seconds": "15m"}},
            "config_type",
            {"key": "policy.failure_window_seconds", "expected": "int"},
        ),
        (
            {"policy": {"lock_reset_seconds": 0}},
            "config_range",
            {"key": "policy.lock_reset_seconds", "low": 1, "high": YEAR},
        ),
        (
            {"policy": {"lock_seconds": [60, 300], "permanent_after": 4}},
            "config_range",
            {"key": "policy.permanent_after", "low": 0, "high": 3},
        ),
        (
            {"policy": {"permanent_after": 2}},
            "config_range",
            {"key": "policy.permanent_after", "low": 0, "high": 1},
        ),
        (
            {"policy": {"lock_seconds": 600, "permanent_after": 21}},
            "config_range",
            {"key": "policy.permanent_after", "low": 0, "high": 20},
        ),
        (
            {"policy": {"permanent_after": -1}},
            "config_range",
            {"key": "policy.permanent_after", "low": 0, "high": YEAR},
        ),
    ],
)
def test_lockout_settings_are_refused_naming_the_key(
    document: dict[str, Any], reason: str, params: dict[str, object]
) -> None:
    error = refusal(document)
    assert error.reason == reason
    assert dict(error.params) == params


def test_lock_list_message() -> None:
    error = refusal({"policy": {"lock_seconds": []}})
    assert error_message(error.code, error.reason, error.params, "fr") == (
        "Configuration : « policy.lock_seconds » doit être une durée ou une liste de 1 à 20 durées."
    )
