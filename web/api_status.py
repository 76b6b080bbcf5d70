"""The HTTP status of every code of the JSON API, in one table.

As `cli.exits` gives each `Code` its exit status, this gives each its HTTP
status; a test checks the table is total over `Code` and that the OpenAPI
document lists the same statuses. A few `invalid_input` reasons are not the
member's typing but the request's form (`_BY_REASON`).
"""

from __future__ import annotations

from engine.outcomes import Code

HTTP_STATUS: dict[Code, int] = {
    # answers
    Code.LOGGED_IN: 200,
    Code.TEMPORARY_PASSWORD_ACCEPTED: 200,
    Code.CHOOSE_CHANNEL: 200,
    Code.CODE_SENT: 200,
    Code.CODE_VERIFIED: 200,
    Code.PASSWORD_CHANGED: 200,
    Code.UNLOCKED: 200,
    Code.NOT_LOCKED: 200,
    Code.DISABLED: 200,
    Code.ALREADY_DISABLED: 200,
    Code.ENABLED: 200,
    Code.ALREADY_ENABLED: 200,
    Code.ACCOUNT_CREATED: 200,
    Code.ACCOUNT_IMPORTED: 200,
    Code.CHANNELS_CHANGED: 200,
    Code.UNCHANGED: 200,
    Code.RESET_SENT: 200,
    # what was typed: malformed (400), or well-formed and refused by the policy (422)
    Code.INVALID_INPUT: 400,
    Code.MISSING_INPUT: 400,
    Code.PASSWORD_MISMATCH: 422,
    Code.WEAK_PASSWORD: 422,
    # who the member says they are, not proved
    Code.AUTH_FAILED: 401,
    Code.IDENTITY_MISMATCH: 401,
    Code.CODE_INVALID: 401,
    # proved, but the account's state forbids the step
    Code.ACCOUNT_LOCKED: 403,
    Code.ACCOUNT_DISABLED: 403,
    Code.PASSWORD_CHANGE_REQUIRED: 403,
    Code.ACCESS_DENIED: 403,
    Code.ACCOUNT_NOT_LOCKED: 409,
    Code.ACCOUNT_EXISTS: 409,
    Code.NO_CHANNEL: 409,
    Code.CHANNEL_UNAVAILABLE: 409,
    # the request the step continues is gone
    Code.NO_OPEN_FLOW: 404,
    Code.NOT_FOUND: 404,
    Code.MESSAGE_NOT_FOUND: 404,
    Code.FLOW_EXPIRED: 410,
    Code.CODE_EXPIRED: 410,
    Code.CODE_USED: 410,
    Code.TOO_MANY_ATTEMPTS: 410,
    # try later (Retry-After)
    Code.RATE_LIMITED: 429,
    Code.SEND_LIMITED: 429,
    # the server
    Code.INTERNAL_ERROR: 500,
    Code.STORAGE_UNAVAILABLE: 503,
    # support and operations: never an API answer, given a status all the same
    Code.BULK_INCOMPLETE: 500,
    Code.IMPORT_REFUSED: 400,
    Code.IMPORT_INCOMPLETE: 500,
    Code.IMPORT_INTERRUPTED: 503,
    Code.IMPORT_DUPLICATE_NIR: 409,
    Code.IMPORT_DUPLICATE_EMAIL: 409,
    Code.POLICY_FINDINGS: 400,
    Code.TEMPLATES_REFUSED: 500,
    Code.TARGET_NOT_EMPTY: 409,
    Code.TRANSPORT_IS_QUEUE: 409,
    Code.TRANSPORT_IS_FILES: 409,
    Code.MESSAGE_NOT_RETRYABLE: 409,
    Code.MESSAGE_SECRET_ERASED: 410,
}

# `invalid_input` reasons about the request rather than what the member typed.
_BY_REASON: dict[str, int] = {"content_type": 415, "body_too_large": 413, "method": 405}


def http_status(code: Code, reason: str | None = None) -> int:
    """The status of a refusal or an answer (the table is total over `Code`)."""
    if code is Code.INVALID_INPUT and reason in _BY_REASON:
        return _BY_REASON[reason]
    return HTTP_STATUS[code]
