"""The README's walkthrough runs top to bottom as written: every `$` line of its
console blocks is run, in order, in one `bash` with the installed `sesame`, and
each output and exit status is compared with what the README shows (times, ids
and secrets, which change from run to run, match any value of their form)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import clean_environment

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SESAME = shutil.which("sesame", path=str(Path(sys.executable).parent)) or shutil.which("sesame")
SECTION = ("## The procedure, step by step", "## Commands")
EXIT = re.compile(r"\s+\[exit (\d+)\]$")
MARK = "@@walkthrough@@"
# What changes from one run to the next, as the README shows it, and what it may be.
VARIABLE = [
    (r"\d\d/\d\d/\d{4} \d\d:\d\d", r"\d\d/\d\d/\d{4} \d\d:\d\d"),
    (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"),
    (r"\b[0-9a-f]{16}\b", r"[0-9a-f]{16}"),
]


@dataclass
class Step:
    command: str
    expected: list[str]
    exit: int = 0


def walkthrough() -> list[Step]:
    """The `$` commands of the section's console blocks, each with what it prints."""
    text = README.read_text()
    section = text[text.index(SECTION[0]) : text.index(SECTION[1])]
    steps: list[Step] = []
    for block in re.findall(r"```console\n(.*?)```", section, re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append(Step(line[2:], []))
                continue
            exit_status = EXIT.search(line)
            if exit_status:
                steps[-1].exit = int(exit_status.group(1))
                line = line[: exit_status.start()]
            steps[-1].expected.append(line)
    return steps


def pattern(expected: list[str]) -> re.Pattern[str]:
    """The expected output as a regular expression: its variable parts match any value
    of their form (the example's temporary password, any temporary password)."""
    text = "\n".join(expected)
    variable = list(VARIABLE)
    for code in re.findall(r'"code": "([A-Za-z0-9]+)"', text):
        variable.append((re.escape(code), f"[A-Za-z0-9]{{{len(code)}}}"))
    combined = re.compile("|".join(f"({source})" for source, _ in variable))
    parts, last = [], 0
    for found in combined.finditer(text):
        parts.append(re.escape(text[last : found.start()]))
        parts.append(variable[found.lastindex - 1][1] if found.lastindex else "")
        last = found.end()
    parts.append(re.escape(text[last:]))
    return re.compile("".join(parts))


def test_the_walkthrough_is_what_the_readme_says():
    steps = walkthrough()
    commands = [step.command for step in steps]
    assert commands[0].startswith("export SESAME_HOME=") and len(commands) >= 15
    assert any("--channel sms" in c for c in commands) and any(
        "reset --token -" in c for c in commands
    )
    assert not any(re.search(r"\b[0-9a-f]{16}\b", c) for c in commands), "ids are variables"


@pytest.mark.skipif(SESAME is None, reason="sesame is not installed")
@pytest.mark.skipif(shutil.which("jq") is None, reason="the walkthrough reads JSON with jq")
def test_the_readme_walkthrough_runs_top_to_bottom(tmp_path):
    steps = walkthrough()
    script = ["set -u"]
    for number, step in enumerate(steps):
        script += [f"echo '{MARK} {number}'", f"{step.command} 2>&1", f'echo "{MARK} exit $?"']
    env = clean_environment(TMPDIR=str(tmp_path), LANG="C.UTF-8", LC_ALL="C.UTF-8")
    env["PATH"] = f"{Path(SESAME).parent}:{env['PATH']}"  # type: ignore[arg-type]
    completed = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    outputs = re.split(rf"^{MARK} (\d+)\n", completed.stdout, flags=re.M)[1:]
    assert len(outputs) == 2 * len(steps), completed.stdout
    for step, (_, shown) in zip(steps, zip(outputs[::2], outputs[1::2], strict=True), strict=True):
        printed, status = re.fullmatch(rf"(.*?){MARK} exit (\d+)\n", shown, re.S).groups()  # type: ignore[union-attr]
        assert int(status) == step.exit, (step.command, printed)
        actual = "\n".join(line.rstrip() for line in printed.splitlines())
        wanted = pattern([line.rstrip() for line in step.expected])
        assert wanted.fullmatch(actual), (
            f"$ {step.command}\n--- README\n{chr(10).join(step.expected)}\n--- ran\n{actual}"
        )
