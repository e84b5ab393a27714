"""Sign-up with a listed enterprise's GSTIN or Udyam number offers to claim its profile by a
code sent to the e-mail on record; a claimed profile is never claimed again, and only a
coordinator reassigns it, with an audit entry."""

import hashlib
import re

from sqlmodel import select

from suppliermatch.accounts.models import AccountToken, Organisation, TokenPurpose, User
from suppliermatch.audit.models import AuditEvent
from suppliermatch.notifications.models import Notification
from suppliermatch.onboarding import claims
from suppliermatch.onboarding.models import SupplierInvitation
from suppliermatch.suppliers.models import Supplier
from tests import factories

GSTIN = "21AABCK1234F1ZB"
CODE = re.compile(r"\n([0-9A-Z]{5}-[0-9A-Z]{5})\n")
APPLICANT = {
    "account_type": "msme",
    "organisation_name": "Asha Precision Works",
    "full_name": "Asha Rath",
    "email": "asha.rath@gmail.test",
    "password": "graphite boats sinter slowly",
}


def answered(response):
    """The code goes once the response is sent: the server closes it, here the test."""
    response.close()
    return response


def ask_for_code(client, **identifier):
    return answered(client.post("/api/claims/code", json=identifier))


def claim(client, code, **identifier):
    body = {k: APPLICANT[k] for k in ("full_name", "email", "password")}
    return client.post("/api/claims", json={**body, **identifier, "code": code})


def code_sent_to(mailer, address: str) -> str:
    return CODE.search(mailer.to(address)[-1].get_content()).group(1)


def test_signing_up_with_an_unclaimed_profiles_gstin_offers_to_claim_it(session, client, imported):
    users_before = len(session.exec(select(User)).all())

    response = client.post("/api/auth/signup", json={**APPLICANT, "gstin": GSTIN})

    assert response.status_code == 409
    body = response.get_json()
    assert "gstin" in body["errors"] and "claim" in body["message"].lower()
    # Nothing about the profile is told: not its name, not its address.
    assert "accounts@asha.test" not in str(body) and "Asha Precision" not in body["message"]
    session.expire_all()
    assert len(session.exec(select(User)).all()) == users_before

    page = client.post("/signup", data={**APPLICANT, "gstin": GSTIN})
    assert page.status_code == 400
    assert "/claim-profile?gstin=" + GSTIN in page.get_data(as_text=True)


def test_a_new_enterprise_keeps_its_gstin_on_its_new_profile(session, client):
    response = client.post("/api/auth/signup", json={**APPLICANT, "gstin": "27AAPFU0939F1ZV"})

    assert response.status_code == 201, response.get_json()
    supplier = session.get(Supplier, response.get_json()["supplier_id"])
    assert supplier.gstin == "27AAPFU0939F1ZV"


def test_a_malformed_gstin_at_sign_up_is_named(client):
    response = client.post("/api/auth/signup", json={**APPLICANT, "gstin": "21AABCK1234F1ZX"})

    assert response.status_code == 422 and "gstin" in response.get_json()["errors"]


def test_the_code_goes_to_the_address_on_record_and_is_stored_as_a_digest(
    session, client, imported, mailer
):
    known = ask_for_code(client, gstin=GSTIN)
    unknown = ask_for_code(client, gstin="27AAPFU0939F1ZV")

    assert known.status_code == unknown.status_code == 202
    assert known.get_json() == unknown.get_json()
    assert [m["To"] for m in mailer.messages] == ["accounts@asha.test"]
    code = code_sent_to(mailer, "accounts@asha.test")
    stored = session.exec(
        select(AccountToken).where(AccountToken.purpose == TokenPurpose.CLAIM_CODE)
    ).one()
    assert stored.supplier_id == imported["asha"].id
    assert stored.token_digest == hashlib.sha256(code.replace("-", "").encode()).hexdigest()


def test_the_right_code_claims_the_profile_and_a_claimed_one_is_never_claimed_again(
    session, make_client, imported, mailer
):
    client = make_client()
    ask_for_code(client, gstin=GSTIN)
    code = code_sent_to(mailer, "accounts@asha.test")

    wrong = claim(client, "ABCDE-FGHJK", gstin=GSTIN)
    assert wrong.status_code == 422 and wrong.get_json()["errors"]["code"] == [claims.INVALID_CODE]

    claimed = claim(client, code.lower(), gstin=GSTIN)
    assert claimed.status_code == 201, claimed.get_json()
    assert claimed.get_json()["supplier_id"] == imported["asha"].id
    # Another address than the one on record: its owner still has to confirm it.
    assert claimed.get_json()["email_verified"] is False

    mailer.messages.clear()
    rival = make_client()
    assert ask_for_code(rival, gstin=GSTIN).status_code == 202
    assert mailer.messages == []
    assert claim(rival, code, gstin=GSTIN).status_code == 422
    refused = rival.post(
        "/api/auth/signup", json={**APPLICANT, "email": "x@y.test", "gstin": GSTIN}
    )
    assert refused.status_code == 409
    assert refused.get_json()["errors"]["gstin"] == [claims.ALREADY_CLAIMED]


