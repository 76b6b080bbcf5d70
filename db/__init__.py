"""The imperative shell: storage, transactions, the outbox (DESIGN.md §1, §3)."""
