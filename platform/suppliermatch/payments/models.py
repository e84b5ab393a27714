"""Purchase orders under an award, and what follows them: deliveries, invoices, payments.

Money is kept in paise (whole numbers): sums and interest are exact, and no float creeps
into what one party owes the other. The supplier's class and activity are copied onto the
purchase order when it is placed: the MSMED Act looks at the supplier as it was then.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from suppliermatch.models_base import timestamp_field


class PurchaseOrder(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("anchor_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    award_id: int = Field(foreign_key="award.id", index=True)
    anchor_id: int = Field(foreign_key="organisation.id", index=True)
    supplier_id: int = Field(foreign_key="supplier.id", index=True)
    number: str = Field(max_length=40)
    ordered_on: date
    quantity: float
    quantity_unit: str | None = Field(default=None, max_length=20)
    value_paise: int = Field(sa_type=sa.BigInteger)
    # None: no written agreement on the payment term (the Act's 15 days apply).
    agreed_payment_days: int | None = None
    supplier_class: str | None = Field(default=None, max_length=10)
    supplier_activity: str = Field(default="manufacturing", max_length=14)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = timestamp_field()


class Delivery(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    purchase_order_id: int = Field(foreign_key="purchaseorder.id", index=True)
    delivered_on: date
    quantity: float
    note: str | None = Field(default=None, max_length=500)
    # A written objection within the window postpones acceptance to its removal.
    objected_on: date | None = None
    objection: str | None = Field(default=None, max_length=500)
    objection_removed_on: date | None = None
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = timestamp_field()


class Invoice(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("purchase_order_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    purchase_order_id: int = Field(foreign_key="purchaseorder.id", index=True)
    delivery_id: int = Field(foreign_key="delivery.id", index=True)
    number: str = Field(max_length=40)
    invoiced_on: date
    amount_paise: int = Field(sa_type=sa.BigInteger)
    # The buyer's reason for paying late: MSME Form 1 asks for it.
    delay_reason: str | None = Field(default=None, max_length=500)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = timestamp_field()


class Payment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    paid_on: date
    amount_paise: int = Field(sa_type=sa.BigInteger)
    reference: str | None = Field(default=None, max_length=60)
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = timestamp_field()
