"""One account as support and scripts see it (`status`): read-only, no machine."""

from __future__ import annotations

from dataclasses import dataclass

from db import rows
from db.explain import lock_facts
from db.store import Store
from engine.effective import effective_account, live_flow
from engine.errors import SesameError
from engine.explain import Facts, lock_count
from engine.identity import Identifier
from engine.lockout import counts_locks
from engine.model import Account, Flow
from engine.outcomes import Code
from engine.states import AccountState


@dataclass(frozen=True)
class AccountView:
    """What support staff and scripts see: the effective state, never a secret."""

    account: Account
    flow: Flow | None
    # `status`/`account show`: the lock count when locks have ranks (engine.explain.lock_count)
    lock_count: int | None = None


def account_status(store: Store, ident: Identifier) -> AccountView:
    policy, now = store.settings.policy, store.now()
    with store.read() as conn:
        account = rows.find_account(conn, ident)
        if account is None:
            raise SesameError(Code.NOT_FOUND)
        flow = rows.open_flow(conn, account.id)
        count = None
        if account.state is AccountState.LOCKED or counts_locks(policy):
            facts = Facts(account, None, (), {}, **lock_facts(conn, account, policy, now))
            count = lock_count(facts, policy, now)
    return AccountView(
        account=effective_account(account, now), flow=live_flow(flow, now), lock_count=count
    )
