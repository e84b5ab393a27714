"""What crosses HTTP for purchase orders, deliveries, invoices and payments.

Amounts travel in rupees with paise (two decimals) and are kept in paise. Input schemas
refuse unknown fields, so parties, acceptance and states cannot be set by a client.
"""

import marshmallow as ma
from marshmallow import validate as v

from suppliermatch.reference import msmed

MAX_AMOUNT_INR = 10**11  # Rs 10,000 crore: catches typing slips
MAX_QUANTITY = 1e9
AMOUNT = {"places": 2, "validate": v.Range(min=0.01, max=MAX_AMOUNT_INR)}


def _amount(**kwargs):
    return ma.fields.Decimal(as_string=False, required=True, **AMOUNT, **kwargs)


class PurchaseOrderInputSchema(ma.Schema):
    number = ma.fields.String(required=True, validate=v.Length(min=1, max=40))
    ordered_on = ma.fields.Date(required=True)
    quantity = ma.fields.Float(
        required=True, validate=v.Range(min=0, min_inclusive=False, max=MAX_QUANTITY)
    )
    quantity_unit = ma.fields.String(validate=v.Length(max=20))
    value_inr = _amount()
    agreed_payment_days = ma.fields.Integer(
        allow_none=True,
        validate=v.Range(min=0, max=msmed.MAX_AGREED_DAYS),
        metadata={
            "description": "Days from acceptance agreed in writing (at most 45); null or "
            "absent: no written agreement, the Act's 15 days apply"
        },
    )
    supplier_class = ma.fields.String(
        validate=v.OneOf(("micro", "small", "medium", "large")),
        metadata={"description": "Default: the class on the supplier's profile"},
    )
    supplier_activity = ma.fields.String(validate=v.OneOf(msmed.ACTIVITIES))


class DeliveryInputSchema(ma.Schema):
    delivered_on = ma.fields.Date(required=True)
    quantity = ma.fields.Float(
        required=True, validate=v.Range(min=0, min_inclusive=False, max=MAX_QUANTITY)
    )
    note = ma.fields.String(validate=v.Length(max=500))


class ObjectionInputSchema(ma.Schema):
    objected_on = ma.fields.Date(required=True)
    reason = ma.fields.String(required=True, validate=v.Length(min=1, max=500))


class ObjectionRemovedInputSchema(ma.Schema):
    removed_on = ma.fields.Date(required=True)


class InvoiceInputSchema(ma.Schema):
    delivery_id = ma.fields.Integer(required=True, validate=v.Range(min=1, max=2**31 - 1))
    number = ma.fields.String(required=True, validate=v.Length(min=1, max=40))
    invoiced_on = ma.fields.Date(required=True)
    amount_inr = _amount()


class PaymentInputSchema(ma.Schema):
    paid_on = ma.fields.Date(required=True)
    amount_inr = _amount()
    reference = ma.fields.String(validate=v.Length(max=60))


class DelayReasonInputSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=v.Length(min=1, max=500))


class ExportArgs(ma.Schema):
    year = ma.fields.Integer(validate=v.Range(min=2023, max=2100))
    half = ma.fields.Integer(validate=v.OneOf((1, 2)))


# -- answers ---------------------------------------------------------------------------------------


def _rupees(attribute: str):
    return ma.fields.Function(lambda obj: getattr(obj, attribute) / 100, dump_only=True)


class PurchaseOrderSchema(ma.Schema):
    id = ma.fields.Integer()
    award_id = ma.fields.Integer()
    anchor_id = ma.fields.Integer()
    supplier_id = ma.fields.Integer()
    number = ma.fields.String()
    ordered_on = ma.fields.Date()
    quantity = ma.fields.Float()
    quantity_unit = ma.fields.String(allow_none=True)
    value_inr = _rupees("value_paise")
    agreed_payment_days = ma.fields.Integer(allow_none=True)
    supplier_class = ma.fields.String(allow_none=True)
    supplier_activity = ma.fields.String()


class DeliverySchema(ma.Schema):
    id = ma.fields.Integer()
    purchase_order_id = ma.fields.Integer()
    delivered_on = ma.fields.Date()
    quantity = ma.fields.Float()
    note = ma.fields.String(allow_none=True)
    objected_on = ma.fields.Date(allow_none=True)
    objection = ma.fields.String(allow_none=True)
    objection_removed_on = ma.fields.Date(allow_none=True)


class PaymentSchema(ma.Schema):
    id = ma.fields.Integer()
    invoice_id = ma.fields.Integer()
    paid_on = ma.fields.Date()
    amount_inr = _rupees("amount_paise")
    reference = ma.fields.String(allow_none=True)


class InvoicePositionSchema(ma.Schema):
    """An invoice and where it stands under the MSMED Act today."""

    id = ma.fields.Function(lambda p: p.invoice.id)
    purchase_order_id = ma.fields.Function(lambda p: p.order.id)
    purchase_order = ma.fields.Function(lambda p: p.order.number)
    delivery_id = ma.fields.Function(lambda p: p.invoice.delivery_id)
    number = ma.fields.Function(lambda p: p.invoice.number)
    invoiced_on = ma.fields.Function(lambda p: p.invoice.invoiced_on.isoformat())
    amount_inr = ma.fields.Function(lambda p: p.invoice.amount_paise / 100)
    accepted_on = ma.fields.Date(allow_none=True)
    acceptance_final = ma.fields.Boolean()
    due_on = ma.fields.Date(allow_none=True)
    paid_inr = ma.fields.Function(lambda p: p.paid_paise / 100)
    outstanding_inr = ma.fields.Function(lambda p: p.outstanding_paise / 100)
    state = ma.fields.String()
    days_late = ma.fields.Integer(allow_none=True)
    interest_applies = ma.fields.Boolean()
    interest_inr = ma.fields.Function(lambda p: p.interest_paise / 100)
    delay_reason = ma.fields.Function(lambda p: p.invoice.delay_reason)


class PurchaseOrderDetailSchema(ma.Schema):
    order = ma.fields.Nested(PurchaseOrderSchema)
    anchor_name = ma.fields.String()
    supplier_name = ma.fields.String()
    deliveries = ma.fields.List(ma.fields.Nested(DeliverySchema))
    invoices = ma.fields.List(ma.fields.Nested(InvoicePositionSchema), attribute="positions")
    payments = ma.fields.List(ma.fields.Nested(PaymentSchema))


class CounterpartySchema(ma.Schema):
    name = ma.fields.String()
    outstanding_inr = _rupees("outstanding_paise")
    overdue_inr = _rupees("overdue_paise")
    interest_inr = _rupees("interest_paise")
    next_due_on = ma.fields.Date(allow_none=True)
    invoices = ma.fields.List(ma.fields.Nested(InvoicePositionSchema), attribute="positions")


class AnchorScorecardSchema(ma.Schema):
    anchor_id = ma.fields.Integer()
    anchor_name = ma.fields.String()
    invoices_settled = ma.fields.Integer()
    paid_on_time = ma.fields.Integer()
    share_paid_on_time = ma.fields.Float(allow_none=True)
    median_days_late = ma.fields.Float(allow_none=True)
    overdue_now = ma.fields.Integer()
