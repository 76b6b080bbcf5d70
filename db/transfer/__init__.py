"""Bulk provisioning: `account import` from CSV and its inverse, `account export`.

An import is streamed: the file is read in batches of rows (`reading`), each
row is checked with the same identity rules as `account add` (`rows`; in a
pool of worker processes when the file holds more than one batch: phone and
email parsing is CPU work, `pool`), and valid rows become `AccountCreated`
events of the machine, written one short write transaction per batch
(`writing`), so other commands are never blocked for long. Only the NIRs and
emails already accepted are remembered, in a temporary on-disk table, to
refuse duplicates within the file (`first_lines`; memory stays flat: a
million rows' keys as Python dicts took 304 MiB); duplicates against the
database are looked up per batch through the unique indexes.

With `stop_on_error` (the default) the whole file is checked and decided
first and nothing is written if any row is refused; the workers return the
rows ready to insert, which wait in temporary tables of the import's
connection (`staging`: on disk) and are then written batch by batch by
`INSERT … SELECT`, the database finding the duplicates among them and
against existing accounts. `importing` runs these steps; `export` is the
other direction.
"""
