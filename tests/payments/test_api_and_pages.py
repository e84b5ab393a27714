"""The payments API and pages as each party sees them, and the statutory CSV downloads."""

import csv
import io

from sqlmodel import select

from suppliermatch.audit.models import AuditEvent
from tests.payments.conftest import days_ago, deliver_and_invoice, pay, place_order


def _post_order(client, award, **overrides):
    body = {
        "number": "PO/KAL/0042",
        "ordered_on": days_ago(90).isoformat(),
        "quantity": 400,
        "value_inr": 250000.50,
        "agreed_payment_days": 30,
        **overrides,
    }
    return client.post(f"/api/awards/{award.id}/purchase-orders", json=body)


def test_the_anchor_places_an_order_and_both_parties_read_it(session, make_client, cast, award):
    anchor = make_client(cast["anchor_x"])
    response = _post_order(anchor, award)
    assert response.status_code == 201, response.get_json()
    order = response.get_json()
    assert (order["value_inr"], order["supplier_class"]) == (250000.5, "small")
    supplier = make_client(cast["msme_a"])
    listed = supplier.get(f"/api/awards/{award.id}/purchase-orders").get_json()
    assert [o["number"] for o in listed] == ["PO/KAL/0042"]
    assert make_client(cast["msme_b"]).get(f"/api/purchase-orders/{order['id']}").status_code == 404
    placed = session.exec(
        select(AuditEvent).where(
            AuditEvent.entity_type == "purchase_order", AuditEvent.entity_id == order["id"]
        )
    ).one()
    assert placed.actor_user_id == cast["anchor_x"].id


def test_a_term_over_45_days_is_a_422_naming_the_field(make_client, cast, award):
    response = _post_order(make_client(cast["anchor_x"]), award, agreed_payment_days=60)
    assert response.status_code == 422
    assert "agreed_payment_days" in response.get_json()["errors"]


def test_delivery_invoice_and_payment_through_the_api(make_client, cast, award):
    anchor, supplier = make_client(cast["anchor_x"]), make_client(cast["msme_a"])
    order_id = _post_order(anchor, award).get_json()["id"]
    delivery = supplier.post(
        f"/api/purchase-orders/{order_id}/deliveries",
        json={"delivered_on": days_ago(50).isoformat(), "quantity": 100},
    ).get_json()
    invoiced = supplier.post(
        f"/api/purchase-orders/{order_id}/invoices",
        json={
            "delivery_id": delivery["id"],
            "number": "ASHA/24-25/117",
            "invoiced_on": days_ago(50).isoformat(),
            "amount_inr": 62500,
        },
    )
    assert invoiced.status_code == 201, invoiced.get_json()
    [invoice] = invoiced.get_json()["invoices"]
    assert (invoice["due_on"], invoice["state"]) == (days_ago(20).isoformat(), "overdue")
    assert invoice["interest_inr"] > 0
    assert (
        anchor.post(
            f"/api/invoices/{invoice['id']}/payments",
            json={"paid_on": days_ago(1).isoformat(), "amount_inr": 62500},
        ).status_code
        == 201
    )
    [after] = supplier.get(f"/api/purchase-orders/{order_id}").get_json()["invoices"]
    assert (after["state"], after["days_late"]) == ("paid late", 19)
    # The supplier raises invoices; the buyer may not.
    assert anchor.post(
        f"/api/purchase-orders/{order_id}/invoices",
        json={"delivery_id": delivery["id"], "number": "X", "invoiced_on": days_ago(1).isoformat(),
              "amount_inr": 1},
    ).status_code == 403  # fmt: skip


