"""Purchase orders to payment: due dates, what each side sees, interest, the scorecard."""

import pytest
from sqlmodel import select

from suppliermatch.accounts.models import Organisation
from suppliermatch.errors import Conflict, NotFound, ValidationFailed
from suppliermatch.notifications.models import Notification
from suppliermatch.payments import reminders, service
from tests.payments.conftest import TODAY, actor, days_ago, deliver_and_invoice, pay, place_order


def test_an_agreed_term_over_45_days_is_refused_naming_the_field(session, cast, award):
    with pytest.raises(ValidationFailed) as refused:
        place_order(session, cast, award, agreed_payment_days=60)
    assert refused.value.field == "agreed_payment_days"
    assert "45 days" in refused.value.message


def test_the_supplier_sees_what_each_anchor_owes_and_the_anchor_what_to_pay(session, cast, award):
    order = place_order(session, cast, award)
    overdue = deliver_and_invoice(session, cast, order, delivered_ago=40)  # due 10 days ago
    upcoming = deliver_and_invoice(session, cast, order, delivered_ago=10)  # due in 20 days
    [owed] = service.dues(session, actor=actor(session, cast["msme_a"]))
    assert owed.name == session.get(Organisation, cast["anchor_x"].organisation_id).name
    states = {p.invoice.number: (p.state, p.due_on) for p in owed.positions}
    assert states == {
        overdue.number: (service.OVERDUE, days_ago(10)),
        upcoming.number: (service.NOT_YET_DUE, days_ago(-20)),
    }
    assert owed.overdue_paise == 10_000_000
    [payable] = service.dues(session, actor=actor(session, cast["anchor_x"]))
    assert payable.name == "Asha Precision Works"
    assert payable.next_due_on == days_ago(10)
    assert payable.outstanding_paise == 20_000_000


def test_other_parties_cannot_read_or_touch_the_order(session, cast, award):
    order = place_order(session, cast, award)
    for role in ("msme_b", "anchor_y", "coordinator_1"):
        with pytest.raises(NotFound):
            service.order_detail(session, actor=actor(session, cast[role]), order_id=order.id)
    assert service.dues(session, actor=actor(session, cast["msme_b"])) == []


def test_an_objection_within_15_days_holds_the_due_date_until_removed(session, cast, award):
    order = place_order(session, cast, award, agreed_payment_days=None)
    invoice = deliver_and_invoice(session, cast, order, delivered_ago=30)
    anchor = actor(session, cast["anchor_x"])
    service.object_to_delivery(
        session, actor=anchor, delivery_id=invoice.delivery_id, objected_on=days_ago(25),
        reason="Coating thickness below 12 microns",
    )  # fmt: skip
    [p] = service.positions(session, [order], TODAY)
    assert (p.state, p.due_on) == (service.AWAITING_ACCEPTANCE, None)
    service.remove_objection(
        session, actor=anchor, delivery_id=invoice.delivery_id, removed_on=days_ago(20)
    )
    [p] = service.positions(session, [order], TODAY)
    # No written agreement: 15 days from the day the objection was removed.
    assert (p.accepted_on, p.due_on, p.state) == (days_ago(20), days_ago(5), service.OVERDUE)


def test_an_objection_after_15_days_is_refused(session, cast, award):
    order = place_order(session, cast, award)
    invoice = deliver_and_invoice(session, cast, order, delivered_ago=30)
    with pytest.raises(ValidationFailed) as refused:
        service.object_to_delivery(
            session, actor=actor(session, cast["anchor_x"]), delivery_id=invoice.delivery_id,
            objected_on=days_ago(10), reason="Late",
        )  # fmt: skip
    assert refused.value.field == "objected_on"


def test_a_late_payment_to_a_small_supplier_carries_interest(session, cast, award):
    order = place_order(session, cast, award)
    invoice = deliver_and_invoice(session, cast, order, delivered_ago=60)  # due 30 days ago
    pay(session, cast, invoice, paid_ago=20)  # ten days late
    [p] = service.positions(session, [order], TODAY)
    assert (p.state, p.days_late) == (service.PAID_LATE, 10)
    assert p.interest_applies and p.interest_paise > 0


def test_a_medium_enterprise_is_owed_no_interest(session, cast, award):
    order = place_order(session, cast, award, supplier_class="medium")
    invoice = deliver_and_invoice(session, cast, order, delivered_ago=60)
    pay(session, cast, invoice, paid_ago=20)
    [p] = service.positions(session, [order], TODAY)
    assert p.state == service.PAID_LATE
    assert (p.interest_applies, p.interest_paise) == (False, 0)


def test_a_payment_over_the_outstanding_amount_is_refused(session, cast, award):
    order = place_order(session, cast, award)
    invoice = deliver_and_invoice(session, cast, order, delivered_ago=5)
    with pytest.raises(ValidationFailed) as refused:
        pay(session, cast, invoice, paid_ago=1, amount=100_001)
    assert refused.value.field == "amount_inr"
    pay(session, cast, invoice, paid_ago=1)
    with pytest.raises(Conflict):
        pay(session, cast, invoice, paid_ago=0, amount=1)


def test_invoices_may_not_add_up_to_more_than_the_order(session, cast, award):
    order = place_order(session, cast, award, value_inr=150_000)
    deliver_and_invoice(session, cast, order, delivered_ago=5)
    with pytest.raises(ValidationFailed) as refused:
        deliver_and_invoice(session, cast, order, delivered_ago=4)
    assert refused.value.field == "amount_inr"


def test_the_coordinator_scorecard_counts_shares_and_median_days_late(session, cast, award):
    order = place_order(session, cast, award)
    on_time = deliver_and_invoice(session, cast, order, delivered_ago=60)  # due 30 days ago
    pay(session, cast, on_time, paid_ago=31)
    late = deliver_and_invoice(session, cast, order, delivered_ago=59)  # due 29 days ago
    pay(session, cast, late, paid_ago=19)  # ten days late
    later = deliver_and_invoice(session, cast, order, delivered_ago=58)  # due 28 days ago
    pay(session, cast, later, paid_ago=8)  # twenty days late
    deliver_and_invoice(session, cast, order, delivered_ago=50)  # overdue, unpaid
    [card] = service.anchor_scorecards(session, actor=actor(session, cast["coordinator_1"]))
    assert (card.invoices_settled, card.paid_on_time, card.overdue_now) == (3, 1, 1)
    assert card.share_paid_on_time == pytest.approx(0.333)
    assert card.median_days_late == 15
    assert service.anchor_scorecards(session, actor=actor(session, cast["coordinator_2"])) == []


def test_reminders_go_7_days_before_and_on_the_due_date_once_each(session, cast, award):
    order = place_order(session, cast, award)
    invoice = deliver_and_invoice(session, cast, order, delivered_ago=23)  # due in 7 days
    assert reminders.send_payment_reminders(session) == 2  # the anchor's and A's user
    assert reminders.send_payment_reminders(session) == 0
    assert reminders.send_payment_reminders(session, today=days_ago(-6)) == 0
    assert reminders.send_payment_reminders(session, today=days_ago(-7)) == 2
    sent = session.exec(select(Notification).where(Notification.kind.like("payment_%"))).all()
    assert {n.user_id for n in sent} == {cast["anchor_x"].id, cast["msme_a"].id}
    assert all(invoice.number in n.subject for n in sent)
    pay(session, cast, invoice, paid_ago=0)
    assert reminders.send_payment_reminders(session, today=days_ago(-8)) == 0
