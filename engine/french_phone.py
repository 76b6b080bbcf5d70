"""The type of a French national number, as phonenumbers' `number_type` finds it.

An import reads most numbers in the `06…`/`+33 6…` forms (`identity.parse_mobile`)
and asks each one's type: phonenumbers tries up to ten number descriptions,
each through its generic matching (a cached `re.compile` and a length test per
description), most of checking a row. This module tries the same descriptions
of France's metadata, in the same order, with their patterns compiled once; a
property test holds it equal to `number_type` on every nine-digit number.
"""

from __future__ import annotations

import re
from functools import cache

# phonenumbers' order: the special ranges first, then fixed line, then mobile.
_SPECIAL = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)

_Desc = tuple[tuple[int, ...], "re.Pattern[str]"] | None


def french_number_type(national: str) -> int:
    """phonenumbers' `number_type` (a `PhoneNumberType`) of +33 and these digits."""
    from phonenumbers import PhoneNumberType

    general, special, fixed_line, mobile, same_pattern = _descriptions()
    if not _matches(national, general):
        return PhoneNumberType.UNKNOWN
    for desc, kind in special:
        if _matches(national, desc):
            return kind
    if _matches(national, fixed_line):
        if same_pattern or _matches(national, mobile):
            return PhoneNumberType.FIXED_LINE_OR_MOBILE
        return PhoneNumberType.FIXED_LINE
    if not same_pattern and _matches(national, mobile):
        return PhoneNumberType.MOBILE
    return PhoneNumberType.UNKNOWN


def _matches(national: str, desc: _Desc) -> bool:
    """phonenumbers' `_is_number_matching_desc`: a possible length, then the
    whole pattern (an absent or empty pattern matches nothing)."""
    if desc is None:
        return False
    lengths, pattern = desc
    return (not lengths or len(national) in lengths) and pattern.fullmatch(national) is not None


@cache
def _descriptions() -> tuple[_Desc, list[tuple[_Desc, int]], _Desc, _Desc, bool]:
    from phonenumbers import PhoneMetadata, PhoneNumberType

    metadata = PhoneMetadata.metadata_for_region("FR")
    assert metadata is not None  # France's metadata ships with phonenumbers

    def compiled(name: str) -> _Desc:
        desc = getattr(metadata, name)
        if desc is None or not desc.national_number_pattern:
            return None
        return tuple(desc.possible_length), re.compile(desc.national_number_pattern)

    special = [(compiled(name), getattr(PhoneNumberType, name.upper())) for name in _SPECIAL]
    return (
        compiled("general_desc"),
        special,
        compiled("fixed_line"),
        compiled("mobile"),
        bool(metadata.same_mobile_and_fixed_line_pattern),
    )
