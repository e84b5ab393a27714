"""Invitations to quote reach an unclaimed profile's contact e-mail with the claim link, and
the supplier's users once it is claimed."""

from sqlmodel import select

from suppliermatch.notifications.models import Notification
from tests import factories
from tests.onboarding.conftest import CLAIM_LINK, send_outbox

OWNER = {"full_name": "Asha Rath", "password": "graphite boats sinter slowly"}


def test_an_unclaimed_supplier_gets_the_invitation_to_quote_with_a_claim_link(
    app, session, make_client, cluster, coordinator, imported, smtp_server
):
    anchor = factories.make_user(session, kind="anchor", cluster=cluster)
    requirement = factories.make_requirement(session, anchor_user=anchor)
    session.commit()
    asha = imported["asha"]

    invited = make_client(anchor).post(
        f"/api/requirements/{requirement.id}/invitations", json={"supplier_ids": [asha.id]}
    )
    assert invited.status_code in (200, 201), invited.get_json()

    assert "E-mails sent: 1, failed: 0." in send_outbox(app)
    (message,) = smtp_server.to("accounts@asha.test")
    assert message["Subject"] == f"Invitation to quote: {requirement.title}"
    body = message.get_payload(decode=True).decode()
    assert "claim the profile" in body
    token = smtp_server.link("accounts@asha.test", CLAIM_LINK)
    coordinator_view = make_client(coordinator).get(f"/api/suppliers/{asha.id}/invitation")
    assert coordinator_view.get_json()["status"] == "invited"

    msme = make_client()
    claimed = msme.post(
        "/api/claims/invitation",
        json={"token": token, "email": "accounts@asha.test", **OWNER},
    )
    assert claimed.status_code == 201, claimed.get_json()
    inbox = msme.get("/api/notifications").get_json()
    assert [n["subject"] for n in inbox] == [f"Invitation to quote: {requirement.title}"]
    assert inbox[0]["link"] == f"/requirements/{requirement.id}"
    rfqs = msme.get("/rfqs").get_data(as_text=True)
    assert requirement.title in rfqs


def test_once_claimed_notices_go_to_the_suppliers_users_not_the_contact_email(
    app, session, make_client, cluster, imported, smtp_server
):
    from suppliermatch.onboarding import invitations

    asha = imported["asha"]
    path = invitations.claim_link(session, asha.id)
    session.commit()
    msme = make_client()
    msme.post(
        "/api/claims/invitation",
        json={"token": path.rsplit("/", 1)[1], "email": "owner@asha-mail.test", **OWNER},
    )
    anchor = factories.make_user(session, kind="anchor", cluster=cluster)
    requirement = factories.make_requirement(session, anchor_user=anchor)
    session.commit()

    make_client(anchor).post(
        f"/api/requirements/{requirement.id}/invitations", json={"supplier_ids": [asha.id]}
    )
    send_outbox(app)

    assert smtp_server.to("accounts@asha.test") == []
    assert len(smtp_server.to("owner@asha-mail.test")) == 1
    queued = session.exec(select(Notification).where(Notification.kind == "invited")).one()
    assert queued.user_id is not None and queued.supplier_id is None
