"""Fields a client must not set: role, organisation, admin rights, verification, owner,
status and version. Each write is sent as an otherwise valid request with one such field
added; the API refuses it by name (422), a page ignores it, and the stored row is checked
to be as it was.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlmodel import func, select

from suppliermatch.accounts.models import ApiToken, User
from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.extensions import db
from suppliermatch.requirements.models import Invitation, Quote, Rating, Requirement
from suppliermatch.suppliers.models import Capability, Equipment, Supplier
from tests import factories
from tests.security.clients import signed_in_client
from tests.security.inventory import quote_json, rating, version_of
from tests.security.scenario import Scenario


@dataclass(frozen=True)
class Attempt:
    """``role`` sends ``method path`` with a valid body plus ``field = value``."""

    role: str
    method: str
    path: str
    body: Callable[[Scenario], dict]
    field: str
    value: Callable[[Scenario], object]
    # The stored row to compare before and after: (model, id key in scenario.ids), or None
    # when the request creates a row (then no row may be created).
    row: tuple[type, str] | None
    # Pages post forms: an unknown input may be ignored, as long as it is not applied.
    is_form: bool = False

    @property
    def label(self) -> str:
        return f"{self.role} {self.method} {self.path} +{self.field}"


def _b_organisation(s: Scenario) -> int:
    return s.users["msme_b"].organisation_id


def _y_organisation(s: Scenario) -> int:
    return s.users["anchor_y"].organisation_id


def _supplier_update(s: Scenario) -> dict:
    return {"employees": 41, "version": version_of(Supplier, s.supplier_a.id)}


def _certificate_update(s: Scenario) -> dict:
    return {
        "scope": "Sintered NdFeB",
        "version": version_of(SupplierCertificate, s.ids["certificate_a"]),
    }


def _requirement_update(s: Scenario) -> dict:
    return {"description": "Revised", "version": version_of(Requirement, s.ids["rfq_open"])}


def _new_requirement(s: Scenario) -> dict:
    return {"title": "Mass assignment RFQ", "category": "testing"}


def _new_certificate(s: Scenario) -> dict:
    return {"code": "ISO14001"}


def _body(data: dict) -> Callable[[Scenario], dict]:
    return lambda s: dict(data)


def _value(value) -> Callable[[Scenario], object]:
    return lambda s: value


A = "/api/suppliers/{supplier_a}"
CERT = "/api/certificates/{certificate_a}"
ATTEMPTS = [
    # Profiles: the owner, cluster, merge state, derived class and PAN are the system's.
    Attempt(
        "msme_a",
        "PATCH",
        A,
        _supplier_update,
        "organisation_id",
        _b_organisation,
        (Supplier, "supplier_a"),
    ),
    Attempt(
        "msme_a",
        "PATCH",
        A,
        _supplier_update,
        "cluster_id",
        lambda s: s.cluster_2.id,
        (Supplier, "supplier_a"),
    ),
    Attempt(
        "msme_a",
        "PATCH",
        A,
        _supplier_update,
        "merged_into_id",
        lambda s: s.supplier_c.id,
        (Supplier, "supplier_a"),
    ),
    Attempt(
        "msme_a",
        "PATCH",
        A,
        _supplier_update,
        "enterprise_class",
        _value("large"),
        (Supplier, "supplier_a"),
    ),
    Attempt(
        "msme_a",
        "PATCH",
        A,
        _supplier_update,
        "pan",
        _value("AAGCB7383J"),
        (Supplier, "supplier_a"),
    ),
    Attempt(
        "msme_a",
        "PATCH",
        A,
        _supplier_update,
        "external_ref",
        _value("HIJACK-1"),
        (Supplier, "supplier_a"),
    ),
    Attempt(
        "coordinator_1",
        "PATCH",
        A,
        _supplier_update,
        "cluster_id",
        lambda s: s.cluster_2.id,
        (Supplier, "supplier_a"),
    ),
    Attempt(
        "coordinator_1",
        "POST",
        "/api/suppliers",
        _body({"legal_name": "Utkal Tools"}),
        "organisation_id",
        _b_organisation,
        None,
    ),
    Attempt(
        "coordinator_1",
        "POST",
        "/api/suppliers",
        _body({"legal_name": "Utkal Tools"}),
        "cluster_id",
        lambda s: s.cluster_2.id,
        None,
    ),
    Attempt(
        "coordinator_1",
        "POST",
        "/api/suppliers",
        _body({"legal_name": "Utkal Tools"}),
        "version",
        _value(7),
        None,
    ),
    Attempt(
        "msme_a",
        "POST",
        A + "/capabilities",
        _body({"category": "testing"}),
        "supplier_id",
        lambda s: s.supplier_b.id,
        None,
    ),
    Attempt(
        "msme_a",
        "POST",
        A + "/capabilities",
        _body({"category": "testing"}),
        "source",
        _value("import"),
        None,
    ),
    Attempt(
        "msme_a",
        "PATCH",
        A + "/capabilities/{capability_a}",
        lambda s: {
            "capacity_per_month": 9,
            "version": version_of(Capability, s.ids["capability_a"]),
        },
        "supplier_id",
        lambda s: s.supplier_b.id,
        (Capability, "capability_a"),
    ),
    Attempt(
        "msme_a",
        "PATCH",
        A + "/equipment/{equipment_a}",
        lambda s: {"count": 2, "version": version_of(Equipment, s.ids["equipment_a"])},
        "supplier_id",
        lambda s: s.supplier_b.id,
        (Equipment, "equipment_a"),
    ),
    # Certificates: verification is the coordinator's decision; state moves by transitions.
    Attempt(
        "msme_a",
        "POST",
        "/api/certificates",
        _new_certificate,
        "verification",
        _value("verified"),
        None,
    ),
    Attempt(
        "msme_a",
        "POST",
        "/api/certificates",
        _new_certificate,
        "verified_by_id",
        lambda s: s.users["coordinator_1"].id,
        None,
    ),
    Attempt("msme_a", "POST", "/api/certificates", _new_certificate, "version", _value(5), None),
    Attempt(
        "msme_a",
        "PATCH",
        CERT,
        _certificate_update,
        "verification",
        _value("verified"),
        (SupplierCertificate, "certificate_a"),
    ),
    Attempt(
        "msme_a",
        "PATCH",
        CERT,
        _certificate_update,
        "state",
        _value("withdrawn"),
        (SupplierCertificate, "certificate_a"),
    ),
    Attempt(
        "msme_a",
        "PATCH",
        CERT,
        _certificate_update,
        "supplier_id",
        lambda s: s.supplier_b.id,
        (SupplierCertificate, "certificate_a"),
    ),
    Attempt(
        "msme_a",
        "PATCH",
        CERT,
        _certificate_update,
        "code",
        _value("AS9100D"),
        (SupplierCertificate, "certificate_a"),
    ),
    Attempt(
        "msme_a",
        "POST",
        CERT + "/transitions",
        lambda s: {
            "to": "suspended",
            "version": version_of(SupplierCertificate, s.ids["certificate_a"]),
        },
        "verification",
        _value("verified"),
        (SupplierCertificate, "certificate_a"),
    ),
    # Requirements: the owner firm, cluster and status are the system's.
    Attempt(
        "anchor_x",
        "POST",
        "/api/requirements",
        _new_requirement,
        "anchor_id",
        _y_organisation,
        None,
    ),
    Attempt(
        "anchor_x",
        "POST",
        "/api/requirements",
        _new_requirement,
        "cluster_id",
        lambda s: s.cluster_2.id,
        None,
    ),
    Attempt(
        "anchor_x",
        "POST",
        "/api/requirements",
        _new_requirement,
        "status",
        _value("published"),
        None,
    ),
    Attempt(
        "anchor_x",
        "POST",
        "/api/requirements",
        _new_requirement,
        "created_by_id",
        lambda s: s.users["anchor_y"].id,
        None,
    ),
    Attempt(
        "anchor_x",
        "PATCH",
        "/api/requirements/{rfq_open}",
        _requirement_update,
        "anchor_id",
        _y_organisation,
        (Requirement, "rfq_open"),
    ),
    Attempt(
        "anchor_x",
        "PATCH",
        "/api/requirements/{rfq_open}",
        _requirement_update,
        "status",
        _value("awarded"),
        (Requirement, "rfq_open"),
    ),
    Attempt(
        "anchor_x",
        "PATCH",
        "/api/requirements/{rfq_open}",
        _requirement_update,
        "closed_at",
        _value("2020-01-01T00:00:00+00:00"),
        (Requirement, "rfq_open"),
    ),
    # Quotes: whose quote it is and how it fared are the system's.
    Attempt(
        "msme_a",
        "POST",
        "/api/requirements/{rfq_invited}/quotes",
        lambda s: quote_json(s)["json"],
        "supplier_id",
        lambda s: s.supplier_c.id,
        None,
    ),
    Attempt(
        "msme_a",
        "POST",
        "/api/requirements/{rfq_invited}/quotes",
        lambda s: quote_json(s)["json"],
        "status",
        _value("awarded"),
        None,
    ),
    Attempt(
        "msme_a",
        "PUT",
        "/api/requirements/{rfq_open}/quotes/mine",
        lambda s: quote_json(s, "rfq_open", revise=True)["json"],
        "status",
        _value("awarded"),
        None,
    ),
    Attempt(
        "msme_a",
        "POST",
        "/api/requirements/{rfq_invited}/decline",
        _body({"reason": "No capacity"}),
        "status",
        _value("quoted"),
        None,
    ),
    Attempt(
        "anchor_x",
        "POST",
        "/api/requirements/{rfq_awarded}/awards/{award}/rating",
        rating,
        "rated_by_id",
        lambda s: s.users["anchor_y"].id,
        None,
    ),
    # Accounts: nobody makes themselves an admin, another firm's member or a coordinator.
    Attempt(
        "msme_a",
        "POST",
        "/api/tokens",
        _body({"name": "ci"}),
        "user_id",
        lambda s: s.users["admin"].id,
        None,
    ),
    Attempt(
        "anonymous",
        "POST",
        "/api/auth/signup",
        _body(
            {
                "account_type": "msme",
                "organisation_name": "Sneaky Magnets",
                "full_name": "Sneaky",
                "email": "sneaky@example.test",
                "password": factories.PASSWORD,
            }
        ),
        "is_admin",
        _value(True),
        None,
    ),
    Attempt(
        "anonymous",
        "POST",
        "/api/auth/signup",
        _body(
            {
                "account_type": "anchor",
                "organisation_name": "Sneaky Magnets",
                "full_name": "Sneaky",
                "email": "sneaky@example.test",
                "password": factories.PASSWORD,
            }
        ),
        "organisation_id",
        _y_organisation,
        None,
    ),
    # An anchor that signs itself up waits for its coordinator; it cannot approve itself.
    Attempt(
        "anonymous",
        "POST",
        "/api/auth/signup",
        _body(
            {
                "account_type": "anchor",
                "organisation_name": "Sneaky Magnets",
                "full_name": "Sneaky",
                "email": "sneaky@example.test",
                "password": factories.PASSWORD,
            }
        ),
        "vetting",
        _value("approved"),
        None,
    ),
    # Pages: the same fields posted with a form are not applied.
    Attempt(
        "msme_a",
        "POST",
        "/suppliers/{supplier_a}/edit",
        lambda s: {
            "legal_name": "Asha Precision Works",
            "version": version_of(Supplier, s.supplier_a.id),
        },
        "cluster_id",
        lambda s: s.cluster_2.id,
        (Supplier, "supplier_a"),
        is_form=True,
    ),
    Attempt(
        "msme_a",
        "POST",
        "/suppliers/{supplier_a}/edit",
        lambda s: {
            "legal_name": "Asha Precision Works",
            "version": version_of(Supplier, s.supplier_a.id),
        },
        "organisation_id",
        _b_organisation,
        (Supplier, "supplier_a"),
        is_form=True,
    ),
    Attempt(
        "msme_a",
        "POST",
        "/certificates/{certificate_a}/edit",
        _certificate_update,
        "verification",
        _value("verified"),
        (SupplierCertificate, "certificate_a"),
        is_form=True,
    ),
    Attempt(
        "anchor_x",
        "POST",
        "/requirements/new",
        _body({"title": "Mass assignment RFQ", "category": "testing"}),
        "anchor_id",
        _y_organisation,
        None,
        is_form=True,
    ),
]

# The rows a create could have written, and what must not be among them afterwards.
CREATED_ROWS = {
    "/api/suppliers": Supplier,
    "/api/suppliers/{supplier_a}/capabilities": Capability,
    "/api/certificates": SupplierCertificate,
    "/api/requirements": Requirement,
    "/requirements/new": Requirement,
    "/api/requirements/{rfq_invited}/quotes": Quote,
    "/api/requirements/{rfq_open}/quotes/mine": Quote,
    "/api/requirements/{rfq_invited}/decline": Invitation,
    "/api/requirements/{rfq_awarded}/awards/{award}/rating": Rating,
    "/api/tokens": ApiToken,
    "/api/auth/signup": User,
}


def _snapshot(model, row_id) -> dict:
    db.session.expire_all()
    return db.session.get(model, row_id).model_dump()


def _count(model) -> int:
    return db.session.exec(select(func.count()).select_from(model)).one()


@pytest.mark.parametrize("attempt", ATTEMPTS, ids=lambda a: a.label)
def test_a_field_the_client_may_not_set_is_refused_and_never_stored(app, scenario, attempt):
    client = app.test_client()
    if attempt.role != "anonymous":
        client = signed_in_client(app, scenario, attempt.role)
    body = {**attempt.body(scenario), attempt.field: attempt.value(scenario)}
    path = attempt.path.format(**scenario.ids)
    model = attempt.row[0] if attempt.row else CREATED_ROWS[attempt.path]
    before = _snapshot(model, scenario.ids[attempt.row[1]]) if attempt.row else None
    rows_before = _count(model)
    all_before = _all_rows(model)

    if attempt.is_form:
        response = client.open(
            path, method=attempt.method, data={k: str(v) for k, v in body.items()}
        )
    else:
        response = client.open(path, method=attempt.method, json=body)

    if attempt.is_form:
        assert response.status_code < 500
    else:
        assert response.status_code == 422, response.get_json()
        assert attempt.field in response.get_json().get("errors", {}), response.get_json()
    if attempt.row:
        after = _snapshot(model, scenario.ids[attempt.row[1]])
        assert after[attempt.field] == before[attempt.field]
        if not attempt.is_form:
            assert after == before  # a refused request changes nothing at all
    elif attempt.is_form:
        injected = attempt.value(scenario)
        assert all(getattr(row, attempt.field) != injected for row in _new_rows(model, all_before))
    else:
        assert _count(model) == rows_before
        assert _all_rows(model) == all_before


def _all_rows(model) -> dict:
    db.session.expire_all()
    return {row.id: row.model_dump() for row in db.session.exec(select(model))}


def _new_rows(model, before: dict) -> list:
    db.session.expire_all()
    return [row for row in db.session.exec(select(model)) if row.id not in before]


def test_signing_up_cannot_choose_an_account_kind_beyond_msme_and_anchor(client):
    for kind in ("admin", "coordinator", "cluster_office"):
        response = client.post(
            "/api/auth/signup",
            json={
                "account_type": kind,
                "organisation_name": "Sneaky Magnets",
                "full_name": "Sneaky",
                "email": f"{kind}@example.test",
                "password": factories.PASSWORD,
            },
        )
        assert response.status_code == 422
        assert "account_type" in response.get_json()["errors"]
        email = f"{kind}@example.test"
        assert db.session.exec(select(User).where(User.email == email)).first() is None


# -- versions are the server's: a client claims what it read, it never sets one --------------

VERSIONED = [
    ("msme_a", "/api/suppliers/{supplier_a}", Supplier, "supplier_a", lambda s: {"employees": 43}),
    (
        "msme_a",
        "/api/suppliers/{supplier_a}/capabilities/{capability_a}",
        Capability,
        "capability_a",
        lambda s: {"capacity_per_month": 77},
    ),
    (
        "msme_a",
        "/api/certificates/{certificate_a}",
        SupplierCertificate,
        "certificate_a",
        lambda s: {"scope": "Blocks"},
    ),
    (
        "anchor_x",
        "/api/requirements/{rfq_open}",
        Requirement,
        "rfq_open",
        lambda s: {"description": "Amended"},
    ),
]


@pytest.mark.parametrize(
    ("role", "path", "model", "key", "change"),
    VERSIONED,
    ids=lambda v: v if isinstance(v, str) and v.startswith("/") else None,
)
def test_the_server_numbers_versions_and_refuses_a_made_up_one(
    app, scenario, role, path, model, key, change
):
    client = signed_in_client(app, scenario, role)
    url = path.format(**scenario.ids)
    current = version_of(model, scenario.ids[key])

    ahead = client.patch(url, json={**change(scenario), "version": current + 5})
    assert ahead.status_code == 409
    assert _snapshot(model, scenario.ids[key])["version"] == current

    saved = client.patch(url, json={**change(scenario), "version": current})
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["version"] == current + 1
    assert _snapshot(model, scenario.ids[key])["version"] == current + 1


def test_a_quote_revision_numbers_its_own_version(app, scenario):
    client = signed_in_client(app, scenario, "msme_a")
    url = f"/api/requirements/{scenario.ids['rfq_open']}/quotes/mine"
    body = quote_json(scenario, "rfq_open", revise=True)["json"]
    ahead = client.put(url, json={**body, "version": body["version"] + 3})
    assert ahead.status_code == 409
    saved = client.put(url, json=body)
    assert saved.status_code == 200
    assert saved.get_json()["version"] == body["version"] + 1
    assert saved.get_json()["supplier_id"] == scenario.supplier_a.id
