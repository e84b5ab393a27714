"""The demo shows what follows the award: a part approved (the supplier on the anchor's
approved-supplier list), a first article waiting for review, and a purchase order whose
invoices were paid on time, paid late and are overdue, so that the coordinator's anchor
scorecard shows figures. Loaded through the services, once."""

import pytest
from sqlmodel import select

from suppliermatch.access import actor_for_user
from suppliermatch.accounts.models import User
from suppliermatch.payments import service as payments
from suppliermatch.qualification import service as qualification
from suppliermatch.seeding import demo

VINDHYA_BUYER = "buyer@vindhya-magnets.demo.in"
GANGADEVI_OWNER = "owner@gangadevi-electroplaters.demo.in"
GANJAM_COORDINATOR = "coordinator.ganjam@demo.suppliermatch.in"


def _actor(session, email: str):
    return actor_for_user(session, session.exec(select(User).where(User.email == email)).one())


@pytest.mark.slow
def test_the_demo_plays_the_cycle_after_the_award_once(session):
    first = demo.load_demo(session)
    assert (first["qualifications"], first["purchase orders"]) == (2, 1)
    second = demo.load_demo(session)
    assert (second["qualifications"], second["purchase orders"]) == (0, 0)

    buyer, supplier = _actor(session, VINDHYA_BUYER), _actor(session, GANGADEVI_OWNER)
    [approved] = qualification.my_approved_list(session, actor=buyer)
    assert (approved.part, approved.supplier_id) == (
        "Passivated fixture VF-120",
        supplier.supplier_id,
    )
    [waiting] = qualification.waiting_on(session, actor=buyer)
    assert (waiting.part, waiting.kind) == ("Passivated clamp plate VC-40", "fai")
    assert qualification.waiting_on(session, actor=supplier) == []

    [(order, anchor_name)] = payments.orders_of(session, actor=supplier)
    assert anchor_name == "Vindhya Magnets"
    detail = payments.order_detail(session, actor=supplier, order_id=order.id)
    states = sorted(p.state for p in detail["positions"])
    assert states == [payments.OVERDUE, payments.PAID_LATE, payments.PAID_ON_TIME]
    [owed] = payments.dues(session, actor=supplier)
    assert owed.interest_paise > 0  # a micro enterprise: section 16 interest runs

    cards = {
        c.anchor_name: c
        for c in payments.anchor_scorecards(session, actor=_actor(session, GANJAM_COORDINATOR))
    }
    card = cards["Vindhya Magnets"]
    assert (card.invoices_settled, card.share_paid_on_time) == (2, 0.5)
    assert (card.median_days_late, card.overdue_now) == (6, 1)
