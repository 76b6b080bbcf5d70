"""The `sesame account …` commands: one module per verb (`account unlock` is
`cli/account/unlock.py`; `import` is `importing.py`, `list` is `listing.py`)."""
