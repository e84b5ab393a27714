"""Schemathesis against the in-process app: every operation of the published OpenAPI
document, with generated valid and invalid requests, as each of the eight roles.

Every case runs all of Schemathesis' checks (no server error, status code, content type
and body conform to the document, headers, invalid data refused, valid data accepted ...)
against the scenario of tests/security/scenario.py, signed in with an API token of the
drawn role (anonymous: none). Path parameters of valid cases are often the scenario's own
objects, so that cases reach past the 404 of an id that names nothing. Whatever a case
writes is undone before the next, so all cases meet the same world.

The number of cases run is printed at the end of the session (see conftest.py).
"""

import os
import re
import tempfile
from unittest import mock

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from suppliermatch import create_app
from suppliermatch.extensions import db
from tests.conftest import FUZZ_RANDOM, rolled_back_transaction
from tests.security.case_count import FUZZ_CASES
from tests.security.clients import undone_afterwards
from tests.security.scenario import ROLES, build_scenario

# Generated cases per operation in Schemathesis' fuzzing phase; its examples and coverage
# phases add their own. 15 gives over 1,000 cases in under a minute; `make fuzz` sets the
# variable (200) and draws new cases each run.
EXAMPLES_PER_OPERATION = int(os.environ.get("SUPPLIERMATCH_FUZZ_EXAMPLES", "15"))

# "Valid data is accepted" cannot hold where the document cannot state the rule that
# refuses a request with 422; each operation excused from it, and why. Everything else
# about these operations (server errors, conformance, invalid data refused) is checked.
RULES_THE_DOCUMENT_CANNOT_STATE = {
    "POST /api/auth/signup": "the password policy refuses common passwords",
    "POST /api/auth/password": "the current password must be the user's",
    "POST /api/auth/password-reset/confirm": "the token must be a live one e-mailed to the user",
    "POST /api/auth/verify-email": "the token must be a live one e-mailed to the user",
    "GET /api/suppliers": "cluster, state and certificate filters must name existing ones",
    "GET /api/suppliers/directory": "category and certificate filters must name existing ones",
    "POST /api/suppliers": "GSTIN check character, real PIN codes, phone digits",
    "PATCH /api/suppliers/{supplier_id}": "GSTIN check character, real PIN codes, phone digits",
    "POST /api/suppliers/{supplier_id}/capabilities": "category and process of the taxonomy",
    "PATCH /api/suppliers/{supplier_id}/capabilities/{child_id}": "taxonomy slugs",
    "POST /api/suppliers/{supplier_id}/equipment": "a machine is named (see the report)",
    "PATCH /api/suppliers/{supplier_id}/equipment/{child_id}": "a machine stays named",
    "POST /api/suppliers/import": "the file's content must be a readable .csv or .xlsx",
    "POST /api/suppliers/duplicates/scan": "the cluster slug must exist",
    "POST /api/certificates": "coordinators must name the supplier; dates in order",
    "PATCH /api/certificates/{certificate_id}": "dates in order for the record's state",
    "POST /api/certificates/{certificate_id}/transitions": "facts the target state needs",
    "POST /api/certificates/{certificate_id}/renewals": "dates in order",
    "POST /api/certificates/{certificate_id}/verification": "a rejection needs a reason",
    "POST /api/anchor-vetting/{user_id}": "a rejection needs a reason",
    "POST /api/certificates/{certificate_id}/evidence": "the file must be a PDF, PNG or JPEG",
    "POST /api/requirements": "taxonomy slugs, real PIN codes, budget ends in order",
    "PATCH /api/requirements/{requirement_id}": "taxonomy slugs, real PIN codes",
    "POST /api/requirements/{requirement_id}/quotes": "one price per line item of the RFQ",
    "PUT /api/requirements/{requirement_id}/quotes/mine": "one price per line item of the RFQ",
    "POST /api/requirements/{requirement_id}/award": "awarded suppliers must have quoted",
    "POST /api/requirements/{requirement_id}/awards/{award_id}/rating": "delivery not ahead",
    "POST /api/requirements/import": "the file's content must be UTF-8 CSV in the layout",
    "PUT /api/requirements/{requirement_id}/match-weights": "weights name matching factors",
    "POST /api/reports/requirements/{requirement_id}/notes": "a note or a recommendation",
    # After the award: dates against today and the order, sums against what is owed.
    "POST /api/awards/{award_id}/purchase-orders": "MSMED Act term cap; order date not ahead",
    "POST /api/purchase-orders/{purchase_order_id}/deliveries": "between order date and today",
    "POST /api/deliveries/{delivery_id}/objection": "within the Act's window after delivery",
    "POST /api/deliveries/{delivery_id}/objection/removal": "between objection and today",
    "POST /api/purchase-orders/{purchase_order_id}/invoices": "a delivery of the order; sums",
    "POST /api/invoices/{invoice_id}/payments": "at most what the invoice still owes",
    "POST /api/qualification-templates": "the elements are of the template's kind (PPAP/FAI)",
    "POST /api/qualification-elements/{element_id}/review": "a returned element says why",
    "POST /api/qualifications/{qualification_id}/decision": "validity after today; a note",
    # Ids in a body must name existing rows of the right tenant.
    "POST /api/suppliers/duplicates/{candidate_id}/merge": "keep_id is one of the pair",
    "POST /api/requirements/{requirement_id}/invitations": "supplier_ids name suppliers",
    "POST /api/requirements/{requirement_id}/shortlist": "supplier_id names a supplier",
    "POST /api/awards/{award_id}/qualifications": "template_id names one of the anchor's",
    "POST /api/supplier-invitations": "supplier_ids name suppliers of the cluster",
    "POST /api/suppliers/{supplier_id}/invitation": "the profile has an e-mail on record",
    "POST /api/suppliers/{supplier_id}/reassign": "a reason of more than spaces",
    # Proofs: what only the user or the e-mail on record knows.
    "POST /api/claims/invitation": "the token is a live link's; the password policy",
    "POST /api/claims/code": "one of GSTIN and Udyam number, with its check character",
    "POST /api/claims": "the code e-mailed for that GSTIN or Udyam number",
    "POST /api/auth/login/two-factor": "the code from the authenticator app",
    "POST /api/auth/two-factor/confirm": "the code from the authenticator app",
    "POST /api/auth/two-factor/disable": "the user's own password",
}


