"""The authorisation table: every route of the app, and what each role gets from it.

A route is either PUBLIC (anyone may use it, signed in or not) or has at least one row in
ROUTES saying, for a concrete request against the scenario (tests/security/scenario.py),
which outcome each of the eight roles gets:

- OK: the request is served (2xx, or a redirect that is not to the sign-in page);
- FORBIDDEN (403): signed in, but the wrong kind of user for this route;
- NOT_FOUND (404): the object belongs to another tenant (never 403: that would confirm
  that it exists);
- LOGIN: anonymous; 401 from the API, a redirect to the sign-in page from pages;
- CONFLICT (409): allowed, but the rule refuses it in the object's present state;
- INVALID (400/422): allowed, but the body is refused (no row uses it: every row sends a
  request that should succeed).

A wrong kind of user gets 403 even for another tenant's object: the route refuses it
before looking the object up, so nothing about the object is revealed.

A new route without a row fails test_route_inventory, naming the route.

Outcomes are listed in ROLES order: anonymous, MSME A, MSME B, anchor X, anchor Y,
coordinator 1, coordinator 2, admin, then by name what the unvetted anchor gets. MSME A,
anchor X and coordinator 1 are in cluster 1 with the objects; MSME B, anchor Y and
coordinator 2 are the other tenant (cluster 2). The unvetted anchor signed up in cluster 1
and waits for coordinator 1's approval: it is the wrong kind of user (403) wherever a
vetted anchor is needed, and like any stranger (404, or nothing listed) elsewhere.
"""

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import select

from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.dates import today_in_india
from suppliermatch.extensions import db
from suppliermatch.models_base import utcnow
from suppliermatch.requirements.models import Quote, Requirement
from suppliermatch.requirements.service import line_items
from suppliermatch.suppliers.models import Capability, Equipment, Supplier
from tests import factories
from tests.certification.documents import certificate_pdf
from tests.security.scenario import ROLES, Scenario

OK = "ok"
FORBIDDEN = "403"
NOT_FOUND = "404"
LOGIN = "login"
CONFLICT = "409"
INVALID = "invalid"


def outcomes(*by_role: str, unvetted_anchor: str) -> dict[str, str]:
    """Outcomes in ROLES order (anonymous first); the unvetted anchor's is named, always."""
    return dict(zip(ROLES, (*by_role, unvetted_anchor), strict=True))


# -- who gets what: the patterns the rows share ------------------------------------------------

EVERYONE = outcomes(OK, OK, OK, OK, OK, OK, OK, OK, unvetted_anchor=OK)
SIGNED_IN = outcomes(LOGIN, OK, OK, OK, OK, OK, OK, OK, unvetted_anchor=OK)
# Something only its owner (MSME A's user) has: notifications, API tokens.
ONLY_A = {**dict.fromkeys(ROLES, NOT_FOUND), "anonymous": LOGIN, "msme_a": OK}
# Supplier A's full profile: A itself, the firms and coordinator of its cluster, admins.
READ_A = outcomes(LOGIN, OK, NOT_FOUND, OK, NOT_FOUND, OK, NOT_FOUND, OK, unvetted_anchor=FORBIDDEN)
# Changing A's profile or certificates: A and its coordinator; anchors never change them.
EDIT_A = outcomes(
    LOGIN, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, OK, unvetted_anchor=FORBIDDEN
)
# A's certificate records, their history and A's readiness: as for changing the profile.
RECORDS_A = EDIT_A
COORDINATORS = outcomes(
    LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, OK, unvetted_anchor=FORBIDDEN
)
ADMINS = outcomes(
    LOGIN,
    FORBIDDEN,
    FORBIDDEN,
    FORBIDDEN,
    FORBIDDEN,
    FORBIDDEN,
    FORBIDDEN,
    OK,
    unvetted_anchor=FORBIDDEN,
)
# An object of cluster 1 that coordinators handle (duplicates, imports, the cluster roadmap).
CLUSTER_1_OFFICE = outcomes(
    LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, OK, unvetted_anchor=FORBIDDEN
)
MSMES = outcomes(
    LOGIN, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, unvetted_anchor=FORBIDDEN
)
ANCHORS = outcomes(
    LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN, OK, unvetted_anchor=FORBIDDEN
)
# Posting a requirement needs an anchor firm to post for: admins have none.
ANCHOR_FIRMS = {**ANCHORS, "admin": FORBIDDEN}
# Anchor X's requirement: X and admins manage it, coordinator 1 oversees it, MSME A was
# invited; cluster 2 does not know it exists.
SEES_RFQ = outcomes(
    LOGIN, OK, NOT_FOUND, OK, NOT_FOUND, OK, NOT_FOUND, OK, unvetted_anchor=NOT_FOUND
)
OVERSEES_RFQ = outcomes(
    LOGIN, FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, OK, NOT_FOUND, OK, unvetted_anchor=FORBIDDEN
)
MANAGES_RFQ = outcomes(
    LOGIN, FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, OK, unvetted_anchor=FORBIDDEN
)
# Quoting and declining: the invited supplier only (admins are not a supplier).
INVITED_SUPPLIER = {
    **dict.fromkeys(ROLES, FORBIDDEN),
    "anonymous": LOGIN,
    "msme_a": OK,
    "msme_b": NOT_FOUND,
}
# Scorecards: any buyer or coordinator may read a listed supplier's.
BUYERS_AND_COORDINATORS = outcomes(
    LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, OK, OK, OK, unvetted_anchor=FORBIDDEN
)


# -- requests ----------------------------------------------------------------------------------


def no_body(scenario: Scenario) -> dict:
    return {}


def version_of(model, row_id: int) -> int:
    return db.session.get(model, row_id).version


def csv_upload(text: str, filename: str = "rows.csv") -> dict:
    return {
        "data": {"file": (io.BytesIO(text.encode()), filename)},
        "content_type": "multipart/form-data",
    }


def pdf_upload() -> dict:
    document = certificate_pdf(["ZED Bronze certificate"])
    return {
        "data": {"file": (io.BytesIO(document), "zed.pdf")},
        "content_type": "multipart/form-data",
    }


def supplier_csv(scenario: Scenario) -> dict:
    return csv_upload(f"supplier_ref,name\n{factories.unique('SEC-')},Utkal Magnet Tools\n")


def requirement_csv(scenario: Scenario) -> dict:
    return csv_upload(
        "requirement_ref,anchor,title,description,category,required_certs,preferred_certs,"
        "quantity_per_month,tolerance_mm,plant_pincode,plant_lat,plant_lon,max_distance_km,"
        f"needed_by\n{factories.unique('SEC-RFQ-')},Kalinga Magnets,Graphite boats for "
        "sintering,,furnace_parts,,,500,,,,,,\n"
    )


def _quote_lines(requirement_id: int) -> list[dict]:
    return [
        {"line_item_id": item.id, "unit_price_inr": 1250.0}
        for item in line_items(db.session, requirement_id)
    ]


def quote_json(scenario: Scenario, key: str = "rfq_invited", *, revise: bool = False) -> dict:
    requirement_id = scenario.ids[key]
    body = {
        "lead_time_days": 14,
        "valid_until": (utcnow() + timedelta(days=60)).date().isoformat(),
        "lines": _quote_lines(requirement_id),
    }
    if revise:
        body["version"] = db.session.exec(
            select(Quote.version).where(
                Quote.requirement_id == requirement_id,
                Quote.supplier_id == scenario.supplier_a.id,
            )
        ).one()
    return {"json": body}


