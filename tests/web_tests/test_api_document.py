"""The API's OpenAPI document and its status table: valid, total, and in step
with the routes and the codes (the answers themselves: test_api.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cli.exits import exit_code
from engine.outcomes import Code
from web.api import OPENAPI_DOCUMENT
from web.api_status import HTTP_STATUS, http_status

DOCUMENT: dict[str, Any] = json.loads(OPENAPI_DOCUMENT.read_text())


def test_the_document_is_valid_openapi_3_1() -> None:
    from openapi_spec_validator import validate

    assert DOCUMENT["openapi"].startswith("3.1")
    validate(DOCUMENT)


def test_every_code_has_one_status() -> None:
    assert set(HTTP_STATUS) == set(Code)
    assert all(100 <= status <= 599 for status in HTTP_STATUS.values())
    assert http_status(Code.INVALID_INPUT, "content_type") == 415
    assert http_status(Code.INVALID_INPUT, "nir_key") == 400
    # 200 for exactly the answers (exit 0 for the commands).
    answers = {c for c in Code if exit_code(c) == 0}
    assert {c for c, status in HTTP_STATUS.items() if status == 200} == answers


def test_the_error_schema_lists_every_code() -> None:
    error = DOCUMENT["components"]["schemas"]["Error"]["properties"]["error"]
    assert error["properties"]["code"]["enum"] == [c.value for c in Code]


def test_every_documented_status_is_one_a_code_can_have() -> None:
    possible = {str(s) for s in HTTP_STATUS.values()} | {"413", "415"}
    for path, item in DOCUMENT["paths"].items():
        for operation in item.values():
            assert set(operation["responses"]) <= possible, path
            if path != "/openapi.json":
                assert {"200", "400", "413", "415", "429", "500"} <= set(operation["responses"]), (
                    path
                )


def test_every_route_is_documented_and_nothing_else(tmp_path: Path) -> None:
    from db.settings import load_settings
    from web.app import create_app

    app = create_app(load_settings(home=str(tmp_path)))
    routes = {
        (rule.rule.removeprefix("/api/v1"), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.elsewhere"
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    documented = {(path, method) for path, item in DOCUMENT["paths"].items() for method in item}
    assert routes == documented
    app.config["SESAME_STORE"].close()


@pytest.mark.parametrize("name", ["SignIn", "NewPassword", "Recovery", "ChannelChoice", "Code"])
def test_requests_refuse_unknown_fields_as_the_api_does(name: str) -> None:
    """The API refuses a field it does not know (`json_field`): the schema says so."""
    schema = DOCUMENT["components"]["schemas"][name]
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) <= set(schema["properties"])


def test_the_description_says_why_no_csrf_token_is_needed() -> None:
    description = DOCUMENT["info"]["description"]
    assert "CSRF" in description
    assert "application/json" in description
    assert "415" in description


def test_the_api_renders_with_the_commands_code_but_without_typer() -> None:
    """cli/documents.py is shared by both faces: importing the API loads no Typer."""
    import subprocess
    import sys

    probe = "import sys, web.api; print(sorted(m for m in sys.modules if m.startswith('typer')))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"
