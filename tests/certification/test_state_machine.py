"""The certificate life cycle: legal moves with their audit trail, illegal ones refused (409)."""

from datetime import timedelta

import pytest
from sqlmodel import func, select

from suppliermatch.access import actor_for_user
from suppliermatch.audit.models import AuditEvent
from suppliermatch.certification import service
from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.certification.service import TRANSITIONS, CertState
from suppliermatch.errors import Conflict, ValidationFailed
from tests.certification.builders import TODAY, make_record


def _audit_rows(session, certificate_id) -> int:
    statement = select(func.count(AuditEvent.id)).where(
        AuditEvent.entity_type == "certificate", AuditEvent.entity_id == certificate_id
    )
    return session.exec(statement).one()


def test_msme_takes_a_plan_all_the_way_to_certified_with_a_full_audit_trail(make_client, cast):
    client = make_client(cast["msme_a"])
    created = client.post(
        "/api/certificates",
        json={"code": "NABL17025", "target_on": str(TODAY + timedelta(days=200))},
    )
    assert created.status_code == 201, created.get_json()
    record = created.get_json()
    assert record["state"] == "planned" and record["supplier_id"] == cast["supplier_a"].id

    steps = [
        {"to": "in_preparation"},
        {"to": "applied", "note": "Application NABL/T-1234 filed"},
        {"to": "audit_scheduled", "audit_on": str(TODAY + timedelta(days=30))},
        {
            "to": "certified",
            "certificate_number": "TC-14523",
            "issuing_body": "NABL",
            "issued_on": str(TODAY),
            "expires_on": str(TODAY + timedelta(days=730)),
        },
    ]
    for step in steps:
        response = client.post(
            f"/api/certificates/{record['id']}/transitions",
            json={**step, "version": record["version"]},
        )
        assert response.status_code == 200, response.get_json()
        record = response.get_json()
        assert record["state"] == step["to"]
    assert record["certificate_number"] == "TC-14523"
    assert record["verification"] == "unverified"

    history = client.get(f"/api/certificates/{record['id']}/history").get_json()
    assert [(e["from_state"], e["to_state"]) for e in history] == [
        (None, "planned"),
        ("planned", "in_preparation"),
        ("in_preparation", "applied"),
        ("applied", "audit_scheduled"),
        ("audit_scheduled", "certified"),
    ]
    assert {e["actor_user_id"] for e in history} == {cast["msme_a"].id}
    assert history[2]["note"] == "Application NABL/T-1234 filed"


ILLEGAL_MOVES = [
    (current, target)
    for current in CertState
    for target in CertState
    if target not in TRANSITIONS[current]
]


@pytest.mark.parametrize(("current", "target"), ILLEGAL_MOVES)
def test_every_illegal_move_is_refused_with_409_and_changes_nothing(session, cast, current, target):
    record = make_record(session, cast["supplier_a"], state=current.value)
    before = (record.state, record.version, _audit_rows(session, record.id))
    actor = actor_for_user(session, cast["msme_a"])
    with pytest.raises(Conflict):
        service.transition(
            session, actor, record.id, to_state=target.value, version=record.version, today=TODAY
        )
    session.expire_all()
    record = session.get(SupplierCertificate, record.id)
    assert (record.state, record.version, _audit_rows(session, record.id)) == before


def test_illegal_move_through_the_api_answers_409_saying_what_is_possible(
    session, make_client, cast
):
    record = make_record(session, cast["supplier_a"], state="planned")
    session.commit()
    response = make_client(cast["msme_a"]).post(
        f"/api/certificates/{record.id}/transitions",
        json={"to": "certified", "version": record.version},
    )
    assert response.status_code == 409
    message = response.get_json()["message"]
    assert "cannot become certified" in message and "in preparation" in message


def test_a_certificate_cannot_be_expired_by_hand_before_its_validity_ends(session, cast):
    record = make_record(session, cast["supplier_a"], expires_on=TODAY + timedelta(days=5))
    actor = actor_for_user(session, cast["coordinator_1"])
    with pytest.raises(Conflict, match="expires by itself"):
        service.transition(
            session, actor, record.id, to_state="expired", version=record.version, today=TODAY
        )


def test_becoming_certified_needs_the_certificate_facts_naming_the_missing_one(
    session, make_client, cast
):
    record = make_record(session, cast["supplier_a"], state="audit_scheduled")
    session.commit()
    response = make_client(cast["msme_a"]).post(
        f"/api/certificates/{record.id}/transitions",
        json={"to": "certified", "version": record.version, "issuing_body": "TUV"},
    )
    assert response.status_code == 422
    assert "certificate_number" in response.get_json()["errors"]
    session.expire_all()
    assert session.get(SupplierCertificate, record.id).state == "audit_scheduled"


