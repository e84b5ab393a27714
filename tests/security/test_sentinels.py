"""Sentinel quote prices, budgets and supplier identities reach only those entitled to them.

MSME A quotes the sentinel unit price on every requirement of anchor X (open, bidding
ended, awarded); every requirement of X carries the sentinel budget. MSME B (another
cluster) and MSME C (A's own cluster) are invited to the same requirements and quote too.
Every GET route of the app, with every object of the scenario in its URL, is requested as
each role and the body scanned for the sentinels in the ways a page, a file or JSON could
write them, and for the line and quote totals they make.

Supplier A's identifiers, contacts and money (GSTIN, PAN, Udyam number, phone, e-mail,
contact, address, turnover, investment) are sentinels too.

Who may see what (docs/DOMAIN): a quote's prices are for its supplier, the buyer (once
bidding has ended) and admins, never a competitor, another anchor or a coordinator; a
budget is for the anchor's own users, its cluster coordinator and admins, never a supplier;
a supplier's identity is for itself, its cluster's vetted anchors and coordinator and
admins, never an anchor the coordinator has not approved.
"""

import itertools
import re
from collections.abc import Iterator

import pytest

from suppliermatch.extensions import db
from suppliermatch.formats import LAKH_CRORE_WORDS
from suppliermatch.requirements.service import line_items
from tests.security.clients import signed_in_client, undone_afterwards
from tests.security.inventory import PUBLIC, ROUTES
from tests.security.scenario import (
    IDENTITY_A,
    INVESTMENT_A_INR,
    PAN_A,
    SEALED_PRICE_INR,
    SENTINEL_BUDGET,
    SENTINEL_INVOICE_INR,
    SENTINEL_PO_VALUE_INR,
    SENTINEL_PRICE_INR,
    TURNOVER_A_INR,
    build_scenario,
)

# The roles that may read A's prices once bidding has ended, and those that may read X's
# budget. While bidding is open, A's prices are A's alone.
MAY_SEE_PRICE = {"msme_a", "anchor_x", "admin"}
MAY_SEE_BUDGET = {"anchor_x", "coordinator_1", "admin"}
MAY_SEE_IDENTITY_A = {"msme_a", "anchor_x", "coordinator_1", "admin"}
# A purchase order's value and its invoices: the buyer and the supplier (and admins).
MAY_SEE_PAYMENTS = {"msme_a", "anchor_x", "admin"}
SCANNED_ROLES = (
    "anonymous",
    "msme_a",
    "msme_b",
    "msme_c",
    "anchor_x",
    "anchor_y",
    "coordinator_1",
    "coordinator_2",
    "admin",
    "unvetted_anchor",
)
# Endpoints whose parameters are file names, not objects: nothing of the scenario there.
NOT_WALKED = {"static", "home.swagger_assets"}


def spellings(amount: float) -> set[str]:
    """How a page, a CSV file or JSON could write the amount.

    Plain, Western and Indian digit grouping, with and without paise, in paise as an
    integer, in crore and lakh with two decimals (as people write them, in each page language),
    and with the rupee sign before the digits (formats.inr, formats.inr_in_words).
    """
    whole, _, paise = f"{amount:.2f}".partition(".")
    western = f"{int(whole):,}"
    head, tail = whole[:-3], whole[-3:]
    indian = ",".join([*re.findall(r"\d{1,2}(?=(?:\d{2})*$)", head), tail]) if head else tail
    forms = {f"{whole}.{paise}", f"{western}.{paise}", f"{indian}.{paise}", repr(amount)}
    if paise == "00":
        forms |= {whole, western, indian}
    else:
        forms.add(f"{whole}{paise}")  # paise as an integer
    if amount >= 10**5:
        forms |= {f"{amount / 10**7:.2f} crore", f"{amount / 10**7:.2f} cr"}
        forms |= {f"{amount / 10**5:.2f} lakh", f"{amount / 10**5:.2f} L"}
        # As each language of the pages writes lakh and crore (formats.inr_in_words).
        for lakh, crore in LAKH_CRORE_WORDS.values():
            forms |= {f"{amount / 10**7:.2f} {crore}", f"{amount / 10**5:.2f} {lakh}"}
    # The rupee sign before the digits, as formats.inr writes every amount.
    forms |= {f"₹{form}" for form in list(forms) if form[:1].isdigit()}
    return {form for form in forms if len(form) >= 6}


