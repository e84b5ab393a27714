"""Issue 20, item 3: a quote is checked against the requirement's hard constraints by the
matching engine's rule. The supplier is told what it lacks before it quotes; the anchor
chooses per requirement whether such quotes are accepted (and marked) or refused; the
comparison, the award page, the CSV and the match report mark every such quote."""

import csv
import io
import re
from datetime import timedelta

import pytest

from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.dates import today_in_india
from tests import factories
from tests.pages import page_text
from tests.requirements.helpers import pass_deadline, quote_body

LACKS_NABL = "does not hold the required NABL ISO/IEC 17025"


@pytest.fixture
def labs(session, world):
    """Anchor X's published RFQ for B-H loop testing that requires NABL accreditation, a lab
    without it (MSME A's, the cheaper quote in these tests) and an accredited lab."""
    cheap = factories.supplier_profile_for(session, world["msme_a"])
    cheap.legal_name, cheap.about = "Cheap Lab", "Hysteresisgraph testing of magnets."
    accredited_user = factories.make_user(session, kind="msme", cluster=world["cluster_1"])
    accredited = factories.supplier_profile_for(session, accredited_user)
    accredited.legal_name, accredited.about = "Accredited Lab", "Hysteresisgraph testing."
    session.add(
        SupplierCertificate(
            supplier_id=accredited.id,
            code="NABL17025",
            state="certified",
            expires_on=today_in_india() + timedelta(days=900),
        )
    )
    requirement = factories.make_requirement(
        session,
        anchor_user=world["anchor_x"],
        title="B-H loop testing of magnet lots",
        category="testing",
        required_certs=["NABL17025"],
        quantity_per_month=None,
    )
    session.commit()
    return {
        "requirement": requirement,
        "cheap": cheap,
        "accredited": accredited,
        "accredited_user": accredited_user,
    }


def _refuse(session, requirement):
    session.refresh(requirement)
    requirement.noncompliant_quotes = "refuse"
    session.commit()


def _quote(client, session, requirement, price):
    url = f"/api/requirements/{requirement.id}/quotes"
    return client.post(url, json=quote_body(session, requirement, price))


def test_the_supplier_is_told_what_it_lacks_before_it_quotes(make_client, world, labs):
    requirement = labs["requirement"]
    cheap = make_client(world["msme_a"])
    page = page_text(cheap.get(f"/requirements/{requirement.id}"))
    assert "You do not meet this requirement's hard constraints" in page
    assert LACKS_NABL in page
    assert "The buyer accepts your quote, but sees it marked with what you lack." in page
    assert cheap.get(f"/api/requirements/{requirement.id}").get_json()["my_lacks"] == [LACKS_NABL]

    accredited = make_client(labs["accredited_user"])
    assert "hard constraints" not in page_text(accredited.get(f"/requirements/{requirement.id}"))
    assert accredited.get(f"/api/requirements/{requirement.id}").get_json()["my_lacks"] == []


def test_by_default_the_quote_is_accepted_and_says_what_it_lacks(session, make_client, world, labs):
    response = _quote(make_client(world["msme_a"]), session, labs["requirement"], 100.0)
    assert response.status_code == 201
    body = response.get_json()
    assert body["meets_hard_constraints"] is False and body["lacks"] == [LACKS_NABL]


def test_a_refusing_buyer_gets_no_quote_from_a_supplier_that_lacks_a_certificate(
    session, make_client, world, labs
):
    requirement = labs["requirement"]
    _refuse(session, requirement)
    cheap = make_client(world["msme_a"])
    page = page_text(cheap.get(f"/requirements/{requirement.id}"))
    assert "a quote from you would be refused" in page and "Submit quote" not in page

    response = _quote(cheap, session, requirement, 100.0)
    assert response.status_code == 422
    body = response.get_json()
    assert LACKS_NABL in body["message"]
    assert body["errors"] == {"hard_constraints": [LACKS_NABL]}
    assert cheap.get(f"/api/requirements/{requirement.id}/quotes/mine").status_code == 404

    form = {
        f"price_{line['line_item_id']}": "100"
        for line in quote_body(session, requirement, 1)["lines"]
    }
    form.update(lead_time_days="21", valid_until=quote_body(session, requirement, 1)["valid_until"])
    page = cheap.post(f"/requirements/{requirement.id}/quote", data=form)
    assert page.status_code == 422 and LACKS_NABL in page_text(page)

    accredited = _quote(make_client(labs["accredited_user"]), session, requirement, 150.0)
    assert accredited.status_code == 201 and accredited.get_json()["lacks"] == []


def test_a_revision_is_refused_once_the_buyer_refuses(session, make_client, world, labs):
    requirement = labs["requirement"]
    cheap = make_client(world["msme_a"])
    quote = _quote(cheap, session, requirement, 100.0).get_json()
    _refuse(session, requirement)
    body = {**quote_body(session, requirement, 90.0), "version": quote["version"]}
    response = cheap.put(f"/api/requirements/{requirement.id}/quotes/mine", json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"hard_constraints": [LACKS_NABL]}


