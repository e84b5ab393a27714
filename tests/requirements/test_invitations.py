"""Invitations and who sees which requirement: cluster-visible, invite-only, drafts."""

from sqlmodel import select

from suppliermatch.notifications.models import Notification
from tests import factories
from tests.requirements.helpers import SENTINEL_BUDGET, pass_deadline, quote_body


def _ids(client) -> set[int]:
    return {r["id"] for r in client.get("/api/requirements").get_json()}


def test_cluster_requirement_is_open_to_the_clusters_suppliers_only(session, make_client, cast):
    requirement = factories.make_requirement(session, anchor_user=cast["anchor_x"])
    session.commit()
    assert requirement.id in _ids(make_client(cast["msme_a"]))
    assert requirement.id not in _ids(make_client(cast["msme_b"]))
    assert make_client(cast["msme_b"]).get(f"/api/requirements/{requirement.id}").status_code == 404


def test_cluster_requirement_leaves_uninvolved_suppliers_at_the_deadline(
    session, make_client, cast
):
    requirement = factories.make_requirement(session, anchor_user=cast["anchor_x"])
    session.commit()
    supplier = make_client(cast["msme_a"])
    assert supplier.get(f"/api/requirements/{requirement.id}").status_code == 200
    pass_deadline(session, requirement)
    assert supplier.get(f"/api/requirements/{requirement.id}").status_code == 404
    assert requirement.id not in _ids(supplier)


def test_invite_only_requirement_is_seen_only_once_invited(session, make_client, cast):
    requirement = factories.make_requirement(
        session, anchor_user=cast["anchor_x"], visibility="invite_only"
    )
    session.commit()
    msme_a = make_client(cast["msme_a"])
    assert msme_a.get(f"/api/requirements/{requirement.id}").status_code == 404
    assert requirement.id not in _ids(msme_a)

    anchor = make_client(cast["anchor_x"])
    invited = anchor.post(
        f"/api/requirements/{requirement.id}/invitations",
        json={"supplier_ids": [cast["supplier_a"].id]},
    )
    assert invited.status_code == 201, invited.get_json()
    seen = msme_a.get(f"/api/requirements/{requirement.id}").get_json()
    assert seen["invited"] is True and seen["invitation_status"] == "invited"
    assert "budget_max_inr" not in seen and "quote_count" not in seen
    assert "invitation_count" not in seen


def test_drafts_are_seen_by_no_supplier_even_invited(session, make_client, cast):
    from suppliermatch.access import actor_for_user
    from suppliermatch.requirements.invitations import invite_suppliers

    draft = factories.make_requirement(session, anchor_user=cast["anchor_x"], publish=False)
    invite_suppliers(
        session,
        actor=actor_for_user(session, cast["anchor_x"]),
        requirement_id=draft.id,
        supplier_ids=[cast["supplier_a"].id],
    )
    session.commit()
    assert make_client(cast["msme_a"]).get(f"/api/requirements/{draft.id}").status_code == 404
    # Nobody is told about a draft; publishing announces it.
    assert not session.exec(select(Notification).where(Notification.kind == "invited")).all()
    make_client(cast["anchor_x"]).post(f"/api/requirements/{draft.id}/publish", json={})
    notice = session.exec(select(Notification).where(Notification.kind == "invited")).one()
    assert notice.user_id == cast["msme_a"].id
    assert notice.link == f"/requirements/{draft.id}"


def test_inviting_twice_changes_nothing_and_notifies_once(session, make_client, cast, rfq):
    anchor = make_client(cast["anchor_x"])
    again = anchor.post(
        f"/api/requirements/{rfq.id}/invitations", json={"supplier_ids": [cast["supplier_a"].id]}
    )
    assert again.status_code == 201
    listed = anchor.get(f"/api/requirements/{rfq.id}/invitations").get_json()
    assert sorted(i["supplier_name"] for i in listed) == [
        "Asha Precision Works",
        "Bhavani Graphite Products",
    ]
    invited_a = session.exec(
        select(Notification).where(
            Notification.kind == "invited", Notification.user_id == cast["msme_a"].id
        )
    ).all()
    assert len(invited_a) == 1


def test_unknown_supplier_cannot_be_invited(make_client, cast, rfq):
    response = make_client(cast["anchor_x"]).post(
        f"/api/requirements/{rfq.id}/invitations", json={"supplier_ids": [987654]}
    )
    assert response.status_code == 422
    assert "987654" in response.get_json()["message"]


def test_supplier_declines_with_a_reason_the_anchor_reads(session, make_client, cast, rfq):
    supplier = make_client(cast["msme_b"])
    assert supplier.post(f"/api/requirements/{rfq.id}/decline", json={}).status_code == 422
    declined = supplier.post(
        f"/api/requirements/{rfq.id}/decline", json={"reason": "Furnace booked until March"}
    )
    assert declined.status_code == 200
    assert declined.get_json()["status"] == "declined"
    listed = make_client(cast["anchor_x"]).get(f"/api/requirements/{rfq.id}/invitations")
    by_name = {i["supplier_name"]: i for i in listed.get_json()}
    assert by_name["Bhavani Graphite Products"]["decline_reason"] == "Furnace booked until March"
    # Having declined, it cannot quote.
    late = supplier.post(f"/api/requirements/{rfq.id}/quotes", json=quote_body(session, rfq, 1))
    assert late.status_code == 409


def test_uninvited_supplier_cannot_decline(session, make_client, cast):
    requirement = factories.make_requirement(session, anchor_user=cast["anchor_x"])
    session.commit()
    response = make_client(cast["msme_a"]).post(
        f"/api/requirements/{requirement.id}/decline", json={"reason": "Not for us"}
    )
    assert response.status_code == 404


def test_supplier_never_learns_who_else_was_invited(make_client, cast, rfq):
    supplier = make_client(cast["msme_a"])
    for path in (f"/api/requirements/{rfq.id}", f"/requirements/{rfq.id}", "/rfqs"):
        text = supplier.get(path).get_data(as_text=True)
        assert "Bhavani" not in text, path
        assert str(SENTINEL_BUDGET) not in text, path
    assert supplier.get(f"/api/requirements/{rfq.id}/invitations").status_code == 403