def quote_form(scenario: Scenario) -> dict:
    requirement_id = scenario.ids["rfq_invited"]
    prices = {f"price_{line['line_item_id']}": "1250" for line in _quote_lines(requirement_id)}
    valid_until = (utcnow() + timedelta(days=60)).date().isoformat()
    return {"data": {"lead_time_days": "14", "valid_until": valid_until, **prices}}


def rating(scenario: Scenario) -> dict:
    return {"quality": 4, "on_time": 5, "communication": 4, "delivered_on": str(today_in_india())}


def renewal(scenario: Scenario) -> dict:
    today = today_in_india()
    return {
        "version": version_of(SupplierCertificate, scenario.ids["certificate_a"]),
        "certificate_number": "QMS-RENEWED-2027",
        "issuing_body": "TUV India",
        "issued_on": str(today),
        "expires_on": str(today + timedelta(days=1095)),
    }


def certificate_version(scenario: Scenario) -> int:
    return version_of(SupplierCertificate, scenario.ids["certificate_a"])


def requirement_version(scenario: Scenario, key: str = "rfq_open") -> int:
    return version_of(Requirement, scenario.ids[key])


def json_body(make: Callable[[Scenario], dict]) -> Callable[[Scenario], dict]:
    return lambda scenario: {"json": make(scenario)}


def form_body(make: Callable[[Scenario], dict]) -> Callable[[Scenario], dict]:
    return lambda scenario: {"data": {k: str(v) for k, v in make(scenario).items()}}


def fixed_json(body: dict) -> Callable[[Scenario], dict]:
    return lambda scenario: {"json": body}


def fixed_form(body: dict) -> Callable[[Scenario], dict]:
    return lambda scenario: {"data": body}


# -- the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    # Formatted with the scenario's ids, e.g. "/api/suppliers/{supplier_a}".
    path: str
    expected: Mapping[str, str]
    request: Callable[[Scenario], dict] = no_body
    # The request ends or renews the session (sign out, password change): it gets a client
    # of its own, so that the role's shared client stays signed in.
    own_client: bool = False

    @property
    def label(self) -> str:
        return f"{self.method} {self.path} ({self.endpoint})"


# Routes anyone may use, signed in or not; a GET path to show each answers (None: POST only).
PUBLIC = {
    "home.index": "/",
    "home.healthz": "/healthz",
    "static": "/static/app.css",
    "home.swagger_assets": "/api/docs/assets/swagger-ui.css",
    "api-docs.openapi_json": "/api/openapi.json",
    "api-docs.openapi_swagger_ui": "/api/docs",
    "accounts.login": "/login",
    # The language switcher at the foot of every page: a cookie, and a signed-in user's choice.
    "language.choose": None,
    "accounts.signup": "/signup",
    "auth_api.login": None,
    "auth_api.signup": None,
    "auth_api.csrf_token": "/api/auth/csrf",
    # Password reset and e-mail verification: the token in the body or link is the proof.
    "accounts.forgot_password": "/password-reset",
    "accounts.reset_password": "/password-reset/not-a-live-token",
    "accounts.verify_email": "/verify-email/not-a-live-token",
    "auth_api.request_password_reset": None,
    "auth_api.confirm_password_reset": None,
    "auth_api.verify_email": None,
    # The second step of signing in: the password was right in this browser's session.
    "two_factor.login_second_step": "/login/two-factor",
    "two_factor_api.login_second_step": None,
    # Claiming an imported profile: the invitation's link, or the code sent to the profile's
    # e-mail on record, is the proof.
    "onboarding.claim_by_link": "/claim/not-a-live-token",
    "onboarding.claim_by_code": "/claim-profile",
    "onboarding_api.claim_by_link": None,
    "onboarding_api.request_claim_code": None,
    "onboarding_api.claim_by_code": None,
    # The public directory: names, classes, capabilities and counting certificates only.
    "suppliers.directory": "/directory",
    "suppliers.public_profile": "/directory/{supplier_a}",
    "suppliers_api.directory": "/api/suppliers/directory",
    "suppliers_api.directory_entry": "/api/suppliers/directory/{supplier_a}",
    # Reference data: what each certificate signals.
    "certificates_api.catalogue": "/api/certificates/catalogue",
}

A = "/api/suppliers/{supplier_a}"
CERT = "/api/certificates/{certificate_a}"
RFQ = "/api/requirements/{rfq_open}"
PAGE_RFQ = "/requirements/{rfq_open}"

ACCOUNT_ROUTES = [
    Route("accounts.account", "GET", "/account", SIGNED_IN),
    Route(
        "accounts.change_password",
        "POST",
        "/account/password",
        SIGNED_IN,
        fixed_form(
            {
                "current_password": factories.PASSWORD,
                "new_password": "another magnet passphrase 2026",
            }
        ),
        own_client=True,
    ),
    Route(
        "accounts.create_token", "POST", "/account/tokens", SIGNED_IN, fixed_form({"name": "ci"})
    ),
    Route("accounts.revoke_token", "POST", "/account/tokens/{token_a}/revoke", ONLY_A),
    # Signing out is harmless for anyone; anonymous is simply sent home.
    Route("accounts.logout", "POST", "/logout", EVERYONE, own_client=True),
    Route("auth_api.me", "GET", "/api/auth/me", SIGNED_IN),
    Route(
        "auth_api.change_password",
        "POST",
        "/api/auth/password",
        SIGNED_IN,
        fixed_json(
            {
                "current_password": factories.PASSWORD,
                "new_password": "another magnet passphrase 2026",
            }
        ),
        own_client=True,
    ),
    Route("auth_api.logout", "POST", "/api/auth/logout", EVERYONE, own_client=True),
    # Everyone in the scenario has verified the address already: the API says so (409), the
    # page flashes it.
    Route(
        "auth_api.resend_verification",
        "POST",
        "/api/auth/verify-email/resend",
        outcomes(
            LOGIN,
            CONFLICT,
            CONFLICT,
            CONFLICT,
            CONFLICT,
            CONFLICT,
            CONFLICT,
            CONFLICT,
            unvetted_anchor=CONFLICT,
        ),
    ),
    Route("accounts.resend_verification", "POST", "/account/verify-email", SIGNED_IN),
    Route("tokens_api.list_tokens", "GET", "/api/tokens", SIGNED_IN),
    Route("tokens_api.create_token", "POST", "/api/tokens", SIGNED_IN, fixed_json({"name": "ci"})),
    Route("tokens_api.revoke_token", "DELETE", "/api/tokens/{token_a}", ONLY_A),
    # Vetting anchor firms: the unvetted anchor of cluster 1 waits for coordinator 1.
    Route("vetting_api.vetting_queue", "GET", "/api/anchor-vetting", COORDINATORS),
    Route(
        "vetting_api.decide_vetting",
        "POST",
        "/api/anchor-vetting/{applicant}",
        CLUSTER_1_OFFICE,
        fixed_json({"decision": "approve"}),
    ),
    Route("accounts.vetting_queue", "GET", "/anchors/vetting", COORDINATORS),
    Route(
        "accounts.decide_vetting",
        "POST",
        "/anchors/vetting/{applicant}",
        CLUSTER_1_OFFICE,
        fixed_form({"decision": "reject", "reason": "No such firm at the address given"}),
    ),
]


def _capability_version(scenario):
    return version_of(Capability, scenario.ids["capability_a"])


def _equipment_version(scenario):
    return version_of(Equipment, scenario.ids["equipment_a"])


