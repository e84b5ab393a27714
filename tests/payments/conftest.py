"""Fixtures for payments: anchor X's requirement awarded to MSME A, and a purchase order."""

from datetime import timedelta

import pytest
from sqlmodel import select

from suppliermatch.access import actor_for_user
from suppliermatch.dates import today_in_india
from suppliermatch.payments import service
from suppliermatch.requirements import awards
from suppliermatch.requirements.models import Award
from tests.requirements import conftest as requirement_fixtures
from tests.requirements.helpers import pass_deadline, quote_body

# The requirements tests' cast (world plus supplier profiles) and anchor X's requirement.
cast = requirement_fixtures.cast
rfq = requirement_fixtures.rfq
TODAY = today_in_india()


def days_ago(days: int):
    return TODAY - timedelta(days=days)


def actor(session, user):
    return actor_for_user(session, user)


@pytest.fixture
def award(session, make_client, cast, rfq):
    """MSME A (a small enterprise) quoted and won anchor X's requirement."""
    cast["supplier_a"].enterprise_class = "small"
    session.commit()
    response = make_client(cast["msme_a"]).post(
        f"/api/requirements/{rfq.id}/quotes", json=quote_body(session, rfq, 100)
    )
    assert response.status_code == 201, response.get_json()
    pass_deadline(session, rfq)
    awards.award(
        session,
        actor=actor(session, cast["anchor_x"]),
        requirement_id=rfq.id,
        allocations=[{"supplier_id": cast["supplier_a"].id}],
    )
    session.commit()
    return session.exec(select(Award).where(Award.requirement_id == rfq.id)).one()


def place_order(session, cast, award, **fields):
    data = {
        "number": fields.pop("number", "PO-2026-0001"),
        "ordered_on": fields.pop("ordered_on", days_ago(120)),
        "quantity": 500,
        "value_inr": fields.pop("value_inr", 500_000),
        "agreed_payment_days": fields.pop("agreed_payment_days", 30),
        **fields,
    }
    return service.create_purchase_order(
        session, actor=actor(session, cast["anchor_x"]), award_id=award.id, data=data
    )


def deliver_and_invoice(session, cast, order, *, delivered_ago: int, amount=100_000, number=None):
    """A delivery ``delivered_ago`` days back and MSME A's invoice for it."""
    delivery = service.record_delivery(
        session,
        actor=actor(session, cast["msme_a"]),
        order_id=order.id,
        data={"delivered_on": days_ago(delivered_ago), "quantity": 100},
    )
    return service.create_invoice(
        session,
        actor=actor(session, cast["msme_a"]),
        order_id=order.id,
        data={
            "delivery_id": delivery.id,
            "number": number or f"INV-{delivered_ago}",
            "invoiced_on": days_ago(delivered_ago),
            "amount_inr": amount,
        },
    )


def pay(session, cast, invoice, *, paid_ago: int, amount=100_000):
    return service.record_payment(
        session,
        actor=actor(session, cast["anchor_x"]),
        invoice_id=invoice.id,
        data={"paid_on": days_ago(paid_ago), "amount_inr": amount},
    )
