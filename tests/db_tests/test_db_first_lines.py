"""Duplicates within an imported file: the first valid row with a NIR (or email)
wins, across batches, and each refusal names the line it repeats."""

from __future__ import annotations

from datetime import date

from db.transfer.first_lines import FirstLines
from db.transfer.rows import NewAccount, Refusal


def row(line: int, nir: str, email: str | None = None) -> NewAccount:
    return NewAccount(line, nir, date(1990, 1, 1), email, None, False, None)


def outcomes(batches):
    with FirstLines() as first_lines:
        return [
            (item.line, item.code, item.params.get("first_line"))
            if isinstance(item, Refusal)
            else (item.line, "ok", None)
            for batch in batches
            for item in first_lines.refuse_repeats(batch)
        ]


def test_repeats_are_refused_within_and_across_batches_naming_the_first_line():
    batches = [
        [row(2, "A", "a@x.fr"), row(3, "B"), row(4, "A")],
        [row(5, "C", "a@x.fr"), Refusal(6, "invalid_input"), row(7, "B", "b@x.fr")],
        [row(8, "D", "b@x.fr"), row(9, "E", "e@x.fr"), row(10, "E")],
    ]
    assert outcomes(batches) == [
        (2, "ok", None),
        (3, "ok", None),
        (4, "import_duplicate_nir", 2),
        (5, "import_duplicate_email", 2),
        (6, "invalid_input", None),
        (7, "import_duplicate_nir", 3),  # refused: its email b@x.fr is not taken
        (8, "ok", None),
        (9, "ok", None),
        (10, "import_duplicate_nir", 9),
    ]


def test_a_refused_row_claims_nothing():
    """The NIR of a row refused for its email stays free for a later row."""
    batches = [[row(2, "A", "a@x.fr"), row(3, "B", "a@x.fr")], [row(4, "B")]]
    assert outcomes(batches) == [
        (2, "ok", None),
        (3, "import_duplicate_email", 2),
        (4, "ok", None),
    ]


def test_many_keys_in_one_batch():
    """More keys than one lookup holds (they are looked up 500 at a time)."""
    first = [row(i, f"N{i}", f"m{i}@x.fr") for i in range(2, 1202)]
    again = [row(1202 + i, f"N{i + 2}") for i in range(1200)]
    refused = [o for o in outcomes([first, again]) if o[1] != "ok"]
    assert len(refused) == 1200
    assert refused[0] == (1202, "import_duplicate_nir", 2)
    assert refused[-1] == (2401, "import_duplicate_nir", 1201)
