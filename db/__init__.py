"""The imperative shell: storage, transactions, the outbox (docs/design.md)."""