SUPPLIER_API_ROUTES = [
    Route(
        "suppliers_api.list_suppliers",
        "GET",
        "/api/suppliers?q=plating",
        # Each finds the profiles it may read; an unvetted anchor is sent to the directory.
        {**SIGNED_IN, "unvetted_anchor": FORBIDDEN},
    ),
    Route(
        "suppliers_api.create_supplier",
        "POST",
        "/api/suppliers",
        # An MSME has its profile already (409); anchors do not add suppliers.
        outcomes(
            LOGIN, CONFLICT, CONFLICT, FORBIDDEN, FORBIDDEN, OK, OK, OK, unvetted_anchor=FORBIDDEN
        ),
        fixed_json({"legal_name": "Utkal Magnet Tools"}),
    ),
    Route(
        "suppliers_api.my_profile",
        "GET",
        "/api/suppliers/me",
        # Admins pass every kind check but have no profile of their own.
        outcomes(
            LOGIN,
            OK,
            OK,
            FORBIDDEN,
            FORBIDDEN,
            FORBIDDEN,
            FORBIDDEN,
            NOT_FOUND,
            unvetted_anchor=FORBIDDEN,
        ),
    ),
    Route("suppliers_api.get_supplier", "GET", A, READ_A),
    Route(
        "suppliers_api.get_supplier",
        "GET",
        "/api/suppliers/{unlisted_supplier}",
        # Unlisted means out of the public directory, not hidden from its own cluster.
        outcomes(
            LOGIN, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK, NOT_FOUND, OK, unvetted_anchor=FORBIDDEN
        ),
    ),
    Route(
        "suppliers_api.update_supplier",
        "PATCH",
        A,
        EDIT_A,
        json_body(lambda s: {"employees": 42, "version": version_of(Supplier, s.supplier_a.id)}),
    ),
    Route("suppliers_api.list_capabilities", "GET", A + "/capabilities", READ_A),
    Route(
        "suppliers_api.add_capabilities",
        "POST",
        A + "/capabilities",
        EDIT_A,
        fixed_json({"category": "testing", "process": "corrosion_testing"}),
    ),
    Route(
        "suppliers_api.update_capabilities",
        "PATCH",
        A + "/capabilities/{capability_a}",
        EDIT_A,
        json_body(lambda s: {"capacity_per_month": 500, "version": _capability_version(s)}),
    ),
    Route(
        "suppliers_api.delete_capabilities",
        "DELETE",
        A + "/capabilities/{capability_a}",
        EDIT_A,
        lambda s: {"query_string": {"version": _capability_version(s)}},
    ),
    Route("suppliers_api.list_equipment", "GET", A + "/equipment", READ_A),
    Route(
        "suppliers_api.add_equipment",
        "POST",
        A + "/equipment",
        EDIT_A,
        fixed_json({"machine": "Wire EDM"}),
    ),
    Route(
        "suppliers_api.update_equipment",
        "PATCH",
        A + "/equipment/{equipment_a}",
        EDIT_A,
        json_body(lambda s: {"count": 3, "version": _equipment_version(s)}),
    ),
    Route(
        "suppliers_api.delete_equipment",
        "DELETE",
        A + "/equipment/{equipment_a}",
        EDIT_A,
        lambda s: {"query_string": {"version": _equipment_version(s)}},
    ),
    Route(
        "suppliers_api.import_suppliers",
        "POST",
        "/api/suppliers/import",
        COORDINATORS,
        supplier_csv,
    ),
    Route("suppliers_api.list_imports", "GET", "/api/suppliers/imports", COORDINATORS),
    Route("suppliers_api.get_import", "GET", "/api/suppliers/imports/{import_1}", CLUSTER_1_OFFICE),
    Route("suppliers_api.list_duplicates", "GET", "/api/suppliers/duplicates", COORDINATORS),
    Route("suppliers_api.scan_duplicates", "POST", "/api/suppliers/duplicates/scan", COORDINATORS),
    Route(
        "suppliers_api.merge_duplicates",
        "POST",
        "/api/suppliers/duplicates/{duplicate_1}/merge",
        CLUSTER_1_OFFICE,
        json_body(lambda s: {"keep_id": s.ids["duplicate_1_keep"]}),
    ),
    Route(
        "suppliers_api.dismiss_duplicates",
        "POST",
        "/api/suppliers/duplicates/{duplicate_1}/dismiss",
        CLUSTER_1_OFFICE,
    ),
    Route("scorecards_api.scorecard", "GET", A + "/scorecard", BUYERS_AND_COORDINATORS),
    Route(
        "scorecards_api.scorecard",
        "GET",
        "/api/suppliers/{unlisted_supplier}/scorecard",
        # An unlisted supplier's scorecard is for its own cluster's coordinator.
        outcomes(
            LOGIN,
            FORBIDDEN,
            FORBIDDEN,
            NOT_FOUND,
            NOT_FOUND,
            OK,
            NOT_FOUND,
            OK,
            unvetted_anchor=FORBIDDEN,
        ),
    ),
]

P = "/suppliers/{supplier_a}"
SUPPLIER_PAGE_ROUTES = [
    Route(
        "suppliers.my_profile",
        "GET",
        "/suppliers/me",
        outcomes(
            LOGIN,
            OK,
            OK,
            FORBIDDEN,
            FORBIDDEN,
            FORBIDDEN,
            FORBIDDEN,
            NOT_FOUND,
            unvetted_anchor=FORBIDDEN,
        ),
    ),
    Route("suppliers.detail", "GET", P, READ_A),
    Route(
        "suppliers.search_page",
        "GET",
        "/suppliers?q=plating",
        outcomes(LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, OK, OK, OK, unvetted_anchor=FORBIDDEN),
    ),
    Route("suppliers.new", "GET", "/suppliers/new", COORDINATORS),
    Route(
        "suppliers.new",
        "POST",
        "/suppliers/new",
        COORDINATORS,
        fixed_form({"legal_name": "Utkal Magnet Tools"}),
    ),
    Route("suppliers.edit", "GET", P + "/edit", EDIT_A),
    Route(
        "suppliers.edit",
        "POST",
        P + "/edit",
        EDIT_A,
        form_body(
            lambda s: {
                "legal_name": "Asha Precision Works",
                "version": version_of(Supplier, s.supplier_a.id),
            }
        ),
    ),
    Route(
        "suppliers.add_capabilities",
        "POST",
        P + "/capabilities",
        EDIT_A,
        fixed_form({"category": "testing", "description": "CMM inspection"}),
    ),
    Route("suppliers.edit_capabilities", "GET", P + "/capabilities/{capability_a}/edit", EDIT_A),
    Route(
        "suppliers.edit_capabilities",
        "POST",
        P + "/capabilities/{capability_a}/edit",
        EDIT_A,
        form_body(lambda s: {"category": "coatings", "version": _capability_version(s)}),
    ),
    Route(
        "suppliers.delete_capabilities",
        "POST",
        P + "/capabilities/{capability_a}/delete",
        EDIT_A,
        form_body(lambda s: {"version": _capability_version(s)}),
    ),
    Route(
        "suppliers.add_equipment",
        "POST",
        P + "/equipment",
        EDIT_A,
        fixed_form({"machine": "Lathe"}),
    ),
    Route("suppliers.edit_equipment", "GET", P + "/equipment/{equipment_a}/edit", EDIT_A),
    Route(
        "suppliers.edit_equipment",
        "POST",
        P + "/equipment/{equipment_a}/edit",
        EDIT_A,
        form_body(lambda s: {"machine": "Lathe", "count": 2, "version": _equipment_version(s)}),
    ),
    Route(
        "suppliers.delete_equipment",
        "POST",
        P + "/equipment/{equipment_a}/delete",
        EDIT_A,
        form_body(lambda s: {"version": _equipment_version(s)}),
    ),
    Route("suppliers.import_page", "GET", "/suppliers/import", COORDINATORS),
    Route("suppliers.import_template", "GET", "/suppliers/import/template.csv", COORDINATORS),
    Route("suppliers.import_page", "POST", "/suppliers/import", COORDINATORS, supplier_csv),
    Route("suppliers.import_report", "GET", "/suppliers/imports/{import_1}", CLUSTER_1_OFFICE),
    Route(
        "suppliers.import_report_csv",
        "GET",
        "/suppliers/imports/{import_1}/report.csv",
        CLUSTER_1_OFFICE,
    ),
    Route("suppliers.duplicates", "GET", "/suppliers/duplicates", COORDINATORS),
    Route("suppliers.scan_duplicates", "POST", "/suppliers/duplicates/scan", COORDINATORS),
    Route(
        "suppliers.merge_duplicates",
        "POST",
        "/suppliers/duplicates/{duplicate_1}/merge",
        CLUSTER_1_OFFICE,
        form_body(lambda s: {"keep_id": s.ids["duplicate_1_keep"]}),
    ),
    Route(
        "suppliers.dismiss_duplicates",
        "POST",
        "/suppliers/duplicates/{duplicate_1}/dismiss",
        CLUSTER_1_OFFICE,
    ),
    Route("requirements.scorecard", "GET", P + "/scorecard", BUYERS_AND_COORDINATORS),
]

