"""Exit statuses: the public contract documented in the README, in one place."""

EXIT_CODES: dict[str, int] = {
    "internal_error": 1,
    "invalid_input": 2,
    "missing_input": 2,
    "auth_failed": 3,
    "identity_mismatch": 3,
    "account_locked": 4,
    "account_disabled": 5,
    "account_not_locked": 5,
    "account_exists": 5,
    "no_open_flow": 5,
    "flow_expired": 6,
    "code_invalid": 6,
    "code_expired": 6,
    "code_used": 6,
    "too_many_attempts": 6,
    "no_channel": 7,
    "channel_unavailable": 7,
    "rate_limited": 8,
    "password_mismatch": 9,
    "weak_password": 9,
    "password_change_required": 10,
    "storage_unavailable": 11,
    "not_found": 12,
    "message_not_found": 12,
    "access_denied": 13,
    # support tooling
    "bulk_incomplete": 5,
    "import_refused": 2,
    "import_incomplete": 5,
    "import_interrupted": 130,  # SIGINT, as a shell reports it, with what was committed
    "policy_findings": 2,
    # outbox delivery
    "transport_is_queue": 5,
    "transport_is_files": 5,
    "message_not_retryable": 5,
    "message_secret_erased": 5,
    # db copy
    "target_not_empty": 5,
}


def exit_code(code: str) -> int:
    return EXIT_CODES.get(code, 1)
