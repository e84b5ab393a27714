"""Who gets what from every reports route: 2xx, 403 (wrong kind of user), 404 (another
cluster's or firm's object), and anonymous 401 (API) or a redirect to sign in (pages)."""

import pytest

from tests.security.scenario import WORLD_ROLES as ROLES

LOGIN = "login"


def expected(*by_role):
    """Outcomes in ROLES order: anonymous, MSME A/B, anchor X/Y, coordinator 1/2, admin."""
    return dict(zip(ROLES, by_role, strict=True))


# The dashboard: coordinators (their own cluster) and admins.
DASHBOARD = expected(LOGIN, 403, 403, 403, 403, 200, 200, 200)
# ... asking for cluster 1 by id: coordinator 2 is told it does not exist.
CLUSTER_1_DASHBOARD = expected(LOGIN, 403, 403, 403, 403, 200, 404, 200)
# Anchor X's requirement: its anchor, cluster 1's coordinator and admins; MSMEs are the
# wrong kind of user; anchor Y and coordinator 2 do not know it exists.
REPORT = expected(LOGIN, 403, 403, 200, 404, 200, 404, 200)
# Notes: written by the requirement's cluster coordinator (and admins); a successful form
# post redirects back to the report.
NOTE_PAGE = expected(LOGIN, 403, 403, 403, 403, 302, 404, 302)
NOTE_API = expected(LOGIN, 403, 403, 403, 403, 201, 404, 201)

# (method, path, form or JSON body, expected)
PAGES = [
    ("GET", "/dashboard", None, DASHBOARD),
    ("GET", "/dashboard?cluster_id={cluster_1}", None, CLUSTER_1_DASHBOARD),
    ("GET", "/dashboard/coverage.csv", None, DASHBOARD),
    ("GET", "/dashboard/funnel.csv?cluster_id={cluster_1}", None, CLUSTER_1_DASHBOARD),
    ("GET", "/requirements/{requirement}/report", None, REPORT),
    ("GET", "/requirements/{requirement}/report/print", None, REPORT),
    ("GET", "/requirements/{requirement}/report.csv", None, REPORT),
    (
        "POST",
        "/requirements/{requirement}/report/notes",
        {"supplier_id": "{plater}", "recommendation": "recommended", "text": "Audited in May."},
        NOTE_PAGE,
    ),
]
API = [
    ("GET", "/api/reports/dashboard", None, DASHBOARD),
    ("GET", "/api/reports/dashboard?cluster_id={cluster_1}", None, CLUSTER_1_DASHBOARD),
    ("GET", "/api/reports/requirements/{requirement}", None, REPORT),
    (
        "POST",
        "/api/reports/requirements/{requirement}/notes",
        {
            "supplier_id": "{plater}",
            "recommendation": "develop",
            "text": "Needs a salt-spray test.",
        },
        NOTE_API,
    ),
]


def _ids(scene, world) -> dict:
    return {
        "cluster_1": world["cluster_1"].id,
        "requirement": scene["requirement"].id,
        "plater": scene["plater"].id,
    }


def _fill(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def _outcome(response, path):
    if response.status_code == 401 and path.startswith("/api/"):
        return LOGIN
    if response.status_code == 302 and "/login" in response.headers.get("Location", ""):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "body", "table"),
    PAGES + API,
    ids=[f"{m} {p}" for m, p, _, _ in PAGES + API],
)
def test_route_answers_each_role_as_the_table_says(
    make_client, world, scene, who, method, path, body, table
):
    ids = _ids(scene, world)
    client = make_client(None if who == "anonymous" else world[who])
    url = _fill(path, ids)
    payload = _fill(body, ids)
    if method == "GET":
        response = client.get(url)
    elif url.startswith("/api/"):
        payload["supplier_id"] = int(payload["supplier_id"])
        response = client.post(url, json=payload)
    else:
        response = client.post(url, data=payload)

    assert _outcome(response, url) == table[who], response.get_data(as_text=True)[:300]


def test_another_clusters_requirement_is_not_found_for_coordinator_1(make_client, world, scene):
    client = make_client(world["coordinator_1"])
    other = scene["other_requirement"].id

    assert client.get(f"/requirements/{other}/report").status_code == 404
    assert client.get(f"/api/reports/requirements/{other}").status_code == 404


def test_ids_beyond_any_row_answer_not_found(make_client, world, scene):
    admin = make_client(world["admin"])

    assert admin.get("/requirements/999999/report").status_code == 404
    assert admin.get("/api/reports/dashboard?cluster_id=999999").status_code == 404
    assert admin.get("/dashboard/nonsense.csv").status_code == 404


def test_note_forms_refuse_a_post_without_the_csrf_token(make_client, world, scene):
    client = make_client(world["coordinator_1"])
    client.csrf = False

    response = client.post(
        f"/requirements/{scene['requirement'].id}/report/notes",
        data={"supplier_id": scene["plater"].id, "text": "no token"},
    )

    assert response.status_code == 400
