"""Catalogue texts (French, English) for the delivery commands; merged into engine.messages."""

TEXTS: dict[str, tuple[str, str]] = {}
