"""The common email address, read without email-validator.

Most addresses of an import are plain ASCII (`prenom.nom@orange.fr`), and
email-validator's full syntax check (Unicode, IDNA, quoted local parts) is a
third of the time of checking a row. An address inside the subset below is one
that email-validator accepts as it is (its normalised form is the address
itself, the domain lower-cased), which a property test checks against the
library; any other address goes to the library.
"""

from __future__ import annotations

import re

# Letters, digits and `_ + -` before the @, dots neither first, last nor doubled;
# after it, labels of letters and digits joined by single hyphens, and an
# alphabetic top-level domain.
_PLAIN = re.compile(
    r"[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*@(?:[a-z0-9]+(?:-[a-z0-9]+)*\.)+[a-z]+",
    re.IGNORECASE | re.ASCII,
)
# email-validator's special-use domains (a test holds them equal to the library's).
RESERVED_DOMAINS = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})
# email-validator's limits (RFC 5321 and 1035), in characters: ASCII here.
_ADDRESS_MAX, _LOCAL_MAX, _DOMAIN_MAX, _LABEL_MAX = 254, 64, 253, 63


def plain_email(text: str) -> str | None:
    """`text` lower-cased if it is a plain address email-validator accepts as it
    is; None when the library must decide."""
    if len(text) > _ADDRESS_MAX or not _PLAIN.fullmatch(text):
        return None
    local, _, domain = text.partition("@")
    if len(local) > _LOCAL_MAX or len(domain) > _DOMAIN_MAX:
        return None
    labels = domain.lower().split(".")
    if any(len(label) > _LABEL_MAX for label in labels):
        return None
    # Reserved names (`.test`, `.local`, `localhost`…) are the library's to refuse.
    if any(".".join(labels[start:]) in RESERVED_DOMAINS for start in range(len(labels))):
        return None
    return text.lower()
