"""The texts a member receives as templates: the catalogue's wording by default
(`engine.messages_member`), the operator's own file where the home has one.

Each message has a fixed set of placeholders (`SPECS`). A template is checked
when it is read, at the start of a command that may send it, never when a
message is sent: an unknown placeholder, a missing secret, a bad `$`, a control
character or a text too long refuse the command (exit 2) naming the file.

The secret (the code of the SMS, the link of the email) must stand alone on
its own line, once: that line is what the outbox gives scripts apart (`code`
in the SMS document, `X-Sesame-Link`) and what is erased after delivery.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from string import Template

from engine.errors import SesameError
from engine.languages import LANGS
from engine.messages_member import TEMPLATES as DEFAULTS
from engine.outcomes import Code
from engine.unsafe_text import is_unsafe

SMS, SUBJECT, BODY = "sms", "subject", "body"
# Longest template text of each kind, in characters (before its placeholders are filled).
MAXIMUM = {SMS: 1000, SUBJECT: 200, BODY: 10000}
# Only these characters need a look at their Unicode category.
_NOT_PLAIN = re.compile("[^\x20-\x7e]")
# What a template file's name ends with.
SUFFIX = ".txt"


@dataclass(frozen=True)
class Spec:
    """A message's template: its kind, its placeholders, and the one it cannot do without."""

    name: str
    kind: str
    placeholders: tuple[str, ...]
    required: str | None = None

    @property
    def file_name(self) -> str:
        return self.name + SUFFIX


_ORGANIZATION = ("organization",)
_SPECS = (
    Spec("sms_temporary_password", SMS, ("code", "minutes", "organization", "destination"), "code"),
    Spec("email_reset_link.subject", SUBJECT, ("minutes", "organization")),
    Spec("email_reset_link", BODY, ("link", "minutes", "organization", "destination"), "link"),
    Spec("email_locked.subject", SUBJECT, ("max_failed_attempts", "organization")),
    Spec("email_locked", BODY, ("max_failed_attempts", "organization")),
    Spec("email_channels_changed.subject", SUBJECT, _ORGANIZATION),
    Spec("email_channels_changed", BODY, _ORGANIZATION),
    Spec("email_password_changed.subject", SUBJECT, _ORGANIZATION),
    Spec("email_password_changed", BODY, _ORGANIZATION),
)
SPECS: dict[str, Spec] = {spec.name: spec for spec in _SPECS}


@dataclass(frozen=True)
class Templates:
    """The operator's checked texts by (name, language); any other is the default."""

    overrides: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def text(self, name: str, lang: str) -> str:
        """The template of `name` in `lang` (a member's language other than en reads fr)."""
        lang = lang if lang in LANGS else LANGS[0]
        return self.overrides.get((name, lang)) or default_text(name, lang)

    def render(self, name: str, lang: str, values: Mapping[str, object]) -> str:
        return Template(self.text(name, lang)).substitute(values)


NO_OVERRIDES = Templates()


def default_text(name: str, lang: str) -> str:
    fr, en = DEFAULTS[name]
    return en if lang == "en" else fr


def refused(reason: str, path: str, **params: object) -> SesameError:
    """A template refused: exit 2, naming the file (also in the JSON error, as `file`)."""
    return SesameError(
        Code.INVALID_INPUT,
        reason=f"config_template_{reason}",
        params={"path": path, **params},
        details={"file": path},
    )


def check_template(spec: Spec, raw: str, path: str) -> str:
    """The text of a template file, as it will be used, or a refusal naming `path`.

    Line ends are normalised (CRLF is LF); an SMS or a subject loses its final
    newline (editors add one); an email body keeps it.
    """
    text = raw.replace("\r\n", "\n")
    if spec.kind != BODY:
        text = text.rstrip("\n")
    if not text.strip():
        raise refused("empty", path)
    if len(text) > MAXIMUM[spec.kind]:
        raise refused("length", path, high=MAXIMUM[spec.kind])
    for number, line in enumerate(text.split("\n"), start=1):
        if number > 1 and spec.kind == SUBJECT:
            raise refused("subject_line", path)
        bad = next((m.group() for m in _NOT_PLAIN.finditer(line) if is_unsafe(m.group())), None)
        if bad is not None:
            raise refused("text", path, line=number, char=f"U+{ord(bad):04X}")
    template = Template(text)
    if not template.is_valid():
        raise refused("syntax", path, line=_invalid_line(text))
    unknown = sorted(set(template.get_identifiers()) - set(spec.placeholders))
    if unknown:
        allowed = ", ".join(f"${name}" for name in spec.placeholders)
        raise refused("placeholder", path, placeholder=f"${unknown[0]}", allowed=allowed)
    if spec.required is not None and not _alone_once(text, spec.required):
        raise refused("required", path, placeholder=f"${spec.required}")
    return text


def _invalid_line(text: str) -> int:
    """The line of the first `$` that starts no placeholder (`$$` is a dollar sign)."""
    for match in Template.pattern.finditer(text):
        if match.group("invalid") is not None:
            return text.count("\n", 0, match.start()) + 1
    return 1


def _alone_once(text: str, name: str) -> bool:
    """`name` appears once, on a line of its own (spaces around it allowed)."""
    uses = [
        match
        for match in Template.pattern.finditer(text)
        if name in (match.group("named"), match.group("braced"))
    ]
    if len(uses) != 1:
        return False
    start, end = uses[0].span()
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return not (text[line_start:start] + text[end:line_end]).strip()
