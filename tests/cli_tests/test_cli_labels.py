"""What frames a result (labels, table headers, times) is in the user's language,
from the catalogue (engine/messages_labels.py); the values in the cells are codes."""

from __future__ import annotations

import re

import pytest
from helpers import NIR, NIR_COMPACT

LANDLINE = "05 12 34 56 78"


def _labels(text: str) -> list[str]:
    """The left column of `status ID`: the label before the run of spaces."""
    return [re.split(r"\s{2,}", line)[0] for line in text.splitlines() if line[:1] != " "]


@pytest.mark.parametrize(
    ("lang", "labels", "no_sms", "when"),
    [
        (
            "fr",
            [
                "NIR",
                "État",
                "Échecs",
                "Bloqué le",
                "Bloqué jusqu'au",
                "Dernière connexion",
                "Mot de passe changé le",
                "Canaux",
                "Langue",
                "Demande en cours",
            ],
            "sms: *** ** 56 78 (SMS impossible)",
            r"\d\d/\d\d/\d{4} \d\d:\d\d",
        ),
        (
            "en",
            [
                "NIR",
                "State",
                "Failed attempts",
                "Locked at",
                "Locked until",
                "Last login",
                "Password changed",
                "Channels",
                "Language",
                "Open flow",
            ],
            "sms: *** ** 56 78 (no SMS possible)",
            r"\d{4}-\d\d-\d\d \d\d:\d\d",
        ),
    ],
)
def test_status_labels_and_times_in_each_language(sesame, member, lang, labels, no_sms, when):
    member(mobile=LANDLINE)
    shown = sesame("status", NIR, lang=lang)
    assert shown.exit_code == 0, shown.stderr
    assert _labels(shown.stdout) == labels
    lines = shown.stdout.splitlines()
    assert lines[0].split() == ["NIR", NIR_COMPACT]
    assert lines[7].endswith(no_sms)
    assert re.fullmatch(rf"{labels[6]}\s+{when}", lines[6])


def test_account_show_and_list_headers_in_french(sesame, member):
    member()
    shown = sesame("account", "show", NIR).stdout
    assert "\nDerniers événements\n" in shown
    # One account's events: no nir column (the same on every row), a source column.
    header = ["date", "auteur", "système", "source", "événement", "changement", "demande"]
    after = shown.split("\nDerniers événements\n")[1].splitlines()[0]
    assert after.split() == [*header, "détail"]
    listed = sesame("account", "list").stdout.splitlines()[0]
    assert re.split(r"\s{2,}", listed.strip()) == [
        "nir",
        "état",
        "échecs",
        "bloqué depuis",
        "demande",
        "canaux",
    ]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "Donnez soit ID (après un SMS), soit --token (après un email)."),
        ("en", "Give either ID (after an SMS) or --token (after an email)."),
    ],
)
def test_reset_usage_error_in_each_language(sesame, lang, expected):
    refused = sesame("reset", "--json", lang=lang)
    assert (refused.exit_code, refused.json()["error"]) == (
        2,
        {"code": "invalid_input", "message": expected},
    )
