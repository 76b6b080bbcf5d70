"""The operator's message templates: `templates/<lang>/<name>.txt` in the home.

They are trusted like `sesame.toml` (`db.trust`): a directory or a file another
user can write is refused, a symlinked file is not followed. Any entry that is
not a template is refused too (a misspelt name would otherwise be ignored, and
the member would get the default without anyone noticing); hidden files (an
editor's) are left alone. Each file is checked (`engine.message_templates`)
when it is read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from db.store import storage_error
from db.trust import read_trusted_in, require_trusted
from engine.errors import SesameError
from engine.languages import LANGS
from engine.message_templates import SPECS, SUFFIX, Templates, check_template, refused

DIRECTORY = "templates"


@dataclass(frozen=True)
class TemplateFile:
    """One entry of the templates directory: a checked text, or why it is refused.

    `name` and `lang` are None for an entry that is no template."""

    path: Path
    name: str | None
    lang: str | None
    text: str | None = None
    error: SesameError | None = None


def templates_dir(home: Path) -> Path:
    return home / DIRECTORY


def read_templates(home: Path) -> list[TemplateFile]:
    """Every entry of the home's templates directory, each checked on its own."""
    root = templates_dir(home)
    if not root.exists():
        return []
    require_trusted(root)
    if not root.is_dir():
        return [_unknown(root)]
    found: list[TemplateFile] = []
    for entry in _entries(root):
        if entry.name in LANGS and entry.is_dir():
            found.extend(_read_language(Path(entry.path), entry.name))
        else:
            found.append(_unknown(Path(entry.path)))
    return found


def load_templates(home: Path) -> Templates:
    """The operator's templates, or the first refusal (exit 2 naming the file)."""
    files = read_templates(home)
    for file in files:
        if file.error is not None:
            raise file.error
    return Templates({(f.name, f.lang): f.text for f in files if f.name and f.lang and f.text})


def _read_language(directory: Path, lang: str) -> list[TemplateFile]:
    real = require_trusted(directory)
    files: list[TemplateFile] = []
    for entry in _entries(directory):
        path = Path(entry.path)
        spec = SPECS.get(entry.name.removesuffix(SUFFIX)) if entry.name.endswith(SUFFIX) else None
        if spec is None:
            files.append(_unknown(path))
            continue
        try:
            raw = read_trusted_in(real, entry.name)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise refused("encoding", str(path), offset=exc.start) from None
            files.append(TemplateFile(path, spec.name, lang, check_template(spec, text, str(path))))
        except (SesameError, IsADirectoryError) as exc:
            error = exc if isinstance(exc, SesameError) else _not_a_template(path)
            files.append(TemplateFile(path, spec.name, lang, error=error))
    return files


def _entries(directory: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as entries:
            return sorted((e for e in entries if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError as exc:
        detail = exc.strerror or ""
        raise storage_error("path_unchecked", path=str(directory), detail=detail) from None


def _unknown(path: Path) -> TemplateFile:
    return TemplateFile(path, None, None, error=_not_a_template(path))


def _not_a_template(path: Path) -> SesameError:
    names = ", ".join(spec.file_name for spec in SPECS.values())
    return refused("name", str(path), langs=" | ".join(LANGS), names=names)
