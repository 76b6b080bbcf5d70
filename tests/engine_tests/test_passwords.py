"""Password hashing, the new-password policy and secret digests."""

from __future__ import annotations

import hashlib
import inspect
from datetime import date

import pytest

from engine import passwords
from engine.errors import SesameError
from engine.passwords import (
    MAX_PASSWORD_LENGTH,
    TEMP_PASSWORD_ALPHABET,
    TEMP_PASSWORD_LENGTH,
    blocklist_forms,
    check_new_password,
    context_words,
    digests_equal,
    hash_password,
    needs_rehash,
    normalize,
    reused_password,
    secret_digest,
    verify_password,
    weak_password_reasons,
)
from engine.policy import Argon2Params

FAST = Argon2Params(time_cost=1, memory_cost=8, parallelism=1)
SALT = b"0123456789abcdef"  # 16 bytes, as the shell draws them
NIR = "285037512345618"
BIRTH = date(1985, 3, 14)
EMAIL = "marie.curie@example.fr"
GOOD = "Correct-Horse-Battery-Staple"


def reasons(password: str, *, email: str | None = EMAIL, min_length: int = 12) -> list[str]:
    return weak_password_reasons(
        password, min_length=min_length, nir=NIR, birth_date=BIRTH, email=email
    )


# --- hashing --------------------------------------------------------------------


def test_hash_and_verify_round_trip() -> None:
    stored = hash_password(GOOD, SALT, FAST)
    assert stored.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert verify_password(stored, GOOD, FAST)
    assert not verify_password(stored, GOOD + "!", FAST)
    assert not verify_password(stored, GOOD.lower(), FAST)


def test_hash_with_default_parameters() -> None:
    stored = hash_password(GOOD, SALT, Argon2Params())
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_password(stored, GOOD, Argon2Params())
    assert not needs_rehash(stored, Argon2Params())


def test_same_salt_same_hash_other_salt_other_hash() -> None:
    assert hash_password(GOOD, SALT, FAST) == hash_password(GOOD, SALT, FAST)
    assert hash_password(GOOD, SALT, FAST) != hash_password(GOOD, b"fedcba9876543210", FAST)


def test_verify_without_a_hash_says_no() -> None:
    assert verify_password(None, GOOD, FAST) is False
    assert verify_password(None, "", FAST) is False


def test_verify_a_malformed_hash_says_no() -> None:
    assert verify_password("not-a-phc-string", GOOD, FAST) is False


def test_needs_rehash_with_other_parameters() -> None:
    stored = hash_password(GOOD, SALT, FAST)
    assert not needs_rehash(stored, FAST)
    assert needs_rehash(stored, Argon2Params(time_cost=2, memory_cost=8, parallelism=1))
    assert needs_rehash(stored, Argon2Params(time_cost=1, memory_cost=16, parallelism=1))
    assert needs_rehash(stored, Argon2Params())


def test_nfkc_normalization_makes_full_width_match_ascii() -> None:
    fullwidth = "Ｃｏｒｒｅｃｔ－Ｈｏｒｓｅ"  # as typed with an IME
    assert normalize(fullwidth) == "Correct-Horse"
    stored = hash_password("Correct-Horse", SALT, FAST)
    assert verify_password(stored, fullwidth, FAST)
    # Composed and decomposed accents are the same password.
    assert verify_password(hash_password("café-crème", SALT, FAST), "cafe\u0301-cre\u0300me", FAST)


# --- the new-password policy -----------------------------------------------------


def test_a_good_password_has_no_reasons() -> None:
    assert reasons(GOOD) == []
    assert reasons("x" * MAX_PASSWORD_LENGTH) == []


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Short-1", ["too_short"]),
        ("a" * 11, ["too_short"]),
        ("a" * 129, ["too_long"]),
        # the NIR's first 13 characters, however they are spaced or dotted
        ("mon-2850375123456-code", ["contains_nir"]),
        ("x 2 85 03 75 123 456 y", ["contains_nir"]),
        ("x2.85.03.75.123.456y", ["contains_nir"]),
        # the birth date in every common form
        ("ne-le-14031985!", ["contains_birth_date"]),
        ("ne-le-19850314!", ["contains_birth_date"]),
        ("ne le 14/03/1985", ["contains_birth_date"]),
        ("ne le 14-03-1985", ["contains_birth_date"]),
        ("ne le 14.03.1985", ["contains_birth_date"]),
        ("ne le 14 03 1985", ["contains_birth_date"]),
        ("ne le 1985/03/14", ["contains_birth_date"]),
        ("ne le 1985-03-14", ["contains_birth_date"]),
        ("ne le 1985.03.14", ["contains_birth_date"]),
        ("ne le 1985 03 14", ["contains_birth_date"]),
        # the e-mail's local part, in any case
        ("Marie.Curie-is-me", ["contains_email"]),
        ("xxMARIE.CURIExx", ["contains_email"]),
    ],
)
def test_weak_password_reasons(password: str, expected: list[str]) -> None:
    assert reasons(password) == expected


