"""Exit statuses: the public contract documented in the README, in one place.

Every `Code` has exactly one status (a test checks the table is total and
matches the README's), so an unknown code cannot reach a member as exit 1:
1 is `internal_error`'s own status.
"""

from engine.outcomes import Code

EXIT_CODES: dict[Code, int] = {
    # answers
    Code.LOGGED_IN: 0,
    Code.TEMPORARY_PASSWORD_ACCEPTED: 0,
    Code.CHOOSE_CHANNEL: 0,
    Code.CODE_SENT: 0,
    Code.CODE_VERIFIED: 0,
    Code.PASSWORD_CHANGED: 0,
    Code.UNLOCKED: 0,
    Code.NOT_LOCKED: 0,
    Code.DISABLED: 0,
    Code.ALREADY_DISABLED: 0,
    Code.ENABLED: 0,
    Code.ALREADY_ENABLED: 0,
    Code.ACCOUNT_CREATED: 0,
    Code.ACCOUNT_IMPORTED: 0,
    Code.CHANNELS_CHANGED: 0,
    Code.UNCHANGED: 0,
    Code.RESET_SENT: 0,
    # refusals
    Code.INTERNAL_ERROR: 1,
    Code.INVALID_INPUT: 2,
    Code.MISSING_INPUT: 2,
    Code.AUTH_FAILED: 3,
    Code.IDENTITY_MISMATCH: 3,
    Code.ACCOUNT_LOCKED: 4,
    Code.ACCOUNT_DISABLED: 5,
    Code.ACCOUNT_NOT_LOCKED: 5,
    Code.ACCOUNT_EXISTS: 5,
    Code.NO_OPEN_FLOW: 5,
    Code.FLOW_EXPIRED: 6,
    Code.CODE_INVALID: 6,
    Code.CODE_EXPIRED: 6,
    Code.CODE_USED: 6,
    Code.TOO_MANY_ATTEMPTS: 6,
    Code.NO_CHANNEL: 7,
    Code.CHANNEL_UNAVAILABLE: 7,
    Code.RATE_LIMITED: 8,
    Code.PASSWORD_MISMATCH: 9,
    Code.WEAK_PASSWORD: 9,
    Code.PASSWORD_CHANGE_REQUIRED: 10,
    Code.STORAGE_UNAVAILABLE: 11,
    Code.NOT_FOUND: 12,
    Code.MESSAGE_NOT_FOUND: 12,
    Code.ACCESS_DENIED: 13,
    # support tooling
    Code.BULK_INCOMPLETE: 5,
    # a support send refused by the cooldown or the daily limit: "try later", as 8
    Code.SEND_LIMITED: 8,
    Code.IMPORT_REFUSED: 2,
    Code.IMPORT_INCOMPLETE: 5,
    Code.IMPORT_INTERRUPTED: 130,  # SIGINT, as a shell reports it, with what was committed
    # a refused row of an import report, as invalid input (the command exits by
    # import_refused or import_incomplete)
    Code.IMPORT_DUPLICATE_NIR: 2,
    Code.IMPORT_DUPLICATE_EMAIL: 2,
    Code.POLICY_FINDINGS: 2,
    Code.TEMPLATES_REFUSED: 2,
    # outbox delivery
    Code.TRANSPORT_IS_QUEUE: 5,
    Code.TRANSPORT_IS_FILES: 5,
    Code.MESSAGE_NOT_RETRYABLE: 5,
    Code.MESSAGE_SECRET_ERASED: 5,
    # db copy
    Code.TARGET_NOT_EMPTY: 5,
}


def exit_code(code: Code) -> int:
    """The documented status of `code` (the table is total over `Code`)."""
    return EXIT_CODES[code]
