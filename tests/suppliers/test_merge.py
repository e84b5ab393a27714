"""Duplicate review: the scan flags re-registrations with evidence; merging keeps every
capability, certificate and invitation on the supplier kept; dismissed pairs stay so."""

from datetime import date

import pytest
from sqlmodel import select

from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.requirements.models import Invitation, Requirement
from suppliermatch.suppliers.models import Capability, DuplicateCandidate, Supplier
from tests import factories
from tests.suppliers.conftest import ODISHA_GSTIN, ODISHA_UDYAM, profile_of


@pytest.fixture
def twins(session, world):
    """One enterprise registered twice in cluster 1, and a namesake in cluster 2."""
    imported = factories.make_supplier(
        session,
        cluster=world["cluster_1"],
        legal_name="Shree Ganesh Engg. Works",
        gstin=ODISHA_GSTIN,
        phone="+91 94370 12345",
        pincode="761008",
        capabilities=[{"category": "furnace_parts", "process": "graphite_fixtures"}],
        certificates=[("ISO9001", "certified", date(2027, 1, 1))],
    )
    signed_up = factories.make_supplier(
        session,
        cluster=world["cluster_1"],
        legal_name="SHRI GANESH ENGINEERING WORKS PVT LTD",
        udyam_number=ODISHA_UDYAM,
        phone="09437012345",
        pincode="761008",
        capabilities=[{"category": "cnc_machining", "process": "grinding"}],
        certificates=[("ZED_SILVER", "certified", date(2027, 6, 1))],
    )
    factories.make_supplier(
        session, cluster=world["cluster_2"], legal_name="Shree Ganesh Engg Works"
    )
    session.commit()
    return imported, signed_up


def _scan(client):
    """The scan's result, as its job reports it once done (the suite runs jobs at once)."""
    response = client.post("/api/suppliers/duplicates/scan")
    assert response.status_code == 202, response.get_json()
    job = client.get(response.get_json()["status_url"]).get_json()
    assert job["state"] == "done", job
    return job["result"]


def test_scan_flags_the_pair_with_its_evidence(make_client, world, twins):
    client = make_client(world["coordinator_1"])
    assert _scan(client)["new"] == 1
    pairs = client.get("/api/suppliers/duplicates").get_json()
    assert len(pairs) == 1
    pair = pairs[0]
    assert {pair["supplier"]["id"], pair["other_supplier"]["id"]} == {t.id for t in twins}
    assert "same phone +91 94370 12345" in pair["evidence"]
    assert pair["score"] >= 0.9
    page = client.get("/suppliers/duplicates").get_data(as_text=True)
    assert "same phone +91 94370 12345" in page and "Keep this one" in page


def test_merge_keeps_everything_on_the_supplier_kept(session, make_client, world, twins):
    imported, signed_up = twins
    anchor_org = world["anchor_x"].organisation_id
    requirements = [
        Requirement(anchor_id=anchor_org, title=f"RFQ {n}", category="furnace_parts")
        for n in range(2)
    ]
    session.add_all(requirements)
    session.flush()
    # Both were invited to the first RFQ; only the signed-up twin to the second.
    session.add_all(
        [
            Invitation(requirement_id=requirements[0].id, supplier_id=imported.id),
            Invitation(requirement_id=requirements[0].id, supplier_id=signed_up.id),
            Invitation(requirement_id=requirements[1].id, supplier_id=signed_up.id),
        ]
    )
    session.commit()
    client = make_client(world["coordinator_1"])
    _scan(client)
    pair = client.get("/api/suppliers/duplicates").get_json()[0]

    merged = client.post(
        f"/api/suppliers/duplicates/{pair['id']}/merge", json={"keep_id": imported.id}
    )
    assert merged.status_code == 200, merged.get_json()
    body = merged.get_json()
    assert (body["kept_id"], body["retired_id"]) == (imported.id, signed_up.id)
    assert body["stayed"] == {"invitation": 1}

    session.expire_all()
    kept = session.get(Supplier, imported.id)
    assert kept.udyam_number == ODISHA_UDYAM  # filled from the retired twin
    assert session.get(Supplier, signed_up.id).merged_into_id == imported.id
    processes = set(
        session.exec(select(Capability.process).where(Capability.supplier_id == kept.id))
    )
    assert processes == {"graphite_fixtures", "grinding"}
    codes = set(
        session.exec(
            select(SupplierCertificate.code).where(SupplierCertificate.supplier_id == kept.id)
        )
    )
    assert codes == {"ISO9001", "ZED_SILVER"}
    invited_to = set(
        session.exec(select(Invitation.requirement_id).where(Invitation.supplier_id == kept.id))
    )
    assert invited_to == {requirements[0].id, requirements[1].id}
    listed = {row["id"] for row in client.get("/api/suppliers?per_page=100").get_json()}
    assert imported.id in listed and signed_up.id not in listed
    assert client.get("/api/suppliers/duplicates").get_json() == []