# A's issued certificate: anchor X, which has A's quotes, may read it and its evidence
# (but not A's plans, its history or readiness).
READ_ISSUED_A = READ_A
CERTIFICATE_API_ROUTES = [
    Route(
        "certificates_api.list_certificates",
        "GET",
        "/api/certificates",
        outcomes(LOGIN, OK, OK, FORBIDDEN, FORBIDDEN, OK, OK, OK, unvetted_anchor=FORBIDDEN),
    ),
    Route(
        "certificates_api.create_certificate",
        "POST",
        "/api/certificates",
        EDIT_A,
        json_body(lambda s: {"code": "ISO14001", "supplier_id": s.supplier_a.id}),
    ),
    Route(
        "certificates_api.verification_queue",
        "GET",
        "/api/certificates/verification-queue",
        COORDINATORS,
    ),
    Route("certificates_api.get_certificate", "GET", CERT, READ_ISSUED_A),
    Route(
        "certificates_api.get_certificate",
        "GET",
        "/api/certificates/{plan_a}",
        # A plan is the MSME's own business: no anchor reads it, quotes or not.
        outcomes(
            LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK, unvetted_anchor=FORBIDDEN
        ),
    ),
    Route(
        "certificates_api.update_certificate",
        "PATCH",
        CERT,
        RECORDS_A,
        json_body(lambda s: {"version": certificate_version(s), "scope": "Sintered magnets"}),
    ),
    Route(
        "certificates_api.transition",
        "POST",
        CERT + "/transitions",
        RECORDS_A,
        json_body(lambda s: {"version": certificate_version(s), "to": "suspended"}),
    ),
    Route("certificates_api.renew", "POST", CERT + "/renewals", RECORDS_A, json_body(renewal)),
    Route(
        "certificates_api.decide_verification",
        "POST",
        CERT + "/verification",
        CLUSTER_1_OFFICE,
        json_body(lambda s: {"version": certificate_version(s), "decision": "verify"}),
    ),
    Route("certificates_api.history", "GET", CERT + "/history", RECORDS_A),
    Route("certificates_api.list_evidence", "GET", CERT + "/evidence", READ_ISSUED_A),
    Route(
        "certificates_api.upload_evidence",
        "POST",
        CERT + "/evidence",
        RECORDS_A,
        lambda s: pdf_upload(),
    ),
    Route(
        "certificates_api.download_evidence",
        "GET",
        CERT + "/evidence/{evidence_a}",
        READ_ISSUED_A,
    ),
    Route("readiness_api.readiness", "GET", "/api/readiness/suppliers/{supplier_a}", RECORDS_A),
    Route(
        "readiness_api.supplier_roadmap",
        "GET",
        "/api/readiness/suppliers/{supplier_a}/roadmap",
        RECORDS_A,
    ),
    Route(
        "readiness_api.cluster_roadmap_view",
        "GET",
        "/api/readiness/clusters/{cluster_1}/roadmap",
        CLUSTER_1_OFFICE,
    ),
]

C = "/certificates/{certificate_a}"
# Pages about "my" records: MSMEs see their own; coordinators are sent on to their queue.
OWN_RECORDS_PAGE = outcomes(
    LOGIN, OK, OK, FORBIDDEN, FORBIDDEN, OK, OK, OK, unvetted_anchor=FORBIDDEN
)
CERTIFICATE_PAGE_ROUTES = [
    Route("certification.my_certificates", "GET", "/certificates", OWN_RECORDS_PAGE),
    Route(
        "certification.my_certificates", "GET", "/certificates?supplier_id={supplier_a}", RECORDS_A
    ),
    Route(
        "certification.create_certificate",
        "POST",
        "/certificates?supplier_id={supplier_a}",
        RECORDS_A,
        fixed_form({"code": "ISO14001"}),
    ),
    Route("certification.certificate_detail", "GET", C, READ_ISSUED_A),
    Route(
        "certification.edit_certificate",
        "POST",
        C + "/edit",
        RECORDS_A,
        form_body(lambda s: {"version": certificate_version(s), "scope": "Sintered magnets"}),
    ),
    Route(
        "certification.transition_certificate",
        "POST",
        C + "/transition",
        RECORDS_A,
        form_body(lambda s: {"version": certificate_version(s), "to": "suspended"}),
    ),
    Route("certification.renew_certificate", "POST", C + "/renew", RECORDS_A, form_body(renewal)),
    Route(
        "certification.decide_verification",
        "POST",
        C + "/verification",
        CLUSTER_1_OFFICE,
        form_body(lambda s: {"version": certificate_version(s), "decision": "verify"}),
    ),
    Route(
        "certification.upload_evidence", "POST", C + "/evidence", RECORDS_A, lambda s: pdf_upload()
    ),
    Route("certification.download_evidence", "GET", C + "/evidence/{evidence_a}", READ_ISSUED_A),
    Route("certification.verification_queue", "GET", "/certificates/verification", COORDINATORS),
    Route("certification.readiness", "GET", "/readiness", OWN_RECORDS_PAGE),
    Route("certification.readiness", "GET", "/readiness?supplier_id={supplier_a}", RECORDS_A),
    Route("certification.cluster_roadmap", "GET", "/readiness/cluster", COORDINATORS),
    Route(
        "certification.cluster_roadmap",
        "GET",
        "/readiness/cluster?cluster_id={cluster_1}",
        CLUSTER_1_OFFICE,
    ),
]

