"""Catalogue texts (French, English) about languages: the member's own (stored
on the account) and what the operator reads; merged into engine.messages."""

TEXTS: dict[str, tuple[str, str]] = {
    "label.language": ("Langue", "Language"),
    # In a message shown to the operator, where the secret was (the stored copy
    # keeps `engine.messages.REDACTED`; it is shown in the operator's language).
    "outbox.secret_removed": ("[secret retiré après envoi]", "[secret removed after sending]"),
}
