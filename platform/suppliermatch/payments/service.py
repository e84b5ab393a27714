"""Purchase orders, deliveries, invoices and payments between an anchor and an awarded MSME,
and where each invoice stands under the MSMED Act (reference.msmed holds the rules).

Who may see what: a purchase order and everything under it are for its two parties (the
anchor firm's users and the supplier's users) and admins; anyone else gets 404. The anchor
places orders, objects to deliveries and records payments; the supplier raises invoices;
either records a delivery. The cluster coordinator sees counts and shares per anchor
(``anchor_scorecards``), never an amount. Functions take the session and never commit.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, select

from suppliermatch.access import Actor, ActorKind, is_party_to
from suppliermatch.accounts.models import Organisation, OrganisationKind
from suppliermatch.audit.service import record_transition
from suppliermatch.dates import today_in_india
from suppliermatch.errors import Conflict, Forbidden, NotFound, ValidationFailed
from suppliermatch.payments.models import Delivery, Invoice, Payment, PurchaseOrder
from suppliermatch.reference import msmed
from suppliermatch.requirements.models import Award, Requirement
from suppliermatch.requirements.visibility import get_managed
from suppliermatch.suppliers.models import Supplier
from suppliermatch.translatable import N_, marked

NOT_FOUND_MESSAGE = "No such purchase order."

# Where an invoice stands, as both parties read it.
AWAITING_ACCEPTANCE = "awaiting acceptance"
NOT_YET_DUE = "not yet due"
DUE_TODAY = "due today"
OVERDUE = "overdue"
PAID_ON_TIME = "paid on time"
PAID_LATE = "paid late"


def to_paise(rupees) -> int:
    return int(round(float(rupees) * 100))


def to_rupees(paise: int | None) -> float | None:
    return None if paise is None else paise / 100


# -- who may see and do what --------------------------------------------------------------------


def is_party(actor: Actor, order: PurchaseOrder) -> bool:
    return is_party_to(actor, anchor_id=order.anchor_id, supplier_id=order.supplier_id)


def get_order(session: Session, actor: Actor, order_id: int) -> PurchaseOrder:
    order = session.get(PurchaseOrder, order_id)
    if order is None or not is_party(actor, order):
        raise NotFound(NOT_FOUND_MESSAGE)
    return order


def _as_buyer(actor: Actor, order: PurchaseOrder) -> None:
    if not (actor.is_admin or actor.kind == ActorKind.ANCHOR):
        raise Forbidden("Only the buyer does this.")


def _as_supplier(actor: Actor, order: PurchaseOrder) -> None:
    if actor.kind != ActorKind.MSME:
        raise Forbidden("Only the supplier raises invoices.")


def _award_of_party(session: Session, actor: Actor, award_id: int) -> Award:
    award = session.get(Award, award_id)
    if award is None:
        raise NotFound("No such award.")
    requirement = session.get(Requirement, award.requirement_id)
    parties = actor.is_admin or (
        actor.kind == ActorKind.ANCHOR and actor.organisation_id == requirement.anchor_id
    )
    parties = parties or (actor.kind == ActorKind.MSME and actor.supplier_id == award.supplier_id)
    if not parties:
        raise NotFound("No such award.")
    return award


def _audit(session, actor: Actor, entity_type: str, entity_id: int, action: str, **extra):
    record_transition(
        session,
        actor_user_id=actor.user_id,
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        **extra,
    )


# -- purchase orders ----------------------------------------------------------------------------


def create_purchase_order(
    session: Session, *, actor: Actor, award_id: int, data: dict
) -> PurchaseOrder:
    """The anchor places a purchase order under one of its awards.

    ``agreed_payment_days`` None means no written agreement on the term. A term over the
    Act's 45 days is refused: it could not be enforced, and the supplier would be misled.
    """
    award = session.get(Award, award_id)
    if award is None:
        raise NotFound("No such award.")
    requirement = get_managed(session, actor, award.requirement_id)
    days = data.get("agreed_payment_days")
    if days is not None and days > msmed.MAX_AGREED_DAYS:
        raise ValidationFailed(
            N_(
                "The MSMED Act caps an agreed payment term at %(days)s days from "
                "acceptance (section 15).",
                days=msmed.MAX_AGREED_DAYS,
            ),
            field="agreed_payment_days",
        )
    if data["ordered_on"] > today_in_india():
        raise ValidationFailed("An order date cannot be in the future.", field="ordered_on")
    taken = session.exec(
        select(PurchaseOrder.id).where(
            PurchaseOrder.anchor_id == requirement.anchor_id,
            PurchaseOrder.number == data["number"],
        )
    ).first()
    if taken is not None:
        raise Conflict(N_("Purchase order %(number)s exists already.", number=data["number"]))
    supplier = session.get(Supplier, award.supplier_id)
    order = PurchaseOrder(
        award_id=award.id,
        anchor_id=requirement.anchor_id,
        supplier_id=award.supplier_id,
        number=data["number"],
        ordered_on=data["ordered_on"],
        quantity=data["quantity"],
        quantity_unit=data.get("quantity_unit") or requirement.quantity_unit,
        value_paise=to_paise(data["value_inr"]),
        agreed_payment_days=days,
        supplier_class=data.get("supplier_class") or supplier.enterprise_class,
        supplier_activity=data.get("supplier_activity") or "manufacturing",
        created_by_id=actor.user_id,
    )
    session.add(order)
    session.flush()
    _audit(session, actor, "purchase_order", order.id, "po_placed", to_state="placed")
    return order


def orders_for_award(session: Session, *, actor: Actor, award_id: int) -> list[PurchaseOrder]:
    award = _award_of_party(session, actor, award_id)
    return list(
        session.exec(
            select(PurchaseOrder)
            .where(PurchaseOrder.award_id == award.id)
            .order_by(PurchaseOrder.ordered_on, PurchaseOrder.id)
        )
    )


def orders_of(session: Session, *, actor: Actor) -> list[tuple[PurchaseOrder, str]]:
    """Every purchase order of the actor's side, newest first, with the other party's name."""
    if actor.kind == ActorKind.MSME and actor.supplier_id is not None:
        statement = (
            select(PurchaseOrder, Organisation.name)
            .join(Organisation, Organisation.id == PurchaseOrder.anchor_id)
            .where(PurchaseOrder.supplier_id == actor.supplier_id)
        )
    elif actor.kind == ActorKind.ANCHOR:
        statement = (
            select(PurchaseOrder, Supplier.legal_name)
            .join(Supplier, Supplier.id == PurchaseOrder.supplier_id)
            .where(PurchaseOrder.anchor_id == actor.organisation_id)
        )
    else:
        raise Forbidden("Purchase orders are for the buyer and the supplier.")
    ordered = statement.order_by(PurchaseOrder.ordered_on.desc(), PurchaseOrder.id.desc())
    return list(session.exec(ordered).all())


# -- deliveries ---------------------------------------------------------------------------------


def record_delivery(session: Session, *, actor: Actor, order_id: int, data: dict) -> Delivery:
    order = get_order(session, actor, order_id)
    if data["delivered_on"] > today_in_india():
        raise ValidationFailed("A delivery date cannot be in the future.", field="delivered_on")
    if data["delivered_on"] < order.ordered_on:
        raise ValidationFailed("A delivery cannot be before the order date.", field="delivered_on")
    delivery = Delivery(
        purchase_order_id=order.id,
        delivered_on=data["delivered_on"],
        quantity=data["quantity"],
        note=data.get("note"),
        recorded_by_id=actor.user_id,
    )
    session.add(delivery)
    session.flush()
    _audit(session, actor, "delivery", delivery.id, "delivery_recorded", to_state="delivered")
    return delivery


def _row_of_party(session: Session, actor: Actor, model, row_id: int, name: str):
    """A delivery or invoice with its order, for the order's parties; 404 for anyone else."""
    row = session.get(model, row_id)
    order = session.get(PurchaseOrder, row.purchase_order_id) if row is not None else None
    if order is None or not is_party(actor, order):
        raise NotFound(N_("No such %(what)s.", what=marked(name)))
    return row, order