REQUIREMENT_API_ROUTES = [
    Route("requirements_api.list_requirements", "GET", "/api/requirements", SIGNED_IN),
    Route(
        "requirements_api.create_requirement",
        "POST",
        "/api/requirements",
        ANCHOR_FIRMS,
        fixed_json({"title": "Inventory check RFQ", "category": "testing"}),
    ),
    Route("requirements_api.get_requirement", "GET", RFQ, SEES_RFQ),
    Route(
        "requirements_api.get_requirement",
        "GET",
        "/api/requirements/{rfq_draft}",
        # A draft is the anchor's own work: no supplier sees it, invited or not.
        {**SEES_RFQ, "msme_a": NOT_FOUND},
    ),
    Route(
        "requirements_api.update_requirement",
        "PATCH",
        RFQ,
        MANAGES_RFQ,
        json_body(lambda s: {"version": requirement_version(s), "description": "Revised"}),
    ),
    Route(
        "requirements_api.publish",
        "POST",
        "/api/requirements/{rfq_draft}/publish",
        MANAGES_RFQ,
        fixed_json({}),
    ),
    Route("requirements_api.close", "POST", RFQ + "/close", MANAGES_RFQ, fixed_json({})),
    Route(
        "requirements_api.cancel",
        "POST",
        RFQ + "/cancel",
        MANAGES_RFQ,
        fixed_json({"reason": "Plant shutdown"}),
    ),
    Route("requirements_api.history", "GET", RFQ + "/history", OVERSEES_RFQ),
    Route("requirements_api.list_invitations", "GET", RFQ + "/invitations", OVERSEES_RFQ),
    Route(
        "requirements_api.invite",
        "POST",
        RFQ + "/invitations",
        MANAGES_RFQ,
        json_body(lambda s: {"supplier_ids": [s.supplier_b.id]}),
    ),
    Route(
        "requirements_api.decline",
        "POST",
        "/api/requirements/{rfq_invited}/decline",
        INVITED_SUPPLIER,
        fixed_json({"reason": "No capacity this quarter"}),
    ),
    Route("requirements_api.compare", "GET", "/api/requirements/{rfq_ended}/quotes", MANAGES_RFQ),
    Route(
        "requirements_api.submit_quote",
        "POST",
        "/api/requirements/{rfq_invited}/quotes",
        INVITED_SUPPLIER,
        quote_json,
    ),
    Route("requirements_api.my_quote", "GET", RFQ + "/quotes/mine", INVITED_SUPPLIER),
    Route(
        "requirements_api.revise_quote",
        "PUT",
        RFQ + "/quotes/mine",
        INVITED_SUPPLIER,
        lambda s: quote_json(s, "rfq_open", revise=True),
    ),
    Route(
        "requirements_api.award",
        "POST",
        "/api/requirements/{rfq_ended}/award",
        MANAGES_RFQ,
        json_body(lambda s: {"allocations": [{"supplier_id": s.supplier_a.id}]}),
    ),
    Route(
        "requirements_api.list_awards",
        "GET",
        "/api/requirements/{rfq_awarded}/awards",
        OVERSEES_RFQ,
    ),
    Route(
        "requirements_api.rate",
        "POST",
        "/api/requirements/{rfq_awarded}/awards/{award}/rating",
        MANAGES_RFQ,
        json_body(rating),
    ),
    Route(
        "requirements_api.import_requirements",
        "POST",
        "/api/requirements/import",
        COORDINATORS,
        requirement_csv,
    ),
]

REQUIREMENT_PAGE_ROUTES = [
    Route("requirements.anchor_list", "GET", "/requirements", ANCHORS),
    Route("requirements.supplier_list", "GET", "/rfqs", MSMES),
    Route("requirements.coordinator_list", "GET", "/requirements/cluster", COORDINATORS),
    Route("requirements.new", "GET", "/requirements/new", ANCHOR_FIRMS),
    Route(
        "requirements.new",
        "POST",
        "/requirements/new",
        ANCHOR_FIRMS,
        fixed_form(
            {"title": "Inventory check RFQ", "category": "testing", "visibility": "cluster"}
        ),
    ),
    Route("requirements.detail", "GET", PAGE_RFQ, SEES_RFQ),
    Route("requirements.edit", "GET", PAGE_RFQ + "/edit", MANAGES_RFQ),
    Route(
        "requirements.edit",
        "POST",
        # The form sends every field; on a quoted requirement its line items may not change.
        "/requirements/{rfq_draft}/edit",
        MANAGES_RFQ,
        lambda s: {
            "data": {
                "title": "X draft: graphite fixtures and lids",
                "category": "furnace_parts",
                "version": str(requirement_version(s, "rfq_draft")),
            }
        },
    ),
    Route("requirements.publish", "POST", "/requirements/{rfq_draft}/publish", MANAGES_RFQ),
    Route("requirements.close", "POST", PAGE_RFQ + "/close", MANAGES_RFQ),
    Route(
        "requirements.cancel",
        "POST",
        PAGE_RFQ + "/cancel",
        MANAGES_RFQ,
        fixed_form({"reason": "Plant shutdown"}),
    ),
    Route(
        "requirements.invite",
        "POST",
        PAGE_RFQ + "/invite",
        MANAGES_RFQ,
        lambda s: {"data": {"supplier_ids": str(s.supplier_b.id)}},
    ),
    Route(
        "requirements.submit_quote",
        "POST",
        "/requirements/{rfq_invited}/quote",
        INVITED_SUPPLIER,
        quote_form,
    ),
    Route(
        "requirements.decline",
        "POST",
        "/requirements/{rfq_invited}/decline",
        INVITED_SUPPLIER,
        fixed_form({"reason": "No capacity this quarter"}),
    ),
    Route(
        "requirements.add_drawing",
        "POST",
        PAGE_RFQ + "/drawings",
        MANAGES_RFQ,
        lambda s: pdf_upload(),
    ),
    # The invited supplier (MSME A), the anchor, its coordinator and admins; nobody else.
    Route("requirements.drawing", "GET", PAGE_RFQ + "/drawings/{drawing_open}", SEES_RFQ),
    Route(
        "requirements.remove_drawing",
        "POST",
        PAGE_RFQ + "/drawings/{drawing_open}/remove",
        MANAGES_RFQ,
    ),
    Route("requirements.comparison", "GET", "/requirements/{rfq_ended}/comparison", MANAGES_RFQ),
    Route(
        "requirements.comparison_csv",
        "GET",
        "/requirements/{rfq_ended}/comparison.csv",
        MANAGES_RFQ,
    ),
    Route("requirements.award", "GET", "/requirements/{rfq_ended}/award", MANAGES_RFQ),
    Route(
        "requirements.award",
        "POST",
        "/requirements/{rfq_ended}/award",
        MANAGES_RFQ,
        lambda s: {"data": {f"award_{s.supplier_a.id}": "1"}},
    ),
    Route(
        "requirements.rate", "GET", "/requirements/{rfq_awarded}/awards/{award}/rate", MANAGES_RFQ
    ),
    Route(
        "requirements.rate",
        "POST",
        "/requirements/{rfq_awarded}/awards/{award}/rate",
        MANAGES_RFQ,
        form_body(rating),
    ),
    Route("requirements.import_page", "GET", "/requirements/import", COORDINATORS),
    Route("requirements.import_template", "GET", "/requirements/import/template.csv", COORDINATORS),
    Route(
        "requirements.import_page", "POST", "/requirements/import", COORDINATORS, requirement_csv
    ),
]

