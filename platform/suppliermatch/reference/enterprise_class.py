"""MSME class (micro, small, medium or large) from investment and annual turnover.

The Ministry of MSME classifies an enterprise by a composite rule: it belongs to the
smallest class whose limits it meets on BOTH investment in plant and machinery (or
equipment) AND annual turnover; crossing either limit moves it up a class. The limits
change by notification, so they are kept below as dated data. Amounts are whole
rupees (INR) throughout; ``parse_inr`` turns what people write ("2.5 cr", "40 lakh",
"Rs 1,20,00,000") into rupees.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from suppliermatch.dates import today_in_india

EnterpriseClass = Literal["micro", "small", "medium", "large"]

LAKH = 100_000
CRORE = 10_000_000


@dataclass(frozen=True)
class ClassLimit:
    """Upper limits (inclusive: "not exceeding") for one class, in rupees."""

    name: EnterpriseClass
    max_investment_inr: int
    max_turnover_inr: int


@dataclass(frozen=True)
class MsmeThresholds:
    in_force_from: date
    source: str
    limits: tuple[ClassLimit, ...]  # smallest class first


MSME_THRESHOLDS: tuple[MsmeThresholds, ...] = (
    MsmeThresholds(
        in_force_from=date(2020, 7, 1),
        source="Ministry of MSME notification S.O. 2119(E), 26 June 2020",
        limits=(
            ClassLimit("micro", 1 * CRORE, 5 * CRORE),
            ClassLimit("small", 10 * CRORE, 50 * CRORE),
            ClassLimit("medium", 50 * CRORE, 250 * CRORE),
        ),
    ),
    MsmeThresholds(
        in_force_from=date(2025, 4, 1),
        source="Ministry of MSME notification S.O. 1364(E), 21 March 2025",
        limits=(
            ClassLimit("micro", 25 * CRORE // 10, 10 * CRORE),
            ClassLimit("small", 25 * CRORE, 100 * CRORE),
            ClassLimit("medium", 125 * CRORE, 500 * CRORE),
        ),
    ),
)


class AmountError(ValueError):
    """A rupee amount could not be read; ``message`` is fit to show the user."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def thresholds_on(on: date) -> MsmeThresholds:
    """The classification limits in force on a given day."""
    in_force = [t for t in MSME_THRESHOLDS if t.in_force_from <= on]
    if not in_force:
        earliest = min(t.in_force_from for t in MSME_THRESHOLDS)
        # Before July 2020 the MSMED Act used investment alone, with separate limits
        # for manufacturing and services: a different rule this module does not model.
        raise ValueError(f"no MSME classification rule on file before {earliest.isoformat()}")
    return max(in_force, key=lambda t: t.in_force_from)


def classify_enterprise(
    investment_inr: int, turnover_inr: int, on: date | None = None
) -> EnterpriseClass:
    """Micro, small, medium or large under the limits in force on ``on`` (default today).

    Turnover is the annual turnover excluding exports, as the notifications define it.
    """
    for label, amount in (("investment", investment_inr), ("turnover", turnover_inr)):
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise TypeError(f"{label} must be a whole number of rupees")
        if amount < 0:
            raise ValueError(f"{label} cannot be negative")
    thresholds = thresholds_on(on or today_in_india())
    for limit in thresholds.limits:
        if investment_inr <= limit.max_investment_inr and turnover_inr <= limit.max_turnover_inr:
            return limit.name
    return "large"


# Units people write after a number, in rupees. Lakh and crore are the Indian units
# (1 lakh = 1,00,000; 1 crore = 1,00,00,000); "L" and "Cr" are the usual shorthand.
_UNIT_MULTIPLIERS = {
    "": 1,
    "k": 1_000,
    "thousand": 1_000,
    "l": LAKH,
    "lac": LAKH,
    "lacs": LAKH,
    "lakh": LAKH,
    "lakhs": LAKH,
    "lk": LAKH,
    "mn": 1_000_000,
    "million": 1_000_000,
    "cr": CRORE,
    "crs": CRORE,
    "crore": CRORE,
    "crores": CRORE,
}
_CURRENCY_PREFIX = re.compile(r"^(?:rs\.?|inr|₹)\s*", re.IGNORECASE)
# "/-" closes an amount on Indian invoices and cheques: "Rs 12,00,000/-".
_CLOSING_MARK = re.compile(r"\s*/-\s*$")
_AMOUNT = re.compile(r"([0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)\s*([a-z]*)\.?", re.ASCII)


def parse_inr(text: object, *, field: str = "amount") -> int:
    """Rupees in a written amount: "2.5 cr" -> 25000000, "Rs 1,20,00,000" -> 12000000.

    Fractions of a rupee are rounded to the nearest rupee. Commas are ignored wherever
    they sit, since both Indian (1,20,00,000) and Western (12,000,000) grouping occur.
    """
    if isinstance(text, bool):
        raise AmountError(field, "amount must be a number of rupees")
    if isinstance(text, int):
        number, unit = Decimal(text), ""
    else:
        if not isinstance(text, str) or not text.strip():
            raise AmountError(field, "amount is required")
        written = _CURRENCY_PREFIX.sub("", text.strip().lower())
        written = _CLOSING_MARK.sub("", written).strip()
        match = _AMOUNT.fullmatch(written)
        if match is None:
            raise AmountError(
                field, f'cannot read "{text.strip()[:40]}" as rupees; write e.g. 2.5 cr or 40 lakh'
            )
        digits, unit = match.group(1).replace(",", ""), match.group(2)
        if unit not in _UNIT_MULTIPLIERS:
            raise AmountError(
                field, f'unknown unit "{unit}": use lakh, crore, or a plain number of rupees'
            )
        try:
            number = Decimal(digits)
        except InvalidOperation:
            raise AmountError(field, f'cannot read "{text.strip()[:40]}" as rupees') from None
    if number < 0:
        raise AmountError(field, "amount cannot be negative")
    rupees = number * _UNIT_MULTIPLIERS[unit]
    return int(rupees.quantize(Decimal(1), rounding=ROUND_HALF_UP))
