"""France's number types read with precompiled patterns are phonenumbers' own."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.french_phone import french_number_type


def _library(national: str) -> int:
    import phonenumbers

    number = phonenumbers.PhoneNumber(country_code=33, national_number=int(national))
    return phonenumbers.number_type(number)


@settings(database=None, deadline=None)  # a loaded machine: no deadline
@given(st.integers(min_value=100_000_000, max_value=999_999_999))
def test_every_nine_digit_number_has_the_librarys_type(number: int) -> None:
    assert french_number_type(str(number)) == _library(str(number))


@pytest.mark.parametrize(
    ("national", "kind"),
    [
        ("612345678", "MOBILE"),
        ("781234567", "MOBILE"),
        ("639012345", "UNKNOWN"),  # 0639: Mayotte's range, not metropolitan
        ("145678910", "FIXED_LINE"),
        ("970123456", "VOIP"),
        ("800123456", "TOLL_FREE"),
        ("836012345", "PREMIUM_RATE"),
        ("12345678", "UNKNOWN"),  # eight digits
        ("1234567890", "UNKNOWN"),
    ],
)
def test_types_of_common_numbers(national: str, kind: str) -> None:
    import phonenumbers

    expected = getattr(phonenumbers.PhoneNumberType, kind)
    assert french_number_type(national) == _library(national) == expected
