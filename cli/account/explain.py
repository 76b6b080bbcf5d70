"""`sesame account explain`: why an account is in its state, in one sentence,
then its failures, its open flow and messages, and what to do next.

Exit 0 active, 4 locked, 5 disabled, 12 unknown: a script asks "is it locked"
with one command (docs/support.md)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import typer

from cli.account.common import IdArgument
from cli.app import JsonOption, open_store, output
from cli.lazy import command_group
from cli.output import Output, iso_utc, local_time

if TYPE_CHECKING:
    from engine.explain import Explanation, Rule
    from engine.policy import Policy


account_app = command_group()


@account_app.command("explain")
def account_explain(ctx: typer.Context, ident: IdArgument, json_output: JsonOption = False) -> None:
    from cli.exits import exit_code
    from db.explain import explanation
    from engine.identity import parse_identifier
    from engine.outcomes import Code
    from engine.states import AccountState

    out = output(ctx, json_output)
    store = open_store(ctx)
    found = explanation(store, parse_identifier(ident))
    policy = policy_payload(store.settings.policy, out)
    out.ok(explain_payload(found, policy, out), lambda: explain_text(found, policy, out))
    status = {
        AccountState.LOCKED: exit_code(Code.ACCOUNT_LOCKED),
        AccountState.DISABLED: exit_code(Code.ACCOUNT_DISABLED),
    }.get(found.state, 0)
    if status:
        raise typer.Exit(status)


def _when(out: Output) -> Any:
    time_format = out.text("explain.time_format")

    def when(moment: datetime) -> str:
        return moment.astimezone().strftime(time_format)

    return when


def _rule_payload(rule: Rule) -> dict[str, Any]:
    return {
        "code": rule.code,
        "at": iso_utc(rule.at),
        "failures": rule.failures,
        "within_seconds": rule.within_seconds,
        "max_failed_attempts": rule.max_failed_attempts,
        "lock_seconds": rule.lock_seconds,
        "unlocks_at": iso_utc(rule.unlocks_at),
        "reason": rule.reason,
        "failure_window_seconds": rule.window_seconds,
        "lock_count": rule.lock_count,
    }


def policy_payload(policy: Policy, out: Output) -> dict[str, Any]:
    """The policy's lock mode, as `policy check` reports it."""
    from cli.lock_mode import mode_text
    from engine.policy_lockout import lockout

    found = lockout(policy)
    return {
        "mode": found.mode,
        "failure_window_seconds": found.failure_window_seconds,
        "lock_seconds": list(found.lock_durations),
        "lock_reset_seconds": found.lock_reset_seconds,
        "permanent_after": found.permanent_rank,
        "message": mode_text(found, out),
    }


def explain_payload(found: Explanation, policy: dict[str, Any], out: Output) -> dict[str, Any]:
    from cli.views import flow_payload
    from engine.explain_text import command_line, sentence

    return {
        "nir": found.nir,
        "state": found.state.value,
        "sentence": sentence(found.rule, out.lang, _when(out)),
        "rule": _rule_payload(found.rule),
        "unlocks_at": iso_utc(found.unlocks_at),
        "failures": {
            "total": found.total_failures,
            "by_kind": {kind.value: count for kind, count in found.by_kind.items()},
            "by_source": [
                {
                    "source": group.source,
                    "count": group.count,
                    "kinds": {kind.value: n for kind, n in group.kinds.items()},
                }
                for group in found.by_source
            ],
            "timeline": [
                {"at": iso_utc(f.at), "kind": f.kind.value, "source": f.source}
                for f in found.timeline
            ],
            "earlier": found.earlier_failures,
            "sources_recorded": found.sources_recorded,
        },
        "stale_clients": [
            {
                "source": stale.source,
                "failures": stale.failures,
                "interval_seconds": stale.interval_seconds,
                "first": iso_utc(stale.first),
                "last": iso_utc(stale.last),
                "all_sources": stale.all_sources,
            }
            for stale in found.stale_clients
        ],
        "flow": flow_payload(found.flow) if found.flow else None,
        "messages": [
            {
                "id": m.id,
                "channel": m.channel,
                "to": m.to,
                "status": m.status,
                "created_at": iso_utc(m.created_at),
            }
            for m in found.messages
        ],
        "policy": policy,
        "next": [
            {
                "who": step.who,
                "action": step.action,
                "command": command_line(step, out.lang),
                "until": iso_utc(step.until),
            }
            for step in found.next_steps
        ],
    }


