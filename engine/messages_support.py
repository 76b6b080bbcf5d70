"""Catalogue texts (French, English) for the support commands; merged into engine.messages."""

TEXTS: dict[str, tuple[str, str]] = {}
