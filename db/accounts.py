"""Provisioning and the read-only account view (`account add`, `status`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from db import rows
from db.schema import accounts, audit_events
from db.store import Store
from db.unit_of_work import new_salt
from engine.errors import SesameError
from engine.identity import Identifier, Nir, Phone, check_birth_date_matches_nir
from engine.machine import effective_account, live_flow
from engine.model import Account, AccountState, Audit, Flow
from engine.passwords import check_new_password, hash_password


@dataclass(frozen=True)
class AccountView:
    """What support staff and scripts see: the effective state, never a secret."""

    account: Account
    flow: Flow | None


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
                insert(audit_events), [rows.audit_row(event, account_id, now, store.settings.actor)]
            )
    except IntegrityError:
        raise SesameError("account_exists") from None
    return account_status(store, Identifier(nir=nir, email=None))


def account_status(store: Store, ident: Identifier) -> AccountView:
    with store.read() as conn:
        account = rows.find_account(conn, ident)
        if account is None:
            raise SesameError("not_found")
        flow = rows.open_flow(conn, account.id)
    now = store.now()
    return AccountView(account=effective_account(account, now), flow=live_flow(flow, now))