def price_sentinels(price: float, requirement_id: int) -> set[str]:
    """The unit price, and the line and quote totals it makes on the requirement."""
    totals = [round(price * item.quantity, 2) for item in line_items(db.session, requirement_id)]
    amounts = {price, *totals, round(sum(totals), 2)}
    return set().union(*(spellings(amount) for amount in amounts))


def budget_sentinels() -> set[str]:
    return spellings(SENTINEL_BUDGET) | spellings(SENTINEL_BUDGET - 250_000)


def identity_sentinels() -> set[str]:
    """A's private fields as stored, its phone's national digits however a page groups the
    rest, and its money in the spellings a page could use."""
    national_phone = IDENTITY_A["phone"].removeprefix("+91")
    fields = {*IDENTITY_A.values(), PAN_A, national_phone}
    return fields | spellings(TURNOVER_A_INR) | spellings(INVESTMENT_A_INR)


def payment_sentinels() -> set[str]:
    return spellings(SENTINEL_PO_VALUE_INR) | spellings(SENTINEL_INVOICE_INR)


def candidate_values(scenario) -> dict[str, list[int]]:
    """For each URL parameter, the scenario's objects it can name."""
    ids = scenario.ids
    return {
        "requirement_id": [ids[k] for k in ("rfq_open", "rfq_ended", "rfq_awarded", "rfq_draft")],
        "award_id": [ids["award"]],
        "purchase_order_id": [ids["purchase_order"]],
        "qualification_id": [ids["qualification"], ids["qualification_approved"]],
        "element_id": [ids["qual_element"]],
        "supplier_id": [ids["supplier_a"], ids["supplier_b"], ids["supplier_c"]],
        "certificate_id": [ids["certificate_a"], ids["plan_a"], ids["certificate_b"]],
        "evidence_id": [ids["evidence_a"], ids["evidence_b"]],
        "drawing_id": [ids["drawing_open"]],
        "child_id": [ids["capability_a"], ids["equipment_a"]],
        "cluster_id": [ids["cluster_1"], ids["cluster_2"]],
        "import_id": [ids["import_1"]],
        "candidate_id": [ids["duplicate_1"]],
        "notification_id": [ids["notification_a"]],
        "token_id": [ids["token_a"]],
        "job_id": [ids["job_1"]],
        # Password reset and e-mail verification links: the pages show no one's data.
        "token": ["not-a-live-token"],
        "name": dashboard_tables(),
    }


def dashboard_tables() -> list[str]:
    """The cluster dashboard's CSV downloads, /dashboard/<name>.csv."""
    try:
        from suppliermatch.reports.exports import DASHBOARD_TABLES
    except ImportError:  # the reports feature is not there: neither is the route
        return []
    return sorted(DASHBOARD_TABLES)


def every_get_url(app, scenario) -> Iterator[str]:
    """Each GET route with each object it can name, plus the table's own GET requests."""
    values = candidate_values(scenario)
    seen = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_WALKED:
            continue
        names = sorted(rule.arguments)
        if any(name not in values for name in names):
            raise AssertionError(f"no scenario objects for {rule.rule}: add them above")
        for combination in itertools.product(*(values[name] for name in names)):
            url = rule.rule
            for name, value in zip(names, combination, strict=True):
                url = re.sub(rf"<(?:\w+:)?{name}>", str(value), url)
            seen.add(url)
    for route in ROUTES:
        if route.method == "GET":
            seen.add(route.path.format(**scenario.ids))
    for path in PUBLIC.values():
        if path is not None and not path.startswith(("/static", "/api/docs/assets")):
            seen.add(path.format(**scenario.ids))
    for status in ("published", "closed", "awarded"):
        seen.add(f"/api/requirements?status={status}&per_page=100")
    return iter(sorted(seen))


@pytest.fixture
def contested(session):
    return build_scenario(session, rivals_quote=True)


def _leaks(text: str, sentinels: set[str]) -> list[str]:
    return sorted(sentinel for sentinel in sentinels if sentinel in text)


def _scan(app, scenario, role: str, sentinels: set[str]) -> tuple[list[str], int]:
    client = app.test_client() if role == "anonymous" else signed_in_client(app, scenario, role)
    leaks, scanned = [], 0
    for url in every_get_url(app, scenario):
        with undone_afterwards():
            response = client.get(url)
            text = response.get_data().decode(errors="replace")
            response.close()
        scanned += 1
        found = _leaks(text, sentinels)
        if found:
            leaks.append(f"{url} (HTTP {response.status_code}): {found}")
    return leaks, scanned


