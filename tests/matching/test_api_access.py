"""Who may use each matching route, page and API: the authorisation table.

Every route of the matching blueprints must be in ``TABLE`` (a new one fails the inventory
test). The whole cast is tried on anchor X's requirement (cluster 1): anonymous callers are
asked to sign in, MSMEs and coordinators get 403 where only the buyer acts, another
tenant gets 404 (never 403), and the rest get through the access checks (200, 201, 204,
a redirect after a form, or 409 for a second writer holding a stale version).
"""

import pytest

from tests import factories

OK, FORBIDDEN, NOT_FOUND = "ok", "403", "404"
CAST = ("msme_a", "msme_b", "anchor_x", "anchor_y", "coordinator_1", "coordinator_2", "admin")
OVERSEES = {
    **dict.fromkeys(CAST, OK),
    "msme_a": FORBIDDEN,
    "msme_b": FORBIDDEN,
    "anchor_y": NOT_FOUND,
    "coordinator_2": NOT_FOUND,
}
MANAGES = {**OVERSEES, "coordinator_1": FORBIDDEN, "coordinator_2": FORBIDDEN}

R = "/requirements/{requirement_id}/matches"
API = "/api/requirements/{requirement_id}"
TABLE = [
    ("GET", R, None, OVERSEES),
    ("POST", R + "/shortlist", "supplier_form", MANAGES),
    ("POST", R + "/shortlist/{supplier_id}/remove", "empty_form", MANAGES),
    ("POST", R + "/invite", "supplier_form", MANAGES),
    ("POST", R + "/weights", "weights_form", MANAGES),
    ("GET", API + "/matches", None, OVERSEES),
    ("GET", API + "/match-weights", None, OVERSEES),
    ("PUT", API + "/match-weights", "weights", MANAGES),
    ("GET", API + "/shortlist", None, OVERSEES),
    ("POST", API + "/shortlist", "supplier", MANAGES),
    ("DELETE", API + "/shortlist/{supplier_id}", None, MANAGES),
]
OWNED_BLUEPRINTS = ("matching", "matching_api")


def test_every_matching_route_is_in_the_table(app):
    listed = {(method, path) for method, path, *_ in TABLE}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in OWNED_BLUEPRINTS:
            continue
        path = rule.rule.replace("<int:", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, path) in listed, f"{method} {path} has no row in the access table"


def _body(kind, scene) -> dict:
    supplier_id = scene["plater"].id
    version = scene["requirement"].version
    return {
        None: {},
        "empty_form": {"data": {}},
        "supplier_form": {"data": {"supplier_id": str(supplier_id)}},
        "weights_form": {"data": {"version": str(version), "distance": "0.2"}},
        "weights": {"json": {"weights": {"distance": 0.2}, "version": version}},
        "supplier": {"json": {"supplier_id": supplier_id}},
    }[kind]


def _outcome(response) -> str:
    if response.status_code in (403, 404):
        return str(response.status_code)
    assert response.status_code < 500 and response.status_code not in (400, 401, 422), (
        response.status_code,
        response.get_data(as_text=True)[:300],
    )
    return OK


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"), TABLE, ids=lambda v: v if isinstance(v, str) else None
)
def test_access(session, world, client, make_client, method, path, body, expected):
    scene = factories.make_matching_scene(session, world)
    url = path.format(requirement_id=scene["requirement"].id, supplier_id=scene["plater"].id)
    is_api = url.startswith("/api/")

    anonymous = client.open(url, method=method, **_body(body, scene))
    if is_api:
        assert anonymous.status_code == 401
    else:
        assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]

    # Refusals first, so that nothing an allowed user changes can hide a leak.
    for user in sorted(CAST, key=lambda u: expected[u] == OK):
        response = make_client(world[user]).open(url, method=method, **_body(body, scene))
        assert _outcome(response) == expected[user], (user, method, url, response.status_code)
