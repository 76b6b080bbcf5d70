"""The JSON API (`/api/v1`) through Flask's test client, on both backends.

Every response is checked against the OpenAPI document's schema for its path
and status (an undocumented status fails), and against every secret the test
has typed or received: none may come back. Secrets are read from the outbox
files in the home, as the member reads their phone or mailbox.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import DOB, EMAIL, NEW_PASSWORD, NIR, NIR_COMPACT, PASSWORD, Home, Run, lines

DOCUMENT = json.loads((Path(__file__).parents[2] / "web" / "openapi.json").read_text())
UNKNOWN_NIR = "1 84 12 76 451 089 46"
UNKNOWN_COMPACT = "184127645108946"
WRONG_DOB = "14/10/1995"
THIRD_PASSWORD = "Troisième phrase secrète"


class Api:
    """A client of the API: each answer validated against its documented schema."""

    def __init__(self, home: Home) -> None:
        self.home = home
        self.secrets = {PASSWORD, NEW_PASSWORD, THIRD_PASSWORD}
        self._client: Any = None

    @property
    def client(self) -> Any:
        if self._client is None:
            from db.settings import load_settings
            from web.app import create_app

            settings = load_settings(home=str(self.home.path), db=self.home.db_url)
            self._client = create_app(settings).test_client()
        return self._client

    def configure(self, **policy: Any) -> None:
        """A new policy: the application is created again on it."""
        self.close()
        self.home.configure(resend_cooldown_seconds=0, **policy)

    def close(self) -> None:
        if self._client is not None:
            self._client.application.config["SESAME_STORE"].close()
            self._client = None

    def post(self, path: str, body: Any, lang: str | None = None, **kwargs: Any) -> Any:
        headers = {"Accept-Language": lang} if lang else {}
        if "data" not in kwargs:
            kwargs["json"] = body
        response = self.client.post(f"/api/v1{path}", headers=headers, **kwargs)
        self.check(path, response)
        return response

    def check(self, path: str, response: Any) -> None:
        from jsonschema import Draft202012Validator

        responses = DOCUMENT["paths"][path]["post"]["responses"]
        assert str(response.status_code) in responses, (path, response.status_code)
        documented = responses[str(response.status_code)]["content"]["application/json"]
        schema = {**documented["schema"], "components": DOCUMENT["components"]}
        Draft202012Validator(schema).validate(response.get_json())
        assert response.mimetype == "application/json"
        text = response.get_data(as_text=True)
        assert "sesame " not in text  # the web's wording: no command to type
        for secret in self.secrets:
            assert secret not in text
            assert json.dumps(secret)[1:-1] not in text

    def sms_code(self) -> str:
        code = self.home.last_sms_code()
        self.secrets.add(code)
        return code

    def link(self) -> str:
        link = self.home.last_link()
        self.secrets.add(link.split("token=", 1)[1])
        return link


@pytest.fixture
def api(home: Home, member: Callable[..., Run]) -> Iterator[Api]:
    """The API on a home with the procedure's member (both channels)."""
    member()
    made = Api(home)
    yield made
    made.close()


def answer(response: Any) -> tuple[int, Any]:
    return response.status_code, response.get_json()


def refused(response: Any) -> tuple[int, str]:
    return response.status_code, response.get_json()["error"]["code"]


def lock(api: Api) -> None:
    statuses = [api.post("/sign-in", {"nir": NIR, "password": "mauvais"}) for _ in range(3)]
    assert [refused(r) for r in statuses] == [
        (401, "auth_failed"),
        (401, "auth_failed"),
        (403, "account_locked"),
    ]


