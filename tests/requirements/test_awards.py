"""Awarding (whole or split), telling the others, rating delivered work, and the scorecard."""

from datetime import timedelta

import pytest
from sqlmodel import select

from suppliermatch.dates import today_in_india
from suppliermatch.models_base import utcnow
from suppliermatch.notifications.models import Notification
from suppliermatch.requirements.models import Invitation, Quote
from suppliermatch.requirements.scorecard import supplier_scorecard
from tests.requirements.helpers import pass_deadline, quote_body


@pytest.fixture
def closed_with_two_quotes(session, make_client, cast, rfq):
    for user, price in (("msme_a", 100), ("msme_b", 120)):
        response = make_client(cast[user]).post(
            f"/api/requirements/{rfq.id}/quotes", json=quote_body(session, rfq, price)
        )
        assert response.status_code == 201
    pass_deadline(session, rfq)
    return rfq


def _award(client, requirement_id, allocations):
    return client.post(
        f"/api/requirements/{requirement_id}/award", json={"allocations": allocations}
    )


def test_split_award_tells_winners_their_share(session, make_client, cast, closed_with_two_quotes):
    rfq = closed_with_two_quotes
    anchor = make_client(cast["anchor_x"])
    response = _award(
        anchor,
        rfq.id,
        [
            {"supplier_id": cast["supplier_a"].id, "quantity_per_month": 250},
            {"supplier_id": cast["supplier_b"].id, "quantity_per_month": 150},
        ],
    )
    assert response.status_code == 201, response.get_json()
    shares = {a["supplier_name"]: a["quantity_per_month"] for a in response.get_json()}
    assert shares == {"Asha Precision Works": 250, "Bhavani Graphite Products": 150}
    assert anchor.get(f"/api/requirements/{rfq.id}").get_json()["status"] == "awarded"
    awarded = session.exec(select(Notification).where(Notification.kind == "awarded")).all()
    assert {n.user_id for n in awarded} == {cast["msme_a"].id, cast["msme_b"].id}
    assert any("250 per month" in n.body for n in awarded)


def test_losing_quoters_are_told_and_see_the_outcome(
    session, make_client, cast, closed_with_two_quotes
):
    rfq = closed_with_two_quotes
    _award(make_client(cast["anchor_x"]), rfq.id, [{"supplier_id": cast["supplier_a"].id}])
    lost = session.exec(select(Notification).where(Notification.kind == "not_awarded")).one()
    assert lost.user_id == cast["msme_b"].id
    assert "Asha" not in lost.body
    mine = make_client(cast["msme_b"]).get(f"/api/requirements/{rfq.id}/quotes/mine").get_json()
    assert mine["status"] == "not_awarded"
    # The single winner gets the whole monthly quantity.
    awards = make_client(cast["anchor_x"]).get(f"/api/requirements/{rfq.id}/awards").get_json()
    assert [a["quantity_per_month"] for a in awards] == [400]


def test_award_refuses_over_allocation_and_non_quoters(
    session, make_client, cast, closed_with_two_quotes
):
    rfq = closed_with_two_quotes
    anchor = make_client(cast["anchor_x"])
    too_much = _award(
        anchor,
        rfq.id,
        [
            {"supplier_id": cast["supplier_a"].id, "quantity_per_month": 300},
            {"supplier_id": cast["supplier_b"].id, "quantity_per_month": 300},
        ],
    )
    assert too_much.status_code == 422 and "600" in too_much.get_json()["message"]
    stranger = _award(anchor, rfq.id, [{"supplier_id": 424242}])
    assert stranger.status_code == 422
    unsplit = _award(
        anchor,
        rfq.id,
        [{"supplier_id": cast["supplier_a"].id}, {"supplier_id": cast["supplier_b"].id}],
    )
    assert unsplit.status_code == 422
    assert anchor.get(f"/api/requirements/{rfq.id}").get_json()["status"] == "closed"


def test_award_happens_once(make_client, cast, closed_with_two_quotes):
    anchor = make_client(cast["anchor_x"])
    rfq = closed_with_two_quotes
    assert _award(anchor, rfq.id, [{"supplier_id": cast["supplier_a"].id}]).status_code == 201
    assert _award(anchor, rfq.id, [{"supplier_id": cast["supplier_b"].id}]).status_code == 409


