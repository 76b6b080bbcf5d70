"""Warnings about what was stored but will not work: a mobile that cannot
receive the procedure's SMS (`account edit --mobile`, `account import`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cli.output import Output
from engine.identity import Phone, no_sms_reason
from engine.masks import confirm_phone


def edit_warnings(out: Output, phone: Phone | None) -> list[dict[str, Any]]:
    """`account edit --mobile`: the number no SMS can reach, shown and said why."""
    reason = None if phone is None else no_sms_reason(phone)
    if phone is None or reason is None:
        return []
    message = out.text(
        "warning.mobile_no_sms",
        mobile=confirm_phone(phone.e164),
        why=out.text(f"warning.no_sms.{reason}"),
    )
    return [{"code": "mobile_no_sms", "reason": reason, "message": message}]


def import_warnings(no_sms: Iterable[tuple[int, str]]) -> list[dict[str, Any]]:
    """`account import`: one item per row whose mobile no SMS can reach (no text per
    row: an import may have a hundred thousand; the report says how many)."""
    return [
        {"line": line, "code": "mobile_no_sms", "reason": no_sms_reason(Phone(e164, False))}
        for line, e164 in no_sms
    ]
