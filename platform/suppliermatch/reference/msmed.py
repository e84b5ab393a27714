"""Payment to micro and small suppliers: the MSMED Act's time limits and interest, the RBI
bank rate they refer to, and who section 43B(h) of the Income-tax Act covers.

Every figure here comes from outside the product and changes only by law or by the Reserve
Bank; update this module (and only this module) when it does.

Sources
- Micro, Small and Medium Enterprises Development Act, 2006 (No. 27 of 2006):
  section 2(b) ("appointed day"; "day of acceptance"; "day of deemed acceptance"),
  section 2(n) ("supplier": a micro or small enterprise), section 15 (liability of buyer to
  make payment), section 16 (date from which and rate at which interest is payable).
- Income-tax Act, 1961, section 43B(h), inserted by the Finance Act, 2023 with effect from
  assessment year 2024-25 (payments from 1 April 2023 onwards).
- Ministry of MSME Office Memorandum No. 5/2(2)/2021-E/P & G/Policy, 2 July 2021: retail and
  wholesale traders may register on Udyam, for priority-sector lending only.
- Specified Companies (Furnishing of information about payment to micro and small enterprise
  suppliers) Order, 2019 (MCA S.O. 368(E), 22 January 2019): MSME Form 1, half-yearly.
- RBI bank rate: Reserve Bank of India, Monetary Policy Statements (the bank rate moves with
  the Marginal Standing Facility rate, repo rate + 0.25 percentage point).
"""

from dataclasses import dataclass
from datetime import date, timedelta

# -- section 2(b) and 15 --------------------------------------------------------------------------

# A written objection within this many days of delivery postpones acceptance to the day the
# objection is removed; with no objection, the day of delivery is the day of (deemed)
# acceptance (section 2(b), Explanation (i) and (ii)).
OBJECTION_WINDOW_DAYS = 15
# With no written agreement, payment is due before the appointed day: the day after 15 days
# from acceptance (section 2(b), section 15).
NO_AGREEMENT_DAYS = 15
# An agreed term may never exceed 45 days from acceptance (section 15, proviso).
MAX_AGREED_DAYS = 45
# Section 16: compound interest with monthly rests at three times the RBI bank rate.
INTEREST_MULTIPLE_OF_BANK_RATE = 3

# Section 2(n): only micro and small enterprises are "suppliers" under the Act; a medium
# enterprise has no claim to the section 16 interest.
COVERED_CLASSES = frozenset({"micro", "small"})
# Enterprise activities as Udyam records them. Traders (the 2021 OM) are excluded from
# section 43B(h); the product applies sections 15-16 to them as to any micro or small
# supplier (the rule; a legal reading may differ, see the OM above).
ACTIVITIES = ("manufacturing", "services", "trading")


def acceptance_day(delivered_on: date, objection_removed_on: date | None) -> date:
    """The day of acceptance or deemed acceptance (section 2(b), Explanation)."""
    return objection_removed_on if objection_removed_on is not None else delivered_on


def deemed_acceptance_final_on(delivered_on: date) -> date:
    """The last day the buyer may object in writing; after it, delivery counts as accepted."""
    return delivered_on + timedelta(days=OBJECTION_WINDOW_DAYS)


def due_date(accepted_on: date, agreed_payment_days: int | None) -> date:
    """The last day to pay (section 15): the agreed term, at most 45 days from acceptance;
    with no written agreement (``None``), 15 days from acceptance."""
    if agreed_payment_days is None:
        return accepted_on + timedelta(days=NO_AGREEMENT_DAYS)
    return accepted_on + timedelta(days=min(agreed_payment_days, MAX_AGREED_DAYS))


def interest_applies(enterprise_class: str | None) -> bool:
    """Section 16 interest is owed to micro and small suppliers only (section 2(n))."""
    return enterprise_class in COVERED_CLASSES


def section_43bh_applies(enterprise_class: str | None, activity: str | None) -> bool:
    """Section 43B(h): sums payable to micro and small enterprises, traders excluded."""
    return enterprise_class in COVERED_CLASSES and activity != "trading"


# -- the RBI bank rate, as dated data ----------------------------------------------------------


@dataclass(frozen=True)
class BankRate:
    effective_from: date
    percent: float
    source: str


BANK_RATES: tuple[BankRate, ...] = (
    BankRate(date(2020, 5, 22), 4.25, "RBI Monetary Policy Statement, 22 May 2020"),
    BankRate(date(2022, 5, 4), 4.65, "RBI Monetary Policy Statement, 4 May 2022"),
    BankRate(date(2022, 6, 8), 5.15, "RBI Monetary Policy Statement, 8 June 2022"),
    BankRate(date(2022, 8, 5), 5.65, "RBI Monetary Policy Statement, 5 August 2022"),
    BankRate(date(2022, 9, 30), 6.15, "RBI Monetary Policy Statement, 30 September 2022"),
    BankRate(date(2022, 12, 7), 6.50, "RBI Monetary Policy Statement, 7 December 2022"),
    BankRate(date(2023, 2, 8), 6.75, "RBI Monetary Policy Statement, 8 February 2023"),
    BankRate(date(2025, 2, 7), 6.50, "RBI Monetary Policy Statement, 7 February 2025"),
    BankRate(date(2025, 4, 9), 6.25, "RBI Monetary Policy Statement, 9 April 2025"),
    BankRate(date(2025, 6, 6), 5.75, "RBI Monetary Policy Statement, 6 June 2025"),
    BankRate(date(2025, 12, 5), 5.50, "RBI Monetary Policy Statement, 5 December 2025"),
)


def bank_rate_on(day: date) -> BankRate:
    """The bank rate in force on ``day``."""
    in_force = [rate for rate in BANK_RATES if rate.effective_from <= day]
    if not in_force:
        raise ValueError(f"no RBI bank rate on file before {BANK_RATES[0].effective_from}")
    return in_force[-1]


def interest_percent(interest_from: date) -> float:
    """Section 16's yearly rate: three times the bank rate in force on the day interest
    starts to run (the product fixes the rate then; it does not re-price later months)."""
    return INTEREST_MULTIPLE_OF_BANK_RATE * bank_rate_on(interest_from).percent


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30,
            31, 31, 30, 31, 30, 31][month - 1]  # fmt: skip
    return date(year, month, min(day.day, last))


def interest_paise(principal_paise: int, due_on: date, paid_on: date) -> int:
    """Section 16 interest on a sum due on ``due_on`` and paid on ``paid_on`` (or still
    unpaid that day), in paise.

    Interest runs from the day after the due date at the rate of that day. It compounds at
    each full month counted from the due date (monthly rests: a twelfth of the yearly rate a
    month); the days after the last full month earn simple interest, days of 365.
    """
    if paid_on <= due_on or principal_paise <= 0:
        return 0
    yearly = interest_percent(due_on + timedelta(days=1)) / 100
    months = 0
    while _add_months(due_on, months + 1) <= paid_on:
        months += 1
    rest_days = (paid_on - _add_months(due_on, months)).days
    amount = principal_paise * (1 + yearly / 12) ** months * (1 + yearly * rest_days / 365)
    return round(amount - principal_paise)