def delivery_of_party(session: Session, actor: Actor, delivery_id: int):
    return _row_of_party(session, actor, Delivery, delivery_id, "delivery")


def object_to_delivery(
    session: Session, *, actor: Actor, delivery_id: int, objected_on: date, reason: str
) -> Delivery:
    """The buyer objects in writing; only within 15 days of delivery (section 2(b))."""
    delivery, order = delivery_of_party(session, actor, delivery_id)
    _as_buyer(actor, order)
    if delivery.objected_on is not None:
        raise Conflict("This delivery has an objection already.")
    if objected_on < delivery.delivered_on or objected_on > today_in_india():
        raise ValidationFailed(
            "The objection date must be between the delivery and today.", field="objected_on"
        )
    if objected_on > msmed.deemed_acceptance_final_on(delivery.delivered_on):
        raise ValidationFailed(
            N_(
                "An objection must be made within %(days)s days of delivery; "
                "after that the delivery counts as accepted on the day it was delivered.",
                days=msmed.OBJECTION_WINDOW_DAYS,
            ),
            field="objected_on",
        )
    delivery.objected_on = objected_on
    delivery.objection = reason
    session.add(delivery)
    _audit(
        session, actor, "delivery", delivery.id, "delivery_objected",
        from_state="delivered", to_state="objected", note=reason,
    )  # fmt: skip
    return delivery


