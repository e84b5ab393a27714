"""Ids sent to the database in ``IN (...)`` lists, a bounded number a statement.

Both databases bound the parameters of one statement: SQLite at 32,766
(SQLITE_MAX_VARIABLE_NUMBER, the default since SQLite 3.32.0,
https://www.sqlite.org/limits.html#max_variable_number; Python's bundled SQLite here is
3.40.1) and PostgreSQL at 65,535 (the wire protocol counts a statement's parameters in 16
bits). The smaller bound holds for both. A few parameters are left for the statement's own
filters; a statement that carries the ids in several lists shares the bound between them.
"""

from collections.abc import Iterator, Sequence
from typing import TypeVar

Value = TypeVar("Value")  # ids, or the GSTINs and refs the importer looks suppliers up by

SQLITE_MAX_PARAMETERS = 32_766
# Parameters a statement has besides its id lists (its filters, a LIMIT).
OTHER_PARAMETERS = 64


def id_chunks(ids: Sequence[Value], *, lists_per_statement: int = 1) -> Iterator[list[Value]]:
    """``ids`` in consecutive slices small enough for one statement with that many lists."""
    size = (SQLITE_MAX_PARAMETERS - OTHER_PARAMETERS) // lists_per_statement
    for first in range(0, len(ids), size):
        yield list(ids[first : first + size])
