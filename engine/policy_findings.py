"""A finding of `sesame policy check`: one setting against its reference (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

HIGH, MEDIUM, LOW, INFO = "high", "medium", "low", "info"
ASVS = "OWASP ASVS 4.0.3"
NIST = "NIST SP 800-63B"


@dataclass(frozen=True)
class Finding:
    """One setting against its reference; `check` names its catalogue text (`policy.<check>`)."""

    check: str
    setting: str
    value: int | float | bool | str
    expected: str
    reference: str
    severity: str
    params: Mapping[str, object] = field(default_factory=dict)


# A check and whether the setting failed it (a finding) or passed.
Judged = tuple[bool, Finding]