def remove_objection(
    session: Session, *, actor: Actor, delivery_id: int, removed_on: date
) -> Delivery:
    """The supplier has put right what the buyer objected to: acceptance is that day."""
    delivery, order = delivery_of_party(session, actor, delivery_id)
    _as_buyer(actor, order)
    if delivery.objected_on is None or delivery.objection_removed_on is not None:
        raise Conflict("This delivery has no open objection.")
    if removed_on < delivery.objected_on or removed_on > today_in_india():
        raise ValidationFailed(
            "The day the objection was removed must be between the objection and today.",
            field="removed_on",
        )
    delivery.objection_removed_on = removed_on
    session.add(delivery)
    _audit(
        session, actor, "delivery", delivery.id, "objection_removed",
        from_state="objected", to_state="accepted",
    )  # fmt: skip
    return delivery


# -- invoices and payments ----------------------------------------------------------------------


def create_invoice(session: Session, *, actor: Actor, order_id: int, data: dict) -> Invoice:
    order = get_order(session, actor, order_id)
    _as_supplier(actor, order)
    delivery = session.get(Delivery, data["delivery_id"])
    if delivery is None or delivery.purchase_order_id != order.id:
        raise ValidationFailed("No such delivery on this order.", field="delivery_id")
    if data["invoiced_on"] > today_in_india():
        raise ValidationFailed("An invoice date cannot be in the future.", field="invoiced_on")
    amount = to_paise(data["amount_inr"])
    invoiced = sum(
        session.exec(
            select(Invoice.amount_paise).where(Invoice.purchase_order_id == order.id)
        ).all()
    )
    if invoiced + amount > order.value_paise:
        raise ValidationFailed(
            "The invoices would add up to more than the order's value.", field="amount_inr"
        )
    taken = session.exec(
        select(Invoice.id).where(
            Invoice.purchase_order_id == order.id, Invoice.number == data["number"]
        )
    ).first()
    if taken is not None:
        raise Conflict(
            N_("Invoice %(number)s exists already on this order.", number=data["number"])
        )
    invoice = Invoice(
        purchase_order_id=order.id,
        delivery_id=delivery.id,
        number=data["number"],
        invoiced_on=data["invoiced_on"],
        amount_paise=amount,
        created_by_id=actor.user_id,
    )
    session.add(invoice)
    session.flush()
    _audit(session, actor, "invoice", invoice.id, "invoice_raised", to_state="invoiced")
    return invoice


