"""A coordinator verifies or rejects a certified record against its evidence; changing a
checked record's facts sends it back for verification."""

import io
from datetime import timedelta

from sqlmodel import select

from suppliermatch.certification.service import countable_certificates
from suppliermatch.notifications.models import Notification
from tests.certification.builders import TODAY, make_record
from tests.certification.documents import certificate_pdf


def _with_evidence(session, make_client, cast, **fields):
    record = make_record(session, cast["supplier_a"], **fields)
    session.commit()
    response = make_client(cast["msme_a"]).post(
        f"/api/certificates/{record.id}/evidence",
        data={"file": (io.BytesIO(certificate_pdf(["ISO 9001"])), "iso.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201
    return record


def _decide(client, record_id, **body):
    version = client.get(f"/api/certificates/{record_id}").get_json()["version"]
    return client.post(
        f"/api/certificates/{record_id}/verification", json={"version": version, **body}
    )


def test_verifying_needs_evidence(session, make_client, cast):
    record = make_record(session, cast["supplier_a"])
    session.commit()
    response = _decide(make_client(cast["coordinator_1"]), record.id, decision="verify")
    assert response.status_code == 409
    assert "no evidence" in response.get_json()["message"]


def test_coordinator_verifies_and_the_msme_is_told(session, make_client, cast):
    record = _with_evidence(session, make_client, cast)
    response = _decide(make_client(cast["coordinator_1"]), record.id, decision="verify")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["verification"] == "verified"

    page = make_client(cast["msme_a"]).get(f"/certificates/{record.id}").get_data(as_text=True)
    assert "✓ verified" in page and "Verified by Coordinator" in page
    listing = make_client(cast["msme_a"]).get("/certificates").get_data(as_text=True)
    assert "✓ verified" in listing
    told = session.exec(
        select(Notification).where(
            Notification.user_id == cast["msme_a"].id, Notification.kind == "certificate_verified"
        )
    ).all()
    assert len(told) == 1


def test_rejecting_needs_a_reason_and_a_rejected_certificate_stops_counting(
    session, make_client, cast
):
    record = _with_evidence(session, make_client, cast)
    coordinator = make_client(cast["coordinator_1"])
    no_reason = _decide(coordinator, record.id, decision="reject")
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]

    assert countable_certificates(session, cast["supplier_a"].id, on=TODAY)
    reason = "The scan shows a different certificate number"
    response = _decide(coordinator, record.id, decision="reject", reason=reason)
    assert response.status_code == 200
    assert response.get_json()["rejection_reason"] == reason
    session.expire_all()
    assert countable_certificates(session, cast["supplier_a"].id, on=TODAY) == []
    told = session.exec(
        select(Notification).where(Notification.kind == "certificate_rejected")
    ).one()
    assert reason in told.body and told.user_id == cast["msme_a"].id


def test_only_certified_records_can_be_verified(session, make_client, cast):
    record = make_record(session, cast["supplier_a"], state="applied")
    session.commit()
    response = _decide(make_client(cast["coordinator_1"]), record.id, decision="verify")
    assert response.status_code == 409


def test_changing_a_verified_records_number_or_dates_sends_it_back(session, make_client, cast):
    record = _with_evidence(session, make_client, cast)
    _decide(make_client(cast["coordinator_1"]), record.id, decision="verify")
    msme = make_client(cast["msme_a"])

    current = msme.get(f"/api/certificates/{record.id}").get_json()
    scope_only = msme.patch(
        f"/api/certificates/{record.id}",
        json={"version": current["version"], "scope": "Testing lab, Plot 14, Chhatrapur"},
    )
    assert scope_only.status_code == 200
    assert scope_only.get_json()["verification"] == "verified"

    new_expiry = str(TODAY + timedelta(days=900))
    dates = msme.patch(
        f"/api/certificates/{record.id}",
        json={"version": scope_only.get_json()["version"], "expires_on": new_expiry},
    )
    assert dates.status_code == 200
    assert dates.get_json()["verification"] == "unverified"
    history = msme.get(f"/api/certificates/{record.id}/history").get_json()
    assert history[-1]["action"] == "verification_reset"
    assert (history[-1]["from_state"], history[-1]["to_state"]) == ("verified", "unverified")


def test_the_queue_shows_the_clusters_certified_records_awaiting_a_decision(
    session, make_client, cast
):
    waiting = make_record(session, cast["supplier_a"], code="ISO14001")
    make_record(session, cast["supplier_a"], code="ISO9001", state="applied")
    other_cluster = make_record(session, cast["supplier_b"], code="ISO14001")
    session.commit()
    queue = make_client(cast["coordinator_1"]).get("/api/certificates/verification-queue")
    ids = {entry["certificate"]["id"] for entry in queue.get_json()}
    assert ids == {waiting.id}
    page = make_client(cast["coordinator_2"]).get("/certificates/verification")
    text = page.get_data(as_text=True)
    assert f"/certificates/{other_cluster.id}" in text and f"/certificates/{waiting.id}" not in text


def test_verification_form_on_the_page(session, make_client, cast):
    record = _with_evidence(session, make_client, cast)
    coordinator = make_client(cast["coordinator_1"])
    refused = coordinator.post(
        f"/certificates/{record.id}/verification",
        data={"decision": "reject", "version": str(record.version)},
    )
    assert refused.status_code == 422
    assert "Say why" in refused.get_data(as_text=True)
    done = coordinator.post(
        f"/certificates/{record.id}/verification",
        data={"decision": "verify", "version": str(record.version)},
    )
    assert done.status_code == 302
    assert "Decision recorded." in coordinator.get(done.headers["Location"]).get_data(as_text=True)


def test_the_queue_puts_records_with_evidence_first_and_leaves_out_lapsed_ones(
    session, make_client, cast
):
    bare = make_record(session, cast["supplier_a"], code="ISO45001")
    lapsed = make_record(
        session, cast["supplier_a"], code="ISO14001", expires_on=TODAY - timedelta(days=2)
    )
    with_evidence = _with_evidence(session, make_client, cast)
    queue = make_client(cast["coordinator_1"]).get("/api/certificates/verification-queue")
    ids = [entry["certificate"]["id"] for entry in queue.get_json()]
    assert ids == [with_evidence.id, bare.id]
    assert lapsed.id not in ids


def test_the_msme_is_told_in_the_language_it_chose(session, make_client, cast):
    cast["msme_a"].locale = "te"
    record = _with_evidence(session, make_client, cast, code="ISO9001")
    coordinator = make_client(cast["coordinator_1"])
    reason = "The scan is unreadable"
    assert _decide(coordinator, record.id, decision="reject", reason=reason).status_code == 200

    told = session.exec(
        select(Notification).where(Notification.kind == "certificate_rejected")
    ).one()
    assert told.subject == "మీ ISO 9001 సర్టిఫికెట్‌పై శ్రద్ధ అవసరం"
    assert told.body.startswith("క్లస్టర్ కోఆర్డినేటర్ మీ ISO 9001 సర్టిఫికెట్‌ను ధృవీకరించలేకపోయారు")
    assert told.body.endswith(reason)
