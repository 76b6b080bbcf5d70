"""Provisioning: `account add` creates an account, its password hashed: the
machine's `AccountCreated` event, written like an imported row."""

from __future__ import annotations

from datetime import date

from sqlalchemy.exc import IntegrityError

from db.account_view import AccountView, account_status
from db.creation import decide, save_created
from db.new_password import checked_hash
from db.store import Store
from engine.errors import SesameError
from engine.events import AccountCreated
from engine.identity import Identifier, Nir, Phone, check_birth_date_matches_nir
from engine.machine import Context
from engine.outcomes import Code


def add_account(
    store: Store,
    *,
    nir: Nir,
    birth_date: date,
    email: str | None,
    phone: Phone | None,
    password: tuple[str, str] | None,
    language: str | None = None,
) -> AccountView:
    """Create an account; `password` is (new, confirmation) or None for none yet;
    `language` (fr | en) None for `[policy] default_language`."""
    check_birth_date_matches_nir(nir, birth_date)
    password_hash = None
    if password is not None:
        password_hash = checked_hash(
            store, *password, nir=nir.value, birth_date=birth_date, email=email
        )
    now = store.now()
    settings = store.settings
    event = AccountCreated(
        nir=nir.value,
        birth_date=birth_date,
        email=email,
        mobile=phone.e164 if phone else None,
        sms_capable=bool(phone and phone.sms_capable),
        password_hash=password_hash,
        language=language or settings.policy.default_language,
    )
    decisions = decide([event], Context(now, settings.policy))
    try:
        with store.write() as conn:
            save_created(conn, decisions, now, settings.actor)
    except IntegrityError:
        raise SesameError(Code.ACCOUNT_EXISTS) from None
    return account_status(store, Identifier(nir=nir, email=None))