def invoice_of_party(session: Session, actor: Actor, invoice_id: int):
    return _row_of_party(session, actor, Invoice, invoice_id, "invoice")


def record_payment(session: Session, *, actor: Actor, invoice_id: int, data: dict) -> Payment:
    invoice, order = invoice_of_party(session, actor, invoice_id)
    _as_buyer(actor, order)
    amount = to_paise(data["amount_inr"])
    paid = sum(
        session.exec(select(Payment.amount_paise).where(Payment.invoice_id == invoice.id)).all()
    )
    if paid >= invoice.amount_paise:
        raise Conflict("This invoice is paid in full.")
    if amount > invoice.amount_paise - paid:
        raise ValidationFailed(
            "The payment is more than the invoice's outstanding amount.", field="amount_inr"
        )
    if data["paid_on"] > today_in_india():
        raise ValidationFailed("A payment date cannot be in the future.", field="paid_on")
    payment = Payment(
        invoice_id=invoice.id,
        paid_on=data["paid_on"],
        amount_paise=amount,
        reference=data.get("reference"),
        recorded_by_id=actor.user_id,
    )
    session.add(payment)
    session.flush()
    _audit(session, actor, "invoice", invoice.id, "payment_recorded")
    return payment


def set_delay_reason(session: Session, *, actor: Actor, invoice_id: int, reason: str) -> Invoice:
    """The buyer's reason for paying late, reported in MSME Form 1."""
    invoice, order = invoice_of_party(session, actor, invoice_id)
    _as_buyer(actor, order)
    invoice.delay_reason = reason
    session.add(invoice)
    _audit(session, actor, "invoice", invoice.id, "delay_reason_given", note=reason)
    return invoice


# -- where an invoice stands --------------------------------------------------------------------


@dataclass(frozen=True)
class Position:
    """An invoice under the Act on a given day."""

    invoice: Invoice
    order: PurchaseOrder
    delivery: Delivery
    accepted_on: date | None
    acceptance_final: bool
    due_on: date | None
    paid_paise: int
    outstanding_paise: int
    last_paid_on: date | None
    state: str
    days_late: int | None
    interest_applies: bool
    interest_paise: int


def position(
    invoice: Invoice,
    order: PurchaseOrder,
    delivery: Delivery,
    payments: list[Payment],
    today: date,
) -> Position:
    """Acceptance, due date, payments, lateness and section 16 interest of one invoice.

    Payments pay the principal in the order made; each sum paid after the due date, and
    what is still unpaid today, carries interest from the day after the due date.
    """
    open_objection = delivery.objected_on is not None and delivery.objection_removed_on is None
    accepted_on = (
        None
        if open_objection
        else msmed.acceptance_day(delivery.delivered_on, delivery.objection_removed_on)
    )
    acceptance_final = accepted_on is not None and (
        delivery.objection_removed_on is not None
        or today > msmed.deemed_acceptance_final_on(delivery.delivered_on)
    )
    due_on = None if accepted_on is None else msmed.due_date(accepted_on, order.agreed_payment_days)
    ordered = sorted(payments, key=lambda p: (p.paid_on, p.id or 0))
    paid = sum(p.amount_paise for p in ordered)
    outstanding = max(0, invoice.amount_paise - paid)
    last_paid_on = ordered[-1].paid_on if ordered else None
    applies = msmed.interest_applies(order.supplier_class)
    interest = 0
    if due_on is not None and applies:
        interest = sum(msmed.interest_paise(p.amount_paise, due_on, p.paid_on) for p in ordered)
        interest += msmed.interest_paise(outstanding, due_on, today)
    days_late = None
    if due_on is None:
        state = AWAITING_ACCEPTANCE
    elif outstanding == 0:
        late = (last_paid_on - due_on).days
        state = PAID_LATE if late > 0 else PAID_ON_TIME
        days_late = max(0, late)
    elif today > due_on:
        state, days_late = OVERDUE, (today - due_on).days
    else:
        state = DUE_TODAY if today == due_on else NOT_YET_DUE
    return Position(
        invoice=invoice,
        order=order,
        delivery=delivery,
        accepted_on=accepted_on,
        acceptance_final=acceptance_final,
        due_on=due_on,
        paid_paise=paid,
        outstanding_paise=outstanding,
        last_paid_on=last_paid_on,
        state=state,
        days_late=days_late,
        interest_applies=applies,
        interest_paise=interest,
    )


