"""Operators: account import/export, policy check."""

from __future__ import annotations

import enum
import json
import sys
import textwrap
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.app import JsonOption, open_store, output
from cli.exits import exit_code
from cli.lazy import command_group
from cli.output import Output, escape
from cli.progress import step_bars
from engine import messages
from engine.errors import invalid
from engine.outcomes import Code
from engine.states import AccountState

if TYPE_CHECKING:
    from db.transfer import ExportedAccount, ImportReport, Progress
    from engine.policy_check import Finding, Lockout

account_app = command_group()
policy_app = command_group()


class OnError(enum.StrEnum):
    STOP = "stop"
    SKIP = "skip"


# --- account import ----------------------------------------------------------


@account_app.command("import")
def account_import(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE.csv",
            help="Header nir,birth_date,email,mobile[,password_hash]; UTF-8, ',' or ';'.",
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and report; write nothing.")
    ] = False,
    on_error: Annotated[
        OnError,
        typer.Option(
            "--on-error",
            help="stop: import nothing if a row is refused; skip: import the valid rows.",
        ),
    ] = OnError.STOP,
    json_output: JsonOption = False,
) -> None:
    """Create accounts from a CSV file.

    Exit 2 when a row is refused with --on-error stop (nothing imported),
    5 when rows were skipped with --on-error skip.
    """
    from db.transfer import import_accounts

    out = output(ctx, json_output)
    store = open_store(ctx)
    with _progress_bar(out) as progress:
        report = import_accounts(
            store,
            file,
            stop_on_error=on_error is OnError.STOP,
            dry_run=dry_run,
            progress=progress,
        )
    _render_import(out, report)


def _render_import(out: Output, report: ImportReport) -> None:
    refused = [
        {
            "line": refusal.line,
            "code": refusal.code,
            **({"reason": refusal.reason} if refusal.reason else {}),
            "message": messages.error_message(
                refusal.code, refusal.reason, refusal.params, out.lang
            ),
        }
        for refusal in report.refused
    ]
    payload = {
        "dry_run": report.dry_run,
        "on_error": OnError.STOP if report.stop_on_error else OnError.SKIP,
        "rows": report.rows,
        "valid": report.valid,
        "imported": report.imported,
        "refused": refused,
    }
    if report.dry_run:
        human = out.text("import.dry_run", valid=report.valid, rows=report.rows)
    else:
        human = out.text("import.done", imported=report.imported, rows=report.rows)
    if not refused and not report.interrupted:
        out.ok(payload, human)
        return
    if refused:
        from tabulate import tabulate

        headers = ("Ligne", "Motif") if out.lang == "fr" else ("Line", "Reason")
        table = tabulate([(row["line"], row["message"]) for row in refused], headers=headers)
        human += "\n" + out.text("import.refused_rows") + "\n" + table
    if report.interrupted:  # Ctrl-C: say what is committed, then exit 130
        message = out.text("import_interrupted", imported=report.imported)
        _refuse(out, Code.IMPORT_INTERRUPTED, message, payload, human)
    code = Code.IMPORT_REFUSED if report.stop_on_error else Code.IMPORT_INCOMPLETE
    message = out.text(
        "import.dry_run_refused" if report.dry_run else code,
        refused=len(refused),
        imported=report.imported,
    )
    _refuse(out, code, message, payload, human)


def _progress_bar(out: Output) -> AbstractContextManager[Progress | None]:
    """One bar per phase of the import (check, import), on a terminal only."""
    return step_bars(lambda phase: out.text(f"import.phase.{phase}"))


# --- account export ----------------------------------------------------------


