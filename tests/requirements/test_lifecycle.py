"""Lifecycle: draft -> published -> closed -> awarded, cancellations, amendments, versions."""

from datetime import timedelta

from sqlmodel import select

from suppliermatch.audit.service import entity_history
from suppliermatch.models_base import utcnow
from suppliermatch.notifications.models import Notification
from suppliermatch.requirements.lifecycle import Status
from suppliermatch.requirements.models import Requirement
from tests.requirements.helpers import pass_deadline, quote_body


def _draft_body(**extra) -> dict:
    return {
        "title": "NiCuNi plating of N42 blocks",
        "category": "coatings",
        "process": "nicuni_plating",
        "quantity_per_month": 20000,
        "required_certs": ["ISO9001", "ZED_SILVER"],
        "plant_pincode": "761008",
        "quote_deadline": (utcnow() + timedelta(days=5)).isoformat(),
        "budget_min_inr": 100000,
        "budget_max_inr": 250000,
        "line_items": [
            {"item": "N42 block 40x20x10, NiCuNi 15 µm", "quantity": 20000, "unit": "pcs"}
        ],
        **extra,
    }


def test_anchor_posts_a_draft_then_publishes_it(make_client, cast):
    anchor = make_client(cast["anchor_x"])
    created = anchor.post("/api/requirements", json=_draft_body())
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] == "draft"
    assert body["budget_max_inr"] == 250000
    # The plant's PIN code placed it on the map.
    assert 19 < body["plant_lat"] < 20 and 84 < body["plant_lon"] < 85

    published = anchor.post(f"/api/requirements/{body['id']}/publish", json={})
    assert published.status_code == 200, published.get_json()
    assert published.get_json()["status"] == "published"


def test_publishing_needs_a_future_deadline_and_a_line_item(make_client, cast):
    anchor = make_client(cast["anchor_x"])
    body = _draft_body(line_items=[])
    body.pop("quote_deadline")
    requirement_id = anchor.post("/api/requirements", json=body).get_json()["id"]
    refused = anchor.post(f"/api/requirements/{requirement_id}/publish", json={})
    assert refused.status_code == 422
    assert set(refused.get_json()["errors"]) == {"quote_deadline", "line_items"}


def test_client_cannot_set_owner_status_or_version(make_client, cast):
    anchor = make_client(cast["anchor_x"])
    for field, value in [
        ("anchor_id", cast["anchor_y"].organisation_id),
        ("status", "published"),
        ("version", 7),
        ("cluster_id", cast["cluster_2"].id),
    ]:
        response = anchor.post("/api/requirements", json=_draft_body(**{field: value}))
        assert response.status_code == 422, field
        assert field in response.get_json()["errors"]


def test_bad_input_names_the_field(make_client, cast):
    anchor = make_client(cast["anchor_x"])
    cases = [
        ({"category": "magic"}, "category"),
        ({"process": "zinc_plating", "category": "heat_treatment"}, "process"),
        ({"required_certs": ["ISO 9999"]}, "required_certs"),
        ({"plant_pincode": "061008"}, "plant_pincode"),
        ({"budget_min_inr": 5, "budget_max_inr": 4}, "budget_max_inr"),
        ({"plant_lat": 51.5, "plant_lon": 0.1}, "plant_lat"),
        ({"visibility": "everyone"}, "visibility"),
    ]
    for change, field in cases:
        response = anchor.post("/api/requirements", json=_draft_body(**change))
        assert response.status_code == 422, change
        assert field in response.get_json()["errors"], (change, response.get_json())


def test_illegal_moves_are_refused_with_409(session, make_client, cast, rfq):
    anchor = make_client(cast["anchor_x"])
    again = anchor.post(f"/api/requirements/{rfq.id}/publish", json={})
    assert again.status_code == 409
    assert "published requirement cannot be published" in again.get_json()["message"]

    award = anchor.post(
        f"/api/requirements/{rfq.id}/award",
        json={"allocations": [{"supplier_id": cast["supplier_a"].id}]},
    )
    assert award.status_code == 409

    cancel = anchor.post(f"/api/requirements/{rfq.id}/cancel", json={"reason": "Budget cut"})
    assert cancel.status_code == 200 and cancel.get_json()["status"] == "cancelled"
    reopen = anchor.post(f"/api/requirements/{rfq.id}/publish", json={})
    assert reopen.status_code == 409


def test_deadline_passing_closes_for_readers_and_the_command_records_it(
    app, session, make_client, cast, rfq
):
    pass_deadline(session, rfq)
    anchor = make_client(cast["anchor_x"])
    assert anchor.get(f"/api/requirements/{rfq.id}").get_json()["status"] == "closed"

    result = app.test_cli_runner().invoke(args=["requirements", "close-expired"])
    assert result.exit_code == 0, result.output
    assert "Closed 1 requirement(s)." in result.output
    session.expire_all()
    assert session.get(Requirement, rfq.id).status == Status.CLOSED
    closing = entity_history(session, "requirement", rfq.id)[-1]
    assert (closing.action, closing.from_state, closing.to_state) == (
        "closed",
        "published",
        "closed",
    )
    assert closing.actor_user_id is None and "deadline passed" in closing.note
    # The anchor is told the quotes can be compared, once.
    told = session.exec(
        select(Notification).where(
            Notification.user_id == cast["anchor_x"].id, Notification.kind == "quotes_ready"
        )
    ).all()
    assert len(told) == 1
    again = app.test_cli_runner().invoke(args=["requirements", "close-expired"])
    assert "Closed 0 requirement(s)." in again.output


