"""Submitting and revising quotes: one live quote each, editable until the deadline, and
safe to retry with an Idempotency-Key."""

from sqlmodel import func, select

from suppliermatch.idempotency import IdempotencyRecord
from suppliermatch.requirements.models import Invitation, Quote
from tests.requirements.helpers import pass_deadline, quote_body


def _count_quotes(session, requirement_id) -> int:
    return session.exec(
        select(func.count()).select_from(Quote).where(Quote.requirement_id == requirement_id)
    ).one()


def test_retry_with_the_same_key_returns_the_first_answer_and_creates_nothing(
    session, make_client, cast, rfq
):
    supplier = make_client(cast["msme_a"])
    body = quote_body(session, rfq, 410.5)
    headers = {"Idempotency-Key": "5c0c7f7e-quote-1"}
    first = supplier.post(f"/api/requirements/{rfq.id}/quotes", json=body, headers=headers)
    assert first.status_code == 201, first.get_json()
    retry = supplier.post(f"/api/requirements/{rfq.id}/quotes", json=body, headers=headers)
    assert retry.status_code == 201
    assert retry.get_json() == first.get_json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert _count_quotes(session, rfq.id) == 1


def test_same_key_with_another_body_is_refused_clearly(session, make_client, cast, rfq):
    supplier = make_client(cast["msme_a"])
    headers = {"Idempotency-Key": "key-reused"}
    supplier.post(
        f"/api/requirements/{rfq.id}/quotes", json=quote_body(session, rfq, 100), headers=headers
    )
    other = supplier.post(
        f"/api/requirements/{rfq.id}/quotes", json=quote_body(session, rfq, 90), headers=headers
    )
    assert other.status_code == 422
    assert "already used for a different request" in other.get_json()["message"]
    assert "Idempotency-Key" in other.get_json()["errors"]
    mine = supplier.get(f"/api/requirements/{rfq.id}/quotes/mine").get_json()
    assert mine["lines"][0]["unit_price_inr"] == 100


def test_a_key_belongs_to_its_user(session, make_client, cast, rfq):
    headers = {"Idempotency-Key": "shared-looking-key"}
    a = make_client(cast["msme_a"]).post(
        f"/api/requirements/{rfq.id}/quotes", json=quote_body(session, rfq, 100), headers=headers
    )
    b = make_client(cast["msme_b"]).post(
        f"/api/requirements/{rfq.id}/quotes", json=quote_body(session, rfq, 100), headers=headers
    )
    assert a.status_code == b.status_code == 201
    assert a.get_json()["supplier_id"] != b.get_json()["supplier_id"]
    assert _count_quotes(session, rfq.id) == 2


def test_malformed_key_is_refused(session, make_client, cast, rfq):
    response = make_client(cast["msme_a"]).post(
        f"/api/requirements/{rfq.id}/quotes",
        json=quote_body(session, rfq, 100),
        headers={"Idempotency-Key": "x" * 101},
    )
    assert response.status_code == 422
    assert _count_quotes(session, rfq.id) == 0


def test_failed_attempt_is_not_remembered(session, make_client, cast, rfq):
    supplier = make_client(cast["msme_a"])
    headers = {"Idempotency-Key": "try-again"}
    bad = quote_body(session, rfq, 100)
    bad["lines"] = bad["lines"][:1]
    assert (
        supplier.post(f"/api/requirements/{rfq.id}/quotes", json=bad, headers=headers).status_code
        == 422
    )
    assert session.exec(select(IdempotencyRecord)).all() == []


def test_second_quote_without_key_is_a_conflict(session, make_client, cast, rfq):
    supplier = make_client(cast["msme_a"])
    url = f"/api/requirements/{rfq.id}/quotes"
    assert supplier.post(url, json=quote_body(session, rfq, 100)).status_code == 201
    again = supplier.post(url, json=quote_body(session, rfq, 95))
    assert again.status_code == 409
    assert "edit your quote" in again.get_json()["message"]