@account_app.command("export")
def account_export(
    ctx: typer.Context,
    state: Annotated[
        AccountState | None,
        typer.Option("--state", help="Only accounts in this state.", case_sensitive=False),
    ] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV on stdout (the default).")] = False,
    with_hashes: Annotated[
        bool,
        typer.Option("--with-hashes", help="Add the password_hash column (audited)."),
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Write accounts in the import format.

    Columns nir,birth_date,email,mobile (and password_hash with --with-hashes).
    """
    from db.transfer import columns, export_accounts

    output(ctx, json_output)  # remembers --json for a refusal
    if as_csv and json_output:
        raise invalid("export_format")
    exported = export_accounts(open_store(ctx), state, with_hashes=with_hashes)
    # The first row opens the database: a refusal still comes before any output.
    first = next(exported, None)
    rows = _chain(first, exported)
    names = columns(with_hashes)
    if json_output:
        _write_json(rows, names)
    else:
        _write_csv(rows, names)
    sys.stdout.flush()  # a closed pipe shows here, inside the command: see cli.app


def _chain(first: ExportedAccount | None, rest: Iterator[ExportedAccount]) -> Iterator[Any]:
    if first is not None:
        yield first
        yield from rest


def _record(account: ExportedAccount, names: list[str]) -> dict[str, str | None]:
    values = {
        "nir": account.nir,
        "birth_date": f"{account.birth_date:%d/%m/%Y}",
        "email": account.email,
        "mobile": account.mobile,
        "password_hash": account.password_hash,
    }
    return {name: values[name] for name in names}


def _write_csv(rows: Iterator[ExportedAccount], names: list[str]) -> None:
    from cli.csv_output import CsvWriter

    writer = CsvWriter(sys.stdout)
    writer.row(names)
    for account in rows:
        writer.row(_record(account, names).values())


def _write_json(rows: Iterator[ExportedAccount], names: list[str]) -> None:
    """One JSON document, written as it streams."""
    write = sys.stdout.write
    write('{"ok": true, "accounts": [')
    for index, account in enumerate(rows):
        write(
            ("" if index == 0 else ", ") + json.dumps(_record(account, names), ensure_ascii=False)
        )
    write("]}\n")


# --- policy check ------------------------------------------------------------


@policy_app.command("check")
def policy_check(
    ctx: typer.Context,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 2 when any setting is weaker.")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Compare the settings with OWASP ASVS 4.0.3 and NIST SP 800-63B.

    Reads sesame.toml only (no database). Exit 2 with --strict when a setting
    is weaker than its reference.
    """
    from engine.policy_check import check_policy

    out = output(ctx, json_output)
    report = check_policy(open_store(ctx).settings.policy)
    payload = {
        "findings": [_finding_payload(finding, out) for finding in report.findings],
        "accepted": [_finding_payload(finding, out) for finding in report.accepted],
        "lockout": _lockout_payload(report.lockout, out),
    }
    human = _policy_text(payload, out)
    if strict and report.findings:
        message = out.text("policy_findings", count=len(report.findings))
        _refuse(out, Code.POLICY_FINDINGS, message, payload, human)
    out.ok(payload, human)


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
        },
        "recovery": {**recovery, "message": out.text("policy.lockout.recovery", **recovery)},
    }


_COLUMNS = ("severity", "setting", "value", "expected", "reference", "message")


def _policy_text(payload: Mapping[str, Any], out: Output) -> str:
    from tabulate import tabulate

    findings = payload["findings"]
    if findings:
        fr = out.lang == "fr"
        headers = (
            ("Gravité", "Réglage", "Valeur", "Attendu", "Référence", "Constat")
            if fr
            else ("Severity", "Setting", "Value", "Expected", "Reference", "Finding")
        )
        table = tabulate(
            [[_cell(finding[key]) for key in _COLUMNS] for finding in findings],
            headers=headers,
            maxcolwidths=[None, 24, None, 14, 26, 36],
            disable_numparse=True,
        )
        lines = [out.text("policy.findings"), table]
    else:
        lines = [out.text("policy.none")]
    lines += ["", out.text("policy.accepted")]
    for note in payload["accepted"]:
        lines.append(f"- {note['setting']} ({note['reference']}):")
        lines.append(
            textwrap.fill(note["message"], 88, initial_indent="  ", subsequent_indent="  ")
        )
    lines += ["", out.text("policy.lockout")]
    for part in ("login", "recovery"):
        message = payload["lockout"][part]["message"]
        lines.append(textwrap.fill(message, 88, initial_indent="- ", subsequent_indent="  "))
    return "\n".join(lines)


def _cell(value: object) -> str:
    """Booleans as sesame.toml writes them."""
    return str(value).lower() if isinstance(value, bool) else str(value)


# --- shared ------------------------------------------------------------------


def _refuse(out: Output, code: Code, message: str, payload: Mapping[str, Any], human: str) -> None:
    """A refusal that carries its report: one JSON document, or the report on
    stdout and the refusal on stderr; then the exit status of `code`."""
    if out.as_json:
        error = {"code": code, "message": message}
        typer.echo(json.dumps({"ok": False, "error": error, **payload}, ensure_ascii=False))
    else:
        typer.echo(escape(human))
        typer.echo(escape(message), err=True)
    raise typer.Exit(exit_code(code))
