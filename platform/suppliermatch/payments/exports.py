"""The anchor's statutory lists, as CSV (through csv_cells, so they open safely):

- MSME Form 1 data, half-yearly (April-September, October-March): what is outstanding to
  micro and small suppliers more than 45 days after acceptance at the end of the half year,
  with the buyer's reason for the delay (Specified Companies Order, 2019; see
  reference.msmed);
- the section 43B(h) list for a financial year: sums payable at the year end to micro and
  small suppliers other than traders, and whether the deduction is allowed that year.
"""

from datetime import date

from sqlmodel import Session, select

from suppliermatch.access import Actor, ActorKind
from suppliermatch.csv_cells import to_csv
from suppliermatch.dates import today_in_india
from suppliermatch.errors import Forbidden, ValidationFailed
from suppliermatch.payments import service
from suppliermatch.payments.models import PurchaseOrder
from suppliermatch.reference import msmed
from suppliermatch.suppliers.models import Supplier

FORM_1_HEADER = (
    "supplier",
    "pan",
    "enterprise_class",
    "purchase_order",
    "invoice",
    "invoice_date",
    "accepted_on",
    "due_on",
    "amount_outstanding_inr",
    "days_since_acceptance",
    "reason_for_delay",
)
SECTION_43BH_HEADER = (
    "supplier",
    "pan",
    "enterprise_class",
    "activity",
    "purchase_order",
    "invoice",
    "invoice_date",
    "accepted_on",
    "due_on",
    "outstanding_at_year_end_inr",
    "paid_in_full_on",
    "deduction",
)
ALLOWED = "allowed this year"
ALLOWED_IF_PAID = "allowed if paid by the due date"
DISALLOWED = "disallowed this year: deductible in the year paid"


def half_year(year: int, half: int) -> tuple[date, date]:
    """Half ``half`` (1: April-September, 2: October-March) of the financial year that
    starts in April of ``year``."""
    if half not in (1, 2):
        raise ValidationFailed("The half year is 1 (April-September) or 2 (October-March).",
                               field="half")  # fmt: skip
    if half == 1:
        return date(year, 4, 1), date(year, 9, 30)
    return date(year, 10, 1), date(year + 1, 3, 31)


def _anchor_orders(session: Session, actor: Actor) -> list[PurchaseOrder]:
    if actor.kind != ActorKind.ANCHOR:
        raise Forbidden("These exports are the buyer's.")
    return list(
        session.exec(select(PurchaseOrder).where(PurchaseOrder.anchor_id == actor.organisation_id))
    )


def _suppliers(session: Session, orders: list[PurchaseOrder]) -> dict[int, Supplier]:
    ids = list({o.supplier_id for o in orders})
    return {s.id: s for s in session.exec(select(Supplier).where(Supplier.id.in_(ids)))}


def form_1_rows(
    session: Session, *, actor: Actor, year: int, half: int, today: date | None = None
) -> list[tuple]:
    """Invoices to micro and small suppliers unpaid at the half year's end more than 45 days
    after acceptance (payments made after that day do not count); for the half year still
    running, as at today."""
    _, end = half_year(year, half)
    end = min(end, today or today_in_india())
    orders = [o for o in _anchor_orders(session, actor) if msmed.interest_applies(o.supplier_class)]
    suppliers = _suppliers(session, orders)
    rows = []
    for p in service.positions(session, orders, end, paid_until=end):
        if p.invoice.invoiced_on > end or p.outstanding_paise == 0 or p.accepted_on is None:
            continue
        age = (end - p.accepted_on).days
        if age <= msmed.MAX_AGREED_DAYS:
            continue
        supplier = suppliers[p.order.supplier_id]
        rows.append((
            supplier.legal_name, supplier.pan, p.order.supplier_class, p.order.number,
            p.invoice.number, p.invoice.invoiced_on.isoformat(), p.accepted_on.isoformat(),
            p.due_on.isoformat(), service.to_rupees(p.outstanding_paise), age,
            p.invoice.delay_reason,
        ))  # fmt: skip
    return rows


def form_1_csv(session: Session, *, actor: Actor, year: int, half: int) -> str:
    return to_csv(FORM_1_HEADER, form_1_rows(session, actor=actor, year=year, half=half))


def section_43bh_rows(
    session: Session, *, actor: Actor, year: int, today: date | None = None
) -> list[tuple]:
    """Invoices of the financial year starting April ``year`` still payable at 31 March to
    micro and small suppliers that are not traders (section 43B(h)), with the deduction:
    disallowed when the Act's due date passed unpaid, allowed when paid by it."""
    today = today or today_in_india()
    year_end = date(year + 1, 3, 31)
    orders = [
        o
        for o in _anchor_orders(session, actor)
        if msmed.section_43bh_applies(o.supplier_class, o.supplier_activity)
    ]
    suppliers = _suppliers(session, orders)
    at_year_end = {
        p.invoice.id: p for p in service.positions(session, orders, year_end, paid_until=year_end)
    }
    rows = []
    for p in service.positions(session, orders, today):
        then = at_year_end[p.invoice.id]
        if p.invoice.invoiced_on > year_end or then.outstanding_paise == 0:
            continue
        if p.invoice.invoiced_on < date(year, 4, 1) or p.due_on is None:
            continue
        if p.state == service.PAID_ON_TIME:
            deduction = ALLOWED
        elif p.state in (service.NOT_YET_DUE, service.DUE_TODAY):
            deduction = ALLOWED_IF_PAID
        else:
            deduction = DISALLOWED
        supplier = suppliers[p.order.supplier_id]
        paid_on = p.last_paid_on.isoformat() if p.outstanding_paise == 0 else None
        rows.append((
            supplier.legal_name, supplier.pan, p.order.supplier_class, p.order.supplier_activity,
            p.order.number, p.invoice.number, p.invoice.invoiced_on.isoformat(),
            p.accepted_on.isoformat(), p.due_on.isoformat(),
            service.to_rupees(then.outstanding_paise), paid_on, deduction,
        ))  # fmt: skip
    return rows


def section_43bh_csv(session: Session, *, actor: Actor, year: int) -> str:
    return to_csv(SECTION_43BH_HEADER, section_43bh_rows(session, actor=actor, year=year))


def financial_year_of(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def last_closed_half(today: date) -> tuple[int, int]:
    """The half year that ended most recently (the one filed next): (year, half)."""
    if today.month >= 10:
        return today.year, 1
    if today.month >= 4:
        return today.year - 1, 2
    return today.year - 1, 1