def test_year_alone_or_other_date_is_fine() -> None:
    assert reasons("born-in-1985-ok") == []
    assert reasons("ne le 15/03/1985") == []


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("jo@example.fr", []),  # a two-letter local part would forbid too much
        ("a@example.fr", []),
        ("joe@example.fr", ["contains_email"]),
        (None, []),
    ],
)
def test_email_local_part_of_three_characters_or_more(
    email: str | None, expected: list[str]
) -> None:
    assert reasons("hey-joe-and-jo-and-a", email=email) == expected


def test_email_domain_alone_does_not_count() -> None:
    assert reasons("example.fr-rocks") == []


def test_every_reason_at_once_in_order() -> None:
    assert reasons("2850375123456", min_length=40) == ["too_short", "contains_nir"]
    everything = "2850375123456 14/03/1985 marie.curie"
    assert reasons(everything, min_length=60) == [
        "too_short",
        "contains_nir",
        "contains_birth_date",
        "contains_email",
    ]


def test_length_is_counted_after_normalization() -> None:
    # NFKC expands the "ﬃ" ligature to three letters: four of them make twelve.
    assert reasons("ﬃ" * 4) == []
    assert reasons("ﬃ" * 3) == ["too_short"]


def check(new: str, confirmation: str, min_length: int = 12) -> SesameError:
    with pytest.raises(SesameError) as excinfo:
        check_new_password(
            new, confirmation, min_length=min_length, nir=NIR, birth_date=BIRTH, email=EMAIL
        )
    return excinfo.value


def test_mismatch_is_refused_before_weakness() -> None:
    error = check("short", "shorter")
    assert error.code == "password_mismatch"
    assert error.reason is None
    assert dict(error.params) == {}


def test_weak_password_lists_all_reasons() -> None:
    weak = "2850375123456/14031985/marie.curie"
    error = check(weak, weak, min_length=40)
    assert error.code == "weak_password"
    assert dict(error.params) == {
        "reasons": ("too_short", "contains_nir", "contains_birth_date", "contains_email"),
        "min_length": 40,
    }


def test_a_good_matching_password_passes() -> None:
    check_new_password(GOOD, GOOD, min_length=12, nir=NIR, birth_date=BIRTH, email=EMAIL)


# --- secrets ---------------------------------------------------------------------