NOTIFICATION_ROUTES = [
    Route("notifications.inbox", "GET", "/notifications", SIGNED_IN),
    Route("notifications.mark_read", "POST", "/notifications/{notification_a}/read", ONLY_A),
    Route("notifications.mark_all_read", "POST", "/notifications/read-all", SIGNED_IN),
    Route("notifications_api.list_notifications", "GET", "/api/notifications", SIGNED_IN),
    Route(
        "notifications_api.mark_read", "POST", "/api/notifications/{notification_a}/read", ONLY_A
    ),
    Route("notifications_api.mark_all_read", "POST", "/api/notifications/read-all", SIGNED_IN),
]

MATCHING_ROUTES = [
    Route("matching_api.matches", "GET", RFQ + "/matches", OVERSEES_RFQ),
    Route("matching_api.get_weights", "GET", RFQ + "/match-weights", OVERSEES_RFQ),
    Route(
        "matching_api.put_weights",
        "PUT",
        RFQ + "/match-weights",
        MANAGES_RFQ,
        json_body(lambda s: {"weights": {"distance": 0.3}, "version": requirement_version(s)}),
    ),
    Route("matching_api.get_shortlist", "GET", RFQ + "/shortlist", OVERSEES_RFQ),
    Route(
        "matching_api.add_to_shortlist",
        "POST",
        RFQ + "/shortlist",
        MANAGES_RFQ,
        json_body(lambda s: {"supplier_id": s.supplier_c.id}),
    ),
    Route(
        "matching_api.remove_from_shortlist",
        "DELETE",
        RFQ + "/shortlist/{supplier_a}",
        MANAGES_RFQ,
    ),
    Route("matching.requirement_matches", "GET", PAGE_RFQ + "/matches", OVERSEES_RFQ),
    Route(
        "matching.invite",
        "POST",
        PAGE_RFQ + "/matches/invite",
        MANAGES_RFQ,
        lambda s: {"data": {"supplier_id": str(s.supplier_b.id)}},
    ),
    Route(
        "matching.shortlist_add",
        "POST",
        PAGE_RFQ + "/matches/shortlist",
        MANAGES_RFQ,
        lambda s: {"data": {"supplier_id": str(s.supplier_c.id)}},
    ),
    Route(
        "matching.shortlist_remove",
        "POST",
        PAGE_RFQ + "/matches/shortlist/{supplier_a}/remove",
        MANAGES_RFQ,
    ),
    Route(
        "matching.weights",
        "POST",
        PAGE_RFQ + "/matches/weights",
        MANAGES_RFQ,
        form_body(lambda s: {"version": requirement_version(s), "distance": 0.3}),
    ),
]

REPORT_ROUTES = [
    Route("reports_api.dashboard", "GET", "/api/reports/dashboard", COORDINATORS),
    Route(
        "reports_api.dashboard",
        "GET",
        "/api/reports/dashboard?cluster_id={cluster_1}",
        CLUSTER_1_OFFICE,
    ),
    Route("reports_api.report", "GET", "/api/reports/requirements/{rfq_open}", OVERSEES_RFQ),
    Route(
        "reports_api.add_note",
        "POST",
        "/api/reports/requirements/{rfq_open}/notes",
        CLUSTER_1_OFFICE,
        json_body(lambda s: {"supplier_id": s.supplier_a.id, "recommendation": "consider"}),
    ),
    Route("reports.dashboard", "GET", "/dashboard", COORDINATORS),
    Route("reports.dashboard", "GET", "/dashboard?cluster_id={cluster_1}", CLUSTER_1_OFFICE),
    Route("reports.dashboard_csv", "GET", "/dashboard/categories.csv", COORDINATORS),
    Route("reports.match_report_page", "GET", PAGE_RFQ + "/report", OVERSEES_RFQ),
    Route("reports.match_report_print", "GET", PAGE_RFQ + "/report/print", OVERSEES_RFQ),
    Route("reports.match_report_csv", "GET", PAGE_RFQ + "/report.csv", OVERSEES_RFQ),
    Route(
        "reports.add_note",
        "POST",
        PAGE_RFQ + "/report/notes",
        CLUSTER_1_OFFICE,
        form_body(lambda s: {"supplier_id": s.supplier_a.id, "text": "Visit the plating line"}),
    ),
]

REASSIGNMENT = {"email": "director@reassigned.example", "reason": "Claimed by the wrong person"}
# The unlisted supplier of cluster 1 was imported and nobody has claimed it; A and C are
# claimed (one reassignment each, so that the API's and the page's rows do not meet).
ONBOARDING_ROUTES = [
    Route("onboarding_api.list_statuses", "GET", "/api/supplier-invitations", COORDINATORS),
    Route(
        "onboarding_api.invite",
        "POST",
        "/api/supplier-invitations",
        COORDINATORS,
        fixed_json({"all_uninvited": True}),
    ),
    Route(
        "onboarding_api.invitation_status",
        "GET",
        "/api/suppliers/{unlisted_supplier}/invitation",
        CLUSTER_1_OFFICE,
    ),
    Route(
        "onboarding_api.send_invitation",
        "POST",
        "/api/suppliers/{unlisted_supplier}/invitation",
        CLUSTER_1_OFFICE,
    ),
    Route(
        "onboarding_api.reassign",
        "POST",
        A + "/reassign",
        CLUSTER_1_OFFICE,
        fixed_json(REASSIGNMENT),
    ),
    Route("onboarding.onboarding_list", "GET", "/suppliers/onboarding", COORDINATORS),
    Route(
        "onboarding.invite",
        "POST",
        "/suppliers/invitations",
        COORDINATORS,
        fixed_form({"all_uninvited": "1"}),
    ),
    Route(
        "onboarding.send_invitation",
        "POST",
        "/suppliers/{unlisted_supplier}/invitation",
        CLUSTER_1_OFFICE,
    ),
    Route(
        "onboarding.reassign",
        "POST",
        "/suppliers/{supplier_c}/reassign",
        CLUSTER_1_OFFICE,
        fixed_form(REASSIGNMENT),
    ),
]

# Two-factor sign-in is the coordinators' and admins'. Nobody has started setting it up when
# the confirmations run (409: start first); they come before the setups for that reason.
COORDINATOR_CONFLICT = {
    **COORDINATORS,
    **dict.fromkeys(("coordinator_1", "coordinator_2", "admin"), CONFLICT),
}
TWO_FACTOR_ROUTES = [
    Route(
        "two_factor_api.confirm",
        "POST",
        "/api/auth/two-factor/confirm",
        COORDINATOR_CONFLICT,
        fixed_json({"code": "123456"}),
    ),
    Route(
        "two_factor.confirm",
        "POST",
        "/account/two-factor/confirm",
        COORDINATOR_CONFLICT,
        fixed_form({"code": "123456"}),
    ),
    Route("two_factor_api.status", "GET", "/api/auth/two-factor", COORDINATORS),
    Route("two_factor_api.start", "POST", "/api/auth/two-factor/setup", COORDINATORS),
    Route("two_factor.settings", "GET", "/account/two-factor", COORDINATORS),
    Route("two_factor.start", "POST", "/account/two-factor/start", COORDINATORS),
    Route(
        "two_factor_api.disable",
        "POST",
        "/api/auth/two-factor/disable",
        COORDINATORS,
        fixed_json({"password": factories.PASSWORD}),
    ),
    Route(
        "two_factor.disable",
        "POST",
        "/account/two-factor/disable",
        COORDINATORS,
        fixed_form({"password": factories.PASSWORD}),
    ),
    Route("security_policy_api.get_policy", "GET", "/api/admin/security-policy", ADMINS),
    Route(
        "security_policy_api.put_policy",
        "PUT",
        "/api/admin/security-policy",
        ADMINS,
        fixed_json({"two_factor_required": False}),
    ),
    Route("two_factor.policy", "GET", "/admin/security", ADMINS),
    Route("two_factor.policy", "POST", "/admin/security", ADMINS, fixed_form({})),
]

