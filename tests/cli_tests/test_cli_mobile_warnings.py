"""`account edit --mobile`: a number stored but unreachable by SMS is said (stderr, JSON
`warnings`), and the new number is shown with enough digits to catch a typo."""

from __future__ import annotations

from helpers import NIR, NIR_COMPACT


def test_edit_to_a_mobile_shows_it_for_checking(sesame, member):
    member()
    edited = sesame("account", "edit", NIR, "--mobile", "07 81 22 33 44", "--reason", "appel")
    assert (edited.exit_code, edited.stderr) == (0, "")
    assert edited.stdout.splitlines()[:2] == [
        f"Moyens de contact du compte {NIR_COMPACT} modifiés.",
        "Nouveau mobile : +33 7 81 ** 33 44 (vérifiez-le avec le membre).",
    ]
    as_json = sesame(
        "account", "edit", NIR, "--mobile", "06 12 34 42 08", "--reason", "x", "--json"
    )
    document = as_json.json()
    assert (document["result"], document["new_mobile"], document["warnings"]) == (
        "channels_changed",
        "+33 6 12 ** 42 08",
        [],
    )
    # The member-facing mask stays as it was.
    assert document["account"]["channels"][0]["destination"] == "*** ** 42 08"
    removed = sesame("account", "edit", NIR, "--no-mobile", "--reason", "x", "--json").json()
    assert (removed["new_mobile"], removed["warnings"]) == (None, [])


def test_edit_to_a_number_no_sms_reaches_warns(sesame, member):
    member()
    landline = sesame("account", "edit", NIR, "--mobile", "01 45 67 89 10", "--reason", "appel")
    assert landline.exit_code == 0
    assert landline.stderr == (
        "Attention : le mobile +33 1 45 ** 89 10 est enregistré mais ne peut pas recevoir de "
        "SMS (numéro fixe ou non mobile) : aucun mot de passe temporaire ne pourra lui être "
        "envoyé.\n"
    )
    assert landline.stdout.splitlines()[1] == (
        "Nouveau mobile : +33 1 45 ** 89 10 (vérifiez-le avec le membre)."
    )
    abroad = sesame(
        "account", "edit", NIR, "--mobile", "+44 7700 900123", "--reason", "x", "--json",
        lang="en",
    )  # fmt: skip
    assert (abroad.exit_code, abroad.stderr) == (0, "")
    document = abroad.json()
    assert document["warnings"] == [
        {
            "code": "mobile_no_sms",
            "reason": "not_metropolitan",
            "message": "Warning: the mobile +44 7700 **0123 is stored but cannot receive an SMS "
            "(not a metropolitan-France number): no temporary password can be sent to it.",
        }
    ]
    assert document["account"]["channels"][0]["sms_possible"] is False
