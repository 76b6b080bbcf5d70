"""One account as support and scripts see it (`status`): read-only, no machine."""

from __future__ import annotations

from dataclasses import dataclass

from db import rows
from db.store import Store
from engine.effective import effective_account, live_flow
from engine.errors import SesameError
from engine.identity import Identifier
from engine.model import Account, Flow
from engine.outcomes import Code


@dataclass(frozen=True)
class AccountView:
    """What support staff and scripts see: the effective state, never a secret."""

    account: Account
    flow: Flow | None


def account_status(store: Store, ident: Identifier) -> AccountView:
    with store.read() as conn:
        account = rows.find_account(conn, ident)
        if account is None:
            raise SesameError(Code.NOT_FOUND)
        flow = rows.open_flow(conn, account.id)
    now = store.now()
    return AccountView(account=effective_account(account, now), flow=live_flow(flow, now))