# Platform administration: admins only.
ADMIN_ROUTES = [
    Route("admin.users", "GET", "/admin/users", ADMINS),
    Route(
        "admin.create_user",
        "POST",
        "/admin/users",
        ADMINS,
        form_body(
            lambda s: {
                "email": f"{factories.unique('colleague')}@example.in",
                "full_name": "Nandini Colleague",
                "role": "member",
                "organisation_id": s.users["msme_c"].organisation_id,
            }
        ),
    ),
    Route(
        "admin.set_user_active",
        "POST",
        "/admin/users/{applicant}/active",
        ADMINS,
        fixed_form({"active": "false"}),
    ),
    Route(
        "admin.change_role",
        "POST",
        "/admin/users/{applicant}/role",
        ADMINS,
        fixed_form({"role": "member"}),
    ),
    Route("admin.organisations", "GET", "/admin/organisations", ADMINS),
    Route(
        "admin.create_organisation",
        "POST",
        "/admin/organisations",
        ADMINS,
        form_body(
            lambda s: {
                "kind": "msme",
                "name": factories.unique("Kalinga Tool Room "),
                "cluster_id": s.ids["cluster_1"],
            }
        ),
    ),
    Route(
        "admin.set_organisation_active",
        "POST",
        "/admin/organisations/{applicant_firm}/active",
        ADMINS,
        fixed_form({"active": "false"}),
    ),
    Route("admin.clusters", "GET", "/admin/clusters", ADMINS),
    Route(
        "admin.create_cluster",
        "POST",
        "/admin/clusters",
        ADMINS,
        form_body(
            lambda s: {
                "slug": factories.unique("bhadrak-"),
                "name": "Bhadrak REPM cluster",
                "state": "Odisha",
            }
        ),
    ),
]

# Background jobs: a job's page and status are its starter's (coordinator 1 here) and the
# admins'; anyone else signed in gets 404. Queue depth and failures: admins only.
JOB_1 = outcomes(
    LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, OK, unvetted_anchor=NOT_FOUND
)
JOB_ROUTES = [
    Route("jobs.job_page", "GET", "/jobs/{job_1}", JOB_1),
    Route("jobs_api.get_job", "GET", "/api/jobs/{job_1}", JOB_1),
    Route("jobs.admin_jobs", "GET", "/admin/jobs", ADMINS),
    Route("jobs_api.jobs_status", "GET", "/api/admin/jobs", ADMINS),
]

# Payments under anchor X's award to MSME A: the two parties and admins; anchor Y and MSME B
# do not know the order exists; coordinators are the wrong kind of user (they see counts,
# on the anchor scorecard).
PO_PARTIES = outcomes(
    LOGIN, OK, NOT_FOUND, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, OK, unvetted_anchor=FORBIDDEN
)
PO_BUYER = outcomes(
    LOGIN, FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, OK, unvetted_anchor=FORBIDDEN
)
# Placing an order from the award's page: the page is the parties', placing is the buyer's.
PO_PLACING_PAGE = {**PO_BUYER, "msme_a": FORBIDDEN, "msme_b": NOT_FOUND}
# Invoices are raised by the supplier; admins are not a supplier.
PO_SUPPLIER = outcomes(
    LOGIN, OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
    unvetted_anchor=FORBIDDEN,
)  # fmt: skip
# What is due to or from one's own firm: MSMEs and anchor firms (admins have no side).
PAYMENT_SIDES = outcomes(
    LOGIN, OK, OK, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, unvetted_anchor=FORBIDDEN
)


def purchase_order_json(scenario: Scenario) -> dict:
    return {
        "number": factories.unique("PO/SEC/"),
        "ordered_on": str(today_in_india() - timedelta(days=1)),
        "quantity": 10,
        "value_inr": 1000,
        "agreed_payment_days": 30,
    }


def delivery_json(scenario: Scenario) -> dict:
    return {"delivered_on": str(today_in_india()), "quantity": 5}


def invoice_json(scenario: Scenario) -> dict:
    return {
        "delivery_id": scenario.ids["delivery"],
        "number": factories.unique("INV/SEC/"),
        "invoiced_on": str(today_in_india()),
        "amount_inr": 1000,
    }


def payment_json(scenario: Scenario) -> dict:
    return {"paid_on": str(today_in_india()), "amount_inr": 1000, "reference": "UTR123"}


def objection_json(scenario: Scenario) -> dict:
    return {"objected_on": str(today_in_india()), "reason": "Coating thickness out of tolerance"}


def removal_json(scenario: Scenario) -> dict:
    return {"removed_on": str(today_in_india())}


PO = "/purchase-orders/{purchase_order}"
PAYMENT_ROUTES = [
    Route("payments_api.list_orders", "GET", "/api/awards/{award}/purchase-orders", PO_PARTIES),
    Route(
        "payments_api.create_order",
        "POST",
        "/api/awards/{award}/purchase-orders",
        PO_BUYER,
        json_body(purchase_order_json),
    ),
    Route("payments_api.get_order", "GET", "/api" + PO, PO_PARTIES),
    Route(
        "payments_api.record_delivery",
        "POST",
        "/api" + PO + "/deliveries",
        PO_PARTIES,
        json_body(delivery_json),
    ),
    Route(
        "payments_api.object_to_delivery",
        "POST",
        "/api/deliveries/{delivery}/objection",
        PO_BUYER,
        json_body(objection_json),
    ),
    Route(
        "payments_api.remove_objection",
        "POST",
        "/api/deliveries/{delivery_objected}/objection/removal",
        PO_BUYER,
        json_body(removal_json),
    ),
    Route(
        "payments_api.create_invoice",
        "POST",
        "/api" + PO + "/invoices",
        PO_SUPPLIER,
        json_body(invoice_json),
    ),
    Route(
        "payments_api.record_payment",
        "POST",
        "/api/invoices/{invoice}/payments",
        PO_BUYER,
        json_body(payment_json),
    ),
    Route(
        "payments_api.set_delay_reason",
        "PUT",
        "/api/invoices/{invoice}/delay-reason",
        PO_BUYER,
        fixed_json({"reason": "Awaiting the test certificate"}),
    ),
    Route("payments_api.dues", "GET", "/api/payments/dues", PAYMENT_SIDES),
    Route("payments_api.anchor_scorecards", "GET", "/api/payments/anchor-scorecards", COORDINATORS),
    Route("payments.dues_page", "GET", "/payments", PAYMENT_SIDES),
    Route("payments.anchor_scorecards", "GET", "/payments/anchors", COORDINATORS),
    Route("payments.form_1_csv", "GET", "/payments/form-1.csv?year=2026&half=1", ANCHOR_FIRMS),
    Route("payments.section_43bh_csv", "GET", "/payments/section-43bh.csv", ANCHOR_FIRMS),
    Route("payments.award_orders", "GET", "/awards/{award}/purchase-orders", PO_PARTIES),
    Route(
        "payments.award_orders",
        "POST",
        "/awards/{award}/purchase-orders",
        PO_PLACING_PAGE,
        form_body(purchase_order_json),
    ),
    Route("payments.order_page", "GET", PO, PO_PARTIES),
    Route(
        "payments.record_delivery",
        "POST",
        PO + "/deliveries",
        PO_PARTIES,
        form_body(delivery_json),
    ),
    Route(
        "payments.create_invoice",
        "POST",
        PO + "/invoices",
        PO_SUPPLIER,
        form_body(invoice_json),
    ),
    Route(
        "payments.object_to_delivery",
        "POST",
        "/deliveries/{delivery}/objection",
        PO_BUYER,
        form_body(objection_json),
    ),
    Route(
        "payments.remove_objection",
        "POST",
        "/deliveries/{delivery_objected}/objection/removal",
        PO_BUYER,
        form_body(removal_json),
    ),
    Route(
        "payments.record_payment",
        "POST",
        "/invoices/{invoice}/payments",
        PO_BUYER,
        form_body(payment_json),
    ),
    Route(
        "payments.set_delay_reason",
        "POST",
        "/invoices/{invoice}/delay-reason",
        PO_BUYER,
        fixed_form({"reason": "Awaiting the test certificate"}),
    ),
]

