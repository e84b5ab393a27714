"""JSON API for payments: purchase orders under an award, deliveries, invoices, payments,
what is due for each side, and the coordinator's anchor scorecard.

Thin: parse, call the service with the current actor, commit once, dump. The parties'
checks are in the service (another tenant's order answers 404).
"""

from flask_smorest import Blueprint

from suppliermatch.access import ActorKind, current_actor, require
from suppliermatch.extensions import db
from suppliermatch.payments import schemas, service

blp = Blueprint(
    "payments_api",
    __name__,
    url_prefix="/api",
    description="Purchase orders, deliveries, invoices and payments to MSMEs (MSMED Act)",
)
PARTIES = (ActorKind.ANCHOR, ActorKind.MSME)


def _detail(order_id: int) -> dict:
    return service.order_detail(db.session, actor=current_actor(), order_id=order_id)


@blp.route("/awards/<int:award_id>/purchase-orders", methods=["GET"])
@require(*PARTIES)
@blp.response(200, schemas.PurchaseOrderSchema(many=True))
def list_orders(award_id):
    """The purchase orders under an award (its buyer and its supplier)."""
    return service.orders_for_award(db.session, actor=current_actor(), award_id=award_id)


@blp.route("/awards/<int:award_id>/purchase-orders", methods=["POST"])
@require(ActorKind.ANCHOR)
@blp.arguments(schemas.PurchaseOrderInputSchema)
@blp.response(201, schemas.PurchaseOrderSchema)
def create_order(data, award_id):
    """Place a purchase order under one of your awards, with the agreed payment term."""
    order = service.create_purchase_order(
        db.session, actor=current_actor(), award_id=award_id, data=data
    )
    db.session.commit()
    return order


@blp.route("/purchase-orders/<int:purchase_order_id>", methods=["GET"])
@require(*PARTIES)
@blp.response(200, schemas.PurchaseOrderDetailSchema)
def get_order(purchase_order_id):
    """A purchase order with its deliveries, invoices (due dates, state, interest) and
    payments."""
    return _detail(purchase_order_id)


@blp.route("/purchase-orders/<int:purchase_order_id>/deliveries", methods=["POST"])
@require(*PARTIES)
@blp.arguments(schemas.DeliveryInputSchema)
@blp.response(201, schemas.DeliverySchema)
def record_delivery(data, purchase_order_id):
    """Record a delivery (buyer or supplier)."""
    delivery = service.record_delivery(
        db.session, actor=current_actor(), order_id=purchase_order_id, data=data
    )
    db.session.commit()
    return delivery


@blp.route("/deliveries/<int:delivery_id>/objection", methods=["POST"])
@require(ActorKind.ANCHOR)
@blp.arguments(schemas.ObjectionInputSchema)
@blp.response(200, schemas.DeliverySchema)
def object_to_delivery(data, delivery_id):
    """Object in writing to a delivery, within 15 days of it (the buyer)."""
    delivery = service.object_to_delivery(
        db.session, actor=current_actor(), delivery_id=delivery_id, **data
    )
    db.session.commit()
    return delivery


@blp.route("/deliveries/<int:delivery_id>/objection/removal", methods=["POST"])
@require(ActorKind.ANCHOR)
@blp.arguments(schemas.ObjectionRemovedInputSchema)
@blp.response(200, schemas.DeliverySchema)
def remove_objection(data, delivery_id):
    """Record the day the supplier removed the objection: the day of acceptance."""
    delivery = service.remove_objection(
        db.session, actor=current_actor(), delivery_id=delivery_id, **data
    )
    db.session.commit()
    return delivery


@blp.route("/purchase-orders/<int:purchase_order_id>/invoices", methods=["POST"])
@require(ActorKind.MSME)
@blp.arguments(schemas.InvoiceInputSchema)
@blp.response(201, schemas.PurchaseOrderDetailSchema)
def create_invoice(data, purchase_order_id):
    """Raise an invoice for a delivery (the supplier)."""
    service.create_invoice(db.session, actor=current_actor(), order_id=purchase_order_id, data=data)
    db.session.commit()
    return _detail(purchase_order_id)


@blp.route("/invoices/<int:invoice_id>/payments", methods=["POST"])
@require(ActorKind.ANCHOR)
@blp.arguments(schemas.PaymentInputSchema)
@blp.response(201, schemas.PaymentSchema)
def record_payment(data, invoice_id):
    """Record a payment against an invoice (the buyer)."""
    payment = service.record_payment(
        db.session, actor=current_actor(), invoice_id=invoice_id, data=data
    )
    db.session.commit()
    return payment


@blp.route("/invoices/<int:invoice_id>/delay-reason", methods=["PUT"])
@require(ActorKind.ANCHOR)
@blp.arguments(schemas.DelayReasonInputSchema)
@blp.response(200, schemas.PurchaseOrderDetailSchema)
def set_delay_reason(data, invoice_id):
    """The buyer's reason for paying late (MSME Form 1 reports it)."""
    invoice = service.set_delay_reason(
        db.session, actor=current_actor(), invoice_id=invoice_id, reason=data["reason"]
    )
    db.session.commit()
    return _detail(invoice.purchase_order_id)


@blp.route("/payments/dues", methods=["GET"])
@require(*PARTIES)
@blp.response(200, schemas.CounterpartySchema(many=True))
def dues():
    """Unpaid invoices: for a supplier, by anchor; for an anchor, by supplier; earliest due
    first."""
    return service.dues(db.session, actor=current_actor())


@blp.route("/payments/anchor-scorecards", methods=["GET"])
@require(ActorKind.COORDINATOR)
@blp.response(200, schemas.AnchorScorecardSchema(many=True))
def anchor_scorecards():
    """How each anchor of your cluster pays its MSMEs: share paid on time, median days
    late, overdue now (counts only, no amounts)."""
    return service.anchor_scorecards(db.session, actor=current_actor())
