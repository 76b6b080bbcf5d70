"""Warnings about what was stored but will not work: a mobile that cannot
receive the procedure's SMS (`account edit --mobile`, `account import`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cli.output import Output
from engine.identity import Phone, confirm_phone, no_sms_reason


def mobile_warnings(
    out: Output, phones: Iterable[tuple[int | None, Phone]]
) -> list[dict[str, Any]]:
    """One warning per stored number that no SMS can reach, with why; `line` is the
    import's line (None for `account edit`)."""
    warnings: list[dict[str, Any]] = []
    for line, phone in phones:
        if phone.sms_capable:
            continue
        reason = no_sms_reason(phone.e164) or "not_mobile"
        message = out.text(
            "warning.mobile_no_sms",
            mobile=confirm_phone(phone.e164),
            why=out.text(f"warning.no_sms.{reason}"),
        )
        warning: dict[str, Any] = {"code": "mobile_no_sms", "reason": reason, "message": message}
        if line is not None:
            warning = {"line": line, **warning}
        warnings.append(warning)
    return warnings
