"""Pages for payments: each side's dues and purchase orders, a purchase order with its
deliveries, invoices and payments (and the forms each party may use on it), the anchor's
MSME Form 1 and section 43B(h) downloads, and the coordinator's anchor scorecard.

Thin: forms are read with the API's schemas, rules are in the service, each POST commits
once and goes back to the order, or shows the order again with the errors.
"""

from flask import Blueprint, redirect, render_template, request, url_for

from suppliermatch.access import ActorKind, current_actor, require
from suppliermatch.csv_cells import csv_download
from suppliermatch.dates import today_in_india
from suppliermatch.errors import ValidationFailed
from suppliermatch.extensions import db
from suppliermatch.form_tokens import one_time_form
from suppliermatch.forms import attempt, load_form
from suppliermatch.i18n import gettext
from suppliermatch.payments import exports, schemas, service
from suppliermatch.reference import msmed

bp = Blueprint("payments", __name__)
PARTIES = (ActorKind.ANCHOR, ActorKind.MSME)


@bp.route("/payments", methods=["GET"])
@require(*PARTIES)
def dues_page():
    actor = current_actor()
    today = today_in_india()
    year, half = exports.last_closed_half(today)
    return render_template(
        "payments/dues.html",
        dues=service.dues(db.session, actor=actor, today=today),
        orders=service.orders_of(db.session, actor=actor),
        is_buyer=actor.kind == ActorKind.ANCHOR,
        form_1=(year, half),
        tax_year=exports.financial_year_of(today) - 1,
    )


@bp.route("/payments/anchors", methods=["GET"])
@require(ActorKind.COORDINATOR)
def anchor_scorecards():
    cards = service.anchor_scorecards(db.session, actor=current_actor())
    return render_template("payments/anchor_scorecards.html", cards=cards)


def _export_args():
    data, errors = load_form(schemas.ExportArgs(), request.args)
    if errors:
        field, messages = next(iter(errors.items()))
        raise ValidationFailed(messages[0], field=field)
    return data


@bp.route("/payments/form-1.csv", methods=["GET"])
@require(ActorKind.ANCHOR)
def form_1_csv():
    args = _export_args()
    year, half = exports.last_closed_half(today_in_india())
    year, half = args.get("year", year), args.get("half", half)
    text = exports.form_1_csv(db.session, actor=current_actor(), year=year, half=half)
    return csv_download(text, f"msme-form-1-{year}-{year + 1}-h{half}.csv")


@bp.route("/payments/section-43bh.csv", methods=["GET"])
@require(ActorKind.ANCHOR)
def section_43bh_csv():
    args = _export_args()
    year = args.get("year", exports.financial_year_of(today_in_india()) - 1)
    text = exports.section_43bh_csv(db.session, actor=current_actor(), year=year)
    return csv_download(text, f"section-43bh-{year}-{year + 1}.csv")


@bp.route("/awards/<int:award_id>/purchase-orders", methods=["GET", "POST"])
@require(*PARTIES)
@one_time_form
def award_orders(award_id):
    actor = current_actor()
    orders = service.orders_for_award(db.session, actor=actor, award_id=award_id)
    errors: dict = {}
    status = 200
    if request.method == "POST":
        data, errors = load_form(schemas.PurchaseOrderInputSchema(), request.form)
        status = 422
        if data is not None:
            outcome = attempt(
                lambda: service.create_purchase_order(
                    db.session, actor=actor, award_id=award_id, data=data
                ),
                lambda order: gettext("Purchase order %(number)s placed.", number=order.number),
                propagate=(),
            )
            if not outcome.refused:
                return redirect(url_for("payments.order_page", purchase_order_id=outcome.result.id))
            errors, status = outcome.errors, outcome.status
    page = render_template(
        "payments/award_orders.html",
        award_id=award_id,
        orders=orders,
        is_buyer=actor.kind in (ActorKind.ANCHOR, ActorKind.ADMIN),
        errors=errors,
        form=request.form,
        max_days=msmed.MAX_AGREED_DAYS,
        activities=msmed.ACTIVITIES,
    )
    return page, status


