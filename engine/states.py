"""The states and choices of the two machines, alone in a small module: the CLI
declares its options with them without loading the rest of the engine."""

from __future__ import annotations

import enum


class AccountState(enum.StrEnum):
    ACTIVE = "active"
    LOCKED = "locked"
    DISABLED = "disabled"


class FlowState(enum.StrEnum):
    CHOOSE_CHANNEL = "choose_channel"
    CODE_SENT = "code_sent"
    VERIFIED = "verified"
    COMPLETED = "completed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    SUPERSEDED = "superseded"

    @property
    def is_open(self) -> bool:
        return self in OPEN_FLOW_STATES


OPEN_FLOW_STATES = frozenset({FlowState.CHOOSE_CHANNEL, FlowState.CODE_SENT, FlowState.VERIFIED})


class FlowKind(enum.StrEnum):
    UNLOCK = "unlock"
    FORGOT = "forgot"


class Channel(enum.StrEnum):
    SMS = "sms"
    EMAIL = "email"
