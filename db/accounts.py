"""Provisioning: `account add` creates an account, its password hashed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from db import decisions
from db.account_view import AccountView, account_status
from db.schema import accounts, audit_events
from db.store import Store
from db.unit_of_work import new_salt
from engine.errors import SesameError
from engine.events import Audit
from engine.identity import Identifier, Nir, Phone, check_birth_date_matches_nir
from engine.model import AccountState
from engine.outcomes import Code
from engine.passwords import check_new_password, hash_password


def add_account(
    store: Store,
    *,
    nir: Nir,
    birth_date: date,
    email: str | None,
    phone: Phone | None,
    password: tuple[str, str] | None,
) -> AccountView:
    """Create an account; `password` is (new, confirmation) or None for none yet."""
    check_birth_date_matches_nir(nir, birth_date)
    policy = store.settings.policy
    password_hash = None
    if password is not None:
        check_new_password(
            *password,
            min_length=policy.password_min_length,
            nir=nir.value,
            birth_date=birth_date,
            email=email,
        )
        password_hash = hash_password(password[0], new_salt(), policy.argon2)
    now = store.now()
    try:
        with store.write() as conn:
            account_id = conn.execute(
                insert(accounts)
                .values(
                    nir=nir.value,
                    birth_date=birth_date,
                    email=email,
                    mobile=phone.e164 if phone else None,
                    sms_capable=bool(phone and phone.sms_capable),
                    password_hash=password_hash,
                    state=AccountState.ACTIVE,
                    failed_attempts=0,
                    password_changed_at=now if password_hash else None,
                    created_at=now,
                )
                .returning(accounts.c.id)
            ).scalar_one()
            detail = {"password": "set" if password_hash else "none"}
            event = Audit("account_created", None, AccountState.ACTIVE, detail)
            conn.execute(
                insert(audit_events),
                [decisions.audit_row(event, account_id, now, store.settings.actor)],
            )
    except IntegrityError:
        raise SesameError(Code.ACCOUNT_EXISTS) from None
    return account_status(store, Identifier(nir=nir, email=None))
