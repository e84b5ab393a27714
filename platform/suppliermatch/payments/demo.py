"""Demo payments for ``flask seed demo``: under Vindhya Magnets' award to Gangadevi
Electroplaters (requirements.demo.AFTER_AWARD_REF), a purchase order with three deliveries
and their invoices: one paid on time, one paid late, one overdue now. So both parties'
payment pages show money owed and paid, and the Ganjam coordinator's anchor scorecard shows
a share paid on time, a median of days late and an invoice overdue.

Dates are days before the day of loading, so the invoices stand the same way whenever the
demo is loaded. Played through the service as each party would; idempotent by order number.
"""

from collections.abc import Callable
from datetime import timedelta

from sqlmodel import Session, select

from suppliermatch.dates import today_in_india
from suppliermatch.payments import service
from suppliermatch.payments.models import PurchaseOrder
from suppliermatch.requirements.demo import demo_award

ORDER = {
    "number": "VIN/PO/2026/0117",
    "ordered_days_ago": 120,
    "quantity": 2400,
    "value_inr": 348_000,
    "agreed_payment_days": 30,
}
# Delivered (and invoiced) so many days ago; paid so many days ago, or not at all. With the
# 30-day term each falls due 30 days after delivery.
DELIVERIES = (
    {"days_ago": 100, "quantity": 800, "invoice": "GEL/26-27/031", "paid_days_ago": 72},
    {"days_ago": 85, "quantity": 800, "invoice": "GEL/26-27/044", "paid_days_ago": 49},
    {"days_ago": 50, "quantity": 800, "invoice": "GEL/26-27/058", "paid_days_ago": None},
)
UNIT_PRICE_INR = 145
DELAY_REASON = "Held for the salt-spray test report of the lot"


def load_demo_payments(session: Session, progress: Callable[[str], None] = lambda _m: None) -> int:
    """Add the demo purchase order if it is not there yet; return how many orders were new."""
    found = demo_award(session)
    if found is None:
        progress("payments: no awarded demo requirement, none added")
        return 0
    award, buyer, supplier = found
    exists = session.exec(
        select(PurchaseOrder.id).where(
            PurchaseOrder.anchor_id == buyer.organisation_id,
            PurchaseOrder.number == ORDER["number"],
        )
    ).first()
    if exists is not None:
        return 0
    today = today_in_india()

    def ago(days: int):
        return today - timedelta(days=days)

    order = service.create_purchase_order(
        session,
        actor=buyer,
        award_id=award.id,
        data={
            "number": ORDER["number"],
            "ordered_on": ago(ORDER["ordered_days_ago"]),
            "quantity": ORDER["quantity"],
            "value_inr": ORDER["value_inr"],
            "agreed_payment_days": ORDER["agreed_payment_days"],
        },
    )
    for row in DELIVERIES:
        delivery = service.record_delivery(
            session,
            actor=supplier,
            order_id=order.id,
            data={"delivered_on": ago(row["days_ago"]), "quantity": row["quantity"]},
        )
        amount = row["quantity"] * UNIT_PRICE_INR
        invoice = service.create_invoice(
            session,
            actor=supplier,
            order_id=order.id,
            data={
                "delivery_id": delivery.id,
                "number": row["invoice"],
                "invoiced_on": ago(row["days_ago"]),
                "amount_inr": amount,
            },
        )
        if row["paid_days_ago"] is None:
            service.set_delay_reason(
                session, actor=buyer, invoice_id=invoice.id, reason=DELAY_REASON
            )
            continue
        service.record_payment(
            session,
            actor=buyer,
            invoice_id=invoice.id,
            data={
                "paid_on": ago(row["paid_days_ago"]),
                "amount_inr": amount,
                "reference": f"UTR{invoice.id:08d}",
            },
        )
    session.flush()
    progress("payments: 1 purchase order with 3 deliveries and invoices")
    return 1