def test_every_transition_is_in_the_trail_with_who_and_why(session, make_client, cast, rfq):
    anchor = make_client(cast["anchor_x"])
    supplier = make_client(cast["msme_a"])
    assert (
        supplier.post(
            f"/api/requirements/{rfq.id}/quotes", json=quote_body(session, rfq, 50)
        ).status_code
        == 201
    )
    closed = anchor.post(f"/api/requirements/{rfq.id}/close", json={"reason": "Enough quotes"})
    assert closed.status_code == 200
    awarded = anchor.post(
        f"/api/requirements/{rfq.id}/award",
        json={"allocations": [{"supplier_id": cast["supplier_a"].id}], "note": "Best lead time"},
    )
    assert awarded.status_code == 201, awarded.get_json()

    trail = anchor.get(f"/api/requirements/{rfq.id}/history").get_json()
    moves = [(e["action"], e["from_state"], e["to_state"], e["note"]) for e in trail]
    assert moves == [
        ("created", None, "draft", None),
        ("published", "draft", "published", None),
        ("closed", "published", "closed", "Enough quotes"),
        ("awarded", "closed", "awarded", "Best lead time"),
    ]
    assert {e["actor_user_id"] for e in trail} == {cast["anchor_x"].id}
    assert all(e["created_at"] for e in trail)


def test_stale_edit_is_refused_and_nothing_is_overwritten(make_client, cast, rfq):
    first = make_client(cast["anchor_x"])
    seen = first.get(f"/api/requirements/{rfq.id}").get_json()["version"]
    ok = first.patch(
        f"/api/requirements/{rfq.id}", json={"version": seen, "title": "Graphite boats, revised"}
    )
    assert ok.status_code == 200 and ok.get_json()["version"] == seen + 1
    stale = first.patch(
        f"/api/requirements/{rfq.id}", json={"version": seen, "title": "An older idea"}
    )
    assert stale.status_code == 409
    assert "version" in stale.get_json()["errors"]
    assert first.get(f"/api/requirements/{rfq.id}").get_json()["title"] == "Graphite boats, revised"


def test_amending_a_published_requirement_is_recorded_and_tells_invitees(
    session, make_client, cast, rfq
):
    anchor = make_client(cast["anchor_x"])
    version = anchor.get(f"/api/requirements/{rfq.id}").get_json()["version"]
    response = anchor.patch(
        f"/api/requirements/{rfq.id}",
        json={
            "version": version,
            "quantity_per_month": 600,
            "budget_max_inr": 99999999,
            "note": "Demand up",
        },
    )
    assert response.status_code == 200, response.get_json()
    amendment = entity_history(session, "requirement", rfq.id)[-1]
    assert amendment.action == "amended" and amendment.note == "Demand up"
    assert set(amendment.details["fields"]) == {"quantity_per_month", "budget_max_inr"}
    told = session.exec(
        select(Notification).where(
            Notification.user_id == cast["msme_a"].id, Notification.kind == "amended"
        )
    ).one()
    assert "quantity per month" in told.body
    assert "budget" not in told.body.lower() and "99999999" not in told.body


def test_line_items_cannot_change_once_quotes_arrived(session, make_client, cast, rfq):
    supplier = make_client(cast["msme_a"])
    supplier.post(f"/api/requirements/{rfq.id}/quotes", json=quote_body(session, rfq, 75))
    anchor = make_client(cast["anchor_x"])
    version = anchor.get(f"/api/requirements/{rfq.id}").get_json()["version"]
    response = anchor.patch(
        f"/api/requirements/{rfq.id}",
        json={
            "version": version,
            "line_items": [{"item": "Something else", "quantity": 1, "unit": "lot"}],
        },
    )
    assert response.status_code == 409
    assert "line_items" in response.get_json()["errors"]


def test_cancelling_tells_engaged_suppliers_with_the_reason(session, make_client, cast, rfq):
    anchor = make_client(cast["anchor_x"])
    assert anchor.post(f"/api/requirements/{rfq.id}/cancel", json={}).status_code == 422
    response = anchor.post(
        f"/api/requirements/{rfq.id}/cancel", json={"reason": "Plant commissioning delayed"}
    )
    assert response.status_code == 200
    notices = session.exec(select(Notification).where(Notification.kind == "cancelled")).all()
    assert {n.user_id for n in notices} == {cast["msme_a"].id, cast["msme_b"].id}
    assert all("Plant commissioning delayed" in n.body for n in notices)


def test_a_draft_needs_no_category(make_client, cast):
    anchor = make_client(cast["anchor_x"])
    body = _draft_body(title="Corrugated cartons for magnet dispatch")
    body.pop("category")
    body.pop("process")
    created = anchor.post("/api/requirements", json=body)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["category"] is None
    emptied = anchor.post("/api/requirements", json={**body, "category": None})
    assert emptied.status_code == 201, emptied.get_json()
