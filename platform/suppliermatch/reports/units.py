"""Quantity units as people write them, reduced to a few that can be added up.

Requirements say "pcs" or "tonnes", capabilities say "pieces" or "kg"; demand can only be
set against capacity once both are in one unit. Units not listed here (lots, tests, jobs,
sets ...) are kept as written and compared only with the very same word.
"""

from dataclasses import dataclass

PIECES = "pieces"
KG = "kg"

# Written unit (lower case) -> (unit it is counted in, how many of those one is).
UNIT_ALIASES: dict[str, tuple[str, float]] = {
    "pcs": (PIECES, 1.0),
    "pc": (PIECES, 1.0),
    "piece": (PIECES, 1.0),
    "pieces": (PIECES, 1.0),
    "nos": (PIECES, 1.0),
    "no": (PIECES, 1.0),
    "numbers": (PIECES, 1.0),
    # Slicing shops state their capacity in pieces cut: a wafer is one piece.
    "wafers": (PIECES, 1.0),
    "kg": (KG, 1.0),
    "kgs": (KG, 1.0),
    "kilogram": (KG, 1.0),
    "kilograms": (KG, 1.0),
    "t": (KG, 1000.0),
    "mt": (KG, 1000.0),
    "tonne": (KG, 1000.0),
    "tonnes": (KG, 1000.0),
    "ton": (KG, 1000.0),
    "tons": (KG, 1000.0),
}
UNSPECIFIED = "units"


@dataclass(frozen=True)
class Quantity:
    amount: float
    unit: str


def normalise(amount: float, unit: str | None) -> Quantity:
    """``amount`` of ``unit`` in the unit it is added up in (tonnes -> kg, pcs -> pieces)."""
    written = (unit or UNSPECIFIED).strip().lower() or UNSPECIFIED
    counted_in, factor = UNIT_ALIASES.get(written, (written, 1.0))
    return Quantity(amount * factor, counted_in)