def test_the_anchor_chooses_on_the_form_and_in_the_api(session, make_client, world, labs):
    anchor = make_client(world["anchor_x"])
    requirement = labs["requirement"]
    form = anchor.get(f"/requirements/{requirement.id}/edit")
    assert "Quotes from suppliers that fail a hard constraint" in page_text(form)
    response = anchor.patch(
        f"/api/requirements/{requirement.id}",
        json={"version": requirement.version, "noncompliant_quotes": "refuse"},
    )
    assert response.status_code == 200 and response.get_json()["noncompliant_quotes"] == "refuse"
    assert "failing a hard constraint: refused" in page_text(
        anchor.get(f"/requirements/{requirement.id}")
    )
    wrong = anchor.patch(
        f"/api/requirements/{requirement.id}",
        json={"version": response.get_json()["version"], "noncompliant_quotes": "ignore"},
    )
    assert wrong.status_code == 422, wrong.get_json()
    assert wrong.get_json()["errors"] == {"noncompliant_quotes": ["Must be one of: flag, refuse."]}

    created = anchor.post(
        "/requirements/new",
        data={"title": "NABL lab work", "category": "testing", "noncompliant_quotes": "refuse"},
    )
    assert created.status_code == 302
    assert "failing a hard constraint: refused" in page_text(
        anchor.get(created.headers["Location"])
    )


@pytest.fixture
def quoted(session, make_client, world, labs):
    """Both labs quoted (the one lacking NABL cheaper); bidding has ended."""
    requirement = labs["requirement"]
    assert _quote(make_client(world["msme_a"]), session, requirement, 100.0).status_code == 201
    assert (
        _quote(make_client(labs["accredited_user"]), session, requirement, 150.0).status_code == 201
    )
    pass_deadline(session, requirement)
    return labs


def test_the_comparison_lists_the_cheap_non_compliant_quote_after_and_marked(
    make_client, world, quoted
):
    anchor = make_client(world["anchor_x"])
    rid = quoted["requirement"].id
    api = anchor.get(f"/api/requirements/{rid}/quotes").get_json()
    assert [(q["supplier_name"], q["total_inr"], q["lacks"]) for q in api["quotes"]] == [
        ("Accredited Lab", 60000.0, []),
        ("Cheap Lab", 40000.0, [LACKS_NABL]),
    ]
    page = page_text(anchor.get(f"/requirements/{rid}/comparison"))
    assert "1 quote(s) come from suppliers that do not meet the hard constraints" in page
    assert page.index("Accredited Lab") < page.index("Cheap Lab")
    assert re.search(r"Cheap Lab Does not meet the hard constraints " + LACKS_NABL, page)

    rows = list(
        csv.DictReader(
            io.StringIO(anchor.get(f"/requirements/{rid}/comparison.csv").get_data(as_text=True))
        )
    )
    assert [(r["supplier"], r["meets_hard_constraints"], r["lacks"]) for r in rows] == [
        ("Accredited Lab", "yes", ""),
        ("Cheap Lab", "no", LACKS_NABL),
    ]


def test_the_award_page_marks_the_non_compliant_quote(session, make_client, world, quoted):
    anchor = make_client(world["anchor_x"])
    requirement = quoted["requirement"]
    session.refresh(requirement)
    anchor.post(f"/api/requirements/{requirement.id}/close", json={})
    page = page_text(anchor.get(f"/requirements/{requirement.id}/award"))
    assert "1 of these suppliers do not meet the hard constraints" in page
    assert re.search(
        r"Cheap Lab Does not meet the hard constraints " + LACKS_NABL + r" ₹40,000\.00", page
    )
    assert "Accredited Lab ₹60,000.00" in page


def test_the_match_report_marks_every_non_compliant_quote(session, make_client, world, quoted):
    # A quoting supplier that offers nothing the engine ranks: not in the ranked or close
    # lists, and still marked.
    quoted["cheap"].about = "General engineering."
    session.commit()
    coordinator = make_client(world["coordinator_1"])
    rid = quoted["requirement"].id
    page = page_text(coordinator.get(f"/requirements/{rid}/report"))
    cheap_line = page[page.index("Cheap Lab") :][:300]
    assert "quote does not meet the hard constraints" in cheap_line and LACKS_NABL in cheap_line
    accredited_line = page[page.index("Accredited Lab") :][:200]
    assert "does not meet" not in accredited_line

    report = coordinator.get(f"/api/reports/requirements/{rid}").get_json()
    lines = {line["name"]: line for key in ("ranked", "excluded", "others") for line in report[key]}
    assert lines["Cheap Lab"]["quote_noncompliant"] and lines["Cheap Lab"]["lacks"] == [LACKS_NABL]
    assert not lines["Accredited Lab"]["quote_noncompliant"]

    rows = csv.DictReader(
        io.StringIO(coordinator.get(f"/requirements/{rid}/report.csv").get_data(as_text=True))
    )
    marks = {r["supplier"]: r["quote_meets_hard_constraints"] for r in rows}
    assert marks == {"Cheap Lab": "no", "Accredited Lab": "yes"}