def published_document() -> dict:
    """The OpenAPI document as the app serves it; writing it needs no database."""
    with (
        tempfile.TemporaryDirectory() as folder,
        mock.patch.dict(os.environ, {"SUPPLIERMATCH_INSTANCE_DIR": folder}),
    ):
        app = create_app(
            {"TESTING": True, "SECRET_KEY": "spec", "DATABASE_URL": f"sqlite:///{folder}/x.db"}
        )
        return app.test_client().get("/api/openapi.json").get_json()


def fuzz_config() -> schemathesis.Config:
    excused = [
        {
            "include-name": name,
            "checks": {"positive_data_acceptance": {"enabled": False}},
        }
        for name in RULES_THE_DOCUMENT_CANNOT_STATE
    ]
    return schemathesis.Config.from_dict(
        {
            "generation": {
                "max-examples": EXAMPLES_PER_OPERATION,
                # The same cases on every run of `make test`; `make fuzz` draws new ones.
                "deterministic": not FUZZ_RANDOM,
                # NUL in text is refused at the door with a 422 naming the field
                # (input_text.py, tested in test_validator_properties.py). The document
                # does not say so, so with NUL on, schemathesis reports those 422s as
                # "schema-valid request rejected" (seen on POST .../close with seed 7118).
                # Of six PostgreSQL runs with NUL on, four passed; one more failed early
                # and was not looked into.
                "allow-x00": False,
            },
            "operations": excused,
        }
    )


schema = schemathesis.openapi.from_dict(published_document(), config=fuzz_config())
pytestmark = [pytest.mark.fuzz, pytest.mark.slow]


@pytest.fixture(scope="module", autouse=True)
def _isolated(app):
    """One transaction for the whole module, rolled back at its end (it replaces the
    per-test one of tests/conftest.py): the scenario is built once for every operation."""
    with app.app_context(), rolled_back_transaction():
        yield


