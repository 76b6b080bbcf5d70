"""The audit events that rate limits count.

The rules write them (`engine.rules_*`) and the shell counts them back
(`db.decisions.snapshot`, `db.shadow`): both use these names, so renaming
one cannot silently disable a limit.
"""

from __future__ import annotations

from enum import StrEnum


class Counted(StrEnum):
    """An audit event some limit reads back from the history."""

    # a secret sent: at most `max_sends_per_day` in 24 h
    CODE_SENT = "code_sent"
    # a wrong date of birth: the identity back-off
    IDENTITY_FAILED = "identity_failed"
    # support cleared the identity failures: the back-off restarts from here
    IDENTITY_FAILURES_CLEARED = "identity_failures_cleared"
    # a login refused on a locked or disabled account: bounded per day
    LOGIN_REFUSED = "login_refused"
    # a wrong password: counted within `failure_window_seconds` (engine.lockout)
    LOGIN_FAILED = "login_failed"
    # a lock: its rank within `lock_reset_seconds` sets its duration (engine.lockout)
    ACCOUNT_LOCKED = "account_locked"
