"""Characters that disguise a text on a screen or break a header.

Controls, formatting characters (bidi controls, zero-width characters, the
soft hyphen, tag characters…), surrogates and the line/paragraph separators:
Unicode categories Cc, Cf, Cs, Zl and Zp. The configuration check refuses
them; the output shows them as escapes.
"""

from __future__ import annotations

import unicodedata

UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def is_unsafe(char: str) -> bool:
    """Whether `char` is invisible, or acts on the text around it instead of showing."""
    return unicodedata.category(char) in UNSAFE_CATEGORIES