# Qualification under the same award: the parties; deciding needs a submitted one (409 on
# the open one), and so on.
QUAL_BUYER_CONFLICT = {**PO_BUYER, "anchor_x": CONFLICT, "admin": CONFLICT}
QUAL = "/api/qualifications/{qualification}"
QUALIFICATION_ROUTES = [
    Route("qualification_api.list_templates", "GET", "/api/qualification-templates", ANCHOR_FIRMS),
    Route(
        "qualification_api.create_template",
        "POST",
        "/api/qualification-templates",
        ANCHOR_FIRMS,
        json_body(lambda s: {"name": factories.unique("FAI "), "kind": "fai"}),
    ),
    Route(
        "qualification_api.open_qualification",
        "POST",
        "/api/awards/{award}/qualifications",
        PO_BUYER,
        json_body(lambda s: {"template_id": s.ids["qual_template"], "part": "Fixture F-7"}),
    ),
    Route("qualification_api.list_qualifications", "GET", "/api/qualifications", PAYMENT_SIDES),
    Route("qualification_api.get_qualification", "GET", QUAL, PO_PARTIES),
    Route(
        "qualification_api.upload_element",
        "POST",
        "/api/qualification-elements/{qual_element}/file",
        PO_SUPPLIER,
        lambda s: pdf_upload(),
    ),
    Route(
        "qualification_api.download_element",
        "GET",
        "/api/qualification-elements/{qual_element}/file",
        PO_PARTIES,
    ),
    Route(
        "qualification_api.review_element",
        "POST",
        "/api/qualification-elements/{qual_element}/review",
        PO_BUYER,
        fixed_json({"accept": True}),
    ),
    Route("qualification_api.submit", "POST", QUAL + "/submission", PO_SUPPLIER),
    Route(
        "qualification_api.decide",
        "POST",
        QUAL + "/decision",
        QUAL_BUYER_CONFLICT,
        fixed_json({"decision": "rejected", "note": "Flatness out of tolerance"}),
    ),
    Route("qualification_api.approved_suppliers", "GET", "/api/approved-suppliers", ANCHOR_FIRMS),
    Route(
        "qualification_api.open_corrective_action",
        "POST",
        "/api/qualifications/{qualification_approved}/corrective-actions",
        PO_BUYER,
        json_body(
            lambda s: {
                "lot_reference": "LOT-2",
                "rejected_on": str(today_in_india()),
                "problem": "Chipped edges",
            }
        ),
    ),  # fmt: skip
    Route(
        "qualification_api.update_disciplines",
        "PATCH",
        "/api/corrective-actions/{corrective_action}",
        PO_SUPPLIER,
        fixed_json({"disciplines": {"d1": "Quality head, press shop lead"}}),
    ),
    Route(
        "qualification_api.approve_step",
        "POST",
        "/api/corrective-actions/{corrective_action}/approval",
        PO_BUYER,
        fixed_json({"step": "containment"}),
    ),
]

# The qualification pages: the same rules as the API above. The lists are each side's own
# (admins have no side); opening from an award and the templates are the anchor firm's.
Q_PAGE = "/qualifications/{qualification}"
QUALIFICATION_PAGE_ROUTES = [
    Route("qualification.list_page", "GET", "/qualifications", PAYMENT_SIDES),
    Route("qualification.approved_list", "GET", "/approved-suppliers", ANCHOR_FIRMS),
    Route("qualification.templates_page", "GET", "/qualification-templates", ANCHOR_FIRMS),
    Route(
        "qualification.templates_page",
        "POST",
        "/qualification-templates",
        ANCHOR_FIRMS,
        lambda s: {"data": {"name": factories.unique("FAI "), "kind": "fai"}},
    ),
    Route("qualification.award_page", "GET", "/awards/{award}/qualifications", PO_BUYER),
    Route(
        "qualification.award_page",
        "POST",
        "/awards/{award}/qualifications",
        PO_BUYER,
        form_body(lambda s: {"template_id": s.ids["qual_template"], "part": "Fixture F-7"}),
    ),
    Route("qualification.detail", "GET", Q_PAGE, PO_PARTIES),
    Route(
        "qualification.element_file",
        "GET",
        "/qualification-elements/{qual_element}/file",
        PO_PARTIES,
    ),
    Route(
        "qualification.upload_element",
        "POST",
        "/qualification-elements/{qual_element}/file",
        PO_SUPPLIER,
        lambda s: pdf_upload(),
    ),
    Route(
        "qualification.review_element",
        "POST",
        "/qualification-elements/{qual_element}/review",
        PO_BUYER,
        fixed_form({"accept": "true"}),
    ),
    Route("qualification.submit", "POST", Q_PAGE + "/submission", PO_SUPPLIER),
    Route(
        "qualification.decide",
        "POST",
        Q_PAGE + "/decision",
        QUAL_BUYER_CONFLICT,
        fixed_form({"decision": "rejected", "note": "Flatness out of tolerance"}),
    ),
    Route(
        "qualification.open_corrective_action",
        "POST",
        "/qualifications/{qualification_approved}/corrective-actions",
        PO_BUYER,
        form_body(
            lambda s: {
                "lot_reference": "LOT-2",
                "rejected_on": str(today_in_india()),
                "problem": "Chipped edges",
            }
        ),
    ),
    Route(
        "qualification.update_disciplines",
        "POST",
        "/corrective-actions/{corrective_action}/disciplines",
        PO_SUPPLIER,
        fixed_form({"d1": "Quality head, press shop lead"}),
    ),
    Route(
        "qualification.approve_step",
        "POST",
        "/corrective-actions/{corrective_action}/approval",
        PO_BUYER,
        fixed_form({"step": "containment"}),
    ),
]

ROUTES: list[Route] = [
    *ACCOUNT_ROUTES,
    *SUPPLIER_API_ROUTES,
    *SUPPLIER_PAGE_ROUTES,
    *CERTIFICATE_API_ROUTES,
    *CERTIFICATE_PAGE_ROUTES,
    *REQUIREMENT_API_ROUTES,
    *REQUIREMENT_PAGE_ROUTES,
    *NOTIFICATION_ROUTES,
    *MATCHING_ROUTES,
    *REPORT_ROUTES,
    *ONBOARDING_ROUTES,
    *TWO_FACTOR_ROUTES,
    *ADMIN_ROUTES,
    *JOB_ROUTES,
    *PAYMENT_ROUTES,
    *QUALIFICATION_ROUTES,
    *QUALIFICATION_PAGE_ROUTES,
]