def test_dues_pages_show_each_side_what_is_owed(session, make_client, cast, award):
    order = place_order(session, cast, award)
    deliver_and_invoice(session, cast, order, delivered_ago=40, number="ASHA/OVERDUE/1")
    session.commit()
    supplier_page = make_client(cast["msme_a"]).get("/payments").get_data(as_text=True)
    assert "What anchors owe you" in supplier_page
    assert "ASHA/OVERDUE/1" in supplier_page and "overdue (10 days late)" in supplier_page
    assert "₹1,00,000.00" in supplier_page
    anchor_page = make_client(cast["anchor_x"]).get("/payments").get_data(as_text=True)
    assert "What you must pay MSME suppliers" in anchor_page
    assert "Asha Precision Works" in anchor_page and "MSME Form 1" in anchor_page
    order_page = make_client(cast["anchor_x"]).get(f"/purchase-orders/{order.id}")
    assert order_page.status_code == 200
    assert "Record payment" in order_page.get_data(as_text=True)
    assert make_client(cast["msme_b"]).get("/payments").get_data(as_text=True).count("ASHA/") == 0


def test_the_coordinator_sees_shares_and_no_amounts(session, make_client, cast, award):
    order = place_order(session, cast, award)
    invoice = deliver_and_invoice(session, cast, order, delivered_ago=60, amount=123_456.78)
    pay(session, cast, invoice, paid_ago=20, amount=123_456.78)
    session.commit()
    coordinator = make_client(cast["coordinator_1"])
    [card] = coordinator.get("/api/payments/anchor-scorecards").get_json()
    assert (card["invoices_settled"], card["share_paid_on_time"], card["median_days_late"]) == (
        1, 0.0, 10.0,
    )  # fmt: skip
    page = coordinator.get("/payments/anchors").get_data(as_text=True)
    assert "0%" in page and "123456" not in page and "1,23,456" not in page
    assert coordinator.get(f"/purchase-orders/{order.id}").status_code == 403


def _csv(response):
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_form_1_lists_micro_and_small_dues_over_45_days_with_the_reason(
    session, make_client, cast, award
):
    from suppliermatch.payments import exports, service
    from tests.payments.conftest import TODAY, actor

    order = place_order(session, cast, award, number="=HYPERLINK(1)")
    old = deliver_and_invoice(session, cast, order, delivered_ago=100, number="OLD-1")
    deliver_and_invoice(session, cast, order, delivered_ago=10, number="NEW-1")
    medium = place_order(session, cast, award, number="PO-MEDIUM", supplier_class="medium")
    deliver_and_invoice(session, cast, medium, delivered_ago=100, number="MED-1")
    service.set_delay_reason(
        session, actor=actor(session, cast["anchor_x"]), invoice_id=old.id,
        reason="-Awaiting test certificate",
    )  # fmt: skip
    session.commit()
    year = exports.financial_year_of(TODAY)
    half = 1 if TODAY.month in range(4, 10) else 2
    rows = _csv(make_client(cast["anchor_x"]).get(f"/payments/form-1.csv?year={year}&half={half}"))
    assert rows[0][0] == "supplier"
    [row] = rows[1:]
    assert row[3] == "'=HYPERLINK(1)"  # the formula guard
    assert (row[4], row[8], row[10]) == ("OLD-1", "100000.0", "'-Awaiting test certificate")
    assert make_client(cast["msme_a"]).get("/payments/form-1.csv").status_code == 403
    assert make_client(cast["anchor_x"]).get("/payments/form-1.csv?half=3").status_code == 422


def test_the_43bh_list_leaves_out_traders_and_medium_enterprises(session, make_client, cast, award):
    from suppliermatch.payments import exports
    from tests.payments.conftest import TODAY

    year_end = exports.financial_year_of(TODAY)  # the year that ends next 31 March
    manufacturer = place_order(session, cast, award, number="PO-MFG")
    deliver_and_invoice(session, cast, manufacturer, delivered_ago=40, number="MFG-1")
    trader = place_order(session, cast, award, number="PO-TRD", supplier_activity="trading")
    deliver_and_invoice(session, cast, trader, delivered_ago=40, number="TRD-1")
    medium = place_order(session, cast, award, number="PO-MED", supplier_class="medium")
    deliver_and_invoice(session, cast, medium, delivered_ago=40, number="MED-1")
    session.commit()
    rows = _csv(make_client(cast["anchor_x"]).get(f"/payments/section-43bh.csv?year={year_end}"))
    assert [(r[5], r[11]) for r in rows[1:]] == [
        ("MFG-1", "disallowed this year: deductible in the year paid")
    ]
