"""Sealed quotes: a supplier's prices reach nobody else while bidding is open, and never a
competing supplier. Every GET route of the app is walked as the competitor and scanned
for the sentinel price and budget (issue 8)."""

import re

import pytest
from sqlmodel import select

from suppliermatch.requirements.models import Award
from tests.requirements.helpers import SENTINEL_BUDGET, SENTINEL_PRICE, pass_deadline, quote_body


def _spellings(amount: float) -> list[str]:
    """The ways a page or a file could write the amount: plain, Western and Indian commas."""
    whole, _, paise = f"{amount:.2f}".partition(".")
    western = f"{int(whole):,}"
    head, tail = whole[:-3], whole[-3:]
    indian_groups = re.findall(r"\d{1,2}(?=(?:\d{2})*$)", head)
    indian = ",".join([*indian_groups, tail])
    forms = {whole, western, indian, f"{amount:g}"}
    if paise != "00":
        forms |= {f"{whole}.{paise}", f"{western}.{paise}", f"{indian}.{paise}"}
    return sorted(forms, key=len, reverse=True)


SECRETS = _spellings(SENTINEL_PRICE) + _spellings(SENTINEL_BUDGET)


def _fill(rule, ids: dict) -> str | None:
    path = rule.rule
    for name in rule.arguments:
        if name not in ids:
            return None
        path = path.replace(f"<int:{name}>", str(ids[name])).replace(f"<{name}>", str(ids[name]))
    return path