def test_every_line_needs_one_positive_price(session, make_client, cast, rfq):
    supplier = make_client(cast["msme_a"])
    url = f"/api/requirements/{rfq.id}/quotes"
    body = quote_body(session, rfq, 100)
    missing = {**body, "lines": body["lines"][:1]}
    assert supplier.post(url, json=missing).status_code == 422
    doubled = {**body, "lines": [*body["lines"], body["lines"][0]]}
    assert supplier.post(url, json=doubled).status_code == 422
    foreign = {**body, "lines": [{"line_item_id": 999999, "unit_price_inr": 1}, *body["lines"]]}
    assert supplier.post(url, json=foreign).status_code == 422
    negative = quote_body(session, rfq, -5)
    assert "lines" in supplier.post(url, json=negative).get_json()["errors"]
    short_lived = quote_body(session, rfq, 100, valid_until="2026-01-01")
    assert "valid_until" in supplier.post(url, json=short_lived).get_json()["errors"]
    assert _count_quotes(session, rfq.id) == 0


def test_quote_can_be_revised_until_the_deadline_then_not(session, make_client, cast, rfq):
    supplier = make_client(cast["msme_a"])
    created = supplier.post(
        f"/api/requirements/{rfq.id}/quotes", json=quote_body(session, rfq, 100)
    ).get_json()
    revised = supplier.put(
        f"/api/requirements/{rfq.id}/quotes/mine",
        json={**quote_body(session, rfq, 92.5), "version": created["version"]},
    )
    assert revised.status_code == 200, revised.get_json()
    assert revised.get_json()["lines"][0]["unit_price_inr"] == 92.5
    stale = supplier.put(
        f"/api/requirements/{rfq.id}/quotes/mine",
        json={**quote_body(session, rfq, 80), "version": created["version"]},
    )
    assert stale.status_code == 409

    pass_deadline(session, rfq)
    late = supplier.put(
        f"/api/requirements/{rfq.id}/quotes/mine",
        json={**quote_body(session, rfq, 70), "version": revised.get_json()["version"]},
    )
    assert late.status_code == 409
    assert "no longer accepted" in late.get_json()["message"]
    assert (
        supplier.get(f"/api/requirements/{rfq.id}/quotes/mine").get_json()["lines"][0][
            "unit_price_inr"
        ]
        == 92.5
    )


def test_late_quote_is_refused(session, make_client, cast, rfq):
    pass_deadline(session, rfq)
    late = make_client(cast["msme_a"]).post(
        f"/api/requirements/{rfq.id}/quotes", json=quote_body(session, rfq, 100)
    )
    assert late.status_code == 409


def test_first_quote_answers_the_invitation(session, make_client, cast, rfq):
    make_client(cast["msme_a"]).post(
        f"/api/requirements/{rfq.id}/quotes", json=quote_body(session, rfq, 100)
    )
    session.expire_all()
    invitation = session.exec(
        select(Invitation).where(Invitation.supplier_id == cast["supplier_a"].id)
    ).one()
    assert invitation.status == "quoted" and invitation.responded_at is not None


def test_msme_without_a_profile_cannot_quote(session, make_client, cast, rfq):
    from suppliermatch.accounts.models import OrganisationKind
    from suppliermatch.accounts.service import create_user
    from tests import factories

    # Signed up, profile not written yet (no Supplier row for the organisation).
    organisation = factories.make_organisation(
        session, kind=OrganisationKind.MSME, cluster=cast["cluster_1"]
    )
    newcomer = create_user(
        session,
        email="newcomer@example.test",
        password=factories.PASSWORD,
        full_name="Newcomer",
        organisation=organisation,
    )
    session.commit()
    client = make_client(newcomer)
    # It can read the cluster's open requirement ...
    assert client.get(f"/api/requirements/{rfq.id}").status_code == 200
    # ... but needs a supplier profile to quote.
    response = client.post(f"/api/requirements/{rfq.id}/quotes", json=quote_body(session, rfq, 1))
    assert response.status_code == 403
    assert "supplier profile" in response.get_json()["message"]


def test_a_late_quote_is_refused_in_the_suppliers_language_with_the_same_code(
    session, make_client, cast, rfq
):
    pass_deadline(session, rfq)
    supplier = make_client(cast["msme_a"])
    url, body = f"/api/requirements/{rfq.id}/quotes", quote_body(session, rfq, 100)
    english = supplier.post(url, json=body)
    telugu = supplier.post(url, json=body, headers={"Accept-Language": "te"})
    assert english.status_code == telugu.status_code == 409
    assert english.get_json()["message"] == (
        "This requirement is closed: quotes are no longer accepted or changed."
    )
    assert telugu.get_json()["message"] == ("ఈ అవసరం మూసివేయబడింది: ఇకపై కొటేషన్లు స్వీకరించబడవు, మార్చబడవు.")
