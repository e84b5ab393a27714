"""Payment reminders to both parties: 7 days before the due date and on it.

``send_payment_reminders`` is what the scheduler calls (``flask payments send-reminders``,
daily). Each reminder's dedup key names the invoice and the occasion, so a second run the
same day, or the next day, queues nothing new; a run that missed the day before the due
date still sends the week's reminder, once.
"""

from datetime import date

from sqlmodel import Session

from suppliermatch.dates import today_in_india
from suppliermatch.formats import day_text
from suppliermatch.notifications.service import Kind, active_users_of, enqueue
from suppliermatch.payments import service
from suppliermatch.requirements.notify import supplier_users

OCCASIONS = {
    "week": (Kind.PAYMENT_DUE_SOON, "Payment due in a week"),
    "due": (Kind.PAYMENT_DUE, "Payment due"),
}


def order_path(order_id: int) -> str:
    return f"/purchase-orders/{order_id}"


def send_payment_reminders(session: Session, *, today: date | None = None) -> int:
    """Queue the reminders due today; returns how many notifications were queued."""
    today = today or today_in_india()
    queued = 0
    for position, occasion in service.reminders_due(session, today):
        kind, subject = OCCASIONS[occasion]
        order, invoice = position.order, position.invoice
        if position.due_on == today:
            when = "falls due today"
        elif position.due_on > today:
            when = f"falls due on {day_text(position.due_on)}"
        else:
            when = f"fell due on {day_text(position.due_on)} and is overdue"
        body = (
            f"Invoice {invoice.number} under purchase order {order.number} {when} "
            "(MSMED Act, section 15)."
        )
        users = active_users_of(session, [order.anchor_id]) + supplier_users(
            session, [order.supplier_id]
        )
        queued += len(
            enqueue(
                session,
                user_ids=users,
                kind=kind,
                subject=f"{subject}: invoice {invoice.number}",
                body=body,
                link=order_path(order.id),
                dedup_key=f"payment:{invoice.id}:{occasion}",
            )
        )
    return queued
