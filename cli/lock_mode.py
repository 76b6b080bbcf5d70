"""The lock mode in one sentence: `policy check` and `account explain` say it alike."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cli.output import Output
    from engine.policy_lockout import Lockout


def mode_text(lockout: Lockout, out: Output) -> str:
    """The mode in one sentence: how long the locks last and which failures count."""
    window = lockout.failure_window_seconds
    counting = (
        out.text("policy.lockout.mode.window", window=window)
        if window
        else out.text("policy.lockout.mode.consecutive")
    )
    rank = lockout.permanent_rank
    steps = len(lockout.lock_durations)
    # after a list, its end is said by the mode's own sentence only when permanent_after cuts it
    permanent = (
        out.text("policy.lockout.mode.permanent_after", rank=rank)
        if rank is not None and rank > 1
        else ""
    )
    return out.text(
        f"policy.lockout.mode.{lockout.mode}",
        counting=counting,
        seconds=lockout.lock_durations[0] if steps else 0,
        durations=", ".join(str(d) for d in lockout.lock_durations),
        reset=lockout.lock_reset_seconds,
        permanent=permanent,
    )