def test_a_signed_up_twin_hands_its_account_to_the_kept_profile(session, make_client, world):
    own = profile_of(session, world["msme_a"])
    own_org = own.organisation_id
    imported = factories.make_supplier(
        session, cluster=world["cluster_1"], legal_name="Imported Twin", gstin=ODISHA_GSTIN
    )
    candidate = DuplicateCandidate(
        supplier_id=own.id, other_supplier_id=imported.id, score=0.97, evidence=["same name"]
    )
    session.add(candidate)
    session.commit()
    response = make_client(world["coordinator_1"]).post(
        f"/api/suppliers/duplicates/{candidate.id}/merge", json={"keep_id": imported.id}
    )
    assert response.status_code == 200
    me = make_client(world["msme_a"]).get("/api/suppliers/me").get_json()
    assert me["id"] == imported.id and me["gstin"] == ODISHA_GSTIN
    session.expire_all()
    assert session.get(Supplier, imported.id).organisation_id == own_org


def test_dismissed_pair_is_not_flagged_again(make_client, world, twins):
    client = make_client(world["coordinator_1"])
    _scan(client)
    pair = client.get("/api/suppliers/duplicates").get_json()[0]
    dismissed = client.post(f"/api/suppliers/duplicates/{pair['id']}/dismiss")
    assert dismissed.get_json()["status"] == "dismissed"
    assert _scan(client)["new"] == 0
    assert client.get("/api/suppliers/duplicates").get_json() == []
    again = client.post(f"/api/suppliers/duplicates/{pair['id']}/merge", json={"keep_id": 1})
    assert again.status_code == 409


def test_keep_id_must_be_one_of_the_pair(make_client, world, twins):
    client = make_client(world["coordinator_1"])
    _scan(client)
    pair = client.get("/api/suppliers/duplicates").get_json()[0]
    response = client.post(
        f"/api/suppliers/duplicates/{pair['id']}/merge", json={"keep_id": 999_999}
    )
    assert response.status_code == 422 and "keep_id" in response.get_json()["errors"]


def test_merge_from_the_review_page(make_client, world, twins):
    client = make_client(world["coordinator_1"])
    client.post("/suppliers/duplicates/scan")
    pair = client.get("/api/suppliers/duplicates").get_json()[0]
    response = client.post(
        f"/suppliers/duplicates/{pair['id']}/merge", data={"keep_id": twins[0].id}
    )
    assert response.status_code == 302
    page = client.get("/suppliers/duplicates").get_data(as_text=True)
    assert f"Merged supplier {twins[1].id} into {twins[0].id}" in page


def test_cli_dedup_reports_what_it_found(app, world, twins):
    result = app.test_cli_runner().invoke(args=["suppliers", "dedup"])
    assert result.exit_code == 0, result.output
    assert "Checked 5 suppliers" in result.output and "1 new for review" in result.output