def test_a_code_claims_only_the_profile_it_was_sent_for(session, client, imported, mailer):
    ask_for_code(client, gstin=GSTIN)
    code = code_sent_to(mailer, "accounts@asha.test")

    response = claim(client, code, udyam_number="UDYAM-OD-07-0012345")

    assert response.status_code == 422 and "code" in response.get_json()["errors"]
    session.expire_all()
    assert session.get(Supplier, imported["bhavani"].id).organisation_id is None


def test_claim_requests_name_the_identifier_at_fault(client, imported, mailer):
    cases = [
        ({}, "gstin"),
        ({"gstin": GSTIN, "udyam_number": "UDYAM-OD-07-0012345"}, "gstin"),
        ({"gstin": "NOT-A-GSTIN"}, "gstin"),
        ({"udyam_number": "UDYAM-7"}, "udyam_number"),
        ({"gstin": GSTIN, "email_on_record": "mine@attacker.test"}, "email_on_record"),
    ]
    for body, field in cases:
        response = ask_for_code(client, **body)
        assert response.status_code == 422, body
        assert field in response.get_json()["errors"], (body, response.get_json())
    assert mailer.messages == []


def test_the_claim_page_asks_for_the_number_then_the_code(session, client, imported, mailer):
    first = answered(client.post("/claim-profile", data={"step": "identify", "gstin": GSTIN}))
    assert first.status_code == 200
    text = first.get_data(as_text=True)
    assert 'name="code"' in text and "Asha Precision" not in text and "asha.test" not in text
    code = code_sent_to(mailer, "accounts@asha.test")

    done = client.post(
        "/claim-profile",
        data={
            "step": "claim",
            "gstin": GSTIN,
            "code": code,
            "full_name": "Asha Rath",
            "email": "accounts@asha.test",
            "password": APPLICANT["password"],
        },
    )

    assert done.status_code == 302 and done.headers["Location"] == "/suppliers/me"
    assert "Asha Precision Works" in client.get("/suppliers/me").get_data(as_text=True)


# -- reassigning ----------------------------------------------------------------------------------


def _claimed_by_code(client, mailer) -> User:
    ask_for_code(client, gstin=GSTIN)
    assert claim(client, code_sent_to(mailer, "accounts@asha.test"), gstin=GSTIN).status_code == 201


def test_a_coordinator_reassigns_a_claimed_profile_with_an_audit_entry(
    session, make_client, coordinator, imported, mailer
):
    owner = make_client()
    _claimed_by_code(owner, mailer)
    asha = imported["asha"]
    session.expire_all()
    old_organisation = session.get(Supplier, asha.id).organisation_id
    assert old_organisation is not None

    response = make_client(coordinator).post(
        f"/api/suppliers/{asha.id}/reassign",
        json={"email": "director@asha.test", "reason": "Claimed by a former employee"},
    )

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "invited"
    session.expire_all()
    supplier = session.get(Supplier, asha.id)
    assert supplier.organisation_id is None and supplier.email == "director@asha.test"
    assert session.get(Organisation, old_organisation) is not None
    entry = session.exec(
        select(AuditEvent).where(AuditEvent.entity_id == asha.id, AuditEvent.action == "reassigned")
    ).one()
    assert entry.actor_user_id == coordinator.id
    assert entry.note == "Claimed by a former employee"
    assert entry.details["from_organisation_id"] == old_organisation
    assert (
        session.exec(select(SupplierInvitation).where(SupplierInvitation.supplier_id == asha.id))
        .one()
        .email
        == "director@asha.test"
    )
    assert session.exec(select(Notification).where(Notification.supplier_id == asha.id)).all()
    assert owner.get("/api/suppliers/me").status_code == 404


def test_reassigning_is_for_the_profiles_coordinator_and_needs_a_reason(
    session, make_client, coordinator, imported, mailer
):
    _claimed_by_code(make_client(), mailer)
    asha = imported["asha"]
    elsewhere = factories.make_user(
        session, kind="coordinator", cluster=factories.make_cluster(session)
    )
    session.commit()
    body = {"email": "director@asha.test", "reason": "Wrong claimant"}

    assert (
        make_client(elsewhere).post(f"/api/suppliers/{asha.id}/reassign", json=body).status_code
        == 404
    )
    no_reason = make_client(coordinator).post(
        f"/api/suppliers/{asha.id}/reassign", json={"email": "director@asha.test"}
    )
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]
    unclaimed = make_client(coordinator).post(
        f"/api/suppliers/{imported['bhavani'].id}/reassign", json=body
    )
    assert unclaimed.status_code == 409
