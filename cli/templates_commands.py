"""Operators: `templates list|show|check`, the texts members receive."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.app import JsonOption, open_store, output
from cli.lazy import command_group
from cli.output import Output
from engine.errors import invalid
from engine.languages import LANGS

if TYPE_CHECKING:
    from db.settings import Settings
    from db.template_files import TemplateFile
    from engine.errors import SesameError
    from engine.message_templates import Spec

templates_app = command_group()

NameArgument = Annotated[str, typer.Argument(metavar="NAME")]
LangOption = Annotated[str | None, typer.Option("--lang", metavar="fr|en")]
# More SMS than this for one message is worth a warning.
SEGMENTS_WARNED_ABOVE = 2


@templates_app.command("list")
def templates_list(ctx: typer.Context, json_output: JsonOption = False) -> None:
    from cli.tables import fitted_table
    from db.template_files import read_templates
    from engine.message_templates import SPECS

    out = output(ctx, json_output)
    settings = open_store(ctx).settings
    files = _by_template(read_templates(settings.home))
    entries: list[dict[str, Any]] = [
        {
            "name": spec.name,
            "lang": lang,
            "kind": spec.kind,
            "overridden": (spec.name, lang) in files,
            "file": _file(files, spec.name, lang),
            "placeholders": [
                {"name": name, "required": name == spec.required} for name in spec.placeholders
            ],
        }
        for spec in SPECS.values()
        for lang in LANGS
    ]

    def human() -> str:
        rows = [
            [e["name"], e["lang"], _shown(out, settings, e["file"]), _names(out, e)]
            for e in entries
        ]
        headers = out.columns("template", "lang", "file", "placeholders")
        return fitted_table(headers, rows, keep=[0])

    out.ok({"templates": entries}, human)


@templates_app.command("show")
def templates_show(
    ctx: typer.Context, name: NameArgument, lang: LangOption = None, json_output: JsonOption = False
) -> None:
    from db.template_files import read_templates
    from engine.languages import parse_language
    from engine.message_templates import SPECS, Templates
    from engine.template_values import sample_values

    out = output(ctx, json_output)
    spec = SPECS.get(name)
    if spec is None:
        raise invalid("template_unknown", name=name)
    chosen = parse_language(lang) if lang is not None else out.lang
    settings = open_store(ctx).settings
    file = _by_template(read_templates(settings.home)).get((name, chosen))
    if file is not None and file.error is not None:
        raise file.error
    overrides = {(name, chosen): file.text} if file is not None and file.text else {}
    values = sample_values(spec, settings.policy)
    text = Templates(overrides).render(name, chosen, values)
    path = str(file.path) if file is not None else None
    payload = {"name": name, "lang": chosen, "file": path, "values": values, "text": text}
    out.ok(payload, text.rstrip("\n"))


@templates_app.command("check")
def templates_check(ctx: typer.Context, json_output: JsonOption = False) -> None:
    from cli.report import refuse_with_report
    from cli.tables import fitted_table
    from db.template_files import read_templates
    from engine.message_templates import SPECS
    from engine.outcomes import Code

    out = output(ctx, json_output)
    settings = open_store(ctx).settings
    read = read_templates(settings.home)
    files = _by_template(read)
    entries = [
        _checked(out, settings, spec, lang, files) for spec in SPECS.values() for lang in LANGS
    ]
    strays: list[dict[str, Any]] = [
        {"file": str(f.path), "error": _error(out, f.error)}
        for f in read
        if f.name is None and f.error is not None
    ]
    payload = {"templates": entries, "unknown_files": strays}

    def human() -> str:
        rows = [
            [
                e["name"],
                e["lang"],
                _shown(out, settings, e["file"]),
                out.text(f"templates.{e['status']}"),
                e["sms"]["encoding"] if "sms" in e else "-",
                str(e["sms"]["segments"]) if "sms" in e else "-",
            ]
            for e in entries
        ]
        headers = out.columns("template", "lang", "file", "result", "encoding", "segments")
        return fitted_table(headers, rows, keep=[0])

    for entry in entries:
        sms = entry.get("sms")
        if sms and sms["warning"]:
            out.note(out.text("templates.segments_warning", **entry, **sms))
    refusals: list[str] = [e["error"]["message"] for e in entries if "error" in e]
    refusals += [stray["error"]["message"] for stray in strays]
    if refusals:
        for message in refusals:
            out.note(message)
        message = out.text("templates_refused", count=len(refusals))
        refuse_with_report(out, Code.TEMPLATES_REFUSED, message, payload, human())
    out.ok(payload, human)


def _checked(
    out: Output,
    settings: Settings,
    spec: Spec,
    lang: str,
    files: dict[tuple[str, str], TemplateFile],
) -> dict[str, Any]:
    """One template's verdict, and for an SMS its encoding and size at the longest."""
    from engine.message_templates import SMS, Templates
    from engine.sms_encoding import sms_size
    from engine.template_values import sample_values

    file = files.get((spec.name, lang))
    entry: dict[str, Any] = {
        "name": spec.name,
        "lang": lang,
        "file": str(file.path) if file is not None else None,
        "status": "ok",
    }
    if file is not None and file.error is not None:
        entry.update(status="refused", error=_error(out, file.error))
        return entry
    if spec.kind == SMS:
        overrides = {(spec.name, lang): file.text} if file is not None and file.text else {}
        text = Templates(overrides).render(spec.name, lang, sample_values(spec, settings.policy))
        size = sms_size(text)
        entry["sms"] = {
            "encoding": size.encoding,
            "places": size.places,
            "segments": size.segments,
            "warning": size.segments > SEGMENTS_WARNED_ABOVE,
        }
    return entry


def _by_template(files: list[TemplateFile]) -> dict[tuple[str, str], TemplateFile]:
    return {(f.name, f.lang): f for f in files if f.name is not None and f.lang is not None}


def _file(files: dict[tuple[str, str], TemplateFile], name: str, lang: str) -> str | None:
    file = files.get((name, lang))
    return str(file.path) if file is not None else None


def _shown(out: Output, settings: Settings, file: str | None) -> str:
    """A template's file for people: under the home, as `templates/fr/NAME.txt`."""
    if file is None:
        return out.text("templates.default")
    from pathlib import Path

    path = Path(file)
    return str(path.relative_to(settings.home)) if path.is_relative_to(settings.home) else file


def _names(out: Output, entry: dict[str, Any]) -> str:
    return ", ".join(
        out.text("templates.required", placeholder=p["name"]) if p["required"] else p["name"]
        for p in entry["placeholders"]
    )


def _error(out: Output, error: SesameError | None) -> dict[str, Any]:
    from engine import messages

    assert error is not None
    message = messages.error_message(error.code, error.reason, error.params, out.lang)
    return {"code": error.code, "reason": error.reason, "message": message}
