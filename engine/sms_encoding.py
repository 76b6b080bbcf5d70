"""How many SMS a text costs: its encoding and its segment count.

GSM 03.38 (3GPP TS 23.038) packs 160 characters in one SMS, 153 in each part
of a longer one; a character of the extension table (`€`, `[`, `^`, `{`…)
takes two places (an escape, then the character), and both go in one part.
One character outside the basic set and its extension table (`ê`, `ç`, `°`…)
sends the whole text in UCS-2: 70 characters, 67 a part; a character beyond
the Basic Multilingual Plane (an emoji) takes two places there, in one part.
The character set is the `gsm0338` codec's.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7, UCS2 = "GSM-7", "UCS-2"
# (one SMS, one part of a concatenated SMS), in places (septets or UTF-16 units).
_CAPACITY = {GSM7: (160, 153), UCS2: (70, 67)}
_CODEC = "gsm03.38"


@dataclass(frozen=True)
class SmsSize:
    encoding: str
    places: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def sms_size(text: str) -> SmsSize:
    """The encoding a gateway picks for `text`, and how many SMS it sends."""
    import gsm0338  # noqa: F401  (registers the codec)

    try:
        costs = [len(char.encode(_CODEC)) for char in text]
        encoding = GSM7
    except UnicodeEncodeError:
        costs = [2 if ord(char) > 0xFFFF else 1 for char in text]
        encoding = UCS2
    return SmsSize(encoding, sum(costs), segments(costs, *_CAPACITY[encoding]))


def segments(costs: list[int], single: int, part: int) -> int:
    """Parts of at most `part` places, filled in order, a character never split."""
    if sum(costs) <= single:
        return 1
    count, used = 1, 0
    for cost in costs:
        if used + cost > part:
            count, used = count + 1, 0
        used += cost
    return count
