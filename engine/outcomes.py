"""Every outcome and refusal code, in one enum.

A code is what a command reports (`"result"` in JSON for an answer, `"error":
{"code"}` for a refusal): the rows of the transition table declare which ones
they may produce, `cli.exits` gives each its exit status and the catalogue
(`engine.messages`) its French and English text; tests check all three are
total. Being a `StrEnum`, a code compares and serialises as its string.
Refusal *reasons* (`invalid_input: nir_key`) are a finer namespace and stay
plain strings.
"""

from __future__ import annotations

import enum


class Code(enum.StrEnum):
    # --- answers of the transition table (exit 0) -----------------------------
    LOGGED_IN = "logged_in"
    TEMPORARY_PASSWORD_ACCEPTED = "temporary_password_accepted"
    CHOOSE_CHANNEL = "choose_channel"
    CODE_SENT = "code_sent"
    CODE_VERIFIED = "code_verified"
    PASSWORD_CHANGED = "password_changed"
    UNLOCKED = "unlocked"
    NOT_LOCKED = "not_locked"
    DISABLED = "disabled"
    ALREADY_DISABLED = "already_disabled"
    ENABLED = "enabled"
    ALREADY_ENABLED = "already_enabled"
    CHANNELS_CHANGED = "channels_changed"
    UNCHANGED = "unchanged"
    ACCOUNT_CREATED = "account_created"
    ACCOUNT_IMPORTED = "account_imported"
    RESET_SENT = "reset_sent"
    # --- refusals of the procedure ----------------------------------------------
    AUTH_FAILED = "auth_failed"
    IDENTITY_MISMATCH = "identity_mismatch"
    ACCOUNT_LOCKED = "account_locked"
    ACCOUNT_DISABLED = "account_disabled"
    ACCOUNT_NOT_LOCKED = "account_not_locked"
    ACCOUNT_EXISTS = "account_exists"
    NO_OPEN_FLOW = "no_open_flow"
    FLOW_EXPIRED = "flow_expired"
    CODE_INVALID = "code_invalid"
    CODE_EXPIRED = "code_expired"
    CODE_USED = "code_used"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    NO_CHANNEL = "no_channel"
    CHANNEL_UNAVAILABLE = "channel_unavailable"
    RATE_LIMITED = "rate_limited"
    PASSWORD_MISMATCH = "password_mismatch"
    WEAK_PASSWORD = "weak_password"
    PASSWORD_CHANGE_REQUIRED = "password_change_required"
    # --- refusals of any command ------------------------------------------------
    INTERNAL_ERROR = "internal_error"
    INVALID_INPUT = "invalid_input"
    MISSING_INPUT = "missing_input"
    STORAGE_UNAVAILABLE = "storage_unavailable"
    NOT_FOUND = "not_found"
    ACCESS_DENIED = "access_denied"
    # --- support and operations ---------------------------------------------------
    BULK_INCOMPLETE = "bulk_incomplete"
    SEND_LIMITED = "send_limited"
    IMPORT_REFUSED = "import_refused"
    IMPORT_INCOMPLETE = "import_incomplete"
    IMPORT_INTERRUPTED = "import_interrupted"
    IMPORT_DUPLICATE_NIR = "import_duplicate_nir"
    IMPORT_DUPLICATE_EMAIL = "import_duplicate_email"
    POLICY_FINDINGS = "policy_findings"
    TEMPLATES_REFUSED = "templates_refused"
    TARGET_NOT_EMPTY = "target_not_empty"
    # --- outbox delivery ------------------------------------------------------------
    MESSAGE_NOT_FOUND = "message_not_found"
    TRANSPORT_IS_QUEUE = "transport_is_queue"
    TRANSPORT_IS_FILES = "transport_is_files"
    MESSAGE_NOT_RETRYABLE = "message_not_retryable"
    MESSAGE_SECRET_ERASED = "message_secret_erased"