def test_secret_digest_is_sha256_hex_of_the_stripped_secret() -> None:
    assert secret_digest("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert secret_digest("  abc\n") == secret_digest("abc")
    assert secret_digest("Hq4TzR7mWx") == hashlib.sha256(b"Hq4TzR7mWx").hexdigest()
    assert secret_digest("abc") != secret_digest("ABC")


def test_digests_equal() -> None:
    digest = secret_digest("Hq4TzR7mWx")
    assert digests_equal(digest, secret_digest("Hq4TzR7mWx")) is True
    assert digests_equal(digest, secret_digest("Hq4TzR7mWy")) is False
    assert digests_equal(digest, digest[:-1]) is False
    assert digests_equal(None, digest) is False
    assert digests_equal(None, "") is False


def test_digests_are_compared_in_constant_time() -> None:
    assert "hmac.compare_digest(" in inspect.getsource(digests_equal)
    assert "==" not in inspect.getsource(digests_equal)


def test_temporary_password_alphabet_has_no_look_alikes() -> None:
    assert set("0O1lI") & set(TEMP_PASSWORD_ALPHABET) == set()
    assert len(set(TEMP_PASSWORD_ALPHABET)) == len(TEMP_PASSWORD_ALPHABET) == 57
    assert TEMP_PASSWORD_ALPHABET.isascii() and TEMP_PASSWORD_ALPHABET.isalnum()
    # ≥ 58 bits, as secret_digest's docstring relies on: 57**10 > 2**58.
    assert len(TEMP_PASSWORD_ALPHABET) ** TEMP_PASSWORD_LENGTH > 2**58


def test_decoy_salt_is_a_valid_argon2_salt() -> None:
    # verify_password(None, ...) hashes with it: it must be at least 8 bytes.
    assert len(passwords._DECOY_SALT) >= 8


# --- reuse, blocklist and service name (issue 13: new passwords) ---------------------


def reasons_with(
    password: str, *, blocked: bool = False, reused: bool = False, organization: str = "Ameli"
) -> list[str]:
    return weak_password_reasons(
        password,
        min_length=12,
        nir=NIR,
        birth_date=BIRTH,
        email=EMAIL,
        context_words=context_words(organization),
        blocked=blocked,
        reused=reused,
    )


@pytest.mark.parametrize(
    ("password", "blocked", "reused", "expected"),
    [
        (GOOD, False, False, []),
        (GOOD, True, False, ["blocklisted"]),
        (GOOD, False, True, ["reused"]),
        (GOOD, True, True, ["blocklisted", "reused"]),
        # the service's own names, in any case, spaced or dotted
        ("mon-sesame-a-moi-2024", False, False, ["contains_service_name"]),
        ("MON SÉSAME à moi 2024", False, False, ["contains_service_name"]),  # accents too
        ("my-AMELI-password!", False, False, ["contains_service_name"]),
        ("my a.m.e.l.i password!", False, False, ["contains_service_name"]),
        # after the others, in a fixed order
        ("sesame", True, True, ["too_short", "contains_service_name", "blocklisted", "reused"]),
        ("2850375123456 sesame", False, True, ["contains_nir", "contains_service_name", "reused"]),
    ],
)
def test_reuse_blocklist_and_service_name_reasons(
    password: str, blocked: bool, reused: bool, expected: list[str]
) -> None:
    assert reasons_with(password, blocked=blocked, reused=reused) == expected


@pytest.mark.parametrize(
    ("organization", "expected"),
    [
        ("Espace personnel", ("sesame", "espacepersonnel")),
        ("Ameli", ("sesame", "ameli")),
        ("Sesame", ("sesame",)),
        # fewer than four letters would forbid too much: "sesame" alone
        ("CPA", ("sesame",)),
    ],
)
def test_context_words_are_sesame_and_the_organisation(
    organization: str, expected: tuple[str, ...]
) -> None:
    assert context_words(organization) == expected


def test_the_organisation_name_counts_compacted() -> None:
    assert reasons_with("x-EspacePersonnel-2024", organization="Espace personnel") == [
        "contains_service_name"
    ]


def test_weak_password_params_carry_the_history_length() -> None:
    with pytest.raises(SesameError) as excinfo:
        check_new_password(
            GOOD,
            GOOD,
            min_length=12,
            nir=NIR,
            birth_date=BIRTH,
            email=EMAIL,
            blocked=True,
            reused=True,
            history=4,
        )
    assert dict(excinfo.value.params) == {
        "reasons": ("blocklisted", "reused"),
        "min_length": 12,
        "history": 4,
    }


@pytest.mark.parametrize(
    ("candidate", "previous", "expected"),
    [
        (GOOD, [], False),
        (GOOD, ["Old-password-one"], False),
        (GOOD, ["Old-password-one", GOOD], True),
        (GOOD, [GOOD, "Old-password-one"], True),
        # NFKC: the fullwidth form is the same password
        ("Ｃｏｒｒｅｃｔ-Horse-Battery-Staple", [GOOD], True),
        (GOOD.lower(), [GOOD], False),  # hashes are case-sensitive, as passwords
    ],
)
def test_reused_password_verifies_against_each_previous_hash(
    candidate: str, previous: list[str], expected: bool
) -> None:
    hashes = [hash_password(p, SALT, FAST) for p in previous]
    assert reused_password(candidate, hashes, FAST) is expected


def test_reused_password_stops_at_the_first_match_and_spends_at_most_one_per_hash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hashes = [hash_password(p, SALT, FAST) for p in ("one-password-1", GOOD, "two-password-2")]
    calls: list[str] = []
    real = passwords.verify_password

    def counting(stored: str | None, password: str, params: Argon2Params) -> bool:
        calls.append(password)
        return real(stored, password, params)

    monkeypatch.setattr(passwords, "verify_password", counting)
    assert reused_password(GOOD, hashes, FAST)
    assert len(calls) == 2
    calls.clear()
    assert not reused_password("Another-good-one", hashes, FAST)
    assert len(calls) == 3


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Password1", ("password1", "Password1")),
        ("password1", ("password1",)),
        # NFKC first: the fullwidth letters become ASCII, then case-folded
        ("Ｐａｓｓ", ("pass", "Pass", "Ｐａｓｓ")),
        ("STRASSE", ("strasse", "STRASSE")),
        ("Straße", ("strasse", "Straße")),
    ],
)
def test_blocklist_forms_normalised_first_then_as_typed(
    typed: str, expected: tuple[str, ...]
) -> None:
    assert blocklist_forms(typed) == expected
