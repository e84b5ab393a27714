"""The anchor is told when sealed quotes come in (one notice per requirement while unread,
whatever the number of quotes) and when bidding closes, early or at the deadline."""

from sqlmodel import select

from suppliermatch.accounts.models import Organisation
from suppliermatch.notifications.models import Notification
from tests import factories
from tests.requirements.helpers import quote_body


def _notices(session, user, kind):
    session.expire_all()
    return session.exec(
        select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
    ).all()


def _second_quoting_supplier(session, cast, rfq, make_client):
    """Another MSME of cluster 1, invited, signed in."""
    from suppliermatch.access import actor_for_user
    from suppliermatch.requirements.invitations import invite_suppliers

    user = factories.make_user(session, kind="msme", cluster=cast["cluster_1"])
    supplier = factories.supplier_profile_for(session, user)
    invite_suppliers(
        session,
        actor=actor_for_user(session, cast["anchor_x"]),
        requirement_id=rfq.id,
        supplier_ids=[supplier.id],
    )
    session.commit()
    return make_client(user)


def test_quotes_received_are_one_unread_notice_kept_up_to_date(session, make_client, cast, rfq):
    first = make_client(cast["msme_a"])
    assert (
        first.post(
            f"/api/requirements/{rfq.id}/quotes", json=quote_body(session, rfq, 410)
        ).status_code
        == 201
    )
    [notice] = _notices(session, cast["anchor_x"], "quote_received")
    assert notice.subject == f"Quotes received: {rfq.title}"
    assert notice.body.startswith(f'1 quote received so far for "{rfq.title}", sealed until')
    assert notice.link == f"/requirements/{rfq.id}"

    second = _second_quoting_supplier(session, cast, rfq, make_client)
    assert (
        second.post(
            f"/api/requirements/{rfq.id}/quotes", json=quote_body(session, rfq, 395)
        ).status_code
        == 201
    )
    [notice] = _notices(session, cast["anchor_x"], "quote_received")
    assert notice.body.startswith("2 quotes received so far")
    # Sealed: no supplier's name and no price in what the anchor is told.
    for secret in (cast["supplier_a"].legal_name, "410", "395"):
        assert secret not in notice.body and secret not in notice.subject
    # Nobody else hears of it: not the other anchor, not the suppliers.
    for other in ("anchor_y", "msme_a", "msme_b"):
        assert _notices(session, cast[other], "quote_received") == []


def test_a_quote_after_the_notice_was_read_is_a_new_notice(session, make_client, cast, rfq):
    anchor = make_client(cast["anchor_x"])
    make_client(cast["msme_a"]).post(
        f"/api/requirements/{rfq.id}/quotes", json=quote_body(session, rfq, 410)
    )
    [notice] = _notices(session, cast["anchor_x"], "quote_received")
    assert anchor.post(f"/api/notifications/{notice.id}/read").status_code == 200
    second = _second_quoting_supplier(session, cast, rfq, make_client)
    second.post(f"/api/requirements/{rfq.id}/quotes", json=quote_body(session, rfq, 395))
    notices = _notices(session, cast["anchor_x"], "quote_received")
    assert sorted(n.body[:20] for n in notices) == [
        "1 quote received so ",
        "2 quotes received so",
    ]


def test_closing_early_tells_the_anchors_other_users_not_the_one_who_closed(
    session, make_client, cast, rfq
):
    firm = session.get(Organisation, cast["anchor_x"].organisation_id)
    colleague = factories.make_user(session, kind="anchor", organisation=firm)
    make_client(cast["msme_a"]).post(
        f"/api/requirements/{rfq.id}/quotes", json=quote_body(session, rfq, 410)
    )
    closed = make_client(cast["anchor_x"]).post(f"/api/requirements/{rfq.id}/close", json={})
    assert closed.status_code == 200
    [told] = _notices(session, colleague, "quotes_ready")
    assert told.subject == f"Bidding closed: {rfq.title}"
    assert told.body == (
        f'Bidding on "{rfq.title}" was closed before the deadline. 1 quote can now be compared.'
    )
    assert _notices(session, cast["anchor_x"], "quotes_ready") == []
    assert _notices(session, cast["msme_a"], "quotes_ready") == []
    # "Sealed until bidding ends" is over for everyone at the firm: no longer unread.
    for user in (colleague, cast["anchor_x"]):
        [received] = _notices(session, user, "quote_received")
        assert received.read_at is not None