@pytest.mark.parametrize("role", SCANNED_ROLES)
def test_no_response_shows_a_role_the_prices_budget_or_identity_it_may_not_see(
    app, contested, role
):
    ids = contested.ids
    forbidden = set()
    if role != "msme_a":
        forbidden |= price_sentinels(SEALED_PRICE_INR, ids["rfq_open"])
    if role not in MAY_SEE_PRICE:
        forbidden |= price_sentinels(SENTINEL_PRICE_INR, ids["rfq_ended"])
        forbidden |= price_sentinels(SENTINEL_PRICE_INR, ids["rfq_awarded"])
    if role not in MAY_SEE_BUDGET:
        forbidden |= budget_sentinels()
    if role not in MAY_SEE_IDENTITY_A:
        forbidden |= identity_sentinels()
    if role not in MAY_SEE_PAYMENTS:
        forbidden |= payment_sentinels()
    leaks, scanned = _scan(app, contested, role, forbidden)
    assert scanned > 100
    assert leaks == []


def test_the_sentinels_are_found_where_they_belong(app, contested):
    """The scan would see them: the buyer's comparison, in page, CSV and JSON, and its
    requirement page show the price and budget in the spellings looked for."""
    ids = contested.ids
    price = price_sentinels(SENTINEL_PRICE_INR, ids["rfq_ended"])
    budget = budget_sentinels()
    buyer = signed_in_client(app, contested, "anchor_x")
    for url in (
        f"/requirements/{ids['rfq_ended']}/comparison",
        f"/requirements/{ids['rfq_ended']}/comparison.csv",
        f"/api/requirements/{ids['rfq_ended']}/quotes",
    ):
        assert _leaks(buyer.get(url).get_data(as_text=True), price), url
    for url in (f"/requirements/{ids['rfq_open']}", f"/api/requirements/{ids['rfq_open']}"):
        assert _leaks(buyer.get(url).get_data(as_text=True), budget), url
    own = signed_in_client(app, contested, "msme_a").get(
        f"/api/requirements/{ids['rfq_open']}/quotes/mine"
    )
    assert _leaks(own.get_data(as_text=True), price_sentinels(SEALED_PRICE_INR, ids["rfq_open"]))


def test_the_payment_sentinels_are_found_where_they_belong(app, contested):
    """The order's value and the invoice amount are on the parties' pages and JSON: the
    scan would see them anywhere else."""
    order = contested.ids["purchase_order"]
    for role in ("anchor_x", "msme_a"):
        client = signed_in_client(app, contested, role)
        for url in (f"/purchase-orders/{order}", f"/api/purchase-orders/{order}", "/payments"):
            text = client.get(url).get_data(as_text=True)
            assert _leaks(text, spellings(SENTINEL_INVOICE_INR)), (role, url)
        page = client.get(f"/purchase-orders/{order}").get_data(as_text=True)
        assert _leaks(page, spellings(SENTINEL_PO_VALUE_INR)), role


def test_the_identity_sentinels_are_found_where_they_belong(app, contested):
    """A's whole profile, as its cluster's vetted anchor reads it in JSON and on the page,
    shows every identity sentinel: the scan would see any of them."""
    supplier_a = contested.ids["supplier_a"]
    buyer = signed_in_client(app, contested, "anchor_x")
    profile = buyer.get(f"/api/suppliers/{supplier_a}").get_json()
    assert {field: profile[field] for field in IDENTITY_A} == IDENTITY_A
    assert (profile["pan"], profile["turnover_inr"]) == (PAN_A, TURNOVER_A_INR)
    assert profile["investment_inr"] == INVESTMENT_A_INR
    page = buyer.get(f"/suppliers/{supplier_a}").get_data(as_text=True)
    assert all(value in page for value in IDENTITY_A.values())
    assert _leaks(page, spellings(TURNOVER_A_INR)) and _leaks(page, spellings(INVESTMENT_A_INR))


def test_the_spellings_cover_indian_and_western_grouping():
    assert {"987654.32", "987,654.32", "9,87,654.32", "98765432"} <= spellings(987654.32)
    assert {"86420975", "86,420,975", "8,64,20,975", "8.64 crore"} <= spellings(86420975)