def explain_text(found: Explanation, policy: dict[str, Any], out: Output) -> str:
    from tabulate import tabulate

    from engine.explain_text import sentence, stale_line

    when = _when(out)
    lines = [
        out.text("explain.title", nir=found.nir, state=out.text(f"explain.state.{found.state}")),
        sentence(found.rule, out.lang, when),
    ]
    if found.unlocks_at is not None or found.rule.code.startswith("locked"):
        unlocks = found.unlocks_at
        lines.append(
            out.text("explain.unlocks.at", at=when(unlocks))
            if unlocks
            else out.text("explain.unlocks.never")
        )
    lines += ["", *_failures_text(found, out)]
    lines += [stale_line(s, out.lang, when) for s in found.stale_clients] or [
        out.text("explain.no_stale")
    ]
    lines += ["", _flow_text(found, out)]
    if found.messages:
        rows = [
            [m.id, local_time(m.created_at, out.lang), m.channel, m.to, m.status]
            for m in found.messages
        ]
        table = tabulate(rows, headers=["id", "created", "channel", "to", "status"])
        lines += [out.text("explain.messages"), _indent(table)]
    else:
        lines.append(out.text("explain.no_messages"))
    policy_line = out.text("explain.policy", mode=policy["message"])
    return "\n".join([*lines, "", policy_line, *_next_text(found, out)])


def _failures_text(found: Explanation, out: Output) -> list[str]:
    if not found.total_failures:
        return [out.text("explain.no_failures")]
    when = _when(out)

    def kind(value: str) -> str:
        return out.text(f"explain.kind.{value}")

    def source(value: str | None) -> str:
        return value if value is not None else out.text("explain.source_unknown")

    shown = len(found.timeline)
    # Sources, where any is known: else the columns would only say "unknown".
    sourced = any(f.source is not None for f in found.timeline)
    by_kind = [[kind(k), n] for k, n in found.by_kind.items() if n]
    by_source = [[source(g.source), g.count] for g in found.by_source]
    timeline = [
        [when(f.at), kind(f.kind), *([source(f.source)] if sourced else [])] for f in found.timeline
    ]
    lines = [
        out.text("explain.failures", total=found.total_failures),
        out.text("explain.by_kind"),
        _indent(_plain(by_kind)),
    ]
    if sourced:
        lines += [out.text("explain.by_source", shown=shown), _indent(_plain(by_source))]
    if shown:
        lines += [out.text("explain.timeline", shown=shown), _indent(_plain(timeline))]
    if found.earlier_failures:
        lines.append(out.text("explain.earlier", count=found.earlier_failures))
    return lines


def _plain(rows: list[list[Any]]) -> str:
    from tabulate import tabulate

    return tabulate(rows, tablefmt="plain", disable_numparse=True)


def _flow_text(found: Explanation, out: Output) -> str:
    flow = found.flow
    if flow is None:
        return out.text("explain.no_flow")
    channel = flow.channel.value if flow.channel else "-"
    expires = local_time(flow.expires_at, out.lang)
    described = f"{flow.id} {flow.kind.value} {flow.state.value} {channel} → {expires}"
    return out.text("explain.flow", flow=described)


def _next_text(found: Explanation, out: Output) -> list[str]:
    from engine.explain_text import action_label, command_line

    lines = []
    for who in ("member", "support"):
        steps = [s for s in found.next_steps if s.who == who]
        if not steps:
            continue
        lines.append(out.text(f"explain.next.{who}"))
        for step in steps:
            command = command_line(step, out.lang)
            label = action_label(step, out.lang, _when(out))
            step_line = out.text("explain.step", label=label, command=command) if command else label
            lines.append(f"  {step_line}")
    return lines


def _indent(block: str) -> str:
    return "\n".join(f"  {line}" for line in block.splitlines())