def positions(
    session: Session, orders: list[PurchaseOrder], today: date, *, paid_until: date | None = None
) -> list[Position]:
    """The position of every invoice of ``orders`` on ``today``; with ``paid_until``, only
    payments made by that day count (a report as at the end of a period)."""
    by_id = {o.id: o for o in orders}
    if not by_id:
        return []
    invoices = list(
        session.exec(
            select(Invoice)
            .where(Invoice.purchase_order_id.in_(list(by_id)))
            .order_by(Invoice.invoiced_on, Invoice.id)
        )
    )
    deliveries = {
        d.id: d
        for d in session.exec(
            select(Delivery).where(Delivery.id.in_([i.delivery_id for i in invoices]))
        )
    }
    payments: dict[int, list[Payment]] = defaultdict(list)
    for payment in session.exec(
        select(Payment).where(Payment.invoice_id.in_([i.id for i in invoices]))
    ):
        if paid_until is None or payment.paid_on <= paid_until:
            payments[payment.invoice_id].append(payment)
    return [
        position(i, by_id[i.purchase_order_id], deliveries[i.delivery_id], payments[i.id], today)
        for i in invoices
    ]


def order_detail(session: Session, *, actor: Actor, order_id: int, today: date | None = None):
    """A purchase order with its deliveries, invoice positions and payments (parties only)."""
    order = get_order(session, actor, order_id)
    today = today or today_in_india()
    deliveries = list(
        session.exec(
            select(Delivery)
            .where(Delivery.purchase_order_id == order.id)
            .order_by(Delivery.delivered_on, Delivery.id)
        )
    )
    invoice_positions = positions(session, [order], today)
    payments = list(
        session.exec(
            select(Payment)
            .where(Payment.invoice_id.in_([p.invoice.id for p in invoice_positions]))
            .order_by(Payment.paid_on, Payment.id)
        )
    )
    anchor = session.get(Organisation, order.anchor_id)
    supplier = session.get(Supplier, order.supplier_id)
    return {
        "order": order,
        "anchor_name": anchor.name,
        "supplier_name": supplier.legal_name,
        "deliveries": deliveries,
        "positions": invoice_positions,
        "payments": payments,
        "today": today,
    }


# -- what is due, for each side ----------------------------------------------------------------


@dataclass(frozen=True)
class Counterparty:
    """One anchor (for the MSME) or one supplier (for the anchor), with its invoices."""

    name: str
    positions: list[Position]

    @property
    def outstanding_paise(self) -> int:
        return sum(p.outstanding_paise for p in self.positions)

    @property
    def overdue_paise(self) -> int:
        return sum(p.outstanding_paise for p in self.positions if p.state == OVERDUE)

    @property
    def interest_paise(self) -> int:
        return sum(p.interest_paise for p in self.positions if p.outstanding_paise)

    @property
    def next_due_on(self) -> date | None:
        days = [p.due_on for p in self.positions if p.outstanding_paise and p.due_on]
        return min(days) if days else None


