"""How an identifier or a destination is shown back: masked for anyone but its
owner (members, support screens, messages), all but two digits for support
confirming a number it just typed. Pure: no I/O."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.states import Channel

if TYPE_CHECKING:
    from engine.identity import Identifier


def mask_phone(e164: str) -> str:
    """Enough of the number for the member to recognise it: ``*** ** 42 08``."""
    last_four = e164[-4:]
    return f"*** ** {last_four[:2]} {last_four[2:]}"


def confirm_phone(e164: str) -> str:
    """What support sees of a number it just typed: the international form with
    only the two digits before the last four hidden, ``+33 6 12 ** 42 08``, enough
    to catch a typo (the member-facing mask shows four digits)."""
    import phonenumbers

    shown = phonenumbers.format_number(
        phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    chars, seen = list(shown), 0
    for index in range(len(chars) - 1, -1, -1):
        if chars[index].isdigit():
            seen += 1
            if seen in (5, 6):
                chars[index] = "*"
    return "".join(chars)


def mask_email(address: str) -> str:
    """Show only the domain, enough to know which mailbox to check."""
    _, at, domain = address.rpartition("@")
    return f"*****@{domain}" if at else "*****"


def mask_nir(compact: str) -> str:
    """A NIR as a screen near others may show it: grouped, every character hidden
    but the last four (as `mask_phone` keeps the last four digits), ``* ** ** ** *** *11 93``."""
    hidden = "*" * max(0, len(compact) - 4) + compact[-4:]
    groups, start = [], 0
    for size in (1, 2, 2, 2, 3, 3, 2):
        groups.append(hidden[start : start + size])
        start += size
    return " ".join(group for group in groups if group)


def mask_identifier(ident: Identifier) -> str:
    """An identifier masked the way its kind is (`mask_nir`, `mask_email`)."""
    return mask_nir(ident.nir.value) if ident.nir is not None else mask_email(ident.email or "")


def mask_destination(channel: str, to: str) -> str:
    """A message's destination as anyone but its owner may see it: a phone
    number for SMS, an email address otherwise (the one masking rule)."""
    return mask_phone(to) if channel == Channel.SMS else mask_email(to)