@pytest.fixture(scope="module")
def fuzz_scenario(_isolated):
    return build_scenario(db.session)


def scenario_objects(scenario) -> dict[str, list[int]]:
    """For each path parameter, ids of the scenario's objects it can name."""
    ids = scenario.ids
    return {
        "requirement_id": [ids[k] for k in ("rfq_open", "rfq_invited", "rfq_ended", "rfq_awarded")],
        "award_id": [ids["award"]],
        "supplier_id": [ids["supplier_a"], ids["supplier_b"], ids["unlisted_supplier"]],
        "certificate_id": [ids["certificate_a"], ids["plan_a"], ids["certificate_b"]],
        "evidence_id": [ids["evidence_a"], ids["evidence_b"]],
        "child_id": [ids["capability_a"], ids["equipment_a"]],
        "cluster_id": [ids["cluster_1"], ids["cluster_2"]],
        "import_id": [ids["import_1"], ids["import_2"]],
        "candidate_id": [ids["duplicate_1"], ids["duplicate_2"]],
        "notification_id": [ids["notification_a"]],
        "token_id": [ids["token_a"]],
    }


def aim_at_scenario_objects(case, data, scenario) -> None:
    """Valid cases name the scenario's objects most of the time (invalid ones are left as
    generated: their path may be the invalid part)."""
    if not case.path_parameters or not case.meta.generation.mode.is_positive:
        return
    objects = scenario_objects(scenario)
    for name, generated in case.path_parameters.items():
        if name in objects:
            choices = st.sampled_from([*objects[name], generated])
            case.path_parameters[name] = data.draw(choices, label=name)


@schema.parametrize()
@schema.given(role=st.sampled_from(ROLES), data=st.data())
@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
def test_api_conforms_to_its_openapi_document(case, role, data, app, fuzz_scenario):
    scenario = fuzz_scenario
    aim_at_scenario_objects(case, data, scenario)
    headers = {}
    if role != "anonymous":
        headers["Authorization"] = f"Bearer {scenario.tokens[role]}"
    FUZZ_CASES[role] += 1
    # Schemathesis' own probes (the ignored_auth check resends a case without credentials
    # and with wrong ones) go to this app in-process, like the cases themselves.
    case.operation.schema.app = app
    with undone_afterwards():
        # A fresh client each time: no cookie of an earlier case (a sign-up) carries over.
        case.call_and_validate(session=ReadingClient(app), headers=headers, app=app)


class ReadingClient:
    """The app's test client, reading each response whole and closing it (downloads hold an
    open file until closed)."""

    def __init__(self, app):
        self._client = app.test_client()

    def open(self, *args, **kwargs):
        response = self._client.open(*args, **kwargs)
        response.get_data()
        response.close()
        return response

    def __getattr__(self, name):
        return getattr(self._client, name)


# Ids no row can have: the first beyond a 32-bit INTEGER column, and beyond a 64-bit one.
IDS_NO_ROW_CAN_HAVE = (2**31, 2**63)


def test_an_id_no_row_can_have_is_not_found_on_every_route(app, fuzz_scenario):
    """Every route taking an id, asked by an admin (past every kind check) about an id
    beyond what the column holds: GETs answer 404, nothing answers with a server error."""
    token = {"Authorization": f"Bearer {fuzz_scenario.tokens['admin']}"}
    client = ReadingClient(app)
    wrong = []
    for rule in app.url_map.iter_rules():
        ids = set(re.findall(r"<int:(\w+)>", rule.rule))
        if not ids:
            continue
        for too_big in IDS_NO_ROW_CAN_HAVE:
            # Other parameters (a dashboard table's name) get a value that exists.
            values = {name: too_big if name in ids else "categories" for name in rule.arguments}
            url = app.url_map.bind("localhost").build(rule.endpoint, values, force_external=False)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                with undone_afterwards():
                    status = client.open(url, method=method, headers=token).status_code
                if status >= 500 or (method == "GET" and status != 404):
                    wrong.append(f"{method} {url}: {status}")
    assert wrong == []
