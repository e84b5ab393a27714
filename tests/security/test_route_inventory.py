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
from tests.security.scenario import ROLES

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
