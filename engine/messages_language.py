"""Catalogue texts (French, English) about languages: the member's own (stored
on the account) and what the operator reads; merged into engine.messages."""

TEXTS: dict[str, tuple[str, str]] = {
    "label.language": ("Langue", "Language"),
}