def test_rating_after_delivery_feeds_the_scorecard(
    session, make_client, cast, closed_with_two_quotes
):
    rfq = closed_with_two_quotes
    anchor = make_client(cast["anchor_x"])
    award_id = _award(anchor, rfq.id, [{"supplier_id": cast["supplier_a"].id}]).get_json()[0]["id"]
    url = f"/api/requirements/{rfq.id}/awards/{award_id}/rating"
    tomorrow = (utcnow() + timedelta(days=2)).date().isoformat()
    early = anchor.post(
        url, json={"quality": 5, "on_time": 4, "communication": 5, "delivered_on": tomorrow}
    )
    assert early.status_code == 422 and "delivered_on" in early.get_json()["errors"]
    out_of_range = anchor.post(
        url, json={"quality": 6, "on_time": 0, "communication": 5, "delivered_on": tomorrow}
    )
    assert set(out_of_range.get_json()["errors"]) >= {"quality", "on_time"}

    today = today_in_india().isoformat()  # the award's day: in India, not in UTC
    rated = anchor.post(
        url,
        json={
            "quality": 5,
            "on_time": 4,
            "communication": 3,
            "comment": "Good boats",
            "delivered_on": today,
        },
    )
    assert rated.status_code == 201, rated.get_json()
    assert (
        anchor.post(
            url, json={"quality": 1, "on_time": 1, "communication": 1, "delivered_on": today}
        ).status_code
        == 409
    )

    card = anchor.get(f"/api/suppliers/{cast['supplier_a'].id}/scorecard").get_json()
    assert card["ratings_count"] == 1
    assert card["average_quality"] == 5 and card["average_rating"] == 4
    assert card["invitations"] == 1 and card["invitations_quoted"] == 1
    assert card["quotes_submitted"] == 1 and card["awards"] == 1
    assert 0 <= card["score"] <= 1


def test_scorecard_rewards_good_ratings_and_quick_answers(session, make_client, cast, rfq):
    # An invitation still open is no history yet: the supplier is unknown, not bad.
    blank = supplier_scorecard(session, cast["supplier_a"].id)
    assert blank.score is None and blank.invitations_pending == 1

    make_client(cast["msme_a"]).post(
        f"/api/requirements/{rfq.id}/quotes", json=quote_body(session, rfq, 100)
    )
    pass_deadline(session, rfq)
    # MSME A answered its invitation (fast); MSME B let the deadline pass.
    quick = supplier_scorecard(session, cast["supplier_a"].id)
    silent = supplier_scorecard(session, cast["supplier_b"].id)
    assert quick.response_rate == 1 and silent.response_rate == 0
    assert quick.score > 0.5 > silent.score
    assert quick.median_response_hours is not None and quick.median_response_hours < 1


def test_median_response_time_counts_from_invitation_to_quote(session, make_client, cast, rfq):
    make_client(cast["msme_a"]).post(
        f"/api/requirements/{rfq.id}/quotes", json=quote_body(session, rfq, 100)
    )
    invitation = session.exec(
        select(Invitation).where(Invitation.supplier_id == cast["supplier_a"].id)
    ).one()
    quote = session.exec(select(Quote).where(Quote.supplier_id == cast["supplier_a"].id)).one()
    invitation.created_at = quote.created_at - timedelta(hours=30)
    session.commit()
    assert supplier_scorecard(session, cast["supplier_a"].id).median_response_hours == 30


def test_scorecard_is_for_buyers_and_coordinators(make_client, cast):
    supplier_id = cast["supplier_a"].id
    for user, status in [
        ("anchor_x", 200),
        ("anchor_y", 200),
        ("coordinator_1", 200),
        ("coordinator_2", 200),
        ("admin", 200),
        ("msme_a", 403),
        ("msme_b", 403),
    ]:
        client = make_client(cast[user])
        assert client.get(f"/api/suppliers/{supplier_id}/scorecard").status_code == status, user
        assert client.get(f"/suppliers/{supplier_id}/scorecard").status_code == status, user


def test_unlisted_supplier_scorecard_is_only_for_its_cluster(session, make_client, cast):
    cast["supplier_a"].is_public = False
    session.commit()
    supplier_id = cast["supplier_a"].id
    assert (
        make_client(cast["coordinator_1"])
        .get(f"/api/suppliers/{supplier_id}/scorecard")
        .status_code
        == 200
    )
    for user in ("coordinator_2", "anchor_x"):
        response = make_client(cast[user]).get(f"/api/suppliers/{supplier_id}/scorecard")
        assert response.status_code == 404, user