def dues(session: Session, *, actor: Actor, today: date | None = None) -> list[Counterparty]:
    """Unpaid invoices: for an MSME by anchor (what it is owed), for an anchor by supplier
    (what it must pay and by when). Earliest due first within each."""
    today = today or today_in_india()
    if actor.kind == ActorKind.MSME and actor.supplier_id is not None:
        condition = PurchaseOrder.supplier_id == actor.supplier_id
    elif actor.kind == ActorKind.ANCHOR:
        condition = PurchaseOrder.anchor_id == actor.organisation_id
    else:
        raise Forbidden("What is due is for the buyer and the supplier.")
    orders = list(session.exec(select(PurchaseOrder).where(condition)))
    unpaid = [p for p in positions(session, orders, today) if p.outstanding_paise > 0]
    if actor.kind == ActorKind.MSME:
        names = _names(session, Organisation, Organisation.name, {o.anchor_id for o in orders})
        key = "anchor_id"
    else:
        names = _names(session, Supplier, Supplier.legal_name, {o.supplier_id for o in orders})
        key = "supplier_id"
    grouped: dict[int, list[Position]] = defaultdict(list)
    for p in unpaid:
        grouped[getattr(p.order, key)].append(p)
    far = date.max
    return sorted(
        (
            Counterparty(
                name=names[other],
                positions=sorted(rows, key=lambda p: (p.due_on or far, p.invoice.id)),
            )
            for other, rows in grouped.items()
        ),
        key=lambda c: (c.next_due_on or far, c.name),
    )


def _names(session: Session, model, column, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.exec(select(model.id, column).where(model.id.in_(list(ids)))).all())


# -- the coordinator's anchor scorecard --------------------------------------------------------


@dataclass(frozen=True)
class AnchorScorecard:
    """How an anchor pays its MSMEs: counts and shares, never an amount."""

    anchor_id: int
    anchor_name: str
    invoices_settled: int
    paid_on_time: int
    share_paid_on_time: float | None
    median_days_late: float | None
    overdue_now: int


def anchor_scorecards(
    session: Session, *, actor: Actor, today: date | None = None
) -> list[AnchorScorecard]:
    """Each anchor of the coordinator's cluster (every anchor, for admins): invoices paid in
    full, the share of them paid by the due date, the median days late of those paid late,
    and how many are overdue now."""
    if actor.kind not in (ActorKind.COORDINATOR, ActorKind.ADMIN):
        raise Forbidden("The anchor payment scorecard is for cluster coordinators.")
    today = today or today_in_india()
    statement = select(Organisation).where(Organisation.kind == OrganisationKind.ANCHOR)
    if not actor.is_admin:
        statement = statement.where(Organisation.cluster_id == actor.cluster_id)
    anchors = {a.id: a for a in session.exec(statement)}
    if not anchors:
        return []
    orders = list(
        session.exec(select(PurchaseOrder).where(PurchaseOrder.anchor_id.in_(list(anchors))))
    )
    by_anchor: dict[int, list[Position]] = defaultdict(list)
    for p in positions(session, orders, today):
        by_anchor[p.order.anchor_id].append(p)
    cards = []
    for anchor_id, rows in by_anchor.items():
        settled = [p for p in rows if p.state in (PAID_ON_TIME, PAID_LATE)]
        on_time = sum(p.state == PAID_ON_TIME for p in settled)
        late = [p.days_late for p in settled if p.state == PAID_LATE]
        cards.append(
            AnchorScorecard(
                anchor_id=anchor_id,
                anchor_name=anchors[anchor_id].name,
                invoices_settled=len(settled),
                paid_on_time=on_time,
                share_paid_on_time=round(on_time / len(settled), 3) if settled else None,
                median_days_late=statistics.median(late) if late else None,
                overdue_now=sum(p.state == OVERDUE for p in rows),
            )
        )
    return sorted(cards, key=lambda c: c.anchor_name)


# -- reminders -----------------------------------------------------------------------------------

REMINDER_DAYS_BEFORE = 7


def reminders_due(session: Session, today: date) -> list[tuple[Position, str]]:
    """Unpaid invoices that need a reminder today: ("week", 7 days before the due date, or
    later if the scheduler missed that day) and ("due", on the due date or after)."""
    orders = list(session.exec(select(PurchaseOrder)))
    found = []
    for p in positions(session, orders, today):
        if p.outstanding_paise == 0 or p.due_on is None:
            continue
        if today >= p.due_on:
            found.append((p, "due"))
        elif today >= p.due_on - timedelta(days=REMINDER_DAYS_BEFORE):
            found.append((p, "week"))
    return found
