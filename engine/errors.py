"""Domain refusals: one exception type carrying a stable code.

The CLI maps `code` to an exit status in exactly one place and renders the
message from the catalogue (`engine.messages`), so the engine never formats
text for a particular output.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.outcomes import Code


class SesameError(Exception):
    """A refusal with a stable `code` (`Code.AUTH_FAILED`, `Code.CODE_EXPIRED`, ...).

    `reason` refines `invalid_input` (e.g. `nir_key`); `params` fill the
    catalogue message; `retry_after` is set for `rate_limited` and `send_limited`;
    `details` go into the JSON error as they are.
    """

    def __init__(
        self,
        code: Code,
        *,
        reason: str | None = None,
        params: Mapping[str, object] | None = None,
        retry_after: int | None = None,
        details: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(code if reason is None else f"{code}: {reason}")
        self.code = code
        self.reason = reason
        self.params: Mapping[str, object] = dict(params or {})
        self.retry_after = retry_after
        # Extra fields of the JSON error (a support send limit: when, how many).
        self.details: Mapping[str, object] = dict(details or {})


def invalid(reason: str, **params: object) -> SesameError:
    """An `invalid_input` refusal (exit 2) for one field."""
    return SesameError(Code.INVALID_INPUT, reason=reason, params=params)


class IllegalTransition(Exception):
    """No rule in the transition table for this (state, event): a programming error."""