def every_get_response(app, client, ids: dict):
    """(path, status, body text) for every GET route whose parameters we can fill."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if rule.rule.startswith("/api/docs"):
            continue
        path = _fill(rule, ids)
        if path is None:
            continue
        response = client.get(path)
        yield path, response.status_code, response.get_data(as_text=True)


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


@pytest.fixture
def competitor_quoted(session, make_client, cast, rfq):
    """MSME B quotes the sentinel price; MSME A quotes an ordinary one."""
    b = make_client(cast["msme_b"])
    sealed = b.post(
        f"/api/requirements/{rfq.id}/quotes", json=quote_body(session, rfq, SENTINEL_PRICE)
    )
    assert sealed.status_code == 201, sealed.get_json()
    a = make_client(cast["msme_a"])
    assert (
        a.post(f"/api/requirements/{rfq.id}/quotes", json=quote_body(session, rfq, 120)).status_code
        == 201
    )
    return a


def _ids(cast, rfq, **extra):
    return {
        "requirement_id": rfq.id,
        "supplier_id": cast["supplier_b"].id,
        "notification_id": 1,
        "page": 1,
        **extra,
    }


def test_the_sentinel_spellings_are_what_pages_print():
    # The scan is only as good as its spellings: 987654.32 in Indian grouping is 9,87,654.32.
    assert "9,87,654.32" in SECRETS and "987,654.32" in SECRETS and "8,64,20,975" in SECRETS


def test_quoting_supplier_sees_its_own_price(make_client, cast, rfq, competitor_quoted):
    own = make_client(cast["msme_b"]).get(f"/api/requirements/{rfq.id}/quotes/mine")
    assert own.status_code == 200
    assert own.get_json()["lines"][0]["unit_price_inr"] == SENTINEL_PRICE


def test_competitor_finds_no_price_or_budget_anywhere_while_bidding_is_open(
    app, cast, rfq, competitor_quoted
):
    scanned = 0
    for path, status, text in every_get_response(app, competitor_quoted, _ids(cast, rfq)):
        assert not _leaks(text), (path, status)
        scanned += 1
    assert scanned > 10


def test_competitor_finds_nothing_after_the_deadline_or_the_award(
    app, session, make_client, cast, rfq, competitor_quoted
):
    pass_deadline(session, rfq)
    anchor = make_client(cast["anchor_x"])
    awarded = anchor.post(
        f"/api/requirements/{rfq.id}/award",
        json={"allocations": [{"supplier_id": cast["supplier_b"].id}]},
    )
    assert awarded.status_code == 201, awarded.get_json()
    award_id = session.exec(select(Award).where(Award.requirement_id == rfq.id)).one().id
    ids = _ids(cast, rfq, award_id=award_id)
    for path, status, text in every_get_response(app, competitor_quoted, ids):
        assert not _leaks(text), (path, status)
        # Nor who else quoted or was invited (the public supplier directory names everyone).
        if "requirement" in path or "notification" in path or path == "/rfqs":
            assert cast["supplier_b"].legal_name not in text, path


def test_competitor_is_refused_the_quote_routes(make_client, cast, rfq, competitor_quoted):
    for path in (
        f"/api/requirements/{rfq.id}/quotes",
        f"/api/requirements/{rfq.id}/invitations",
        f"/requirements/{rfq.id}/comparison",
        f"/requirements/{rfq.id}/comparison.csv",
    ):
        assert competitor_quoted.get(path).status_code == 403, path


def test_anchor_sees_only_a_count_before_the_deadline(
    app, make_client, cast, rfq, competitor_quoted
):
    anchor = make_client(cast["anchor_x"])
    comparison = anchor.get(f"/api/requirements/{rfq.id}/quotes").get_json()
    assert comparison["sealed"] is True
    assert comparison["quote_count"] == 2
    assert comparison["quotes"] == []
    price_spellings = _spellings(SENTINEL_PRICE)
    for path, status, text in every_get_response(app, anchor, _ids(cast, rfq)):
        assert not [s for s in price_spellings if s in text], (path, status)


def test_anchor_sees_quotes_side_by_side_after_the_deadline(
    session, make_client, cast, rfq, competitor_quoted
):
    pass_deadline(session, rfq)
    anchor = make_client(cast["anchor_x"])
    comparison = anchor.get(f"/api/requirements/{rfq.id}/quotes").get_json()
    assert comparison["sealed"] is False
    totals = [q["total_inr"] for q in comparison["quotes"]]
    assert totals == sorted(totals)
    assert comparison["quotes"][-1]["lines"][0]["unit_price_inr"] == SENTINEL_PRICE

    page = anchor.get(f"/requirements/{rfq.id}/comparison")
    assert page.status_code == 200 and "9,87,654.32" in page.get_data(as_text=True)
    download = anchor.get(f"/requirements/{rfq.id}/comparison.csv")
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in download.headers["Content-Disposition"]
    assert "987654.32" in download.get_data(as_text=True)
    assert download.headers["Cache-Control"] == "no-store"


def test_another_anchor_and_other_cluster_coordinator_get_404(make_client, cast, rfq):
    for user in ("anchor_y", "coordinator_2"):
        client = make_client(cast[user])
        for path in (f"/api/requirements/{rfq.id}", f"/requirements/{rfq.id}"):
            assert client.get(path).status_code == 404, (user, path)
        listed = client.get("/api/requirements").get_json()
        assert rfq.id not in [r["id"] for r in listed]


def test_cluster_coordinator_sees_budget_but_never_prices(
    app, session, make_client, cast, rfq, competitor_quoted
):
    coordinator = make_client(cast["coordinator_1"])
    body = coordinator.get(f"/api/requirements/{rfq.id}").get_json()
    assert body["budget_max_inr"] == SENTINEL_BUDGET
    pass_deadline(session, rfq)
    assert coordinator.get(f"/api/requirements/{rfq.id}/quotes").status_code == 403
    price_spellings = _spellings(SENTINEL_PRICE)
    for path, status, text in every_get_response(app, coordinator, _ids(cast, rfq)):
        assert not [s for s in price_spellings if s in text], (path, status)


def test_a_quote_opens_to_no_one_when_cancelled_during_bidding(
    session, make_client, cast, rfq, competitor_quoted
):
    anchor = make_client(cast["anchor_x"])
    assert (
        anchor.post(f"/api/requirements/{rfq.id}/cancel", json={"reason": "Rethink"}).status_code
        == 200
    )
    pass_deadline(session, rfq)
    comparison = anchor.get(f"/api/requirements/{rfq.id}/quotes").get_json()
    assert comparison["sealed"] is True and comparison["quotes"] == []
