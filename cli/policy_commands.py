"""Operators: `policy check`, the settings against the references."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.app import JsonOption, open_store, output
from cli.lazy import command_group
from cli.lock_mode import mode_text
from cli.output import Output
from cli.report import refuse_with_report
from engine.outcomes import Code

if TYPE_CHECKING:
    from engine.policy_check import Finding, Lockout, PasswordRules

policy_app = command_group()


# --- policy check ------------------------------------------------------------


@policy_app.command("check")
def policy_check(
    ctx: typer.Context,
    strict: Annotated[bool, typer.Option("--strict")] = False,
    json_output: JsonOption = False,
) -> None:
    from engine.policy_check import check_policy

    out = output(ctx, json_output)
    settings = open_store(ctx).settings
    report = check_policy(settings.policy)
    config_file = settings.config_file
    payload = {
        "findings": [_finding_payload(finding, out) for finding in report.findings],
        "accepted": [_finding_payload(finding, out) for finding in report.accepted],
        "lockout": _lockout_payload(report.lockout, out),
        "passwords": _passwords_payload(report.passwords, out),
        # The file the settings come from; null: none was found, the defaults apply.
        "config_file": str(config_file) if config_file else None,
        "passed": [_passed_payload(finding) for finding in report.passed],
    }
    source = (
        out.text("policy.config_file", path=config_file)
        if config_file
        else out.text("policy.config_defaults", path=settings.home / "sesame.toml")
    )
    human = source + "\n\n" + _policy_text(payload, out)
    if strict and report.findings:
        message = out.text("policy_findings", count=len(report.findings))
        refuse_with_report(out, Code.POLICY_FINDINGS, message, payload, human)
    out.ok(payload, human)


# --- policy simulate ---------------------------------------------------------


@policy_app.command("simulate")
def policy_simulate(
    ctx: typer.Context,
    start: Annotated[str | None, typer.Option("--start")] = None,
    json_output: JsonOption = False,
) -> None:
    import sys

    from cli.parsing import parse_moment
    from cli.policy_simulate import parse_attempts, timeline_payload, timeline_text
    from engine.policy_check import lockout
    from engine.simulate import simulate

    out = output(ctx, json_output)
    store = open_store(ctx)
    policy, now = store.settings.policy, store.now()
    attempts = parse_attempts(sys.stdin, parse_moment(start, now) if start else now)
    timeline = simulate(attempts, policy)
    mode = dict(_lockout_payload(lockout(policy), out)["login"])
    mode_text = mode.pop("mode_message")
    for key in ("message", "locked_seconds", "failures"):
        mode.pop(key)
    mode["max_failed_attempts"] = policy.max_failed_attempts
    out.ok(timeline_payload(timeline, mode), timeline_text(timeline, policy, mode_text, out))


def _finding_payload(finding: Finding, out: Output) -> dict[str, Any]:
    return {
        "check": finding.check,
        "setting": finding.setting,
        "value": finding.value,
        "expected": finding.expected,
        "reference": finding.reference,
        "severity": finding.severity,
        "message": out.text(f"policy.{finding.check}", **finding.params),
    }


def _passed_payload(finding: Finding) -> dict[str, Any]:
    return {
        "check": finding.check,
        "setting": finding.setting,
        "value": finding.value,
        "expected": finding.expected,
        "reference": finding.reference,
    }


def _lockout_payload(lockout: Lockout, out: Output) -> dict[str, Any]:
    """What a stranger who knows a NIR can do: to the login, then to recovery."""
    login_key = (
        "policy.lockout.login"
        if lockout.login_locked_seconds
        else ("policy.lockout.login_until_recovery")
    )
    recovery = {
        "failures": lockout.recovery_failures,
        "first_delay_seconds": lockout.first_delay_seconds,
        "max_delay_seconds": lockout.max_delay_seconds,
        "failures_first_day": lockout.failures_first_day,
        "failures_per_day": lockout.failures_per_day,
    }
    return {
        "login": {
            "failures": lockout.login_failures,
            "locked_seconds": lockout.login_locked_seconds,
            "message": out.text(
                login_key,
                failures=lockout.login_failures,
                seconds=lockout.login_locked_seconds,
            ),
            "mode": lockout.mode,
            "failure_window_seconds": lockout.failure_window_seconds,
            "lock_seconds": list(lockout.lock_durations),
            "lock_reset_seconds": lockout.lock_reset_seconds,
            "permanent_after": lockout.permanent_rank,
            "mode_message": mode_text(lockout, out),
        },
        "recovery": {**recovery, "message": out.text("policy.lockout.recovery", **recovery)},
    }


def _passwords_payload(rules: PasswordRules, out: Output) -> dict[str, Any]:
    """What a new password may not be: the history, the default list, the operator's file."""
    from db.blocklist import DEFAULT_LIST, file_format_of

    kind = file_format_of(rules.blocklist_file) if rules.blocklist_file else None
    history = (
        out.text("policy.passwords.history", history=rules.history)
        if rules.history
        else out.text("policy.passwords.history_off")
    )
    words = ", ".join(rules.context_words)
    operator = (
        out.text(
            "policy.passwords.file",
            path=rules.blocklist_file,
            format=out.text(f"policy.passwords.format.{kind}"),
        )
        if kind
        else out.text("policy.passwords.no_file")
    )
    return {
        "history": rules.history,
        "blocklist": {
            "default": DEFAULT_LIST,
            "context_words": list(rules.context_words),
            "file": rules.blocklist_file,
            "format": kind,
        },
        "messages": [history, out.text("policy.passwords.blocklist", words=words), operator],
    }


_COLUMNS = ("severity", "setting", "value", "expected", "reference", "message")


def _policy_text(payload: Mapping[str, Any], out: Output) -> str:
    from tabulate import tabulate

    findings = payload["findings"]
    if findings:
        headers = out.columns("severity", "setting", "value", "expected", "reference", "finding")
        table = tabulate(
            [[_cell(finding[key]) for key in _COLUMNS] for finding in findings],
            headers=headers,
            maxcolwidths=[None, 24, None, 14, 26, 36],
            disable_numparse=True,
        )
        lines = [out.text("policy.findings"), table]
    else:
        lines = [out.text("policy.none")]
    passed = payload["passed"]
    lines += ["", out.text("policy.passed", count=len(passed))]
    for check in passed:
        value, expected = _cell(check["value"]), check["expected"]
        lines.append(f"- {check['setting']} = {value} ({expected}; {check['reference']})")
    lines += ["", out.text("policy.accepted")]
    for note in payload["accepted"]:
        lines.append(f"- {note['setting']} ({note['reference']}):")
        lines.append(
            textwrap.fill(note["message"], 88, initial_indent="  ", subsequent_indent="  ")
        )
    lines += ["", out.text("policy.passwords")]
    for message in payload["passwords"]["messages"]:
        lines.append(textwrap.fill(message, 88, initial_indent="- ", subsequent_indent="  "))
    lines += ["", out.text("policy.lockout")]
    for message in (
        payload["lockout"]["login"]["message"],
        payload["lockout"]["login"]["mode_message"],
        payload["lockout"]["recovery"]["message"],
    ):
        lines.append(textwrap.fill(message, 88, initial_indent="- ", subsequent_indent="  "))
    return "\n".join(lines)


def _cell(value: object) -> str:
    """Booleans as sesame.toml writes them."""
    return str(value).lower() if isinstance(value, bool) else str(value)