def test_expiry_before_issue_is_refused(session, cast):
    actor = actor_for_user(session, cast["msme_a"])
    with pytest.raises(ValidationFailed) as refused:
        service.create_certificate(
            session,
            actor,
            code="ISO9001",
            state="certified",
            certificate_number="Q-1",
            issuing_body="BV",
            issued_on=TODAY - timedelta(days=10),
            expires_on=TODAY - timedelta(days=20),
            today=TODAY,
        )
    assert refused.value.field == "expires_on"


def test_a_stale_version_is_refused_and_the_newer_change_survives(session, make_client, cast):
    record = make_record(session, cast["supplier_a"], state="planned")
    session.commit()
    msme, coordinator = make_client(cast["msme_a"]), make_client(cast["coordinator_1"])
    first = coordinator.post(
        f"/api/certificates/{record.id}/transitions",
        json={"to": "in_preparation", "version": 1},
    )
    assert first.status_code == 200
    second = msme.post(
        f"/api/certificates/{record.id}/transitions", json={"to": "withdrawn", "version": 1}
    )
    assert second.status_code == 409
    assert "changed this certificate" in second.get_json()["message"]
    assert msme.get(f"/api/certificates/{record.id}").get_json()["state"] == "in_preparation"


def test_renewal_is_a_new_record_and_the_old_period_stays_on_file(session, make_client, cast):
    old = make_record(session, cast["supplier_a"], expires_on=TODAY + timedelta(days=20))
    session.commit()
    client = make_client(cast["msme_a"])
    renewal = {
        "version": old.version,
        "certificate_number": "QMS-2026-77",
        "issuing_body": "TUV India",
        "issued_on": str(TODAY),
        "expires_on": str(TODAY + timedelta(days=3 * 365)),
    }
    response = client.post(f"/api/certificates/{old.id}/renewals", json=renewal)
    assert response.status_code == 201, response.get_json()
    new = response.get_json()
    assert new["renews_id"] == old.id and new["state"] == "certified" and new["id"] != old.id

    listed = client.get("/api/certificates?code=ISO9001").get_json()
    assert {r["id"] for r in listed} == {old.id, new["id"]}
    again = client.post(
        f"/api/certificates/{old.id}/renewals", json={**renewal, "version": old.version + 1}
    )
    assert again.status_code == 409

    page = client.get(f"/certificates/{new['id']}").get_data(as_text=True)
    assert "Validity periods" in page and old.certificate_number in page


def test_a_planned_record_cannot_be_renewed(session, make_client, cast):
    record = make_record(session, cast["supplier_a"], state="planned")
    session.commit()
    response = make_client(cast["msme_a"]).post(
        f"/api/certificates/{record.id}/renewals",
        json={
            "version": record.version,
            "certificate_number": "X",
            "issuing_body": "Y",
            "issued_on": str(TODAY),
            "expires_on": str(TODAY + timedelta(days=100)),
        },
    )
    assert response.status_code == 409


def test_second_live_record_for_the_same_certificate_is_refused(session, make_client, cast):
    make_record(session, cast["supplier_a"], code="ISO14001", state="applied")
    session.commit()
    response = make_client(cast["msme_a"]).post("/api/certificates", json={"code": "ISO14001"})
    assert response.status_code == 409
    assert "applied" in response.get_json()["message"]


def test_state_verification_and_version_cannot_be_set_by_the_client(session, make_client, cast):
    client = make_client(cast["msme_a"])
    created = client.post("/api/certificates", json={"code": "ISO9001", "verification": "verified"})
    assert created.status_code == 422
    assert "verification" in created.get_json()["errors"]
    record = make_record(session, cast["supplier_a"], state="planned")
    session.commit()
    for field, value in [("state", "certified"), ("supplier_id", 1), ("renews_id", 1)]:
        response = client.patch(
            f"/api/certificates/{record.id}", json={"version": record.version, field: value}
        )
        assert response.status_code == 422, field
        assert field in response.get_json()["errors"]


def test_unknown_certificate_code_is_refused_naming_the_field(make_client, cast):
    response = make_client(cast["msme_a"]).post("/api/certificates", json={"code": "ISO9999"})
    assert response.status_code == 422
    assert "code" in response.get_json()["errors"]


def test_withdrawn_and_expired_records_are_history_and_cannot_be_edited(session, make_client, cast):
    client = make_client(cast["msme_a"])
    for state in ("withdrawn", "expired"):
        record = make_record(session, cast["supplier_a"], code="ISO45001", state=state)
        session.commit()
        response = client.patch(
            f"/api/certificates/{record.id}", json={"version": record.version, "scope": "x"}
        )
        assert response.status_code == 409, state


def test_coordinator_records_a_certificate_for_a_cluster_supplier(make_client, cast):
    response = make_client(cast["coordinator_1"]).post(
        "/api/certificates",
        json={
            "code": "ZED_BRONZE",
            "supplier_id": cast["supplier_a"].id,
            "state": "certified",
            "certificate_number": "ZED/B/2026/001",
            "issuing_body": "Quality Council of India",
            "issued_on": str(TODAY - timedelta(days=30)),
            "expires_on": str(TODAY + timedelta(days=1000)),
        },
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["supplier_id"] == cast["supplier_a"].id
