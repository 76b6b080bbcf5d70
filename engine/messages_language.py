"""Catalogue texts (French, English) about languages: the member's own (stored
on the account) and what the operator reads; merged into engine.messages."""

TEXTS: dict[str, tuple[str, str]] = {
    "label.language": ("Langue", "Language"),
    # In a message shown to the operator, where the secret was (the stored copy
    # keeps `engine.messages.REDACTED`; it is shown in the operator's language).
    "outbox.secret_removed": ("[secret retiré après envoi]", "[secret removed after sending]"),
    # Option help, in the operator's language (`cli.lazy` fills it in).
    "help.dob": ("Date de naissance, jj/mm/aaaa.", "Date of birth, dd/mm/yyyy."),
    "help.language": (
        "Langue des SMS et emails du membre : fr ou en (défaut : [policy] default_language).",
        "Language of the member's SMS and emails: fr or en (default: [policy] default_language).",
    ),
    "help.language_edit": (
        "Nouvelle langue des SMS et emails du membre : fr ou en.",
        "New language of the member's SMS and emails: fr or en.",
    ),
}