def _order_page(order_id: int, errors: dict | None = None, status: int = 200, form=None):
    actor = current_actor()
    detail = service.order_detail(db.session, actor=actor, order_id=order_id)
    page = render_template(
        "payments/order.html",
        d=detail,
        o=detail["order"],
        is_buyer=actor.kind in (ActorKind.ANCHOR, ActorKind.ADMIN),
        is_supplier=actor.kind == ActorKind.MSME,
        errors=errors or {},
        form=form or {},
        window=msmed.OBJECTION_WINDOW_DAYS,
    )
    return page, status


@bp.route("/purchase-orders/<int:purchase_order_id>", methods=["GET"])
@require(*PARTIES)
def order_page(purchase_order_id):
    return _order_page(purchase_order_id)


def _post(order_id: int, schema, action, done: str):
    """Read the form with ``schema``, run ``action(data)`` and go back to the order; or show
    the order again with the errors."""
    data, errors = load_form(schema, request.form)
    status = 422
    if data is not None:
        outcome = attempt(lambda: action(data), done, propagate=())
        if not outcome.refused:
            return redirect(url_for("payments.order_page", purchase_order_id=order_id))
        errors, status = outcome.errors, outcome.status
    return _order_page(order_id, errors, status, request.form)


@bp.route("/purchase-orders/<int:purchase_order_id>/deliveries", methods=["POST"])
@require(*PARTIES)
@one_time_form
def record_delivery(purchase_order_id):
    service.get_order(db.session, current_actor(), purchase_order_id)
    return _post(
        purchase_order_id,
        schemas.DeliveryInputSchema(),
        lambda data: service.record_delivery(
            db.session, actor=current_actor(), order_id=purchase_order_id, data=data
        ),
        "Delivery recorded.",
    )


@bp.route("/purchase-orders/<int:purchase_order_id>/invoices", methods=["POST"])
@require(ActorKind.MSME)
@one_time_form
def create_invoice(purchase_order_id):
    service.get_order(db.session, current_actor(), purchase_order_id)
    return _post(
        purchase_order_id,
        schemas.InvoiceInputSchema(),
        lambda data: service.create_invoice(
            db.session, actor=current_actor(), order_id=purchase_order_id, data=data
        ),
        "Invoice raised.",
    )


def _delivery_order_id(delivery_id: int) -> int:
    delivery, order = service.delivery_of_party(db.session, current_actor(), delivery_id)
    return order.id


def _invoice_order_id(invoice_id: int) -> int:
    invoice, order = service.invoice_of_party(db.session, current_actor(), invoice_id)
    return order.id


@bp.route("/deliveries/<int:delivery_id>/objection", methods=["POST"])
@require(ActorKind.ANCHOR)
def object_to_delivery(delivery_id):
    return _post(
        _delivery_order_id(delivery_id),
        schemas.ObjectionInputSchema(),
        lambda data: service.object_to_delivery(
            db.session, actor=current_actor(), delivery_id=delivery_id, **data
        ),
        "Objection recorded: the due date waits until it is removed.",
    )


@bp.route("/deliveries/<int:delivery_id>/objection/removal", methods=["POST"])
@require(ActorKind.ANCHOR)
def remove_objection(delivery_id):
    return _post(
        _delivery_order_id(delivery_id),
        schemas.ObjectionRemovedInputSchema(),
        lambda data: service.remove_objection(
            db.session, actor=current_actor(), delivery_id=delivery_id, **data
        ),
        "Objection removed: the delivery is accepted from that day.",
    )


@bp.route("/invoices/<int:invoice_id>/payments", methods=["POST"])
@require(ActorKind.ANCHOR)
@one_time_form
def record_payment(invoice_id):
    return _post(
        _invoice_order_id(invoice_id),
        schemas.PaymentInputSchema(),
        lambda data: service.record_payment(
            db.session, actor=current_actor(), invoice_id=invoice_id, data=data
        ),
        "Payment recorded.",
    )


@bp.route("/invoices/<int:invoice_id>/delay-reason", methods=["POST"])
@require(ActorKind.ANCHOR)
def set_delay_reason(invoice_id):
    return _post(
        _invoice_order_id(invoice_id),
        schemas.DelayReasonInputSchema(),
        lambda data: service.set_delay_reason(
            db.session, actor=current_actor(), invoice_id=invoice_id, reason=data["reason"]
        ),
        "Reason for the delay saved.",
    )
