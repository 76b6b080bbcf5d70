"""Which channels can carry an account's secret: one rule, shared by the
machine's rules and the read-only views (which must not import the machine)."""

from __future__ import annotations

from engine.model import Account, Channel


def usable_channels(account: Account) -> tuple[Channel, ...]:
    """SMS only for a metropolitan-France mobile; email whenever one is known."""
    channels = []
    if account.mobile and account.sms_capable:
        channels.append(Channel.SMS)
    if account.email:
        channels.append(Channel.EMAIL)
    return tuple(channels)
