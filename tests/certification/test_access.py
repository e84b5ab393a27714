"""Who gets what on every certification route: 2xx, 403 (wrong kind of user), 404 (another
tenant's record), and anonymous 401 (API) or a redirect to sign in (pages)."""

from datetime import timedelta

import pytest

from tests.certification.builders import TODAY, make_quote, make_record, make_requirement

ROLES = (
    "anonymous",
    "msme_a",
    "msme_b",
    "anchor_x",
    "anchor_y",
    "coordinator_1",
    "coordinator_2",
    "admin",
)


@pytest.fixture
def scene(session, cast):
    """Supplier A (cluster 1) holds a certified record; anchor X has a quote from it."""
    certificate = make_record(session, cast["supplier_a"])
    requirement = make_requirement(session, cast["anchor_x"])
    make_quote(session, requirement, cast["supplier_a"])
    session.commit()
    return {**cast, "certificate": certificate}


def _client(make_client, scene, who):
    return make_client(None if who == "anonymous" else scene[who])


def _expect(table: dict, who: str) -> int:
    return table.get(who, table.get("*"))


# Expected status by role ("*" = everyone else). Pages give anonymous a redirect instead.
# The supplier's own MSME, its cluster's coordinator and admins; anchors are the wrong kind
# of user (403); MSME B and the other cluster's coordinator do not see it (404).
OWNER_AND_COORDINATOR = {
    "anonymous": 401,
    "msme_a": 200,
    "coordinator_1": 200,
    "admin": 200,
    "anchor_x": 403,
    "anchor_y": 403,
    "msme_b": 404,
    "coordinator_2": 404,
}
# ... and anchor X, which has a quote from the supplier, may read its issued certificates.
ALSO_QUOTED_ANCHOR = {**OWNER_AND_COORDINATOR, "anchor_x": 200, "anchor_y": 404}
COORDINATORS_ONLY = {
    "anonymous": 401,
    "coordinator_1": 200,
    "coordinator_2": 200,
    "admin": 200,
    "*": 403,
}
CLUSTER_1_COORDINATOR = {**COORDINATORS_ONLY, "coordinator_2": 404}

# (method, path template, json body, expected by role)
API_TABLE = [
    ("GET", "/api/certificates/{id}", None, ALSO_QUOTED_ANCHOR),
    (
        "GET",
        "/api/certificates",
        None,
        {"anonymous": 401, "anchor_x": 403, "anchor_y": 403, "*": 200},
    ),
    ("GET", "/api/certificates/{id}/history", None, OWNER_AND_COORDINATOR),
    ("GET", "/api/certificates/{id}/evidence", None, ALSO_QUOTED_ANCHOR),
    (
        "PATCH",
        "/api/certificates/{id}",
        {"version": 1, "scope": "Sintered magnet testing, Plant 1"},
        OWNER_AND_COORDINATOR,
    ),
    (
        "POST",
        "/api/certificates/{id}/transitions",
        {"version": 1, "to": "suspended"},
        OWNER_AND_COORDINATOR,
    ),
    (
        "POST",
        "/api/certificates/{id}/verification",
        {"version": 1, "decision": "reject", "reason": "Number does not match the scan"},
        CLUSTER_1_COORDINATOR,
    ),
    ("GET", "/api/certificates/verification-queue", None, COORDINATORS_ONLY),
    ("GET", "/api/readiness/suppliers/{supplier}", None, OWNER_AND_COORDINATOR),
    ("GET", "/api/readiness/suppliers/{supplier}/roadmap", None, OWNER_AND_COORDINATOR),
    ("GET", "/api/readiness/clusters/{cluster}/roadmap", None, CLUSTER_1_COORDINATOR),
    ("GET", "/api/certificates/catalogue", None, {"*": 200}),
    (
        "POST",
        "/api/certificates",
        {"code": "ISO14001", "supplier_id": "{supplier}"},
        {**OWNER_AND_COORDINATOR, "msme_a": 201, "coordinator_1": 201, "admin": 201},
    ),
    (
        "POST",
        "/api/certificates/{id}/renewals",
        {
            "version": 1,
            "certificate_number": "QMS-RENEWED-1",
            "issuing_body": "TUV India",
            "issued_on": str(TODAY),
            "expires_on": str(TODAY + timedelta(days=1095)),
        },
        {**OWNER_AND_COORDINATOR, "msme_a": 201, "coordinator_1": 201, "admin": 201},
    ),
]


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize(("method", "template", "body", "table"), API_TABLE)
def test_api_route_access(make_client, scene, who, method, template, body, table):
    path = template.format(
        id=scene["certificate"].id,
        supplier=scene["supplier_a"].id,
        cluster=scene["cluster_1"].id,
    )
    if body and body.get("supplier_id") == "{supplier}":
        body = {**body, "supplier_id": scene["supplier_a"].id}
    response = _client(make_client, scene, who).open(path, method=method, json=body)
    assert response.status_code == _expect(table, who), response.get_json()


