"""Every route of the app, asked by every role: the answers match the authorisation table.

The table is tests/security/inventory.py. Each role's requests run against the same
scenario: whatever one request writes is undone before the next (see clients.py).
"""

from collections import defaultdict

import pytest

from tests.security.clients import signed_in_client, undone_afterwards
from tests.security.inventory import (
    CONFLICT,
    FORBIDDEN,
    INVALID,
    LOGIN,
    NOT_FOUND,
    OK,
    PUBLIC,
    ROUTES,
    Route,
)
from tests.security.scenario import ROLES, UNVETTED_FIRM

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def app_routes(app) -> set[tuple[str, str]]:
    """(endpoint, method) for every route the app serves."""
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - IGNORED_METHODS
    }


def resolve(app, route: Route) -> tuple[str, str]:
    """The (endpoint, method) a row's request reaches, whatever the row claims."""
    path = route.path.format_map(defaultdict(lambda: 1)).split("?")[0]
    endpoint, _ = app.url_map.bind("localhost").match(path, method=route.method)
    return endpoint, route.method


def outcome_of(response, path: str) -> str:
    status = response.status_code
    location = response.headers.get("Location", "")
    if path.startswith("/api/") and status == 401:
        return LOGIN
    if status in (301, 302, 303) and "/login" in location:
        return LOGIN
    if 200 <= status < 400:
        return OK
    if status in (400, 422):
        return INVALID
    if status in (403, 404, 409):
        return {403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}[status]
    return f"HTTP {status}"


def test_every_route_is_public_or_in_the_table(app):
    tabled = {(route.endpoint, route.method) for route in ROUTES}
    untabled = sorted(
        f"{method} {endpoint}"
        for endpoint, method in app_routes(app)
        if endpoint not in PUBLIC and (endpoint, method) not in tabled
    )
    assert not untabled, "routes with no row in tests/security/inventory.py:\n" + "\n".join(
        untabled
    )


def test_every_row_reaches_the_route_it_names(app):
    wrong = [
        route.label for route in ROUTES if resolve(app, route) != (route.endpoint, route.method)
    ]
    assert wrong == []
    served = {endpoint for endpoint, _ in app_routes(app)}
    assert set(PUBLIC) - served == set(), "public routes that no longer exist"
    assert {route.endpoint for route in ROUTES} & set(PUBLIC) == set()


def test_every_row_names_an_outcome_for_every_role():
    for route in ROUTES:
        assert tuple(route.expected) == ROLES, route.label


def test_public_routes_answer_anonymous_callers(client, scenario):
    answers = {}
    for endpoint, path in PUBLIC.items():
        if path is None:
            continue
        response = client.get(path.format(**scenario.ids))
        response.close()
        answers[endpoint] = response.status_code
    assert answers == {endpoint: 200 for endpoint in answers}


@pytest.mark.parametrize("role", ROLES)
def test_each_route_answers_the_role_as_the_table_says(app, scenario, role_clients, role):
    mismatches = []
    for route in ROUTES:
        path = route.path.format(**scenario.ids)
        request = route.request(scenario)
        client = role_clients[role]
        if route.own_client and role != "anonymous":
            client = signed_in_client(app, scenario, role)
        with undone_afterwards():
            response = client.open(path, method=route.method, **request)
            got = outcome_of(response, path)
            body = response.get_data().decode(errors="replace")
            response.close()
        if got != route.expected[role]:
            mismatches.append(
                f"{route.label}: expected {route.expected[role]}, got {got} "
                f"({response.status_code}) {body[:160]!r}"
            )
    assert mismatches == [], f"{role}:\n" + "\n".join(mismatches)


# -- lists and searches show nothing of another tenant --------------------------------------

SUPPLIER_A = "Asha Precision Works"
SUPPLIER_B = "Bhavani Graphite Products"
SUPPLIER_C = "Chola Surface Coatings"
UNLISTED = "Dhruv Unlisted Foundry"
RFQ_X = "X open: NiCuNi plating"
DRAFT_X = "X draft: graphite fixtures"
RFQ_Y = "Y open: jet milling"
CLUSTER_1_ONLY = {"shows": (SUPPLIER_A, SUPPLIER_C, UNLISTED), "hides": (SUPPLIER_B,)}
CLUSTER_2_ONLY = {"shows": (SUPPLIER_B,), "hides": (SUPPLIER_A, SUPPLIER_C, UNLISTED)}
X_RFQS = {"shows": (RFQ_X, DRAFT_X), "hides": (RFQ_Y,)}
Y_RFQS = {"shows": (RFQ_Y,), "hides": (RFQ_X, DRAFT_X)}

