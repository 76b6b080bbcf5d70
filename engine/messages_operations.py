"""Catalogue texts (French, English) for the operations commands; merged into engine.messages."""

TEXTS: dict[str, tuple[str, str]] = {}