def test_the_sms_path_through_the_api_only(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    lock(api)
    assert refused(api.post("/sign-in", {"nir": NIR, "password": PASSWORD})) == (
        403,
        "account_locked",
    )
    wrong = api.post("/unlock", {"identifier": NIR, "dob": WRONG_DOB})
    assert refused(wrong) == (401, "identity_mismatch")
    locked = api.post("/sign-in", {"nir": NIR, "password": PASSWORD}).get_json()["error"]
    assert locked["message"] == "Après 3 tentatives infructueuses, vos identifiants sont bloqués."
    status, choice = answer(api.post("/unlock", {"identifier": NIR, "dob": DOB}))
    assert status == 200
    assert choice["state"] == "choose_channel"
    assert choice["channels"] == [
        {"channel": "sms", "destination": "*** ** 42 08"},
        {"channel": "email", "destination": "*****@orange.fr"},
    ]
    status, sent = answer(api.post("/channel", {"flow": choice["flow"], "channel": "sms"}))
    assert status == 200
    assert sent["flow"] == choice["flow"]
    assert (sent["state"], sent["channel"], sent["destination"]) == (
        "code_sent",
        "sms",
        "*** ** 42 08",
    )
    assert "outbox_file" not in sent  # where the server keeps its outbox is its own business
    code = api.sms_code()
    accepted = api.post("/sign-in", {"nir": NIR, "password": code})
    assert answer(accepted) == (
        200,
        {"ok": True, "result": "temporary_password_accepted", "next": "new_password"},
    )
    # A refused new password does not use up the temporary password.
    body = {"nir": NIR, "password": code, "new_password": "court", "confirmation": "court"}
    assert refused(api.post("/new-password", body)) == (422, "weak_password")
    body |= {"new_password": NEW_PASSWORD, "confirmation": NEW_PASSWORD + "x"}
    assert refused(api.post("/new-password", body)) == (422, "password_mismatch")
    body["confirmation"] = NEW_PASSWORD
    assert answer(api.post("/new-password", body)) == (
        200,
        {"ok": True, "result": "password_changed"},
    )
    # Single use: the temporary password is no password any more.
    assert refused(api.post("/sign-in", {"nir": NIR, "password": code})) == (401, "auth_failed")
    signed_in = api.post("/sign-in", {"nir": NIR_COMPACT, "password": NEW_PASSWORD})
    assert answer(signed_in) == (200, {"ok": True, "result": "logged_in"})
    assert not [secret for secret in api.secrets if secret in caplog.text]  # no body logged


def test_the_code_endpoint_keeps_the_temporary_password_after_a_refusal(api: Api) -> None:
    lock(api)
    sent = api.post("/unlock", {"identifier": NIR, "dob": DOB, "channel": "SMS"})
    assert (sent.status_code, sent.get_json()["channel"]) == (200, "sms")
    code = api.sms_code()
    body = {"nir": NIR, "temporary_password": code, "new_password": "court", "confirmation": "x"}
    assert refused(api.post("/code", body)) == (422, "password_mismatch")
    body |= {"confirmation": "court"}
    weak = api.post("/code", body)
    assert refused(weak) == (422, "weak_password")
    assert "12" in weak.get_json()["error"]["message"]  # the policy's reasons, listed
    body |= {"new_password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}
    assert answer(api.post("/code", body)) == (200, {"ok": True, "result": "password_changed"})
    assert refused(api.post("/code", body)) == (410, "code_used")
    assert api.post("/sign-in", {"nir": NIR, "password": NEW_PASSWORD}).status_code == 200


def test_the_email_path_through_the_api_only(api: Api) -> None:
    status, sent = answer(
        api.post("/forgot", {"identifier": EMAIL, "dob": DOB, "channel": "email"})
    )
    assert status == 200
    assert (sent["state"], sent["channel"], sent["destination"]) == (
        "code_sent",
        "email",
        "*****@orange.fr",
    )
    link = api.link()
    body = {"token": link, "new_password": THIRD_PASSWORD, "confirmation": "autre chose"}
    assert refused(api.post("/reset", body)) == (422, "password_mismatch")
    body["confirmation"] = THIRD_PASSWORD
    assert answer(api.post("/reset", body)) == (200, {"ok": True, "result": "password_changed"})
    token_only = body | {"token": link.split("token=", 1)[1]}
    assert refused(api.post("/reset", token_only)) == (410, "code_used")
    assert api.post("/sign-in", {"nir": NIR, "password": THIRD_PASSWORD}).status_code == 200
    assert refused(api.post("/sign-in", {"nir": NIR, "password": PASSWORD})) == (
        401,
        "auth_failed",
    )


def test_the_api_and_the_commands_answer_the_same_documents(
    api: Api, sesame: Callable[..., Run]
) -> None:
    """One rendering (cli/documents.py) for both faces: the same refusal is the
    same document; an answer has the same fields, less the server's outbox path."""
    cli = sesame("login", NIR, "--json", input=lines("mauvais")).json()
    assert api.post("/sign-in", {"nir": NIR, "password": "mauvais"}).get_json() == cli
    locked = sesame("login", NIR, "--json", input=lines("mauvais")).json()
    assert locked["error"]["code"] == "account_locked"  # the third failure, by the command
    cli_choice = sesame("unlock", NIR, "--dob", DOB, "--json").json()
    api_choice = api.post("/unlock", {"identifier": NIR, "dob": DOB}).get_json()
    assert api_choice == cli_choice | {"flow": api_choice["flow"]}
    cli_sent = sesame("send-code", api_choice["flow"], "--channel", "sms", "--json").json()
    api_sent = api.post("/channel", {"flow": api_choice["flow"], "channel": "sms"}).get_json()
    assert api_sent.keys() == cli_sent.keys() - {"outbox_file"}
    assert {k: api_sent[k] for k in ("flow", "state", "channel", "destination")} == {
        k: cli_sent[k] for k in ("flow", "state", "channel", "destination")
    }


def test_one_usable_channel_is_chosen_and_said(home: Home, member: Callable[..., Run]) -> None:
    member(mobile="+590 690 12 34 56")  # overseas: no SMS
    api = Api(home)
    try:
        lock(api)
        sms = api.post("/unlock", {"identifier": NIR, "dob": DOB, "channel": "sms"})
        assert refused(sms) == (409, "channel_unavailable")
        status, sent = answer(api.post("/unlock", {"identifier": NIR, "dob": DOB}))
        assert (status, sent["state"], sent["channel"]) == (200, "code_sent", "email")
    finally:
        api.close()


def test_no_channel(home: Home, member: Callable[..., Run]) -> None:
    member(email=None, mobile=None)
    api = Api(home)
    try:
        lock(api)
        no_channel = api.post("/unlock", {"identifier": NIR, "dob": DOB})
        assert refused(no_channel) == (409, "no_channel")
    finally:
        api.close()


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        ("/sign-in", {"nir": "2 95 10 99 126 111 94", "password": "x"}, "nir_key"),
        ("/sign-in", {"nir": NIR, "password": 12}, "json_field"),
        ("/sign-in", {"nir": NIR, "password": "x", "remember": "yes"}, "json_field"),
        ("/sign-in", [NIR, "x"], "json_body"),
        ("/sign-in", {"nir": NIR, "password": "\ud800"}, "json_text"),
        ("/unlock", {"identifier": NIR, "dob": "1995-10-15"}, "dob_format"),
        ("/unlock", {"identifier": NIR, "dob": DOB, "channel": "pigeon"}, "channel"),
        ("/forgot", {"identifier": "marie@", "dob": DOB}, "email_invalid"),
        ("/channel", {"flow": "abc", "channel": "fax"}, "channel"),
        ("/reset", {"token": "a b", "new_password": "x", "confirmation": "x"}, "token"),
    ],
)
def test_invalid_input(api: Api, path: str, body: Any, expected: str) -> None:
    response = api.post(path, body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert (error["code"], error["reason"]) == ("invalid_input", expected)


def test_a_field_name_is_quoted_back_only_when_printable(api: Api) -> None:
    messages = [
        api.post("/sign-in", {name: "x"}).get_json()["error"]["message"]
        for name in ("remember", "\u202eevil", "\ud800")
    ]
    assert messages == [
        "Requête invalide : le champ « remember » est inconnu ou n'est pas un texte.",
        "Requête invalide : le champ « ? » est inconnu ou n'est pas un texte.",
        "Requête invalide : le champ « ? » est inconnu ou n'est pas un texte.",
    ]


def test_missing_input_names_the_field(api: Api) -> None:
    response = api.post("/code", {"nir": NIR, "temporary_password": "x", "new_password": "y"})
    assert answer(response) == (
        400,
        {
            "ok": False,
            "error": {"code": "missing_input", "message": "Saisie manquante : confirmation."},
        },
    )


def test_a_form_or_text_post_is_refused_and_counts_nothing(api: Api) -> None:
    """A cross-site HTML form can post urlencoded, multipart or text/plain, never JSON."""
    form = {"nir": NIR, "password": "mauvais"}
    for _ in range(3):
        assert refused(api.post("/sign-in", None, data=form)) == (415, "invalid_input")
    text = json.dumps(form)
    plain = api.post("/sign-in", None, data=text, content_type="text/plain")
    assert plain.get_json()["error"]["reason"] == "content_type"
    # Nothing was read: three wrong passwords later the account is still not locked.
    assert refused(api.post("/sign-in", form)) == (401, "auth_failed")
    json_suffix = api.post("/sign-in", None, data=text, content_type="application/merge+json")
    assert refused(json_suffix) == (401, "auth_failed")


def test_a_body_too_large_is_refused_before_it_is_read(api: Api) -> None:
    response = api.post("/sign-in", {"nir": NIR, "password": "x" * 70_000})
    assert refused(response) == (413, "invalid_input")
    assert response.get_json()["error"]["reason"] == "body_too_large"


def test_no_such_endpoint_or_method_is_said_in_json(api: Api) -> None:
    unknown = api.client.post("/api/v1/login", json={"nir": NIR, "password": PASSWORD})
    assert answer(unknown) == (
        404,
        {"ok": False, "error": {"code": "not_found", "message": "Page introuvable."}},
    )
    method = api.client.get("/api/v1/sign-in", headers={"Accept-Language": "en"})
    assert (method.status_code, method.headers["Allow"]) == (405, "POST")
    assert method.get_json()["error"] == {
        "code": "invalid_input",
        "reason": "method",
        "message": "Request refused: the method GET is not accepted here (POST).",
    }
    assert api.client.delete("/api/v1/openapi.json").headers["Allow"] == "GET"


def test_enumeration_unknown_nir_and_wrong_password_are_alike(api: Api) -> None:
    known = [api.post("/sign-in", {"nir": NIR, "password": "mauvais"}) for _ in range(4)]
    unknown = [api.post("/sign-in", {"nir": UNKNOWN_NIR, "password": "mauvais"}) for _ in range(4)]
    # The lock's message names the identifier the member typed: each its own.
    seen = [(r.status_code, r.get_data(as_text=True)) for r in known]
    other = [(r.status_code, r.get_data(as_text=True)) for r in unknown]
    assert seen == [(s, t.replace(UNKNOWN_COMPACT, NIR_COMPACT)) for s, t in other]
    assert [s for s, _ in seen] == [401, 401, 403, 403]


def test_enumeration_unknown_identifier_and_wrong_birth_date_are_alike(api: Api) -> None:
    lock(api)
    wrong = api.post("/unlock", {"identifier": NIR, "dob": WRONG_DOB})
    unknown = api.post("/unlock", {"identifier": UNKNOWN_NIR, "dob": DOB})
    stranger = api.post("/unlock", {"identifier": "inconnu@example.org", "dob": DOB})
    assert wrong.status_code == unknown.status_code == stranger.status_code == 401
    assert wrong.get_data() == unknown.get_data() == stranger.get_data()


def test_account_states(api: Api, sesame: Callable[..., Run]) -> None:
    not_locked = api.post("/unlock", {"identifier": NIR, "dob": DOB}, lang="en")
    assert refused(not_locked) == (409, "account_not_locked")
    assert not_locked.get_json()["error"]["message"].startswith("Your account is not locked.")
    assert sesame("account", "disable", NIR, "--reason", "départ").exit_code == 0
    disabled = api.post("/sign-in", {"nir": NIR, "password": PASSWORD})
    assert refused(disabled) == (403, "account_disabled")


def test_flow_and_secret_refusals(api: Api, clock: Any) -> None:
    for flow in ("0123456789abcdef", "ab\x00cd", "é" * 5000):  # a NUL: as on SQLite
        assert refused(api.post("/channel", {"flow": flow, "channel": "sms"})) == (
            404,
            "no_open_flow",
        )
    unknown_link = {"token": "A" * 43, "new_password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}
    assert refused(api.post("/reset", unknown_link)) == (401, "code_invalid")
    lock(api)
    choice = api.post("/unlock", {"identifier": NIR, "dob": DOB}).get_json()
    clock.advance(901)  # flow_ttl_seconds
    late = api.post("/channel", {"flow": choice["flow"], "channel": "sms"})
    assert refused(late) == (410, "flow_expired")
    api.post("/unlock", {"identifier": NIR, "dob": DOB, "channel": "sms"})
    code = api.sms_code()
    wrong = {"nir": NIR, "temporary_password": "AAAAAAAAAA", "new_password": NEW_PASSWORD}
    wrong["confirmation"] = NEW_PASSWORD
    assert refused(api.post("/code", wrong)) == (401, "code_invalid")
    clock.advance(601)  # sms_code_ttl_seconds
    expired = wrong | {"temporary_password": code}
    assert refused(api.post("/code", expired)) == (410, "code_expired")


def test_too_many_attempts_cancel_the_request(api: Api) -> None:
    lock(api)
    api.post("/unlock", {"identifier": NIR, "dob": DOB, "channel": "sms"})
    code = api.sms_code()
    wrong = {"nir": NIR, "temporary_password": "AAAAAAAAAA"}
    wrong |= {"new_password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}
    codes = [refused(api.post("/code", wrong))[1] for _ in range(5)]  # max_code_attempts
    # The fifth cancels the request, said only to the right temporary password.
    assert codes == ["code_invalid"] * 5
    right = api.post("/code", wrong | {"temporary_password": code})
    assert refused(right) == (410, "too_many_attempts")


def test_rate_limited_says_when_in_the_header_and_the_body(api: Api) -> None:
    api.configure(max_identity_failures=1, identity_backoff_seconds=60)
    lock(api)
    assert api.post("/unlock", {"identifier": NIR, "dob": WRONG_DOB}).status_code == 401
    limited = api.post("/unlock", {"identifier": NIR, "dob": DOB}, lang="en")
    assert refused(limited) == (429, "rate_limited")
    error = limited.get_json()["error"]
    assert limited.headers["Retry-After"] == str(error["retry_after_seconds"]) == "60"
    assert error["message"] == "Too many attempts. Try again in 60 seconds."


def test_the_per_source_limit_counts_sign_ins_and_identity_checks(api: Api) -> None:
    config = api.home.path / "sesame.toml"
    api.close()
    config.write_text(config.read_text() + "[web]\nmax_attempts_per_source = 3\n")
    assert api.post("/sign-in", {"nir": NIR, "password": PASSWORD}).status_code == 200
    assert api.post("/unlock", {"identifier": NIR, "dob": DOB}).status_code == 409
    assert api.post("/forgot", {"identifier": UNKNOWN_NIR, "dob": DOB}).status_code == 401
    limited = api.post("/sign-in", {"nir": NIR, "password": PASSWORD})
    assert refused(limited) == (429, "rate_limited")
    assert limited.get_json()["error"]["reason"] == "source"
    assert int(limited.headers["Retry-After"]) > 0
    other = api.client.post(
        "/api/v1/sign-in",
        json={"nir": NIR, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert other.status_code == 200


def test_language_follows_accept_language_french_by_default(api: Api) -> None:
    body = {"nir": "2 95 10 99 126 111 94", "password": "x"}  # nothing counted
    messages = {
        lang: api.post("/sign-in", body, lang=lang).get_json()["error"]["message"]
        for lang in (None, "en-GB,en;q=0.8", "de, en;q=0.5", "de", "fr-FR")
    }
    french = "N° de sécurité sociale invalide : la clé ne correspond pas."
    english = "Invalid social-security number: the check key does not match."
    assert messages == {
        None: french,
        "en-GB,en;q=0.8": english,
        "de, en;q=0.5": english,
        "de": french,
        "fr-FR": french,
    }


def test_an_unexpected_failure_is_internal_error_by_its_type_alone(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError(f"while checking {PASSWORD}")

    monkeypatch.setattr("db.procedure.login", broken)
    response = api.post("/sign-in", {"nir": NIR, "password": PASSWORD})
    assert answer(response) == (
        500,
        {
            "ok": False,
            "error": {"code": "internal_error", "message": "Erreur interne : RuntimeError"},
        },
    )


def test_every_step_is_audited_with_the_client_address(api: Api, home: Home) -> None:
    api.post("/sign-in", {"nir": NIR, "password": "mauvais"})
    api.client.post(
        "/api/v1/sign-in",
        json={"nir": NIR, "password": "mauvais"},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    sources = home.query("SELECT source FROM audit_events WHERE event = 'login_failed' ORDER BY id")
    assert sources == [("127.0.0.1",), ("203.0.113.7",)]


def test_the_api_has_the_security_headers_and_stores_nothing(api: Api) -> None:
    response = api.post("/sign-in", {"nir": NIR, "password": PASSWORD})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Accept-Language" in response.headers["Vary"]


def test_the_document_is_served(api: Api) -> None:
    response = api.client.get("/api/v1/openapi.json")
    assert (response.status_code, response.mimetype) == (200, "application/json")
    assert response.get_json() == DOCUMENT