# (path, role, {"shows": names that must be listed, "hides": names that must not})
LIST_CHECKS = [
    (
        "/api/suppliers?per_page=100",
        "msme_a",
        {"shows": (SUPPLIER_A,), "hides": (SUPPLIER_B, SUPPLIER_C, UNLISTED)},
    ),
    (
        "/api/suppliers?per_page=100",
        "msme_b",
        {"shows": (SUPPLIER_B,), "hides": (SUPPLIER_A, SUPPLIER_C)},
    ),
    ("/api/suppliers?per_page=100", "anchor_x", CLUSTER_1_ONLY),
    ("/api/suppliers?per_page=100", "anchor_y", CLUSTER_2_ONLY),
    ("/api/suppliers?per_page=100", "coordinator_1", CLUSTER_1_ONLY),
    ("/api/suppliers?per_page=100", "coordinator_2", CLUSTER_2_ONLY),
    (
        "/api/suppliers?per_page=100",
        "admin",
        {"shows": (SUPPLIER_A, SUPPLIER_B, UNLISTED), "hides": ()},
    ),
    # Searching for the other tenant by name finds nothing.
    ("/api/suppliers?q=Bhavani", "anchor_x", {"shows": (), "hides": (SUPPLIER_B,)}),
    ("/api/suppliers?q=Bhavani", "msme_a", {"shows": (), "hides": (SUPPLIER_B,)}),
    ("/api/suppliers?q=Asha", "coordinator_2", {"shows": (), "hides": (SUPPLIER_A,)}),
    ("/suppliers?q=Bhavani", "anchor_x", {"shows": (), "hides": (SUPPLIER_B,)}),
    ("/suppliers?q=Asha", "coordinator_2", {"shows": (), "hides": (SUPPLIER_A,)}),
    ("/suppliers?q=works", "anchor_y", {"shows": (), "hides": (SUPPLIER_A,)}),
    # The public directory leaves out the unlisted profile, for everyone.
    (
        "/api/suppliers/directory?per_page=100",
        "anonymous",
        {"shows": (SUPPLIER_A, SUPPLIER_B), "hides": (UNLISTED,)},
    ),
    ("/api/suppliers/directory?q=Dhruv", "coordinator_1", {"shows": (), "hides": (UNLISTED,)}),
    ("/directory?q=foundry", "anonymous", {"shows": (), "hides": (UNLISTED,)}),
    ("/api/requirements?per_page=100", "msme_a", {"shows": (RFQ_X,), "hides": (DRAFT_X, RFQ_Y)}),
    ("/api/requirements?per_page=100", "msme_b", {"shows": (RFQ_Y,), "hides": (RFQ_X, DRAFT_X)}),
    ("/api/requirements?per_page=100", "anchor_x", X_RFQS),
    ("/api/requirements?per_page=100", "anchor_y", Y_RFQS),
    ("/api/requirements?per_page=100", "coordinator_1", X_RFQS),
    ("/api/requirements?per_page=100", "coordinator_2", Y_RFQS),
    ("/api/requirements?per_page=100", "admin", {"shows": (RFQ_X, DRAFT_X, RFQ_Y), "hides": ()}),
    ("/rfqs", "msme_a", {"shows": (RFQ_X,), "hides": (DRAFT_X, RFQ_Y)}),
    ("/rfqs", "msme_b", {"shows": (RFQ_Y,), "hides": (RFQ_X,)}),
    ("/requirements", "anchor_x", X_RFQS),
    ("/requirements", "anchor_y", Y_RFQS),
    ("/requirements/cluster", "coordinator_1", X_RFQS),
    ("/requirements/cluster", "coordinator_2", Y_RFQS),
    # A supplier never learns who else was invited.
    ("/api/requirements/{rfq_open}", "msme_a", {"shows": (RFQ_X,), "hides": (SUPPLIER_C,)}),
    ("/requirements/{rfq_open}", "msme_a", {"shows": (RFQ_X,), "hides": (SUPPLIER_C,)}),
    (
        "/api/requirements/{rfq_open}/invitations",
        "coordinator_1",
        {"shows": (SUPPLIER_A, SUPPLIER_C), "hides": (SUPPLIER_B,)},
    ),
    (
        "/api/certificates",
        "msme_a",
        {"shows": ("QMS-{supplier_a}-2024",), "hides": ("QMS-{supplier_b}-2024",)},
    ),
    (
        "/api/certificates",
        "coordinator_1",
        {"shows": ("QMS-{supplier_a}-2024",), "hides": ("QMS-{supplier_b}-2024",)},
    ),
    (
        "/api/certificates",
        "coordinator_2",
        {"shows": ("QMS-{supplier_b}-2024",), "hides": ("QMS-{supplier_a}-2024",)},
    ),
    (
        "/api/certificates/verification-queue",
        "coordinator_1",
        {"shows": (SUPPLIER_A,), "hides": (SUPPLIER_B,)},
    ),
    (
        "/api/certificates/verification-queue",
        "coordinator_2",
        {"shows": (SUPPLIER_B,), "hides": (SUPPLIER_A,)},
    ),
    (
        "/certificates/verification",
        "coordinator_1",
        {"shows": (SUPPLIER_A,), "hides": (SUPPLIER_B,)},
    ),
    (
        "/api/suppliers/duplicates",
        "coordinator_1",
        {"shows": ("Sai Tools 1",), "hides": ("Sai Tools 2",)},
    ),
    (
        "/suppliers/duplicates",
        "coordinator_2",
        {"shows": ("Sai Tools 2",), "hides": ("Sai Tools 1",)},
    ),
    (
        "/api/suppliers/imports",
        "coordinator_1",
        {"shows": ("cluster1.csv",), "hides": ("cluster2.csv",)},
    ),
    ("/api/notifications", "msme_a", {"shows": (RFQ_X,), "hides": (RFQ_Y,)}),
    ("/notifications", "msme_b", {"shows": (RFQ_Y,), "hides": (RFQ_X,)}),
    # The unvetted anchor of cluster 1 finds the directory, but none of X's requirements;
    # only its own cluster's coordinator (and admins) see it waiting.
    (
        "/api/suppliers/directory?per_page=100",
        "unvetted_anchor",
        {"shows": (SUPPLIER_A, SUPPLIER_B), "hides": (UNLISTED,)},
    ),
    ("/directory?q=Asha", "unvetted_anchor", {"shows": (SUPPLIER_A,), "hides": (SUPPLIER_B,)}),
    ("/api/requirements?per_page=100", "unvetted_anchor", {"shows": (), "hides": X_RFQS["shows"]}),
    ("/api/anchor-vetting", "coordinator_1", {"shows": (UNVETTED_FIRM,), "hides": ()}),
    ("/anchors/vetting", "coordinator_1", {"shows": (UNVETTED_FIRM,), "hides": ()}),
    ("/api/anchor-vetting", "coordinator_2", {"shows": (), "hides": (UNVETTED_FIRM,)}),
    ("/anchors/vetting", "admin", {"shows": (UNVETTED_FIRM,), "hides": ()}),
    ("/api/tokens", "msme_a", {"shows": ("msme_a tests",), "hides": ("msme_b tests",)}),
    ("/account", "anchor_y", {"shows": ("anchor_y tests",), "hides": ("anchor_x tests",)}),
]


@pytest.mark.parametrize("role", ROLES)
def test_lists_and_searches_show_nothing_of_another_tenant(scenario, role_clients, role):
    wrong = []
    for path, checked_role, names in LIST_CHECKS:
        if checked_role != role:
            continue
        url = path.format(**scenario.ids)
        response = role_clients[role].get(url)
        text = response.get_data(as_text=True)
        missing = [n.format(**scenario.ids) for n in names["shows"]]
        missing = [name for name in missing if name not in text]
        leaked = [n.format(**scenario.ids) for n in names["hides"]]
        leaked = [name for name in leaked if name in text]
        if response.status_code != 200 or missing or leaked:
            wrong.append(f"{url}: HTTP {response.status_code}, missing {missing}, leaked {leaked}")
    assert wrong == []