# Pages without a supplier named: the MSME's own; coordinators are sent to their queue.
OWN_PAGE = {"msme_a": 200, "msme_b": 200, "anchor_x": 403, "anchor_y": 403, "*": 302}

PAGE_TABLE = [
    ("/certificates/{id}", ALSO_QUOTED_ANCHOR),
    ("/certificates", OWN_PAGE),
    ("/certificates?supplier_id={supplier}", OWNER_AND_COORDINATOR),
    ("/readiness", OWN_PAGE),
    ("/readiness?supplier_id={supplier}", OWNER_AND_COORDINATOR),
    ("/certificates/verification", COORDINATORS_ONLY),
    ("/readiness/cluster", COORDINATORS_ONLY),
    ("/readiness/cluster?cluster_id={cluster}", CLUSTER_1_COORDINATOR),
]


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize(("template", "table"), PAGE_TABLE)
def test_page_access(make_client, scene, who, template, table):
    path = template.format(
        id=scene["certificate"].id,
        supplier=scene["supplier_a"].id,
        cluster=scene["cluster_1"].id,
    )
    response = _client(make_client, scene, who).get(path)
    if who == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:
        assert response.status_code == _expect(table, who)


# Forms posted by people who may not use them: refused before anything is read.
NOT_THEIRS = {"msme_b": 404, "coordinator_2": 404, "anchor_x": 403, "anchor_y": 403}
PAGE_POSTS = [
    ("/certificates/{id}/edit", NOT_THEIRS),
    ("/certificates/{id}/transition", NOT_THEIRS),
    ("/certificates/{id}/renew", NOT_THEIRS),
    ("/certificates/{id}/evidence", NOT_THEIRS),
    ("/certificates?supplier_id={supplier}", NOT_THEIRS),
    ("/certificates/{id}/verification", {**NOT_THEIRS, "msme_a": 403, "msme_b": 403}),
]


@pytest.mark.parametrize(("template", "expected"), PAGE_POSTS)
def test_page_forms_refuse_other_tenants_and_anchors(make_client, scene, template, expected):
    path = template.format(id=scene["certificate"].id, supplier=scene["supplier_a"].id)
    for who, status in expected.items():
        assert _client(make_client, scene, who).post(path, data={}).status_code == status, who
    anonymous = _client(make_client, scene, "anonymous").post(path, data={})
    assert anonymous.status_code == 302


# Uploads and downloads have their own table in test_evidence.py.
ROUTES_TESTED_ELSEWHERE = {
    ("certificates_api.upload_evidence", "POST"),
    ("certificates_api.download_evidence", "GET"),
    ("certification.download_evidence", "GET"),
}


def test_every_certification_route_is_in_an_access_table(app, scene):
    adapter = app.url_map.bind("localhost")

    def endpoint(template: str, method: str) -> tuple[str, str]:
        path = template.format(id=1, supplier=1, cluster=1).split("?")[0]
        return adapter.match(path, method=method)[0], method

    listed = {endpoint(template, method) for method, template, _, _ in API_TABLE}
    listed |= {endpoint(template, "GET") for template, _ in PAGE_TABLE}
    listed |= {endpoint(template, "POST") for template, _ in PAGE_POSTS}
    present = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in ("certification", "certificates_api", "readiness_api")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert present - listed - ROUTES_TESTED_ELSEWHERE == set()


def test_lists_never_include_another_tenants_records(session, make_client, scene):
    theirs = make_record(session, scene["supplier_b"], code="NABL17025")
    session.commit()
    mine = make_client(scene["msme_a"]).get("/api/certificates").get_json()
    assert {r["supplier_id"] for r in mine} == {scene["supplier_a"].id}
    cluster_1 = make_client(scene["coordinator_1"]).get("/api/certificates").get_json()
    assert theirs.id not in {r["id"] for r in cluster_1}
    filtered = make_client(scene["msme_a"]).get(
        f"/api/certificates?supplier_id={scene['supplier_b'].id}"
    )
    assert filtered.status_code == 404


def test_forms_without_csrf_token_are_refused(make_client, scene):
    client = make_client(scene["msme_a"])
    client.csrf = False
    response = client.post(
        f"/api/certificates/{scene['certificate'].id}/transitions",
        json={"version": 1, "to": "suspended"},
    )
    assert response.status_code == 400


def test_an_id_no_row_can_have_is_simply_not_found(make_client, scene):
    client = make_client(scene["coordinator_1"])
    too_big = 2**65
    for path in (
        f"/api/certificates/{too_big}",
        f"/api/certificates/{too_big}/history",
        f"/api/certificates/{scene['certificate'].id}/evidence/{too_big}",
        f"/api/readiness/suppliers/{too_big}",
        f"/api/readiness/clusters/{too_big}/roadmap",
    ):
        assert client.get(path).status_code == 404, path


def test_timestamps_carry_their_utc_offset(make_client, scene):
    body = make_client(scene["msme_a"]).get(f"/api/certificates/{scene['certificate'].id}")
    assert body.get_json()["created_at"].endswith("+00:00")
